import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { HnswNearestNeighbor } from './hnsw-nearest-neighbor';
import { NearestNeighbor } from './nearest-neighbor';

let native: string | undefined;
try {
  HnswNearestNeighbor.fit(new Float32Array(2), [0, 1], 1);
} catch (e) {
  native = (e as Error).message;
}

describe('HnswNearestNeighbor (hnswlib-node)', () => {
  if (native) console.log(`[skip] hnswlib-node: ${native}`);
  it.skipIf(!!native)('finds the exact neighbour for almost every query on clustered SYNTHETIC data', () => {
    const rng = new Rng(8);
    const dim = 32;
    const centres = rng.normalArray(40 * dim);
    const make = (rows: number) => Float32Array.from({ length: rows * dim }, (_, i) => centres[(Math.floor(i / dim) % 40) * dim + (i % dim)]! + 0.3 * rng.normal());
    const x = make(2000);
    const y = Int32Array.from({ length: 2000 }, (_, i) => i % 40);
    const q = make(200);
    const ann = HnswNearestNeighbor.fit(x, y, dim, { ef: 64, seed: 1 });
    const exact = NearestNeighbor.fit(x, y, dim).kneighborsSync(q);
    const approx = ann.kneighbors(q);
    let hits = 0;
    for (let i = 0; i < 200; i++) if (approx.index[i] === exact.index[i]) hits++;
    expect(hits / 200).toBeGreaterThanOrEqual(0.95);
    for (let i = 0; i < 200; i++) if (approx.index[i] === exact.index[i]) expect(approx.distance[i]).toBeCloseTo(exact.distance[i]!, 3);
    expect(Array.from(ann.predict(q.subarray(0, dim)))).toEqual([approx.labels[0]]);
  });
  it.skipIf(!!native)('rejects bad options and queries', () => {
    expect(() => HnswNearestNeighbor.fit(new Float32Array(4), [0, 1], 2, { m: 0 })).toThrow(InvalidArgumentError);
    const ann = HnswNearestNeighbor.fit(new Float32Array(4), [0, 1], 2);
    expect(() => ann.kneighbors(new Float32Array(3))).toThrow(InvalidArgumentError);
    expect(() => ann.setEf(0)).toThrow(InvalidArgumentError);
  });
});
