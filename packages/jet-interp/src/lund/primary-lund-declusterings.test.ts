/**
 * Properties of the primary Lund declustering on random jets (fast-check): invariance under rotations about the beam,
 * boosts along it and reordering of the constituents; structure of the chain and of the full tree.
 */
import { Rng } from '@lab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FourMomentum } from '../particles/four-momentum';
import { boostAlongBeam, randomJet, rotateAboutBeam } from '../testing/random-jets';
import type { LundSplitting } from './lund-splitting';
import { lundTree } from './lund-tree';
import { primaryLundDeclusterings } from './primary-lund-declusterings';

const RUNS = 60;

const jetArb = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  n: fc.integer({ min: 2, max: 40 }),
  y: fc.double({ min: -2.5, max: 2.5, noNaN: true }),
  phi: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
});

function jetOf(p: { seed: number; n: number; y: number; phi: number }): FourMomentum[] {
  return randomJet(new Rng(p.seed), { n: p.n, y: p.y, phi: p.phi });
}

function angleDiff(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return Math.min(d, 2 * Math.PI - d);
}

/** Largest relative difference of Δ, k_t, z, m and absolute difference of ψ between two declusterings. */
function worst(a: readonly LundSplitting[], b: readonly LundSplitting[]): { rel: number; psi: number } {
  expect(b).toHaveLength(a.length);
  let rel = 0;
  let psi = 0;
  a.forEach((s, i) => {
    const t = b[i]!;
    for (const k of ['delta', 'kt', 'z', 'm'] as const) rel = Math.max(rel, Math.abs(s[k] - t[k]) / Math.max(Math.abs(s[k]), 1e-300));
    psi = Math.max(psi, angleDiff(s.psi, t.psi));
  });
  return { rel, psi };
}

describe('primary Lund declustering invariances (fast-check)', () => {
  it('rotations about the beam, boosts along it and reordering leave (Δ, k_t, z, ψ, m) unchanged', () => {
    const seen = { rel: 0, psi: 0 };
    fc.assert(
      fc.property(
        jetArb,
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (p, alpha, eta, shuffleSeed) => {
          const jet = jetOf(p);
          const base = primaryLundDeclusterings(jet);
          const rng = new Rng(shuffleSeed);
          const shuffled = [...jet];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = rng.int(i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const rotated = primaryLundDeclusterings(rotateAboutBeam(jet, alpha));
          const boosted = primaryLundDeclusterings(boostAlongBeam(jet, eta));
          const reordered = primaryLundDeclusterings(shuffled);
          for (const other of [rotated, boosted, reordered]) {
            const w = worst(base, other);
            seen.rel = Math.max(seen.rel, w.rel);
            seen.psi = Math.max(seen.psi, w.psi);
          }
          // the boost shifts the branches' rapidities by η
          boosted.forEach((s, i) => expect(s.harder.rapidity - base[i]!.harder.rapidity).toBeCloseTo(eta, 8));
        },
      ),
      { numRuns: RUNS, seed: 20240604 },
    );
    console.log(`[lund] invariance: max relative difference of Δ, k_t, z, m ${seen.rel.toExponential(1)}, max |Δψ| ${seen.psi.toExponential(1)}`);
    expect(seen.rel).toBeLessThan(1e-8);
    expect(seen.psi).toBeLessThan(1e-8);
  });

  it('the chain follows the harder branch: z ≤ ½, p⊥ conservation at each step, ends on a particle', () => {
    fc.assert(
      fc.property(jetArb, (p) => {
        const jet = jetOf(p);
        const chain = primaryLundDeclusterings(jet);
        expect(chain.length).toBeGreaterThanOrEqual(1);
        expect(chain.length).toBeLessThanOrEqual(jet.length - 1);
        expect(chain[0]!.pair.constituentCount).toBe(jet.length);
        chain.forEach((s, i) => {
          expect(s.z).toBeGreaterThanOrEqual(0);
          expect(s.z).toBeLessThanOrEqual(0.5);
          expect(s.harder.pt2).toBeGreaterThanOrEqual(s.softer.pt2);
          expect(s.kt).toBeCloseTo(s.softer.pt * s.delta, 9);
          expect(s.harder.constituentCount + s.softer.constituentCount).toBe(s.pair.constituentCount);
          if (i > 0) expect(s.pair).toBe(chain[i - 1]!.harder);
        });
        expect(chain.at(-1)!.harder.isParticle).toBe(true);
      }),
      { numRuns: RUNS, seed: 7 },
    );
  });

  it('the full Lund tree has one splitting per merge, and its level-0 part is the primary chain', () => {
    fc.assert(
      fc.property(jetArb, (p) => {
        const jet = jetOf(p);
        const tree = lundTree(jet);
        expect(tree).toHaveLength(jet.length - 1);
        expect(new Set(tree.map((s) => s.pair.id)).size).toBe(tree.length);
        const primary = primaryLundDeclusterings(jet);
        expect(tree.slice(0, primary.length).map((s) => s.pair.id)).toEqual(primary.map((s) => s.pair.id));
        expect(tree.filter((s) => s.level === 0)).toHaveLength(primary.length);
        tree.forEach((s) => {
          if (s.parent < 0) return;
          const parent = tree[s.parent]!;
          expect(s.level).toBe(parent.level + (s.fromSofter ? 1 : 0));
          expect(s.pair).toBe(s.fromSofter ? parent.softer : parent.harder);
        });
      }),
      { numRuns: RUNS, seed: 11 },
    );
  });
});
