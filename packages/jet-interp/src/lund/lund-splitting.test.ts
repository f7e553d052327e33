/**
 * Lund coordinates of hand-built jets, derived by hand: for massless branches m² = 2 p⊥a p⊥b (cosh Δy − cos Δφ).
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { ClusterSequence } from '../cluster/cluster-sequence';
import { jetDefinition } from '../cluster/jet-definition';
import { FourMomentum } from '../particles/four-momentum';
import { lundSplitting } from './lund-splitting';
import { lundTree } from './lund-tree';
import { primaryLundDeclusterings } from './primary-lund-declusterings';
import { reclusterJet } from './recluster-jet';

const TOL = 12; // toBeCloseTo digits

describe('two-particle jets', () => {
  it('gives Δ, k_t, z, ψ, m, κ as derived by hand', () => {
    // harder at (y, φ) = (0, 0), softer at (0.3, 0.4): Δ = 0.5
    const jet = [FourMomentum.fromPtYPhiM(300, 0, 0), FourMomentum.fromPtYPhiM(100, 0.3, 0.4)];
    const [s, ...rest] = primaryLundDeclusterings(jet);
    expect(rest).toEqual([]);
    expect(s!.delta).toBeCloseTo(0.5, TOL);
    expect(s!.kt).toBeCloseTo(50, 10);
    expect(s!.z).toBeCloseTo(0.25, TOL);
    expect(s!.kappa).toBeCloseTo(0.125, TOL);
    expect(s!.psi).toBeCloseTo(Math.atan2(0.3, 0.4), TOL);
    expect(s!.m).toBeCloseTo(Math.sqrt(2 * 300 * 100 * (Math.cosh(0.3) - Math.cos(0.4))), 10);
    expect(s!.lnInvDelta).toBeCloseTo(Math.log(2), TOL);
    expect(s!.lnKt).toBeCloseTo(Math.log(50), TOL);
    // branches: the particles themselves, identified by their history ids
    expect(s!.harder.particleIndex).toBe(0);
    expect(s!.softer.particleIndex).toBe(1);
    expect(s!.harder.pt).toBeCloseTo(300, 10);
    expect(s!.pair.constituentCount).toBe(2);
    expect(s!.pair.id).toBe(2);
  });

  it('orders the branches by p⊥, not by input order, and measures ψ across φ = 0', () => {
    // softer listed first; the softer is at φ = 2π − 0.3, the harder at φ = 0.1: Δφ(hard → soft) = −0.4, Δy = −0.3
    const jet = [FourMomentum.fromPtYPhiM(40, 1.2, 2 * Math.PI - 0.3, 0.13957), FourMomentum.fromPtYPhiM(160, 1.5, 0.1, 0.13957)];
    const [s] = primaryLundDeclusterings(jet);
    expect(s!.harder.particleIndex).toBe(1);
    expect(s!.delta).toBeCloseTo(0.5, TOL);
    expect(s!.kt).toBeCloseTo(20, 10);
    expect(s!.z).toBeCloseTo(0.2, TOL);
    expect(s!.psi).toBeCloseTo(Math.atan2(-0.3, -0.4), TOL);
    // massive branches: m² = 2 m² + 2 (mT1 mT2 cosh Δy − p⊥1 p⊥2 cos Δφ)
    const mass = 0.13957;
    const mt = (pt: number): number => Math.sqrt(pt * pt + mass * mass);
    const m2 = 2 * mass * mass + 2 * (mt(40) * mt(160) * Math.cosh(0.3) - 40 * 160 * Math.cos(0.4));
    expect(s!.m).toBeCloseTo(Math.sqrt(m2), 9);
  });

  it('ψ is ±π/2 for a purely rapidity-separated emission and π for one at lower φ', () => {
    const up = primaryLundDeclusterings([FourMomentum.fromPtYPhiM(100, 0, 1), FourMomentum.fromPtYPhiM(10, 0.2, 1)])[0]!;
    expect(up.psi).toBeCloseTo(Math.PI / 2, TOL);
    const down = primaryLundDeclusterings([FourMomentum.fromPtYPhiM(100, 0, 1), FourMomentum.fromPtYPhiM(10, -0.2, 1)])[0]!;
    expect(down.psi).toBeCloseTo(-Math.PI / 2, TOL);
    const back = primaryLundDeclusterings([FourMomentum.fromPtYPhiM(100, 0, 1), FourMomentum.fromPtYPhiM(10, 0, 0.8)])[0]!;
    expect(Math.abs(back.psi)).toBeCloseTo(Math.PI, TOL);
  });

  it('a one-particle jet has no splittings; leaves have no splitting', () => {
    expect(primaryLundDeclusterings([FourMomentum.fromPtYPhiM(50, 0, 0)])).toEqual([]);
    expect(lundTree([FourMomentum.fromPtYPhiM(50, 0, 0)])).toEqual([]);
    const root = reclusterJet([FourMomentum.fromPtYPhiM(50, 0, 0), FourMomentum.fromPtYPhiM(5, 0, 0.1)]);
    expect(lundSplitting(root.children![0])).toBeUndefined();
  });

  it('coincident particles give Δ = 0, k_t = 0 and infinite logarithms', () => {
    const [s] = primaryLundDeclusterings([FourMomentum.fromPtYPhiM(50, 0.2, 0.3), FourMomentum.fromPtYPhiM(20, 0.2, 0.3)]);
    expect(s!.delta).toBe(0);
    expect(s!.kt).toBe(0);
    expect(s!.lnInvDelta).toBe(Number.POSITIVE_INFINITY);
    expect(s!.lnKt).toBe(Number.NEGATIVE_INFINITY);
    expect(s!.z).toBeCloseTo(20 / 70, TOL);
  });
});

describe('a three-particle jet', () => {
  // a (120 GeV) and b (80 GeV) at y = 0, φ = ±0.05: C/A merges them first (ΔR = 0.1). Their sum has pz = 0 (y = 0) and
  // φ_ab = atan(40 sin 0.05 / (200 cos 0.05)). c (30 GeV) sits at Δy = 0.6, Δφ = 0.8 from ab: ΔR = 1.
  const a = FourMomentum.fromPtYPhiM(120, 0, 0.05);
  const b = FourMomentum.fromPtYPhiM(80, 0, 2 * Math.PI - 0.05);
  const phiAB = Math.atan((40 * Math.sin(0.05)) / (200 * Math.cos(0.05)));
  const ptAB = Math.hypot(200 * Math.cos(0.05), 40 * Math.sin(0.05));
  const c = FourMomentum.fromPtYPhiM(30, 0.6, phiAB + 0.8);
  const jet = [c, a, b];

  it('declusters the widest angle first and follows the harder branch', () => {
    const [first, second, ...rest] = primaryLundDeclusterings(jet);
    expect(rest).toEqual([]);
    // first: ab vs c
    expect(first!.softer.particleIndex).toBe(0);
    expect(first!.harder.constituentCount).toBe(2);
    expect(first!.harder.pt).toBeCloseTo(ptAB, 10);
    expect(first!.delta).toBeCloseTo(1, TOL);
    expect(first!.kt).toBeCloseTo(30, 10);
    expect(first!.z).toBeCloseTo(30 / (30 + ptAB), TOL);
    expect(first!.psi).toBeCloseTo(Math.atan2(0.6, 0.8), TOL);
    // m² = m_ab² + 2 (E_ab E_c − p_ab · p_c), E_ab = 200, p_ab = (200 cos .05, 40 sin .05, 0)
    const mAB2 = 2 * 120 * 80 * (1 - Math.cos(0.1));
    const pABdotPc = 200 * Math.cos(0.05) * c.px + 40 * Math.sin(0.05) * c.py;
    const m2 = mAB2 + 2 * (200 * 30 * Math.cosh(0.6) - pABdotPc);
    expect(first!.m).toBeCloseTo(Math.sqrt(m2), 9);
    // second: a vs b, Δy = 0, Δφ(a → b) = −0.1
    expect(second!.pair.id).toBe(first!.harder.id);
    expect(second!.harder.particleIndex).toBe(1);
    expect(second!.softer.particleIndex).toBe(2);
    expect(second!.delta).toBeCloseTo(0.1, TOL);
    expect(second!.kt).toBeCloseTo(8, 10);
    expect(second!.z).toBeCloseTo(0.4, TOL);
    expect(second!.psi).toBeCloseTo(Math.PI, TOL);
    expect(second!.m).toBeCloseTo(Math.sqrt(mAB2), 10);
  });

  it('the full Lund tree adds the softer branches as higher planes', () => {
    // split c into two close particles: one secondary splitting
    const c1 = FourMomentum.fromPtYPhiM(20, 0.6, phiAB + 0.8);
    const c2 = FourMomentum.fromPtYPhiM(10, 0.62, phiAB + 0.8);
    const tree = lundTree([c1, a, b, c2]);
    expect(tree).toHaveLength(3);
    expect(tree.map((s) => s.level)).toEqual([0, 0, 1]);
    expect(tree.map((s) => s.parent)).toEqual([-1, 0, 0]);
    expect(tree.map((s) => s.fromSofter)).toEqual([false, false, true]);
    expect(tree[2]!.delta).toBeCloseTo(0.02, 10);
    expect(tree[2]!.z).toBeCloseTo(1 / 3, TOL);
    const primary = primaryLundDeclusterings([c1, a, b, c2]);
    expect(tree.filter((s) => s.level === 0).map((s) => s.pair.id)).toEqual(primary.map((s) => s.pair.id));
  });

  it('uses a C/A node as it is, and reclusters nodes of other algorithms', () => {
    const ca = new ClusterSequence(jet, jetDefinition('ca', 1.5)).inclusiveJets(0)[0]!;
    const direct = primaryLundDeclusterings(ca);
    expect(direct[0]!.pair).toBe(ca);
    const akt = new ClusterSequence(jet, jetDefinition('antikt', 1.5)).inclusiveJets(0)[0]!;
    const reclustered = primaryLundDeclusterings(akt);
    expect(reclustered[0]!.pair.sequence.definition).toMatchObject({ algorithm: 'ca', radius: 1000 });
    for (const list of [direct, reclustered, primaryLundDeclusterings(ca, { recluster: 'always' })]) {
      expect(list.map((s) => [s.delta, s.kt, s.z].map((v) => v.toFixed(12)))).toEqual(
        primaryLundDeclusterings(jet).map((s) => [s.delta, s.kt, s.z].map((v) => v.toFixed(12))),
      );
    }
  });
});

describe('bad input', () => {
  it('names the argument and the fix', () => {
    expect(() => primaryLundDeclusterings([])).toThrow(/no constituents/);
    expect(() => primaryLundDeclusterings([new FourMomentum(Number.NaN, 0, 0, 1)])).toThrow(/px = NaN/);
    expect(() => primaryLundDeclusterings({} as never)).toThrow(InvalidArgumentError);
    expect(() => primaryLundDeclusterings([FourMomentum.fromPtYPhiM(1, 0, 0)], { recluster: 'never' as never })).toThrow(/'auto' or 'always'/);
    expect(() => reclusterJet([FourMomentum.fromPtYPhiM(1, 0, 0)], { radius: 0 })).toThrow(/radius must be a finite number > 0/);
    expect(() => reclusterJet([FourMomentum.fromPtYPhiM(1, 0, 0)], { algorithm: 'genkt' })).toThrow(/ca, kt and antikt/);
    expect(() => lundSplitting({} as never)).toThrow(/ClusterNode/);
    try {
      primaryLundDeclusterings([]);
    } catch (e) {
      expect(InvalidArgumentError.isInstance(e) && (e as InvalidArgumentError).argument).toBe('jet');
    }
  });
});
