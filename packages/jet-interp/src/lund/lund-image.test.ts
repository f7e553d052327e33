import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomJet } from '../testing/random-jets';
import { LUND_IMAGE_DEFAULTS, LundImage, averageLundImage, lundImage } from './lund-image';
import { primaryLundDeclusterings } from './primary-lund-declusterings';

describe('lundImage', () => {
  it('puts each point in the bin a direct computation gives, half-open edges', () => {
    const opts = { lnInvDeltaBins: 6, lnKtBins: 5, lnInvDeltaRange: [0, 6] as const, lnKtRange: [-3, 7] as const };
    const points = [
      { lnInvDelta: 0, lnKt: -3 }, // lower edges: bin (0, 0)
      { lnInvDelta: 2.5, lnKt: 4.1 }, // column 2, row 3
      { lnInvDelta: 5.999, lnKt: 6.999 }, // last bin
      { lnInvDelta: 6, lnKt: 0 }, // upper edge: outside
      { lnInvDelta: -0.1, lnKt: 0 }, // outside
      { lnInvDelta: Number.POSITIVE_INFINITY, lnKt: Number.NEGATIVE_INFINITY }, // Δ = 0: outside
      { lnInvDelta: Number.NaN, lnKt: 1 }, // outside
    ];
    const image = lundImage(points, opts);
    expect(image.entries).toBe(3);
    expect(image.outside).toBe(4);
    expect(image.jets).toBe(1);
    expect(image.get(0, 0)).toBe(1);
    expect(image.get(2, 3)).toBe(1);
    expect(image.get(5, 4)).toBe(1);
    expect(image.total()).toBe(3);
    expect(image.values[3 * 6 + 2]).toBe(1); // row-major: row = ln k_t bin
    expect(image.binIndex(2.5, 4.1)).toBe(3 * 6 + 2);
    expect(image.binIndex(6, 0)).toBe(-1);
    expect(Array.from(image.edges().lnInvDelta)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(image.edges().lnKt)).toEqual([-3, -1, 1, 3, 5, 7]);
    expect(image.density()[0]).toBeCloseTo(1 / (1 * 2), 12);
  });

  it('sums weights when given (e.g. saliencies)', () => {
    const image = lundImage(
      [
        { lnInvDelta: 1, lnKt: 1 },
        { lnInvDelta: 1.01, lnKt: 1.01 },
        { lnInvDelta: 9, lnKt: 1 },
      ],
      { weights: [0.5, 2, 100] },
    );
    expect(image.total()).toBeCloseTo(2.5, 12);
    expect(image.entries).toBe(2);
  });

  it('counts sum to the number of primary splittings inside the ranges (random jets, fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 40 }), (seed, n, bins) => {
        const splittings = primaryLundDeclusterings(randomJet(new Rng(seed), { n, spread: 0.4 }));
        const image = lundImage(splittings, { lnInvDeltaBins: bins, lnKtBins: bins + 3 });
        const [x0, x1] = LUND_IMAGE_DEFAULTS.lnInvDeltaRange;
        const [y0, y1] = LUND_IMAGE_DEFAULTS.lnKtRange;
        const inside = splittings.filter((s) => s.lnInvDelta >= x0 && s.lnInvDelta < x1 && s.lnKt >= y0 && s.lnKt < y1).length;
        expect(image.total()).toBe(inside);
        expect(image.entries).toBe(inside);
        expect(image.entries + image.outside).toBe(splittings.length);
        for (const s of splittings) {
          const i = image.binIndex(s.lnInvDelta, s.lnKt);
          if (i >= 0) expect(image.values[i]).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 80, seed: 3 },
    );
  });

  it('rejects bad binning with the valid choices', () => {
    expect(() => lundImage([], { lnInvDeltaBins: 0 })).toThrow(/lnInvDeltaBins must be an integer ≥ 1/);
    expect(() => lundImage([], { lnKtRange: [7, -3] })).toThrow(/lnKtRange must be \[low, high\]/);
    expect(() => lundImage([{ lnInvDelta: 1, lnKt: 1 }], { weights: [1, 2] })).toThrow(/one weight per splitting/);
    expect(() => lundImage('x' as never)).toThrow(InvalidArgumentError);
    expect(() => new LundImage({}, new Float64Array(3))).toThrow(/625 entries/);
    expect(() => lundImage([]).get(25, 0)).toThrow(/0\.\.24/);
  });
});

describe('averageLundImage', () => {
  it('is the mean of the per-jet images', () => {
    const rng = new Rng(5);
    const jets = Array.from({ length: 30 }, () => primaryLundDeclusterings(randomJet(rng, { n: 25 })));
    const mean = averageLundImage(jets, { lnInvDeltaBins: 10, lnKtBins: 10 });
    const sum = new Float64Array(100);
    for (const j of jets) lundImage(j, { lnInvDeltaBins: 10, lnKtBins: 10 }).values.forEach((v, i) => (sum[i]! += v));
    let maxDiff = 0;
    mean.values.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - sum[i]! / 30))));
    expect(maxDiff).toBeLessThan(1e-12);
    expect(mean.jets).toBe(30);
    expect(mean.entries + mean.outside).toBe(jets.reduce((n, j) => n + j.length, 0));
    expect(mean.total()).toBeCloseTo(mean.entries / 30, 10);
  });

  it('handles no jets and checks the per-jet weights', () => {
    const empty = averageLundImage([]);
    expect(empty.jets).toBe(0);
    expect(empty.total()).toBe(0);
    const p = [{ lnInvDelta: 1, lnKt: 1 }];
    expect(averageLundImage([p, p], { weights: [[2], [4]] }).total()).toBe(3);
    expect(() => averageLundImage([p, p], { weights: [[1]] })).toThrow(/one array per jet/);
    expect(() => averageLundImage([p], { weights: [[1], [1]] })).toThrow(/1 jets, 2 weight arrays/);
    expect(() => averageLundImage([p], { weights: [[1, 2]] })).toThrow(/weights\[0\]/);
  });
});
