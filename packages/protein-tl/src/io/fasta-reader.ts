/**
 * FASTA reading: a streaming reader over files (plain or gzip) and a parser for strings, with validation.
 * @packageDocumentation
 */
import { InvalidArgumentError, type WithProgress } from '@lab/tensor-core';
import { AlphabetTable, describeChar, PROTEIN_ALPHABET } from '../alphabet/protein-alphabet';
import { ProteinFormatError } from '../errors/protein-format-error';
import { readTextLines, splitLines } from './text-source';

/** One FASTA record. */
export interface FastaRecord {
  /** The identifier: the header's text after `>` up to the first whitespace. */
  name: string;
  /** The rest of the header line, trimmed (`''` when there is none). */
  description: string;
  /** The sequence, its lines joined, spaces and tabs removed. */
  sequence: string;
}

/** What the FASTA readers do with a name seen before. */
export type DuplicateNamePolicy = 'error' | 'keep' | 'rename';

/** What the sequence readers do with lower-case letters whose upper case is in the alphabet. */
export type LowercasePolicy = 'error' | 'keep' | 'upper';

/** Options of {@link parseFasta} and {@link readFasta}. */
export interface FastaReadOptions extends WithProgress {
  /**
   * The characters a sequence may contain (upper case; see `lowercase`). Spaces and tabs inside sequence lines are
   * always dropped. Pass e.g. `PROTEIN_ALPHABET + '*'` to accept stop codons.
   * @default PROTEIN_ALPHABET (25 residue letters, `-` and `.`)
   */
  alphabet?: string;
  /**
   * Lower-case letters whose upper case is in the alphabet: `'error'` throws, `'keep'` keeps them as they are (e.g.
   * A2M insert states), `'upper'` converts them to upper case. Other lower-case letters are invalid characters.
   * @default 'error'
   */
  lowercase?: LowercasePolicy;
  /**
   * A name seen before: `'error'` throws naming both lines; `'keep'` yields both records as they are; `'rename'`
   * appends `_2`, `_3`, ... (the first suffix not used by another record so far).
   * @default 'error'
   */
  onDuplicate?: DuplicateNamePolicy;
  /** Accept records with an empty sequence instead of throwing. @default false */
  allowEmpty?: boolean;
  /** The file name used in error messages. @default the path, or `<text>` for {@link parseFasta} */
  source?: string;
}

const LOWERCASE_POLICIES: readonly LowercasePolicy[] = ['error', 'keep', 'upper'];
const DUPLICATE_POLICIES: readonly DuplicateNamePolicy[] = ['error', 'keep', 'rename'];

/**
 * Incremental FASTA parser: feed it lines, it returns each record once the next header (or the end) is seen.
 * @internal
 */
export class FastaParser {
  private readonly table: AlphabetTable;
  private readonly lowercase: LowercasePolicy;
  private readonly onDuplicate: DuplicateNamePolicy;
  private readonly allowEmpty: boolean;
  private readonly seen = new Map<string, number>();
  private lineNo = 0;
  private current: { name: string; description: string; line: number; parts: string[]; length: number } | undefined;

  constructor(private readonly source: string, options: FastaReadOptions) {
    this.table = new AlphabetTable(options.alphabet ?? PROTEIN_ALPHABET);
    this.lowercase = checkChoice('lowercase', options.lowercase ?? 'error', LOWERCASE_POLICIES);
    this.onDuplicate = checkChoice('onDuplicate', options.onDuplicate ?? 'error', DUPLICATE_POLICIES);
    this.allowEmpty = options.allowEmpty ?? false;
  }

