import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Molecule, ReadMolecule } from '../molecule/molecule';
import { readSdf } from '../molecule/sdf';

/** One molecule of an rdkit-mmff-reference.py output: the ETKDG start conformer and RDKit's MMFF94 minimum. */
export interface MmffReference {
  name: string;
  smiles: string;
  /** The molecule with the start coordinates (atoms in MolFromSmiles + AddHs order). */
  molecule: ReadMolecule;
  start: Float64Array;
  /** RDKit MMFF94 and MMFF94s energies of `start` (kcal/mol). */
  rdkitMmff94: number;
  rdkitMmff94s: number;
  /** The conformer after RDKit MMFFOptimizeMolecule (MMFF94, maxIters 10000), its energy and return code. */
  rdkitMinimised: Float64Array;
  rdkitMinimisedEnergy: number;
  rdkitStatus: number;
}

/** Reads an SD file written by __fixtures__/rdkit-mmff-reference.py (start / rdkit-minimised record pairs). */
export async function readMmffReferences(text: string): Promise<MmffReference[]> {
  const { molecules, skipped } = await readSdf(text);
  expect(skipped).toEqual([]);
  const out: MmffReference[] = [];
  for (let k = 0; k < molecules.length; k += 2) {
    const start = molecules[k]!;
    const min = molecules[k + 1]!;
    expect([start.properties!.ROLE, min.properties!.ROLE]).toEqual(['start', 'rdkit-minimised']);
    out.push({
      name: start.name!,
      smiles: start.properties!.SMILES!,
      molecule: start,
      start: start.coords!,
      rdkitMmff94: Number(start.properties!.MMFF94_ENERGY),
      rdkitMmff94s: Number(start.properties!.MMFF94S_ENERGY),
      rdkitMinimised: min.coords!,
      rdkitMinimisedEnergy: Number(min.properties!.MMFF94_ENERGY),
      rdkitStatus: Number(min.properties!.RDKIT_MINIMISE_STATUS),
    });
  }
  return out;
}

/** The committed fixture: six drug-like molecules, RDKit 2022.09.3 ETKDGv3 conformers and MMFF94 references. */
export async function committedMmffReferences(): Promise<MmffReference[]> {
  return readMmffReferences(readFileSync(new URL('./__fixtures__/mmff-etkdg.sdf', import.meta.url), 'utf8'));
}

/** Bond lengths (Å) of `coords`, in `molecule.bonds` order. */
export function bondLengths(molecule: Molecule, coords: ArrayLike<number>): number[] {
  return molecule.bonds.map(({ i, j }) => Math.hypot(coords[3 * i]! - coords[3 * j]!, coords[3 * i + 1]! - coords[3 * j + 1]!, coords[3 * i + 2]! - coords[3 * j + 2]!));
}

/** Heavy-atom pairs closer than 1.25 x the sum of covalent radii, as sorted `i-j` keys: a bond graph from geometry. */
export function perceivedHeavyBonds(molecule: Molecule, coords: ArrayLike<number>): string[] {
  const radius: Record<string, number> = { C: 0.76, N: 0.71, O: 0.66, F: 0.57, S: 1.05, Cl: 1.02, Br: 1.2, P: 1.07, I: 1.39, Si: 1.11 };
  const heavy = molecule.atoms.map((a, i) => [a, i] as const).filter(([a]) => a.element !== 'H');
  const out: string[] = [];
  for (const [a, i] of heavy) {
    for (const [b, j] of heavy) {
      if (j <= i) continue;
      const d = Math.hypot(coords[3 * i]! - coords[3 * j]!, coords[3 * i + 1]! - coords[3 * j + 1]!, coords[3 * i + 2]! - coords[3 * j + 2]!);
      if (d < 1.25 * ((radius[a.element] ?? 1) + (radius[b.element] ?? 1))) out.push(`${i}-${j}`);
    }
  }
  return out.sort();
}

/** The molecule's heavy-atom bonds as sorted `i-j` keys. */
export function heavyBonds(molecule: Molecule): string[] {
  return molecule.bonds
    .filter(({ i, j }) => molecule.atoms[i]!.element !== 'H' && molecule.atoms[j]!.element !== 'H')
    .map(({ i, j }) => `${Math.min(i, j)}-${Math.max(i, j)}`)
    .sort();
}

/** The same molecule and coordinates with atoms renumbered: new atom k is old atom `order[k]`. */
export function renumbered(molecule: Molecule, coords: Float64Array, order: readonly number[]): { molecule: Molecule; coords: Float64Array } {
  const inverse = new Array<number>(order.length);
  order.forEach((old, k) => (inverse[old] = k));
  const out = new Float64Array(coords.length);
  order.forEach((old, k) => out.set(coords.subarray(3 * old, 3 * old + 3), 3 * k));
  return {
    molecule: {
      smiles: molecule.smiles,
      atoms: order.map((old) => molecule.atoms[old]!),
      bonds: molecule.bonds.map((b) => ({ i: inverse[b.i]!, j: inverse[b.j]!, type: b.type })),
    },
    coords: out,
  };
}
