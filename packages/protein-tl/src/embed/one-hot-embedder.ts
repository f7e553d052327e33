/**
 * The one-hot input of the study's baseline MLP without transfer learning: a fixed-length residue × 21 matrix.
 * @packageDocumentation
 */
import { InvalidArgumentError, throttleProgress, type WithProgress } from '@lab/tensor-core';
import { describeChar } from '../alphabet/protein-alphabet';
import { NOT_A_LETTER, STANDARD_RESIDUES, residueCodeTable } from '../alphabet/standard-residues';
import { centerCrop } from '../tokenize/center-crop';
import { describeInput, type EmbedInput } from './esm-embedder';
import type { ProteinEmbedder } from './protein-embedder';
import { SequenceEmbeddingError } from './sequence-embedding-error';

/**
 * Columns per residue of {@link OneHotEmbedder}: the 20 {@link STANDARD_RESIDUES}, then one for any other letter.
 * @example
 * ```ts
 * new OneHotEmbedder({ length: 300 }).dim === 300 * ONE_HOT_COLUMNS; // true
 * ```
 */
export const ONE_HOT_COLUMNS = 21;

/**
 * The default window of {@link OneHotEmbedder}, in residues. 256 holds about 91% of the Pfam seed domains of
 * `shared/data/pfam` whole (train_100: median 116, 90th percentile 241, 95th 416 residues) at 5,376 inputs per
 * protein; longer domains lose both ends.
 * @example
 * ```ts
 * new OneHotEmbedder().length === ONE_HOT_DEFAULT_LENGTH; // true
 * ```
 */
export const ONE_HOT_DEFAULT_LENGTH = 256;

/**
 * Where a sequence sits in the window of {@link OneHotEmbedder}: `'center'` keeps the central residues of a longer
 * sequence ({@link centerCrop}) and centres a shorter one between zero rows (the odd row at the end); `'left'` keeps
 * the first residues and pads at the end.
 */
export type OneHotAlign = 'center' | 'left';

/** Options of {@link OneHotEmbedder}. */
export interface OneHotEmbedderOptions {
  /** L, the window in residues: every protein becomes `L × 21` values. @default 256 ({@link ONE_HOT_DEFAULT_LENGTH}) */
  length?: number;
  /** Where the sequence sits in the window. @default 'center' */
  align?: OneHotAlign;
}

const CODES = residueCodeTable(true);

/**
 * One-hot encoding of a fixed-length window: residue i of the window sets column `STANDARD_RESIDUES.indexOf(r)` of
 * row i, or column 20 for any other letter (X, B, U, Z, O, J); padding rows are all zero. The `L × 21` matrix is
 * flattened row-major (residue-major) into one float32 vector of `L × 21` values, the input of the baseline MLP
 * without transfer learning.
 *
 * @remarks Letters are case-insensitive; any other character (gaps, digits, `*`) is refused with a
 * {@link SequenceEmbeddingError} (`'invalid-sequence'`), as is an empty sequence (`'empty'`). Vectors are dense:
 * n proteins take `n × L × 21 × 4` bytes (13,345 × 5,376 × 4 ≈ 287 MB for train_100 at the default L).
 * `id` is `onehot-v1:L=<L>:align=<align>`.
 *
 * @example
 * ```ts
 * const onehot = new OneHotEmbedder({ length: 4 });
 * const x = await onehot.embedPooled(['AC', 'MKTAYI']); // [2 × 84]
 * onehot.dim;          // 84
 * x[1 * 21 + 0];       // 1: 'AC' is centred, so row 1 is 'A'
 * onehot.id;           // 'onehot-v1:L=4:align=center'
 * ```
 */
export class OneHotEmbedder implements ProteinEmbedder {
  /** L, the window in residues. */
  readonly length: number;
  /** Where a sequence sits in the window. */
  readonly align: OneHotAlign;
  /** `L × 21`. */
  readonly dim: number;
  /** `onehot-v1:L=<L>:align=<align>`. */
  readonly id: string;
  /** `one-hot (L=<L>, <align>)`. */
  readonly name: string;

