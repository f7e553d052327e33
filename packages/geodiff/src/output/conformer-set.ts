import { InvalidArgumentError } from '@lab/tensor-core';
import type { Molecule } from '../molecule/molecule';
import { type StereoReport, formatStereoReport } from './check-stereo';
import { type ConformerCoords, conformerList, moleculeTitle } from './conformer-coords';

/** A value of a conformer data item; numbers are written with `String(value)` (full precision). */
export type PropertyValue = string | number | boolean;

/**
 * The generated conformers of one molecule and how they were made: the input of {@link conformersToSdf} and
 * {@link conformersToXyz}.
 *
 * @remarks
 * Per-conformer arrays (`seed` as an array, `conformerProperties`, `stereo`) must have one entry per conformer.
 *
 * @example
 * ```ts
 * const set: ConformerSet = { molecule, conformers: result.pos, seed: 2021, sampler: 'ddpm', steps: 5000 };
 * ```
 */
export interface ConformerSet {
  /** The molecule (atoms, bonds, `smiles`, optional `name`). */
  molecule: Molecule;
  /** Its conformers in Å, in the molecule's atom order: one array per conformer, or all stacked. */
  conformers: ConformerCoords;
  /** The SMILES as the user gave it. @default molecule.smiles */
  inputSmiles?: string;
  /** The sampling seed: one for all conformers, or one per conformer. */
  seed?: number | readonly number[];
  /** The sampler, e.g. `ddpm`, `ld`, `ddim`. */
  sampler?: string;
  /** The number of sampling steps. */
  steps?: number;
  /** Extra data items written on every conformer, e.g. `{ model: 'drugs_default', run: 'r1' }`. */
  properties?: Readonly<Record<string, PropertyValue>>;
  /** Extra data items per conformer (index-aligned with `conformers`), e.g. `{ MMFF94_ENERGY: 24.3 }`. */
  conformerProperties?: ReadonlyArray<Readonly<Record<string, PropertyValue>> | undefined>;
  /** Stereo reports from {@link checkStereo} (index-aligned with `conformers`); written as `STEREO_CHECK`. */
  stereo?: readonly StereoReport[];
  /** The conformer index of the first conformer, when a molecule's conformers are written in several calls. @default 0 */
  firstIndex?: number;
}

/**
 * The data item names the conformer writers use, in the order they are written (extra properties follow).
 *
 * @remarks
 * `SMILES` is the input SMILES ({@link ConformerSet.inputSmiles}), `CANONICAL_SMILES` RDKit's canonical isomeric
 * SMILES of the molecule (`molecule.smiles`), `CONFORMER_INDEX` the 0-based conformer number. `SEED`, `SAMPLER`, `STEPS`
 * and `STEREO_CHECK` are written only when given. Extra properties must not reuse these names.
 *
 * @example
 * ```ts
 * const { molecules } = await readSdf(readFileSync('confs.sdf', 'utf8'));
 * const flagged = molecules.filter((m) => m.properties?.[CONFORMER_SDF_KEYS.stereoCheck]?.startsWith('mismatch'));
 * ```
 */
export const CONFORMER_SDF_KEYS = Object.freeze({
  smiles: 'SMILES',
  canonicalSmiles: 'CANONICAL_SMILES',
  conformerIndex: 'CONFORMER_INDEX',
  seed: 'SEED',
  sampler: 'SAMPLER',
  steps: 'STEPS',
  stereoCheck: 'STEREO_CHECK',
} as const);

const RESERVED = new Set<string>(Object.values(CONFORMER_SDF_KEYS));

/** One conformer ready to be written: title, coordinates and data items (as strings, checked). @internal */
export interface ConformerRecord {
  molecule: Molecule;
  title: string;
  coords: Float64Array;
  items: Array<[string, string]>;
}

/**
 * Flattens conformer sets into records with their data items, checking keys, values and lengths.
 * @internal
 */
