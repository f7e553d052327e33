import { InvalidArgumentError } from '@lab/tensor-core';
import { toMolBlock } from '../molecule/sdf';
import { type ConformerSet, conformerRecords } from './conformer-set';
import { writeFileAtomic } from './write-file-atomic';

/** The largest coordinate magnitude the V2000 atom line (`%10.4f`) holds. */
const V2000_MAX_COORD = 99999.9999;

/**
 * Writes generated conformers as an SD file: one V2000 record per conformer, titled with the molecule's name (else its
 * SMILES), with data items `SMILES`, `CANONICAL_SMILES`, `CONFORMER_INDEX` and, when given, `SEED`, `SAMPLER`,
 * `STEPS`, `STEREO_CHECK` and the extra properties ({@link CONFORMER_SDF_KEYS}).
 *
 * @remarks
 * Each record is {@link toMolBlock} of the molecule with that conformer's coordinates (4 decimals, aromatic bonds as
 * type 4, charges as `M  CHG`), so {@link readSdf} reads the file back with the same atoms, order and data items. The
 * molecule's own `properties` (e.g. from an input SD file) are not copied; pass them in `properties` if wanted.
 *
 * @example
 * ```ts
 * const molecule = await parseSmiles('CC(=O)Oc1ccccc1C(=O)O', { name: 'aspirin' });
 * const stereo = await checkStereo(molecule, conformers);
 * const sdf = conformersToSdf({ molecule, conformers, seed: 2021, sampler: 'ddpm', steps: 5000, stereo });
 * ```
 * @param sets - one {@link ConformerSet} or several (records are written set by set, conformer by conformer)
 * @returns the SD file text (empty when there are no conformers)
 * @throws InvalidArgumentError when a conformer has the wrong length, a non-finite coordinate or one beyond ±99999.9999
 *   Å (the V2000 field), when `seed`/`conformerProperties`/`stereo` are not one per conformer, or a property name is
 *   reserved or not a valid SDF name, or a value contains a blank or `$$$$` line
 */
export function conformersToSdf(sets: ConformerSet | readonly ConformerSet[]): string {
  return conformerRecords(sets)
    .map(({ molecule, title, coords, items }) => {
      const bad = coords.findIndex((v) => Math.abs(v) > V2000_MAX_COORD);
      if (bad >= 0) {
        throw new InvalidArgumentError(
          'conformers',
          `conformers of "${title}": atom ${Math.floor(bad / 3)} has coordinate ${coords[bad]}, beyond what a V2000 molblock holds (±${V2000_MAX_COORD} Å). ` +
            'The sample has probably diverged; drop it.',
        );
      }
      const block = toMolBlock({ smiles: molecule.smiles, atoms: molecule.atoms, bonds: molecule.bonds, coords, name: title });
      return `${block}${items.map(([key, value]) => `> <${key}>\n${value}\n\n`).join('')}$$$$\n`;
    })
    .join('');
}

/**
 * Writes {@link conformersToSdf}'s output to a file, atomically (a temporary file renamed into place).
 *
 * @remarks
 * The text is built first, so invalid input throws before anything is written; a failed write leaves no partial file.
 *
 * @example
 * ```ts
 * await writeConformersSdf('aspirin-confs.sdf', { molecule, conformers, seed: 2021, sampler: 'ddpm', steps: 5000 });
 * ```
 * @param path - the file to write (replaced if it exists)
 * @param sets - one {@link ConformerSet} or several
 * @returns when the file is in place
 * @throws InvalidArgumentError as {@link conformersToSdf}; file system errors as thrown by `node:fs`
 */
export async function writeConformersSdf(path: string, sets: ConformerSet | readonly ConformerSet[]): Promise<void> {
  await writeFileAtomic(path, conformersToSdf(sets));
}
