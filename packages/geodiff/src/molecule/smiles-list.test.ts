import { DataFormatError, InvalidArgumentError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { readSmilesList } from './smiles-list';

describe('readSmilesList', () => {
  it('reads a CSV with header, keeps n_conformers and skips bad rows with line and reason', async () => {
    const csv = ['smiles,n_conformers', 'CCO,4', 'C1CC,2', 'c1ccccc1,x', '', 'CCO.O,3', 'C[Sn](C)(C)C,1', '"CC(=O)O",2'].join('\n');
    const { molecules, skipped } = await readSmilesList(csv, 'test.csv');
    expect(molecules.map((m) => [m.line, m.smiles, m.nConformers, m.atoms.length])).toEqual([
      [2, 'CCO', 4, 9],
      [8, 'CC(=O)O', 2, 8],
    ]);
    expect(skipped.map((s) => [s.line, s.input, s.code])).toEqual([
      [3, 'C1CC', 'INVALID_SMILES'],
      [4, 'c1ccccc1', 'DATA_FORMAT'],
      [6, 'CCO.O', 'MULTIPLE_FRAGMENTS'],
      [7, 'C[Sn](C)(C)C', 'UNSUPPORTED_ELEMENT'],
    ]);
    expect(skipped[0]!.reason).toMatch(/^test\.csv:3 SMILES 'C1CC': invalid SMILES/);
    expect(skipped[1]!.reason).toMatch(/^test\.csv \(line 4\): n_conformers "x" is not a positive integer/);
    expect(skipped[3]!.reason).toContain('Sn');
  });

  it('reads a CSV without header: SMILES, then an optional count', async () => {
    const { molecules, skipped } = await readSmilesList('CCO,2\r\nc1ccccc1\r\n# comment\r\nCC#N,0\r\n', 'plain.csv');
    expect(molecules.map((m) => [m.line, m.smiles, m.nConformers])).toEqual([
      [1, 'CCO', 2],
      [2, 'c1ccccc1', undefined],
    ]);
    expect(skipped.map((s) => [s.line, s.code])).toEqual([[4, 'DATA_FORMAT']]);
  });

  it('finds named columns in any order', async () => {
    const { molecules } = await readSmilesList('ID,num_confs,SMILES\nethane,3,CC\n', 'named.csv');
    expect(molecules[0]).toMatchObject({ smiles: 'CC', name: 'ethane', nConformers: 3, line: 2 });
  });

  it('reads an unrecognised first row as data, reporting it rather than throwing', async () => {
    const { molecules, skipped } = await readSmilesList('compound,count\nCCO,2\n', 'odd.csv');
    expect(molecules.map((m) => m.line)).toEqual([2]);
    expect(skipped).toMatchObject([{ line: 1, input: 'compound', code: 'DATA_FORMAT' }]);
  });

  it('reads .smi lines as SMILES plus optional name, with an optional header', async () => {
    const smi = ['SMILES Name', '# a comment', 'CCO ethanol', 'c1ccccc1\tbenzene ring', 'C(', 'O'].join('\n');
    const { molecules, skipped } = await readSmilesList(smi, 'set.smi', { maxAtoms: 12 });
    expect(molecules.map((m) => [m.line, m.smiles, m.name])).toEqual([
      [3, 'CCO', 'ethanol'],
      [4, 'c1ccccc1', 'benzene ring'],
      [6, 'O', undefined],
    ]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ line: 5, input: 'C(', code: 'INVALID_SMILES' });
  });

  it('applies addHs and maxAtoms to every row', async () => {
    const { molecules, skipped } = await readSmilesList('CCO\nCCCCCC\n', 'x.smi', { addHs: false, maxAtoms: 5 });
    expect(molecules.map((m) => m.atoms.length)).toEqual([3]);
    expect(skipped[0]).toMatchObject({ line: 2, code: 'TOO_MANY_ATOMS' });
  });

  it('throws for an unknown extension or a CSV header without a SMILES column', async () => {
    await expect(readSmilesList('CCO', 'mols.xlsx')).rejects.toBeInstanceOf(InvalidArgumentError);
    expect((await readSmilesList('CCO', 'mols.dat', { format: 'smi' })).molecules).toHaveLength(1);
    await expect(readSmilesList('smiles\nCCO\n', 'a.csv')).resolves.toMatchObject({ skipped: [] });
    await expect(readSmilesList('mol,n_conformers\nCCO,2\n', 'b.csv')).rejects.toBeInstanceOf(DataFormatError);
    await expect(readSmilesList('', 'empty.csv')).resolves.toEqual({ molecules: [], skipped: [] });
  });
});
