import type { Mol } from '@rdkit/rdkit';
import { InvalidArgumentError } from '@lab/tensor-core';
import { SUPPORTED_ELEMENTS, elementSymbol, isSupportedElement } from './elements';
import { MultipleFragmentsError, TooManyAtomsError, UnsupportedBondError, UnsupportedElementError } from './errors';
import type { BondKind, InputLocation, Molecule, MoleculeAtom, MoleculeBond, ParseMoleculeOptions } from './molecule';

/** The parts of RDKit's JSON (`Mol.get_json()`, "rdkitjson" / commonchem) read here. */
interface RDKitJson {
  defaults?: { atom?: { z?: number; chg?: number }; bond?: { bo?: number } };
  molecules?: Array<{
    atoms?: Array<{ z?: number; chg?: number }>;
    bonds?: Array<{ atoms: [number, number]; bo?: number }>;
    conformers?: Array<{ dim?: number; coords?: number[][] }>;
    extensions?: Array<{ name?: string; aromaticAtoms?: number[]; aromaticBonds?: number[] }>;
  }>;
}

const BOND_KINDS: Record<number, BondKind> = { 1: 'single', 2: 'double', 3: 'triple' };

/**
 * Checks the parser options shared by every reader.
 * @internal
 */
export function checkParseOptions(options: ParseMoleculeOptions): void {
  const { maxAtoms } = options;
  if (maxAtoms !== undefined && !(Number.isInteger(maxAtoms) && maxAtoms >= 1)) {
    throw new InvalidArgumentError('maxAtoms', `maxAtoms must be a positive integer, got ${maxAtoms}.`);
  }
}

/** What {@link moleculeFromRDKit} needs besides the RDKit molecule. @internal */
export interface ConvertContext {
  /** How the molecule is named in errors (see `describeInput`). */
  label: string;
  location: InputLocation;
  smiles: string;
  maxAtoms: number | undefined;
  properties?: Record<string, string>;
}

/**
 * Reads atoms, bonds and the 3D conformer (if any) of a sanitised RDKit molecule and checks them against what GeoDiff
 * featurisation supports: one connected fragment, supported elements, single/double/triple/aromatic bonds, atom limit.
 * @internal
 */
export function moleculeFromRDKit(mol: Mol, ctx: ConvertContext): Molecule {
  const json = JSON.parse(mol.get_json()) as RDKitJson;
  const record = json.molecules?.[0] ?? {};
  const atomDefaults = json.defaults?.atom ?? {};
  const bondDefaults = json.defaults?.bond ?? {};
  const representation = (record.extensions ?? []).find((e) => e.name === 'rdkitRepresentation');
  const aromaticAtoms = new Set(representation?.aromaticAtoms ?? []);
  const aromaticBonds = new Set(representation?.aromaticBonds ?? []);

  const atoms: MoleculeAtom[] = (record.atoms ?? []).map((a, index) => {
    const atomicNumber = a.z ?? atomDefaults.z ?? 6;
    return { element: elementSymbol(atomicNumber), atomicNumber, formalCharge: a.chg ?? atomDefaults.chg ?? 0, aromatic: aromaticAtoms.has(index) };
  });
  const rawBonds = record.bonds ?? [];

  const fragments = fragmentSizes(atoms.length, rawBonds.map((b) => b.atoms));
  if (fragments.length > 1) throw new MultipleFragmentsError(ctx.label, fragments, ctx.location);

  atoms.forEach((atom, index) => {
    if (!isSupportedElement(atom.atomicNumber)) {
      throw new UnsupportedElementError(ctx.label, atom.element, atom.atomicNumber, index, Object.keys(SUPPORTED_ELEMENTS), ctx.location);
    }
  });

  const bonds: MoleculeBond[] = rawBonds.map((b, index) => {
    const [i, j] = b.atoms;
    if (aromaticBonds.has(index)) return { i, j, type: 'aromatic' };
    const order = b.bo ?? bondDefaults.bo ?? 1;
    const type = BOND_KINDS[order];
    if (type === undefined) {
      throw new UnsupportedBondError(ctx.label, index, `of order ${order} between atoms ${i} and ${j} (a zero-order, dative, query or higher-order bond)`, ctx.location);
    }
    return { i, j, type };
  });

  if (ctx.maxAtoms !== undefined && atoms.length > ctx.maxAtoms) {
    throw new TooManyAtomsError(ctx.label, atoms.length, ctx.maxAtoms, ctx.location);
  }

  const molecule: Molecule = { smiles: ctx.smiles, atoms, bonds };
  const conformer = record.conformers?.[0];
  if (conformer?.dim === 3 && conformer.coords !== undefined && conformer.coords.length === atoms.length) {
    const coords = new Float64Array(3 * atoms.length);
    conformer.coords.forEach((xyz, a) => coords.set([xyz[0] ?? 0, xyz[1] ?? 0, xyz[2] ?? 0], 3 * a));
    molecule.coords = coords;
  }
  if (ctx.location.name !== undefined) molecule.name = ctx.location.name;
  if (ctx.properties !== undefined) molecule.properties = ctx.properties;
  return molecule;
}

/** Atom counts of the connected components, largest first (union-find). */
function fragmentSizes(numAtoms: number, bonds: ReadonlyArray<readonly [number, number]>): number[] {
  const parent = Array.from({ length: numAtoms }, (_, i) => i);
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[x] !== root) {
      const next = parent[x]!;
      parent[x] = root;
      x = next;
    }
    return root;
  };
  for (const [i, j] of bonds) parent[find(i)] = find(j);
  const sizes = new Map<number, number>();
  for (let a = 0; a < numAtoms; a++) sizes.set(find(a), (sizes.get(find(a)) ?? 0) + 1);
  return [...sizes.values()].sort((a, b) => b - a);
}
