/** The bond kinds a {@link Molecule} holds, after RDKit sanitisation (aromaticity perceived, not kekulised). */
export type BondKind = 'single' | 'double' | 'triple' | 'aromatic';

/** One atom of a {@link Molecule}. */
export interface MoleculeAtom {
  /** Element symbol, e.g. `C`, `Cl`. */
  element: string;
  /** Atomic number, e.g. 6 for carbon. GeoDiff's node feature (`atom_type`). */
  atomicNumber: number;
  /** Formal charge, e.g. +1 for the nitrogen of `C[N+](C)(C)C`. */
  formalCharge: number;
  /** True when RDKit perceives the atom as aromatic. */
  aromatic: boolean;
}

/** One bond of a {@link Molecule}, between atoms `i` and `j` (0-based indices into `atoms`, `i !== j`). */
export interface MoleculeBond {
  i: number;
  j: number;
  type: BondKind;
}

/**
 * A molecular graph, optionally with one conformer: the input of {@link featurize}.
 *
 * @remarks
 * Atoms are in the order of the input (SMILES or molblock); hydrogens added by the parser follow all input atoms, in
 * the order of the heavy atoms they are attached to (RDKit `AddHs`). A molecule built by this package's parsers is one
 * connected fragment of {@link SUPPORTED_ELEMENTS} with single, double, triple or aromatic bonds.
 */
export interface Molecule {
  /** RDKit canonical SMILES without explicit hydrogens (GeoDiff's `mol_to_smiles_without_Hs`). */
  smiles: string;
  atoms: MoleculeAtom[];
  bonds: MoleculeBond[];
  /** Cartesian coordinates in Å, atom-major `[x0, y0, z0, x1, ...]` (length `3 * atoms.length`), when known. */
  coords?: Float64Array;
  /** The molecule's name (SDF title line, `.smi` name column), when given. */
  name?: string;
  /** SDF data items (`> <key>` blocks), when read from an SD file. */
  properties?: Record<string, string>;
}

/** Options of the parsers ({@link parseSmiles}, {@link parseMolBlock}) and the batch readers. */
export interface ParseMoleculeOptions {
  /**
   * Add explicit hydrogens (RDKit `AddHs`). Default `true` for SMILES, `false` for molblocks/SDF (whose atoms are
   * kept as written; added hydrogens then get RDKit's computed positions). GeoDiff models all-hydrogen molecules.
   */
  addHs?: boolean;
  /** Reject molecules with more atoms than this (counted after adding hydrogens). Default: no limit. */
  maxAtoms?: number;
}

/** Where an input came from, for error messages: `file`, `line` and `name` are all optional. */
export interface InputLocation {
  /** The file the input was read from. */
  file?: string;
  /** 1-based line number in `file` (for SDF: the first line of the record). */
  line?: number;
  /** The molecule's name; it also becomes {@link Molecule.name}. */
  name?: string;
}

/** An input a batch reader could not turn into a molecule, and why. */
export interface SkippedInput {
  /** 1-based line number (for SDF: the first line of the record). */
  line: number;
  /** The offending input: the SMILES, or the SDF record's title. */
  input: string;
  /** The error code, e.g. `INVALID_SMILES`. */
  code: string;
  /** The full error message: what is wrong and how to fix it. */
  reason: string;
}

/** The result of a batch reader: the molecules read, and every input skipped with its reason. */
export interface MoleculeBatch<M extends Molecule = Molecule> {
  molecules: M[];
  skipped: SkippedInput[];
}

/** A molecule read by a batch reader, with the line it came from. */
export interface ReadMolecule extends Molecule {
  /** 1-based line number of the input (for SDF: the first line of the record). */
  line: number;
}
