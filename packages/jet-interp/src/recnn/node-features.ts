/**
 * The RecNN node features (Louppe et al.): p, η, φ, E, E/E_J, p⊥, θ of every node of a jet's tree.
 * @packageDocumentation
 */
import type { JetTree } from './jet-tree';

/**
 * Names of the node features, in column order: |p|, pseudorapidity η, azimuth φ, energy E, E / E_jet, transverse
 * momentum p⊥, polar angle θ = 2·arctan(e^(−η)).
 * @example
 * ```ts
 * RECNN_FEATURES.indexOf('pt'); // 5
 * ```
 */
export const RECNN_FEATURES: readonly string[] = Object.freeze(['p', 'eta', 'phi', 'E', 'E/E_J', 'pt', 'theta']);

/** Number of node features (7). */
export const RECNN_FEATURE_COUNT = 7;

/**
 * The features of one four-momentum, written to `out[offset … offset + 6]`.
 *
 * @remarks
 * The reference implementation's definitions: p = |p⃗|; η = asinh(pz / p⊥) (computed as ±ln((p + |pz|) / p⊥); 0 when p⊥ = 0, where the reference's
 * non-finite η is replaced by 0); φ = atan2(py, px) in (−π, π] (not FastJet's [0, 2π)); E; E / E_J (0 when E_J = 0);
 * p⊥ = sqrt(px² + py²); θ = atan2(p⊥, pz), which equals 2·arctan(e^(−η)) and is 0 or π along the beam and 0 for p = 0.
 * φ is the absolute azimuth, as in the reference (no rotation of the jet).
 *
 * @param px - x momentum
 * @param py - y momentum
 * @param pz - z momentum
 * @param e - energy
 * @param jetEnergy - E_J, the energy of the whole jet (its tree's root)
 * @param out - destination
 * @param offset - first index written @default 0
 * @example
 * ```ts
 * const f = new Float64Array(7);
 * momentumFeatures(3, 4, 0, 5, 10, f); // [5, 0, 0.927…, 5, 0.5, 5, π/2]
 * ```
 */
export function momentumFeatures(px: number, py: number, pz: number, e: number, jetEnergy: number, out: Float64Array, offset = 0): void {
  const pt2 = px * px + py * py;
  const pt = Math.sqrt(pt2);
  const p = Math.sqrt(pt2 + pz * pz);
  out[offset] = p;
  // asinh(pz / pt) = ±ln((p + |pz|) / pt): one log instead of asinh's division, square root and log (the argument is
  // ≥ 1, so no cancellation; equal to Math.asinh to a few 1e-16 absolute)
  out[offset + 1] = pt > 0 ? (pz >= 0 ? Math.log((p + pz) / pt) : -Math.log((p - pz) / pt)) : 0;
  out[offset + 2] = Math.atan2(py, px);
  out[offset + 3] = e;
  out[offset + 4] = jetEnergy !== 0 ? e / jetEnergy : 0;
  out[offset + 5] = pt;
  out[offset + 6] = Math.atan2(pt, pz);
}

/**
 * The 7 features ({@link RECNN_FEATURES}) of every node of a tree, leaves and internal nodes alike (an internal node's
 * four-momentum is the sum of its children's), with E_J the root's energy.
 * @param tree - from {@link buildJetTree}
 * @param out - destination of at least `offset + 7 · tree.size` values @default a new array
 * @param offset - first index written @default 0
 * @returns `out`: row k (7 values) for node k, unscaled
 * @example
 * ```ts
 * const tree = buildJetTree(jet);
 * const x = nodeFeatures(tree);      // Float64Array(7 × tree.size)
 * x[7 * tree.root + 4];              // 1: E / E_J of the root
 * ```
 */
export function nodeFeatures(tree: JetTree, out: Float64Array = new Float64Array(RECNN_FEATURE_COUNT * tree.size), offset = 0): Float64Array {
  const m = tree.momenta;
  const jetEnergy = m[4 * tree.root + 3]!;
  for (let k = 0; k < tree.size; k++) {
    momentumFeatures(m[4 * k]!, m[4 * k + 1]!, m[4 * k + 2]!, m[4 * k + 3]!, jetEnergy, out, offset + RECNN_FEATURE_COUNT * k);
  }
  return out;
}
