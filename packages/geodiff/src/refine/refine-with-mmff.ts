import { InvalidArgumentError, type WithProgress, throttleProgress } from '@lab/tensor-core';
import type { Molecule as OclMolecule } from 'openchemlib';
import { describeInput } from '../molecule/errors';
import type { Molecule } from '../molecule/molecule';
import { loadedRDKit, takeRDKitLog, withMol } from '../molecule/rdkit';
import { toMolBlock } from '../molecule/sdf';
import { type ConformerCoords, conformerList } from '../output/conformer-coords';
import { ForceFieldError } from './errors';
import { type OpenChemLib, loadOpenChemLib } from './openchemlib';

/** The MMFF94 parameter sets: `MMFF94` (RDKit's default) and `MMFF94s` (planar delocalised nitrogens, for minimisation). */
export type MmffVariant = 'MMFF94' | 'MMFF94s';

/**
 * The variants {@link refineWithMmff} accepts (openchemlib's own `MMFF94s+` is left out: RDKit has no counterpart).
 * @example
 * ```ts
 * MMFF_VARIANTS.includes(userChoice) // 'MMFF94' | 'MMFF94s'
 * ```
 */
export const MMFF_VARIANTS: readonly MmffVariant[] = Object.freeze(['MMFF94', 'MMFF94s']);

/** Options of {@link mmffEnergies}. */
export interface MmffOptions {
  /** The parameter set. @default 'MMFF94' */
  variant?: MmffVariant;
}

/** Options of {@link refineWithMmff}. */
export interface RefineWithMmffOptions extends MmffOptions {
  /** Maximum minimiser iterations (openchemlib's BFGS, like RDKit's). @default 4000 */
  maxIterations?: number;
  /** Stop when the scaled gradient falls below this (openchemlib's and RDKit's `gradTol`/`forceTol`). @default 1e-4 */
  gradientTolerance?: number;
  /** Energy tolerance of the line search (`funcTol`). @default 1e-6 */
  energyTolerance?: number;
}

/** Options of {@link refineConformersWithMmff}. */
export interface RefineConformersWithMmffOptions extends RefineWithMmffOptions, WithProgress {
  /** Stops the batch between two conformers (throws the signal's reason). */
  signal?: AbortSignal;
}

/** How a minimisation ended: converged, out of iterations, or the line search found no lower energy. */
export type MmffStatus = 'converged' | 'max-iterations' | 'line-search-failed';

/** The result of refining one conformer. */
export interface MmffRefinement {
  /** The refined coordinates in Å, in the molecule's atom order. */
  coords: Float64Array;
  /** MMFF94 energy of the input coordinates (kcal/mol). */
  energyBefore: number;
  /** MMFF94 energy of `coords` (kcal/mol). */
  energyAfter: number;
  /** True when the minimiser met its gradient or step criterion (`status === 'converged'`). */
  converged: boolean;
  /** How the minimisation ended. */
  status: MmffStatus;
}

const STATUS: Record<number, MmffStatus> = { 0: 'converged', 1: 'max-iterations', 2: 'line-search-failed' };

/** A molecule read into openchemlib once, for all its conformers. */
interface PreparedMmff {
  ocl: OpenChemLib;
  mol: OclMolecule;
  /** `map[ourAtom] = openchemlibAtom` */
  map: number[];
  molecule: Molecule;
  label: string;
  variant: MmffVariant;
}

