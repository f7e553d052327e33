import { InvalidArgumentError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { generateJets } from '../generator/generate-jets';
import { FourMomentum } from '../particles/four-momentum';
import { CONSTITUENT_FEATURES, CONSTITUENT_FEATURE_COUNT, PROBE_CONSTITUENTS, constituentArray } from './constituent-features';
import { jetFrame } from './jet-frame';

const F = CONSTITUENT_FEATURE_COUNT;

describe('constituentArray', () => {
  it('has 30 rows of 4 features', () => {
    expect(PROBE_CONSTITUENTS).toBe(30);
    expect(CONSTITUENT_FEATURES).toEqual(['pt/pt_J', 'deta', 'dphi', 'E/E_J']);
    const [w] = generateJets('w', 1, { seed: 1 });
    expect(constituentArray(w!.constituents).length).toBe(30 * F);
  });

  it('zero pads after the last constituent', () => {
    const jet = [FourMomentum.fromPtYPhiM(10, 0.1, 1), FourMomentum.fromPtYPhiM(40, 0, 1.1), FourMomentum.fromPtYPhiM(20, -0.1, 0.9)];
    const x = constituentArray(jet);
    for (let r = 0; r < 3; r++) expect(x[r * F]).toBeGreaterThan(0);
    expect(Array.from(x.subarray(3 * F)).every((v) => v === 0)).toBe(true);
  });

  it('orders rows by decreasing p⊥ (ties keep input order) and keeps the 30 hardest', () => {
    const jet = Array.from({ length: 45 }, (_, i) => FourMomentum.fromPtYPhiM(1 + ((i * 17) % 45) + (i === 7 ? 0 : 0), 0.01 * (i % 9), 1 + 0.01 * (i % 7)));
    jet.push(FourMomentum.fromPtYPhiM(45, 0.3, 1.3)); // same p⊥ as the hardest one above: comes after it
    const x = constituentArray(jet);
    const f = jetFrame(jet);
    const pts = Array.from({ length: 30 }, (_, r) => x[r * F]!);
    for (let r = 1; r < 30; r++) expect(pts[r]!).toBeLessThanOrEqual(pts[r - 1]!);
    const sorted = Array.from(f.pt).sort((a, b) => b - a);
    pts.forEach((p, r) => expect(p).toBeCloseTo(sorted[r]! / f.ptJet, 6));
    // the tie: index of the first 45-GeV particle is before the appended one
    const first = jet.findIndex((p) => Math.abs(p.pt - 45) < 1e-9);
    expect(x[1]).toBeCloseTo(f.deta[first]!, 6);
    expect(x[F + 1]).toBeCloseTo(f.deta[45]!, 6);
  });

  it('holds p⊥/p⊥_J, Δη, Δφ and E/E_J of each constituent', () => {
    const [top] = generateJets('top', 1, { seed: 3 });
    const jet = top!.constituents;
    const x = constituentArray(jet, { maxConstituents: jet.size + 5 });
    const f = jetFrame(jet);
    const order = Array.from({ length: f.size }, (_, i) => i).sort((a, b) => f.pt[b]! - f.pt[a]! || a - b);
    order.forEach((i, r) => {
      expect(x[r * F]).toBeCloseTo(f.pt[i]! / f.ptJet, 6);
      expect(x[r * F + 1]).toBeCloseTo(f.deta[i]!, 6);
      expect(x[r * F + 2]).toBeCloseTo(f.dphi[i]!, 6);
      expect(x[r * F + 3]).toBeCloseTo(f.e[i]! / f.eJet, 6);
    });
    let sumPt = 0;
    for (let r = 0; r < f.size; r++) sumPt += x[r * F]!;
    expect(sumPt).toBeGreaterThanOrEqual(1 - 1e-6); // scalar sum ≥ vector sum
  });

  it('rejects bad options and empty jets with typed errors naming the argument', () => {
    const jet = [FourMomentum.fromPtYPhiM(10, 0, 1)];
    for (const m of [0, 2.5, -1, Number.NaN]) {
      expect(() => constituentArray(jet, { maxConstituents: m })).toThrow(InvalidArgumentError);
      try {
        constituentArray(jet, { maxConstituents: m });
      } catch (e) {
        expect((e as InvalidArgumentError).argument).toBe('maxConstituents');
      }
    }
    expect(() => constituentArray([])).toThrow(/no constituents/);
  });
});
