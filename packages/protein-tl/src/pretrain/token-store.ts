/**
 * Growable storage of many short token sequences in one byte buffer (offsets in a float array: exact up to 2⁵³).
 * @internal
 */
export class TokenStore {
  private buffer: Uint8Array;
  private starts: Float64Array;
  /** Sequences stored. */
  count = 0;
  /** Tokens stored. */
  tokens = 0;

  constructor(initialTokens = 1 << 20, initialSequences = 1 << 12) {
    this.buffer = new Uint8Array(Math.max(16, initialTokens));
    this.starts = new Float64Array(Math.max(2, initialSequences + 1));
  }

  /** Appends one sequence. */
  push(tokens: Uint8Array): void {
    if (this.tokens + tokens.length > this.buffer.length) {
      let size = this.buffer.length;
      while (size < this.tokens + tokens.length) size = Math.ceil(size * 1.5);
      const grown = new Uint8Array(size);
      grown.set(this.buffer.subarray(0, this.tokens));
      this.buffer = grown;
    }
    if (this.count + 2 > this.starts.length) {
      const grown = new Float64Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.buffer.set(tokens, this.tokens);
    this.tokens += tokens.length;
    this.count++;
    this.starts[this.count] = this.tokens;
  }

  /** Tokens of sequence `i` (a view). */
  get(i: number): Uint8Array {
    return this.buffer.subarray(this.starts[i]!, this.starts[i + 1]!);
  }

  /** Length of sequence `i`. */
  length(i: number): number {
    return this.starts[i + 1]! - this.starts[i]!;
  }

  /**
   * The sequences `order` in that order, concatenated, with int64 offsets (`order.length + 1`, first 0).
   */
  gather(order: ArrayLike<number>): { tokens: Uint8Array; offsets: BigInt64Array } {
    let total = 0;
    for (let j = 0; j < order.length; j++) total += this.length(order[j]!);
    const tokens = new Uint8Array(total);
    const offsets = new BigInt64Array(order.length + 1);
    let at = 0;
    for (let j = 0; j < order.length; j++) {
      const s = this.get(order[j]!);
      tokens.set(s, at);
      at += s.length;
      offsets[j + 1] = BigInt(at);
    }
    return { tokens, offsets };
  }
}
