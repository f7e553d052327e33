/**
 * The common shape of every protein embedder: one fixed-width vector per sequence, and an id that says which model and
 * which settings made it (the embedding cache's key).
 * @packageDocumentation
 */
import type { WithProgress } from '@lab/tensor-core';
import type { EmbedInput } from './esm-embedder';

/**
 * Turns protein sequences into one fixed-width float32 vector each: a protein language model with mean pooling
 * ({@link esmProteinEmbedder}), or a model-free encoding ({@link OneHotEmbedder}, {@link KmerEmbedder}).
 *
 * @remarks `id` must change whenever the vectors would: two embedders with the same `id` must return the same vector
 * for the same sequence (up to float rounding), because {@link EmbeddingCache} trusts it. Model embedders use their
 * manifest's sha256 plus the options that change the vector; the others spell out their version and settings
 * (e.g. `onehot-v1:L=256:align=center`). Keep ids under 1 KiB.
 *
 * @example
 * ```ts
 * async function meanNorm(embedder: ProteinEmbedder, sequences: string[]): Promise<number> {
 *   const x = await embedder.embedPooled(sequences);
 *   let s = 0;
 *   for (let i = 0; i < sequences.length; i++) {
 *     let n = 0;
 *     for (let j = 0; j < embedder.dim; j++) n += x[i * embedder.dim + j]! ** 2;
 *     s += Math.sqrt(n);
 *   }
 *   return s / sequences.length;
 * }
 * await meanNorm(new KmerEmbedder(), ['MKTAYIAKQR', 'MSDNEKTLLE']); // 1 (the 3-mer vectors are L2-normalised)
 * ```
 */
export interface ProteinEmbedder {
  /** What made the vectors: a model's sha256 plus the settings that change them, or e.g. `'onehot-v1:L=256:align=center'`. */
  readonly id: string;
  /** Width of every vector. */
  readonly dim: number;
  /** A short human-readable name, e.g. `'esm2_t6_8M_UR50D'` or `'3-mer counts (l2)'`. */
  readonly name: string;
  /**
   * One vector per sequence, in input order.
   * @param inputs - residues as strings, or records `{ name, sequence }`
   * @param options - progress
   * @returns `[inputs.length × dim]` row-major float32
   * @throws SequenceEmbeddingError naming a sequence that cannot be embedded
   */
  embedPooled(inputs: readonly EmbedInput[], options?: WithProgress): Promise<Float32Array>;
  /** Releases what the embedder holds (a model session). Safe to call twice. */
  dispose(): Promise<void>;
}
