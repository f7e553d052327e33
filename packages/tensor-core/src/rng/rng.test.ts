import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

const C_SOURCE = fileURLToPath(new URL('./__fixtures__/xoshiro128ss.c', import.meta.url));
const golden = JSON.parse(readFileSync(new URL('./__fixtures__/xoshiro128ss-golden.json', import.meta.url), 'utf8')) as { first: number[]; afterJump: number[] };

function referenceOutputs(): { values: number[]; source: string } {
  const cc = spawnSync('cc', ['--version']);
  if (cc.status !== 0) return { values: [...golden.first, ...golden.afterJump], source: 'committed golden file (no C compiler)' };
  const exe = join(mkdtempSync(join(tmpdir(), 'xoshiro-')), 'xo');
  const build = spawnSync('cc', ['-O2', '-o', exe, C_SOURCE], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(build.stderr);
  const out = spawnSync(exe, { encoding: 'utf8' }).stdout.trim().split('\n').map(Number);
  return { values: out, source: 'C reference compiled now' };
}

describe('Rng (xoshiro128**)', () => {
  it('matches the C reference bit for bit, including the jump', () => {
    const ref = referenceOutputs();
    expect(ref.values).toEqual([...golden.first, ...golden.afterJump]);
    const rng = new Rng([1, 2, 3, 4]);
    expect(Array.from({ length: 8 }, () => rng.nextUint32())).toEqual(ref.values.slice(0, 8));
    rng.split();
    expect(Array.from({ length: 8 }, () => rng.nextUint32())).toEqual(ref.values.slice(8));
  });

  it('same seed, same numbers; different seeds, different numbers', () => {
    const a = new Rng(42).normalArray(1000);
    const b = new Rng(42).normalArray(1000);
    const c = new Rng(43).normalArray(1000);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(new Rng(2 ** 40).uniform()).not.toBe(new Rng(0).uniform());
    expect(() => new Rng(1.5)).toThrow('seed must be a safe integer');
  });

  it('uniform draws lie in [0, 1) with the right mean and variance', () => {
    const rng = new Rng(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    expect(outside).toBe(0);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('normal draws have mean 0, variance 1, and Gaussian tails', () => {
    const x = new Rng(11).normalArray(200_000);
    const n = x.length;
    const mean = x.reduce((a, v) => a + v, 0) / n;
    const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
    const beyond2 = x.filter((v) => Math.abs(v) > 2).length / n;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    expect(Math.abs(beyond2 - 0.0455)).toBeLessThan(0.003);
  });

  it('int(n) is uniform and in range; shuffle gives permutations', () => {
    const rng = new Rng(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    const p = rng.permutation(100);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(() => rng.int(0)).toThrow();
  });

  it('state can be saved and restored; split streams differ', () => {
    const rng = new Rng(5);
    rng.uniform();
    const saved = rng.state;
    const next = rng.nextUint32();
    expect(new Rng(saved).nextUint32()).toBe(next);
    const parent = new Rng(9);
    const child = parent.split();
    expect(child.nextUint32()).not.toBe(parent.nextUint32());
  });
});
