import { InvalidArgumentError } from '@lab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectArgumentError } from '../diffusion/expect-argument-error';
import { DEFAULT_COV_THRESHOLDS, covMatFromRmsdMatrix, median } from './cov-mat';
import { EmptyConformerSetError, InvalidThresholdError } from './errors';
import { aggregateCovMat } from './evaluate-conformers';

// 3 references x 4 generated conformers, worked by hand:
// min over generated per reference: [0.30, 0.45, 1.30]  -> MAT-R = 2.05 / 3
// min over references per generated: [0.30, 0.45, 0.80, 0.90] -> MAT-P = 2.45 / 4
const MATRIX = [
  [0.3, 1.2, 0.8, 2.0],
  [1.5, 0.45, 1.1, 0.9],
  [2.1, 1.8, 1.6, 1.3],
];

describe('covMatFromRmsdMatrix', () => {
  it('matches a hand computation', () => {
    const m = covMatFromRmsdMatrix(MATRIX, { threshold: 0.5, thresholds: [0, 0.45, 0.9, 1.3] });
    expect(m.num_references).toBe(3);
    expect(m.num_generated).toBe(4);
    expect(m.cov_r).toBeCloseTo((2 / 3) * 100, 12);
    expect(m.mat_r).toBeCloseTo(2.05 / 3, 12);
    expect(m.cov_p).toBeCloseTo(50, 12);
    expect(m.mat_p).toBeCloseTo(2.45 / 4, 12);
    // COV counts RMSD <= δ, as GeoDiff's covmat.py does: 0.45 is covered at δ = 0.45, 1.3 at δ = 1.3
    [0, 200 / 3, 200 / 3, 100].forEach((v, i) => expect(m.cov_r_curve[i]).toBeCloseTo(v, 10));
    expect(m.cov_p_curve).toEqual([0, 50, 100, 100]);
  });

  it('uses the default 0 … 3 Å grid', () => {
    expect(DEFAULT_COV_THRESHOLDS).toHaveLength(61);
    expect(DEFAULT_COV_THRESHOLDS[0]).toBe(0);
    expect(DEFAULT_COV_THRESHOLDS[25]).toBe(1.25);
    expect(DEFAULT_COV_THRESHOLDS[60]).toBe(3);
    expect(covMatFromRmsdMatrix(MATRIX, { threshold: 1 }).cov_r_curve).toHaveLength(61);
  });

  it('rejects bad thresholds and matrices with typed errors', () => {
    for (const threshold of [-0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => covMatFromRmsdMatrix(MATRIX, { threshold })).toThrow(InvalidThresholdError);
    }
    expectArgumentError(() => covMatFromRmsdMatrix(MATRIX, { threshold: -1 }), 'threshold');
    expectArgumentError(() => covMatFromRmsdMatrix(MATRIX, { threshold: 1, thresholds: [] }), 'thresholds');
    expectArgumentError(() => covMatFromRmsdMatrix(MATRIX, { threshold: 1, thresholds: [0.5, -2] }), 'thresholds[1]');
    expect(() => covMatFromRmsdMatrix(MATRIX, { threshold: -1 })).toThrow(/e\.g\. threshold: 0\.5 for GEOM-QM9/);
    expect(() => covMatFromRmsdMatrix([], { threshold: 1 })).toThrow(EmptyConformerSetError);
    expect(() => covMatFromRmsdMatrix([[]], { threshold: 1 })).toThrow(EmptyConformerSetError);
    expectArgumentError(() => covMatFromRmsdMatrix([[1, 2], [3]], { threshold: 1 }), 'matrix');
    expectArgumentError(() => covMatFromRmsdMatrix([[1, Number.NaN]], { threshold: 1 }), 'matrix');
    expect(new EmptyConformerSetError('x', 'y')).toBeInstanceOf(InvalidArgumentError);
  });

  it('is invariant to the order of references and of generated conformers, and bounded', () => {
    const matrix = fc.integer({ min: 1, max: 6 }).chain((nr) =>
      fc.integer({ min: 1, max: 6 }).chain((ng) => fc.array(fc.array(fc.double({ min: 0, max: 4, noNaN: true }), { minLength: ng, maxLength: ng }), { minLength: nr, maxLength: nr })),
    );
    fc.assert(
      fc.property(matrix, fc.double({ min: 0, max: 4, noNaN: true }), fc.integer(), (m, threshold, seed) => {
        const shift = Math.abs(seed) % m.length;
        const rows = m.map((_, i) => m[(i + shift) % m.length]!); // references in another order
        const cols = m.map((r) => [...r].reverse()); // reverse generated order
        const base = covMatFromRmsdMatrix(m, { threshold, thresholds: [threshold] });
        for (const other of [covMatFromRmsdMatrix(rows, { threshold, thresholds: [threshold] }), covMatFromRmsdMatrix(cols, { threshold, thresholds: [threshold] })]) {
          expect(other.cov_r).toBeCloseTo(base.cov_r, 9);
          expect(other.mat_r).toBeCloseTo(base.mat_r, 9);
          expect(other.cov_p).toBeCloseTo(base.cov_p, 9);
          expect(other.mat_p).toBeCloseTo(base.mat_p, 9);
        }
        expect(base.cov_r).toBeGreaterThanOrEqual(0);
        expect(base.cov_r).toBeLessThanOrEqual(100);
        expect(base.cov_r_curve[0]).toBe(base.cov_r);
        // both MATs are means of minima of the matrix, so neither is below its smallest entry
        const min = Math.min(...m.flat());
        expect(base.mat_r).toBeGreaterThanOrEqual(min - 1e-12);
        expect(base.mat_p).toBeGreaterThanOrEqual(min - 1e-12);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});

describe('aggregation over molecules', () => {
  it('takes means and NumPy-style medians of per-molecule COV and MAT', () => {
    const thresholds = [0.5, 1];
    const a = covMatFromRmsdMatrix(MATRIX, { threshold: 0.5, thresholds }); // COV-R 66.67, MAT-R 0.6833
    const b = covMatFromRmsdMatrix([[0.1]], { threshold: 0.5, thresholds }); // COV-R 100, MAT-R 0.1
    const c = covMatFromRmsdMatrix([[2, 3]], { threshold: 0.5, thresholds }); // COV-R 0, MAT-R 2; COV-P 0, MAT-P 2.5
    const d = covMatFromRmsdMatrix([[0.4], [0.8]], { threshold: 0.5, thresholds }); // COV-R 50, MAT-R 0.6; COV-P 100, MAT-P 0.4
    const three = aggregateCovMat([a, b, c], 0.5, thresholds);
    expect(three.num_molecules).toBe(3);
    expect(three.cov_r_mean).toBeCloseTo((200 / 3 + 100 + 0) / 3, 10);
    expect(three.cov_r_median).toBeCloseTo(200 / 3, 10);
    expect(three.mat_r_mean).toBeCloseTo((2.05 / 3 + 0.1 + 2) / 3, 10);
    expect(three.mat_r_median).toBeCloseTo(2.05 / 3, 10);
    expect(three.cov_p_mean).toBeCloseTo((50 + 100 + 0) / 3, 10);
    expect(three.mat_p_median).toBeCloseTo(2.45 / 4, 10);
    const four = aggregateCovMat([a, b, c, d], 0.5, thresholds);
    expect(four.cov_r_median).toBeCloseTo((50 + 200 / 3) / 2, 10); // even count: mean of the two middle values
    expect(four.mat_p_median).toBeCloseTo((0.4 + 2.45 / 4) / 2, 10);
    expect(four.curve).toHaveLength(2);
    expect(four.curve[1]).toMatchObject({ threshold: 1 });
    expect(four.curve[1]!.cov_r_mean).toBeCloseTo((200 / 3 + 100 + 0 + 100) / 4, 10);
    expect(four.curve[0]!.cov_r_mean).toBeCloseTo(four.cov_r_mean, 10);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
