import { Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { bruteForce } from './__fixtures__/brute-force';
import { viterbiDecode } from './viterbi';

describe('viterbiDecode', () => {
  it('equals the brute-force argmax on tiny random chains', () => {
    const rng = new Rng(99);
    for (let L = 1; L <= 3; L++) {
      for (let T = 1; T <= 5; T++) {
        for (let rep = 0; rep < 5; rep++) {
          const state = Float64Array.from({ length: T * L }, () => rng.normal() * 2);
          const trans = Float64Array.from({ length: L * L }, () => rng.normal() * 2);
          const { path, score } = viterbiDecode(state, trans, T, L);
          const ref = bruteForce(state, trans, T, L);
          expect([...path]).toEqual(ref.best.seq);
          expect(score).toBeCloseTo(ref.best.score, 12);
        }
      }
    }
  });

  it('breaks ties towards the lowest label and handles empty sentences', () => {
    expect([...viterbiDecode(new Float64Array(6), new Float64Array(4), 3, 2).path]).toEqual([0, 0, 0]);
    expect(viterbiDecode(new Float64Array(0), new Float64Array(4), 0, 2).path.length).toBe(0);
  });
});
