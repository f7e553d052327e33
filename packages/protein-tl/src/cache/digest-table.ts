/**
 * 128-bit sequence digests and an open-addressing hash table over them, in typed arrays only: no object per entry.
 * @packageDocumentation
 */
import * as crypto from 'node:crypto';

/** 32-bit words per digest (128 bits). */
export const DIGEST_WORDS = 4;
/** Bytes per digest. */
export const DIGEST_BYTES = 16;

// crypto.hash (Node ≥ 20.12) is about 3× faster than createHash for short inputs; both hash the UTF-8 bytes.
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/**
 * Writes the first 128 bits of the SHA-256 of the sequence's UTF-8 bytes into `out[at .. at + 4)` (little-endian words).
 * @internal
 */
export function digestSequence(sequence: string, out: Uint32Array, at: number): void {
  const d = oneShot ? oneShot('sha256', sequence, 'buffer') : crypto.createHash('sha256').update(sequence, 'utf8').digest();
  out[at] = d.readUInt32LE(0);
  out[at + 1] = d.readUInt32LE(4);
  out[at + 2] = d.readUInt32LE(8);
  out[at + 3] = d.readUInt32LE(12);
}

/**
 * Open addressing with linear probing from a digest to a row number. Keys live in one `Uint32Array` (4 words per
 * slot) and rows in one `Int32Array` (-1 = empty), so a million entries are two typed arrays (~40 MB at the load
 * factor ≤ 1/2), not a million objects. Digests are uniformly random, so their first word picks the slot.
 * @internal
 */
export class DigestTable {
  private keys: Uint32Array;
  private rows: Int32Array;
  private mask: number;
  /** Entries stored. */
  size = 0;

  /** @param capacity - initial slots (rounded up to a power of two, at least 16) */
  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.keys = new Uint32Array(cap * DIGEST_WORDS);
    this.rows = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  /** Slots (a power of two); the table doubles when it would pass half full. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes held by the two arrays. */
  get byteLength(): number {
    return this.keys.byteLength + this.rows.byteLength;
  }

  /** The row stored for the digest at `d[at .. at + 4)`, or -1. */
  find(d: Uint32Array, at: number): number {
    const k = this.keys;
    const a = d[at]!;
    const b = d[at + 1]!;
    const c = d[at + 2]!;
    const e = d[at + 3]!;
    for (let slot = a & this.mask; ; slot = (slot + 1) & this.mask) {
      const row = this.rows[slot]!;
      if (row < 0) return -1;
      const o = slot * DIGEST_WORDS;
      if (k[o] === a && k[o + 1] === b && k[o + 2] === c && k[o + 3] === e) return row;
    }
  }

  /**
   * Stores `row` for the digest unless the digest is present.
   * @returns the row now stored for the digest (the earlier one when it was present)
   */
  insert(d: Uint32Array, at: number, row: number): number {
    if ((this.size + 1) * 2 > this.capacity) this.grow();
    const k = this.keys;
    const a = d[at]!;
    for (let slot = a & this.mask; ; slot = (slot + 1) & this.mask) {
      const stored = this.rows[slot]!;
      const o = slot * DIGEST_WORDS;
      if (stored < 0) {
        k[o] = a;
        k[o + 1] = d[at + 1]!;
        k[o + 2] = d[at + 2]!;
        k[o + 3] = d[at + 3]!;
        this.rows[slot] = row;
        this.size++;
        return row;
      }
      if (k[o] === a && k[o + 1] === d[at + 1] && k[o + 2] === d[at + 2] && k[o + 3] === d[at + 3]) return stored;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldRows = this.rows;
    const cap = this.capacity * 2;
    this.keys = new Uint32Array(cap * DIGEST_WORDS);
    this.rows = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.size = 0;
    for (let slot = 0; slot < oldRows.length; slot++) {
      if (oldRows[slot]! >= 0) this.insert(oldKeys, slot * DIGEST_WORDS, oldRows[slot]!);
    }
  }
}
