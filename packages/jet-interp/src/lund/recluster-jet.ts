/**
 * Reclustering a jet's constituents into one clustering tree (Cambridge/Aachen by default), the first step of Lund
 * declustering and of the recursive networks' trees.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { ClusterNode } from '../cluster/cluster-node';
import { ClusterSequence, sortByPt } from '../cluster/cluster-sequence';
import { jetDefinition, parseJetAlgorithm, type JetAlgorithm } from '../cluster/jet-definition';
import type { FourMomentumLike } from '../particles/four-momentum';
import { ParticleEvent } from '../particles/particle-event';

/**
 * A jet, as the Lund-plane and observable functions accept it: its constituents as a {@link ParticleEvent} (e.g.
 * `generateJets(...)[i].constituents`), as an array of four-momenta (validated), or as a {@link ClusterNode} of any
 * clustering (its constituents are taken from the clustered event).
 * @example
 * ```ts
 * const a: JetInput = generateJets('w', 1, { seed: 1 })[0]!.constituents;
 * const b: JetInput = [FourMomentum.fromPtYPhiM(100, 0, 0), FourMomentum.fromPtYPhiM(20, 0.1, 0.2)];
 * const c: JetInput = clusterJets(event, jetDefinition('antikt', 0.8))[0]!;
 * ```
 */
export type JetInput = ParticleEvent | readonly FourMomentumLike[] | ClusterNode;

/**
 * FastJet's largest allowed jet radius (`JetDefinition::max_allowable_R`), the default reclustering radius: with it every
 * pair of constituents of a physical jet is closer than R, so the whole jet clusters into one tree (FastJet contrib's
 * `LundGenerator` reclusters with C/A at this radius too).
 * @example
 * ```ts
 * reclusterJet(jet, { radius: RECLUSTER_RADIUS }); // the default
 * ```
 */
export const RECLUSTER_RADIUS = 1000;

/**
 * Options of {@link reclusterJet}.
 * @example
 * ```ts
 * reclusterJet(jet, { algorithm: 'kt' }); // a kt tree of the constituents
 * ```
 */
export interface ReclusterOptions {
  /** Algorithm of the new tree: `ca` (Cambridge/Aachen), `kt` or `antikt`. @default 'ca' */
  algorithm?: Exclude<JetAlgorithm, 'genkt'> | string;
  /** Radius of the reclustering; large enough to hold the jet in one tree. @default RECLUSTER_RADIUS (1000) */
  radius?: number;
}

/**
 * The constituents of a jet as a {@link ParticleEvent}.
 * @param jet - constituents (event or four-momenta) or a clustering node
 * @param argument - the argument name used in error messages @default 'jet'
 * @returns the constituents, in their original order (for a node: ascending particle index of its event)
 * @throws InvalidArgumentError when `jet` is none of the accepted forms; InvalidParticleError for an unphysical
 * four-momentum in an array
 * @example
 * ```ts
 * jetConstituents([new FourMomentum(3, 4, 0, 5)]).size; // 1
 * ```
 */
export function jetConstituents(jet: JetInput, argument = 'jet'): ParticleEvent {
  if (jet instanceof ParticleEvent) return jet;
  if (jet instanceof ClusterNode) return jet.sequence.event.select(jet.constituents());
  if (Array.isArray(jet)) return ParticleEvent.fromMomenta(jet);
  throw new InvalidArgumentError(
    argument,
    `${argument} must be a ParticleEvent, an array of four-momenta {px, py, pz, e} or a ClusterNode; received ${describe(jet)}.`,
  );
}

/**
 * Reclusters a jet's constituents into one tree and returns its root.
 *
 * @remarks
 * The constituents are clustered with the given algorithm at a radius (default {@link RECLUSTER_RADIUS} = 1000) so large
 * that nothing goes to the beam before the last merge: the result is the single inclusive jet, whose `children` are the
 * last merge. Node ids are history indices of the new sequence, and particle indices refer to the constituents in the
 * order {@link jetConstituents} gives. Only particles more than R apart in (y, φ) from the rest (a zero-p⊥ particle along
 * the beam has rapidity ±1e5) can end up outside; then the hardest inclusive jet is returned and `root.constituentCount`
 * is smaller than the number of constituents.
 *
 * @param jet - the jet (constituents or a node)
 * @param options - algorithm (default `ca`) and radius (default 1000)
 * @returns the root node of the new tree
 * @throws InvalidArgumentError for a jet without constituents, an unknown algorithm or a radius ≤ 0
 * @example
 * ```ts
 * const [w] = generateJets('w', 1, { seed: 1 });
 * const root = reclusterJet(w!.constituents);        // C/A tree of the jet
 * const [a, b] = root.children!;                     // its last (widest-angle) merge
 * ```
 */
export function reclusterJet(jet: JetInput, options: ReclusterOptions = {}): ClusterNode {
  const event = jetConstituents(jet);
  if (event.size === 0) {
    throw new InvalidArgumentError('jet', 'The jet has no constituents; pass at least one particle (jets from clusterJets or generateJets always have one).');
  }
  const algorithm = parseJetAlgorithm(options.algorithm ?? 'ca');
  if (algorithm === 'genkt') {
    throw new InvalidArgumentError('algorithm', 'Reclustering supports ca, kt and antikt; received genkt. Use ca for Lund planes.');
  }
  const radius = options.radius ?? RECLUSTER_RADIUS;
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0) {
    throw new InvalidArgumentError('radius', `The reclustering radius must be a finite number > 0 (default ${RECLUSTER_RADIUS}); received ${String(radius)}.`);
  }
  const seq = new ClusterSequence(event, jetDefinition(algorithm, radius));
  return sortByPt(seq.inclusiveJets(0))[0]!;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}
