import type { Mol } from '@rdkit/rdkit';
import { InvalidArgumentError } from '@lab/tensor-core';
import { describeInput } from '../molecule/errors';
import type { Molecule } from '../molecule/molecule';
import { loadedRDKit, takeRDKitLog, withMol } from '../molecule/rdkit';
import { toMolBlock } from '../molecule/sdf';
import { type ConformerCoords, conformerList } from './conformer-coords';
import { StereoReferenceError } from './errors';

/** A CIP stereo descriptor: `R`/`S` (and pseudo-asymmetric `r`/`s`) for atoms, `E`/`Z` for double bonds. */
export type StereoLabel = 'R' | 'S' | 'r' | 's' | 'E' | 'Z';

/** One stereo element of the reference, and what a conformer's 3D geometry says about it. */
export interface StereoElementCheck {
  /** `atom` for a stereocentre, `bond` for a stereo double bond. */
  kind: 'atom' | 'bond';
  /** 0-based molecule atom indices: `[centre]` for an atom, `[i, j]` (the double-bond atoms) for a bond. */
  atoms: number[];
  /** Element symbols of `atoms`, e.g. `['C']` or `['C', 'C']`. */
  elements: string[];
  /** The descriptor the reference specifies. */
  expected: StereoLabel;
  /**
   * The descriptor perceived from the conformer's coordinates; `null` when the geometry defines none there (a flat
   * "stereocentre", a linear or twisted double bond).
   */
  found: StereoLabel | null;
  /** `found === expected`. */
  ok: boolean;
}

/** The stereo check of one conformer. */
export interface StereoReport {
  /** 0-based index of the conformer in the `conformers` passed to {@link checkStereo}. */
  conformer: number;
  /** True when every stereo element the reference specifies is reproduced (also when it specifies none). */
  ok: boolean;
  /** Every stereo element the reference specifies, in the reference's order. */
  checked: StereoElementCheck[];
  /** The failed entries of `checked`. */
  mismatches: StereoElementCheck[];
}

/** Options of {@link checkStereo}. */
export interface CheckStereoOptions {
  /**
   * The isomeric SMILES whose stereo the conformers must reproduce.
   * @default molecule.smiles (the parser's canonical isomeric SMILES, which keeps `@`/`@@` and `/`/`\`)
   */
  reference?: string;
  /**
   * How many atom mappings of the reference onto the molecule to try (graph symmetries). The mapping with the fewest
   * mismatches is reported, so that a symmetric molecule (meso compounds) is not flagged for a relabelling.
   * @default 1000
   */
  maxMatches?: number;
}

interface StereoTags {
  CIP_atoms?: Array<[number, string]>;
  CIP_bonds?: Array<[number, number, string]>;
}

interface ReferenceElement {
  kind: 'atom' | 'bond';
  /** Reference atom indices. */
  atoms: number[];
  expected: StereoLabel;
}

const LABELS = new Set<string>(['R', 'S', 'r', 's', 'E', 'Z']);

/**
 * Checks that generated conformers keep the input's stereochemistry: every stereocentre (R/S) and stereo double bond
 * (E/Z) specified in the reference isomeric SMILES is perceived from each conformer's 3D coordinates and compared.
 *
 * @remarks
 * GeoDiff samples coordinates for a molecular graph without stereo features, so a conformer may come out as the wrong
 * enantiomer, diastereomer or E/Z isomer. Each conformer is written as a 3D molblock and read by RDKit MinimalLib,
 * which assigns chirality and double-bond stereo from the coordinates (as `Chem.MolFromMolBlock` does for 3D blocks);
 * CIP descriptors of the reference and of the conformer are then compared through a substructure mapping of the
 * reference onto the molecule. Stereo the reference leaves unspecified is not checked. Labels are RDKit's new CIP
 * labeller's; for pseudo-asymmetric centres (`r`/`s`) whose label depends on a centre the reference leaves
 * unspecified, the comparison can report a mismatch that is only a relabelling. Atropisomers and non-tetrahedral
 * stereo are not checked. Costs one RDKit parse and CIP assignment per conformer (0.5-4 ms for 12-57 atoms).
 *
 * @example
 * ```ts
 * const molecule = await parseSmiles('C/C=C/C'); // trans-2-butene
 * const [report] = await checkStereo(molecule, [generatedCoords]);
 * if (!report!.ok) console.warn(formatStereoReport(report!)); // "mismatch: bond 1=2 (C=C) expected E, found Z"
 * ```
 * @param molecule - the molecule the conformers were generated for (atoms, bonds, `smiles`)
 * @param conformers - the conformers, in the molecule's atom order (see {@link ConformerCoords})
 * @param options - `reference` (default `molecule.smiles`), `maxMatches`
 * @returns one report per conformer, in order
 * @throws InvalidArgumentError when a conformer has the wrong length or a non-finite coordinate, or `maxMatches` is
 *   not a positive integer
 * @throws StereoReferenceError when RDKit rejects the reference SMILES or it does not map onto the molecule
 * @throws RDKitUnavailableError when RDKit MinimalLib cannot be loaded
 */
