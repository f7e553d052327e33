import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { InvalidMolBlockError } from './errors';
import { parseSmiles } from './parse-smiles';
import { parseMolBlock, readSdf, toMolBlock, writeSdf } from './sdf';

// SYNTHETIC fixture: six hand-written records (water, ethene, a pentavalent carbon, a Na+/Cl- salt, a record cut off
// before "M  END", heavy-atom methanol); coordinates are made up, not from any dataset.
const FIXTURE = readFileSync(new URL('./__fixtures__/synthetic.sdf', import.meta.url), 'utf8');

describe('readSdf', () => {
  it('reads the valid records with names, properties and exact coordinates, and reports the bad ones', async () => {
    const { molecules, skipped } = await readSdf(FIXTURE, { file: 'synthetic.sdf' });
    expect(molecules.map((m) => [m.name, m.line, m.smiles])).toEqual([
      ['synthetic-water', 1, 'O'],
      ['synthetic-ethene', 18, 'C=C'],
      ['synthetic-methanol-heavy', 69, 'CO'],
    ]);
    const [water, ethene] = molecules;
    expect(water!.atoms.map((a) => a.element)).toEqual(['O', 'H', 'H']);
    expect(water!.bonds).toEqual([
      { i: 0, j: 1, type: 'single' },
      { i: 0, j: 2, type: 'single' },
    ]);
    expect(Array.from(water!.coords!)).toEqual([0, 0, 0.1173, 0, 0.7572, -0.4692, 0, -0.7572, -0.4692]);
    expect(water!.properties).toEqual({ energy_kcal: '-1.5', source: 'SYNTHETIC' });
    expect(ethene!.bonds[0]).toEqual({ i: 0, j: 1, type: 'double' });
    expect(ethene!.coords).toHaveLength(18);
    expect(ethene!.coords![5]).toBe(-0.6695);

    expect(skipped.map((s) => [s.line, s.input, s.code])).toEqual([
      [38, 'synthetic-bad-valence', 'INVALID_MOLBLOCK'],
      [55, 'synthetic-salt', 'MULTIPLE_FRAGMENTS'],
      [64, 'synthetic-truncated', 'INVALID_MOLBLOCK'],
    ]);
    expect(skipped[0]!.reason).toMatch(/^synthetic\.sdf:38 record "synthetic-bad-valence": invalid molblock: .*valence/);
    expect(skipped[1]!.reason).toMatch(/^synthetic\.sdf:55 record "synthetic-salt": 2 disconnected fragments/);
    expect(skipped[2]!.reason).toMatch(/no "M {2}END" line/);
  });

  it('keeps the file atoms by default and adds hydrogens with RDKit-placed coordinates on request', async () => {
    const plain = (await readSdf(FIXTURE)).molecules[2]!;
    expect(plain.atoms).toHaveLength(2);
    const withHs = (await readSdf(FIXTURE, { addHs: true })).molecules[2]!;
    expect(withHs.atoms.map((a) => a.element)).toEqual(['C', 'O', 'H', 'H', 'H', 'H']);
    expect(withHs.coords).toHaveLength(18);
    expect(Array.from(withHs.coords!.subarray(0, 6))).toEqual([-0.71, 0, 0, 0.71, 0, 0]);
    const ch = Math.hypot(withHs.coords![6]! + 0.71, withHs.coords![7]!, withHs.coords![8]!);
    expect(ch).toBeGreaterThan(0.9);
    expect(ch).toBeLessThan(1.2);
  });

  it('skips records over maxAtoms without throwing', async () => {
    const { molecules, skipped } = await readSdf(FIXTURE, { maxAtoms: 4 });
    expect(molecules.map((m) => m.name)).toEqual(['synthetic-water', 'synthetic-methanol-heavy']);
    expect(skipped.find((s) => s.input === 'synthetic-ethene')?.code).toBe('TOO_MANY_ATOMS');
  });

  it('returns nothing for an empty file', async () => {
    expect(await readSdf('\n\n')).toEqual({ molecules: [], skipped: [] });
  });
});

describe('writeSdf / toMolBlock', () => {
  it('round-trips atoms, bonds, coordinates, names and properties through readSdf', async () => {
    const first = await readSdf(FIXTURE);
    const text = writeSdf(first.molecules);
    const again = await readSdf(text);
    expect(again.skipped).toEqual([]);
    expect(again.molecules).toHaveLength(first.molecules.length);
    again.molecules.forEach((m, k) => {
      const original = first.molecules[k]!;
      expect(m.name).toBe(original.name);
      expect(m.smiles).toBe(original.smiles);
      expect(m.atoms).toEqual(original.atoms);
      expect(m.bonds).toEqual(original.bonds);
      expect(Array.from(m.coords!)).toEqual(Array.from(original.coords!));
      expect(m.properties).toEqual(original.properties);
    });
  });

  it('writes aromatic bonds and charges that RDKit reads back', async () => {
    const pyridinium = await parseSmiles('c1cc[nH+]cc1', { name: 'pyridinium' });
    const coords = new Float64Array(3 * pyridinium.atoms.length);
    pyridinium.atoms.forEach((_, a) => coords.set([Math.cos(a), Math.sin(a), 0.1 * a], 3 * a));
    const back = await parseMolBlock(toMolBlock({ ...pyridinium, coords }));
    expect(back.name).toBe('pyridinium');
    expect(back.smiles).toBe(pyridinium.smiles);
    expect(back.atoms).toEqual(pyridinium.atoms);
    expect(back.bonds).toEqual(pyridinium.bonds);
    expect(Array.from(back.coords!)).toEqual(Array.from(coords, (v) => Number(v.toFixed(4))));
  });

  it('writes a molecule without coordinates as 2D zeros, read back without coordinates', async () => {
    const ethanol = await parseSmiles('CCO');
    const block = toMolBlock(ethanol);
    expect(block.split('\n')[1]).toMatch(/2D$/);
    const back = await parseMolBlock(block);
    expect(back.coords).toBeUndefined();
    expect(back.atoms).toEqual(ethanol.atoms);
  });

  it('rejects coordinates of the wrong length', () => {
    expect(() => toMolBlock({ smiles: 'C', atoms: [{ element: 'C', atomicNumber: 6, formalCharge: 0, aromatic: false }], bonds: [], coords: new Float64Array(2) })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('parseMolBlock', () => {
  it('throws typed errors for a block without M  END or without atoms', async () => {
    await expect(parseMolBlock('title\n\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\n')).rejects.toBeInstanceOf(InvalidMolBlockError);
    await expect(parseMolBlock('empty\n  handmade\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n')).rejects.toThrow(/no atoms/);
  });
});
