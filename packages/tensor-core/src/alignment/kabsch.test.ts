import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/lab-error';
import { Rng } from '../rng/rng';
import { alignedRmsd, applyTransform, kabsch, rmsd } from './kabsch';

function randomRotation(rng: Rng): number[] {
  // uniform random unit quaternion -> rotation matrix
  const [a, b, c, d] = (() => {
    const q = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    const n = Math.hypot(...q);
    return q.map((v) => v / n) as [number, number, number, number];
  })();
  return [
    a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
    2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b),
    2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d,
  ];
}

describe('Kabsch alignment', () => {
  it('recovers a random rigid motion exactly (RMSD 0, proper rotation)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 40 }), fc.integer(), (n, seed) => {
        const rng = new Rng(seed >>> 0);
        const P = rng.normalArray(3 * n);
        const R = randomRotation(rng);
        const t = [rng.normal() * 5, rng.normal() * 5, rng.normal() * 5];
        const Q = applyTransform(P, R, t);
        const fit = kabsch(P, Q);
        expect(fit.rmsd).toBeLessThan(1e-9);
        fit.rotation.forEach((v, i) => expect(v).toBeCloseTo(R[i]!, 8));
        const det =
          fit.rotation[0]! * (fit.rotation[4]! * fit.rotation[8]! - fit.rotation[5]! * fit.rotation[7]!) -
          fit.rotation[1]! * (fit.rotation[3]! * fit.rotation[8]! - fit.rotation[5]! * fit.rotation[6]!) +
          fit.rotation[2]! * (fit.rotation[3]! * fit.rotation[7]! - fit.rotation[4]! * fit.rotation[6]!);
        expect(det).toBeCloseTo(1, 10);
      }),
      { numRuns: 60 },
    );
  });

  it('never returns a reflection: a mirror image keeps a positive RMSD', () => {
    const P = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [-1, 0.5, 0.2]];
    const mirror = P.map(([x, y, z]) => [-x!, y!, z!]);
    expect(alignedRmsd(P, mirror)).toBeGreaterThan(0.1);
  });

  it('aligned RMSD is symmetric, invariant to rigid motions, and never above the raw RMSD of centred sets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 25 }), fc.integer(), (n, seed) => {
        const rng = new Rng(seed >>> 0);
        const P = rng.normalArray(3 * n);
        const Q = rng.normalArray(3 * n);
        const base = alignedRmsd(P, Q);
        expect(alignedRmsd(Q, P)).toBeCloseTo(base, 9);
        const moved = applyTransform(Q, randomRotation(rng), [1, -2, 3]);
        expect(alignedRmsd(P, moved)).toBeCloseTo(base, 9);
        const centre = (X: Float64Array) => {
          const c = [0, 1, 2].map((k) => X.filter((_, i) => i % 3 === k).reduce((a, v) => a + v, 0) / n);
          return X.map((v, i) => v - c[i % 3]!);
        };
        expect(base).toBeLessThanOrEqual(rmsd(centre(P), centre(Q)) + 1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it('weights select which points matter', () => {
    const P = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [5, 5, 5]];
    const Q = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [-9, 2, 4]];
    expect(kabsch(P, Q, [1, 1, 1, 0]).rmsd).toBeLessThan(1e-12);
    expect(kabsch(P, Q).rmsd).toBeGreaterThan(1);
  });

  it('rejects bad input', () => {
    expect(() => kabsch([[0, 0, 0]], [[0, 0, 0], [1, 1, 1]])).toThrow(InvalidArgumentError);
    expect(() => kabsch([[0, 0]], [[0, 0]])).toThrow('P[0] has 2 coordinates; points must be 3-D.');
    expect(() => kabsch([[0, NaN, 0]], [[0, 0, 0]])).toThrow('non-finite');
    expect(() => kabsch([], [])).toThrow('empty');
  });
});
