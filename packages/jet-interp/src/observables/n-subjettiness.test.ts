/**
 * N-subjettiness against hand-derived configurations, and its invariances.
 */
import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FourMomentum } from '../particles/four-momentum';
import { boostAlongBeam, randomJet, rotateAboutBeam } from '../testing/random-jets';
import { jetObservables, JET_OBSERVABLE_NAMES } from './jet-observables';
import { angularity, jetMass } from './angularity';
import { exclusiveKtAxes, nSubjettiness, nSubjettinessRatio, nSubjettinessUpTo, nSubjettinessWithAxes, tau21, tau32 } from './n-subjettiness';

describe('hand-derived N-subjettiness', () => {
  it('a single particle: every τ_N = 0, and the ratios take the zero-denominator value', () => {
    const one = [FourMomentum.fromPtYPhiM(300, 1, 2)];
    expect(nSubjettinessUpTo(one, 3)).toEqual([0, 0, 0]);
    expect(tau21(one)).toBe(0);
    expect(tau32(one)).toBe(0);
    expect(tau21(one, { zeroDenominator: Number.NaN })).toBeNaN();
    expect(tau32(one, { zeroDenominator: 1 })).toBe(1);
    expect(exclusiveKtAxes(one, 3)).toHaveLength(1);
  });

  it('two particles at ΔR = d: τ_1 = p⊥ d (unnormalised, β = 1), τ_2 = 0', () => {
    // equal p⊥ at y = 0, φ = 1 ± d/2: the one kt axis is their sum, at y = 0, φ = 1, so each is d/2 from it
    const d = 0.4;
    const pt = 150;
    const jet = [FourMomentum.fromPtYPhiM(pt, 0, 1 + d / 2), FourMomentum.fromPtYPhiM(pt, 0, 1 - d / 2)];
    const [axis] = exclusiveKtAxes(jet, 1);
    expect(axis!.rapidity).toBeCloseTo(0, 14);
    expect(axis!.phi).toBeCloseTo(1, 14);
    expect(nSubjettiness(jet, 1, { measure: 'unnormalized' })).toBeCloseTo(pt * d, 11);
    expect(nSubjettiness(jet, 1, { measure: 'unnormalized', beta: 2 })).toBeCloseTo(2 * pt * (d / 2) ** 2, 11);
    // normalised: d0 = Σ p⊥ R0^β
    expect(nSubjettiness(jet, 1)).toBeCloseTo((pt * d) / (2 * pt * 0.8), 13);
    expect(nSubjettiness(jet, 1, { radius: 1, beta: 2 })).toBeCloseTo((2 * pt * (d / 2) ** 2) / (2 * pt), 13);
    expect(nSubjettiness(jet, 2)).toBe(0);
    expect(tau21(jet)).toBe(0);
    expect(tau32(jet)).toBe(0); // τ_2 = 0
  });

  it('a symmetric three-prong jet on a line: τ_1 = 2p⊥d, τ_2 = p⊥d, τ_3 = 0', () => {
    // equal p⊥ at φ = 2 − d, 2, 2 + d (y = 0). τ_1's axis is the middle one. For τ_2, kt merges one outer prong with
    // the middle one (a tie, either way by symmetry): their sum points half-way between them (p⊥(1 + cos d), p⊥ sin d)
    // → angle d/2, so each is d/2 from its axis.
    const d = 0.25;
    const pt = 80;
    const jet = [-1, 0, 1].map((k) => FourMomentum.fromPtYPhiM(pt, 0, 2 + k * d));
    const [t1, t2, t3] = nSubjettinessUpTo(jet, 3, { measure: 'unnormalized' });
    expect(t1).toBeCloseTo(2 * pt * d, 11);
    expect(t2).toBeCloseTo(pt * d, 11);
    expect(t3).toBe(0);
    expect(tau21(jet)).toBeCloseTo(0.5, 12);
    expect(tau32(jet)).toBe(0);
  });

  it('a symmetric three-prong jet on a small triangle: τ_21 → 1/√3, τ_32 = 0', () => {
    // three equal-p⊥ prongs at distance r from the centre, 120° apart: τ_1 ≈ 3 p⊥ r; τ_2 ≈ 2 p⊥ (√3 r / 2); small r makes
    // the (y, φ) plane flat enough for these to hold to ~r
    const r = 1e-3;
    const pt = 100;
    const jet = [90, 210, 330].map((deg) => FourMomentum.fromPtYPhiM(pt, r * Math.sin((deg * Math.PI) / 180), 1 + r * Math.cos((deg * Math.PI) / 180)));
    const [t1, t2, t3] = nSubjettinessUpTo(jet, 3, { measure: 'unnormalized' });
    expect(t1! / (3 * pt * r)).toBeCloseTo(1, 5);
    expect(t2! / (Math.sqrt(3) * pt * r)).toBeCloseTo(1, 5);
    expect(t3).toBe(0);
    expect(tau21(jet)).toBeCloseTo(1 / Math.sqrt(3), 5);
  });

  it('nSubjettinessWithAxes uses the given axes; fewer constituents than N give τ_N = 0', () => {
    const jet = [FourMomentum.fromPtYPhiM(50, 0, 0.5), FourMomentum.fromPtYPhiM(25, 0.3, 0.5)];
    expect(nSubjettinessWithAxes(jet, [{ rapidity: 0, phi: 0.5 }], { measure: 'unnormalized' })).toBeCloseTo(25 * 0.3, 12);
    expect(nSubjettinessWithAxes(jet, [{ rapidity: 0.1, phi: 0.5 + 2 * Math.PI }], { measure: 'unnormalized', beta: 2 })).toBeCloseTo(50 * 0.01 + 25 * 0.04, 12);
    expect(nSubjettiness(jet, 3)).toBe(0);
    expect(nSubjettinessRatio(0.1, 0.4)).toBeCloseTo(0.25, 15);
    expect(nSubjettinessRatio(0, 0, -1)).toBe(-1);
  });
});

