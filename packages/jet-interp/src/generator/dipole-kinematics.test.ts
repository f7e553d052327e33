import { Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { dipoleEmissionAllowed, dipoleSplitting } from './dipole-kinematics';
import { add4, boostFromRest, boostToRest, mass2, sum4, unitDirection, vec4, type Vec4 } from './lorentz';

function expectConserved(a: Vec4, b: Vec4, rel: number): void {
  const scale = Math.max(a.e, b.e);
  expect(Math.abs(a.px - b.px) / scale).toBeLessThan(rel);
  expect(Math.abs(a.py - b.py) / scale).toBeLessThan(rel);
  expect(Math.abs(a.pz - b.pz) / scale).toBeLessThan(rel);
  expect(Math.abs(a.e - b.e) / scale).toBeLessThan(rel);
}

describe('dipoleSplitting', () => {
  it('conserves the dipole momentum and puts every parton on shell', () => {
    const rng = new Rng(31);
    const frame = vec4(400, -100, 300, 0);
    frame.e = Math.sqrt(400 ** 2 + 100 ** 2 + 300 ** 2 + 150 ** 2);
    for (const [mi, mj, ma, mb] of [
      [0, 0, 0, 0],
      [4.8, 80.4, 4.8, 0],
      [0, 1.5, 4.8, 4.8],
    ] as const) {
      let done = 0;
      while (done < 200) {
        const dir: [number, number, number] = [rng.normal(), rng.normal(), rng.normal()];
        const n = unitDirection(vec4(...dir, 0));
        // radiator and recoiler back to back in the frame's rest frame, masses mi and mj
        const pr = Math.sqrt(Math.max(0, ((150 ** 2 - (mi + mj) ** 2) * (150 ** 2 - (mi - mj) ** 2)) / (4 * 150 ** 2)));
        const rad = boostFromRest(vec4(pr * n[0], pr * n[1], pr * n[2], Math.hypot(pr, mi)), frame, 150);
        const rec = boostFromRest(vec4(-pr * n[0], -pr * n[1], -pr * n[2], Math.hypot(pr, mj)), frame, 150);
        const t = Math.exp(Math.log(1) + rng.uniform() * Math.log(2000));
        const z = rng.uniform();
        const phi = 2 * Math.PI * rng.uniform();
        const s = dipoleSplitting(rad, mi, rec, mj, t, z, phi, ma, mb);
        expect(s !== undefined).toBe(dipoleEmissionAllowed(150, mi, mj, t, z, ma, mb));
        if (!s) continue;
        done++;
        expectConserved(sum4([s.a, s.b, s.recoiler]), add4(rad, rec), 1e-12);
        expect(Math.abs(mass2(s.a) - ma * ma)).toBeLessThan(1e-7);
        expect(Math.abs(mass2(s.b) - mb * mb)).toBeLessThan(1e-7);
        expect(Math.abs(mass2(s.recoiler) - mj * mj)).toBeLessThan(1e-7);
        // the radiating system's virtuality defines t, z is the energy fraction in the dipole rest frame
        const q2 = mass2(add4(s.a, s.b));
        expect(z * (1 - z) * (q2 - mi * mi)).toBeCloseTo(t, 6);
        const total = add4(rad, rec);
        const aRest = boostToRest(s.a, total);
        const bRest = boostToRest(s.b, total);
        expect(aRest.e / (aRest.e + bRest.e)).toBeCloseTo(z, 9);
        // the recoiler keeps its direction in the dipole rest frame
        const before = unitDirection(boostToRest(rec, total));
        const after = unitDirection(boostToRest(s.recoiler, total));
        expect(before[0] * after[0] + before[1] * after[1] + before[2] * after[2]).toBeCloseTo(1, 9);
      }
    }
  });

  it('has the phase space p⊥ ≤ M·min(z, 1 − z) for massless partons', () => {
    const rng = new Rng(32);
    for (let i = 0; i < 2000; i++) {
      const t = 2500 * rng.uniform();
      const z = rng.uniform();
      const inside = t < 100 * 100 * Math.min(z, 1 - z) ** 2;
      const margin = Math.abs(Math.sqrt(t) - 100 * Math.min(z, 1 - z));
      if (margin > 1e-9) expect(dipoleEmissionAllowed(100, 0, 0, t, z, 0, 0)).toBe(inside);
    }
  });
});