/**
 * Refines one conformer with the MMFF94 force field (GeoDiff + FF in the paper): minimises its energy with openchemlib's
 * MMFF94 implementation, starting from the given coordinates.
 *
 * @remarks
 * The molecule is handed to openchemlib (`openchemlib` npm package) as a Kekulé molfile written by RDKit; openchemlib
 * renumbers atoms while reading (hydrogens last, and some heavy atoms swapped), so coordinates go in and come back
 * through the atom map that `Molecule.fromMolfileWithAtomMap` returns, checked element by element: `coords` is always in
 * this molecule's atom order. openchemlib's MMFF94 is a port of RDKit's: on 30 molecules (RDKit 2022.09, ETKDG starts)
 * energies agree within 1e-6 kcal/mol and minima within 1e-4 kcal/mol and 0.012 Å RMSD (openchemlib's JS wrapper
 * ignores force-field options, so it always uses constant dielectric 1 and a 100 Å nonbonded cutoff, RDKit's defaults).
 * Hydrogens must be explicit. The default iteration limit runs to convergence; RDKit's `MMFFOptimizeMolecule` stops at
 * 200 iterations by default, pass `maxIterations: 200` to mimic it. When the minimiser stops without converging,
 * openchemlib does not write its last positions back to the molecule; they are read from the force field's working
 * array instead (found by matching the start coordinates; if that ever fails on a future openchemlib, `coords` is the
 * input and `energyAfter` equals `energyBefore`). Refinement keeps the molecular graph; it does not repair a wrong
 * stereocentre (check with {@link checkStereo}). openchemlib's BFGS keeps a dense inverse Hessian, so time grows
 * quickly with size: from an ETKDG start, about 15 ms for 13 atoms, 0.1 s for 33 and 0.5 s for 57 (one core).
 *
 * @example
 * ```ts
 * const molecule = await parseSmiles('CC(C)Cc1ccc([C@H](C)C(=O)O)cc1');
 * const { coords, energyBefore, energyAfter, converged } = await refineWithMmff(molecule, generated);
 * ```
 * @param molecule - the molecule, with explicit hydrogens
 * @param coords - one conformer, `3 * atoms.length` values in the molecule's atom order (Å)
 * @param options - `variant` (default `MMFF94`), `maxIterations` (4000), `gradientTolerance` (1e-4), `energyTolerance` (1e-6)
 * @returns the refined coordinates, the energies before and after (kcal/mol), and whether it converged
 * @throws InvalidArgumentError for a wrong coordinate count, a non-finite coordinate or an invalid option
 * @throws ForceFieldError when an atom has no MMFF94 type (`MMFF_ATOM_TYPING`), hydrogens are implicit, or the energy is not finite
 * @throws OpenChemLibUnavailableError, RDKitUnavailableError when a library cannot be loaded
 */
export async function refineWithMmff(molecule: Molecule, coords: ArrayLike<number>, options: RefineWithMmffOptions = {}): Promise<MmffRefinement> {
  checkOneConformer(molecule, coords);
  const [result] = await refineConformersWithMmff(molecule, [coords], options);
  return result!;
}

/**
 * Refines several conformers of one molecule with MMFF94 ({@link refineWithMmff}), typing the molecule once, and
 * reports progress after each conformer.
 *
 * @remarks
 * Conformers are minimised one after another on the calling thread, yielding to the event loop between two, so that
 * progress can be shown and `signal` can stop the batch. A molecule that cannot be typed fails before any conformer.
 *
 * @example
 * ```ts
 * const refined = await refineConformersWithMmff(molecule, conformers, {
 *   onProgress: ({ completed, total }) => console.log(`${completed}/${total}`),
 * });
 * const energies = refined.map((r) => r.energyAfter);
 * ```
 * @param molecule - the molecule, with explicit hydrogens
 * @param conformers - its conformers (see {@link ConformerCoords})
 * @param options - as {@link refineWithMmff}, plus `onProgress` (label `MMFF94 refinement`, metric `energy`) and `signal`
 * @returns one result per conformer, in order
 * @throws as {@link refineWithMmff}; the signal's reason when aborted
 */
