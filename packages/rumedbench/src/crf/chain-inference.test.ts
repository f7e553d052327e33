import { Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { bruteForce } from './__fixtures__/brute-force';
import { ChainInference } from './chain-inference';

function randomScores(rng: Rng, n: number, scale: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal() * scale);
}

describe('ChainInference', () => {
  it('matches brute-force log Z and node/edge marginals on tiny random chains', () => {
    const rng = new Rng(20240611);
    let cases = 0;
    for (let L = 1; L <= 3; L++) {
      for (let T = 1; T <= 5; T++) {
        for (let rep = 0; rep < 4; rep++) {
          const scale = rep === 3 ? 40 : 1.5; // the last one with large scores, to exercise the scaling
          const state = randomScores(rng, T * L, scale);
          const trans = randomScores(rng, L * L, scale);
          const fb = new ChainInference(L, 2); // small capacity: buffers must grow
          fb.setTransitions(trans);
          const logZ = fb.run(state, T);
          const ref = bruteForce(state, trans, T, L);
          expect(logZ).toBeCloseTo(ref.logZ, 9);
          for (let k = 0; k < T * L; k++) expect(fb.marginals[k]).toBeCloseTo(ref.node[k] as number, 10);
          const edge = new Float64Array(L * L);
          fb.accumulateEdgeMarginals(edge, 2);
          for (let k = 0; k < L * L; k++) expect(edge[k]).toBeCloseTo(2 * (ref.edge[k] as number), 10);
          cases++;
        }
      }
    }
    expect(cases).toBe(60);
  });

  it('stays finite on a long sentence with large scores', () => {
    const rng = new Rng(7);
    const L = 13;
    const T = 300;
    const fb = new ChainInference(L);
    fb.setTransitions(randomScores(rng, L * L, 30));
    const logZ = fb.run(randomScores(rng, T * L, 30), T);
    expect(Number.isFinite(logZ)).toBe(true);
    for (let t = 0; t < T; t++) {
      let s = 0;
      for (let y = 0; y < L; y++) s += fb.marginal(t, y);
      expect(s).toBeCloseTo(1, 12);
    }
  });

  it('rejects a bad label count', () => {
    expect(() => new ChainInference(0)).toThrow(RangeError);
  });
});
