import { InvalidArgumentError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import type { Molecule } from '../molecule/molecule';
import { parseSmiles } from '../molecule/parse-smiles';
import { BOND_TYPE_IDS, NUM_BOND_TYPES, extendedEdgeType } from './edge-types';
import { type MoleculeGraph, featurize } from './featurize';

/** The edges as [source, target, type, order] rows. */
function edges(g: MoleculeGraph): number[][] {
  return Array.from({ length: g.numEdges }, (_, e) => [g.edgeIndex[e]!, g.edgeIndex[g.numEdges + e]!, g.edgeType[e]!, g.edgeOrder[e]!]);
}

function edgeMap(g: MoleculeGraph): Map<string, number> {
  return new Map(edges(g).map(([s, t, type]) => [`${s},${t}`, type!]));
}

/**
 * GeoDiff's `_extend_graph_order` written with dense matrices, as the reference does: A1 = binarize(adj + I),
 * A_k = binarize(A_{k-1} A1), order = sum_k k (A_k - A_{k-1}), type = bond type + (order > 1 ? 22 + order - 1 : 0).
 */
function referenceExtended(m: Molecule, order: number): number[][] {
  const n = m.atoms.length;
  const zeros = (): number[][] => Array.from({ length: n }, () => Array<number>(n).fill(0));
  const typeMat = zeros();
  const adj = zeros();
  for (const b of m.bonds) {
    adj[b.i]![b.j] = adj[b.j]![b.i] = 1;
    typeMat[b.i]![b.j] = typeMat[b.j]![b.i] = BOND_TYPE_IDS[b.type];
  }
  const eye: number[][] = zeros().map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
  const mats: number[][][] = [eye, adj.map((row, i) => row.map((v, j) => (v + eye[i]![j]! > 0 ? 1 : 0)))];
  for (let k = 2; k <= order; k++) {
    const prev = mats[k - 1]!;
    mats.push(prev.map((row, i) => row.map((_, j) => (row.reduce((acc, v, l) => acc + v * mats[1]![l]![j]!, 0) > 0 ? 1 : 0))));
  }
  const orderMat = zeros();
  for (let k = 1; k <= order; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) orderMat[i]![j]! += (mats[k]![i]![j]! - mats[k - 1]![i]![j]!) * k;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const o = orderMat[i]![j]!;
      const type = typeMat[i]![j]! + (o > 1 ? NUM_BOND_TYPES + o - 1 : 0);
      if (type !== 0) rows.push([i, j, type, o]);
    }
  }
  return rows;
}

describe('edge types', () => {
  it('uses RDKit BondType values for bonds and offsets k-hop edges past the 22 bond types', () => {
    expect(BOND_TYPE_IDS).toEqual({ single: 1, double: 2, triple: 3, aromatic: 12 });
    expect(extendedEdgeType(2)).toBe(23);
    expect(extendedEdgeType(3)).toBe(24);
    expect(() => extendedEdgeType(1)).toThrow(InvalidArgumentError);
  });
});

