import { InvalidArgumentError } from '@lab/tensor-core';
import { type ConformerSet, conformerRecords } from './conformer-set';
import { writeFileAtomic } from './write-file-atomic';

/** Options of {@link conformersToXyz} and {@link writeConformersXyz}. */
export interface ConformersXyzOptions {
  /** Decimals of the coordinates, 1 to 12. @default 6 */
  precision?: number;
}

/**
 * Writes generated conformers as a multi-frame XYZ file: per conformer, the atom count, a comment line and one
 * `El x y z` line per atom, in the molecule's atom order.
 *
 * @remarks
 * The comment line holds `key=value` pairs in the extended-XYZ style (values with spaces or quotes are double-quoted,
 * with `\"` and `\\` escapes): `name` (the molecule's name, else its SMILES), then the same items as the SD writer
 * ({@link CONFORMER_SDF_KEYS}: `SMILES`, `CANONICAL_SMILES`, `CONFORMER_INDEX`, `SEED`, `SAMPLER`, `STEPS`,
 * `STEREO_CHECK`) and the extra properties. XYZ has no bonds or charges; write SDF when the graph must travel with the
 * coordinates.
 *
 * @example
 * ```ts
 * const xyz = conformersToXyz({ molecule, conformers, seed: 2021, sampler: 'ddpm' });
 * // 21
 * // name=aspirin SMILES="CC(=O)Oc1ccccc1C(=O)O" CANONICAL_SMILES="CC(=O)Oc1ccccc1C(=O)O" CONFORMER_INDEX=0 SEED=2021 SAMPLER=ddpm
 * // C     -2.345678     0.123456     1.234567
 * ```
 * @param sets - one {@link ConformerSet} or several
 * @param options - `precision` (default 6 decimals)
 * @returns the XYZ text (empty when there are no conformers)
 * @throws InvalidArgumentError as {@link conformersToSdf}, and when `precision` is not an integer from 1 to 12
 */
export function conformersToXyz(sets: ConformerSet | readonly ConformerSet[], options: ConformersXyzOptions = {}): string {
  const precision = options.precision ?? 6;
  if (!Number.isInteger(precision) || precision < 1 || precision > 12) {
    throw new InvalidArgumentError('precision', `precision must be an integer from 1 to 12 (decimals), got ${precision}.`);
  }
  const width = precision + 6; // sign, up to 4 integer digits, the point; a space always separates the fields
  return conformerRecords(sets)
    .map(({ molecule, title, coords, items }) => {
      const comment = [['name', title] as [string, string], ...items].map(([key, value]) => `${key}=${xyzValue(value)}`).join(' ');
      const lines = molecule.atoms.map((atom, a) => {
        const xyz = [coords[3 * a]!, coords[3 * a + 1]!, coords[3 * a + 2]!].map((v) => ` ${noNegativeZero(v.toFixed(precision)).padStart(width)}`);
        return `${atom.element.padEnd(2)}${xyz.join('')}`;
      });
      return `${molecule.atoms.length}\n${comment}\n${lines.join('\n')}\n`;
    })
    .join('');
}

/** `-0.000` -> `0.000` (a coordinate that rounds to zero). */
function noNegativeZero(text: string): string {
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** A comment-line value: bare when it has no spaces, quotes, `=` or backslashes, else double-quoted with escapes. */
function xyzValue(value: string): string {
  const flat = value.replace(/\s*(\r\n|\n|\r)\s*/g, ' ');
  return flat !== '' && !/[\s"'=\\]/.test(flat) ? flat : `"${flat.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Writes {@link conformersToXyz}'s output to a file, atomically (a temporary file renamed into place).
 *
 * @remarks
 * The text is built first, so invalid input throws before anything is written; a failed write leaves no partial file.
 *
 * @example
 * ```ts
 * await writeConformersXyz('aspirin-confs.xyz', { molecule, conformers }, { precision: 4 });
 * ```
 * @param path - the file to write (replaced if it exists)
 * @param sets - one {@link ConformerSet} or several
 * @param options - `precision` (default 6 decimals)
 * @returns when the file is in place
 * @throws InvalidArgumentError as {@link conformersToXyz}; file system errors as thrown by `node:fs`
 */
export async function writeConformersXyz(path: string, sets: ConformerSet | readonly ConformerSet[], options: ConformersXyzOptions = {}): Promise<void> {
  await writeFileAtomic(path, conformersToXyz(sets, options));
}