describe('properties (fast-check)', () => {
  it('τ_N and the ratios are invariant under beam rotations, boosts and reordering; normalised = unnormalised / d0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        (seed, n, alpha, eta) => {
          const jet = randomJet(new Rng(seed), { n, y: 0.5, phi: 3 });
          const base = nSubjettinessUpTo(jet, 3);
          for (const other of [rotateAboutBeam(jet, alpha), boostAlongBeam(jet, eta), [...jet].reverse()]) {
            nSubjettinessUpTo(other, 3).forEach((t, i) => expect(t).toBeCloseTo(base[i]!, 9));
          }
          const un = nSubjettinessUpTo(jet, 3, { measure: 'unnormalized' });
          const d0 = jet.reduce((s, p) => s + p.pt, 0) * 0.8;
          un.forEach((t, i) => expect(t / d0).toBeCloseTo(base[i]!, 12));
          base.forEach((t) => expect(t).toBeGreaterThanOrEqual(0));
          expect(tau21(jet)).toBeCloseTo(nSubjettinessRatio(base[1]!, base[0]!), 12);
        },
      ),
      { numRuns: 60, seed: 13 },
    );
  });

  it('jetObservables equals the individual functions', () => {
    const rng = new Rng(21);
    for (let k = 0; k < 10; k++) {
      const jet = randomJet(rng, { n: 1 + rng.int(40) });
      const o = jetObservables(jet);
      expect(Object.keys(o).sort()).toEqual([...JET_OBSERVABLE_NAMES].sort());
      expect(o.multiplicity).toBe(jet.length);
      expect(o.width).toBe(angularity(jet, 1, 1));
      expect(o.massAngularity).toBe(angularity(jet, 1, 2));
      expect(o.ptD).toBe(angularity(jet, 2, 0));
      expect(o.mass).toBe(jetMass(jet));
      expect([o.tau1, o.tau2, o.tau3]).toEqual(nSubjettinessUpTo(jet, 3));
      expect(o.tau21).toBe(tau21(jet));
      expect(o.tau32).toBe(tau32(jet));
      const wide = jetObservables(jet, { radius: 1, angularity: { axis: 'wta' }, nSubjettiness: { measure: 'unnormalized' } });
      expect(wide.width).toBe(angularity(jet, 1, 1, { radius: 1, axis: 'wta' }));
      expect(wide.tau2).toBe(nSubjettiness(jet, 2, { measure: 'unnormalized' }));
    }
  });
});

describe('bad input', () => {
  const jet = [FourMomentum.fromPtYPhiM(10, 0, 0), FourMomentum.fromPtYPhiM(5, 0.1, 0)];
  it('names the argument and the valid choices', () => {
    expect(() => nSubjettiness(jet, 0)).toThrow(/n must be an integer ≥ 1/);
    expect(() => nSubjettinessUpTo(jet, 1.5)).toThrow(/maxN must be an integer ≥ 1/);
    expect(() => nSubjettiness(jet, 1, { beta: 0 })).toThrow(/beta must be a finite number > 0/);
    expect(() => nSubjettiness(jet, 1, { measure: 'geometric' as never })).toThrow(/'normalized' or 'unnormalized'/);
    expect(() => nSubjettiness(jet, 1, { radius: -1 })).toThrow(/R0 must be a finite number > 0/);
    expect(() => tau21(jet, { zeroDenominator: '0' as never })).toThrow(/zeroDenominator must be a number/);
    expect(() => nSubjettiness([], 1)).toThrow(/no constituents/);
    expect(() => exclusiveKtAxes(jet, -1)).toThrow(InvalidArgumentError);
    expect(() => nSubjettinessWithAxes(jet, [])).toThrow(/non-empty array/);
    expect(() => nSubjettinessWithAxes(jet, [{ rapidity: Number.NaN, phi: 0 }])).toThrow(/axes\[0\]/);
    expect(() => jetObservables(jet, null as never)).toThrow(/options must be an object/);
  });
});
