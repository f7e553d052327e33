import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centerCrop } from './center-crop';
import { ESM2_MAX_RESIDUES } from './esm-vocab';
import { lengthBuckets } from './length-buckets';
import { slidingWindows, windowOwners, windowTokenToResidue } from './sliding-windows';

describe('centerCrop', () => {
  it('keeps the central residues, dropping the odd one at the end', () => {
    expect(centerCrop('ABCDEFG', 3)).toEqual({ sequence: 'CDE', start: 2, end: 5 });
    expect(centerCrop('ABCDEF', 3)).toEqual({ sequence: 'BCD', start: 1, end: 4 });
    expect(centerCrop('ABC', 3)).toEqual({ sequence: 'ABC', start: 0, end: 3 });
    expect(centerCrop('A'.repeat(2000)).sequence).toHaveLength(ESM2_MAX_RESIDUES);
    expect(() => centerCrop('A', 0)).toThrow(InvalidArgumentError);
  });

  it('is a centred substring of the window length (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 200 }), (s, w) => {
        const c = centerCrop(s, w);
        expect(c.sequence).toBe(s.slice(c.start, c.end));
        expect(c.sequence.length).toBe(Math.min(s.length, w));
        expect(Math.abs(c.start - (s.length - c.end))).toBeLessThanOrEqual(1);
        expect(c.start).toBeLessThanOrEqual(s.length - c.end);
      }),
    );
  });
});

describe('slidingWindows', () => {
  it('covers the sequence with full windows, the last one ending at the end', () => {
    expect(slidingWindows(10, { window: 4, stride: 3 })).toEqual([
      { start: 0, end: 4 },
      { start: 3, end: 7 },
      { start: 6, end: 10 },
    ]);
    expect(slidingWindows(9, { window: 4, stride: 4 })).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 5, end: 9 },
    ]);
    expect(slidingWindows(3, { window: 4 })).toEqual([{ start: 0, end: 3 }]);
    expect(slidingWindows(0)).toEqual([]);
    expect(slidingWindows(1500)).toEqual([
      { start: 0, end: 1022 },
      { start: 478, end: 1500 },
    ]);
    expect(() => slidingWindows(10, { window: 4, stride: 5 })).toThrow(/would skip residues/);
    expect(() => slidingWindows(-1)).toThrow(InvalidArgumentError);
  });

  it('maps window tokens back to residues, and picks the most central window per residue', () => {
    const w = slidingWindows(10, { window: 4, stride: 3 });
    expect(Array.from(windowOwners(w, 10))).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect(windowTokenToResidue(w[1]!, 0)).toBe(-1); // <cls>
    expect(windowTokenToResidue(w[1]!, 1)).toBe(3);
    expect(windowTokenToResidue(w[1]!, 4)).toBe(6);
    expect(windowTokenToResidue(w[1]!, 5)).toBe(-1); // <eos>
    expect(windowTokenToResidue(w[1]!, 0, false)).toBe(3);
    expect(() => windowOwners([{ start: 0, end: 4 }], 5)).toThrow(/Residue 4 lies in no window/);
  });

  it('windows are full, in order, within bounds, and cover every residue (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 1100 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (n, window, f) => {
        const stride = Math.max(1, Math.round(window * f));
        const ws = slidingWindows(n, { window, stride });
        if (n === 0) {
          expect(ws).toEqual([]);
          return;
        }
        expect(ws[0]!.start).toBe(0);
        expect(ws[ws.length - 1]!.end).toBe(n);
        for (const w of ws) {
          expect(w.end - w.start).toBe(Math.min(n, window));
          expect(w.start).toBeGreaterThanOrEqual(0);
        }
        for (let k = 1; k < ws.length; k++) {
          expect(ws[k]!.start).toBeGreaterThan(ws[k - 1]!.start);
          expect(ws[k]!.start).toBeLessThanOrEqual(ws[k - 1]!.end); // no gap
        }
        const owners = windowOwners(ws, n);
        let bad = -1;
        for (let i = 0; i < n && bad < 0; i++) {
          const w = ws[owners[i]!]!;
          if (!(i >= w.start && i < w.end) || windowTokenToResidue(w, i - w.start + 1) !== i) bad = i;
        }
        expect(bad).toBe(-1);
      }),
      { numRuns: 150 },
    );
  });
});

describe('lengthBuckets', () => {
  it('groups items of similar length within the limits', () => {
    expect(lengthBuckets([5, 100, 7, 98], { batchSize: 2 })).toEqual([[0, 2], [3, 1]]);
    expect(lengthBuckets([10, 10, 10, 30, 5], { maxTokens: 30 })).toEqual([[4, 0, 1], [2], [3]]);
    expect(lengthBuckets([50, 1], { maxTokens: 10 })).toEqual([[1], [0]]); // too long alone: own batch
    expect(lengthBuckets([], { batchSize: 3 })).toEqual([]);
    expect(() => lengthBuckets([1], {})).toThrow(/batchSize, maxTokens/);
    expect(() => lengthBuckets([1], { batchSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => lengthBuckets([-1], { batchSize: 2 })).toThrow(InvalidArgumentError);
  });

  it('is a partition that respects both limits; rng only reorders batches (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer(),
        (lengths, batchSize, maxTokens, seed) => {
          const batches = lengthBuckets(lengths, { batchSize, maxTokens });
          expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
          for (const b of batches) {
            expect(b.length).toBeLessThanOrEqual(batchSize);
            const longest = Math.max(...b.map((i) => lengths[i]!));
            if (b.length > 1) expect(b.length * longest).toBeLessThanOrEqual(maxTokens);
          }
          const shuffled = lengthBuckets(lengths, { batchSize, maxTokens, rng: new Rng(seed >>> 0) });
          expect([...shuffled].sort((a, b) => a[0]! - b[0]!)).toEqual([...batches].sort((a, b) => a[0]! - b[0]!));
        },
      ),
      { numRuns: 150 },
    );
  });
});
