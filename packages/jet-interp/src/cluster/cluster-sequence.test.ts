import fc from 'fast-check';
import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { FourMomentum } from '../particles/four-momentum';
import { ParticleEvent } from '../particles/particle-event';
import { ClusterSequence, clusterJets } from './cluster-sequence';
import { jetDefinition, type JetAlgorithm } from './jet-definition';
import { BEAM, NO_PARENT } from './tiled-clustering';

const p = (pt: number, y: number, phi: number, m = 0) => FourMomentum.fromPtYPhiM(pt, y, phi, m);

/** A random event: a few collimated sprays over a soft background. */
function randomEvent(rng: Rng, n: number): ParticleEvent {
  const out: FourMomentum[] = [];
  const axes = Array.from({ length: 1 + rng.int(3) }, () => [rng.uniformRange(-2.5, 2.5), rng.uniformRange(0, 2 * Math.PI)] as const);
  for (let i = 0; i < n; i++) {
    if (rng.uniform() < 0.6) {
      const [y, phi] = axes[rng.int(axes.length)]!;
      out.push(p(5 + 200 * rng.uniform() ** 3, y + 0.3 * rng.normal(), phi + 0.3 * rng.normal(), rng.uniform() < 0.3 ? 0.1396 : 0));
    } else {
      out.push(p(0.2 + 3 * rng.uniform(), rng.uniformRange(-5, 5), rng.uniformRange(0, 2 * Math.PI)));
    }
  }
  return ParticleEvent.fromMomenta(out);
}