export async function checkStereo(molecule: Molecule, conformers: ConformerCoords, options: CheckStereoOptions = {}): Promise<StereoReport[]> {
  const maxMatches = options.maxMatches ?? 1000;
  if (!Number.isInteger(maxMatches) || maxMatches < 1) {
    throw new InvalidArgumentError('maxMatches', `maxMatches must be a positive integer, got ${maxMatches}.`);
  }
  const list = conformerList(molecule, conformers);
  const reference = (options.reference ?? molecule.smiles).trim();
  const label = describeInput('SMILES', molecule.smiles, molecule.name !== undefined ? { name: molecule.name } : {});
  const { rdkit, log } = await loadedRDKit();

  takeRDKitLog(log);
  const ref = reference === '' ? null : rdkit.get_mol(reference);
  if (ref === null || !ref.is_valid()) {
    ref?.delete();
    throw new StereoReferenceError(label, reference, `RDKit cannot parse it (${takeRDKitLog(log) || 'invalid SMILES'})`);
  }
  return withMol(ref, (refMol) => {
    const elements = referenceElements(refMol);
    let mappings: number[][] | undefined;
    const reports: StereoReport[] = [];
    for (const [conformer, coords] of list.entries()) {
      const block = toMolBlock({ smiles: molecule.smiles, atoms: molecule.atoms, bonds: molecule.bonds, coords });
      takeRDKitLog(log);
      const mol = rdkit.get_mol(block, JSON.stringify({ removeHs: false }));
      if (mol === null || !mol.is_valid()) {
        mol?.delete();
        throw new StereoReferenceError(label, reference, `RDKit cannot read the molecule back (${takeRDKitLog(log) || 'invalid molblock'})`);
      }
      withMol(mol, (m) => {
        mappings ??= referenceMappings(m, refMol, elements, maxMatches, label, reference);
        reports.push(elements.length === 0 ? { conformer, ok: true, checked: [], mismatches: [] } : compare(conformer, molecule, elements, mappings, perceived(m)));
      });
      if (elements.length === 0) {
        // nothing to check: the reference maps onto the molecule (checked once), every conformer passes
        for (let k = conformer + 1; k < list.length; k++) reports.push({ conformer: k, ok: true, checked: [], mismatches: [] });
        break;
      }
    }
    return reports;
  });
}

/** The specified stereo elements of the reference, with their CIP labels. */
function referenceElements(ref: Mol): ReferenceElement[] {
  const tags = JSON.parse(ref.get_stereo_tags()) as StereoTags;
  const out: ReferenceElement[] = [];
  for (const [atom, raw] of tags.CIP_atoms ?? []) {
    const expected = normaliseLabel(raw);
    if (expected !== null) out.push({ kind: 'atom', atoms: [atom], expected });
  }
  for (const [i, j, raw] of tags.CIP_bonds ?? []) {
    const expected = normaliseLabel(raw);
    if (expected !== null) out.push({ kind: 'bond', atoms: [i, j], expected });
  }
  return out;
}

/** The CIP labels perceived on a molecule: atom index -> label, and `i-j` (sorted) -> label for bonds. */
function perceived(mol: Mol): { atoms: Map<number, StereoLabel>; bonds: Map<string, StereoLabel> } {
  const tags = JSON.parse(mol.get_stereo_tags()) as StereoTags;
  const atoms = new Map<number, StereoLabel>();
  const bonds = new Map<string, StereoLabel>();
  for (const [atom, raw] of tags.CIP_atoms ?? []) {
    const found = normaliseLabel(raw);
    if (found !== null) atoms.set(atom, found);
  }
  for (const [i, j, raw] of tags.CIP_bonds ?? []) {
    const found = normaliseLabel(raw);
    if (found !== null) bonds.set(bondKey(i, j), found);
  }
  return { atoms, bonds };
}

