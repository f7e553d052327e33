import { InvalidArgumentError, LabError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { ParticleEvent } from '../particles/particle-event';
import { clusterHadronise } from './cluster-hadronisation';
import { jetSource } from './jet-source';
import { mass2, sum4, vec4, type Vec4 } from './lorentz';
import { runPartonShower, type ShowerParton } from './parton-shower';
import { PARTICLE_DATA } from './particle-data';

function hadronSum(h: Float64Array): Vec4 {
  const s = vec4(0, 0, 0, 0);
  for (let i = 0; i < h.length; i += 4) {
    s.px += h[i]!;
    s.py += h[i + 1]!;
    s.pz += h[i + 2]!;
    s.e += h[i + 3]!;
  }
  return s;
}

const parton = (p: Vec4, id: number, col: number, acol: number): ShowerParton => ({ ...p, id, m: 0, col, acol, system: 0 });

describe('clusterHadronise', () => {
  it('conserves four-momentum exactly and makes pions only', () => {
    const rng = new Rng(61);
    for (const kind of ['quark', 'gluon', 'w', 'top'] as const) {
      for (let i = 0; i < 10; i++) {
        const { partons } = runPartonShower(jetSource(kind, rng), rng);
        const { hadrons, clusters } = clusterHadronise(partons, rng);
        expect(hadrons.length).toBe(8 * clusters);
        const before = sum4(partons);
        const after = hadronSum(hadrons);
        for (const k of ['px', 'py', 'pz', 'e'] as const) expect(Math.abs(after[k] - before[k]) / before.e).toBeLessThan(1e-11);
        const event = new ParticleEvent(hadrons); // validates every momentum
        for (let p = 0; p < event.size; p++) expect(event.mass(p)).toBeCloseTo(PARTICLE_DATA.pionMass, 6);
      }
    }
  });

  it('splits heavy clusters: a lower fission mass gives more hadrons', () => {
    const rng = new Rng(62);
    const { partons } = runPartonShower(jetSource('gluon', rng), rng);
    let fine = 0;
    let coarse = 0;
    for (let i = 0; i < 20; i++) {
      fine += clusterHadronise(partons, rng, { fissionMass: 0.8 }).hadrons.length;
      coarse += clusterHadronise(partons, rng, { fissionMass: 3 }).hadrons.length;
    }
    expect(fine).toBeGreaterThan(1.3 * coarse);
  });

  it('hadronises a bare q q̄ pair and a closed gluon loop', () => {
    const rng = new Rng(63);
    const qq = clusterHadronise([parton(vec4(0, 0, 5, 5), 2, 1, 0), parton(vec4(0, 0, -5, 5), -2, 0, 1)], rng);
    expect(hadronSum(qq.hadrons).e).toBeCloseTo(10, 10);
    expect(qq.clusters).toBeGreaterThan(1);
    const gg = clusterHadronise([parton(vec4(0, 3, 0, 3), 21, 1, 2), parton(vec4(0, -3, 0, 3), 21, 2, 1)], rng);
    expect(hadronSum(gg.hadrons).py).toBeCloseTo(0, 10);
  });

  it('merges a cluster lighter than two pions into a neighbour', () => {
    const rng = new Rng(64);
    // a nearly collinear light q q̄ singlet next to a heavier one
    const partons = [
      parton(vec4(0, 0, 1, 1), 1, 1, 0),
      parton(vec4(0.01, 0, 1, Math.hypot(0.01, 1)), -1, 0, 1),
      parton(vec4(3, 0, 0, 3), 2, 2, 0),
      parton(vec4(-3, 0, 0, 3), -2, 0, 2),
    ];
    expect(Math.sqrt(mass2(sum4(partons.slice(0, 2))))).toBeLessThan(2 * PARTICLE_DATA.pionMass);
    const result = clusterHadronise(partons, rng);
    expect(result.merged).toBe(1);
    expect(hadronSum(result.hadrons).e).toBeCloseTo(sum4(partons).e, 10);
  });

  it('reports colour problems, an event too light to hadronise, and bad options', () => {
    const rng = new Rng(65);
    const light = [parton(vec4(0, 0, 0.1, 0.1), 1, 1, 0), parton(vec4(0, 0, -0.1, 0.1), -1, 0, 1)];
    expect(() => clusterHadronise(light, rng)).toThrow(expect.objectContaining({ code: 'GENERATOR_HADRONISATION' }));
    expect(() => clusterHadronise([parton(vec4(0, 0, 1, 1), 1, 1, 0)], rng)).toThrow(expect.objectContaining({ code: 'GENERATOR_COLOUR' }));
    expect(() => clusterHadronise([parton(vec4(0, 0, 1, 1), 22, 0, 0)], rng)).toThrow(LabError);
    expect(() => clusterHadronise([parton(vec4(0, 0, 1, 1), -1, 0, 3)], rng)).toThrow(/not reached from any quark/);
    expect(() => clusterHadronise(light, rng, { fissionMass: 0.3 })).toThrow(InvalidArgumentError);
    expect(() => clusterHadronise(light, rng, { hadronMass: -1 })).toThrow(/hadronMass/);
    expect(() => clusterHadronise(light, rng, { fissionExponent: 0 })).toThrow(/fissionExponent/);
  });
});
