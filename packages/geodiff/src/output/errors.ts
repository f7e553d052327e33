import { LabError, type LabErrorOptions } from '@lab/tensor-core';

/**
 * {@link checkStereo} cannot relate the reference SMILES to the molecule: RDKit rejects the reference, or its heavy-atom
 * graph is not part of the molecule (a reference for another molecule, or another tautomer or charge state).
 *
 * @remarks
 * Code `STEREO_REFERENCE_MISMATCH`. The message names the molecule and the reference and says how to fix the call.
 *
 * @example
 * ```ts
 * try { await checkStereo(molecule, conformers, { reference }); }
 * catch (e) { if (LabError.isInstance(e) && e.code === 'STEREO_REFERENCE_MISMATCH') console.error(e.message); }
 * ```
 */
export class StereoReferenceError extends LabError {
  /** How the molecule is identified, e.g. `SMILES 'CC(N)C(=O)O' ("alanine")`. */
  readonly molecule: string;
  /** The reference SMILES that was used. */
  readonly reference: string;
  constructor(molecule: string, reference: string, reason: string, options?: LabErrorOptions) {
    super(
      'STEREO_REFERENCE_MISMATCH',
      `${molecule}: cannot check stereo against reference '${reference}': ${reason}. ` +
        "Pass the molecule's own isomeric SMILES as `reference` (the default is molecule.smiles), with the same atoms, charges and tautomer.",
      options,
    );
    this.name = 'StereoReferenceError';
    this.molecule = molecule;
    this.reference = reference;
  }
}
