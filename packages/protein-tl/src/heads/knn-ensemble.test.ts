import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { disjointSubsets } from './disjoint-subsets';
import { KnnEnsemble } from './knn-ensemble';
import { majorityVote } from './majority-vote';
import { NearestNeighbor } from './nearest-neighbor';

describe('majorityVote', () => {
  it('takes the most frequent class; ties go to the smallest tied class', () => {
    expect(Array.from(majorityVote([Int32Array.of(1, 2, 4), Int32Array.of(1, 0, 3), Int32Array.of(3, 0, 4)]))).toEqual([1, 0, 4]);
    // 2-2 tie between 5 and 2 → 2; all different → smallest
    expect(Array.from(majorityVote([[5], [2], [5], [2]]))).toEqual([2]);
    expect(Array.from(majorityVote([[9], [7], [8]]))).toEqual([7]);
    expect(Array.from(majorityVote([[3, 1]]))).toEqual([3, 1]);
  });
  it('rejects no members, ragged members and bad votes', () => {
    expect(() => majorityVote([])).toThrow(InvalidArgumentError);
    expect(() => majorityVote([[1, 2], [1]])).toThrow(/member 1 has 1/);
    expect(() => majorityVote([[1], [-1]])).toThrow(InvalidArgumentError);
  });
});

describe('disjointSubsets', () => {
  it('covers every row once, sizes within one, seeded', () => {
    const s = disjointSubsets(103, 10, 4);
    expect(s.map((a) => a.length)).toEqual([11, 11, 11, 10, 10, 10, 10, 10, 10, 10]);
    const all = s.flatMap((a) => Array.from(a)).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(disjointSubsets(103, 10, 4)).toEqual(s);
    expect(disjointSubsets(103, 10, 5)).not.toEqual(s);
  });
  it('rejects more parts than rows', () => {
    expect(() => disjointSubsets(5, 6)).toThrow(InvalidArgumentError);
    expect(() => disjointSubsets(5, 0)).toThrow(InvalidArgumentError);
  });
});

describe('KnnEnsemble', () => {
  it('fits one 1-NN per disjoint subset and votes their predictions', async () => {
    const rng = new Rng(2);
    const dim = 8;
    const n = 200;
    const x = Float32Array.from(rng.normalArray(n * dim));
    const y = Array.from({ length: n }, (_, i) => (x[i * dim]! > 0 ? 1 : 0) + (x[i * dim + 1]! > 0 ? 2 : 0));
    const ens = KnnEnsemble.fit(x, y, dim, { members: 10, seed: 7 });
    expect(ens.members).toHaveLength(10);
    expect(ens.members.reduce((s, m) => s + m.size, 0)).toBe(n);
    // member k holds exactly the rows of subset k
    ens.subsets.forEach((rows, k) => {
      const m = ens.members[k]!;
      rows.forEach((r, i) => {
        expect(m.labels[i]).toBe(y[r]);
        expect(Array.from(m.embeddings.subarray(i * dim, (i + 1) * dim))).toEqual(Array.from(x.subarray(r * dim, (r + 1) * dim)));
      });
    });
    const q = Float32Array.from(rng.normalArray(50 * dim));
    const votes = ens.members.map((m) => m.kneighborsSync(q).labels);
    const predicted = await ens.predict(q, { threads: 0 });
    expect(Array.from(predicted)).toEqual(Array.from(majorityVote(votes)));
    // the quadrant task is easy: the ensemble beats chance by far
    const truth = Array.from({ length: 50 }, (_, i) => (q[i * dim]! > 0 ? 1 : 0) + (q[i * dim + 1]! > 0 ? 2 : 0));
    const acc = truth.filter((t, i) => t === predicted[i]).length / 50;
    expect(acc).toBeGreaterThan(0.5);
  });
  it('with one member equals a plain 1-NN', async () => {
    const rng = new Rng(4);
    const x = Float32Array.from(rng.normalArray(60 * 5));
    const y = Array.from({ length: 60 }, (_, i) => i % 4);
    const q = Float32Array.from(rng.normalArray(10 * 5));
    const one = KnnEnsemble.fit(x, y, 5, { members: 1 });
    expect(Array.from(await one.predict(q))).toEqual(Array.from(await NearestNeighbor.fit(x, y, 5).predict(q)));
  });
  it('rejects bad inputs', () => {
    expect(() => KnnEnsemble.fit(new Float32Array(10), [0, 1], 5, { members: 3 })).toThrow(InvalidArgumentError);
    expect(() => KnnEnsemble.fit(new Float32Array(10), [0], 5)).toThrow(InvalidArgumentError);
  });
});
