import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { JET_KINDS, jetSource, parseJetKind } from './jet-source';
import { boostToRest, mass2, sum4, unitDirection, type Vec4 } from './lorentz';
import type { ShowerParton } from './parton-shower';
import { PARTICLE_DATA } from './particle-data';
import { topDecayWHelicities } from './two-body-decay';

const massOf = (ps: readonly Vec4[]): number => Math.sqrt(mass2(sum4(ps)));

/** cos θ* of the down-type member of the W decay in `wPartons`, relative to the W direction in `frame`. */
function cosThetaStar(wPartons: readonly ShowerParton[], frame: Vec4): number {
  const w = sum4(wPartons);
  const down = wPartons.find((p) => Math.abs(p.id) % 2 === 1)!;
  const wInFrame = boostToRest(w, frame);
  const downInW = boostToRest(boostToRest(down, frame), wInFrame);
  const a = unitDirection(wInFrame);
  const d = unitDirection(downInW);
  return a[0] * d[0] + a[1] * d[1] + a[2] * d[2];
}

describe('jetSource', () => {
  it('builds a back-to-back pair of the requested objects, conserving momentum', () => {
    const rng = new Rng(71);
    for (const kind of JET_KINDS) {
      for (let i = 0; i < 20; i++) {
        const s = jetSource(kind, rng);
        const [a, b] = s.objects;
        expect(a!.pt).toBeGreaterThanOrEqual(500);
        expect(a!.pt).toBeLessThanOrEqual(700);
        expect(b!.pt).toBeCloseTo(a!.pt, 9);
        expect(Math.abs(a!.rapidity)).toBeLessThanOrEqual(1 + 1e-12);
        expect(b!.rapidity).toBeCloseTo(-a!.rapidity, 9);
        const total = sum4(s.partons);
        const objects = a!.add(b!);
        expect(Math.abs(total.e - objects.e) / objects.e).toBeLessThan(1e-12);
        expect(Math.abs(total.px - objects.px) / objects.e).toBeLessThan(1e-12);
        for (const p of s.partons) expect(Math.abs(mass2(p) - p.m * p.m) / (p.e * p.e)).toBeLessThan(1e-10);
      }
    }
  });

  it('decays W bosons into a colour-singlet quark pair of the W mass', () => {
    const rng = new Rng(72);
    for (let i = 0; i < 50; i++) {
      const s = jetSource('w', rng);
      expect(s.systems).toHaveLength(2);
      for (const sys of s.systems) {
        const ps = s.partons.filter((p) => p.system === sys.id);
        expect(ps).toHaveLength(2);
        expect(ps[0]!.col).toBe(ps[1]!.acol);
        expect(Math.abs(ps[0]!.id + ps[1]!.id)).toBe(1); // u d̄, c s̄ and conjugates
        const m = massOf(ps);
        expect(Math.abs(m - PARTICLE_DATA.wMass)).toBeLessThanOrEqual(10 * PARTICLE_DATA.wWidth + 1e-9);
        expect(sys.tStart).toBeCloseTo(m * m, 6);
      }
      const wPlus = s.partons.filter((p) => p.system === s.systems[0]!.id);
      expect(massOf(wPlus)).toBeCloseTo(s.objects[0]!.mass, 8);
    }
  });

  it('decays top quarks to b W with the top mass, the b energy of a two-body decay and the W helicity fractions', () => {
    const rng = new Rng(73);
    const n = 3000;
    let sumCos = 0;
    for (let i = 0; i < n; i++) {
      const s = jetSource('top', rng);
      for (const [k, top] of s.objects.entries()) {
        const topSys = s.systems.filter((sys) => sys.recoilSystem !== undefined)[k]!;
        const b = s.partons.find((p) => p.system === topSys.id)!;
        const w = s.partons.filter((p) => p.system === topSys.recoilSystem);
        expect(Math.abs(b.id)).toBe(5);
        expect(w).toHaveLength(2);
        const mt = massOf([b, ...w]);
        expect(mt).toBeCloseTo(top.mass, 7);
        const mw = massOf(w);
        expect(mw).toBeLessThan(mt - PARTICLE_DATA.bMass);
        // b energy in the top rest frame
        expect(boostToRest(b, top).e).toBeCloseTo((mt * mt + PARTICLE_DATA.bMass ** 2 - mw * mw) / (2 * mt), 6);
        if (i < 3) expect(Math.sign(b.id)).toBe(k === 0 ? 1 : -1);
        sumCos += cosThetaStar(w, top);
      }
    }
    // ⟨cos θ*⟩ = −F−/2 for the down-type member (F+ = 0)
    const expected = -topDecayWHelicities(PARTICLE_DATA.topMass, PARTICLE_DATA.wMass).left / 2;
    expect(Math.abs(sumCos / (2 * n) - expected)).toBeLessThan(0.03);
  });

  it('connects the b of the top to the b̄ of the antitop and recoils against the W', () => {
    const s = jetSource('top', new Rng(74));
    const b = s.partons.find((p) => p.id === 5)!;
    const bbar = s.partons.find((p) => p.id === -5)!;
    expect(b.col).toBe(bbar.acol);
    const topSystem = s.systems.find((sys) => sys.id === b.system)!;
    expect(s.partons.filter((p) => p.system === topSystem.recoilSystem).map((p) => Math.abs(p.id) % 2).sort()).toEqual([0, 1]);
  });

  it('can decay W pairs with longitudinal or transverse angles', () => {
    const rng = new Rng(75);
    const c2 = (wDecay: 'isotropic' | 'longitudinal' | 'transverse') => {
      let sum = 0;
      for (let i = 0; i < 2000; i++) {
        const s = jetSource('w', rng, { wDecay });
        const w = s.partons.filter((p) => p.system === 0);
        sum += cosThetaStar(w, s.objects[0]!.add(s.objects[1]!)) ** 2;
      }
      return sum / 2000;
    };
    expect(c2('isotropic')).toBeCloseTo(1 / 3, 1);
    expect(c2('longitudinal')).toBeCloseTo(1 / 5, 1);
    expect(c2('transverse')).toBeCloseTo(2 / 5, 1);
  });

  it('checks its arguments', () => {
    const rng = new Rng(1);
    expect(parseJetKind('TOP')).toBe('top');
    expect(() => jetSource('higgs' as never, rng)).toThrow(/Supported: quark, gluon, w, top/);
    expect(() => jetSource('w', rng, { ptRange: [0, 10] })).toThrow(InvalidArgumentError);
    expect(() => jetSource('w', rng, { rapidityMax: -1 })).toThrow(/rapidityMax/);
    expect(() => jetSource('w', rng, { wDecay: 'left' as never })).toThrow(/Supported: isotropic, longitudinal, transverse/);
  });
});
