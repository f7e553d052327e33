import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { boostToRest, mass2, vec4 } from './lorentz';
import {
  isotropicDirection,
  sampleBreitWigner,
  sampleWDecayCosTheta,
  topDecayWHelicities,
  twoBodyDecay,
  twoBodyMomentum,
} from './two-body-decay';

describe('twoBodyDecay', () => {
  it('gives daughters with the right masses, rest-frame momentum and total', () => {
    const rng = new Rng(4);
    const parent = vec4(300, -200, 900, 0);
    const m = 172.7;
    parent.e = Math.sqrt(300 ** 2 + 200 ** 2 + 900 ** 2 + m * m);
    for (let i = 0; i < 20; i++) {
      const [w, b] = twoBodyDecay(parent, 80.4, 4.8, isotropicDirection(rng), m);
      expect(Math.sqrt(mass2(w))).toBeCloseTo(80.4, 8);
      expect(Math.sqrt(mass2(b))).toBeCloseTo(4.8, 6);
      expect(w.e + b.e).toBeCloseTo(parent.e, 9);
      expect(w.px + b.px).toBeCloseTo(parent.px, 9);
      const wRest = boostToRest(w, parent, m);
      expect(Math.hypot(wRest.px, wRest.py, wRest.pz)).toBeCloseTo(twoBodyMomentum(m, 80.4, 4.8), 8);
    }
    expect(twoBodyMomentum(10, 0, 0)).toBe(5);
    expect(twoBodyMomentum(10, 6, 6)).toBeNaN();
    expect(() => twoBodyDecay(vec4(0, 0, 0, 10), 6, 6, [0, 0, 1])).toThrow(InvalidArgumentError);
  });

  it('draws isotropic directions', () => {
    const rng = new Rng(5);
    let sz = 0;
    let sz2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const d = isotropicDirection(rng);
      sz += d[2];
      sz2 += d[2] * d[2];
    }
    expect(Math.abs(sz / n)).toBeLessThan(0.02);
    expect(sz2 / n).toBeCloseTo(1 / 3, 2);
  });
});

describe('W decay angles', () => {
  it('has the LO helicity fractions of top decay', () => {
    const f = topDecayWHelicities(172.7, 80.4);
    expect(f.longitudinal).toBeCloseTo(0.6976, 3);
    expect(f.left).toBeCloseTo(0.3024, 3);
    expect(f.right).toBe(0);
  });

  it('samples cos θ* with the moments of each helicity', () => {
    const rng = new Rng(6);
    const n = 40000;
    const moments = (fr: { longitudinal: number; left: number; right: number }) => {
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const c = sampleWDecayCosTheta(rng, fr);
        s1 += c;
        s2 += c * c;
      }
      return [s1 / n, s2 / n];
    };
    // ¾(1 − c²): ⟨c⟩ = 0, ⟨c²⟩ = 1/5; ⅜(1 − c)²: ⟨c⟩ = −1/2, ⟨c²⟩ = 2/5; ⅜(1 + c)²: ⟨c⟩ = +1/2
    const [l1, l2] = moments({ longitudinal: 1, left: 0, right: 0 });
    expect(Math.abs(l1!)).toBeLessThan(0.01);
    expect(l2).toBeCloseTo(0.2, 2);
    const [m1, m2] = moments({ longitudinal: 0, left: 1, right: 0 });
    expect(m1).toBeCloseTo(-0.5, 1);
    expect(m2).toBeCloseTo(0.4, 2);
    const [r1] = moments({ longitudinal: 0, left: 0, right: 1 });
    expect(r1).toBeCloseTo(0.5, 1);
    expect(() => sampleWDecayCosTheta(rng, { longitudinal: 0, left: 0, right: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('sampleBreitWigner', () => {
  it('has its median at the pole and half its weight within ±Γ/2 (truncated at ±10Γ)', () => {
    const rng = new Rng(7);
    const n = 20000;
    const xs = Array.from({ length: n }, () => sampleBreitWigner(rng, 80.4, 2.1)).sort((a, b) => a - b);
    expect(xs[n / 2]!).toBeCloseTo(80.4, 0);
    expect(xs[0]!).toBeGreaterThanOrEqual(80.4 - 21);
    expect(xs[n - 1]!).toBeLessThanOrEqual(80.4 + 21);
    const core = xs.filter((m) => Math.abs(m - 80.4) < 1.05).length / n;
    // Cauchy within ±Γ/2 is 1/2, renormalised to the ±10Γ window: 0.5 / ((2/π) atan 20) ≈ 0.516
    expect(core).toBeGreaterThan(0.49);
    expect(core).toBeLessThan(0.545);
    expect(sampleBreitWigner(rng, 4.8, 0)).toBe(4.8);
    expect(sampleBreitWigner(rng, 80.4, 2.1, { max: 70 })).toBeLessThanOrEqual(70);
    expect(() => sampleBreitWigner(rng, 80.4, 2.1, { min: 90, max: 85 })).toThrow(InvalidArgumentError);
  });
});
