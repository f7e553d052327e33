import { InvalidArgumentError } from '@lab/tensor-core';

/** Residues per code word: 6 residues × 5 bits = 30 bits, a positive int32. */
const CHUNK = 6;
/** Largest load factor of the hash table. */
const MAX_LOAD = 0.7;

/**
 * An exact set of the k-mers (windows of k consecutive tokens) of some token sequences, for membership tests of every
 * window of other sequences.
 *
 * @remarks Tokens must be below 32 (5 bits; ESM-2 residue ids are 4..28). A window is identified by code words of up
 * to 6 tokens packed in 30 bits, read at offsets 0, 6, 12, ... and k − 6 (the last word may overlap the one before),
 * so the words determine the window exactly: no false positives, whatever k. The hash table (open addressing, linear
 * probing, load ≤ 0.7) keeps, per distinct window, its position in the code words of the concatenated indexed
 * sequences and the window's 32-bit hash; a probe compares the hash and then the words, so a lookup costs one or two
 * cache misses. Memory: 4 bytes per indexed token plus 8 bytes per table slot (170 MB for the 10 M residues and 7 M
 * distinct 20-mers of the labelled Pfam files).
 *
 * @example
 * ```ts
 * const index = KmerIndex.build([new Uint8Array([4, 5, 6, 7, 8, 9, 10])], 5);
 * index.firstSharedWindow(new Uint8Array([20, 6, 7, 8, 9, 10, 21])); // 1
 * ```
 */
export class KmerIndex {
  /** Window length. */
  readonly k: number;
  /** Distinct windows indexed. */
  readonly size: number;
  /** Windows indexed, repeats included. */
  readonly windows: number;
  /** Tokens per code word (min(6, k)). */
  private readonly chunk: number;
  /** Offsets of the code words inside a window. */
  private readonly wordOffsets: Int32Array;
  /** Code word starting at each position of the concatenated indexed tokens. */
  private readonly codes: Int32Array;
  /** Two int32 per slot: position of the window + 1 (0 = empty), its hash. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private scratch = new Int32Array(1024);

  private constructor(k: number, totalTokens: number, windows: number) {
    this.k = k;
    this.chunk = Math.min(CHUNK, k);
    const offsets: number[] = [];
    for (let o = 0; o + this.chunk <= k; o += this.chunk) offsets.push(o);
    if (offsets[offsets.length - 1]! + this.chunk < k) offsets.push(k - this.chunk);
    this.wordOffsets = Int32Array.from(offsets);
    this.codes = new Int32Array(totalTokens);
    let capacity = 16;
    while (capacity * MAX_LOAD < windows) capacity *= 2;
    this.table = new Int32Array(2 * capacity);
    this.mask = capacity - 1;
    this.windows = windows;
    this.size = 0;
  }

  /**
   * Indexes every window of k tokens of each sequence (windows do not span two sequences; sequences shorter than k
   * add none).
   * @param sequences - token ids below 32
   * @param k - window length, an integer ≥ 1
   * @returns the index
   * @throws InvalidArgumentError for a bad `k`, a token ≥ 32, or more than 2³¹ − 1 tokens in all
   */
  static build(sequences: readonly Uint8Array[], k: number): KmerIndex {
    if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError('k', `k must be a positive integer, received ${k}.`);
    let total = 0;
    let windows = 0;
    for (const s of sequences) {
      total += s.length;
      if (s.length >= k) windows += s.length - k + 1;
    }
    if (total > 0x7ffffffe) throw new InvalidArgumentError('sequences', `${total} tokens are more than a k-mer index holds (2^31 - 2).`);
    const index = new KmerIndex(k, total, windows);
    let size = 0;
    let base = 0;
    for (const s of sequences) {
      index.fillCodes(s, index.codes, base);
      for (let i = 0; i + k <= s.length; i++) if (index.insert(base + i)) size++;
      base += s.length;
    }
    (index as { size: number }).size = size;
    return index;
  }

