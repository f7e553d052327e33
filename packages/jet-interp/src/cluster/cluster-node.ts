/**
 * A node of a clustering tree: an original particle, or the merge of two nodes.
 * @packageDocumentation
 */
import { FourMomentum } from '../particles/four-momentum';
import type { ClusterSequence } from './cluster-sequence';

/**
 * One node of the clustering history (FastJet's PseudoJet with its cluster-sequence structure): a particle (a leaf) or
 * the E-scheme sum of its two children. Inclusive and exclusive jets are nodes; walking `children` down from a jet
 * gives its clustering tree, which later stages decluster (C/A reclustering, Lund planes).
 *
 * @remarks Obtain nodes from a {@link ClusterSequence}; `id` is FastJet's cluster history index.
 *
 * @example
 * ```ts
 * const seq = new ClusterSequence(event, jetDefinition('ca', 0.8));
 * const [jet] = seq.inclusiveJets(100);
 * const [hard, soft] = jet.children ?? [];  // the last merge
 * jet.dij;                                  // its distance, ΔR²/R² for C/A
 * jet.constituents();                       // particle indices
 * ```
 */
export class ClusterNode extends FourMomentum {
  /** The sequence this node belongs to. */
  readonly sequence: ClusterSequence;
  /** Index in the clustering history (particles are 0 … N−1, as in FastJet). */
  readonly id: number;

  /**
   * @param sequence - the owning sequence
   * @param id - history index
   * @param px - x momentum
   * @param py - y momentum
   * @param pz - z momentum
   * @param e - energy
   */
  constructor(sequence: ClusterSequence, id: number, px: number, py: number, pz: number, e: number) {
    super(px, py, pz, e);
    this.sequence = sequence;
    this.id = id;
  }

  /** True for an original particle (a leaf). */
  get isParticle(): boolean {
    return this.id < this.sequence.particleCount;
  }

  /** The index of the original particle for a leaf, −1 otherwise. */
  get particleIndex(): number {
    return this.isParticle ? this.id : -1;
  }

  /**
   * The two nodes merged into this one, in FastJet's order (parent1, parent2: the lower history index first), or
   * undefined for a particle. Order them by pt for declustering along the harder branch.
   */
  get children(): readonly [ClusterNode, ClusterNode] | undefined {
    return this.sequence.childrenOf(this.id);
  }

  /** The node this one was merged into, or undefined when it went to the beam (an inclusive jet). */
  get parent(): ClusterNode | undefined {
    return this.sequence.parentOf(this.id);
  }

  /** The distance of the merge that made this node (d_ij / R², FastJet's history `dij`); 0 for particles. */
  get dij(): number {
    return this.sequence.history.dij[this.id] as number;
  }

  /** The beam distance d_iB (normalised like `dij`) when this node went to the beam, undefined otherwise. */
  get beamDistance(): number | undefined {
    return this.sequence.beamDistanceOf(this.id);
  }

  /** Number of original particles in this node. */
  get constituentCount(): number {
    return this.sequence.multiplicityOf(this.id);
  }

  /**
   * The indices of the original particles in this node, ascending.
   * @returns particle indices into the clustered event
   * @example
   * ```ts
   * jet.constituents(); // Int32Array [0, 4, 5, ...]
   * ```
   */
  constituents(): Int32Array {
    return this.sequence.constituentsOf(this.id);
  }
}
