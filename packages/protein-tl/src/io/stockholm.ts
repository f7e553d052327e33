/**
 * Stockholm 1.0 multiple sequence alignments (Pfam, HMMER): a streaming reader over files and a parser for strings.
 * @packageDocumentation
 */
import type { WithProgress } from '@lab/tensor-core';
import { AlphabetTable, describeChar, PROTEIN_ALPHABET } from '../alphabet/protein-alphabet';
import { ProteinFormatError, type ProteinFormatProblem } from '../errors/protein-format-error';
import { readTextLines, splitLines } from './text-source';

/** The markup of a {@link StockholmAlignment}; per-column annotations are concatenated over interleaved blocks. */
export interface StockholmMarkup {
  /** `#=GF <feature> <text>`: per-file features (ID, AC, DE, ...), each a list of its lines in order. */
  gf: Map<string, string[]>;
  /** `#=GC <feature> <annotation>`: per-column annotations (SS_cons, RF, seq_cons, ...). */
  gc: Map<string, string>;
  /** `#=GS <seqname> <feature> <text>`: per-sequence features (AC, DE, OS, ...), each a list of lines. */
  gs: Map<string, Map<string, string[]>>;
  /** `#=GR <seqname> <feature> <annotation>`: per-residue annotations (SS, PP, ...). */
  gr: Map<string, Map<string, string>>;
}

/** One alignment of a Stockholm file. */
export interface StockholmAlignment {
  /** The `#=GF ID` line (e.g. a Pfam family id), if present. */
  id: string | undefined;
  /** The `#=GF AC` line (e.g. `PF00069.28`), if present. */
  accession: string | undefined;
  /** Sequence name (e.g. `O83071/192-246`) to its aligned row, in file order. */
  sequences: Map<string, string>;
  /** GF, GC, GS and GR markup. */
  markup: StockholmMarkup;
  /** 1-based line of the alignment's `# STOCKHOLM 1.0` header. */
  line: number;
}

/** Options of {@link parseStockholm} and {@link readStockholm}. */
export interface StockholmReadOptions extends WithProgress {
  /**
   * Characters the aligned rows may contain; their lower case (insert columns) is always accepted.
   * @default PROTEIN_ALPHABET (25 residue letters, `-` and `.`)
   */
  alphabet?: string;
  /** The file name used in error messages. @default the path, or `<text>` */
  source?: string;
}

interface Building {
  line: number;
  sequences: Map<string, string[]>;
  seqLines: Map<string, number>;
  markup: { gf: Map<string, string[]>; gc: Map<string, string[]>; gs: Map<string, Map<string, string[]>>; gr: Map<string, Map<string, string[]>> };
  refs: Array<{ name: string; line: number; kind: 'GS' | 'GR' }>;
  block: Set<string>;
}

/**
 * Incremental Stockholm parser: feed it lines; it returns each alignment at its `//` line.
 * @internal
 */
class StockholmParser {
  private readonly table: AlphabetTable;
  private lineNo = 0;
  private cur: Building | undefined;

  constructor(private readonly source: string, options: StockholmReadOptions) {
    this.table = new AlphabetTable(options.alphabet ?? PROTEIN_ALPHABET);
  }

  line(raw: string): StockholmAlignment | undefined {
    this.lineNo++;
    const text = (this.lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw).trimEnd();
    const cur = this.cur;
    if (!cur) {
      if (text.trim() === '') return undefined;
      if (!/^# STOCKHOLM 1\.0\s*$/.test(text)) {
        this.fail('stockholm-header', `expected "# STOCKHOLM 1.0" to start an alignment, found "${text.slice(0, 40)}".`, 1);
      }
      this.cur = {
        line: this.lineNo,
        sequences: new Map(),
        seqLines: new Map(),
        markup: { gf: new Map(), gc: new Map(), gs: new Map(), gr: new Map() },
        refs: [],
        block: new Set(),
      };
      return undefined;
    }
    if (text.trim() === '') {
      cur.block.clear();
      return undefined;
    }
    if (text === '//') return this.finish(cur);
    if (text.startsWith('#=')) {
      this.markupLine(text, cur);
      return undefined;
    }
    if (text.startsWith('#')) {
      if (/^# STOCKHOLM/.test(text)) {
        this.fail('stockholm-unterminated', `a new "# STOCKHOLM" header before the "//" that ends the alignment started on line ${cur.line}.`, 1);
      }
      return undefined; // comment
    }
    this.sequenceLine(text, cur);
    return undefined;
  }

