import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Molecule } from '../molecule/molecule';
import { featurize } from './featurize';
import { localPairs, radiusPairs } from './pair-graph';
import { radiusEdges } from './radius-edges';

/** A SYNTHETIC chain molecule of n carbons (graph only; coordinates come from the property). */
function chain(n: number): Molecule {
  return {
    smiles: 'C'.repeat(n),
    atoms: Array.from({ length: n }, () => ({ element: 'C', atomicNumber: 6, formalCharge: 0, aromatic: false })),
    bonds: Array.from({ length: n - 1 }, (_, i) => ({ i, j: i + 1, type: 'single' as const })),
  };
}

/** Directed edges implied by pairs and direction flags, as sorted "s>t:type" strings. */
function directed(p: ReturnType<typeof radiusPairs>): string[] {
  const out: string[] = [];
  for (let k = 0; k < p.numPairs; k++) {
    const a = p.pairs[k]!;
    const b = p.pairs[p.numPairs + k]!;
    if (p.direction[2 * k]) out.push(`${a}>${b}:${p.type[k]}`);
    if (p.direction[2 * k + 1]) out.push(`${b}>${a}:${p.type[k]}`);
  }
  return out.sort();
}

describe('pair graphs', () => {
  it('localPairs holds each local edge once, first atom smaller, with its type', () => {
    const g = featurize(chain(5));
    const lp = localPairs(g);
    expect(2 * lp.numPairs).toBe(g.numEdges);
    for (let k = 0; k < lp.numPairs; k++) expect(lp.pairs[k]!).toBeLessThan(lp.pairs[lp.numPairs + k]!);
    // 0-1 bond (1), 0-2 two bonds apart (23), 0-3 three apart (24), 0-4 not an edge
    expect(Array.from(lp.type.subarray(0, 3))).toEqual([1, 23, 24]);
    expect(lp.pairs[3]).toBe(1);
  });

  it('radiusPairs gives exactly the directed edges of radiusEdges, neighbour limit included (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 24 }),
        fc.array(fc.double({ min: -6, max: 6, noNaN: true }), { minLength: 72, maxLength: 72 }),
        fc.constantFrom(4, 10),
        fc.constantFrom(3, 32),
        (n, raw, cutoff, maxNumNeighbors) => {
          const g = featurize(chain(n));
          const coords = raw.slice(0, 3 * n);
          const edges = radiusEdges(coords, g, cutoff, { maxNumNeighbors });
          const want: string[] = [];
          for (let e = 0; e < edges.numEdges; e++) want.push(`${edges.edgeIndex[e]}>${edges.edgeIndex[edges.numEdges + e]}:${edges.edgeType[e]}`);
          expect(directed(radiusPairs(coords, g, cutoff, { maxNumNeighbors }))).toEqual(want.sort());
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('rejects coordinates that do not match the graph', () => {
    expect(() => radiusPairs([0, 0, 0], featurize(chain(3)))).toThrow(/3 values for each of the 3 atoms/);
  });
});
