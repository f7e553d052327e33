import { ProteinFormatError } from '../errors/protein-format-error';

/** One row of BLAST+ tabular output (`-outfmt 6` / `7`, default columns). */
export interface BlastHit {
  /** Query sequence id. */
  query: string;
  /** Subject (database) sequence id. */
  subject: string;
  /** Percent identity. */
  percentIdentity: number;
  /** Alignment length. */
  alignmentLength: number;
  /** Mismatches. */
  mismatches: number;
  /** Gap openings. */
  gapOpens: number;
  /** Query start (1-based). */
  queryStart: number;
  /** Query end. */
  queryEnd: number;
  /** Subject start. */
  subjectStart: number;
  /** Subject end. */
  subjectEnd: number;
  /** E-value. */
  evalue: number;
  /** Bit score. */
  bitScore: number;
}

/**
 * Parses BLAST+ `-outfmt 6` text (12 tab-separated default columns: qseqid sseqid pident length mismatch gapopen
 * qstart qend sstart send evalue bitscore). `#` lines (`-outfmt 7` comments) and blank lines are skipped.
 *
 * @param text - the output
 * @param source - file name for error messages @default '<blast>'
 * @returns the hits in output order (BLAST lists each query's hits best first)
 * @throws {@link ProteinFormatError} (`field-count`, `invalid-character`) naming the line when a row is malformed
 * @example
 * ```ts
 * const hits = parseBlastTabular('q1\tt7\t98.5\t120\t2\t0\t1\t120\t1\t120\t1e-60\t230\n');
 * console.log(hits[0].subject, hits[0].bitScore); // t7 230
 * ```
 */
export function parseBlastTabular(text: string, source = '<blast>'): BlastHit[] {
  const hits: BlastHit[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split('\t');
    if (f.length < 12) {
      throw new ProteinFormatError(source, 'field-count', `expected 12 tab-separated columns (-outfmt 6), found ${f.length}.`, { line: i + 1 });
    }
    const num = (k: number, name: string): number => {
      const v = Number(f[k]);
      if (f[k]!.trim() === '' || !Number.isFinite(v)) {
        throw new ProteinFormatError(source, 'invalid-character', `column ${k + 1} (${name}) is not a number: "${f[k]}".`, { line: i + 1, record: f[0] });
      }
      return v;
    };
    hits.push({
      query: f[0]!,
      subject: f[1]!,
      percentIdentity: num(2, 'pident'),
      alignmentLength: num(3, 'length'),
      mismatches: num(4, 'mismatch'),
      gapOpens: num(5, 'gapopen'),
      queryStart: num(6, 'qstart'),
      queryEnd: num(7, 'qend'),
      subjectStart: num(8, 'sstart'),
      subjectEnd: num(9, 'send'),
      evalue: num(10, 'evalue'),
      bitScore: num(11, 'bitscore'),
    });
  }
  return hits;
}