  end(): void {
    if (this.cur) {
      this.fail('stockholm-unterminated', `the file ends inside the alignment started on line ${this.cur.line}; it lacks its "//" terminator.`);
    }
  }

  private sequenceLine(text: string, cur: Building): void {
    const m = /^(\S+)(\s+)(\S+)$/.exec(text);
    if (!m) {
      this.fail('stockholm-syntax', `expected "<name> <aligned sequence>", found "${text.slice(0, 60)}".`, 1);
    }
    const name = m[1]!;
    const seq = m[3]!;
    if (cur.block.has(name)) {
      this.fail('duplicate-name', `sequence "${name}" appears twice in the same block.`, 1, name);
    }
    cur.block.add(name);
    const offset = name.length + m[2]!.length;
    for (let i = 0; i < seq.length; i++) {
      const c = seq.charCodeAt(i);
      if (this.table.has(c) || this.table.hasUpper(c)) continue;
      const before = cur.sequences.get(name)?.reduce((s, p) => s + p.length, 0) ?? 0;
      this.fail(
        'invalid-character',
        `invalid character ${describeChar(String.fromCodePoint(seq.codePointAt(i)!))} in the aligned sequence; allowed: ${this.table.alphabet} and lower case.`,
        offset + i + 1,
        name,
        before + i + 1,
      );
    }
    const parts = cur.sequences.get(name);
    if (parts) parts.push(seq);
    else cur.sequences.set(name, [seq]);
    cur.seqLines.set(name, this.lineNo);
  }

  private markupLine(text: string, cur: Building): void {
    const kind = text.slice(2, 4);
    const fields = text.split(/\s+/);
    const { gf, gc, gs, gr } = cur.markup;
    switch (kind) {
      case 'GF': {
        const m = /^#=GF\s+(\S+)\s*(.*)$/.exec(text);
        if (!m) this.fail('stockholm-syntax', 'expected "#=GF <feature> <text>".', 1);
        push(gf, m[1]!, m[2]!);
        return;
      }
      case 'GS': {
        const m = /^#=GS\s+(\S+)\s+(\S+)\s*(.*)$/.exec(text);
        if (!m) this.fail('stockholm-syntax', 'expected "#=GS <seqname> <feature> <text>".', 1);
        push(nested(gs, m[1]!), m[2]!, m[3]!);
        cur.refs.push({ name: m[1]!, line: this.lineNo, kind: 'GS' });
        return;
      }
      case 'GR': {
        if (fields.length !== 4 || fields[0] !== '#=GR') this.fail('stockholm-syntax', 'expected "#=GR <seqname> <feature> <annotation>".', 1);
        push(nested(gr, fields[1]!), fields[2]!, fields[3]!);
        cur.refs.push({ name: fields[1]!, line: this.lineNo, kind: 'GR' });
        return;
      }
      case 'GC': {
        if (fields.length !== 3 || fields[0] !== '#=GC') this.fail('stockholm-syntax', 'expected "#=GC <feature> <annotation>".', 1);
        push(gc, fields[1]!, fields[2]!);
        return;
      }
      default:
        this.fail('stockholm-syntax', `unknown markup "${fields[0]}"; Stockholm markup lines are #=GF, #=GS, #=GR and #=GC.`, 1);
    }
  }

