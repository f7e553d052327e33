import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectArgumentError } from '../diffusion/expect-argument-error';
import { parseSmiles } from '../molecule/parse-smiles';
import { readSdf } from '../molecule/sdf';
import { checkStereo } from './check-stereo';
import { CONFORMER_SDF_KEYS } from './conformer-set';
import { type StereoFixture, mirrored, stereoFixtures } from './test-fixtures';
import { conformersToSdf, writeConformersSdf } from './write-conformers-sdf';

let ibu: StereoFixture;
let ala: StereoFixture;
const dir = mkdtempSync(join(tmpdir(), 'geodiff-sdf-'));

beforeAll(async () => {
  const fixtures = await stereoFixtures();
  ibu = fixtures.get('(S)-ibuprofen')!;
  ala = fixtures.get('L-alanine')!;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shifted = (coords: Float64Array, dx: number): Float64Array => Float64Array.from(coords, (v, i) => (i % 3 === 0 ? v + dx : v));

describe('conformersToSdf', () => {
  it('writes one record per conformer that readSdf reads back with atoms, coordinates and data items', async () => {
    const conformers = [ibu.coords, shifted(ibu.coords, 2.5)];
    const text = conformersToSdf({
      molecule: ibu.molecule,
      conformers,
      inputSmiles: ibu.smiles,
      seed: [11, 12],
      sampler: 'ddpm',
      steps: 5000,
      properties: { model: 'drugs_default', temperature: 1.5, refined: false },
      conformerProperties: [{ MMFF94_ENERGY: 24.345248 }, undefined],
    });
    expect(text.match(/\$\$\$\$\n/g)).toHaveLength(2);
    const { molecules, skipped } = await readSdf(text);
    expect(skipped).toEqual([]);
    expect(molecules).toHaveLength(2);
    molecules.forEach((m, k) => {
      expect(m.name).toBe('(S)-ibuprofen');
      expect(m.smiles).toBe(ibu.molecule.smiles); // stereo perceived from the written 3D coordinates
      expect(m.atoms).toEqual(ibu.molecule.atoms);
      expect(m.bonds).toEqual(ibu.molecule.bonds);
      m.coords!.forEach((v, i) => expect(Math.abs(v - conformers[k]![i]!)).toBeLessThanOrEqual(5e-5));
    });
    expect(molecules[0]!.properties).toEqual({
      SMILES: 'CC(C)Cc1ccc([C@H](C)C(=O)O)cc1',
      CANONICAL_SMILES: 'CC(C)Cc1ccc([C@H](C)C(=O)O)cc1',
      CONFORMER_INDEX: '0',
      SEED: '11',
      SAMPLER: 'ddpm',
      STEPS: '5000',
      model: 'drugs_default',
      temperature: '1.5',
      refined: 'false',
      MMFF94_ENERGY: '24.345248',
    });
    expect(molecules[1]!.properties).toMatchObject({ CONFORMER_INDEX: '1', SEED: '12' });
    expect(molecules[1]!.properties).not.toHaveProperty('MMFF94_ENERGY');
    // data items in a fixed order: the writer's, then the shared extras, then the per-conformer ones
    const keys = [...text.split('$$$$')[0]!.matchAll(/^> <([^>]+)>$/gm)].map((m) => m[1]);
    expect(keys).toEqual(['SMILES', 'CANONICAL_SMILES', 'CONFORMER_INDEX', 'SEED', 'SAMPLER', 'STEPS', 'model', 'temperature', 'refined', 'MMFF94_ENERGY']);
  });

  it('titles records with the SMILES when the molecule has no name, and writes only the given metadata', async () => {
    const molecule = await parseSmiles('CC(=O)O'); // no name, no coordinates of its own
    const coords = new Float64Array(3 * molecule.atoms.length).map((_, i) => i * 0.1);
    const text = conformersToSdf({ molecule, conformers: coords, firstIndex: 7 });
    expect(text.split('\n')[0]).toBe('CC(=O)O');
    expect(text.split('\n')[1]).toBe(`  geodiff${' '.repeat(11)}3D`);
    const [read] = (await readSdf(text)).molecules;
    expect(read!.properties).toEqual({ SMILES: 'CC(=O)O', CANONICAL_SMILES: 'CC(=O)O', CONFORMER_INDEX: '7' });
    expect(conformersToSdf({ molecule, conformers: [] })).toBe('');
  });

  it('writes several molecules set by set, and STEREO_CHECK from checkStereo reports', async () => {
    const conformers = [ibu.coords, mirrored(ibu.coords)];
    const stereo = await checkStereo(ibu.molecule, conformers);
    const text = conformersToSdf([
      { molecule: ibu.molecule, conformers, stereo, seed: 3 },
      { molecule: ala.molecule, conformers: [ala.coords], sampler: 'ld' },
    ]);
    const { molecules } = await readSdf(text);
    expect(molecules.map((m) => [m.name, m.properties![CONFORMER_SDF_KEYS.conformerIndex], m.properties![CONFORMER_SDF_KEYS.stereoCheck]])).toEqual([
      ['(S)-ibuprofen', '0', 'ok (1 stereo element)'],
      ['(S)-ibuprofen', '1', 'mismatch: atom 8 (C) expected S, found R'],
      ['L-alanine', '0', undefined],
    ]);
    expect(molecules[1]!.smiles).toBe('CC(C)Cc1ccc([C@@H](C)C(=O)O)cc1'); // the flagged record really is (R)
    expect(molecules.map((m) => m.properties!.SEED ?? null)).toEqual(['3', '3', null]);
  });

  it('rejects bad conformers, misaligned metadata and unsafe data items, naming the field', () => {
    const molecule = ala.molecule;
    const conformers = [ala.coords];
    expectArgumentError(() => conformersToSdf({ molecule, conformers: [ala.coords.subarray(1)] }), 'set.conformers');
    expectArgumentError(() => conformersToSdf({ molecule, conformers: new Float64Array(ala.coords.length + 3) }), 'set.conformers');
    const far = Float64Array.from(ala.coords);
    far[0] = 1e6;
    expectArgumentError(() => conformersToSdf({ molecule, conformers: [far] }), 'conformers');
    const nan = Float64Array.from(ala.coords);
    nan[5] = Number.POSITIVE_INFINITY;
    expectArgumentError(() => conformersToSdf([{ molecule, conformers: [nan] }]), 'sets[0].conformers');
    expectArgumentError(() => conformersToSdf({ molecule, conformers, seed: [1, 2] }), 'seed');
    expectArgumentError(() => conformersToSdf({ molecule, conformers, stereo: [] }), 'stereo');
    expectArgumentError(() => conformersToSdf({ molecule, conformers, conformerProperties: [{}, {}] }), 'conformerProperties');
    expectArgumentError(() => conformersToSdf({ molecule, conformers, properties: { SMILES: 'x' } }), 'properties');
    expectArgumentError(() => conformersToSdf({ molecule, conformers, properties: { 'a<b': 1 } }), 'properties');
    expectArgumentError(() => conformersToSdf({ molecule, conformers, conformerProperties: [{ note: 'two\n\nparagraphs' }] }), 'conformerProperties');
    expectArgumentError(() => conformersToSdf({ molecule, conformers, sampler: 'ddpm\n$$$$' }), 'sampler');
    expectArgumentError(() => conformersToSdf({ molecule, conformers, properties: { note: 'x\n$$$$' } }), 'properties');
    expectArgumentError(() => conformersToSdf({ molecule, conformers, firstIndex: -1 }), 'firstIndex');
    expect(() => conformersToSdf({ molecule, conformers, properties: { SEED: 1 } })).toThrow(/reserved data item name "SEED"/);
    // multi-line values without blank lines are fine
    expect(conformersToSdf({ molecule, conformers, properties: { note: 'line 1\nline 2' } })).toContain('> <note>\nline 1\nline 2\n\n');
  });
});

describe('writeConformersSdf', () => {
  it('writes the same text to a file, leaving no temporary file behind', async () => {
    const path = join(dir, 'ala.sdf');
    await writeConformersSdf(path, { molecule: ala.molecule, conformers: [ala.coords], seed: 1 });
    expect(readFileSync(path, 'utf8')).toBe(conformersToSdf({ molecule: ala.molecule, conformers: [ala.coords], seed: 1 }));
    await writeConformersSdf(path, { molecule: ala.molecule, conformers: [] }); // replaces
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(readdirSync(dir)).toEqual(['ala.sdf']);
    await expect(writeConformersSdf(join(dir, 'missing', 'x.sdf'), { molecule: ala.molecule, conformers: [ala.coords] })).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual(['ala.sdf']);
  });
});
