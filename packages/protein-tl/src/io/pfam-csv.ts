/**
 * Pfam split shards as CSV: the Kaggle "Pfam seed random split" layout and the two-column subset layout.
 * @packageDocumentation
 */
import { parse, type CsvError } from 'csv-parse';
import type { WithProgress } from '@lab/tensor-core';
import { AlphabetTable, describeChar, PROTEIN_ALPHABET, PROTEIN_RESIDUES } from '../alphabet/protein-alphabet';
import { ProteinFormatError } from '../errors/protein-format-error';
import { checkChoice, type LowercasePolicy } from './fasta-reader';
import { openDecompressed } from './text-source';

/**
 * The CSV layouts {@link readPfamCsv} recognises from the header:
 * - `'pfam-seed-split'`: `family_id, sequence_name, family_accession, aligned_sequence, sequence` (the Kaggle Pfam seed
 *   random split shards);
 * - `'accession-sequence'`: `family_accession, sequence` (the subset under `shared/data/pfam`).
 */
export type PfamCsvLayout = 'pfam-seed-split' | 'accession-sequence';

/** The columns each {@link PfamCsvLayout} requires, in their usual order. */
export const PFAM_CSV_COLUMNS: Readonly<Record<PfamCsvLayout, readonly string[]>> = Object.freeze({
  'pfam-seed-split': Object.freeze(['family_id', 'sequence_name', 'family_accession', 'aligned_sequence', 'sequence']),
  'accession-sequence': Object.freeze(['family_accession', 'sequence']),
});

/** One row of a Pfam CSV shard. */
export interface PfamRecord {
  /** Pfam family accession with version, e.g. `PF13649.6`. */
  familyAccession: string;
  /** The unaligned domain sequence. */
  sequence: string;
  /** Pfam family id, e.g. `Methyltransf_25` (`'pfam-seed-split'` only). */
  familyId?: string;
  /** Sequence name with its residue range, e.g. `Q0DJJ7_ORYSJ/43-141` (`'pfam-seed-split'` only). */
  sequenceName?: string;
  /** The row of the seed alignment, gaps and lower-case insert residues included (`'pfam-seed-split'` only). */
  alignedSequence?: string;
  /** 1-based line of the row in the file. */
  line: number;
}

/** What {@link readPfamCsv} reports about the header. */
export interface PfamCsvHeader {
  /** The detected layout. */
  layout: PfamCsvLayout;
  /** The header's column names, in file order. */
  columns: string[];
}

/** Options of {@link readPfamCsv} and {@link parsePfamCsv}. */
export interface PfamCsvOptions extends WithProgress {
  /** Require this layout; another header throws. @default detected from the header */
  layout?: PfamCsvLayout;
  /**
   * Lower-case letters in the `sequence` column: `'error'` throws, `'keep'` keeps, `'upper'` converts. The
   * `aligned_sequence` column always accepts lower case (insert states of the alignment).
   * @default 'error'
   */
  lowercase?: LowercasePolicy;
  /**
   * Characters allowed in the `sequence` column (upper case). `aligned_sequence` also accepts the gaps `-` and `.`.
   * @default PROTEIN_RESIDUES (25 letters, no gaps)
   */
  alphabet?: string;
  /** Called once with the detected layout and the header, before the first row. */
  onHeader?: (header: PfamCsvHeader) => void;
  /** The file name used in error messages. @default the path, or `<text>` */
  source?: string;
}

/**
 * Detects the layout of a Pfam CSV header.
 *
 * @remarks Column names are compared after trimming; their order does not matter and other columns (e.g. a pandas
 * index) are ignored. The richer `'pfam-seed-split'` layout wins when both match.
 * @param columns - the header's column names
 * @returns the layout, or undefined when neither layout's columns are all present
 * @example
 * ```ts
 * detectPfamLayout(['family_accession', 'sequence']); // 'accession-sequence'
 * ```
 */
export function detectPfamLayout(columns: readonly string[]): PfamCsvLayout | undefined {
  const names = new Set(columns.map((c) => c.trim()));
  for (const layout of ['pfam-seed-split', 'accession-sequence'] as const) {
    if (PFAM_CSV_COLUMNS[layout].every((c) => names.has(c))) return layout;
  }
  return undefined;
}

