import { InvalidArgumentError } from '@lab/tensor-core';
import { ESM2_MAX_RESIDUES } from './esm-vocab';

/** A sequence cut to a model window, and where the cut came from. */
export interface CroppedSequence {
  /** The kept residues. */
  sequence: string;
  /** 0-based index of the first kept residue in the original sequence. */
  start: number;
  /** Index after the last kept residue (`sequence === original.slice(start, end)`). */
  end: number;
}

/**
 * Keeps the central `maxResidues` residues of a longer sequence (shorter ones are returned whole).
 *
 * @remarks When the surplus is odd, one more residue is dropped at the end than at the start
 * (`start = floor((length - maxResidues) / 2)`). Residue i of the crop is residue `start + i` of the original.
 *
 * @param sequence - the sequence
 * @param maxResidues - the window, in residues @default 1022 (ESM-2: 1024 positions less `<cls>` and `<eos>`)
 * @returns the kept residues with their offsets
 * @throws InvalidArgumentError when `maxResidues` is not a positive integer
 * @example
 * ```ts
 * centerCrop('ABCDEFG', 3); // { sequence: 'CDE', start: 2, end: 5 }
 * ```
 */
export function centerCrop(sequence: string, maxResidues: number = ESM2_MAX_RESIDUES): CroppedSequence {
  if (!Number.isInteger(maxResidues) || maxResidues < 1) {
    throw new InvalidArgumentError('maxResidues', `maxResidues must be a positive integer, received ${maxResidues}.`);
  }
  if (sequence.length <= maxResidues) return { sequence, start: 0, end: sequence.length };
  const start = Math.floor((sequence.length - maxResidues) / 2);
  return { sequence: sequence.slice(start, start + maxResidues), start, end: start + maxResidues };
}
