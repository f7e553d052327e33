import { InvalidArgumentError } from '@lab/tensor-core';
import type { Molecule } from '../molecule/molecule';

/**
 * The conformers of one molecule, in Å, each atom-major `[x0, y0, z0, x1, ...]` in the molecule's atom order: either
 * one array per conformer, or all conformers stacked in one array of length `k * 3 * atoms.length` (as a sampler's
 * `pos` for a batch of copies of one molecule).
 *
 * @remarks
 * A stacked `Float64Array` is split into views, not copied. Every value must be finite.
 *
 * @example
 * ```ts
 * const one: ConformerCoords = [coordsA, coordsB]; // two conformers
 * const stacked: ConformerCoords = sampleResult.pos; // k conformers of one molecule, 3 * k * atoms values
 * ```
 */
export type ConformerCoords = ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;

/**
 * Splits and checks {@link ConformerCoords}: every conformer has `3 * atoms.length` finite values.
 * @internal
 * @param molecule - the molecule the conformers belong to
 * @param conformers - one array per conformer, or all stacked
 * @param argument - the argument name used in error messages
 * @returns one `Float64Array` per conformer (views into `conformers` when it is a stacked `Float64Array`)
 * @throws InvalidArgumentError when a length is wrong or a coordinate is NaN or infinite
 */
export function conformerList(molecule: Molecule, conformers: ConformerCoords, argument = 'conformers'): Float64Array[] {
  const width = 3 * molecule.atoms.length;
  let list: Float64Array[];
  if (isStacked(conformers)) {
    if (conformers.length % width !== 0) {
      throw new InvalidArgumentError(
        argument,
        `${argument} has ${conformers.length} values, which is not a multiple of 3 x ${molecule.atoms.length} atoms = ${width}. ` +
          'Pass the coordinates in the molecule\'s atom order, hydrogens included (one array per conformer, or all stacked).',
      );
    }
    const flat = conformers instanceof Float64Array ? conformers : Float64Array.from(conformers);
    list = [];
    for (let offset = 0; offset < flat.length; offset += width) list.push(flat.subarray(offset, offset + width));
  } else {
    list = conformers.map((c, k) => {
      if (c === null || typeof c !== 'object' || typeof c.length !== 'number') {
        throw new InvalidArgumentError(argument, `${argument}[${k}] is not an array of coordinates.`);
      }
      if (c.length !== width) {
        throw new InvalidArgumentError(
          argument,
          `${argument}[${k}] has ${c.length} values; expected 3 x ${molecule.atoms.length} atoms = ${width}, in the molecule's atom order, hydrogens included.`,
        );
      }
      return c instanceof Float64Array ? c : Float64Array.from(c);
    });
  }
  list.forEach((coords, k) => {
    const bad = coords.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new InvalidArgumentError(
        argument,
        `${argument}: conformer ${k} has a non-finite coordinate (${coords[bad]}) at atom ${Math.floor(bad / 3)}. ` +
          'Drop diverged samples (see SamplingDivergedError) before writing, checking or refining them.',
      );
    }
  });
  return list;
}

function isStacked(conformers: ConformerCoords): conformers is ArrayLike<number> {
  if (ArrayBuffer.isView(conformers)) return true;
  return conformers.length > 0 && typeof (conformers as ArrayLike<unknown>)[0] === 'number';
}

/**
 * The title of a conformer record: the molecule's name, else its SMILES.
 * @internal
 */
export function moleculeTitle(molecule: Molecule): string {
  return (molecule.name ?? '').trim() !== '' ? (molecule.name as string) : molecule.smiles;
}