/**
 * Row validation and conversion shared by the string and file readers.
 * @internal
 */
class PfamRowReader {
  private header: { layout: PfamCsvLayout; columns: string[]; index: Record<string, number> } | undefined;
  private readonly residues: AlphabetTable;
  private readonly aligned: AlphabetTable;
  private readonly lowercase: LowercasePolicy;

  constructor(private readonly source: string, private readonly options: PfamCsvOptions) {
    this.residues = new AlphabetTable(options.alphabet ?? PROTEIN_RESIDUES);
    this.aligned = new AlphabetTable((options.alphabet ?? PROTEIN_RESIDUES) + PROTEIN_ALPHABET);
    this.lowercase = checkChoice('lowercase', options.lowercase ?? 'error', ['error', 'keep', 'upper']);
    if (options.layout !== undefined) checkChoice('layout', options.layout, Object.keys(PFAM_CSV_COLUMNS) as PfamCsvLayout[]);
  }

  /** Handles one parsed CSV row; returns the record, or undefined for the header. */
  row(fields: string[], endLine: number): PfamRecord | undefined {
    const line = endLine - countLineBreaks(fields);
    if (!this.header) {
      this.readHeader(fields, line);
      return undefined;
    }
    const { columns, index, layout } = this.header;
    if (fields.length !== columns.length) {
      throw new ProteinFormatError(
        this.source,
        'field-count',
        `expected ${columns.length} fields (${columns.join(', ')}), found ${fields.length}. Quote fields that contain commas.`,
        { line },
      );
    }
    const get = (name: string): string => fields[index[name]!]!;
    const familyAccession = get('family_accession').trim();
    if (familyAccession === '') this.fail('empty-field', 'the family accession is empty.', line, 'family_accession');
    if (/\s/.test(familyAccession)) this.fail('invalid-label', `the family accession "${familyAccession}" contains whitespace.`, line, 'family_accession');
    const sequence = this.checkSequence(get('sequence'), line, 'sequence', this.residues, this.lowercase);
    const rec: PfamRecord = { familyAccession, sequence, line };
    if (layout === 'pfam-seed-split') {
      rec.familyId = get('family_id').trim();
      rec.sequenceName = get('sequence_name').trim();
      rec.alignedSequence = this.checkSequence(get('aligned_sequence'), line, 'aligned_sequence', this.aligned, 'keep');
    }
    return rec;
  }

  private readHeader(fields: string[], line: number): void {
    const columns = fields.map((f) => f.trim());
    const index: Record<string, number> = {};
    columns.forEach((c, i) => {
      if (c !== '' && index[c] !== undefined) this.fail('missing-column', `the header names column "${c}" twice.`, line, c);
      index[c] = i;
    });
    const detected = detectPfamLayout(columns);
    const wanted = this.options.layout ?? detected;
    const expected = wanted ?? 'accession-sequence';
    const missing = PFAM_CSV_COLUMNS[expected].filter((c) => index[c] === undefined);
    if (wanted === undefined || missing.length > 0) {
      this.fail(
        'missing-column',
        `the header (${columns.join(', ')}) lacks the column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of the ` +
          `"${expected}" layout. Supported headers: ${Object.values(PFAM_CSV_COLUMNS).map((c) => c.join(',')).join(' | ')}.`,
        line,
        missing[0],
      );
    }
    this.header = { layout: wanted, columns, index };
    this.options.onHeader?.({ layout: wanted, columns });
  }

  /** Throws when the file had no header row. */
  end(): void {
    if (!this.header) this.fail('empty-file', 'the file is empty; expected a header row such as "family_accession,sequence".');
  }

  private checkSequence(value: string, line: number, field: string, table: AlphabetTable, lowercase: LowercasePolicy): string {
    const seq = value.trim();
    if (seq === '') this.fail('empty-sequence', `the ${field} is empty.`, line, field);
    let upper = false;
    for (let i = 0; i < seq.length; i++) {
      const c = seq.charCodeAt(i);
      if (table.has(c)) continue;
      if (table.hasUpper(c)) {
        if (lowercase === 'error') {
          this.fail('lowercase', `lower-case residue "${seq[i]}" at residue ${i + 1}; read with lowercase: 'upper' or 'keep'.`, line, field, i + 1);
        }
        if (lowercase === 'upper') upper = true;
        continue;
      }
      this.fail('invalid-character', `invalid character ${describeChar(String.fromCodePoint(seq.codePointAt(i)!))} at residue ${i + 1}; allowed: ${table.alphabet}.`, line, field, i + 1);
    }
    return upper ? seq.toUpperCase() : seq;
  }

