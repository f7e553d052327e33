/**
 * The Lund coordinates of every internal node of a RecNN tree.
 * @packageDocumentation
 */
import type { JetTree } from '../recnn/jet-tree';
import { azimuth, deltaR2, rapidity } from '../particles/kinematics';

/**
 * Per-node Lund coordinates of a tree's splittings (NaN for leaves, which are no splitting).
 * @example
 * ```ts
 * const c = treeLundCoordinates(tree);
 * c.lnInvDelta[tree.root]; // ln 1/Δ of the last (widest, for C/A) merge
 * ```
 */
export interface TreeLundCoordinates {
  /** ln(1/Δ) per node; NaN for a leaf, +∞ when Δ = 0. */
  readonly lnInvDelta: Float64Array;
  /** ln(k_t/GeV) per node; NaN for a leaf, −∞ when k_t = 0. */
  readonly lnKt: Float64Array;
  /** Δ per node (NaN for a leaf). */
  readonly delta: Float64Array;
  /** k_t per node in GeV (NaN for a leaf). */
  readonly kt: Float64Array;
  /** z = p⊥,softer / (p⊥,harder + p⊥,softer) per node (NaN for a leaf). */
  readonly z: Float64Array;
}

/**
 * The Lund coordinates of the splitting at every internal node of a tree: node k splits into its two children, and
 * Δ, k_t and z are those of {@link lundSplitting} for that pair (Δ in the rapidity–azimuth plane, k_t = p⊥,softer · Δ).
 *
 * @remarks
 * The tree's left child is the harder one by p⊥ (ties broken as in {@link buildJetTree}); with equal p⊥ both choices give
 * the same Δ, k_t and z. Leaves (the constituents) have no splitting: their entries are NaN, and Lund-plane maps leave
 * them out. For a C/A tree these are the coordinates of the full Lund declustering (primary and secondary planes
 * together).
 *
 * @param tree - from {@link buildJetTree} or `model.tree(jet)`
 * @returns arrays of `tree.size` values
 * @example
 * ```ts
 * const tree = buildJetTree(jet);
 * const { lnInvDelta, lnKt } = treeLundCoordinates(tree);
 * ```
 */
export function treeLundCoordinates(tree: Pick<JetTree, 'size' | 'left' | 'right' | 'momenta'>): TreeLundCoordinates {
  const N = tree.size;
  const lnInvDelta = new Float64Array(N).fill(NaN);
  const lnKt = new Float64Array(N).fill(NaN);
  const delta = new Float64Array(N).fill(NaN);
  const kt = new Float64Array(N).fill(NaN);
  const z = new Float64Array(N).fill(NaN);
  const m = tree.momenta;
  const kin = (k: number) => {
    const px = m[4 * k]!;
    const py = m[4 * k + 1]!;
    const pz = m[4 * k + 2]!;
    const e = m[4 * k + 3]!;
    return { pt: Math.sqrt(px * px + py * py), y: rapidity(px, py, pz, e), phi: azimuth(px, py) };
  };
  for (let k = 0; k < N; k++) {
    const l = tree.left[k]!;
    if (l < 0) continue;
    const a = kin(l);
    const b = kin(tree.right[k]!);
    const [hard, soft] = a.pt >= b.pt ? [a, b] : [b, a];
    const d = Math.sqrt(deltaR2(hard.y, hard.phi, soft.y, soft.phi));
    const sum = hard.pt + soft.pt;
    delta[k] = d;
    kt[k] = soft.pt * d;
    z[k] = sum > 0 ? soft.pt / sum : 0;
    lnInvDelta[k] = -Math.log(d);
    lnKt[k] = Math.log(soft.pt * d);
  }
  return { lnInvDelta, lnKt, delta, kt, z };
}
