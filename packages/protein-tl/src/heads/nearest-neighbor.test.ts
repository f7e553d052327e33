import { join } from 'node:path';
import { InvalidArgumentError, LabError, Rng, checkGolden, loadModel } from '@lab/tensor-core';
import { findPython, runPythonJson } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { NearestNeighbor } from './nearest-neighbor';
import { nearestGraphPath } from './nearest-search';
import { simdDotsModule } from './simd-dots';

const SCRIPT = join(__dirname, '__fixtures__', 'heads_reference.py');

function randomRows(rng: Rng, rows: number, dim: number, scale = 1): Float32Array {
  return Float32Array.from(rng.normalArray(rows * dim), (v) => v * scale);
}

/** Direct float64 Σ(q − t)², first index on ties. */
function bruteForce(train: Float32Array, queries: Float32Array, dim: number): { index: number[]; distance: number[] } {
  const n = train.length / dim;
  const m = queries.length / dim;
  const index: number[] = [];
  const distance: number[] = [];
  for (let i = 0; i < m; i++) {
    let bi = -1;
    let bd = Infinity;
    for (let t = 0; t < n; t++) {
      let s = 0;
      for (let p = 0; p < dim; p++) {
        const v = queries[i * dim + p]! - train[t * dim + p]!;
        s += v * v;
      }
      if (s < bd) {
        bd = s;
        bi = t;
      }
    }
    index.push(bi);
    distance.push(Math.sqrt(bd));
  }
  return { index, distance };
}

