/**
 * Angularities against hand-derived values and against a naive direct implementation on random jets (fast-check).
 */
import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterSequence } from '../cluster/cluster-sequence';
import { jetDefinition } from '../cluster/jet-definition';
import { FourMomentum } from '../particles/four-momentum';
import { ParticleEvent } from '../particles/particle-event';
import { boostAlongBeam, randomJet, rotateAboutBeam } from '../testing/random-jets';
import { angularity, constituentMultiplicity, jetMass, jetWidth, massAngularity, ptD } from './angularity';
import { wtaAxis } from './wta-axis';

/** The naive definition, written from scratch: rapidities from ½ ln((E + pz)/(E − pz)), Δφ from atan2(sin, cos). */
function naiveAngularity(ps: readonly FourMomentum[], kappa: number, beta: number, radius: number, axis?: { y: number; phi: number }, scalar = false): number {
  const J = ps.reduce((a, p) => ({ px: a.px + p.px, py: a.py + p.py, pz: a.pz + p.pz, e: a.e + p.e }), { px: 0, py: 0, pz: 0, e: 0 });
  const y = (p: { pz: number; e: number }): number => 0.5 * Math.log((p.e + p.pz) / (p.e - p.pz));
  const ax = axis ?? { y: y(J), phi: Math.atan2(J.py, J.px) };
  const ptJ = scalar ? ps.reduce((s, p) => s + Math.hypot(p.px, p.py), 0) : Math.hypot(J.px, J.py);
  let sum = 0;
  for (const p of ps) {
    const dphi = Math.atan2(Math.sin(Math.atan2(p.py, p.px) - ax.phi), Math.cos(Math.atan2(p.py, p.px) - ax.phi));
    const dr = Math.hypot(y(p) - ax.y, dphi);
    sum += (Math.hypot(p.px, p.py) / ptJ) ** kappa * (dr / radius) ** beta;
  }
  return sum;
}

/** Brute-force WTA C/A axis: merge the closest pair (all pairs searched every step); the harder keeps its direction. */
function naiveWta(ps: readonly FourMomentum[]): { y: number; phi: number } {
  const c = ps.map((p) => ({ y: 0.5 * Math.log((p.e + p.pz) / (p.e - p.pz)), phi: Math.atan2(p.py, p.px), pt: Math.hypot(p.px, p.py) }));
  while (c.length > 1) {
    let best = [0, 1];
    let bestD = Infinity;
    for (let i = 0; i < c.length; i++) {
      for (let j = i + 1; j < c.length; j++) {
        const dphi = Math.atan2(Math.sin(c[i]!.phi - c[j]!.phi), Math.cos(c[i]!.phi - c[j]!.phi));
        const d = (c[i]!.y - c[j]!.y) ** 2 + dphi ** 2;
        if (d < bestD) {
          bestD = d;
          best = [i, j];
        }
      }
    }
    const [i, j] = best as [number, number];
    const win = c[i]!.pt >= c[j]!.pt ? i : j;
    const lose = win === i ? j : i;
    c[win]!.pt += c[lose]!.pt;
    c.splice(lose, 1);
  }
  return { y: c[0]!.y, phi: c[0]!.phi };
}

const angle = (a: number, b: number): number => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));

