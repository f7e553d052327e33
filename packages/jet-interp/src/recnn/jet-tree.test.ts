import { InvalidArgumentError } from '@lab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateJets } from '../generator/generate-jets';
import { reclusterJet } from '../lund/recluster-jet';
import { FourMomentum } from '../particles/four-momentum';
import { ParticleEvent } from '../particles/particle-event';
import { buildJetTree, parseTreeAlgorithm, type JetTree } from './jet-tree';

const jets = [...generateJets('w', 3, { seed: 5 }), ...generateJets('gluon', 3, { seed: 6 })].map((j) => j.constituents);

function pt2(t: JetTree, k: number): number {
  return t.momenta[4 * k]! ** 2 + t.momenta[4 * k + 1]! ** 2;
}

/** Every structural promise of JetTree. */
function checkTree(t: JetTree, n: number): void {
  expect(t.size).toBe(2 * n - 1);
  expect(t.leaves).toBe(n);
  expect(t.root).toBe(t.size - 1);
  expect(t.parent[t.root]).toBe(-1);
  expect(t.depth[t.root]).toBe(0);
  const particles: number[] = [];
  for (let k = 0; k < t.size; k++) {
    const l = t.left[k]!;
    const r = t.right[k]!;
    if (l < 0) {
      expect(r).toBe(-1);
      particles.push(t.particle[k]!);
      continue;
    }
    expect(t.particle[k]).toBe(-1);
    // children first, harder on the left, one level deeper, parent links back
    expect(l).toBeLessThan(k);
    expect(r).toBeLessThan(k);
    expect(pt2(t, l)).toBeGreaterThanOrEqual(pt2(t, r));
    expect(t.depth[l]).toBe(t.depth[k]! + 1);
    expect(t.depth[r]).toBe(t.depth[k]! + 1);
    expect(t.parent[l]).toBe(k);
    expect(t.parent[r]).toBe(k);
    // the E-scheme sum of the children (exactly: the clustering adds the same two numbers)
    for (let c = 0; c < 4; c++) expect(t.momenta[4 * k + c]).toBe(t.momenta[4 * l + c]! + t.momenta[4 * r + c]!);
  }
  expect(particles.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
}

describe('buildJetTree', () => {
  it.each(['ca', 'kt', 'antikt'] as const)('gives a post-order binary tree of every constituent (%s)', (algorithm) => {
    for (const jet of jets) {
      const t = buildJetTree(jet, { algorithm });
      expect(t.algorithm).toBe(algorithm);
      checkTree(t, jet.size);
      // leaves carry their constituent's momentum
      for (let k = 0; k < t.size; k++) {
        const i = t.particle[k]!;
        if (i >= 0) expect(Array.from(t.momenta.subarray(4 * k, 4 * k + 4))).toEqual(Array.from(jet.momenta.subarray(4 * i, 4 * i + 4)));
      }
    }
  });

  it('follows the reclustering: node history ids are those of reclusterJet, and C/A is the default', () => {
    const jet = jets[0]!;
    const t = buildJetTree(jet);
    expect(t.algorithm).toBe('ca');
    const root = reclusterJet(jet, { algorithm: 'ca' });
    expect(t.historyId[t.root]).toBe(root.id);
    const node = root.sequence.node(t.historyId[t.left[t.root]!]!)!;
    expect(node.e).toBe(t.momenta[4 * t.left[t.root]! + 3]);
    // anti-kt trees of a jet are deep chains, C/A trees much shallower
    const depth = (a: string) => Math.max(...buildJetTree(jets[4]!, { algorithm: a }).depth);
    expect(depth('antikt')).toBeGreaterThan(depth('ca'));
  });

  it('a jet of one constituent is a single leaf that is the root', () => {
    const t = buildJetTree([FourMomentum.fromPtYPhiM(500, 0.2, 1)]);
    expect(t.size).toBe(1);
    expect(t.root).toBe(0);
    expect(t.left[0]).toBe(-1);
    expect(t.right[0]).toBe(-1);
    expect(t.parent[0]).toBe(-1);
    expect(t.particle[0]).toBe(0);
  });

  it('does not depend on the order of the constituents (property)', () => {
    const jet = jets[3]!;
    const ref = buildJetTree(jet);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        // a seeded Fisher-Yates shuffle of the constituents
        const idx = Array.from({ length: jet.size }, (_, i) => i);
        let s = seed;
        for (let i = idx.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) % 2 ** 31;
          const j = s % (i + 1);
          [idx[i], idx[j]] = [idx[j]!, idx[i]!];
        }
        const t = buildJetTree(jet.select(idx));
        expect(Array.from(t.momenta)).toEqual(Array.from(ref.momenta));
        expect(Array.from(t.left)).toEqual(Array.from(ref.left));
        expect(Array.from(t.right)).toEqual(Array.from(ref.right));
        expect(Array.from(t.depth)).toEqual(Array.from(ref.depth));
        // leaves map to the same particles through the permutation
        for (let k = 0; k < t.size; k++) if (t.particle[k]! >= 0) expect(idx[t.particle[k]!]).toBe(ref.particle[k]);
      }),
      { numRuns: 20, seed: 42 },
    );
  });

  it('throws typed errors for an empty jet and for genkt or unknown algorithms', () => {
    expect(() => buildJetTree(new ParticleEvent(new Float64Array(0)))).toThrow(InvalidArgumentError);
    expect(() => buildJetTree(jets[0]!, { algorithm: 'genkt' })).toThrow(/ca, kt or antikt/);
    expect(() => buildJetTree(jets[0]!, { algorithm: 'durham' })).toThrow(InvalidArgumentError);
    expect(() => buildJetTree(jets[0]!, { radius: 0 })).toThrow(InvalidArgumentError);
    expect(parseTreeAlgorithm('cambridge')).toBe('ca');
    expect(parseTreeAlgorithm('anti-kt')).toBe('antikt');
  });
});
