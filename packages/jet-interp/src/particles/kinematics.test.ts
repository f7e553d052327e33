import { describe, expect, it } from 'vitest';
import { FourMomentum } from './four-momentum';
import { MAX_RAPIDITY, azimuth, deltaR2, invariantMass, pseudorapidity, rapidity } from './kinematics';

describe('kinematics with FastJet conventions', () => {
  it('gives the textbook values for ordinary momenta', () => {
    const p = new FourMomentum(3, 4, 12, 13.5);
    expect(p.pt).toBe(5);
    expect(p.rapidity).toBeCloseTo(0.5 * Math.log((13.5 + 12) / (13.5 - 12)), 14);
    expect(p.pseudorapidity).toBeCloseTo(Math.atanh(12 / 13), 14);
    expect(p.phi).toBeCloseTo(Math.atan2(4, 3), 15);
    expect(p.mass).toBeCloseTo(Math.sqrt(13.5 ** 2 - 169), 12);
  });

  it('puts phi in [0, 2π), 0 for zero pt', () => {
    expect(azimuth(0, -1)).toBeCloseTo(1.5 * Math.PI, 15);
    expect(azimuth(-1, -1e-300)).toBeLessThan(2 * Math.PI);
    expect(azimuth(1, -0) === 0).toBe(true); // -0, as FastJet gives it
    expect(azimuth(0, 0)).toBe(0);
    for (let k = 0; k < 1000; k++) {
      const phi = azimuth(Math.cos(k), Math.sin(k));
      expect(phi).toBeGreaterThanOrEqual(0);
      expect(phi).toBeLessThan(2 * Math.PI);
    }
  });

  it('gives massless momenta along the beam ±(MAX_RAPIDITY + |pz|)', () => {
    expect(rapidity(0, 0, 5, 5)).toBe(MAX_RAPIDITY + 5);
    expect(rapidity(0, 0, -5, 5)).toBe(-(MAX_RAPIDITY + 5));
    expect(rapidity(0, 0, 0, 0)).toBe(MAX_RAPIDITY);
    // massive along the beam: finite
    expect(rapidity(0, 0, 3, 5)).toBeCloseTo(0.5 * Math.log(8 / 2), 14);
  });

  it('treats tachyonic momenta (rounding) as massless in the rapidity, and signs their mass', () => {
    const y = rapidity(1, 0, 1, Math.SQRT2 * (1 - 1e-9));
    expect(y).toBeCloseTo(rapidity(1, 0, 1, Math.SQRT2), 8);
    expect(invariantMass(1, 0, 0, 0.5)).toBeCloseTo(-Math.sqrt(0.75), 15);
  });

  it("follows FastJet's pseudorapidity conventions at the edges", () => {
    expect(pseudorapidity(0, 0, -7)).toBe(MAX_RAPIDITY);
    expect(pseudorapidity(1, 0, 0)).toBe(0);
    expect(pseudorapidity(1, 0, -1)).toBeCloseTo(-Math.asinh(1), 14);
  });

  it('measures ΔR² the short way round in azimuth', () => {
    expect(deltaR2(0, 0.1, 0, 2 * Math.PI - 0.1)).toBeCloseTo(0.04, 14);
    expect(deltaR2(1, 0, -1, Math.PI)).toBeCloseTo(4 + Math.PI ** 2, 14);
    const a = FourMomentum.fromPtYPhiM(10, 0.3, 6.2);
    const b = FourMomentum.fromPtYPhiM(20, -0.1, 0.05);
    expect(a.deltaR2(b)).toBeCloseTo(0.4 ** 2 + (2 * Math.PI - 6.2 + 0.05) ** 2, 12);
  });

  it('round-trips pt, y, phi, m', () => {
    const p = FourMomentum.fromPtYPhiM(123.4, -1.7, 4.2, 13.1);
    expect(p.pt).toBeCloseTo(123.4, 11);
    expect(p.rapidity).toBeCloseTo(-1.7, 13);
    expect(p.phi).toBeCloseTo(4.2, 14);
    expect(p.mass).toBeCloseTo(13.1, 9);
    expect(p.add(p).toArray()).toEqual(p.toArray().map((v) => 2 * v));
    expect(p.p).toBeCloseTo(Math.hypot(p.px, p.py, p.pz), 12);
    expect(p.m2).toBeCloseTo(13.1 ** 2, 6);
  });
});