describe('hand-derived angularities', () => {
  it('a single particle: θ = 0, so λ = 1 for β = 0 and 0 for β > 0', () => {
    const one = [FourMomentum.fromPtYPhiM(250, 0.7, 4, 0.5)];
    expect(constituentMultiplicity(one)).toBe(1);
    expect(ptD(one)).toBeCloseTo(1, 14);
    expect(jetWidth(one)).toBe(0);
    expect(massAngularity(one)).toBe(0);
    expect(angularity(one, 0.5, 1, { axis: 'wta' })).toBe(0);
    expect(jetMass(one)).toBeCloseTo(0.5, 10);
  });

  it('two massless particles symmetric about the axis at ΔR = d', () => {
    // p⊥ = 100 each at y = 0, φ = ±d/2: the jet axis is y = 0, φ = 0, p⊥,J = 200 cos(d/2), each θ = d / (2R)
    const d = 0.3;
    const R = 0.8;
    const jet = [FourMomentum.fromPtYPhiM(100, 0, d / 2), FourMomentum.fromPtYPhiM(100, 0, -d / 2)];
    const ptJ = 200 * Math.cos(d / 2);
    const theta = d / 2 / R;
    expect(constituentMultiplicity(jet)).toBe(2);
    expect(jetWidth(jet)).toBeCloseTo(2 * (100 / ptJ) * theta, 13);
    expect(massAngularity(jet)).toBeCloseTo(2 * (100 / ptJ) * theta ** 2, 13);
    expect(ptD(jet)).toBeCloseTo(2 * (100 / ptJ) ** 2, 13);
    // with the scalar normalisation z = ½ each
    expect(jetWidth(jet, { ptNormalization: 'scalar' })).toBeCloseTo(theta, 13);
    expect(ptD(jet, { ptNormalization: 'scalar' })).toBeCloseTo(0.5, 13);
    expect(angularity(jet, 1, 1, { radius: 0.4, ptNormalization: 'scalar' })).toBeCloseTo(d / 2 / 0.4, 13);
    // m² = 2 p⊥² (1 − cos d)
    expect(jetMass(jet)).toBeCloseTo(Math.sqrt(2 * 100 * 100 * (1 - Math.cos(d))), 10);
  });

  it('the WTA axis sits on the hardest prong; a given axis is used as it is', () => {
    const jet = [FourMomentum.fromPtYPhiM(30, 0.3, 1.2), FourMomentum.fromPtYPhiM(100, 0, 1), FourMomentum.fromPtYPhiM(20, -0.1, 0.9)];
    const axis = wtaAxis(jet);
    expect(axis.rapidity).toBeCloseTo(0, 14);
    expect(axis.phi).toBeCloseTo(1, 14);
    // about (0, 1): θ = (√(0.09 + 0.04), 0, √(0.01 + 0.01)) / R, z with the scalar sum 150
    const expected = (30 / 150) * Math.sqrt(0.13) / 0.8 + (20 / 150) * Math.sqrt(0.02) / 0.8;
    expect(jetWidth(jet, { axis: 'wta', ptNormalization: 'scalar' })).toBeCloseTo(expected, 13);
    expect(jetWidth(jet, { axis: { rapidity: 0, phi: 1 + 2 * Math.PI }, ptNormalization: 'scalar' })).toBeCloseTo(expected, 13);
  });
});