/**
 * The distinct mappings (reference atom -> molecule atom) of the reference's stereo atoms, from RDKit substructure
 * matches of the reference onto the molecule (symmetries included: uniquify off).
 */
function referenceMappings(mol: Mol, ref: Mol, elements: ReferenceElement[], maxMatches: number, label: string, reference: string): number[][] {
  const raw = JSON.parse(mol.get_substruct_matches(ref, JSON.stringify({ uniquify: false, maxMatches }))) as Array<{ atoms: number[] }> | Record<string, never>;
  const matches = Array.isArray(raw) ? raw.map((m) => m.atoms) : [];
  if (matches.length === 0) {
    throw new StereoReferenceError(label, reference, 'its heavy-atom graph does not map onto the molecule (no substructure match)');
  }
  const stereoAtoms = [...new Set(elements.flatMap((e) => e.atoms))];
  const seen = new Set<string>();
  return matches.filter((atoms) => {
    const key = stereoAtoms.map((a) => atoms[a]).join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function compare(
  conformer: number,
  molecule: Molecule,
  elements: ReferenceElement[],
  mappings: number[][],
  found: { atoms: Map<number, StereoLabel>; bonds: Map<string, StereoLabel> },
): StereoReport {
  let best: StereoElementCheck[] | undefined;
  let bestMismatches = Infinity;
  for (const mapping of mappings) {
    const checked = elements.map((e): StereoElementCheck => {
      const atoms = e.atoms.map((a) => mapping[a] ?? -1);
      const label = e.kind === 'atom' ? found.atoms.get(atoms[0]!) : found.bonds.get(bondKey(atoms[0]!, atoms[1]!));
      const value = label ?? null;
      return {
        kind: e.kind,
        atoms,
        elements: atoms.map((a) => molecule.atoms[a]?.element ?? '?'),
        expected: e.expected,
        found: value,
        ok: value === e.expected,
      };
    });
    const mismatches = checked.filter((c) => !c.ok).length;
    if (mismatches < bestMismatches) {
      best = checked;
      bestMismatches = mismatches;
      if (mismatches === 0) break;
    }
  }
  const checked = best ?? [];
  const mismatches = checked.filter((c) => !c.ok);
  return { conformer, ok: mismatches.length === 0, checked, mismatches };
}

function normaliseLabel(raw: string): StereoLabel | null {
  const label = raw.replace(/[()]/g, '');
  return LABELS.has(label) ? (label as StereoLabel) : null;
}

function bondKey(i: number, j: number): string {
  return i < j ? `${i}-${j}` : `${j}-${i}`;
}

/**
 * A one-line summary of a {@link StereoReport}, as written to the `STEREO_CHECK` SDF data item.
 *
 * @remarks
 * Atom indices are 0-based, in the molecule's atom order (as everywhere in this package); SD viewers number atoms from 1.
 *
 * @example
 * ```ts
 * formatStereoReport(report); // "ok (2 stereo elements)" or "mismatch: atom 1 (C) expected S, found R"
 * ```
 * @param report - a report from {@link checkStereo}
 * @returns `ok (n stereo elements)`, `ok (no specified stereo)`, or `mismatch: ...` listing each failed element with
 *   its 0-based atom indices, the expected and the found descriptor (`none` when the geometry defines none)
 */
export function formatStereoReport(report: StereoReport): string {
  if (report.ok) {
    const n = report.checked.length;
    return n === 0 ? 'ok (no specified stereo)' : `ok (${n} stereo element${n === 1 ? '' : 's'})`;
  }
  const parts = report.mismatches.map((m) => {
    const where = m.kind === 'atom' ? `atom ${m.atoms[0]} (${m.elements[0]})` : `bond ${m.atoms.join('=')} (${m.elements.join('=')})`;
    return `${where} expected ${m.expected}, found ${m.found ?? 'none'}`;
  });
  return `mismatch: ${parts.join('; ')}`;
}
