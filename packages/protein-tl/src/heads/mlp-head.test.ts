import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { majorityVote } from './majority-vote';
import { MlpEnsemble } from './mlp-ensemble';
import { MlpHead, STUDY_MLP_HIDDEN } from './mlp-head';

/** Gaussian blobs: class k centred at 3·e_k. */
function blobs(seed: number, n: number, dim: number, classes: number): { x: Float32Array; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let p = 0; p < dim; p++) x[i * dim + p] = rng.normal() + (p === c ? 3 : 0);
  }
  return { x, y };
}

describe('MlpHead', () => {
  it('uses the study architecture by default (500-100-100-1000, identity)', () => {
    const { x, y } = blobs(1, 30, 6, 3);
    const head = MlpHead.train(x, y, 6, { maxEpochs: 1 });
    expect(head.model.sizes).toEqual([6, ...STUDY_MLP_HIDDEN, 3]);
    expect(head.model.spec.activation).toBe('identity');
    expect(head.history).toHaveLength(1);
  });

  it('fit trains inside onnxruntime with the same schedule and numbers as train (float32 vs float64)', async () => {
    const dim = 12;
    const train = blobs(7, 500, dim, 5);
    const dev = blobs(8, 150, dim, 5);
    const options = { hidden: [20, 10], validation: dev, maxEpochs: 4, patience: 10, seed: 3, batchSize: 3 };
    const js = MlpHead.train(train.x, train.y, dim, options);
    const progress: number[] = [];
    const onnx = await MlpHead.fit(train.x, train.y, dim, { ...options, engine: 'onnx', threads: 1, onProgress: (e) => progress.push(e.completed) });
    expect(onnx.history).toHaveLength(js.history.length);
    onnx.history.forEach((h, e) => {
      expect(Math.abs(h.loss - js.history[e]!.loss), `epoch ${e + 1} loss`).toBeLessThan(1e-4);
      expect(Math.abs(h.validationLoss! - js.history[e]!.validationLoss!)).toBeLessThan(1e-4);
    });
    expect(onnx.bestEpoch).toBe(js.bestEpoch);
    let maxDiff = 0;
    onnx.model.weights.forEach((w, l) => w.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - js.model.weights[l]![i]!)))));
    expect(maxDiff).toBeLessThan(1e-3);
    const test = blobs(9, 200, dim, 5);
    expect(Array.from(onnx.predict(test.x))).toEqual(Array.from(js.predict(test.x)));
    // 5-row chunks (1 % of 500) → 100 partial fits per epoch, reported in ten calls
    expect(progress.at(-1)).toBe(4 * 100);
    // auto: onnx for identity/ReLU, the JavaScript trainer otherwise (tanh)
    const tanh = await MlpHead.fit(train.x, train.y, dim, { hidden: [6], activation: 'tanh', maxEpochs: 1 });
    expect(tanh.model.spec.activation).toBe('tanh');
    await expect(MlpHead.fit(train.x, train.y, dim, { engine: 'gpu' as never })).rejects.toThrow(InvalidArgumentError);
    await expect(MlpHead.fit(train.x, train.y, dim, { engine: 'onnx', activation: 'tanh' })).rejects.toThrow(/supports identity and relu/);
    const ensembleOptions = { hidden: [8], members: 3, maxEpochs: 2, seed: 1 };
    const ensemble = await MlpEnsemble.fit(train.x, train.y, dim, ensembleOptions);
    expect(ensemble.members).toHaveLength(3);
    const jsVotes = MlpEnsemble.train(train.x, train.y, dim, ensembleOptions).predict(test.x);
    const votes = ensemble.predict(test.x);
    expect(Array.from(votes).filter((c, i) => c === jsVotes[i]).length).toBeGreaterThanOrEqual(198);
  });

  it('learns separable blobs, watches the dev rows, stops early and keeps the best epoch', () => {
    const dim = 10;
    const train = blobs(2, 600, dim, 4);
    const dev = blobs(3, 200, dim, 4);
    const head = MlpHead.train(train.x, train.y, dim, { hidden: [16, 8], validation: dev, maxEpochs: 25, patience: 2, seed: 1 });
    expect(head.history.length).toBeGreaterThan(0);
    expect(head.history.length).toBeLessThanOrEqual(25);
    const best = head.history[head.bestEpoch - 1]!;
    expect(best.validationLoss).toBe(Math.min(...head.history.map((h) => h.validationLoss!)));
    if (head.history.length < 25) expect(head.history.length - head.bestEpoch).toBe(2);
    const test = blobs(4, 200, dim, 4);
    const pred = head.predict(test.x);
    const acc = pred.filter((p, i) => p === test.y[i]).length / 200;
    expect(acc).toBeGreaterThan(0.85);
    const proba = head.predictProba(test.x.subarray(0, dim));
    expect(proba.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('trains in chunks: same seed, same network; another chunk size, another trajectory', () => {
    const { x, y } = blobs(5, 300, 5, 3);
    const a = MlpHead.train(x, y, 5, { hidden: [7], maxEpochs: 2, seed: 3, batchSize: 16 });
    const b = MlpHead.train(x, y, 5, { hidden: [7], maxEpochs: 2, seed: 3, batchSize: 16 });
    expect(a.model.weights[0]).toEqual(b.model.weights[0]);
    const c = MlpHead.train(x, y, 5, { hidden: [7], maxEpochs: 2, seed: 3, batchSize: 16, chunkFraction: 0.1 });
    expect(c.model.weights[0]).not.toEqual(a.model.weights[0]);
  });

  it('rejects bad inputs and options', () => {
    const { x, y } = blobs(6, 20, 4, 2);
    expect(() => MlpHead.train(x, y, 5)).toThrow(InvalidArgumentError);
    expect(() => MlpHead.train(x, y.subarray(1), 4)).toThrow(InvalidArgumentError);
    expect(() => MlpHead.train(x, y, 4, { chunkFraction: 0 })).toThrow(/chunkFraction/);
    expect(() => MlpHead.train(x, y, 4, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => MlpHead.train(x, y, 4, { classes: 1 })).toThrow(/classes/);
    expect(() => MlpHead.train(x, y, 4, { validation: { x: x.subarray(0, 8), y: [0, 5] }, classes: 2 })).toThrow(/validation/);
    const head = MlpHead.train(x, y, 4, { hidden: [3], maxEpochs: 1 });
    expect(() => head.predict(new Float32Array(5))).toThrow(InvalidArgumentError);
  });
});

describe('MlpEnsemble', () => {
  it('trains one head per disjoint subset and votes', () => {
    const dim = 6;
    const train = blobs(7, 400, dim, 3);
    const dev = blobs(8, 90, dim, 3);
    const ens = MlpEnsemble.train(train.x, train.y, dim, { members: 4, hidden: [8], maxEpochs: 5, validation: dev, seed: 2 });
    expect(ens.members).toHaveLength(4);
    expect(ens.subsets.map((s) => s.length)).toEqual([100, 100, 100, 100]);
    const test = blobs(9, 90, dim, 3);
    expect(Array.from(ens.predict(test.x))).toEqual(Array.from(majorityVote(ens.members.map((m) => m.predict(test.x)))));
    const acc = ens.predict(test.x).filter((p, i) => p === test.y[i]).length / 90;
    expect(acc).toBeGreaterThan(0.8);
  });
});
