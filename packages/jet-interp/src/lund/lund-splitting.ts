/**
 * The Lund coordinates of one splitting of a clustering tree.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { ClusterNode } from '../cluster/cluster-node';
import { TWO_PI, deltaR2 } from '../particles/kinematics';

/**
 * The two coordinates of the Lund plane a splitting is drawn at.
 * @example
 * ```ts
 * lundImage([{ lnInvDelta: 1.5, lnKt: 2 }]).entries; // 1
 * ```
 */
export interface LundPoint {
  /** ln(1/Δ); +∞ when Δ = 0. */
  readonly lnInvDelta: number;
  /** ln(k_t / GeV); −∞ when k_t = 0. */
  readonly lnKt: number;
}

/**
 * One splitting of a clustering tree, seen as an emission of the softer branch off the harder one.
 *
 * @remarks
 * `harder` is the branch with the larger p⊥ (on an exact tie, the first of FastJet's two parents). Angles are in the
 * (rapidity, azimuth) plane, as FastJet measures them:
 * - Δ = √(Δy² + Δφ²) between the two branches (Δφ the short way round);
 * - k_t = p⊥,softer · Δ (GeV);
 * - z = p⊥,softer / (p⊥,harder + p⊥,softer) ∈ [0, ½] (0 when both p⊥ vanish);
 * - ψ = atan2(y_softer − y_harder, φ_softer − φ_harder), with the azimuth difference taken into [−π, π]: the direction of
 *   the softer branch around the harder one, measured from the +φ direction towards +y, in (−π, π] (FastJet contrib's
 *   `LundDeclustering::psi()` convention);
 * - m = invariant mass of the pair (the declustered node), κ = z·Δ.
 *
 * `pair`, `harder` and `softer` are the clustering nodes themselves: their ids (history indices of their sequence) map
 * any per-node quantity, such as a saliency, onto the Lund plane, and their four-momenta are the branches'.
 * @example
 * ```ts
 * const [first] = primaryLundDeclusterings(jet);
 * first!.harder.mass; first!.softer.constituents(); first!.pair.id; // branches and node identity
 * ```
 */
export interface LundSplitting extends LundPoint {
  /** Δ, the (y, φ) distance between the two branches. */
  readonly delta: number;
  /** k_t = p⊥,softer · Δ in GeV. */
  readonly kt: number;
  /** z = p⊥,softer / (p⊥,harder + p⊥,softer). */
  readonly z: number;
  /** ψ = atan2(Δy, Δφ) of the softer branch relative to the harder, in (−π, π]. */
  readonly psi: number;
  /** Invariant mass of the pair (GeV). */
  readonly m: number;
  /** κ = z·Δ. */
  readonly kappa: number;
  /** The declustered node (harder + softer). */
  readonly pair: ClusterNode;
  /** The branch with the larger p⊥. */
  readonly harder: ClusterNode;
  /** The branch with the smaller p⊥. */
  readonly softer: ClusterNode;
}

/**
 * The Lund coordinates of the merge that made `node`.
 * @param node - an internal node of a clustering tree (for Lund planes, of a Cambridge/Aachen tree)
 * @returns its splitting, or undefined for a particle (a leaf)
 * @throws InvalidArgumentError when `node` is not a {@link ClusterNode}
 * @example
 * ```ts
 * const root = reclusterJet([FourMomentum.fromPtYPhiM(300, 0, 0), FourMomentum.fromPtYPhiM(100, 0.3, 0.4)]);
 * const s = lundSplitting(root)!;
 * s.delta; // 0.5
 * s.kt;    // 50
 * s.z;     // 0.25
 * ```
 */
export function lundSplitting(node: ClusterNode): LundSplitting | undefined {
  if (!(node instanceof ClusterNode)) {
    throw new InvalidArgumentError('node', 'node must be a ClusterNode (e.g. from reclusterJet or ClusterSequence.node).');
  }
  const children = node.children;
  if (!children) return undefined;
  let [harder, softer] = children;
  if (harder.pt2 < softer.pt2) [harder, softer] = [softer, harder];
  const yH = harder.rapidity;
  const phiH = harder.phi;
  const yS = softer.rapidity;
  const phiS = softer.phi;
  const delta = Math.sqrt(deltaR2(yH, phiH, yS, phiS));
  const ptS = softer.pt;
  const ptSum = ptS + harder.pt;
  const z = ptSum > 0 ? ptS / ptSum : 0;
  let dphi = phiS - phiH;
  if (dphi > Math.PI) dphi -= TWO_PI;
  else if (dphi < -Math.PI) dphi += TWO_PI;
  const kt = ptS * delta;
  return {
    delta,
    kt,
    z,
    psi: Math.atan2(yS - yH, dphi),
    m: node.mass,
    kappa: z * delta,
    lnInvDelta: -Math.log(delta),
    lnKt: Math.log(kt),
    pair: node,
    harder,
    softer,
  };
}