export function conformerRecords(sets: ConformerSet | readonly ConformerSet[]): ConformerRecord[] {
  const all = isSetArray(sets) ? sets : [sets];
  const records: ConformerRecord[] = [];
  all.forEach((set, s) => {
    const where = isSetArray(sets) ? `sets[${s}]` : 'set';
    if (set === null || typeof set !== 'object' || set.molecule === undefined) {
      throw new InvalidArgumentError('sets', `${where} is not a ConformerSet ({ molecule, conformers, ... }).`);
    }
    const list = conformerList(set.molecule, set.conformers, `${where}.conformers`);
    const firstIndex = set.firstIndex ?? 0;
    if (!Number.isInteger(firstIndex) || firstIndex < 0) {
      throw new InvalidArgumentError('firstIndex', `${where}.firstIndex must be a non-negative integer, got ${firstIndex}.`);
    }
    const seeds = set.seed;
    if (Array.isArray(seeds) && seeds.length !== list.length) {
      throw new InvalidArgumentError('seed', `${where}.seed has ${seeds.length} values for ${list.length} conformers; pass one seed, or one per conformer.`);
    }
    checkAligned(set.conformerProperties, list.length, `${where}.conformerProperties`, 'conformerProperties');
    checkAligned(set.stereo, list.length, `${where}.stereo`, 'stereo');
    const shared = checkedItems(set.properties, `${where}.properties`, 'properties');
    if (set.inputSmiles !== undefined) checkValue(CONFORMER_SDF_KEYS.smiles, set.inputSmiles, `${where}.inputSmiles`, 'inputSmiles');
    if (set.sampler !== undefined) checkValue(CONFORMER_SDF_KEYS.sampler, set.sampler, `${where}.sampler`, 'sampler');
    const title = moleculeTitle(set.molecule);
    list.forEach((coords, k) => {
      const items: Array<[string, string]> = [
        [CONFORMER_SDF_KEYS.smiles, set.inputSmiles ?? set.molecule.smiles],
        [CONFORMER_SDF_KEYS.canonicalSmiles, set.molecule.smiles],
        [CONFORMER_SDF_KEYS.conformerIndex, String(firstIndex + k)],
      ];
      const seed = Array.isArray(seeds) ? seeds[k] : (seeds as number | undefined);
      if (seed !== undefined) items.push([CONFORMER_SDF_KEYS.seed, String(seed)]);
      if (set.sampler !== undefined) items.push([CONFORMER_SDF_KEYS.sampler, set.sampler]);
      if (set.steps !== undefined) items.push([CONFORMER_SDF_KEYS.steps, String(set.steps)]);
      const stereo = set.stereo?.[k];
      if (stereo !== undefined) items.push([CONFORMER_SDF_KEYS.stereoCheck, formatStereoReport(stereo)]);
      items.push(...shared, ...checkedItems(set.conformerProperties?.[k], `${where}.conformerProperties[${k}]`, 'conformerProperties'));
      records.push({ molecule: set.molecule, title, coords, items });
    });
  });
  return records;
}

function isSetArray(sets: ConformerSet | readonly ConformerSet[]): sets is readonly ConformerSet[] {
  return Array.isArray(sets);
}

function checkAligned(values: readonly unknown[] | undefined, count: number, where: string, argument: string): void {
  if (values !== undefined && values.length !== count) {
    throw new InvalidArgumentError(argument, `${where} has ${values.length} entries for ${count} conformers; pass one per conformer, in order.`);
  }
}

function checkedItems(properties: Readonly<Record<string, PropertyValue>> | undefined, where: string, argument: string): Array<[string, string]> {
  return Object.entries(properties ?? {}).map(([key, value]) => {
    if (RESERVED.has(key)) {
      throw new InvalidArgumentError(
        argument,
        `${where} uses the reserved data item name "${key}", which the writer fills itself (${[...RESERVED].join(', ')}). Rename the property.`,
      );
    }
    if (key === '' || /[<>\r\n]/.test(key) || key.trim() !== key) {
      throw new InvalidArgumentError(
        argument,
        `${where} has the data item name ${JSON.stringify(key)}; SDF names must be non-empty, without '<', '>', line breaks or surrounding spaces.`,
      );
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new InvalidArgumentError(argument, `${where}.${key} is a ${typeof value}; data item values must be strings, numbers or booleans.`);
    }
    checkValue(key, String(value), `${where}.${key}`, argument);
    return [key, String(value)];
  });
}

function checkValue(key: string, value: string, where: string, argument: string): void {
  const lines = value.split(/\r\n|\n|\r/);
  if (lines.some((l) => l.trim() === '' && lines.length > 1) || lines.some((l) => l.trimEnd() === '$$$$')) {
    throw new InvalidArgumentError(
      argument,
      `${where}: the value of data item "${key}" contains a blank line or a "$$$$" line, which would end the SD record early. Remove them.`,
    );
  }
}
