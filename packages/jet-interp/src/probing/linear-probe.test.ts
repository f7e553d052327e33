import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabError, Rng } from '@lab/tensor-core';
import { findPython, runPythonJson } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { linearProbe } from './linear-probe';

const probe = findPython(['sklearn', 'numpy']);
if (!probe.ok) console.warn(`[skip] linear probe vs scikit-learn: ${probe.reason}`);

const SCRIPT = join(mkdtempSync(join(tmpdir(), 'linear-probe-')), 'ref.py');
writeFileSync(
  SCRIPT,
  `import json, sys
import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
d = json.load(sys.stdin)
X = np.array(d["x"], dtype=np.float64).reshape(-1, d["dim"])
out = {}
for name, t in d["targets"].items():
    y = np.array(t)
    m = LinearRegression().fit(X[d["fit"]], y[d["fit"]])
    out[name] = [r2_score(y[d["score"]], m.predict(X[d["score"]])), r2_score(y[d["fit"]], m.predict(X[d["fit"]]))]
print(json.dumps(out))
`,
);

function data(n: number, dim: number, seed: number) {
  const rng = new Rng(seed);
  const x = rng.normalArray(n * dim);
  // a duplicated column and a constant column (dead units) must not break the fit
  for (let i = 0; i < n; i++) {
    x[i * dim + dim - 1] = x[i * dim]!;
    x[i * dim + dim - 2] = 0;
  }
  const affine = new Float64Array(n);
  const noisy = new Float64Array(n);
  const nonlinear = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    affine[i] = 3 + 2 * x[i * dim]! - 0.5 * x[i * dim + 1]!;
    noisy[i] = x[i * dim + 2]! + rng.normal();
    nonlinear[i] = x[i * dim + 1]! ** 2;
  }
  return { x, affine, noisy, nonlinear };
}

describe('linearProbe', () => {
  const n = 400;
  const dim = 6;
  const { x, affine, noisy, nonlinear } = data(n, dim, 1);
  const split = { fit: Array.from({ length: 300 }, (_, i) => i), score: Array.from({ length: 100 }, (_, i) => 300 + i) };

  it('gives R² = 1 for an affine function of the representation, about 1/2 for half-explained variance, ≈ 0 for x²', () => {
    const r = linearProbe({ data: x, dim }, { affine, noisy, nonlinear }, split);
    expect(r.affine!.r2).toBeCloseTo(1, 10);
    expect(r.noisy!.r2).toBeGreaterThan(0.3);
    expect(r.noisy!.r2).toBeLessThan(0.7);
    expect(r.nonlinear!.r2).toBeLessThan(0.1);
    expect(r.noisy!.r2Fit).toBeGreaterThanOrEqual(r.noisy!.r2 - 0.15);
  });

  it.skipIf(!probe.ok)('equals scikit-learn LinearRegression + r2_score (collinear and constant columns included)', () => {
    if (!probe.ok) throw new Error('unreachable');
    const ref = runPythonJson<Record<string, [number, number]>>(probe.python, SCRIPT, { x: Array.from(x), dim, targets: { affine: Array.from(affine), noisy: Array.from(noisy), nonlinear: Array.from(nonlinear) }, ...split });
    const r = linearProbe({ data: x, dim }, { affine, noisy, nonlinear }, split);
    for (const name of ['affine', 'noisy', 'nonlinear']) {
      expect(Math.abs(r[name]!.r2 - ref[name]![0])).toBeLessThan(1e-9);
      expect(Math.abs(r[name]!.r2Fit - ref[name]![1])).toBeLessThan(1e-9);
    }
  });

  it('names the bad field in typed errors', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(LabError.isInstance(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err(() => linearProbe({ data: x, dim: 7 }, { affine }, split))).toMatch(/whole number of rows of 7/);
    expect(err(() => linearProbe({ data: x, dim }, { short: [1, 2] }, split))).toMatch(/"short" has 2 values for 400 rows/);
    expect(err(() => linearProbe({ data: x, dim }, { affine: Float64Array.from(affine, (v, i) => (i === 5 ? NaN : v)) }, split))).toMatch(/not finite at row 5/);
    expect(err(() => linearProbe({ data: x, dim }, { affine }, { fit: [0, 1], score: [400, 401] }))).toMatch(/row index 400/);
    expect(err(() => linearProbe({ data: x, dim }, {}, split))).toMatch(/at least one observable/);
  });
});
