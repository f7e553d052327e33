import { DataFormatError, InvalidArgumentError } from '@lab/tensor-core';
import { checkParseOptions } from './from-rdkit';
import type { MoleculeBatch, ParseMoleculeOptions, ReadMolecule } from './molecule';
import { parseSmilesWith } from './parse-smiles';
import { loadedRDKit } from './rdkit';
import { skippedEntry } from './sdf';

/** A molecule read by {@link readSmilesList}. */
export interface ListedMolecule extends ReadMolecule {
  /** The `n_conformers` column of a CSV row, when present: how many conformers to generate. */
  nConformers?: number;
}

/** The formats {@link readSmilesList} reads. */
export type SmilesListFormat = 'csv' | 'smi';

/** Options of {@link readSmilesList}. */
export interface ReadSmilesListOptions extends ParseMoleculeOptions {
  /** Overrides the format otherwise taken from the file extension (`.csv`; `.smi`, `.smiles`, `.txt`). */
  format?: SmilesListFormat;
}

const SMILES_COLUMNS = ['smiles', 'smi', 'canonical_smiles'];
const COUNT_COLUMNS = ['n_conformers', 'num_conformers', 'n_confs', 'num_confs', 'nconfs'];
const NAME_COLUMNS = ['name', 'id', 'mol_id', 'title'];

/** One row to parse: its line, SMILES and optional name and conformer count (raw text). */
interface Row {
  line: number;
  smiles: string;
  name?: string;
  count?: string;
}

/**
 * Reads a list of SMILES: a CSV `smiles,n_conformers` (header optional) or a `.smi` file (`SMILES [name]` per line).
 * Every SMILES goes through {@link parseSmiles}; a bad row is skipped and reported, never thrown.
 *
 * @remarks
 * - CSV: comma-separated, double quotes allowed around fields. The first row is a header when one of its fields is a
 *   known column name (case-insensitive): the SMILES column `smiles` (or `smi`, `canonical_smiles`), `n_conformers`
 *   (or `num_conformers`, `n_confs`, `num_confs`, `nconfs`) and `name` (or `id`, `mol_id`, `title`); all but the SMILES
 *   column are optional. Without a header, column 1 is the SMILES and column 2, when present, `n_conformers`.
 *   `n_conformers`, when given, must be a positive integer.
 * - `.smi`: the first whitespace-separated token is the SMILES, the rest of the line its name; a first line whose
 *   first token is `smiles` is taken as a header.
 * - Blank lines and lines starting with `#` are ignored in both.
 *
 * @example
 * ```ts
 * const { molecules, skipped } = await readSmilesList('smiles,n_conformers\nCCO,4\nC1CC,2\n', 'test.csv');
 * // molecules: [ethanol with nConformers 4]; skipped: [{ line: 3, input: 'C1CC', code: 'INVALID_SMILES', ... }]
 * ```
 * @param text - the file's text
 * @param file - the file name: picks the format by extension and names the file in messages
 * @param options - `addHs` (default true), `maxAtoms`, `format`
 * @throws InvalidArgumentError when the format cannot be told from `file` and no `format` is given
 * @throws DataFormatError when a CSV header names other known columns but no SMILES column
 * @throws RDKitUnavailableError when RDKit MinimalLib cannot be loaded
 */
export async function readSmilesList(text: string, file: string, options: ReadSmilesListOptions = {}): Promise<MoleculeBatch<ListedMolecule>> {
  checkParseOptions(options);
  const format = options.format ?? formatOf(file);
  const rows = format === 'csv' ? csvRows(text, file) : smiRows(text);
  const { rdkit, log } = await loadedRDKit();
  const batch: MoleculeBatch<ListedMolecule> = { molecules: [], skipped: [] };
  for (const row of rows) {
    try {
      let nConformers: number | undefined;
      if (row.count !== undefined && row.count.trim() !== '') {
        const count = row.count.trim();
        if (!/^\d+$/.test(count) || Number(count) < 1) {
          throw new DataFormatError(file, `n_conformers "${count}" is not a positive integer; write how many conformers to generate (e.g. 2 x the reference count)`, `line ${row.line}`);
        }
        nConformers = Number(count);
      }
      const molecule = parseSmilesWith(rdkit, log, row.smiles, {
        ...options,
        file,
        line: row.line,
        ...(row.name !== undefined ? { name: row.name } : {}),
      });
      batch.molecules.push({ ...molecule, line: row.line, ...(nConformers !== undefined ? { nConformers } : {}) });
    } catch (e) {
      batch.skipped.push(skippedEntry(e, row.line, row.smiles));
    }
  }
  return batch;
}

function formatOf(file: string): SmilesListFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.smi') || lower.endsWith('.smiles') || lower.endsWith('.txt')) return 'smi';
  throw new InvalidArgumentError('file', `Cannot tell the format of "${file}" from its extension; name it .csv or .smi, or pass { format: 'csv' | 'smi' }.`);
}

/** Non-blank, non-comment lines with their 1-based numbers. */
function contentLines(text: string): Array<{ line: number; text: string }> {
  return text
    .split(/\r\n|\n|\r/)
    .map((t, i) => ({ line: i + 1, text: t }))
    .filter((l) => l.text.trim() !== '' && !l.text.trimStart().startsWith('#'));
}

/** Splits one CSV line; fields may be double-quoted (`""` inside quotes is a quote). */
function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const ch = line[k];
    if (quoted) {
      if (ch === '"' && line[k + 1] === '"') {
        field += '"';
        k++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

function csvRows(text: string, file: string): Row[] {
  const lines = contentLines(text);
  const first = lines[0];
  if (first === undefined) return [];
  const header = splitCsv(first.text).map((h) => h.toLowerCase());
  const known = [...SMILES_COLUMNS, ...COUNT_COLUMNS, ...NAME_COLUMNS];
  const hasHeader = header.some((h) => known.includes(h));
  let smilesCol = 0;
  let countCol: number | undefined = 1;
  let nameCol: number | undefined;
  if (hasHeader) {
    smilesCol = header.findIndex((h) => SMILES_COLUMNS.includes(h));
    if (smilesCol < 0) throw new DataFormatError(file, `the header has no SMILES column (one of ${SMILES_COLUMNS.join(', ')})`, `line ${first.line}`);
    const c = header.findIndex((h) => COUNT_COLUMNS.includes(h));
    countCol = c >= 0 ? c : undefined;
    const nm = header.findIndex((h) => NAME_COLUMNS.includes(h));
    nameCol = nm >= 0 ? nm : undefined;
  }
  return (hasHeader ? lines.slice(1) : lines).map(({ line, text: t }) => {
    const fields = splitCsv(t);
    const row: Row = { line, smiles: fields[smilesCol] ?? '' };
    const count = countCol !== undefined ? fields[countCol] : undefined;
    if (count !== undefined) row.count = count;
    const name = nameCol !== undefined ? fields[nameCol] : undefined;
    if (name !== undefined && name !== '') row.name = name;
    return row;
  });
}

function smiRows(text: string): Row[] {
  const rows = contentLines(text).map(({ line, text: t }) => {
    const trimmed = t.trim();
    const space = trimmed.search(/\s/);
    const smiles = space < 0 ? trimmed : trimmed.slice(0, space);
    const name = space < 0 ? '' : trimmed.slice(space).trim();
    const row: Row = { line, smiles };
    if (name !== '') row.name = name;
    return row;
  });
  if (rows[0] !== undefined && rows[0].smiles.toLowerCase() === 'smiles') rows.shift();
  return rows;
}