  /** Parses one line (without its line ending); returns the previous record when the line is a header. */
  line(raw: string): FastaRecord | undefined {
    this.lineNo++;
    const text = this.lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.charCodeAt(0) === 62 /* > */) {
      const done = this.finish();
      this.header(text);
      return done;
    }
    if (text.trim() === '') return undefined;
    if (!this.current) {
      throw new ProteinFormatError(
        this.source,
        'missing-header',
        `sequence data before the first ">" header: "${text.slice(0, 40)}". A FASTA file starts with a ">name" line.`,
        { line: this.lineNo, column: 1 },
      );
    }
    this.sequenceLine(text, this.current);
    return undefined;
  }

  /** Returns the last record, if any. */
  end(): FastaRecord | undefined {
    return this.finish();
  }

  private header(text: string): void {
    const body = text.slice(1);
    const m = /^\s*(\S*)\s*(.*?)\s*$/.exec(body)!;
    let name = m[1]!;
    if (name === '') {
      throw new ProteinFormatError(this.source, 'empty-name', 'header ">" has no name; write ">name optional description".', {
        line: this.lineNo,
        column: 2,
      });
    }
    const first = this.seen.get(name);
    if (first !== undefined) {
      if (this.onDuplicate === 'error') {
        throw new ProteinFormatError(
          this.source,
          'duplicate-name',
          `duplicate record name "${name}" (first seen on line ${first}). Rename it, or read with onDuplicate: 'keep' or 'rename'.`,
          { line: this.lineNo, column: 2, record: name },
        );
      }
      if (this.onDuplicate === 'rename') {
        let k = 2;
        while (this.seen.has(`${name}_${k}`)) k++;
        name = `${name}_${k}`;
        this.seen.set(name, this.lineNo);
      }
    } else {
      this.seen.set(name, this.lineNo);
    }
    this.current = { name, description: m[2]!, line: this.lineNo, parts: [], length: 0 };
  }

  private sequenceLine(text: string, rec: { name: string; parts: string[]; length: number }): void {
    let clean = true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.table.has(c)) continue;
      if (c === 32 || c === 9) {
        clean = false;
        continue;
      }
      if (this.table.hasUpper(c)) {
        if (this.lowercase === 'error') {
          throw new ProteinFormatError(
            this.source,
            'lowercase',
            `lower-case residue "${text[i]}"; read with lowercase: 'upper' to convert it or 'keep' to keep it.`,
            { line: this.lineNo, column: i + 1, record: rec.name, position: rec.length + residuesBefore(text, i) + 1 },
          );
        }
        if (this.lowercase === 'upper') clean = false;
        continue;
      }
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      throw new ProteinFormatError(
        this.source,
        'invalid-character',
        `invalid character ${describeChar(ch)} in the sequence; allowed: ${this.table.alphabet}${this.lowercase === 'error' ? '' : ' (and their lower case)'}.`,
        { line: this.lineNo, column: i + 1, record: rec.name, position: rec.length + residuesBefore(text, i) + 1 },
      );
    }
    let seq = clean ? text : text.replace(/[ \t]/g, '');
    if (this.lowercase === 'upper' && !clean) seq = seq.toUpperCase();
    rec.parts.push(seq);
    rec.length += seq.length;
  }

  private finish(): FastaRecord | undefined {
    const rec = this.current;
    if (!rec) return undefined;
    this.current = undefined;
    if (rec.length === 0 && !this.allowEmpty) {
      throw new ProteinFormatError(this.source, 'empty-sequence', 'the record has an empty sequence; remove it, or read with allowEmpty: true.', {
        line: rec.line,
        record: rec.name,
      });
    }
    return { name: rec.name, description: rec.description, sequence: rec.parts.length === 1 ? rec.parts[0]! : rec.parts.join('') };
  }
}

/** Residues (characters other than spaces and tabs) before index `i` of a line. */
function residuesBefore(text: string, i: number): number {
  let n = 0;
  for (let j = 0; j < i; j++) {
    const c = text.charCodeAt(j);
    if (c !== 32 && c !== 9) n++;
  }
  return n;
}

/** @internal */
export function checkChoice<T extends string>(argument: string, value: T, choices: readonly T[]): T {
  if (!choices.includes(value)) {
    throw new InvalidArgumentError(argument, `Unsupported ${argument} "${String(value)}". Supported: ${choices.join(', ')}.`);
  }
  return value;
}

/**
 * Parses FASTA text into records.
 *
 * @remarks Sequence lines of a record are joined (any line width); `\n`, `\r\n` and `\r` line endings and a UTF-8
 * byte-order mark are accepted; blank lines are skipped; spaces and tabs inside sequence lines are dropped. Each
 * problem throws {@link ProteinFormatError} naming the source, the 1-based line and column, the record and the 1-based
 * residue position: text before the first header (`missing-header`), `>` without a name (`empty-name`), an empty
 * sequence (`empty-sequence`, unless `allowEmpty`), a character outside the alphabet (`invalid-character`), lower case
 * (`lowercase`, see the option) and a repeated name (`duplicate-name`, see `onDuplicate`).
 *
 * @param text - FASTA text
 * @param options - alphabet, lower case, duplicates, empty sequences, source name
 * @returns the records, in file order
 * @throws ProteinFormatError on malformed input; InvalidArgumentError on an unsupported option value
 * @example
 * ```ts
 * const [rec] = parseFasta('>sp|P69905|HBA_HUMAN Hemoglobin alpha\nMVLSPADKTN\nVKAAWGKVGA\n');
 * rec.name;     // 'sp|P69905|HBA_HUMAN'
 * rec.sequence; // 'MVLSPADKTNVKAAWGKVGA'
 * ```
 */
export function parseFasta(text: string, options: FastaReadOptions = {}): FastaRecord[] {
  const parser = new FastaParser(options.source ?? '<text>', options);
  const out: FastaRecord[] = [];
  for (const line of splitLines(text)) {
    const rec = parser.line(line);
    if (rec) out.push(rec);
  }
  const last = parser.end();
  if (last) out.push(last);
  return out;
}

/**
 * Streams the records of a FASTA file, plain or gzip-compressed (detected from the file's first bytes), one at a time,
 * so that files of any size can be read. Validation and errors are those of {@link parseFasta}.
 *
 * @param path - the file
 * @param options - alphabet, lower case, duplicates, empty sequences, source name, `onProgress` (bytes read)
 * @returns an async iterable of records
 * @throws ProteinFormatError on malformed input (raised when the reader reaches it)
 * @example
 * ```ts
 * for await (const rec of readFasta('uniprot.fasta.gz', { lowercase: 'upper', onDuplicate: 'rename' })) {
 *   console.log(rec.name, rec.sequence.length);
 * }
 * ```
 */
export async function* readFasta(path: string, options: FastaReadOptions = {}): AsyncGenerator<FastaRecord> {
  const parser = new FastaParser(options.source ?? path, options);
  for await (const line of readTextLines(path, options.onProgress)) {
    const rec = parser.line(line);
    if (rec) yield rec;
  }
  const last = parser.end();
  if (last) yield last;
}
