import { LabError, type LabErrorOptions } from '@lab/tensor-core';

/** The codes of {@link ForceFieldError}. */
export type ForceFieldErrorCode = 'MMFF_ATOM_TYPING' | 'MMFF_IMPLICIT_HYDROGENS' | 'MMFF_SETUP' | 'MMFF_NON_FINITE_ENERGY';

/**
 * The MMFF94 force field cannot be set up or evaluated for a molecule. The message names the molecule, says what is
 * wrong and how to fix it; the parts are also fields.
 *
 * @remarks
 * Codes:
 * - `MMFF_ATOM_TYPING`: an atom has no MMFF94 atom type (boron, selenium, unusual valences or charges); `atomIndex` and
 *   `element` name the first one. MMFF94 covers H, C, N, O, F, Si, P, S, Cl, Br, I in common bonding situations.
 * - `MMFF_IMPLICIT_HYDROGENS`: the molecule lacks explicit hydrogens (parsed with `addHs: false`).
 * - `MMFF_SETUP`: openchemlib read the molecule differently from ours (atom count, elements or charges), a bug to report.
 * - `MMFF_NON_FINITE_ENERGY`: a conformer's energy is NaN or infinite (coincident atoms); `conformer` names it.
 *
 * @example
 * ```ts
 * try { refined = await refineConformersWithMmff(molecule, conformers); }
 * catch (e) { if (LabError.isInstance(e) && e.code === 'MMFF_ATOM_TYPING') refined = undefined; else throw e; }
 * ```
 */
export class ForceFieldError extends LabError {
  declare readonly code: ForceFieldErrorCode;
  /** How the molecule is identified, e.g. `SMILES 'OB(O)c1ccccc1' ("phenylboronic acid")`. */
  readonly molecule: string;
  /** What is wrong. */
  readonly reason: string;
  /** How to fix it. */
  readonly fix: string;
  /** 0-based index (in the molecule's atom order) of the offending atom, when one is to blame. */
  readonly atomIndex?: number;
  /** Element symbol of that atom. */
  readonly element?: string;
  /** 0-based index of the offending conformer, when one is to blame. */
  readonly conformer?: number;

  constructor(
    code: ForceFieldErrorCode,
    molecule: string,
    reason: string,
    fix: string,
    details: { atomIndex?: number; element?: string; conformer?: number } = {},
    options?: LabErrorOptions,
  ) {
    super(code, `${molecule}: ${reason}. ${fix}`, options);
    this.name = 'ForceFieldError';
    this.molecule = molecule;
    this.reason = reason;
    this.fix = fix;
    if (details.atomIndex !== undefined) this.atomIndex = details.atomIndex;
    if (details.element !== undefined) this.element = details.element;
    if (details.conformer !== undefined) this.conformer = details.conformer;
  }
}

/**
 * `openchemlib` (the MMFF94 implementation) could not be imported, or its static resources could not be registered.
 *
 * @remarks
 * Code `OPENCHEMLIB_UNAVAILABLE`. openchemlib is loaded on the first refinement, not on import of this package.
 *
 * @example
 * ```ts
 * await refineWithMmff(molecule, coords).catch((e) => { if (LabError.isInstance(e) && e.code === 'OPENCHEMLIB_UNAVAILABLE') ... });
 * ```
 */
export class OpenChemLibUnavailableError extends LabError {
  constructor(problem: string, options?: LabErrorOptions) {
    const detail = options?.cause instanceof Error ? `: ${options.cause.message}` : options?.cause === undefined ? '' : `: ${String(options.cause)}`;
    super(
      'OPENCHEMLIB_UNAVAILABLE',
      `openchemlib is unavailable (${problem}${detail}). Install it with "npm install openchemlib" (Node.js >= 20.16; ` +
        'bundlers must keep openchemlib external or copy its dist/resources.json, which holds the MMFF94 tables).',
      options,
    );
    this.name = 'OpenChemLibUnavailableError';
  }
}
