import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, ndarray, Rng, writeNpz } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { InvalidParticleError } from '../particles/invalid-particle-error';
import { PID_MASSES, quarkGluonFromArrays, readQuarkGluonNpz } from './quark-gluon-npz';

/** A SYNTHETIC quark/gluon file in EnergyFlow's layout: random constituents, zero padding at the end of each jet. */
function synthetic(n: number, m: number, seed: number) {
  const rng = new Rng(seed);
  const pids = [22, 211, -211, 321, 2112, -2212, 11, 130];
  const X = new Float64Array(n * m * 4);
  const counts: number[] = [];
  for (let j = 0; j < n; j++) {
    const k = 1 + rng.int(m);
    counts.push(k);
    for (let c = 0; c < k; c++) {
      X.set([0.5 + 50 * rng.uniform(), rng.uniformRange(-2, 2), rng.uniformRange(0, 2 * Math.PI), pids[rng.int(pids.length)]!], (j * m + c) * 4);
    }
  }
  const y = Float64Array.from({ length: n }, (_, j) => j % 2);
  return { X, y, counts };
}

describe('EnergyFlow quark/gluon .npz reader', () => {
  it('turns (pt, y, phi, pid) into four-momenta with PDG masses, dropping padding', async () => {
    const { X, y, counts } = synthetic(12, 9, 4);
    const path = join(mkdtempSync(join(tmpdir(), 'qg-')), 'qg-synthetic.npz');
    await writeNpz(path, { X: ndarray('float64', [12, 9, 4], X), y: ndarray('float64', [12], y) }, { compress: true });
    const { events, labels, pids } = await readQuarkGluonNpz(path);
    expect(events.map((e) => e.size)).toEqual(counts);
    expect(Array.from(labels)).toEqual(Array.from(y));
    for (let j = 0; j < 12; j++) {
      for (let c = 0; c < counts[j]!; c++) {
        const [pt, rap, phi, pid] = X.subarray((j * 9 + c) * 4, (j * 9 + c) * 4 + 4) as unknown as [number, number, number, number];
        const mass = PID_MASSES[Math.abs(pid)]!;
        expect(pids[j]![c]).toBe(pid);
        expect(events[j]!.pt(c)).toBeCloseTo(pt, 12);
        expect(events[j]!.rapidity(c)).toBeCloseTo(rap, 11);
        expect(events[j]!.phi(c)).toBeCloseTo(phi, 12);
        expect(Math.abs(events[j]!.m2(c) - mass * mass)).toBeLessThan(1e-12 * events[j]!.e(c) ** 2);
      }
    }
    const massless = await readQuarkGluonNpz(path, { masses: 'massless' });
    expect(Math.abs(massless.events[0]!.m2(0))).toBeLessThan(1e-12 * massless.events[0]!.e(0) ** 2);
  });

  it('accepts X without the pid column (massless)', () => {
    const X = ndarray('float32', [1, 2, 3], new Float32Array([10, 0.5, 1, 0, 0, 0]));
    const { events, pids } = quarkGluonFromArrays({ X, y: ndarray('int64', [1], new BigInt64Array([1n])) });
    expect(events[0]!.size).toBe(1);
    expect(events[0]!.rapidity(0)).toBeCloseTo(0.5, 6);
    expect(pids[0]!.length).toBe(0);
  });

  it('names the missing array, the wrong shape or the bad value', () => {
    const X = ndarray('float64', [2, 1, 4], new Float64Array([10, 0, 0, 211, 5, 0, 1, 22]));
    const y = ndarray('float64', [2], new Float64Array([0, 1]));
    expect(() => quarkGluonFromArrays({ X }, {}, 'qg.npz')).toThrow('qg.npz (y): no array "y" (found: X)');
    expect(() => quarkGluonFromArrays({ y }, {}, 'qg.npz')).toThrow(DataFormatError);
    expect(() => quarkGluonFromArrays({ X: ndarray('float64', [2, 4], new Float64Array(8)), y })).toThrow(/"X" has shape \[2, 4\]; expected \[jets, constituents, 4\]/);
    expect(() => quarkGluonFromArrays({ X, y: ndarray('float64', [3], new Float64Array(3)) })).toThrow(/"y" has shape \[3\]; expected \[2\]/);
    expect(() => quarkGluonFromArrays({ X, y: ndarray('float64', [2], new Float64Array([0, 2])) })).toThrow(/label 2 is neither 0 nor 1/);
    const bad = ndarray('float64', [2, 1, 4], new Float64Array([10, 0, 0, 211, 5, NaN, 1, 22]));
    let err: unknown;
    try {
      quarkGluonFromArrays({ X: bad, y }, {}, 'qg.npz');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidParticleError);
    expect((err as Error).message).toMatch(/^event 1, particle 0 \(qg\.npz X\[1, 0\] = \(5, NaN, 1, 22\)\): pz = NaN/);
  });
});
