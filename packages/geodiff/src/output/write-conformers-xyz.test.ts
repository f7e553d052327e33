import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectArgumentError } from '../diffusion/expect-argument-error';
import type { Molecule } from '../molecule/molecule';
import { parseSmiles } from '../molecule/parse-smiles';
import { conformersToXyz, writeConformersXyz } from './write-conformers-xyz';

const dir = mkdtempSync(join(tmpdir(), 'geodiff-xyz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// SYNTHETIC water geometry (O-H 0.9572 Å, H-O-H 104.52°), atoms in parseSmiles('O') order: O, H, H
const WATER = Float64Array.from([0, 0, 0.1173, 0, 0.7572, -0.4692, 0, -0.7572, -0.4692]);

describe('conformersToXyz', () => {
  it('writes standard multi-frame XYZ with a key=value comment line', async () => {
    const water = await parseSmiles('O', { name: 'water' });
    const moved = WATER.map((v, i) => (i % 3 === 2 ? v + 1 : v));
    const text = conformersToXyz({ molecule: water, conformers: [WATER, moved], seed: 7, sampler: 'ddpm', steps: 100 });
    expect(text).toBe(
      [
        '3',
        'name=water SMILES=O CANONICAL_SMILES=O CONFORMER_INDEX=0 SEED=7 SAMPLER=ddpm STEPS=100',
        'O      0.000000     0.000000     0.117300',
        'H      0.000000     0.757200    -0.469200',
        'H      0.000000    -0.757200    -0.469200',
        '3',
        'name=water SMILES=O CANONICAL_SMILES=O CONFORMER_INDEX=1 SEED=7 SAMPLER=ddpm STEPS=100',
        'O      0.000000     0.000000     1.117300',
        'H      0.000000     0.757200     0.530800',
        'H      0.000000    -0.757200     0.530800',
        '',
      ].join('\n'),
    );
  });

  it('frames parse back: atom count, elements and coordinates', async () => {
    const molecule = await parseSmiles('C/C=C/C', { name: 'trans 2-butene "E"' });
    const coords = Float64Array.from({ length: 3 * molecule.atoms.length }, (_, i) => Math.sin(i) * 3);
    const text = conformersToXyz({ molecule, conformers: coords, properties: { note: 'a b', ok: true } }, { precision: 8 });
    const lines = text.trimEnd().split('\n');
    expect(Number(lines[0])).toBe(12);
    expect(lines[1]).toBe(
      'name="trans 2-butene \\"E\\"" SMILES="C/C=C/C" CANONICAL_SMILES="C/C=C/C" CONFORMER_INDEX=0 note="a b" ok=true',
    );
    const atoms = lines.slice(2).map((l) => l.trim().split(/\s+/));
    expect(atoms.map((a) => a[0])).toEqual(molecule.atoms.map((a) => a.element));
    atoms.forEach((a, i) => a.slice(1).forEach((v, d) => expect(Math.abs(Number(v) - coords[3 * i + d]!)).toBeLessThan(1e-8)));
  });

  it('quotes SMILES with = or backslashes, and writes a molecule without name under its SMILES', async () => {
    const molecule: Molecule = await parseSmiles('C/C=C\\C');
    const text = conformersToXyz({ molecule, conformers: new Float64Array(36) });
    expect(text.split('\n')[1]).toBe('name="C/C=C\\\\C" SMILES="C/C=C\\\\C" CANONICAL_SMILES="C/C=C\\\\C" CONFORMER_INDEX=0');
    expect(text.split('\n')[2]).toBe('C      0.000000     0.000000     0.000000'); // no "-0.000000"
  });

  it('rejects a bad precision and bad conformers', async () => {
    const water = await parseSmiles('O');
    expectArgumentError(() => conformersToXyz({ molecule: water, conformers: [WATER] }, { precision: 0 }), 'precision');
    expectArgumentError(() => conformersToXyz({ molecule: water, conformers: [WATER] }, { precision: 2.5 }), 'precision');
    expectArgumentError(() => conformersToXyz({ molecule: water, conformers: [WATER.subarray(0, 6)] }), 'set.conformers');
  });
});

describe('writeConformersXyz', () => {
  it('writes the same text to a file', async () => {
    const water = await parseSmiles('O', { name: 'water' });
    const path = join(dir, 'water.xyz');
    await writeConformersXyz(path, { molecule: water, conformers: [WATER] }, { precision: 3 });
    expect(readFileSync(path, 'utf8')).toBe(conformersToXyz({ molecule: water, conformers: [WATER] }, { precision: 3 }));
    expect(readFileSync(path, 'utf8').split('\n')[2]).toBe('O      0.000     0.000     0.117');
    expect(readdirSync(dir)).toEqual(['water.xyz']);
  });
});
