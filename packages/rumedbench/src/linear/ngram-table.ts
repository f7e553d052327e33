/**
 * An open-addressing hash table from code-point sequences to dense ids `0, 1, 2, ...` (in insertion order). Keys are
 * copied into one growing Int32Array, so looking up an n-gram allocates nothing.
 */
export class NgramTable {
  private pool = new Int32Array(1 << 16);
  private poolUsed = 0;
  private offsets = new Int32Array(1 << 12);
  private lengths = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  private slots = new Int32Array(1 << 13); // id + 1, 0 = empty
  private mask = (1 << 13) - 1;
  /** Number of keys. */
  size = 0;

  private static hash(buf: Int32Array, start: number, len: number): number {
    let h = 0x811c9dc5 ^ len;
    for (let i = start, end = start + len; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    return h | 0;
  }

  private equals(id: number, buf: Int32Array, start: number, len: number): boolean {
    if (this.lengths[id] !== len) return false;
    const pool = this.pool;
    const off = this.offsets[id]!;
    for (let i = 0; i < len; i++) if (pool[off + i] !== buf[start + i]) return false;
    return true;
  }

  /**
   * The id of `buf[start .. start+len)`, or -1.
   */
  find(buf: Int32Array, start: number, len: number): number {
    const h = NgramTable.hash(buf, start, len);
    const slots = this.slots;
    const mask = this.mask;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = slots[s]!;
      if (e === 0) return -1;
      const id = e - 1;
      if (this.hashes[id] === h && this.equals(id, buf, start, len)) return id;
    }
  }

  /**
   * The id of `buf[start .. start+len)`, inserting it when new.
   */
  add(buf: Int32Array, start: number, len: number): number {
    const h = NgramTable.hash(buf, start, len);
    const mask = this.mask;
    let s = h & mask;
    for (; ; s = (s + 1) & mask) {
      const e = this.slots[s]!;
      if (e === 0) break;
      const id = e - 1;
      if (this.hashes[id] === h && this.equals(id, buf, start, len)) return id;
    }
    const id = this.size++;
    if (id >= this.offsets.length) {
      const cap = this.offsets.length * 2;
      this.offsets = grow(this.offsets, cap);
      this.lengths = grow(this.lengths, cap);
      this.hashes = grow(this.hashes, cap);
    }
    if (this.poolUsed + len > this.pool.length) this.pool = grow(this.pool, Math.max(this.pool.length * 2, this.poolUsed + len));
    this.pool.set(buf.subarray(start, start + len), this.poolUsed);
    this.offsets[id] = this.poolUsed;
    this.lengths[id] = len;
    this.hashes[id] = h;
    this.poolUsed += len;
    this.slots[s] = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const cap = this.slots.length * 2;
    const slots = new Int32Array(cap);
    const mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      let s = this.hashes[id]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Compares the keys of two ids by code point, as Python compares strings. */
  compare(a: number, b: number): number {
    const pool = this.pool;
    const oa = this.offsets[a]!;
    const ob = this.offsets[b]!;
    const la = this.lengths[a]!;
    const lb = this.lengths[b]!;
    const n = la < lb ? la : lb;
    for (let i = 0; i < n; i++) {
      const d = pool[oa + i]! - pool[ob + i]!;
      if (d !== 0) return d;
    }
    return la - lb;
  }

  /** The key of `id` as a string. */
  key(id: number): string {
    const off = this.offsets[id]!;
    let s = '';
    const end = off + this.lengths[id]!;
    for (let i = off; i < end; i += 4096) s += String.fromCodePoint(...this.pool.subarray(i, Math.min(end, i + 4096)));
    return s;
  }

  /** Approximate bytes held. */
  get byteLength(): number {
    return this.pool.byteLength + this.offsets.byteLength * 3 + this.slots.byteLength;
  }
}

function grow(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}
