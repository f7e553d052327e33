import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LabError } from '../errors/lab-error';
import { Rng } from '../rng/rng';
import { AdamState, Mlp, trainMlp, type MlpActivation } from './mlp';

interface GoldenCase {
  sizes: number[];
  activation: MlpActivation;
  outputs: number;
  x: number[];
  y: number[];
  init: { weights: number[][]; biases: number[][] };
  adam: { learningRate: number; beta1: number; beta2: number; epsilon: number; weightDecay: number };
  steps: { loss: number; grads: { weights: number[][]; biases: number[][] }; after: { weights: number[][]; biases: number[][] } }[];
}
const golden = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'mlp-golden.json'), 'utf8')) as Record<string, GoldenCase>;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('Mlp against PyTorch (float64 golden: losses, gradients, three Adam steps with weight decay)', () => {
  for (const name of ['binary-relu', 'softmax-tanh']) {
    it(name, () => {
      const g = golden[name]!;
      const mlp = new Mlp(
        { inputs: g.sizes[0]!, hidden: g.sizes.slice(1, -1), outputs: g.outputs, activation: g.activation },
        g.init.weights.map((w) => Float64Array.from(w)),
        g.init.biases.map((b) => Float64Array.from(b)),
      );
      const adam = new AdamState(mlp, g.adam);
      const x = Float64Array.from(g.x);
      for (const step of g.steps) {
        const r = mlp.lossAndGradients(x, g.y, g.y.length);
        expect(Math.abs(r.loss - step.loss)).toBeLessThan(1e-12);
        r.gradWeights.forEach((gw, l) => expect(maxDiff(gw, step.grads.weights[l]!)).toBeLessThan(1e-12));
        r.gradBiases.forEach((gb, l) => expect(maxDiff(gb, step.grads.biases[l]!)).toBeLessThan(1e-12));
        adam.update(mlp, r.gradWeights, r.gradBiases);
        mlp.weights.forEach((w, l) => expect(maxDiff(w, step.after.weights[l]!)).toBeLessThan(1e-12));
        mlp.biases.forEach((b, l) => expect(maxDiff(b, step.after.biases[l]!)).toBeLessThan(1e-12));
      }
    });
  }
});

describe('Mlp', () => {
  it('gradients match central finite differences for every activation', () => {
    for (const activation of ['relu', 'identity', 'tanh', 'logistic'] as const) {
      for (const outputs of [1, 3]) {
        const rng = new Rng(7);
        const mlp = Mlp.create({ inputs: 3, hidden: [5, 4], outputs, activation }, rng);
        const n = 6;
        const x = rng.normalArray(n * 3);
        const y = Array.from({ length: n }, (_, i) => i % (outputs === 1 ? 2 : 3));
        const { gradWeights } = mlp.lossAndGradients(x, y, n);
        const h = 1e-6;
        for (let l = 0; l < mlp.weights.length; l++) {
          for (let i = 0; i < mlp.weights[l]!.length; i += 3) {
            const w = mlp.weights[l]!;
            const keep = w[i]!;
            w[i] = keep + h;
            const up = mlp.lossAndGradients(x, y, n).loss;
            w[i] = keep - h;
            const down = mlp.lossAndGradients(x, y, n).loss;
            w[i] = keep;
            expect(Math.abs((up - down) / (2 * h) - gradWeights[l]![i]!)).toBeLessThan(1e-6);
          }
        }
      }
    }
  });

  it('learns XOR (which no linear model can) and keeps the best epoch', () => {
    const x: number[] = [];
    const y: number[] = [];
    const rng = new Rng(3);
    for (let i = 0; i < 400; i++) {
      const a = rng.uniform() < 0.5 ? 0 : 1;
      const b = rng.uniform() < 0.5 ? 0 : 1;
      x.push(a + 0.1 * rng.normal(), b + 0.1 * rng.normal());
      y.push(a ^ b);
    }
    const { model, history, bestEpoch } = trainMlp(x, y, 2, { hidden: [16], epochs: 200, batchSize: 32, learningRate: 0.01, seed: 1, patience: 200 });
    const pred = model.predict(x);
    const acc = pred.reduce((s, p, i) => s + (p === y[i] ? 1 : 0), 0) / y.length;
    expect(acc).toBeGreaterThan(0.97);
    expect(history[bestEpoch - 1]!.loss).toBe(Math.min(...history.map((h) => h.loss)));
  });

  it('is deterministic for a seed, stops early on validation loss, and round-trips through JSON', () => {
    const rng = new Rng(5);
    const x = rng.normalArray(300 * 4);
    const y = Array.from({ length: 300 }, (_, i) => (x[4 * i]! + x[4 * i + 1]! > 0 ? 1 : 0));
    const opts = { hidden: [8], epochs: 50, patience: 3, seed: 9, validation: { x: x.subarray(0, 400), y: y.slice(0, 100) } };
    const a = trainMlp(x, y, 4, opts);
    const b = trainMlp(x, y, 4, opts);
    expect(Array.from(a.model.weights[0]!)).toEqual(Array.from(b.model.weights[0]!));
    expect(a.history.length).toBeLessThanOrEqual(50);
    expect(a.history.every((h) => h.validationLoss !== undefined && h.validationAccuracy !== undefined)).toBe(true);
    const back = Mlp.fromJSON(JSON.parse(JSON.stringify(a.model.toJSON())));
    expect(Array.from(back.predictProba(x))).toEqual(Array.from(a.model.predictProba(x)));
    // softmax probabilities sum to one
    const m3 = Mlp.create({ inputs: 4, hidden: [], outputs: 3 }, new Rng(1));
    const p = m3.predictProba(x.subarray(0, 40));
    for (let i = 0; i < 10; i++) expect(p[3 * i]! + p[3 * i + 1]! + p[3 * i + 2]!).toBeCloseTo(1, 12);
  });

  it('rejects bad shapes, labels and files with typed errors naming the field', () => {
    const m = Mlp.create({ inputs: 2, hidden: [3], outputs: 1 }, new Rng(0));
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(LabError.isInstance(e)).toBe(true);
        return `${(e as LabError).code}: ${(e as Error).message}`;
      }
      throw new Error('did not throw');
    };
    expect(code(() => m.predict([1, 2, 3]))).toMatch(/INVALID_ARGUMENT.*rows × 2/);
    expect(code(() => m.lossAndGradients(Float64Array.of(1, 2), [2], 1))).toMatch(/0 or 1/);
    expect(code(() => Mlp.create({ inputs: 2, hidden: [0], outputs: 1 }, new Rng(0)))).toMatch(/hidden\[0\]/);
    expect(code(() => Mlp.create({ inputs: 2, hidden: [], outputs: 1, activation: 'gelu' as never }, new Rng(0)))).toMatch(/Supported: relu/);
    expect(code(() => Mlp.fromJSON({ format: 'other' }, 'h.json'))).toMatch(/DATA_FORMAT: h.json/);
    expect(code(() => Mlp.fromJSON({ ...m.toJSON(), version: 2 }, 'h.json'))).toMatch(/version 2/);
    expect(code(() => trainMlp([1, 2, 3, 4], [0], 2))).toMatch(/1 labels for 2 rows/);
  });
});
