import { LabError, type LabErrorOptions } from '@lab/tensor-core';
import type { InputLocation } from './molecule';

/** The codes of {@link MoleculeError}. */
export type MoleculeErrorCode =
  | 'INVALID_SMILES'
  | 'INVALID_MOLBLOCK'
  | 'UNSUPPORTED_ELEMENT'
  | 'UNSUPPORTED_BOND'
  | 'TOO_MANY_ATOMS'
  | 'MULTIPLE_FRAGMENTS';

/**
 * Base class of the errors raised for one bad molecule. The message names the molecule (file, line, name, input),
 * says what is wrong and how to fix it; the parts are also fields.
 *
 * @remarks
 * Batch readers ({@link readSdf}, {@link readSmilesList}) catch these and report them in `skipped`; the single-molecule
 * parsers throw them.
 */
export class MoleculeError extends LabError {
  declare readonly code: MoleculeErrorCode;
  /** How the molecule is identified, e.g. `mols.csv:3 SMILES 'C1CC'`. */
  readonly molecule: string;
  /** What is wrong. */
  readonly reason: string;
  /** How to fix it. */
  readonly fix: string;
  /** Where the input came from. */
  readonly location: InputLocation;

  constructor(code: MoleculeErrorCode, molecule: string, reason: string, fix: string, location: InputLocation = {}, options?: LabErrorOptions) {
    super(code, `${molecule}: ${reason}. ${fix}`, options);
    this.name = 'MoleculeError';
    this.molecule = molecule;
    this.reason = reason;
    this.fix = fix;
    this.location = location;
  }
}

/** The SMILES does not parse, or RDKit cannot sanitise it (valence, kekulisation), or it is empty. */
export class InvalidSmilesError extends MoleculeError {
  constructor(molecule: string, reason: string, location?: InputLocation) {
    super(
      'INVALID_SMILES',
      molecule,
      `invalid SMILES: ${reason}`,
      'Fix the SMILES (ring closures, brackets, aromatic rings that cannot be kekulised, valences) or remove this input.',
      location,
    );
    this.name = 'InvalidSmilesError';
  }
}

/** The molblock (or SD record) is malformed, or RDKit cannot sanitise the molecule it describes. */
export class InvalidMolBlockError extends MoleculeError {
  constructor(molecule: string, reason: string, location?: InputLocation) {
    super(
      'INVALID_MOLBLOCK',
      molecule,
      `invalid molblock: ${reason}`,
      'Check the counts line, atom and bond blocks and the "M  END" line (V2000 or V3000), or remove this record.',
      location,
    );
    this.name = 'InvalidMolBlockError';
  }
}

/** An atom's element is not one of {@link SUPPORTED_ELEMENTS} (this includes dummy atoms `*` and metals). */
export class UnsupportedElementError extends MoleculeError {
  /** The element symbol (`*` for a dummy atom). */
  readonly element: string;
  readonly atomicNumber: number;
  /** 0-based index of the first such atom. */
  readonly atomIndex: number;
  constructor(molecule: string, element: string, atomicNumber: number, atomIndex: number, supported: readonly string[], location?: InputLocation) {
    super(
      'UNSUPPORTED_ELEMENT',
      molecule,
      atomicNumber === 0
        ? `atom ${atomIndex} is a dummy atom '*' (atomic number 0, also what RDKit makes of an element symbol it does not know), which is not supported`
        : `atom ${atomIndex} is ${element} (atomic number ${atomicNumber}), which is not supported`,
      `Supported elements: ${supported.join(', ')}. Remove counter-ions and metals, or skip this molecule.`,
      location,
    );
    this.name = 'UnsupportedElementError';
    this.element = element;
    this.atomicNumber = atomicNumber;
    this.atomIndex = atomIndex;
  }
}

/** A bond is not single, double, triple or aromatic (e.g. a query, dative or zero-order bond). */
export class UnsupportedBondError extends MoleculeError {
  /** 0-based index of the bond. */
  readonly bondIndex: number;
  constructor(molecule: string, bondIndex: number, description: string, location?: InputLocation) {
    super(
      'UNSUPPORTED_BOND',
      molecule,
      `bond ${bondIndex} is ${description}; only single, double, triple and aromatic bonds are supported`,
      'Write the bond as a single, double, triple or aromatic bond, or skip this molecule.',
      location,
    );
    this.name = 'UnsupportedBondError';
    this.bondIndex = bondIndex;
  }
}

/** The molecule has more atoms (hydrogens included) than the `maxAtoms` option allows. */
export class TooManyAtomsError extends MoleculeError {
  readonly numAtoms: number;
  readonly maxAtoms: number;
  constructor(molecule: string, numAtoms: number, maxAtoms: number, location?: InputLocation) {
    super(
      'TOO_MANY_ATOMS',
      molecule,
      `${numAtoms} atoms (hydrogens included) exceed maxAtoms = ${maxAtoms}`,
      'Raise the maxAtoms option, or filter out large molecules before generating conformers.',
      location,
    );
    this.name = 'TooManyAtomsError';
    this.numAtoms = numAtoms;
    this.maxAtoms = maxAtoms;
  }
}

/** The molecule is not one connected fragment (e.g. a salt `CC(=O)[O-].[Na+]` or a mixture `CCO.O`). */
export class MultipleFragmentsError extends MoleculeError {
  /** Atom counts of the fragments, largest first. */
  readonly fragmentSizes: readonly number[];
  constructor(molecule: string, fragmentSizes: readonly number[], location?: InputLocation) {
    super(
      'MULTIPLE_FRAGMENTS',
      molecule,
      `${fragmentSizes.length} disconnected fragments (atom counts ${fragmentSizes.join(', ')}); GeoDiff generates conformers of one connected molecule`,
      'Keep only the parent fragment (strip salts, counter-ions and solvents, e.g. with RDKit SaltRemover), or split the input into one molecule per line.',
      location,
    );
    this.name = 'MultipleFragmentsError';
    this.fragmentSizes = fragmentSizes;
  }
}

/** RDKit MinimalLib (`@rdkit/rdkit`, WebAssembly) could not be imported or initialised. */
export class RDKitUnavailableError extends LabError {
  constructor(problem: string, options?: LabErrorOptions) {
    const detail = options?.cause instanceof Error ? `: ${options.cause.message}` : options?.cause === undefined ? '' : `: ${String(options.cause)}`;
    super(
      'RDKIT_UNAVAILABLE',
      `RDKit MinimalLib is unavailable (${problem}${detail}). Install it with "npm install @rdkit/rdkit" and make sure ` +
        'RDKit_minimal.wasm sits next to RDKit_minimal.js (bundlers must copy it).',
      options,
    );
    this.name = 'RDKitUnavailableError';
  }
}

/**
 * How a molecule is named in error messages: `file:line`, the name, and the input (SMILES or title) quoted.
 * @internal
 */
export function describeInput(kind: 'SMILES' | 'record' | 'molblock', input: string, location: InputLocation = {}): string {
  const where = location.file !== undefined ? (location.line !== undefined ? `${location.file}:${location.line}` : location.file) : location.line !== undefined ? `line ${location.line}` : '';
  const shown = input.length > 80 ? `${input.slice(0, 77)}...` : input;
  const what = kind === 'SMILES' ? `SMILES '${shown}'` : kind === 'record' ? `record "${shown}"` : `molblock "${shown}"`;
  const name = location.name !== undefined && location.name !== input ? ` ("${location.name}")` : '';
  return [where, `${what}${name}`].filter((s) => s !== '').join(' ');
}
