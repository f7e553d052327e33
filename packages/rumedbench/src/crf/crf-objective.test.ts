import { Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { bruteForce } from './__fixtures__/brute-force';
import { CrfObjective, fillStateScores, fillTransitionScores } from './crf-objective';
import { buildTrainingSet, type CrfSequenceInput } from './crf-training-set';

/** A tiny random labelled problem: 3 labels, sentences of 1..5 tokens, a few real-valued attributes. */
function tinyProblem(seed: number) {
  const rng = new Rng(seed);
  const labels = ['A', 'B', 'C'];
  const X: CrfSequenceInput[] = [];
  const y: string[][] = [];
  for (let s = 0; s < 6; s++) {
    const T = 1 + rng.int(5);
    const xs: CrfSequenceInput[number][] = [];
    const ys: string[] = [];
    for (let t = 0; t < T; t++) {
      xs.push({ bias: 1, [`w${rng.int(4)}`]: rng.uniformRange(0.5, 2), flag: rng.int(2) === 1, tok: `t${rng.int(3)}` });
      ys.push(labels[rng.int(3)] as string);
    }
    X.push(xs);
    y.push(ys);
  }
  return buildTrainingSet(X, y);
}

describe('CrfObjective', () => {
  it('equals the brute-force negative log-likelihood plus c2 * ||w||^2', () => {
    const set = tinyProblem(1);
    const rng = new Rng(2);
    const obj = new CrfObjective(set, { c2: 0.3 });
    const w = Float64Array.from({ length: obj.numFeatures }, () => rng.normal());
    const f = obj.evaluate(w, new Float64Array(w.length));
    const L = set.space.labels.length;
    const trans = new Float64Array(L * L);
    fillTransitionScores(set.space, w, trans);
    let ref = 0;
    const { tokenStart, labels } = set.data;
    for (let s = 0; s + 1 < tokenStart.length; s++) {
      const state = new Float64Array(5 * L);
      const T = fillStateScores(set.space, set.data, s, w, state);
      const gold = [...labels.subarray(tokenStart[s], tokenStart[s + 1])];
      let score = 0;
      for (let t = 0; t < T; t++) score += (state[t * L + (gold[t] as number)] as number) + (t > 0 ? (trans[(gold[t - 1] as number) * L + (gold[t] as number)] as number) : 0);
      ref += bruteForce(state, trans, T, L).logZ - score;
    }
    ref += 0.3 * w.reduce((a, x) => a + x * x, 0);
    expect(f).toBeCloseTo(ref, 10);
  });

  it('has the gradient of central finite differences (L2 term included)', () => {
    for (const seed of [3, 4]) {
      const set = tinyProblem(seed);
      const rng = new Rng(seed + 10);
      const obj = new CrfObjective(set, { c2: 0.07 });
      const n = obj.numFeatures;
      const w = Float64Array.from({ length: n }, () => rng.normal() * 0.8);
      const grad = new Float64Array(n);
      obj.evaluate(w, grad);
      const scratch = new Float64Array(n);
      const h = 1e-5;
      for (let k = 0; k < n; k++) {
        const wp = Float64Array.from(w);
        wp[k] = (wp[k] as number) + h;
        const wm = Float64Array.from(w);
        wm[k] = (wm[k] as number) - h;
        const fd = (obj.evaluate(wp, scratch) - obj.evaluate(wm, scratch)) / (2 * h);
        expect(Math.abs((grad[k] as number) - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it('at w = 0 equals (number of tokens) * log L, and the transition gradient sums to 0', () => {
    const set = tinyProblem(5);
    const obj = new CrfObjective(set);
    const n = obj.numFeatures;
    const grad = new Float64Array(n);
    const f = obj.evaluate(new Float64Array(n), grad);
    expect(f).toBeCloseTo(set.data.labels.length * Math.log(3), 10);
    // Expected counts under the uniform model minus empirical: the sum over transition features is (#edges)(1 - 1) = 0.
    let transSum = 0;
    for (const g of set.space.transFeature) transSum += grad[g] as number;
    expect(transSum).toBeCloseTo(0, 10);
  });

  it('rejects a negative c2', () => {
    expect(() => new CrfObjective(tinyProblem(1), { c2: -1 })).toThrow(/c2/);
  });
});
