import { InvalidArgumentError, LabError, type LabErrorOptions } from '@lab/tensor-core';

/** The codes of the evaluation errors that are not argument errors. */
export type EvaluationErrorCode = 'GRAPH_MISMATCH' | 'MISSING_COORDINATES';

/**
 * Two molecules compared by {@link bestRmsd} (or within one molecule of {@link evaluateConformers}) do not have the
 * same heavy-atom graph, so no atom map between them exists.
 *
 * @remarks
 * The graphs are compared the way RDKit's `GetBestRMS` does after `RemoveHs`: elements, formal charges and bond
 * orders must agree, except in conjugated terminal groups (carboxylates, nitro groups, amidines), whose O/N atoms are
 * matched regardless of charge and single/double bond order.
 *
 * @example
 * ```ts
 * try { await bestRmsd(ethanol, benzene); }
 * catch (e) { if (e instanceof GraphMismatchError) console.error(e.probe, e.reference, e.reason); }
 * ```
 */
export class GraphMismatchError extends LabError {
  declare readonly code: 'GRAPH_MISMATCH';
  /** How the probe (generated) molecule is named, e.g. `generated[3] "mol7" (CCO)`. */
  readonly probe: string;
  /** How the reference molecule is named. */
  readonly reference: string;
  /** What differs, e.g. `9 heavy atoms vs 6`. */
  readonly reason: string;
  constructor(probe: string, reference: string, reason: string, options?: LabErrorOptions) {
    super(
      'GRAPH_MISMATCH',
      `${probe} and ${reference} do not have the same heavy-atom graph (${reason}), so no RMSD between them is defined. ` +
        'Compare conformers of one molecule only: group them by molecule (evaluateConformers does this by canonical SMILES), ' +
        'and check that generated conformers kept the input bonds and formal charges.',
      options,
    );
    this.name = 'GraphMismatchError';
    this.probe = probe;
    this.reference = reference;
    this.reason = reason;
  }
}

/** What is wrong with a conformer's coordinates, see {@link MissingCoordinatesError}. */
export type CoordinatesProblem = 'missing' | 'wrong-length' | 'non-finite';

/**
 * A molecule passed to an RMSD or COV/MAT function has no usable 3D coordinates: `coords` is absent, has the wrong
 * length, or holds NaN/Infinity (e.g. a diverged sample).
 *
 * @example
 * ```ts
 * try { await evaluateConformers(generated, references, { threshold: 1.25 }); }
 * catch (e) { if (e instanceof MissingCoordinatesError) console.error(e.molecule, e.problem); }
 * ```
 */
export class MissingCoordinatesError extends LabError {
  declare readonly code: 'MISSING_COORDINATES';
  /** How the molecule is named, e.g. `references[2] "conf_2" (c1ccccc1)`. */
  readonly molecule: string;
  /** Which problem the coordinates have. */
  readonly problem: CoordinatesProblem;
  constructor(molecule: string, problem: CoordinatesProblem, detail: string) {
    const fix =
      problem === 'non-finite'
        ? 'Drop diverged samples (or re-run the sampler) before evaluating.'
        : 'Read conformers from an SD file with 3D coordinates (readSdf), or set Molecule.coords (3 values per atom, in Å).';
    super('MISSING_COORDINATES', `${molecule} has no usable 3D coordinates: ${detail}. ${fix}`);
    this.name = 'MissingCoordinatesError';
    this.molecule = molecule;
    this.problem = problem;
  }
}

/**
 * A set that must hold at least one item is empty: no generated or no reference conformers, an RMSD matrix without
 * rows or columns, or no molecule left to evaluate.
 *
 * @remarks
 * `argument` names the empty input (e.g. `references`, `matrix`). {@link evaluateConformers} does not throw this for a
 * single molecule that lacks references or generated conformers: it reports that molecule in `skipped`.
 * @example
 * ```ts
 * expect(() => covMatFromRmsdMatrix([], { threshold: 0.5 })).toThrow(EmptyConformerSetError);
 * ```
 */
export class EmptyConformerSetError extends InvalidArgumentError {
  constructor(argument: string, message: string) {
    super(argument, message);
    this.name = 'EmptyConformerSetError';
  }
}

/**
 * A COV threshold (δ) or threshold grid is not usable: negative, NaN, infinite, or an empty grid.
 * @example
 * ```ts
 * expect(() => covMatFromRmsdMatrix([[0.3]], { threshold: -1 })).toThrow(InvalidThresholdError);
 * ```
 */
export class InvalidThresholdError extends InvalidArgumentError {
  /** The offending value. */
  readonly value: unknown;
  constructor(argument: string, value: unknown, problem: string) {
    super(
      argument,
      `${argument} ${problem} (got ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}). ` +
        'COV thresholds are RMSDs in Å: finite and >= 0, e.g. threshold: 0.5 for GEOM-QM9 or 1.25 for GEOM-Drugs.',
    );
    this.name = 'InvalidThresholdError';
    this.value = value;
  }
}
