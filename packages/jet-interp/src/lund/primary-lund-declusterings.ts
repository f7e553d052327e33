/**
 * Primary Lund declustering: follow the harder branch of a jet's Cambridge/Aachen tree and record every splitting.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { ClusterNode } from '../cluster/cluster-node';
import { lundSplitting, type LundSplitting } from './lund-splitting';
import { RECLUSTER_RADIUS, reclusterJet, type JetInput } from './recluster-jet';

/**
 * Options of {@link primaryLundDeclusterings} and {@link lundTree}.
 * @example
 * ```ts
 * primaryLundDeclusterings(caNode, { recluster: 'always' }); // ignore the node's own tree
 * ```
 */
export interface LundDeclusteringOptions {
  /**
   * `auto`: a {@link ClusterNode} of a Cambridge/Aachen clustering is declustered as it is (its ids stay those of its
   * sequence), anything else is reclustered with C/A; `always`: always recluster the constituents. @default 'auto'
   */
  recluster?: 'auto' | 'always';
  /** C/A reclustering radius. @default RECLUSTER_RADIUS (1000, FastJet's largest) */
  radius?: number;
}

/**
 * The C/A tree a Lund plane is read from: the node itself when it already is a C/A node (and `recluster` is `auto`),
 * otherwise the root of the C/A reclustering of its constituents.
 * @param jet - the jet
 * @param options - reclustering choice and radius
 * @returns the root of the C/A tree
 * @throws InvalidArgumentError for a bad option or an empty jet
 * @example
 * ```ts
 * lundRoot(generateJets('top', 1, { seed: 2 })[0]!.constituents).children; // the widest-angle C/A merge
 * ```
 */
export function lundRoot(jet: JetInput, options: LundDeclusteringOptions = {}): ClusterNode {
  const mode = options.recluster ?? 'auto';
  if (mode !== 'auto' && mode !== 'always') {
    throw new InvalidArgumentError('recluster', `recluster must be 'auto' or 'always'; received ${String(mode)}.`);
  }
  if (mode === 'auto' && jet instanceof ClusterNode && jet.sequence.definition.algorithm === 'ca' && options.radius === undefined) return jet;
  return reclusterJet(jet, { algorithm: 'ca', radius: options.radius ?? RECLUSTER_RADIUS });
}

/**
 * The primary Lund declusterings of a jet, from the widest angle inwards.
 *
 * @remarks
 * The jet's constituents are reclustered with Cambridge/Aachen at R = 1000 (FastJet's largest radius, so the whole jet is
 * one tree: the convention of FastJet contrib's `LundGenerator`); a node of an existing C/A clustering is used as it is.
 * Starting at the root, each node is split into its two parents; the splitting is recorded (see {@link LundSplitting})
 * and the walk continues along the branch with the larger p⊥ until it reaches a particle. A jet of one particle has no
 * splittings. Entry `i` has `i` earlier (wider-angle) primary splittings; its `pair` is the previous entry's `harder`.
 *
 * @param jet - the jet's constituents or a clustering node
 * @param options - reclustering choice and radius
 * @returns the primary splittings, widest angle first
 * @throws InvalidArgumentError for an empty jet or a bad option; InvalidParticleError for unphysical four-momenta
 * @example
 * ```ts
 * const [w] = generateJets('w', 1, { seed: 1 });
 * for (const s of primaryLundDeclusterings(w!.constituents)) console.log(s.lnInvDelta, s.lnKt, s.z);
 * ```
 */
export function primaryLundDeclusterings(jet: JetInput, options: LundDeclusteringOptions = {}): LundSplitting[] {
  const out: LundSplitting[] = [];
  let node: ClusterNode | undefined = lundRoot(jet, options);
  while (node) {
    const s = lundSplitting(node);
    if (!s) break;
    out.push(s);
    node = s.harder;
  }
  return out;
}
