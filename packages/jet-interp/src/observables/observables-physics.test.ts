/**
 * Physics sanity of the observables and the Lund plane on generated jets (seeded): W jets are two-pronged (lower τ21
 * than quark jets), top jets three-pronged (lower τ32), gluon jets wider and more populated than quark jets, and the
 * mass-like angularity tracks m² / (p⊥² R²) as the small-angle expansion of the jet mass predicts.
 */
import { rocAuc } from '@lab/tensor-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateJets, type GeneratedJet } from '../generator/generate-jets';
import { averageLundImage } from '../lund/lund-image';
import { primaryLundDeclusterings } from '../lund/primary-lund-declusterings';
import { jetObservables, type JetObservables } from './jet-observables';

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
function pearson(x: readonly number[], y: readonly number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i]! - my);
    sxx += (xi - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('observables on generated jets', () => {
  const sample: Record<'w' | 'top' | 'quark' | 'gluon', { jets: GeneratedJet[]; obs: JetObservables[] }> = {} as never;

  beforeAll(() => {
    for (const [kind, seed, n] of [['w', 31, 150], ['top', 32, 100], ['quark', 33, 150], ['gluon', 34, 100]] as const) {
      const jets = generateJets(kind, n, { seed });
      sample[kind] = { jets, obs: jets.map((j) => jetObservables(j.constituents)) };
    }
  });

  it('W jets have a lower τ21 than quark jets; top jets a lower τ32 than QCD jets', () => {
    const w = sample.w.obs.map((o) => o.tau21);
    const q = sample.quark.obs.map((o) => o.tau21);
    const aucW = rocAuc([...w.map(() => 1), ...q.map(() => 0)], [...w, ...q].map((t) => -t));
    const qcd32 = [...sample.quark.obs, ...sample.gluon.obs].map((o) => o.tau32);
    const top32 = sample.top.obs.map((o) => o.tau32);
    const aucTop = rocAuc([...top32.map(() => 1), ...qcd32.map(() => 0)], [...top32, ...qcd32].map((t) => -t));
    console.log(
      `[observables] mean τ21: W ${mean(w).toFixed(3)}, quark ${mean(q).toFixed(3)} (AUC ${aucW.toFixed(3)}); ` +
        `mean τ32: top ${mean(top32).toFixed(3)}, QCD ${mean(qcd32).toFixed(3)} (AUC ${aucTop.toFixed(3)})`,
    );
    expect(mean(w)).toBeLessThan(mean(q) - 0.1);
    expect(aucW).toBeGreaterThan(0.75);
    expect(mean(top32)).toBeLessThan(mean(qcd32));
    expect(aucTop).toBeGreaterThan(0.65);
  });

  it('gluon jets have more constituents, a larger width and a smaller p⊥^D than quark jets', () => {
    const q = sample.quark.obs;
    const g = sample.gluon.obs;
    expect(mean(g.map((o) => o.multiplicity))).toBeGreaterThan(mean(q.map((o) => o.multiplicity)));
    expect(mean(g.map((o) => o.width))).toBeGreaterThan(mean(q.map((o) => o.width)));
    expect(mean(g.map((o) => o.ptD))).toBeLessThan(mean(q.map((o) => o.ptD)));
  });

  it('the mass-like angularity tracks m² / (p⊥² R²)', () => {
    const all = Object.values(sample).flatMap((s) => s.obs);
    const lambda = all.map((o) => o.massAngularity);
    const scaled = all.map((o) => (o.mass * o.mass) / (o.pt * o.pt * 0.8 * 0.8));
    const r = pearson(lambda, scaled);
    const ratio = median(all.map((o, i) => lambda[i]! / scaled[i]!));
    console.log(`[observables] λ^1_2 vs m²/(p⊥²R²) on ${all.length} jets: Pearson r = ${r.toFixed(4)}, median ratio ${ratio.toFixed(3)}`);
    expect(r).toBeGreaterThan(0.95);
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });

  it('gluon jets fill the primary Lund plane more densely than quark jets; W jets have a hard wide-angle splitting', () => {
    const density = (jets: GeneratedJet[]): number => averageLundImage(jets.map((j) => primaryLundDeclusterings(j.constituents))).total();
    const q = density(sample.quark.jets);
    const g = density(sample.gluon.jets);
    console.log(`[lund] primary splittings per jet inside the default image: quark ${q.toFixed(2)}, gluon ${g.toFixed(2)}`);
    expect(g).toBeGreaterThan(q);
    // the W decay is the splitting with the largest k_t in most W jets, with z well away from 0
    const hardest = sample.w.jets.map((j) => primaryLundDeclusterings(j.constituents).reduce((a, b) => (b.kt > a.kt ? b : a)));
    const zMedian = median(hardest.map((s) => s.z));
    const mMedian = median(hardest.map((s) => s.m));
    console.log(`[lund] W jets, largest-k_t primary splitting: median z ${zMedian.toFixed(3)}, median pair mass ${mMedian.toFixed(1)} GeV`);
    expect(zMedian).toBeGreaterThan(0.15);
    expect(Math.abs(mMedian - 80.4)).toBeLessThan(10);
  });
});