  /**
   * @param options - window length and alignment
   * @throws InvalidArgumentError when `length` is not a positive integer (at most 1,000,000) or `align` is unknown
   */
  constructor(options: OneHotEmbedderOptions = {}) {
    const length = options.length ?? ONE_HOT_DEFAULT_LENGTH;
    if (!Number.isInteger(length) || length < 1 || length > 1_000_000) {
      throw new InvalidArgumentError('length', `length (L, the window in residues) must be an integer in 1..1000000; received ${String(length)}.`);
    }
    const align = options.align ?? 'center';
    if (align !== 'center' && align !== 'left') {
      throw new InvalidArgumentError('align', `Unsupported align "${String(align)}". Supported: center, left.`);
    }
    this.length = length;
    this.align = align;
    this.dim = length * ONE_HOT_COLUMNS;
    this.id = `onehot-v1:L=${length}:align=${align}`;
    this.name = `one-hot (L=${length}, ${align})`;
  }

  /**
   * One-hot vectors, in input order.
   * @param inputs - residues as strings, or records `{ name, sequence }`
   * @param options - progress (label `'one-hot'`, one unit per sequence)
   * @returns `[inputs.length × L × 21]` row-major float32
   * @throws SequenceEmbeddingError for an empty sequence, a character that is not a letter, or an input that is not a string
   * @example
   * ```ts
   * const x = await new OneHotEmbedder().embedPooled(['MKTAYIAKQR']); // 5,376 values
   * ```
   */
  async embedPooled(inputs: readonly EmbedInput[], options: WithProgress = {}): Promise<Float32Array> {
    return this.embedSync(inputs, options);
  }

  /**
   * {@link OneHotEmbedder.embedPooled} on the calling thread, without a promise.
   * @param inputs - residues as strings, or records `{ name, sequence }`
   * @param options - progress
   * @returns `[inputs.length × L × 21]` row-major float32
   * @throws SequenceEmbeddingError as embedPooled
   * @example
   * ```ts
   * const x = new OneHotEmbedder({ length: 100, align: 'left' }).embedSync(['MKTAYIAKQR']);
   * x[0 * 21 + STANDARD_RESIDUES.indexOf('M')]; // 1
   * ```
   */
  embedSync(inputs: readonly EmbedInput[], options: WithProgress = {}): Float32Array {
    const n = inputs.length;
    const out = new Float32Array(n * this.dim);
    const progress = throttleProgress(options.onProgress);
    progress({ completed: 0, total: n, label: 'one-hot' });
    for (let s = 0; s < n; s++) {
      this.encodeInto(inputs[s]!, s, out, s * this.dim);
      progress({ completed: s + 1, total: n, label: 'one-hot' });
    }
    return out;
  }

  private encodeInto(input: EmbedInput, index: number, out: Float32Array, offset: number): void {
    const { name, sequence } = describeInput(input, index);
    if (sequence.length === 0) {
      throw new SequenceEmbeddingError(index, name, 'empty', 'the sequence is empty. Drop it before one-hot encoding.');
    }
    const L = this.length;
    let kept: string;
    let row0: number;
    if (this.align === 'center') {
      kept = centerCrop(sequence, L).sequence;
      row0 = Math.floor((L - kept.length) / 2);
    } else {
      kept = sequence.length > L ? sequence.slice(0, L) : sequence;
      row0 = 0;
    }
    // Check the whole sequence, not only the kept window, so that a bad character never passes silently.
    for (let i = 0; i < sequence.length; i++) {
      const c = sequence.charCodeAt(i);
      if (c >= 128 || CODES[c] === NOT_A_LETTER) {
        throw new SequenceEmbeddingError(index, name, 'invalid-sequence', `character ${describeChar(sequence[i]!)} at position ${i + 1} is not a residue letter. Remove gaps and other symbols (ungapSequence) first.`);
      }
    }
    for (let i = 0; i < kept.length; i++) {
      out[offset + (row0 + i) * ONE_HOT_COLUMNS + CODES[kept.charCodeAt(i)]!] = 1;
    }
  }

  /** Nothing to release. */
  async dispose(): Promise<void> {}
}