describe('featurize', () => {
  it('propane (heavy atoms): bonds of type 1 and the 1-3 pair of type 23, both directions, sorted', async () => {
    const g = featurize(await parseSmiles('CCC', { addHs: false }));
    expect(Array.from(g.atomType)).toEqual([6, 6, 6]);
    expect(edges(g)).toEqual([
      [0, 1, 1, 1],
      [0, 2, 23, 2],
      [1, 0, 1, 1],
      [1, 2, 1, 1],
      [2, 0, 23, 2],
      [2, 1, 1, 1],
    ]);
    expect(Array.from(g.bondIndex)).toEqual([0, 1, 1, 2, 1, 0, 2, 1]);
    expect(Array.from(g.bondType)).toEqual([1, 1, 1, 1]);
  });

  it('propene (heavy atoms): the double bond keeps type 2', async () => {
    const g = featurize(await parseSmiles('CC=C', { addHs: false }));
    expect(edges(g).map(([s, t, type]) => [s, t, type])).toEqual([
      [0, 1, 1],
      [0, 2, 23],
      [1, 0, 1],
      [1, 2, 2],
      [2, 0, 23],
      [2, 1, 2],
    ]);
  });

  it('ethene with hydrogens: bonds, 2-hop and 3-hop (H-C=C-H) edges for order 1, 2 and 3', async () => {
    // atoms: C0=C1, H2 and H3 on C0, H4 and H5 on C1
    const ethene = await parseSmiles('C=C');
    expect(ethene.atoms.map((a) => a.element)).toEqual(['C', 'C', 'H', 'H', 'H', 'H']);

    const order1 = featurize(ethene, { order: 1 });
    expect(order1.numEdges).toBe(10);
    expect(edges(order1).map(([s, t, type]) => [s, t, type])).toEqual([
      [0, 1, 2], [0, 2, 1], [0, 3, 1],
      [1, 0, 2], [1, 4, 1], [1, 5, 1],
      [2, 0, 1], [3, 0, 1], [4, 1, 1], [5, 1, 1],
    ]);

    const order2 = featurize(ethene, { order: 2 });
    expect(order2.numEdges).toBe(22);
    const m2 = edgeMap(order2);
    expect([m2.get('0,4'), m2.get('2,3'), m2.get('2,1'), m2.get('4,5'), m2.get('2,4')]).toEqual([23, 23, 23, 23, undefined]);

    const order3 = featurize(ethene);
    expect(order3.numEdges).toBe(30); // every ordered pair of the 6 atoms
    const m3 = edgeMap(order3);
    expect([m3.get('0,1'), m3.get('0,2'), m3.get('2,3'), m3.get('2,4'), m3.get('5,3')]).toEqual([2, 1, 23, 24, 24]);
    expect(edges(order3).filter(([, , , o]) => o === 3).map(([s, t]) => [s, t])).toEqual([
      [2, 4], [2, 5], [3, 4], [3, 5], [4, 2], [4, 3], [5, 2], [5, 3],
    ]);
  });

  it('stops at the requested order: butane 1-4 is a 3-hop edge, pentane 1-5 is no edge', async () => {
    const butane = edgeMap(featurize(await parseSmiles('CCCC', { addHs: false })));
    expect(butane.get('0,3')).toBe(24);
    expect(edgeMap(featurize(await parseSmiles('CCCC', { addHs: false }), { order: 2 })).has('0,3')).toBe(false);
    const pentane = edgeMap(featurize(await parseSmiles('CCCCC', { addHs: false })));
    expect(pentane.has('0,4')).toBe(false);
    expect(pentane.size).toBe(2 * (4 + 3 + 2));
  });

  it('benzene: aromatic bonds are type 12, meta pairs 23, para pairs 24; rings use the shortest path', async () => {
    const m = edgeMap(featurize(await parseSmiles('c1ccccc1', { addHs: false })));
    expect([m.get('0,1'), m.get('0,2'), m.get('0,3'), m.get('0,5')]).toEqual([12, 23, 24, 12]);
    const cyclopropane = featurize(await parseSmiles('C1CC1', { addHs: false }));
    expect(Array.from(cyclopropane.edgeType)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('matches the dense matrix-power definition of the reference on aspirin with hydrogens', async () => {
    const aspirin = await parseSmiles('CC(=O)Oc1ccccc1C(=O)O');
    for (const order of [1, 2, 3, 4]) {
      expect(edges(featurize(aspirin, { order }))).toEqual(referenceExtended(aspirin, order));
    }
  });

  it('gives symmetric, sorted edge lists without self loops', async () => {
    const g = featurize(await parseSmiles('CC(=O)Nc1ccc(O)cc1'));
    const rows = edges(g);
    const types = edgeMap(g);
    for (const [s, t, type] of rows) {
      expect(s).not.toBe(t);
      expect(types.get(`${t},${s}`)).toBe(type);
    }
    const keys = rows.map(([s, t]) => s! * g.numAtoms + t!);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(rows.filter(([, , , o]) => o === 1)).toHaveLength(g.bondType.length);
    expect(new Set(g.edgeOrder)).toEqual(new Set([1, 2, 3]));
  });

  it('handles a single atom and rejects malformed input', () => {
    const atom = { element: 'C', atomicNumber: 6, formalCharge: 0, aromatic: false };
    const single = featurize({ smiles: 'C', atoms: [atom], bonds: [] });
    expect(single.numEdges).toBe(0);
    expect(single.edgeIndex).toHaveLength(0);
    const two = { smiles: 'CC', atoms: [atom, atom] };
    expect(() => featurize({ ...two, bonds: [{ i: 0, j: 2, type: 'single' }] })).toThrow(InvalidArgumentError);
    expect(() => featurize({ ...two, bonds: [{ i: 1, j: 1, type: 'single' }] })).toThrow(/itself/);
    expect(() => featurize({ ...two, bonds: [{ i: 0, j: 1, type: 'single' }, { i: 1, j: 0, type: 'double' }] })).toThrow(/repeats/);
    expect(() => featurize({ ...two, bonds: [] }, { order: 0 })).toThrow(InvalidArgumentError);
  });
});
