import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '@lab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProteinFormatError } from '../errors/protein-format-error';
import { SPLIT_SIDES, assignClusters } from './assign-clusters';
import { parseClusterTsv } from './parse-cluster-tsv';

// SYNTHETIC: 16 items in 8 clusters; family of item i below (PFB's cluster s14 holds one PFC member: a mixed cluster)
const FAMILIES = ['PFA', 'PFA', 'PFA', 'PFA', 'PFA', 'PFA', 'PFA', 'PFB', 'PFB', 'PFB', 'PFB', 'PFB', 'PFB', 'PFB', 'PFB', 'PFC'];
const tsv = readFileSync(join(__dirname, '__fixtures__', 'clusters-synthetic.tsv'), 'utf8');

describe('parseClusterTsv', () => {
  it('groups members under representatives, representative first', () => {
    const c = parseClusterTsv(tsv);
    expect(c).toHaveLength(8);
    expect(c[0]).toEqual({ representative: 's0', members: ['s0', 's1', 's2', 's3'] });
    expect(c.map((x) => x.members.length)).toEqual([4, 2, 1, 3, 1, 2, 1, 2]);
    expect(parseClusterTsv('a\tb\na\ta\n')[0]!.members).toEqual(['a', 'b']);
  });
  it('rejects malformed lines and repeated members', () => {
    expect(() => parseClusterTsv('a\tb\tc\n', 'c.tsv')).toThrow(/c\.tsv \(line 1\)/);
    expect(() => parseClusterTsv('a\ta\nb\ta\n')).toThrow(ProteinFormatError);
  });
});

describe('assignClusters', () => {
  const clusters = parseClusterTsv(tsv).map((c) => c.members.map((m) => Number(m.slice(1))));
  it('keeps every cluster on one side, stratifies by majority family, is seeded', () => {
    const a = assignClusters(clusters, FAMILIES, { seed: 3 });
    clusters.forEach((members, c) => {
      for (const m of members) expect(a.sides[m]).toBe(a.clusterSides[c]);
    });
    expect(a.mixedClusters).toBe(1);
    expect(a.clusterFamilies[7]).toBe('PFB'); // 1 PFB + 1 PFC: ties go to the smaller name
    expect(assignClusters(clusters, FAMILIES, { seed: 3 })).toEqual(a);
    // the cluster order does not matter
    const reversed = assignClusters([...clusters].reverse(), FAMILIES, { seed: 3 });
    expect(reversed.sides).toEqual(a.sides);
    // every family that reaches dev or test also has training sequences
    for (const f of ['PFA', 'PFB']) expect(FAMILIES.some((g, i) => g === f && a.sides[i] === 'train')).toBe(true);
  });
  it('follows the fractions as far as cluster sizes allow', () => {
    const a = assignClusters(clusters, FAMILIES, { fractions: { train: 1, dev: 0, test: 0 } });
    expect(new Set(a.sides)).toEqual(new Set(['train']));
    const b = assignClusters(clusters, FAMILIES, { fractions: { train: 2, dev: 1, test: 1 }, seed: 0 });
    expect(new Set(b.sides).size).toBeGreaterThan(1);
  });
  it('rejects items in no cluster or in two, out-of-range members and bad fractions', () => {
    expect(() => assignClusters([[0], [1]], ['A', 'A', 'A'])).toThrow(/Item 2 is in no cluster/);
    expect(() => assignClusters([[0, 1], [1, 2]], ['A', 'A', 'A'])).toThrow(/Item 1 is in clusters 0 and 1/);
    expect(() => assignClusters([[0, 5]], ['A'])).toThrow(InvalidArgumentError);
    expect(() => assignClusters([[0]], ['A'], { fractions: { train: 0, dev: 0, test: 0 } })).toThrow(/fractions/);
    expect(() => assignClusters([[0]], ['A'], { fractions: { train: -1, dev: 1, test: 1 } })).toThrow(/fractions/);
  });
  it('property: no cluster is split, every item is assigned, per-family train never empty when the family has dev/test', () => {
    const arb = fc
      .array(fc.record({ size: fc.integer({ min: 1, max: 6 }), family: fc.integer({ min: 0, max: 4 }) }), { minLength: 1, maxLength: 40 })
      .chain((spec) => fc.tuple(fc.constant(spec), fc.integer({ min: 0, max: 1000 }), fc.shuffledSubarray([...Array(spec.reduce((s, c) => s + c.size, 0)).keys()], { minLength: spec.reduce((s, c) => s + c.size, 0) })));
    fc.assert(
      fc.property(arb, ([spec, seed, order]) => {
        const families: string[] = [];
        const clusters: number[][] = [];
        let k = 0;
        for (const c of spec) {
          const members: number[] = [];
          for (let j = 0; j < c.size; j++) {
            const item = order[k++]!;
            members.push(item);
            families[item] = `F${c.family}`;
          }
          clusters.push(members);
        }
        const a = assignClusters(clusters, families, { seed });
        expect(a.sides).toHaveLength(families.length);
        clusters.forEach((members, c) => {
          for (const m of members) expect(a.sides[m]).toBe(a.clusterSides[c]);
        });
        for (const s of a.sides) expect(SPLIT_SIDES).toContain(s);
        for (const f of new Set(families)) {
          const sides = new Set(families.map((g, i) => (g === f ? a.sides[i] : undefined)).filter(Boolean));
          if (sides.has('dev') || sides.has('test')) expect(sides.has('train')).toBe(true);
        }
      }),
      { numRuns: 200, seed: 42 },
    );
  });
});
