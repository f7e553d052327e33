import { expectArgumentError } from './expect-argument-error';
import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { batchFromNumAtoms, batchLayout, centerPositions, comFreeNoise } from './noise';


/** Per-molecule centroid of atom-major coordinates. */
function centroids(pos: ArrayLike<number>, batch: ArrayLike<number>, numMolecules: number): number[][] {
  const sums = Array.from({ length: numMolecules }, () => [0, 0, 0, 0]);
  for (let a = 0; a < batch.length; a++) {
    const row = sums[batch[a]!]!;
    for (let d = 0; d < 3; d++) row[d] = row[d]! + pos[3 * a + d]!;
    row[3] = row[3]! + 1;
  }
  return sums.map(([x, y, z, n]) => [x! / n!, y! / n!, z! / n!]);
}

describe('batch vectors', () => {
  it('expands atom counts into a batch vector', () => {
    expect(Array.from(batchFromNumAtoms([3, 2, 1]))).toEqual([0, 0, 0, 1, 1, 2]);
    expectArgumentError(() => batchFromNumAtoms([]), 'numAtoms');
    expectArgumentError(() => batchFromNumAtoms([2, 0]), 'numAtoms');
    expectArgumentError(() => batchFromNumAtoms([1.5]), 'numAtoms');
  });

  it('accepts molecules in any atom order but no gaps', () => {
    const layout = batchLayout([1, 0, 1, 0, 0]);
    expect(layout.numMolecules).toBe(2);
    expect(Array.from(layout.counts)).toEqual([3, 2]);
    expectArgumentError(() => batchLayout([0, 2, 2]), 'batch');
    expectArgumentError(() => batchLayout([0, -1]), 'batch');
    expectArgumentError(() => batchLayout([]), 'batch');
  });
});

describe('centerPositions', () => {
  it('subtracts each molecule’s centroid (center_pos) and keeps relative positions', () => {
    const batch = [0, 1, 0, 1, 1];
    const pos = Float64Array.from([1, 2, 3, 10, 0, 0, 3, 4, 5, 11, 1, 0, 12, 2, 3]);
    const c = centerPositions(pos, batch);
    expect(Array.from(c.slice(0, 3))).toEqual([-1, -1, -1]); // molecule 0: atoms (1,2,3), (3,4,5), centroid (2,3,4)
    expect(Array.from(c.slice(6, 9))).toEqual([1, 1, 1]);
    for (const row of centroids(c, batch, 2)) for (const v of row) expect(Math.abs(v)).toBeLessThan(1e-14);
    expect(c[9]! - c[3]!).toBeCloseTo(1, 14); // atoms 3 and 1 of molecule 1 keep their offset
    expect(pos[0]).toBe(1); // input untouched
  });

  it('treats positions without a batch as one molecule', () => {
    expect(Array.from(centerPositions([0, 0, 0, 2, 4, 6]))).toEqual([-1, -2, -3, 1, 2, 3]);
    expectArgumentError(() => centerPositions([0, 0]), 'pos');
    expectArgumentError(() => centerPositions([0, 0, 0], [0, 0]), 'pos');
  });
});

describe('comFreeNoise', () => {
  it('has zero centroid per molecule and unit variance on the centroid-free subspace', () => {
    const sizes = [3, 8];
    const numAtoms = Array.from({ length: 3000 }, (_, m) => sizes[m % 2]!);
    const batch = batchFromNumAtoms(numAtoms);
    const eps = comFreeNoise(batch, new Rng(7));
    expect(eps.length).toBe(3 * batch.length);
    for (const row of centroids(eps, batch, numAtoms.length)) for (const v of row) expect(Math.abs(v)).toBeLessThan(1e-14);

    // a coordinate of an n-atom molecule has variance (n − 1)/n; neighbours in a molecule covary by −1/n
    for (const n of sizes) {
      let sumSq = 0;
      let cross = 0;
      let count = 0;
      let offset = 0;
      for (const k of numAtoms) {
        if (k === n) {
          for (let j = 0; j < 3 * n; j++) sumSq += eps[3 * offset + j]! ** 2;
          for (let d = 0; d < 3; d++) cross += eps[3 * offset + d]! * eps[3 * offset + 3 + d]!;
          count++;
        }
        offset += k;
      }
      const perCoordinate = sumSq / (3 * n * count);
      const se = Math.sqrt(2 / (3 * (n - 1) * count)); // relative standard error of a χ² variance estimate
      expect(Math.abs(perCoordinate / ((n - 1) / n) - 1)).toBeLessThan(4 * se);
      expect(sumSq / (3 * (n - 1) * count)).toBeCloseTo(1, 1); // variance in the 3(n − 1)-dim subspace ≈ 1
      expect(cross / (3 * count)).toBeCloseTo(-1 / n, 1);
    }
  });

  it('is reproducible, scales with std and validates its arguments', () => {
    const batch = batchFromNumAtoms([4, 5]);
    expect(Array.from(comFreeNoise(batch, new Rng(3)))).toEqual(Array.from(comFreeNoise(batch, new Rng(3))));
    expect(Array.from(comFreeNoise(batch, new Rng(3))).map((v) => 2 * v)).toEqual(Array.from(comFreeNoise(batch, new Rng(3), 2)));
    expect(Array.from(comFreeNoise(batch, new Rng(3)))).not.toEqual(Array.from(comFreeNoise(batch, new Rng(4))));
    expectArgumentError(() => comFreeNoise(batch, new Rng(3), -1), 'std');
    expectArgumentError(() => comFreeNoise([0, 2], new Rng(3)), 'batch');
  });
});
