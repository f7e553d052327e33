import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/lab-error';
import { Rng } from '../rng/rng';
import { AdamState, Mlp, type MlpActivation } from './mlp';
import { OnnxMlpTrainer } from './mlp-onnx';

const ADAM = { learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 };

function maxAbsDiff(a: Float64Array[], b: Float64Array[]): number {
  let m = 0;
  a.forEach((w, l) => w.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[l]![i]!)))));
  return m;
}

describe('OnnxMlpTrainer (Adam steps inside onnxruntime)', () => {
  it.each(['identity', 'relu'] as MlpActivation[])('equals the float64 JavaScript trainer step for step (%s hidden layers, weight decay, short last step)', async (activation) => {
    const rng = new Rng(1);
    const n = 60;
    const d = 7;
    const K = 4;
    const x = Float32Array.from(rng.normalArray(n * d));
    const y = Int32Array.from({ length: n }, () => rng.int(K));
    const mlp = Mlp.create({ inputs: d, hidden: [9, 5], outputs: K, activation }, new Rng(2));
    const trainer = await OnnxMlpTrainer.create(mlp, ADAM, { threads: 1 });
    try {
      const js = mlp.clone();
      const adam = new AdamState(js, ADAM);
      const B = 16;
      const S = 6;
      const rows = new Int32Array(S * B);
      const counts = new Int32Array(S);
      const jsLoss: number[] = [];
      for (let s = 0; s < S; s++) {
        const m = s === S - 1 ? 11 : B;
        counts[s] = m;
        for (let r = 0; r < m; r++) rows[s * B + r] = rng.int(n);
        const xb = new Float64Array(m * d);
        const yb = new Int32Array(m);
        for (let r = 0; r < m; r++) {
          const i = rows[s * B + r]!;
          for (let p = 0; p < d; p++) xb[r * d + p] = x[i * d + p]!;
          yb[r] = y[i]!;
        }
        const g = js.lossAndGradients(xb, yb, m);
        jsLoss.push(g.loss);
        adam.update(js, g.gradWeights, g.gradBiases);
      }
      // two calls (3 + 3 steps): the state carries over between calls
      const first = await trainer.steps(x, y, rows.slice(0, 3 * B), counts.slice(0, 3), B);
      const second = await trainer.steps(x, y, rows.slice(3 * B), counts.slice(3), B);
      expect(trainer.step).toBe(S);
      const losses = [...first, ...second];
      losses.forEach((l, s) => expect(Math.abs(l - jsLoss[s]!), `step ${s}`).toBeLessThan(1e-5));
      const trained = trainer.toMlp();
      expect(maxAbsDiff(trained.weights, js.weights)).toBeLessThan(1e-5);
      expect(maxAbsDiff(trained.biases, js.biases)).toBeLessThan(1e-5);
      // and it moved: the weights are not the initial ones
      expect(maxAbsDiff(trained.weights, mlp.weights)).toBeGreaterThan(1e-3);
    } finally {
      await trainer.dispose();
    }
  });

  it('learns a separable problem', async () => {
    const rng = new Rng(5);
    const n = 400;
    const d = 6;
    const x = new Float32Array(n * d);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      for (let p = 0; p < d; p++) x[i * d + p] = rng.normal() * 0.3 + (p === y[i] ? 2 : 0);
    }
    const trainer = await OnnxMlpTrainer.create(Mlp.create({ inputs: d, hidden: [16], outputs: 3, activation: 'relu' }, rng), { ...ADAM, weightDecay: 0 });
    try {
      const B = 40;
      const rows = Int32Array.from({ length: 200 * B }, () => rng.int(n));
      const losses = await trainer.steps(x, y, rows, new Int32Array(200).fill(B), B);
      expect(losses[199]!).toBeLessThan(losses[0]! / 5);
      const predicted = trainer.toMlp().predict(Float64Array.from(x), n);
      let ok = 0;
      predicted.forEach((c, i) => (ok += c === y[i] ? 1 : 0));
      expect(ok / n).toBeGreaterThan(0.97);
    } finally {
      await trainer.dispose();
    }
  });

  it('refuses what it cannot train, and bad schedules', async () => {
    const rng = new Rng(3);
    await expect(OnnxMlpTrainer.create(Mlp.create({ inputs: 3, hidden: [4], outputs: 1 }, rng), ADAM)).rejects.toThrow(/softmax networks/);
    await expect(OnnxMlpTrainer.create(Mlp.create({ inputs: 3, hidden: [4], outputs: 3, activation: 'tanh' }, rng), ADAM)).rejects.toThrow(InvalidArgumentError);
    const trainer = await OnnxMlpTrainer.create(Mlp.create({ inputs: 3, hidden: [], outputs: 2, activation: 'identity' }, rng), ADAM);
    try {
      const x = new Float32Array(12);
      const y = new Int32Array(4);
      await expect(trainer.steps(x, y, new Int32Array(3), Int32Array.of(2), 4)).rejects.toThrow(/rows holds 3 indices/);
      await expect(trainer.steps(x, y, new Int32Array(4), Int32Array.of(0), 4)).rejects.toThrow(/each step needs 1 … 4/);
      await expect(trainer.steps(new Float32Array(5), y, new Int32Array(4), Int32Array.of(1), 4)).rejects.toThrow(/x holds 5 values/);
      expect((await trainer.steps(x, y, new Int32Array(0), new Int32Array(0), 4)).length).toBe(0);
    } finally {
      await trainer.dispose();
    }
  });
});