  /**
   * The first window of `tokens` that is in the index.
   * @param tokens - token ids below 32
   * @returns its start position in `tokens`, or -1 when no window of `tokens` is indexed
   */
  firstSharedWindow(tokens: Uint8Array): number {
    const k = this.k;
    if (tokens.length < k || this.size === 0) return -1;
    const codes = this.codesOf(tokens);
    for (let i = 0; i + k <= tokens.length; i++) if (this.findCodes(codes, i) >= 0) return i;
    return -1;
  }

  /**
   * Visits the windows of `tokens` that are in the index, in order, until `visit` returns true.
   * @param tokens - token ids below 32
   * @param visit - called with the window's start in `tokens` and its offset in the concatenated indexed sequences
   * (first occurrence); return true to stop
   * @returns true when `visit` stopped the scan
   */
  scan(tokens: Uint8Array, visit: (start: number, offset: number) => boolean): boolean {
    const k = this.k;
    if (tokens.length < k || this.size === 0) return false;
    const codes = this.codesOf(tokens);
    for (let i = 0; i + k <= tokens.length; i++) {
      const pos = this.findCodes(codes, i);
      if (pos >= 0 && visit(i, pos)) return true;
    }
    return false;
  }

  /**
   * Where the window `tokens[start, start + k)` occurs in the index.
   * @param tokens - token ids below 32
   * @param start - first token of the window
   * @returns the window's offset in the concatenation of the indexed sequences (first occurrence), or -1
   */
  find(tokens: Uint8Array, start = 0): number {
    if (start < 0 || start + this.k > tokens.length) return -1;
    const window = tokens.subarray(start, start + this.k);
    return this.findCodes(this.codesOf(window), 0);
  }

  /** Code words of `tokens` in a scratch buffer (valid until the next call). */
  private codesOf(tokens: Uint8Array): Int32Array {
    if (this.scratch.length < tokens.length) this.scratch = new Int32Array(Math.max(tokens.length, 2 * this.scratch.length));
    this.fillCodes(tokens, this.scratch, 0);
    return this.scratch;
  }

  /** out[base + i] = the `chunk` tokens from i packed in 5 bits each, for every i with a full chunk. */
  private fillCodes(tokens: Uint8Array, out: Int32Array, base: number): void {
    const c = this.chunk;
    const wordMask = (1 << (c * 5)) - 1; // c ≤ 6: at most 30 bits
    let code = 0;
    for (let j = 0; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (t > 31) throw new InvalidArgumentError('tokens', `token ${t} at position ${j} does not fit in 5 bits; the k-mer index takes ids 0..31.`);
      code = ((code << 5) | t) & wordMask;
      if (j >= c - 1) out[base + j - c + 1] = code;
    }
  }

  private hashAt(codes: Int32Array, start: number): number {
    const offsets = this.wordOffsets;
    let h = 0x9747b28c;
    for (let m = 0; m < offsets.length; m++) {
      let w = Math.imul(codes[start + offsets[m]!]!, 0xcc9e2d51);
      w = (w << 15) | (w >>> 17);
      h ^= Math.imul(w, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  private sameWindow(codes: Int32Array, start: number, stored: number): boolean {
    const offsets = this.wordOffsets;
    for (let m = 0; m < offsets.length; m++) if (this.codes[stored + offsets[m]!] !== codes[start + offsets[m]!]) return false;
    return true;
  }

  /** Adds the window at `pos` of the indexed tokens; false when an equal window is there already. */
  private insert(pos: number): boolean {
    const h = this.hashAt(this.codes, pos);
    const table = this.table;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const stored = table[2 * slot]!;
      if (stored === 0) {
        table[2 * slot] = pos + 1;
        table[2 * slot + 1] = h;
        return true;
      }
      if (table[2 * slot + 1] === h && this.sameWindow(this.codes, pos, stored - 1)) return false;
    }
  }

  private findCodes(codes: Int32Array, start: number): number {
    const h = this.hashAt(codes, start);
    const table = this.table;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const stored = table[2 * slot]!;
      if (stored === 0) return -1;
      if (table[2 * slot + 1] === h && this.sameWindow(codes, start, stored - 1)) return stored - 1;
    }
  }
}
