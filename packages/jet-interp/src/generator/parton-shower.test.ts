import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { jetSource } from './jet-source';
import { boostFromRest, mass2, sum4, vec4, type Vec4 } from './lorentz';
import { runPartonShower, type ShowerParton, type ShowerSystem } from './parton-shower';
import { RunningCoupling } from './running-coupling';
import { QCD_COLOUR } from './splitting-functions';

const { CF, CA } = QCD_COLOUR;

function expectConserved(a: Vec4, b: Vec4, rel = 1e-11): void {
  const scale = Math.max(a.e, b.e);
  expect(Math.abs(a.px - b.px) / scale).toBeLessThan(rel);
  expect(Math.abs(a.py - b.py) / scale).toBeLessThan(rel);
  expect(Math.abs(a.pz - b.pz) / scale).toBeLessThan(rel);
  expect(Math.abs(a.e - b.e) / scale).toBeLessThan(rel);
}

/** Li₂(x) for 0 ≤ x ≤ ½ by its power series. */
function li2(x: number): number {
  let sum = 0;
  let p = x;
  for (let k = 1; k < 200; k++) {
    sum += p / (k * k);
    p *= x;
  }
  return sum;
}

/**
 * First-emission no-emission probability of a massless q q̄ dipole of mass M with fixed αs and only q → qg:
 * both ends, p⊥² = t' ≤ M² min(z, 1 − z)², so with s = √t'/M,
 * −ln Δ(t) = 2 (αs CF/2π) ∫_{s}^{½} (2/s') G(s') ds', G(s) = ∫_s^{1−s} (1 + z²)/(1 − z) dz = 2 ln((1 − s)/s) − 3/2 (1 − 2s),
 * and ∫ G(s)/s ds = −2 Li₂(s) − ln² s − 3/2 ln s + 3s.
 */
function qqbarNoEmission(t: number, mass: number, alpha: number): number {
  const F = (s: number) => -2 * li2(s) - Math.log(s) ** 2 - 1.5 * Math.log(s) + 3 * s;
  const s = Math.sqrt(t) / mass;
  if (s >= 0.5) return 1;
  return Math.exp(-2 * ((alpha * CF) / (2 * Math.PI)) * 2 * (F(0.5) - F(s)));
}

/**
 * The same for a colour-singlet g g pair with only g → gg: four dipole ends with CA(1 − z(1 − z))²/(1 − z); the z integral
 * in closed form, the t integral by Simpson's rule in ln t.
 */
function ggNoEmission(t: number, mass: number, alpha: number): number {
  const K = (s: number) => {
    const u = 1 - s;
    return CA * (Math.log(u / s) - 2 * (u - s) + 1.5 * (u * u - s * s) - (2 / 3) * (u ** 3 - s ** 3) + 0.25 * (u ** 4 - s ** 4));
  };
  const tMax = (mass * mass) / 4;
  if (t >= tMax) return 1;
  const steps = 2000;
  const a = Math.log(t);
  const h = (Math.log(tMax) - a) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const w = i === 0 || i === steps ? 1 : i % 2 ? 4 : 2;
    sum += w * K(Math.sqrt(Math.exp(a + i * h)) / mass);
  }
  return Math.exp(-4 * (alpha / (2 * Math.PI)) * ((sum * h) / 3));
}

function pair(kind: 'qq' | 'gg', mass: number, boost?: Vec4): { partons: ShowerParton[]; systems: ShowerSystem[] } {
  let a = vec4(0, 0, mass / 2, mass / 2);
  let b = vec4(0, 0, -mass / 2, mass / 2);
  if (boost) {
    a = boostFromRest(a, boost);
    b = boostFromRest(b, boost);
  }
  const systems: ShowerSystem[] = [{ id: 0, tStart: mass * mass }];
  if (kind === 'qq') {
    return { partons: [{ ...a, id: 1, m: 0, col: 1, acol: 0, system: 0 }, { ...b, id: -1, m: 0, col: 0, acol: 1, system: 0 }], systems };
  }
  return { partons: [{ ...a, id: 21, m: 0, col: 1, acol: 2, system: 0 }, { ...b, id: 21, m: 0, col: 2, acol: 1, system: 0 }], systems };
}

