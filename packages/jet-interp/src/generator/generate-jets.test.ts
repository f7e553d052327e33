import { InvalidArgumentError, rocAuc, type ProgressEvent } from '@lab/tensor-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tau21 as tau21Of } from '../observables/n-subjettiness';
import { generateJets, type GeneratedJet } from './generate-jets';
import { PARTICLE_DATA } from './particle-data';

/** Centre of the fullest bin of a histogram on [lo, hi) with the given bin width. */
function histogramMode(values: readonly number[], lo: number, hi: number, width: number): number {
  const bins = new Array<number>(Math.round((hi - lo) / width)).fill(0);
  for (const v of values) {
    const b = Math.floor((v - lo) / width);
    if (b >= 0 && b < bins.length) bins[b]!++;
  }
  let best = 0;
  bins.forEach((c, i) => {
    if (c > bins[best]!) best = i;
  });
  return lo + (best + 0.5) * width;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('generateJets physics (seeded samples)', () => {
  let w: GeneratedJet[];
  let top: GeneratedJet[];
  let quark: GeneratedJet[];
  let gluon: GeneratedJet[];

  beforeAll(() => {
    w = generateJets('w', 400, { seed: 11 });
    top = generateJets('top', 300, { seed: 12 });
    quark = generateJets('quark', 200, { seed: 13 });
    gluon = generateJets('gluon', 200, { seed: 14 });
  });

  it('W jets peak within ±5 GeV of 80.4 GeV in mass', () => {
    const masses = w.map((j) => j.momentum.mass);
    const mode = histogramMode(masses, 40, 120, 2);
    expect(Math.abs(mode - PARTICLE_DATA.wMass)).toBeLessThan(5);
    // most W jets contain both decay quarks at these boosts
    const inWindow = masses.filter((m) => Math.abs(m - 80.4) < 10).length / masses.length;
    expect(inWindow).toBeGreaterThan(0.6);
  });

  it('top jets peak near 173 GeV in mass (±10)', () => {
    const masses = top.map((j) => j.momentum.mass);
    const mode = histogramMode(masses, 50, 250, 5);
    expect(Math.abs(mode - 173)).toBeLessThan(10);
    expect(masses.filter((m) => Math.abs(m - 173) < 20).length / masses.length).toBeGreaterThan(0.4);
  });

  it('QCD jets have a broad, lower mass distribution', () => {
    const qcd = [...quark, ...gluon].map((j) => j.momentum.mass);
    expect(qcd.filter((m) => Math.abs(m - 80.4) < 10).length / qcd.length).toBeLessThan(0.25);
  });

  it('gluon jets have clearly more constituents than quark jets', () => {
    const nq = mean(quark.map((j) => j.constituents.size));
    const ng = mean(gluon.map((j) => j.constituents.size));
    expect(ng).toBeGreaterThan(1.3 * nq);
    const auc = rocAuc([...gluon.map(() => 1), ...quark.map(() => 0)], [...gluon, ...quark].map((j) => j.constituents.size));
    expect(auc).toBeGreaterThan(0.75);
  });

  it('τ21 (β = 1, exclusive-kt axes) separates W jets from QCD jets', () => {
    const qcd = [...quark.slice(0, 150), ...gluon.slice(0, 150)];
    const sig = w.slice(0, 300);
    const tau21 = (j: GeneratedJet): number => tau21Of(j.constituents);
    // W jets have a lower τ21: score with −τ21
    const scores = [...sig, ...qcd].map((j) => -tau21(j));
    const labels = [...sig.map(() => 1), ...qcd.map(() => 0)];
    expect(rocAuc(labels, scores)).toBeGreaterThan(0.7);
  });

  it('jets carry the seeds’ transverse momentum and are matched to a hard object', () => {
    for (const jets of [w, top, quark, gluon]) {
      const pts = jets.map((j) => j.momentum.pt);
      expect(mean(pts)).toBeGreaterThan(450);
      expect(mean(pts)).toBeLessThan(700);
      const matched = jets.filter((j) => j.object.deltaR2(j.momentum) < 0.8 * 0.8).length;
      expect(matched / jets.length).toBeGreaterThan(0.9);
    }
  });
});

describe('generateJets API', () => {
  it('is reproducible: same seed, same jets; another seed, other jets', () => {
    const a = generateJets('top', 4, { seed: 99 });
    const b = generateJets('top', 4, { seed: 99 });
    const c = generateJets('top', 4, { seed: 100 });
    expect(a.map((j) => Array.from(j.constituents.momenta))).toEqual(b.map((j) => Array.from(j.constituents.momenta)));
    expect(a[0]!.momentum.toArray()).not.toEqual(c[0]!.momentum.toArray());
  });

  it('reports progress up to the total', () => {
    const events: ProgressEvent[] = [];
    generateJets('w', 5, { seed: 1, onProgress: (e) => events.push(e) });
    expect(events[0]).toMatchObject({ completed: 0, total: 5 });
    expect(events.at(-1)).toMatchObject({ completed: 5, total: 5, label: 'generating w jets' });
  });

  it('honours the p⊥ range and the jet radius', () => {
    const jets = generateJets('w', 10, { seed: 3, ptRange: [1000, 1000], jetRadius: 0.4 });
    for (const j of jets) {
      expect(j.object.pt).toBeCloseTo(1000, 6);
      for (const p of j.constituents) expect(p.deltaR2(j.momentum)).toBeLessThan(0.45 * 0.45);
    }
  });

  it('rejects bad arguments with the valid choices', () => {
    expect(() => generateJets('z' as never, 1)).toThrow(/Unsupported jet kind "z". Supported: quark, gluon, w, top/);
    expect(() => generateJets('w', -1)).toThrow(InvalidArgumentError);
    expect(() => generateJets('w', 1, { jetRadius: 0 })).toThrow(/jetRadius/);
    expect(() => generateJets('w', 1, { ptRange: [700, 500] })).toThrow(/ptRange/);
    expect(() => generateJets('w', 1, { seed: 0.5 })).toThrow(/seed/);
    expect(generateJets('gluon', 0)).toEqual([]);
  });
});
