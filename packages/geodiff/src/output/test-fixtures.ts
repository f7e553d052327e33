import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Molecule } from '../molecule/molecule';
import { parseSmiles } from '../molecule/parse-smiles';
import { readSdf } from '../molecule/sdf';

/**
 * Test support: the stereo fixtures (RDKit ETKDGv3 conformers written by __fixtures__/generate-stereo-fixtures.py),
 * each as the molecule parseSmiles makes of its SMILES data item plus the record's coordinates in that atom order.
 */
export interface StereoFixture {
  name: string;
  smiles: string;
  molecule: Molecule;
  coords: Float64Array;
}

const TEXT = readFileSync(new URL('./__fixtures__/stereo-etkdg.sdf', import.meta.url), 'utf8');

/** Loads the stereo fixtures by name, checking that the record's atom order is parseSmiles' atom order. */
export async function stereoFixtures(): Promise<Map<string, StereoFixture>> {
  const { molecules, skipped } = await readSdf(TEXT, { file: 'stereo-etkdg.sdf' });
  expect(skipped).toEqual([]);
  const out = new Map<string, StereoFixture>();
  for (const record of molecules) {
    const smiles = record.properties!.SMILES!;
    const molecule = await parseSmiles(smiles, { name: record.name! });
    expect(molecule.atoms.map((a) => a.element)).toEqual(record.atoms.map((a) => a.element));
    const bonds = (m: Molecule): string[] => m.bonds.map((b) => `${Math.min(b.i, b.j)}-${Math.max(b.i, b.j)}:${b.type}`).sort();
    expect(bonds(molecule)).toEqual(bonds(record));
    out.set(record.name!, { name: record.name!, smiles, molecule, coords: record.coords! });
  }
  return out;
}

/** The mirror image of a conformer (x negated). */
export function mirrored(coords: Float64Array): Float64Array {
  const out = Float64Array.from(coords);
  for (let i = 0; i < out.length; i += 3) out[i] = -out[i]!;
  return out;
}