describe('runPartonShower: Sudakov form factor of the first emission (fixed αs)', () => {
  const alpha = 0.2;
  const mass = 100;
  const n = 4000;
  const boosted = vec4(500, 200, 300, 0);
  boosted.e = Math.sqrt(500 ** 2 + 200 ** 2 + 300 ** 2 + mass * mass);

  for (const [kind, channel, analytic] of [
    ['qq', 'q->qg', qqbarNoEmission],
    ['gg', 'g->gg', ggNoEmission],
  ] as const) {
    for (const frame of [undefined, boosted]) {
      it(`${kind} dipole ${frame ? 'boosted' : 'at rest'}: P(no emission above t) = Δ(t)`, () => {
        const rng = new Rng(kind === 'qq' ? 41 : 42);
        const input = pair(kind, mass, frame);
        const options = { coupling: RunningCoupling.fixed(alpha), channels: [channel], maxEmissions: 1, ptMin: 1 };
        const first = Array.from({ length: n }, () => runPartonShower(input, rng, options).emissions[0]?.t ?? 0);
        for (const t of [2000, 1000, 300, 50, 5, 1]) {
          const expected = analytic(t, mass, alpha);
          const observed = first.filter((x) => x < t).length / n;
          const sigma = Math.sqrt((expected * (1 - expected)) / n);
          expect(Math.abs(observed - expected)).toBeLessThan(4 * sigma + 2e-3);
        }
      });
    }
  }
});

describe('runPartonShower: full showers', () => {
  it('conserves momentum, keeps every system’s mass, partons on shell, colour consistent, p⊥ ordered', () => {
    const rng = new Rng(51);
    for (const kind of ['quark', 'gluon', 'w', 'top'] as const) {
      for (let i = 0; i < 10; i++) {
        const source = jetSource(kind, rng);
        const { partons, emissions, trials } = runPartonShower(source, rng);
        expect(trials).toBeGreaterThanOrEqual(emissions.length);
        expectConserved(sum4(partons), sum4(source.partons));
        // every system (with its recoil system) keeps its invariant mass
        for (const sys of source.systems) {
          const members = (list: readonly ShowerParton[]) => list.filter((p) => p.system === sys.id || p.system === sys.recoilSystem);
          const m0 = Math.sqrt(mass2(sum4(members(source.partons))));
          const m1 = Math.sqrt(mass2(sum4(members(partons))));
          expect(Math.abs(m1 - m0) / m0).toBeLessThan(1e-9);
        }
        for (const p of partons) expect(Math.abs(mass2(p) - p.m * p.m) / (p.e * p.e)).toBeLessThan(1e-9);
        const cols = partons.map((p) => p.col).filter((c) => c);
        const acols = partons.map((p) => p.acol).filter((c) => c);
        expect(new Set(cols).size).toBe(cols.length);
        expect([...cols].sort((a, b) => a - b)).toEqual([...acols].sort((a, b) => a - b));
        for (let k = 1; k < emissions.length; k++) expect(emissions[k]!.t).toBeLessThanOrEqual(emissions[k - 1]!.t);
        for (const e of emissions) expect(e.t).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('radiates more from gluons than from quarks (CA vs CF) and less with a higher cut-off', () => {
    const rng = new Rng(52);
    const count = (kind: 'quark' | 'gluon', ptMin: number) => {
      let total = 0;
      for (let i = 0; i < 60; i++) total += runPartonShower(jetSource(kind, rng), rng, { ptMin }).emissions.length;
      return total / 60;
    };
    const q = count('quark', 1);
    const g = count('gluon', 1);
    expect(g).toBeGreaterThan(1.4 * q);
    expect(count('quark', 5)).toBeLessThan(0.7 * q);
  });

  it('is reproducible and does not modify its input', () => {
    const source = jetSource('top', new Rng(3));
    const snapshot = JSON.stringify(source.partons);
    const a = runPartonShower(source, new Rng(9));
    const b = runPartonShower(source, new Rng(9));
    expect(JSON.stringify(source.partons)).toBe(snapshot);
    expect(a).toEqual(b);
  });

  it('checks options and colour tags', () => {
    const input = pair('qq', 100);
    expect(() => runPartonShower(input, new Rng(1), { ptMin: 0 })).toThrow(/ptMin/);
    expect(() => runPartonShower(input, new Rng(1), { ptMin: 0.05, coupling: RunningCoupling.oneLoop(0.3) })).toThrow(/Λ_QCD/);
    expect(() => runPartonShower(input, new Rng(1), { nfSplit: 6 })).toThrow(/nfSplit/);
    expect(() => runPartonShower(input, new Rng(1), { channels: ['q->gq' as never] })).toThrow(/Supported: q->qg, g->gg, g->qq/);
    const broken = { ...input, partons: [input.partons[0]!, { ...input.partons[1]!, acol: 7 }] };
    expect(() => runPartonShower(broken, new Rng(1))).toThrow(InvalidArgumentError);
    expect(() => runPartonShower({ ...input, systems: [] }, new Rng(1))).toThrow(/system 0/);
  });
});
