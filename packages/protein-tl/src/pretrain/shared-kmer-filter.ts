import { InvalidArgumentError } from '@lab/tensor-core';
import { KmerIndex } from './kmer-index';

/** Default k of {@link SharedKmerFilter}: proteins sharing an exact 20-mer with a labelled sequence are excluded. */
export const DEFAULT_EXCLUSION_K = 20;

/**
 * Tells whether a protein shares an exact k-mer with any of a set of (labelled) sequences, or contains one of them
 * that is shorter than k as a substring: the leakage filter of the pretraining corpus.
 *
 * @remarks Pfam domains are substrings of UniProt proteins, so leaving out only identical sequences would let the
 * language model see the labelled domains inside their full-length proteins. A match is exact (no false positives):
 * k-mers go through a {@link KmerIndex}; the labelled sequences shorter than k (which have no k-mer) are found
 * through an index of their prefixes of the shortest such length and then compared whole.
 *
 * @example
 * ```ts
 * const filter = SharedKmerFilter.fromSequences([encoded('MKTAYIAKQRQISFVKSHFSRQ')], 20);
 * filter.matches(encoded('GGGMKTAYIAKQRQISFVKSHFSRQGGG')); // true
 * ```
 */
export class SharedKmerFilter {
  /** Window length. */
  readonly k: number;
  /** Labelled sequences given (empty ones ignored). */
  readonly sequences: number;
  /** Distinct k-mers of the labelled sequences. */
  readonly distinctKmers: number;
  /** Distinct labelled sequences shorter than k, matched whole. */
  readonly shortSequences: number;
  private readonly index: KmerIndex;
  private readonly shortIndex: KmerIndex | undefined;
  private readonly shortGroups = new Map<number, Uint8Array[]>();

  private constructor(sequences: readonly Uint8Array[], k: number) {
    this.k = k;
    const nonEmpty = sequences.filter((s) => s.length > 0);
    this.sequences = nonEmpty.length;
    this.index = KmerIndex.build(nonEmpty.filter((s) => s.length >= k), k);
    this.distinctKmers = this.index.size;
    const short = new Map<string, Uint8Array>();
    for (const s of nonEmpty) if (s.length < k) short.set(Buffer.from(s).toString('latin1'), s);
    this.shortSequences = short.size;
    if (short.size > 0) {
      const list = [...short.values()];
      const m = Math.min(...list.map((s) => s.length));
      const index = KmerIndex.build(list.map((s) => s.subarray(0, m)), m);
      for (const s of list) {
        const pos = index.find(s, 0);
        const group = this.shortGroups.get(pos);
        if (group) group.push(s);
        else this.shortGroups.set(pos, [s]);
      }
      this.shortIndex = index;
    }
  }

  /**
   * Builds the filter.
   * @param sequences - the labelled sequences as token ids below 32 (e.g. ESM-2 ids; `<unk>` = 3 matches only `<unk>`)
   * @param k - window length @default 20
   * @returns the filter
   * @throws InvalidArgumentError for a bad `k`
   */
  static fromSequences(sequences: readonly Uint8Array[], k: number = DEFAULT_EXCLUSION_K): SharedKmerFilter {
    if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError('k', `k must be a positive integer, received ${k}.`);
    return new SharedKmerFilter(sequences, k);
  }

  /**
   * True when `tokens` shares a k-mer with a labelled sequence or contains a labelled sequence shorter than k.
   * @param tokens - token ids below 32
   */
  matches(tokens: Uint8Array): boolean {
    if (this.index.firstSharedWindow(tokens) >= 0) return true;
    const short = this.shortIndex;
    if (!short) return false;
    return short.scan(tokens, (start, pos) => {
      for (const s of this.shortGroups.get(pos)!) if (start + s.length <= tokens.length && equalAt(tokens, start, s)) return true;
      return false;
    });
  }
}

function equalAt(tokens: Uint8Array, start: number, s: Uint8Array): boolean {
  for (let j = 0; j < s.length; j++) if (tokens[start + j] !== s[j]) return false;
  return true;
}
