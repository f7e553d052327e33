import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { add4, boostFromRest, boostToRest, directionAround, dot4, mass2, orthonormalBasis, scale4, sum4, unitDirection, vec4, type Vec4 } from './lorentz';

const close = (a: Vec4, b: Vec4, tol: number): void => {
  expect(Math.abs(a.px - b.px)).toBeLessThan(tol);
  expect(Math.abs(a.py - b.py)).toBeLessThan(tol);
  expect(Math.abs(a.pz - b.pz)).toBeLessThan(tol);
  expect(Math.abs(a.e - b.e)).toBeLessThan(tol);
};

describe('four-vector arithmetic', () => {
  it('computes Minkowski products, masses and sums', () => {
    const p = vec4(1, 2, 3, 10);
    expect(dot4(p, p)).toBe(100 - 14);
    expect(mass2(p)).toBeCloseTo(86, 12);
    expect(add4(p, p)).toEqual(scale4(p, 2));
    expect(sum4([p, p, p]).e).toBe(30);
    expect(sum4([])).toEqual(vec4(0, 0, 0, 0));
  });
});

describe('boosts', () => {
  it('takes a frame to rest and back, at large γ too', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 50; i++) {
      const m = 0.5 + 100 * rng.uniform();
      const p = vec4(600 * rng.normal(), 600 * rng.normal(), 600 * rng.normal(), 0);
      p.e = Math.sqrt(p.px ** 2 + p.py ** 2 + p.pz ** 2 + m * m);
      const rest = boostToRest(p, p, m);
      expect(Math.hypot(rest.px, rest.py, rest.pz)).toBeLessThan(1e-9 * p.e);
      expect(rest.e).toBeCloseTo(m, 9);
      const q = vec4(rng.normal(), rng.normal(), rng.normal(), 5);
      const there = boostToRest(q, p);
      close(boostFromRest(there, p), q, 1e-9);
      expect(mass2(there)).toBeCloseTo(mass2(q), 8);
      expect(dot4(boostToRest(q, p), boostToRest(p, p))).toBeCloseTo(dot4(q, p), 6);
    }
  });

  it('rejects a spacelike frame', () => {
    expect(() => boostToRest(vec4(0, 0, 0, 1), vec4(0, 0, 2, 1))).toThrow(InvalidArgumentError);
  });
});

describe('directions', () => {
  it('completes a unit vector to an orthonormal basis', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 20; i++) {
      const n = unitDirection(vec4(rng.normal(), rng.normal(), rng.normal(), 0));
      const [e1, e2] = orthonormalBasis(n);
      const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
      expect(dot(e1, n)).toBeCloseTo(0, 12);
      expect(dot(e2, n)).toBeCloseTo(0, 12);
      expect(dot(e1, e2)).toBeCloseTo(0, 12);
      expect(dot(e1, e1)).toBeCloseTo(1, 12);
      expect(dot(e2, e2)).toBeCloseTo(1, 12);
      const d = directionAround(n, 0.3, 1.1);
      expect(dot(d, n)).toBeCloseTo(0.3, 12);
      expect(dot(d, d)).toBeCloseTo(1, 12);
    }
    expect(() => unitDirection(vec4(0, 0, 0, 1))).toThrow(InvalidArgumentError);
  });
});
