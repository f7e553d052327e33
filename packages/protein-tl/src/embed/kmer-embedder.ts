/**
 * Normalised k-mer count vectors over the 20 standard amino acids: the alignment-free baseline embedding.
 * @packageDocumentation
 */
import { InvalidArgumentError, throttleProgress, type WithProgress } from '@lab/tensor-core';
import { STANDARD_RESIDUES, residueCodeTable } from '../alphabet/standard-residues';
import { describeInput, type EmbedInput } from './esm-embedder';
import type { ProteinEmbedder } from './protein-embedder';
import { SequenceEmbeddingError } from './sequence-embedding-error';

/** How {@link KmerEmbedder} scales each count vector: to unit Euclidean length, to unit sum, or not at all. */
export type KmerNormalization = 'l2' | 'l1' | 'none';

/** Options of {@link KmerEmbedder}. */
export interface KmerEmbedderOptions {
  /** k, the k-mer length (1..4): vectors have `20^k` values. @default 3 (8,000 values) */
  k?: number;
  /** Scaling of each vector. @default 'l2' */
  normalize?: KmerNormalization;
}

const CODES = residueCodeTable(false);

/**
 * Counts of every k-mer of the 20 {@link STANDARD_RESIDUES} in each sequence, scaled to unit L2 norm (or L1, or
 * raw counts).
 *
 * @remarks Column `j` is the k-mer whose residues, read as base-20 digits in {@link STANDARD_RESIDUES} order (first
 * residue most significant), spell `j`: columns are in lexicographic order, as scikit-learn's `CountVectorizer`
 * (`analyzer='char'`, `ngram_range=(k, k)`, `lowercase=False`) sorts its vocabulary. k-mers are overlapping and
 * case-sensitive; a k-mer holding anything but an upper-case standard residue (X, B, U, Z, O, lower case, gaps) is
 * skipped. A sequence with no such k-mer (shorter than k, or all X) gets a zero vector; an empty sequence is an error.
 * Vectors are dense float32: n sequences take `n × 20^k × 4` bytes (13,345 × 8,000 × 4 ≈ 427 MB for train_100 at
 * k = 3). `id` is `kmer-v1:k=<k>:norm=<normalize>`.
 *
 * @example
 * ```ts
 * const kmers = new KmerEmbedder({ k: 2, normalize: 'none' });
 * const x = await kmers.embedPooled(['ACAC']);  // [1 × 400]
 * x[0 * 20 + 1];  // 2: 'AC' twice (A = 0, C = 1)
 * x[1 * 20 + 0];  // 1: 'CA' once
 * ```
 */
export class KmerEmbedder implements ProteinEmbedder {
  /** The k-mer length. */
  readonly k: number;
  /** Scaling of each vector. */
  readonly normalize: KmerNormalization;
  /** `20^k`. */
  readonly dim: number;
  /** `kmer-v1:k=<k>:norm=<normalize>`. */
  readonly id: string;
  /** `<k>-mer counts (<normalize>)`. */
  readonly name: string;

  /**
   * @param options - k and normalisation
   * @throws InvalidArgumentError for k outside 1..4 or an unknown normalisation
   */
  constructor(options: KmerEmbedderOptions = {}) {
    const k = options.k ?? 3;
    if (!Number.isInteger(k) || k < 1 || k > 4) {
      throw new InvalidArgumentError('k', `k must be an integer in 1..4 (20^k values per vector: 20, 400, 8000, 160000); received ${String(k)}.`);
    }
    const normalize = options.normalize ?? 'l2';
    if (normalize !== 'l2' && normalize !== 'l1' && normalize !== 'none') {
      throw new InvalidArgumentError('normalize', `Unsupported normalize "${String(normalize)}". Supported: l2, l1, none.`);
    }
    this.k = k;
    this.normalize = normalize;
    this.dim = 20 ** k;
    this.id = `kmer-v1:k=${k}:norm=${normalize}`;
    this.name = `${k}-mer counts (${normalize})`;
  }

