import { InvalidArgumentError, LabError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { InvalidSmilesError, MoleculeError, MultipleFragmentsError, TooManyAtomsError, UnsupportedBondError, UnsupportedElementError } from './errors';
import type { Molecule } from './molecule';
import { parseSmiles } from './parse-smiles';

function elementCounts(m: Molecule): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of m.atoms) counts[a.element] = (counts[a.element] ?? 0) + 1;
  return counts;
}

function bondCounts(m: Molecule): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const b of m.bonds) counts[b.type] = (counts[b.type] ?? 0) + 1;
  return counts;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('parseSmiles', () => {
  it('adds hydrogens to ethanol after the heavy atoms, grouped by heavy atom', async () => {
    const m = await parseSmiles('CCO');
    expect(m.smiles).toBe('CCO');
    expect(m.atoms.map((a) => a.element)).toEqual(['C', 'C', 'O', 'H', 'H', 'H', 'H', 'H', 'H']);
    expect(m.atoms.map((a) => a.atomicNumber)).toEqual([6, 6, 8, 1, 1, 1, 1, 1, 1]);
    expect(m.bonds).toHaveLength(8);
    expect(bondCounts(m)).toEqual({ single: 8 });
    const hBonds = m.bonds.filter((b) => b.j >= 3).map((b) => [b.i, b.j]);
    expect(hBonds).toEqual([[0, 3], [0, 4], [0, 5], [1, 6], [1, 7], [2, 8]]);
    expect(m.coords).toBeUndefined();
  });

  it('keeps benzene aromatic: 6 aromatic C-C bonds, 6 single C-H bonds', async () => {
    const m = await parseSmiles('c1ccccc1');
    expect(m.atoms).toHaveLength(12);
    expect(elementCounts(m)).toEqual({ C: 6, H: 6 });
    expect(bondCounts(m)).toEqual({ aromatic: 6, single: 6 });
    expect(m.atoms.map((a) => a.aromatic)).toEqual([...Array<boolean>(6).fill(true), ...Array<boolean>(6).fill(false)]);
  });

  it('perceives aromaticity in a Kekulé SMILES and canonicalises it', async () => {
    const m = await parseSmiles('C1=CC=CC=C1');
    expect(m.smiles).toBe('c1ccccc1');
    expect(bondCounts(m)).toEqual({ aromatic: 6, single: 6 });
  });

  it('parses aspirin as C9H8O4 with one aromatic ring and two C=O', async () => {
    const m = await parseSmiles('CC(=O)Oc1ccccc1C(=O)O');
    expect(m.atoms).toHaveLength(21);
    expect(elementCounts(m)).toEqual({ C: 9, H: 8, O: 4 });
    expect(m.bonds).toHaveLength(21);
    expect(bondCounts(m)).toEqual({ aromatic: 6, double: 2, single: 13 });
    expect(m.atoms.filter((a) => a.aromatic)).toHaveLength(6);
    expect(m.smiles).toBe('CC(=O)Oc1ccccc1C(=O)O');
  });

  it('leaves hydrogens implicit with addHs: false', async () => {
    const m = await parseSmiles('CC(=O)Oc1ccccc1C(=O)O', { addHs: false });
    expect(m.atoms).toHaveLength(13);
    expect(bondCounts(m)).toEqual({ aromatic: 6, double: 2, single: 5 });
  });

  it('reads formal charges and triple bonds', async () => {
    const ammonium = await parseSmiles('C[N+](C)(C)C');
    expect(ammonium.atoms).toHaveLength(17);
    expect(ammonium.atoms.map((a) => a.formalCharge).filter((c) => c !== 0)).toEqual([1]);
    expect(ammonium.atoms[1]).toEqual({ element: 'N', atomicNumber: 7, formalCharge: 1, aromatic: false });
    const acetonitrile = await parseSmiles('CC#N', { name: 'acetonitrile' });
    expect(acetonitrile.name).toBe('acetonitrile');
    expect(bondCounts(acetonitrile)).toEqual({ single: 4, triple: 1 });
  });

  it('accepts every supported element', async () => {
    const m = await parseSmiles('FC(Cl)(Br)C(I)C(=O)N[Si](C)(C)CP(=O)(O)OCS[Se]CB(O)O');
    expect(new Set(m.atoms.map((a) => a.element))).toEqual(new Set(['F', 'C', 'Cl', 'Br', 'I', 'O', 'N', 'Si', 'P', 'S', 'Se', 'B', 'H']));
  });

  it('rejects an invalid SMILES with a typed error naming the input, the reason and a fix', async () => {
    const e = await rejection(parseSmiles('C1CC', { file: 'mols.csv', line: 3 }));
    expect(e).toBeInstanceOf(InvalidSmilesError);
    expect(e).toBeInstanceOf(MoleculeError);
    expect(LabError.isInstance(e)).toBe(true);
    const err = e as InvalidSmilesError;
    expect(err.code).toBe('INVALID_SMILES');
    expect(err.molecule).toBe("mols.csv:3 SMILES 'C1CC'");
    expect(err.message).toMatch(/^mols\.csv:3 SMILES 'C1CC': invalid SMILES: .*unclosed ring/);
    expect(err.message).toContain('Fix the SMILES');
    expect(err.location).toEqual({ file: 'mols.csv', line: 3 });
  });

  it('reports valence and kekulisation failures from RDKit', async () => {
    await expect(parseSmiles('CC(C)(C)(C)(C)C')).rejects.toThrow(/valence/i);
    await expect(parseSmiles('c1cccc1')).rejects.toThrow(/kekulize/i);
  });

  it('rejects empty input and SMILES with whitespace', async () => {
    await expect(parseSmiles('   ')).rejects.toThrow(/empty/);
    const e = await rejection(parseSmiles('CCO ethanol'));
    expect(e).toBeInstanceOf(InvalidSmilesError);
    expect((e as Error).message).toMatch(/whitespace/);
  });

  it('rejects multiple fragments, with their sizes', async () => {
    const e = await rejection(parseSmiles('CCO.O'));
    expect(e).toBeInstanceOf(MultipleFragmentsError);
    const err = e as MultipleFragmentsError;
    expect(err.code).toBe('MULTIPLE_FRAGMENTS');
    expect(err.fragmentSizes).toEqual([9, 3]);
    expect(err.message).toMatch(/^SMILES 'CCO\.O': 2 disconnected fragments/);
    expect(err.message).toMatch(/salts/);
    await expect(parseSmiles('CC(=O)[O-].[Na+]')).rejects.toBeInstanceOf(MultipleFragmentsError);
  });

  it('rejects unsupported elements, naming the element and the atom', async () => {
    const e = await rejection(parseSmiles('C[Sn](C)(C)C', { name: 'tetramethyltin' }));
    expect(e).toBeInstanceOf(UnsupportedElementError);
    const err = e as UnsupportedElementError;
    expect(err.code).toBe('UNSUPPORTED_ELEMENT');
    expect(err.element).toBe('Sn');
    expect(err.atomicNumber).toBe(50);
    expect(err.atomIndex).toBe(1);
    expect(err.message).toContain(`SMILES 'C[Sn](C)(C)C' ("tetramethyltin")`);
    expect(err.message).toContain('Supported elements: H, B, C, N, O, F, Si, P, S, Cl, Se, Br, I');
    const dummy = await rejection(parseSmiles('*CC'));
    expect((dummy as UnsupportedElementError).atomicNumber).toBe(0);
    expect((dummy as Error).message).toMatch(/dummy atom/);
  });

  it('rejects bonds that are not single, double, triple or aromatic', async () => {
    await expect(parseSmiles('C~C')).rejects.toBeInstanceOf(UnsupportedBondError);
  });

  it('enforces maxAtoms on the atom count with hydrogens', async () => {
    const e = await rejection(parseSmiles('CCO', { maxAtoms: 8 }));
    expect(e).toBeInstanceOf(TooManyAtomsError);
    expect((e as TooManyAtomsError).numAtoms).toBe(9);
    expect((e as Error).message).toMatch(/9 atoms .* exceed maxAtoms = 8/);
    expect((await parseSmiles('CCO', { maxAtoms: 9 })).atoms).toHaveLength(9);
    await expect(parseSmiles('CCO', { maxAtoms: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
