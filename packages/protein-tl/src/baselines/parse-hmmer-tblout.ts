import { ProteinFormatError } from '../errors/protein-format-error';

/** One line of HMMER's `--tblout` (per-sequence hits table) from `hmmscan` or `hmmsearch`. */
export interface HmmerHit {
  /** Target name: the profile HMM for `hmmscan`, the sequence for `hmmsearch`. */
  target: string;
  /** Target accession, or `'-'`. */
  targetAccession: string;
  /** Query name: the sequence for `hmmscan`, the profile for `hmmsearch`. */
  query: string;
  /** Query accession, or `'-'`. */
  queryAccession: string;
  /** Full-sequence E-value. */
  evalue: number;
  /** Full-sequence bit score. */
  score: number;
  /** Full-sequence composition bias correction (bits). */
  bias: number;
  /** E-value of the best domain. */
  bestDomainEvalue: number;
  /** Bit score of the best domain. */
  bestDomainScore: number;
  /** Target description (may contain spaces), `'-'` when none. */
  description: string;
}

/**
 * Parses HMMER 3 `--tblout` text (18 whitespace-separated columns then a free-text description; `#` lines are
 * comments).
 *
 * @param text - the file's contents
 * @param source - file name for error messages @default '<tblout>'
 * @returns the hits in file order
 * @throws {@link ProteinFormatError} (`field-count`, `invalid-character`) naming the line when a row is malformed
 * @example
 * ```ts
 * const hits = parseHmmerTblout(await readFile('scan.tbl', 'utf8'));
 * console.log(hits[0].target, hits[0].query, hits[0].score);
 * ```
 */
export function parseHmmerTblout(text: string, source = '<tblout>'): HmmerHit[] {
  const hits: HmmerHit[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = line.trim().split(/\s+/);
    if (fields.length < 18) {
      throw new ProteinFormatError(source, 'field-count', `expected at least 18 whitespace-separated columns in HMMER tblout, found ${fields.length}.`, { line: i + 1 });
    }
    const num = (k: number, name: string): number => {
      const v = Number(fields[k]);
      if (!Number.isFinite(v)) {
        throw new ProteinFormatError(source, 'invalid-character', `column ${k + 1} (${name}) is not a number: "${fields[k]}".`, { line: i + 1, record: fields[2] });
      }
      return v;
    };
    hits.push({
      target: fields[0]!,
      targetAccession: fields[1]!,
      query: fields[2]!,
      queryAccession: fields[3]!,
      evalue: num(4, 'E-value'),
      score: num(5, 'score'),
      bias: num(6, 'bias'),
      bestDomainEvalue: num(7, 'best domain E-value'),
      bestDomainScore: num(8, 'best domain score'),
      description: fields.slice(18).join(' ') || '-',
    });
  }
  return hits;
}
