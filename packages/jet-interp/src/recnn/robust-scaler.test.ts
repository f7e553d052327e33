import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError, Rng } from '@lab/tensor-core';
import { findPython, runPythonJson } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { RobustScaler } from './robust-scaler';

const probe = findPython(['sklearn', 'numpy']);
if (!probe.ok) console.warn(`[skip] RobustScaler vs scikit-learn: ${probe.reason}`);

const SCRIPT = join(mkdtempSync(join(tmpdir(), 'robust-scaler-')), 'ref.py');
writeFileSync(
  SCRIPT,
  `import json, sys
import numpy as np
from sklearn.preprocessing import RobustScaler
d = json.load(sys.stdin)
X = np.array(d["rows"], dtype=np.float64).reshape(-1, d["width"])
s = RobustScaler(quantile_range=tuple(d["range"])).fit(X)
print(json.dumps({"center": s.center_.tolist(), "scale": s.scale_.tolist(), "x": s.transform(X).ravel().tolist()}))
`,
);

describe('RobustScaler', () => {
  it('centres on the median and scales by the inter-quartile range (hand-derived)', () => {
    // column 0: 1..5 (median 3, q25 2, q75 4); column 1: 10, 20, 30, 40 + 1000 outlier → median 30, q25 20, q75 40
    const s = RobustScaler.fit(Float64Array.from([1, 10, 2, 20, 3, 30, 4, 40, 5, 1000]), 2, { features: ['a', 'b'] });
    expect(Array.from(s.center)).toEqual([3, 30]);
    expect(Array.from(s.scale)).toEqual([2, 20]);
    expect(Array.from(s.transform([3, 30, 5, 50]))).toEqual([0, 0, 1, 1]);
    expect(s.fittedRows).toBe(5);
    // even count: the median is the mean of the middle two; numpy's linear quantiles
    const e = RobustScaler.fit([4, 1, 3, 2], 1);
    expect(e.center[0]).toBe(2.5);
    expect(e.scale[0]).toBeCloseTo(3.25 - 1.75, 15);
    // a constant column keeps scale 1 (scikit-learn's zero-range rule)
    expect(RobustScaler.fit([7, 7, 7], 1).scale[0]).toBe(1);
  });

  it('equals scikit-learn RobustScaler', () => {
    if (!probe.ok) return;
    const rng = new Rng(3);
    for (const [n, width, range] of [[101, 3, [25, 75]], [64, 7, [25, 75]], [10, 2, [10, 90]]] as const) {
      const rows = Array.from({ length: n * width }, (_, i) => (i % 3 === 0 ? Math.round(10 * rng.normal()) : rng.normal() * 100 + 3) * (1 + (i % width)));
      const ref = runPythonJson<{ center: number[]; scale: number[]; x: number[] }>(probe.python, SCRIPT, { rows, width, range });
      const s = RobustScaler.fit(rows, width, { quantileRange: range });
      expect(Array.from(s.center)).toEqual(ref.center);
      Array.from(s.scale).forEach((v, j) => expect(v).toBeCloseTo(ref.scale[j]!, 12));
      Array.from(s.transform(rows)).forEach((v, i) => expect(v).toBeCloseTo(ref.x[i]!, 12));
    }
  });

  it('round-trips through JSON and scales to float32', () => {
    const s = RobustScaler.fit([1, 2, 3, 4, 5, 6], 2, { features: ['p', 'q'] });
    const back = RobustScaler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(back.toJSON()).toEqual(s.toJSON());
    const f = back.transformToFloat32([1, 2], new Float32Array(4), 2);
    expect(Array.from(f)).toEqual([0, 0, -1, -1]);
  });

  it('throws typed errors for bad data and bad JSON', () => {
    expect(() => RobustScaler.fit([1, 2, 3], 2)).toThrow(InvalidArgumentError);
    expect(() => RobustScaler.fit([], 2)).toThrow(InvalidArgumentError);
    expect(() => RobustScaler.fit([1, NaN], 1)).toThrow(/finite/);
    expect(() => RobustScaler.fit([1, 2], 1, { quantileRange: [75, 25] })).toThrow(InvalidArgumentError);
    const s = RobustScaler.fit([1, 2, 3, 4], 2);
    expect(() => s.transform([1, 2, 3])).toThrow(InvalidArgumentError);
    expect(() => RobustScaler.fromJSON({ kind: 'standard' }, 'scaler.json')).toThrow(DataFormatError);
    expect(() => RobustScaler.fromJSON({ kind: 'robust', features: ['a'], center: [0], scale: [0] }, 'scaler.json')).toThrow(/must not contain 0/);
    expect(() => RobustScaler.fromJSON({ kind: 'robust', features: ['a', 'b'], center: [0], scale: [1] }, 'scaler.json')).toThrow(/equal lengths/);
  });
});