describe('NearestNeighbor (exact 1-NN)', () => {
  it('equals a brute-force reference, ties to the lowest index, on the calling thread and on workers', async () => {
    const rng = new Rng(11);
    const dim = 37;
    const train = randomRows(rng, 301, dim);
    // exact duplicates (ties) at several indices, and small-integer rows where many distances tie
    train.set(train.subarray(5 * dim, 6 * dim), 200 * dim);
    train.set(train.subarray(5 * dim, 6 * dim), 250 * dim);
    for (let t = 280; t < 301; t++) for (let p = 0; p < dim; p++) train[t * dim + p] = (t + p) % 3;
    const labels = Array.from({ length: 301 }, (_, i) => i % 7);
    const queries = randomRows(rng, 41, dim);
    queries.set(train.subarray(250 * dim, 251 * dim), 0); // duplicate of rows 5, 200, 250 → index 5
    for (let p = 0; p < dim; p++) queries[1 * dim + p] = (p + 1) % 3; // equidistant integer rows
    const ref = bruteForce(train, queries, dim);
    const knn = NearestNeighbor.fit(train, labels, dim);
    const sync = knn.kneighborsSync(queries);
    const threaded = await knn.kneighbors(queries, { threads: 2 });
    const results = [sync, threaded, knn.kneighborsSync(queries, { kernel: 'js' }), await knn.kneighbors(queries, { threads: 3, kernel: 'js' })];
    results.push(await knn.kneighbors(queries, { kernel: 'onnx' }), await knn.kneighbors(queries, { kernel: 'onnx', threads: 2 }));
    if (simdDotsModule()) results.push(knn.kneighborsSync(queries, { kernel: 'simd' }), await knn.kneighbors(queries, { threads: 2, kernel: 'simd' }));
    else console.log('[skip] SIMD kernel: this runtime has no WebAssembly SIMD with shared memories');
    for (const r of results) {
      expect(Array.from(r.index)).toEqual(ref.index);
      r.distance.forEach((d, i) => expect(Math.abs(d - ref.distance[i]!)).toBeLessThanOrEqual(1e-9 * (1 + ref.distance[i]!)));
      expect(Array.from(r.labels)).toEqual(ref.index.map((i) => labels[i]));
    }
    expect(sync.index[0]).toBe(5);
    expect(sync.distance[0]).toBe(0);
  });

  it('keeps the exact answer when scores are nearly tied (large offsets, tiny differences)', () => {
    const dim = 16;
    const rng = new Rng(3);
    const base = randomRows(rng, 1, dim, 1000);
    const train = new Float32Array(50 * dim);
    for (let t = 0; t < 50; t++) for (let p = 0; p < dim; p++) train[t * dim + p] = base[p]! + (p === t % dim ? 1e-3 * (50 - t) : 0);
    const queries = Float32Array.from(base);
    const ref = bruteForce(train, queries, dim);
    const knn = NearestNeighbor.fit(train, new Int32Array(50), dim);
    expect(Array.from(knn.kneighborsSync(queries, { kernel: 'js' }).index)).toEqual(ref.index);
    expect(Array.from(knn.kneighborsSync(queries).index)).toEqual(ref.index);
  });

  it('the ONNX kernel: its graph reproduces the numpy golden top-k, and the search stays exact across blocks and crowded ties', async () => {
    const session = await loadModel(nearestGraphPath());
    try {
      const report = await checkGolden(session, session.manifest!, nearestGraphPath());
      expect(report.ok, JSON.stringify(report.outputs)).toBe(true);
    } finally {
      await session.dispose();
    }
    const rng = new Rng(8);
    // 70,000 rows: two blocks of training rows (65,536 per call); duplicates of query 0 in both blocks, the first at 65,600
    const dim = 4;
    const train = randomRows(rng, 70000, dim);
    const queries = randomRows(rng, 20, dim);
    train.set(queries.subarray(0, dim), 69000 * dim);
    train.set(queries.subarray(0, dim), 65600 * dim);
    // 40 identical rows equidistant from query 1: more ties within tolerance than a block's top 16 → full exact scan
    for (let t = 100; t < 140; t++) for (let p = 0; p < dim; p++) train[t * dim + p] = queries[dim + p]! + (p === 0 ? 1e-4 : 0);
    const ref = bruteForce(train, queries, dim);
    const knn = NearestNeighbor.fit(train, new Int32Array(70000), dim);
    const r = await knn.kneighbors(queries, { kernel: 'onnx', threads: 2 });
    expect(Array.from(r.index)).toEqual(ref.index);
    expect(r.index[0]).toBe(65600);
    expect(r.index[1]).toBe(100);
    r.distance.forEach((d, i) => expect(Math.abs(d - ref.distance[i]!)).toBeLessThanOrEqual(1e-9 * (1 + ref.distance[i]!)));
    expect(() => knn.kneighborsSync(queries, { kernel: 'onnx' })).toThrow(/asynchronous/);
  });

  it('handles every dimension and row count around the kernels’ tiles (d mod 4, odd rows, short query groups)', async () => {
    const rng = new Rng(21);
    for (const dim of [1, 3, 4, 5, 130]) {
      for (const [n, m] of [[1, 1], [2, 3], [7, 5], [131, 9]] as const) {
        const train = randomRows(rng, n, dim);
        const queries = randomRows(rng, m, dim);
        const ref = bruteForce(train, queries, dim);
        const knn = NearestNeighbor.fit(train, new Int32Array(n), dim);
        for (const kernel of ['js', 'auto'] as const) {
          expect(Array.from(knn.kneighborsSync(queries, { kernel }).index), `${kernel} d=${dim} n=${n} m=${m}`).toEqual(ref.index);
          expect(Array.from((await knn.kneighbors(queries, { kernel, threads: 2 })).index)).toEqual(ref.index);
        }
      }
    }
  });

  const numpy = findPython(['numpy']);
  it.skipIf(!numpy.ok)('equals numpy brute force (float64 argmin)', async () => {
    const rng = new Rng(5);
    const dim = 64;
    const train = randomRows(rng, 500, dim);
    const queries = randomRows(rng, 60, dim);
    const labels = Array.from({ length: 500 }, (_, i) => i % 9);
    const py = runPythonJson<{ index: number[]; distance: number[] }>((numpy as { python: string }).python, SCRIPT, { mode: 'numpy', dim, train: Array.from(train), queries: Array.from(queries), labels });
    const r = await NearestNeighbor.fit(train, labels, dim).kneighbors(queries, { threads: 2 });
    expect(Array.from(r.index)).toEqual(py.index);
    r.distance.forEach((d, i) => expect(Math.abs(d - py.distance[i]!)).toBeLessThan(1e-9 * (1 + d)));
  });
  if (!numpy.ok) console.log(`[skip] numpy parity: ${numpy.reason}`);

  const sklearn = findPython(['sklearn', 'numpy']);
  it.skipIf(!sklearn.ok)('predicts as scikit-learn KNeighborsClassifier(n_neighbors=1)', () => {
    const rng = new Rng(9);
    const dim = 24;
    const train = randomRows(rng, 400, dim);
    const queries = randomRows(rng, 80, dim);
    const labels = Array.from({ length: 400 }, () => rng.int(12));
    const py = runPythonJson<{ predict: number[]; index: number[]; distance: number[] }>((sklearn as { python: string }).python, SCRIPT, { mode: 'sklearn', dim, train: Array.from(train), queries: Array.from(queries), labels });
    const r = NearestNeighbor.fit(train, labels, dim).kneighborsSync(queries);
    expect(Array.from(r.labels)).toEqual(py.predict);
    expect(Array.from(r.index)).toEqual(py.index);
    r.distance.forEach((d, i) => expect(Math.abs(d - py.distance[i]!)).toBeLessThan(1e-4 * (1 + d)));
  });
  if (!sklearn.ok) console.log(`[skip] scikit-learn parity: ${sklearn.reason}`);

  it('rejects bad inputs with typed errors', async () => {
    const expectArg = (fn: () => unknown, argument: string) => {
      let caught: unknown;
      try {
        fn();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(InvalidArgumentError);
      expect(LabError.isInstance(caught)).toBe(true);
      expect((caught as InvalidArgumentError).argument).toBe(argument);
    };
    expectArg(() => NearestNeighbor.fit(new Float32Array(7), [0, 1], 3), 'x');
    expectArg(() => NearestNeighbor.fit(new Float32Array(0), [], 3), 'x');
    expectArg(() => NearestNeighbor.fit(new Float32Array(6), [0], 3), 'y');
    expectArg(() => NearestNeighbor.fit(new Float32Array(6), [0, -1], 3), 'y');
    expectArg(() => NearestNeighbor.fit(new Float32Array(6), [0, 1.5], 3), 'y');
    expectArg(() => NearestNeighbor.fit(Float32Array.of(1, 2, Number.NaN), [0], 3), 'x');
    expectArg(() => NearestNeighbor.fit(new Float32Array(6), [0, 1], 0), 'dim');
    expectArg(() => NearestNeighbor.fit(new Float32Array(6), [0, 3], 3, { classes: 2 }), 'classes');
    const knn = NearestNeighbor.fit(new Float32Array(6), [0, 1], 3);
    expectArg(() => knn.kneighborsSync(new Float32Array(4)), 'queries');
    await expect(knn.kneighbors(new Float32Array(3), { threads: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expectArg(() => knn.kneighborsSync(new Float32Array(3), { kernel: 'gpu' as never }), 'kernel');
  });
});