  private fail(problem: ConstructorParameters<typeof ProteinFormatError>[1], message: string, line?: number, field?: string, position?: number): never {
    throw new ProteinFormatError(this.source, problem, message, { line, field, position });
  }

  /** Converts a csv-parse syntax error. */
  syntax(e: CsvError): ProteinFormatError {
    const line = typeof e.lines === 'number' ? e.lines : undefined;
    const col = typeof e.column === 'number' && this.header ? this.header.columns[e.column] : undefined;
    return new ProteinFormatError(this.source, 'csv-syntax', `malformed CSV (${e.code}): ${e.message}`, { line, field: col }, { cause: e });
  }
}

function countLineBreaks(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) {
    for (let i = 0; i < f.length; i++) {
      const c = f.charCodeAt(i);
      if (c === 10 || (c === 13 && f.charCodeAt(i + 1) !== 10)) n++;
    }
  }
  return n;
}

const CSV_OPTIONS = { info: true, bom: true, skip_empty_lines: true, relax_column_count: true } as const;

function isCsvError(e: unknown): e is CsvError {
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(CSV_|INVALID_OPENING_QUOTE)/.test(code);
}

async function* rows(reader: PfamRowReader, input: AsyncIterable<{ record: string[]; info: { lines: number } }>): AsyncGenerator<PfamRecord> {
  try {
    for await (const { record, info } of input) {
      const rec = reader.row(record, info.lines);
      if (rec) yield rec;
    }
  } catch (e) {
    throw isCsvError(e) ? reader.syntax(e) : e;
  }
  reader.end();
}

/**
 * Streams the rows of a Pfam CSV shard (plain or gzip, detected from the first bytes), detecting the layout from the
 * header (see {@link PfamCsvLayout}); quoting follows RFC 4180 (parsed by csv-parse), `\r\n` line endings and a UTF-8
 * byte-order mark are accepted, blank lines are skipped.
 *
 * @remarks Every problem throws {@link ProteinFormatError} naming the file, the 1-based line of the row and the CSV
 * column: an unknown header (`missing-column`), a row with another number of fields (`field-count`), broken quoting
 * (`csv-syntax`), an empty accession or sequence (`empty-field`, `empty-sequence`), a character outside the alphabet
 * (`invalid-character`, with the residue position) and lower case (`lowercase`, see the option).
 *
 * @param path - the CSV file
 * @param options - layout, alphabet, lower case, header callback, `onProgress` (bytes read)
 * @returns an async iterable of rows
 * @example
 * ```ts
 * for await (const row of readPfamCsv('../shared/data/pfam/test_100.csv')) {
 *   console.log(row.familyAccession, row.sequence.length);
 * }
 * ```
 */
export async function* readPfamCsv(path: string, options: PfamCsvOptions = {}): AsyncGenerator<PfamRecord> {
  const reader = new PfamRowReader(options.source ?? path, options);
  const { stream, close } = await openDecompressed(path, options.onProgress);
  const parser = stream.pipe(parse(CSV_OPTIONS));
  stream.on('error', (e) => parser.destroy(e));
  try {
    yield* rows(reader, parser);
  } finally {
    parser.destroy();
    close();
  }
}

/**
 * Parses a Pfam CSV shard held in a string; the same layouts, validation and errors as {@link readPfamCsv}.
 * @param text - the CSV text
 * @param options - layout, alphabet, lower case, header callback
 * @returns the rows
 * @example
 * ```ts
 * const rows = await parsePfamCsv('family_accession,sequence\nPF00001.21,MKTAYIAK\n');
 * rows[0].familyAccession; // 'PF00001.21'
 * ```
 */
export async function parsePfamCsv(text: string, options: PfamCsvOptions = {}): Promise<PfamRecord[]> {
  const reader = new PfamRowReader(options.source ?? '<text>', options);
  const out: PfamRecord[] = [];
  for await (const rec of rows(reader, parse(text, CSV_OPTIONS))) out.push(rec);
  return out;
}