  private finish(cur: Building): StockholmAlignment {
    this.cur = undefined;
    const id = cur.markup.gf.get('ID')?.join(' ');
    const label = id ?? `alignment of line ${cur.line}`;
    if (cur.sequences.size === 0) {
      this.fail('empty-alignment', `the alignment started on line ${cur.line} has no sequences.`, undefined, label);
    }
    const sequences = new Map<string, string>();
    let width = -1;
    let first = '';
    for (const [name, parts] of cur.sequences) {
      const row = parts.join('');
      if (width < 0) {
        width = row.length;
        first = name;
      } else if (row.length !== width) {
        throw new ProteinFormatError(
          this.source,
          'length-mismatch',
          `sequence "${name}" has ${row.length} columns but "${first}" has ${width}, in alignment "${label}"; every row of an alignment has the same length.`,
          { line: cur.seqLines.get(name), record: name },
        );
      }
      sequences.set(name, row);
    }
    for (const ref of cur.refs) {
      if (!sequences.has(ref.name)) {
        throw new ProteinFormatError(this.source, 'unknown-sequence', `#=${ref.kind} names "${ref.name}", which is not a sequence of alignment "${label}".`, {
          line: ref.line,
          record: ref.name,
        });
      }
    }
    const join = (m: Map<string, string[]>, owner: string): Map<string, string> => {
      const out = new Map<string, string>();
      for (const [feature, parts] of m) {
        const value = parts.join('');
        if (value.length !== width) {
          throw new ProteinFormatError(
            this.source,
            'length-mismatch',
            `${owner} feature "${feature}" has ${value.length} columns but the alignment "${label}" has ${width}.`,
            { line: this.lineNo, record: label },
          );
        }
        out.set(feature, value);
      }
      return out;
    };
    const gr = new Map<string, Map<string, string>>();
    for (const [name, features] of cur.markup.gr) gr.set(name, join(features, `#=GR ${name}`));
    return {
      id,
      accession: cur.markup.gf.get('AC')?.join(' '),
      sequences,
      markup: { gf: cur.markup.gf, gc: join(cur.markup.gc, '#=GC'), gs: cur.markup.gs, gr },
      line: cur.line,
    };
  }

  private fail(problem: ProteinFormatProblem, message: string, column?: number, record?: string, position?: number): never {
    throw new ProteinFormatError(this.source, problem, message, { line: this.lineNo, column, record, position });
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function nested(map: Map<string, Map<string, string[]>>, key: string): Map<string, string[]> {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map()));
  return inner;
}

/**
 * Parses Stockholm 1.0 text: one or more alignments, each opened by `# STOCKHOLM 1.0` and closed by `//`.
 *
 * @remarks Interleaved blocks (separated by blank lines) are concatenated per sequence, as are `#=GC` and `#=GR`
 * annotations; `#=GF` and `#=GS` text lines are kept in order per feature. Lines starting with `#` but not `#=` are
 * comments. Problems throw {@link ProteinFormatError} with the 1-based line: a missing header (`stockholm-header`), a
 * missing `//` (`stockholm-unterminated`), a malformed line or unknown `#=` markup (`stockholm-syntax`), a name twice
 * in one block (`duplicate-name`), a character outside the alphabet (`invalid-character`, with column and residue),
 * rows or annotations of unequal length (`length-mismatch`), `#=GS`/`#=GR` of an absent sequence (`unknown-sequence`)
 * and an alignment without sequences (`empty-alignment`).
 *
 * @param text - Stockholm text
 * @param options - alphabet, source name
 * @returns the alignments, in file order
 * @example
 * ```ts
 * const [aln] = parseStockholm('# STOCKHOLM 1.0\n#=GF ID demo\nseq1/1-4 MK-T\nseq2/3-7 MKAT\n//\n');
 * aln.id;                        // 'demo'
 * aln.sequences.get('seq1/1-4'); // 'MK-T'
 * ```
 */
export function parseStockholm(text: string, options: StockholmReadOptions = {}): StockholmAlignment[] {
  const parser = new StockholmParser(options.source ?? '<text>', options);
  const out: StockholmAlignment[] = [];
  for (const line of splitLines(text)) {
    const aln = parser.line(line);
    if (aln) out.push(aln);
  }
  parser.end();
  return out;
}

/**
 * Streams the alignments of a Stockholm file (plain or gzip, detected from the first bytes), one at a time, so that
 * multi-alignment files such as Pfam-A.seed.gz can be read without holding them whole. Validation and errors are
 * those of {@link parseStockholm}.
 *
 * @param path - the file
 * @param options - alphabet, source name, `onProgress` (bytes read)
 * @returns an async iterable of alignments
 * @example
 * ```ts
 * for await (const aln of readStockholm('Pfam-A.seed.gz')) {
 *   console.log(aln.accession, aln.sequences.size);
 * }
 * ```
 */
export async function* readStockholm(path: string, options: StockholmReadOptions = {}): AsyncGenerator<StockholmAlignment> {
  const parser = new StockholmParser(options.source ?? path, options);
  for await (const line of readTextLines(path, options.onProgress)) {
    const aln = parser.line(line);
    if (aln) yield aln;
  }
  parser.end();
}