describe('ClusterSequence', () => {
  it('clusters two nearby particles into one anti-kt jet and leaves a distant one alone', () => {
    const event = ParticleEvent.fromMomenta([p(100, 0, 0), p(50, 0.2, 0.1), p(30, 2, 3)]);
    const seq = new ClusterSequence(event, jetDefinition('antikt', 0.4));
    const jets = seq.inclusiveJets();
    expect(jets.map((j) => Array.from(j.constituents()))).toEqual([[0, 1], [2]]);
    expect(jets[0]!.e).toBeCloseTo(event.e(0) + event.e(1), 12);
    const [c1, c2] = jets[0]!.children!;
    expect([c1.particleIndex, c2.particleIndex]).toEqual([0, 1]);
    expect(c1.parent).toBe(jets[0]);
    expect(jets[0]!.parent).toBeUndefined();
    // anti-kt: d_ij = min(1/pt²) ΔR² / R²
    expect(jets[0]!.dij).toBeCloseTo((1 / 100 ** 2) * (0.2 ** 2 + 0.1 ** 2) / 0.16, 14);
    expect(jets[1]!.beamDistance).toBeCloseTo(1 / 30 ** 2, 14);
    expect(jets[1]!.isParticle).toBe(true);
    expect(jets.map((j) => j.constituentCount)).toEqual([2, 1]);
    expect(seq.inclusiveJets(40)).toHaveLength(1);
  });

  it('records the history in FastJet layout: N particles, then one element per step', () => {
    const event = ParticleEvent.fromMomenta([p(10, 0, 0), p(20, 0.1, 0), p(5, 3, 3)]);
    const seq = new ClusterSequence(event, jetDefinition('kt', 0.5));
    expect(seq.historySize).toBe(6);
    expect(seq.step(0)).toMatchObject({ parent1: NO_PARENT, parent2: NO_PARENT, dij: 0 });
    // kt: the soft isolated particle leaves first (d_iB = 25), then the pair merges (d = 100·0.01/0.25 = 4 < 25)
    const steps = [3, 4, 5].map((i) => seq.step(i));
    expect(steps[0]).toMatchObject({ parent1: 0, parent2: 1 });
    expect(steps[0]!.dij).toBeCloseTo(100 * 0.01 / 0.25, 12);
    expect(steps.slice(1).map((s) => s.parent2)).toEqual([BEAM, BEAM]);
    expect(steps[1]!.dij).toBeCloseTo(25, 10);
    expect(steps.map((s) => s.maxDijSoFar)).toEqual([steps[0]!.dij, steps[1]!.dij, Math.max(steps[1]!.dij, steps[2]!.dij)]);
    expect(seq.step(2).child).toBe(4);
    expect(seq.node(5)).toBeUndefined();
    expect(() => seq.step(6)).toThrow(InvalidArgumentError);
  });

  it('gives exclusive jets, dcut jets, dmerge and subjets', () => {
    const event = ParticleEvent.fromMomenta([p(100, 0, 0), p(40, 0.3, 0.2), p(60, -1, 2), p(10, -1.2, 2.3), p(30, 1.5, 4)]);
    // R large enough that nothing reaches the beam before the last step, so exclusive jets cover the event
    const seq = new ClusterSequence(event, jetDefinition('kt', 4));
    expect(seq.exclusiveJets(5).map((j) => j.constituentCount)).toEqual([1, 1, 1, 1, 1]);
    const two = seq.exclusiveJets(2);
    expect(two).toHaveLength(2);
    expect(two[0]!.pt).toBeGreaterThanOrEqual(two[1]!.pt);
    expect(two.reduce((a, j) => a + j.constituentCount, 0)).toBe(5);
    expect(seq.exclusiveJets(0)).toEqual([]);
    const d2 = seq.exclusiveDmerge(2);
    expect(seq.nExclusiveJets(d2)).toBe(2);
    expect(seq.exclusiveJetsDcut(d2).length).toBe(2);
    expect(seq.exclusiveDmerge(5)).toBe(0);
    expect(seq.exclusiveDmergeMax(1)).toBeGreaterThanOrEqual(seq.exclusiveDmerge(1));
    expect(() => seq.exclusiveJets(6)).toThrow('Requested 6 exclusive jets, but there are only 5 particles in the event.');
    expect(seq.exclusiveJetsUpTo(9)).toHaveLength(5);
    const [jet] = seq.inclusiveJets(50);
    const subs = seq.exclusiveSubjets(jet!, 2);
    expect(subs.reduce((a, j) => a + j.constituentCount, 0)).toBe(jet!.constituentCount);
    expect(seq.exclusiveSubjets(jet!, 99).length).toBe(jet!.constituentCount);
    expect(seq.exclusiveSubjets(jet!, 0)).toEqual([]);
    expect(seq.exclusiveSubjetsDcut(jet!, Infinity)).toEqual([jet]);
  });

  it('does not merge a pair at exactly ΔR = R (the beam wins, as in FastJet)', () => {
    const event = ParticleEvent.fromRows([
      [1, 0, 0, 1],
      [0, 1, 0, 1],
    ]);
    const R = Math.PI / 2;
    expect(new ClusterSequence(event, jetDefinition('antikt', R)).inclusiveJets()).toHaveLength(2);
    expect(new ClusterSequence(event, jetDefinition('antikt', R * (1 + 1e-15))).inclusiveJets()).toHaveLength(1);
  });

  it('clusters an empty event to no jets, and one particle to one jet', () => {
    const empty = new ClusterSequence(new ParticleEvent(new Float64Array(0)), jetDefinition('kt', 0.4));
    expect(empty.inclusiveJets()).toEqual([]);
    expect(empty.exclusiveJets(0)).toEqual([]);
    expect(empty.nExclusiveJets(1)).toBe(0);
    const one = clusterJets([p(10, 0, 1)], jetDefinition('ca', 0.4));
    expect(one).toHaveLength(1);
    expect(Array.from(one[0]!.constituents())).toEqual([0]);
  });

  it('handles zero-pt particles with FastJet rapidities (beam-collinear and at rest)', () => {
    const event = ParticleEvent.fromRows([
      [0, 0, 50, 50],
      [0, 0, -30, 30],
      [0, 0, 0, 0],
      [10, 0, 0, 10],
    ]);
    for (const alg of ['antikt', 'ca', 'kt'] as const) {
      const jets = new ClusterSequence(event, jetDefinition(alg, 0.7)).inclusiveJets();
      expect(jets.reduce((a, j) => a + j.constituentCount, 0)).toBe(4);
      expect(jets[0]!.pt).toBe(10);
    }
  });

  it('rejects bad arguments with typed errors', () => {
    const seq = new ClusterSequence([p(1, 0, 0)], jetDefinition('kt', 0.4));
    expect(() => seq.inclusiveJets(NaN)).toThrow(InvalidArgumentError);
    expect(() => seq.exclusiveJets(-1)).toThrow(InvalidArgumentError);
    expect(() => seq.exclusiveJets(1.5)).toThrow(InvalidArgumentError);
    expect(() => new ClusterSequence([p(1, 0, 0)], { algorithm: 'kt', radius: 0, p: 1 })).toThrow(/jetDefinition/);
    const other = new ClusterSequence([p(1, 0, 0)], jetDefinition('kt', 0.4));
    expect(() => seq.exclusiveSubjets(other.inclusiveJets()[0]!, 1)).toThrow(/does not belong/);
    expect(() => new ClusterSequence([{ px: NaN, py: 0, pz: 0, e: 1 }], jetDefinition('kt', 0.4))).toThrow(/px = NaN/);
  });

  it('sums every particle exactly once, for every algorithm and R', () => {
    const rng = new Rng(5);
    for (const alg of ['antikt', 'ca', 'kt'] as JetAlgorithm[]) {
      for (const R of [0.05, 0.4, 1, 3, 7]) {
        const event = randomEvent(rng, 200);
        const jets = new ClusterSequence(event, jetDefinition(alg, R)).inclusiveJets();
        const all = jets.flatMap((j) => Array.from(j.constituents())).sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: 200 }, (_, i) => i));
        const e = jets.reduce((a, j) => a + j.e, 0);
        expect(e).toBeCloseTo(event.total().e, 8);
      }
    }
  });
});

describe('permutation invariance (property)', () => {
  it('gives the same jets and constituents whatever the particle order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 120 }), fc.constantFrom<JetAlgorithm>('antikt', 'ca', 'kt'), fc.double({ min: 0.1, max: 1.5, noNaN: true }), (seed, n, alg, R) => {
        const rng = new Rng(seed);
        const event = randomEvent(rng, n);
        const perm = rng.permutation(n);
        const shuffled = event.select(perm);
        const def = jetDefinition(alg, R);
        const a = new ClusterSequence(event, def).inclusiveJets();
        const b = new ClusterSequence(shuffled, def).inclusiveJets();
        expect(b.length).toBe(a.length);
        const key = (idx: Iterable<number>) => Array.from(idx).sort((x, y) => x - y).join(',');
        const setsA = new Map(a.map((j) => [key(j.constituents()), j]));
        for (const jb of b) {
          const ja = setsA.get(key(Array.from(jb.constituents(), (i) => perm[i]!)));
          expect(ja).toBeDefined();
          expect(jb.pt).toBeCloseTo(ja!.pt, 9);
          expect(jb.rapidity).toBeCloseTo(ja!.rapidity, 9);
          expect(jb.phi).toBeCloseTo(ja!.phi, 9);
        }
      }),
      { numRuns: 60 },
    );
  });
});