export async function refineConformersWithMmff(molecule: Molecule, conformers: ConformerCoords, options: RefineConformersWithMmffOptions = {}): Promise<MmffRefinement[]> {
  const settings = minimiseSettings(options);
  const variant = checkVariant(options.variant);
  const list = conformerList(molecule, conformers);
  const progress = throttleProgress(options.onProgress);
  const label = `${variant} refinement`;
  progress({ completed: 0, total: list.length, label });
  if (list.length === 0) return [];
  options.signal?.throwIfAborted();
  const prepared = await prepareMmff(molecule, list[0]!, variant);
  const results: MmffRefinement[] = [];
  for (let k = 0; k < list.length; k++) {
    options.signal?.throwIfAborted();
    const result = minimise(prepared, list[k]!, k, settings);
    results.push(result);
    progress({ completed: k + 1, total: list.length, label, metrics: { energy: result.energyAfter } });
    if (k + 1 < list.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return results;
}

/**
 * MMFF94 energies (kcal/mol) of conformers of one molecule, without minimising: the energies RDKit's
 * `MMFFGetMoleculeForceField(mol, props).CalcEnergy()` gives for the same coordinates.
 *
 * @remarks
 * Same setup and mapping as {@link refineWithMmff}; agreement with RDKit 2022.09 is better than 1e-6 kcal/mol on the
 * parity set (constant dielectric 1, 100 Å nonbonded cutoff, all terms).
 *
 * @example
 * ```ts
 * const energies = await mmffEnergies(molecule, conformers); // rank generated conformers
 * ```
 * @param molecule - the molecule, with explicit hydrogens
 * @param conformers - its conformers (see {@link ConformerCoords})
 * @param options - `variant` (default `MMFF94`)
 * @returns one energy per conformer, in order
 * @throws as {@link refineWithMmff}
 */
export async function mmffEnergies(molecule: Molecule, conformers: ConformerCoords, options: MmffOptions = {}): Promise<number[]> {
  const variant = checkVariant(options.variant);
  const list = conformerList(molecule, conformers);
  if (list.length === 0) return [];
  const prepared = await prepareMmff(molecule, list[0]!, variant);
  return list.map((coords, k) => energyOf(prepared, forceField(prepared, coords), k));
}

interface MinimiseSettings {
  maxIts: number;
  gradTol: number;
  funcTol: number;
}

function minimiseSettings(options: RefineWithMmffOptions): MinimiseSettings {
  const maxIts = options.maxIterations ?? 4000;
  if (!Number.isInteger(maxIts) || maxIts < 1) {
    throw new InvalidArgumentError('maxIterations', `maxIterations must be a positive integer, got ${maxIts}. Use mmffEnergies() to score without minimising.`);
  }
  const gradTol = options.gradientTolerance ?? 1e-4;
  if (!(Number.isFinite(gradTol) && gradTol > 0)) {
    throw new InvalidArgumentError('gradientTolerance', `gradientTolerance must be a positive number, got ${gradTol} (default 1e-4).`);
  }
  const funcTol = options.energyTolerance ?? 1e-6;
  if (!(Number.isFinite(funcTol) && funcTol > 0)) {
    throw new InvalidArgumentError('energyTolerance', `energyTolerance must be a positive number, got ${funcTol} (default 1e-6).`);
  }
  return { maxIts, gradTol, funcTol };
}

function checkVariant(variant: MmffVariant | undefined): MmffVariant {
  const v = variant ?? 'MMFF94';
  if (!MMFF_VARIANTS.includes(v)) {
    throw new InvalidArgumentError('variant', `Unsupported MMFF variant "${String(v)}". Supported: ${MMFF_VARIANTS.join(', ')}.`);
  }
  return v;
}

function checkOneConformer(molecule: Molecule, coords: ArrayLike<number>): void {
  const width = 3 * molecule.atoms.length;
  if (coords === null || typeof coords !== 'object' || coords.length !== width) {
    throw new InvalidArgumentError(
      'coords',
      `coords must hold one conformer, 3 x ${molecule.atoms.length} atoms = ${width} values, got ${coords?.length}. Use refineConformersWithMmff() for several.`,
    );
  }
}

/**
 * Reads the molecule into openchemlib through a Kekulé molfile written by RDKit, and checks the atom map.
 */
async function prepareMmff(molecule: Molecule, coords: Float64Array, variant: MmffVariant): Promise<PreparedMmff> {
  const label = describeInput('SMILES', molecule.smiles, molecule.name !== undefined ? { name: molecule.name } : {});
  const [ocl, { rdkit, log }] = await Promise.all([loadOpenChemLib(), loadedRDKit()]);

  takeRDKitLog(log);
  const rdMol = rdkit.get_mol(toMolBlock({ smiles: molecule.smiles, atoms: molecule.atoms, bonds: molecule.bonds, coords }), JSON.stringify({ removeHs: false }));
  if (rdMol === null || !rdMol.is_valid()) {
    rdMol?.delete();
    throw new ForceFieldError('MMFF_SETUP', label, `RDKit cannot read the molecule back (${takeRDKitLog(log) || 'invalid molblock'})`, 'Check the molecule (it should come from parseSmiles, parseMolBlock or readSdf).');
  }
  const kekule = withMol(rdMol, (m) => {
    const json = JSON.parse(m.get_json()) as { defaults?: { atom?: { impHs?: number } }; molecules?: Array<{ atoms?: Array<{ impHs?: number }> }> };
    const defaultHs = json.defaults?.atom?.impHs ?? 0;
    const implicit = (json.molecules?.[0]?.atoms ?? []).findIndex((a) => (a.impHs ?? defaultHs) > 0);
    if (implicit >= 0) {
      throw new ForceFieldError(
        'MMFF_IMPLICIT_HYDROGENS',
        label,
        `atom ${implicit} (${molecule.atoms[implicit]?.element}) carries implicit hydrogens; MMFF94 needs every hydrogen as an atom with coordinates`,
        'Parse the molecule with addHs: true (the default for SMILES) and generate conformers with hydrogens.',
        { atomIndex: implicit, element: molecule.atoms[implicit]?.element ?? '?' },
      );
    }
    return m.get_molblock();
  });

  let mol: OclMolecule;
  let rawMap: ArrayLike<number>;
  try {
    const read = ocl.Molecule.fromMolfileWithAtomMap(kekule);
    mol = read.molecule;
    rawMap = read.map;
  } catch (e) {
    throw new ForceFieldError('MMFF_SETUP', label, `openchemlib cannot read the molfile (${errorText(e)})`, 'Report this molecule as a bug.', {}, { cause: e });
  }
  const n = molecule.atoms.length;
  const map = Array.from({ length: n }, (_, a) => rawMap[a] ?? -1);
  const seen = new Set(map);
  const problem =
    mol.getAllAtoms() !== n
      ? `openchemlib read ${mol.getAllAtoms()} atoms instead of ${n}`
      : seen.size !== n || map.some((o) => !Number.isInteger(o) || o < 0 || o >= n)
        ? 'openchemlib returned an atom map that is not a permutation'
        : molecule.atoms.findIndex((atom, a) => mol.getAtomicNo(map[a]!) !== atom.atomicNumber || mol.getAtomCharge(map[a]!) !== atom.formalCharge) >= 0
          ? 'openchemlib atoms differ in element or charge after mapping'
          : undefined;
  if (problem !== undefined) throw new ForceFieldError('MMFF_SETUP', label, problem, 'Report this molecule as a bug; refinement cannot map coordinates back safely.');
  const prepared: PreparedMmff = { ocl, mol, map, molecule, label, variant };
  forceField(prepared, coords); // types the atoms now, so an untypable molecule fails before any conformer
  return prepared;
}

/** Sets the coordinates (in our atom order) on the openchemlib molecule and builds a force field on them. */
function forceField(p: PreparedMmff, coords: Float64Array): InstanceType<OpenChemLib['ForceFieldMMFF94']> {
  p.map.forEach((o, a) => {
    p.mol.setAtomX(o, coords[3 * a]!);
    p.mol.setAtomY(o, coords[3 * a + 1]!);
    p.mol.setAtomZ(o, coords[3 * a + 2]!);
  });
  try {
    return new p.ocl.ForceFieldMMFF94(p.mol, p.variant);
  } catch (e) {
    const text = errorText(e);
    const typing = /atom type to atom (\d+)/.exec(text);
    if (typing !== null) {
      const oclAtom = Number(typing[1]);
      const atomIndex = p.map.indexOf(oclAtom);
      const element = p.molecule.atoms[atomIndex]?.element ?? '?';
      throw new ForceFieldError(
        'MMFF_ATOM_TYPING',
        p.label,
        `MMFF94 has no atom type for atom ${atomIndex} (${element}) (openchemlib: ${text})`,
        'MMFF94 covers H, C, N, O, F, Si, P, S, Cl, Br and I in common bonding situations; skip refinement for this molecule.',
        { atomIndex, element },
        { cause: e },
      );
    }
    throw new ForceFieldError('MMFF_SETUP', p.label, `openchemlib cannot set up ${p.variant} (${text})`, 'Skip refinement for this molecule, or report it as a bug.', {}, { cause: e });
  }
}

function energyOf(p: PreparedMmff, ff: InstanceType<OpenChemLib['ForceFieldMMFF94']>, conformer: number): number {
  const energy = ff.getTotalEnergy();
  if (!Number.isFinite(energy)) {
    throw new ForceFieldError(
      'MMFF_NON_FINITE_ENERGY',
      p.label,
      `conformer ${conformer} has a non-finite ${p.variant} energy (${energy}); atoms probably coincide`,
      'Drop this conformer, or resample it.',
      { conformer },
    );
  }
  return energy;
}

function minimise(p: PreparedMmff, start: Float64Array, conformer: number, settings: MinimiseSettings): MmffRefinement {
  const ff = forceField(p, start);
  const energyBefore = energyOf(p, ff, conformer);
  const working = workingPositions(ff, p, start);
  const code = ff.minimise(settings);
  const status = STATUS[code] ?? 'line-search-failed';
  const n = p.molecule.atoms.length;
  const coords = new Float64Array(3 * n);
  let energyAfter = ff.getTotalEnergy();
  if (status === 'converged') {
    p.map.forEach((o, a) => coords.set([p.mol.getAtomX(o), p.mol.getAtomY(o), p.mol.getAtomZ(o)], 3 * a));
  } else if (working !== undefined) {
    p.map.forEach((o, a) => coords.set([working[3 * o]!, working[3 * o + 1]!, working[3 * o + 2]!], 3 * a));
  } else {
    coords.set(start);
    energyAfter = energyBefore;
  }
  if (!Number.isFinite(energyAfter)) energyOf(p, ff, conformer);
  return { coords, energyBefore, energyAfter, converged: status === 'converged', status };
}

/**
 * The force field's working position array (openchemlib keeps the minimiser's positions there and copies them to the
 * molecule only on convergence). Found as the one numeric array of length 3n on the force field object that holds the
 * start coordinates in openchemlib's atom order.
 */
function workingPositions(ff: object, p: PreparedMmff, start: Float64Array): ArrayLike<number> | undefined {
  const n = p.molecule.atoms.length;
  const expected = new Float64Array(3 * n);
  p.map.forEach((o, a) => expected.set([start[3 * a]!, start[3 * a + 1]!, start[3 * a + 2]!], 3 * o));
  const candidates: ArrayLike<number>[] = [];
  const visit = (obj: unknown, depth: number): void => {
    if (obj === null || typeof obj !== 'object' || depth > 2) return;
    for (const value of Object.values(obj as Record<string, unknown>)) {
      if ((Array.isArray(value) || value instanceof Float64Array) && value.length === 3 * n) {
        const arr = value as ArrayLike<number>;
        let same = true;
        for (let i = 0; i < arr.length && same; i++) same = arr[i] === expected[i];
        if (same) candidates.push(arr);
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        visit(value, depth + 1);
      }
    }
  };
  visit(ff, 0);
  return candidates.length === 1 ? candidates[0] : undefined;
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^Class\$\S+:\s*/, '');
}