describe('angularities against a naive implementation (fast-check)', () => {
  const jetArb = fc.record({
    seed: fc.integer({ min: 0, max: 1e9 }),
    n: fc.integer({ min: 1, max: 50 }),
    y: fc.double({ min: -2.5, max: 2.5, noNaN: true }),
    phi: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
    kappa: fc.constantFrom(0, 0.5, 1, 1.5, 2, 3),
    beta: fc.constantFrom(0, 0.5, 1, 2, 3),
    radius: fc.constantFrom(0.4, 0.8, 1.0),
  });

  it('λ^κ_β about the jet axis and the WTA axis, both normalisations', () => {
    let worst = 0;
    let worstWta = 0;
    fc.assert(
      fc.property(jetArb, ({ seed, n, y, phi, kappa, beta, radius }) => {
        const jet = randomJet(new Rng(seed), { n, y, phi, spread: 0.25 });
        for (const scalar of [false, true]) {
          const ptNormalization = scalar ? 'scalar' : 'jet';
          const ours = angularity(jet, kappa, beta, { radius, ptNormalization });
          const ref = naiveAngularity(jet, kappa, beta, radius, undefined, scalar);
          worst = Math.max(worst, Math.abs(ours - ref) / Math.max(Math.abs(ref), 1e-300));
          const wta = naiveWta(jet);
          const axis = wtaAxis(jet);
          expect(axis.rapidity).toBeCloseTo(wta.y, 10);
          expect(angle(axis.phi, wta.phi)).toBeLessThan(1e-10);
          const oursW = angularity(jet, kappa, beta, { radius, ptNormalization, axis: 'wta' });
          const refW = naiveAngularity(jet, kappa, beta, radius, wta, scalar);
          worstWta = Math.max(worstWta, Math.abs(oursW - refW) / Math.max(Math.abs(refW), 1e-12));
        }
      }),
      { numRuns: 150, seed: 42 },
    );
    console.log(`[observables] angularities vs naive: max relative difference ${worst.toExponential(1)} (jet axis), ${worstWta.toExponential(1)} (WTA axis)`);
    expect(worst).toBeLessThan(1e-10);
    expect(worstWta).toBeLessThan(1e-10);
  });

  it('are invariant under rotations about and boosts along the beam, and under reordering', () => {
    fc.assert(
      fc.property(jetArb, fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), (p, alpha, eta) => {
        const jet = randomJet(new Rng(p.seed), { n: p.n, y: p.y, phi: p.phi });
        const base = angularity(jet, p.kappa, p.beta, { radius: p.radius });
        for (const other of [rotateAboutBeam(jet, alpha), boostAlongBeam(jet, eta), [...jet].reverse()]) {
          expect(angularity(other, p.kappa, p.beta, { radius: p.radius })).toBeCloseTo(base, 8);
          expect(angularity(other, p.kappa, p.beta, { radius: p.radius, axis: 'wta' })).toBeCloseTo(angularity(jet, p.kappa, p.beta, { radius: p.radius, axis: 'wta' }), 8);
        }
      }),
      { numRuns: 60, seed: 5 },
    );
  });

  it('accepts a ParticleEvent or a clustering node as the jet', () => {
    const rng = new Rng(9);
    const event = ParticleEvent.fromMomenta([...randomJet(rng, { n: 12, phi: 2 }), ...randomJet(rng, { n: 9, phi: 5 })]);
    const jets = new ClusterSequence(event, jetDefinition('antikt', 0.8)).inclusiveJets(0);
    const node = jets[0]!;
    const constituents = event.select(node.constituents());
    expect(angularity(node, 1, 2)).toBeCloseTo(angularity(constituents, 1, 2), 14);
    expect(jetMass(node)).toBeCloseTo(node.mass, 9);
    expect(constituentMultiplicity(node)).toBe(node.constituentCount);
  });
});

describe('bad input', () => {
  const jet = [FourMomentum.fromPtYPhiM(10, 0, 0)];
  it('names the argument and the valid range', () => {
    expect(() => angularity(jet, -1, 1)).toThrow(/kappa must be a finite number ≥ 0/);
    expect(() => angularity(jet, 1, Number.NaN)).toThrow(/beta must be a finite number ≥ 0/);
    expect(() => angularity(jet, 1, 1, { radius: 0 })).toThrow(/radius R must be a finite number > 0/);
    expect(() => angularity(jet, 1, 1, { axis: 'centroid' as never })).toThrow(/axis must be 'jet', 'wta'/);
    expect(() => angularity(jet, 1, 1, { ptNormalization: 'sum' as never })).toThrow(/'jet' or 'scalar'/);
    expect(() => angularity([], 1, 1)).toThrow(/no constituents/);
    expect(() => jetMass([])).toThrow(/no constituents/);
    expect(() => constituentMultiplicity([])).toThrow(/no constituents/);
    expect(() => wtaAxis([])).toThrow(/no constituents/);
    expect(() => angularity([new FourMomentum(0, 0, 0, 1)], 1, 1)).toThrow(/p⊥,J > 0/);
    expect(() => angularity([new FourMomentum(1, 0, 0, -1)], 1, 1)).toThrow(/E = -1 is negative/);
    try {
      angularity(jet, -1, 1);
    } catch (e) {
      expect(InvalidArgumentError.isInstance(e) && (e as InvalidArgumentError).argument).toBe('kappa');
    }
  });
});