  /**
   * The k-mer at a column.
   * @param column - 0..dim-1
   * @returns the k residues, e.g. `'ACD'`
   * @throws InvalidArgumentError for a column out of range
   * @example
   * ```ts
   * new KmerEmbedder().kmer(0);    // 'AAA'
   * new KmerEmbedder().kmer(7999); // 'YYY'
   * ```
   */
  kmer(column: number): string {
    if (!Number.isInteger(column) || column < 0 || column >= this.dim) {
      throw new InvalidArgumentError('column', `column must be an integer in 0..${this.dim - 1}; received ${String(column)}.`);
    }
    let s = '';
    for (let i = 0, c = column; i < this.k; i++, c = Math.floor(c / 20)) s = STANDARD_RESIDUES[c % 20]! + s;
    return s;
  }

  /**
   * Normalised k-mer count vectors, in input order.
   * @param inputs - residues as strings, or records `{ name, sequence }`
   * @param options - progress (label `'<k>-mers'`, one unit per sequence)
   * @returns `[inputs.length × 20^k]` row-major float32
   * @throws SequenceEmbeddingError for an empty sequence or an input that is not a string
   * @example
   * ```ts
   * const x = await new KmerEmbedder().embedPooled(['MKTAYIAKQR', 'MSDNEKTLLE']); // [2 × 8000], unit rows
   * ```
   */
  async embedPooled(inputs: readonly EmbedInput[], options: WithProgress = {}): Promise<Float32Array> {
    return this.embedSync(inputs, options);
  }

  /**
   * {@link KmerEmbedder.embedPooled} on the calling thread, without a promise.
   * @param inputs - residues as strings, or records `{ name, sequence }`
   * @param options - progress
   * @returns `[inputs.length × 20^k]` row-major float32
   * @throws SequenceEmbeddingError as embedPooled
   * @example
   * ```ts
   * const x = new KmerEmbedder({ k: 1, normalize: 'l1' }).embedSync(['AACX']); // A: 2/3, C: 1/3 (X skipped)
   * ```
   */
  embedSync(inputs: readonly EmbedInput[], options: WithProgress = {}): Float32Array {
    const n = inputs.length;
    const D = this.dim;
    const k = this.k;
    const out = new Float32Array(n * D);
    const label = `${k}-mers`;
    const progress = throttleProgress(options.onProgress);
    progress({ completed: 0, total: n, label });
    let touched = new Int32Array(1024);
    for (let s = 0; s < n; s++) {
      const { name, sequence } = describeInput(inputs[s]!, s);
      if (sequence.length === 0) {
        throw new SequenceEmbeddingError(s, name, 'empty', 'the sequence is empty, so it has no k-mers. Drop it before embedding.');
      }
      if (touched.length < sequence.length) touched = new Int32Array(sequence.length);
      const base = s * D;
      let nTouched = 0;
      let run = 0;
      let index = 0;
      for (let i = 0; i < sequence.length; i++) {
        const c = sequence.charCodeAt(i);
        const code = c < 128 ? CODES[c]! : -1;
        if (code < 0 || code >= 20) {
          run = 0;
          index = 0;
          continue;
        }
        index = (index * 20 + code) % D;
        if (++run >= k) {
          if (out[base + index] === 0) touched[nTouched++] = index;
          out[base + index]! += 1;
        }
      }
      if (this.normalize !== 'none' && nTouched > 0) {
        let norm = 0;
        for (let t = 0; t < nTouched; t++) {
          const v = out[base + touched[t]!]!;
          norm += this.normalize === 'l2' ? v * v : v;
        }
        if (this.normalize === 'l2') norm = Math.sqrt(norm);
        for (let t = 0; t < nTouched; t++) out[base + touched[t]!] = out[base + touched[t]!]! / norm;
      }
      progress({ completed: s + 1, total: n, label });
    }
    return out;
  }

  /** Nothing to release. */
  async dispose(): Promise<void> {}
}
