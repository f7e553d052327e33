import { DataFormatError, type LabErrorOptions } from '@lab/tensor-core';

/** What is wrong in a {@link ProteinFormatError}. */
export type ProteinFormatProblem =
  | 'missing-header'
  | 'empty-name'
  | 'empty-sequence'
  | 'invalid-character'
  | 'lowercase'
  | 'duplicate-name'
  | 'missing-column'
  | 'empty-field'
  | 'field-count'
  | 'csv-syntax'
  | 'stockholm-header'
  | 'stockholm-syntax'
  | 'stockholm-unterminated'
  | 'length-mismatch'
  | 'unknown-sequence'
  | 'empty-alignment'
  | 'empty-line'
  | 'duplicate-label'
  | 'invalid-label'
  | 'empty-file';

/** Where in a file a {@link ProteinFormatError} was found. All numbers are 1-based. */
export interface ProteinFormatLocation {
  /** 1-based line in the file. */
  line?: number;
  /** 1-based character column in that line (FASTA, Stockholm, label files). */
  column?: number;
  /** The CSV column (header name) of the offending field. */
  field?: string;
  /** The record (FASTA or Stockholm sequence name, or alignment id) the problem belongs to. */
  record?: string;
  /** 1-based position of the offending residue inside the record's sequence. */
  position?: number;
}

/**
 * A protein data file (FASTA, Pfam CSV, Stockholm, label order) is malformed.
 *
 * @remarks It is a `DataFormatError` from `@lab/tensor-core` (so `code` is `DATA_FORMAT` and `file`/`location` are
 * set), with the kind of problem in {@link ProteinFormatError.problem} and each part of the location as a typed field.
 * The message names the file, the 1-based line (and column or CSV column), and the record, e.g.
 * `seqs.fa (line 7, column 12, record "sp|P1", residue 40): invalid character "J" ...`.
 *
 * @example
 * ```ts
 * try { parseFasta('>a\nMKJ\n', { source: 'a.fa' }); }
 * catch (e) { if (e instanceof ProteinFormatError) console.log(e.problem, e.line, e.column); } // invalid-character 2 3
 * ```
 */
export class ProteinFormatError extends DataFormatError {
  /** The kind of problem. */
  readonly problem: ProteinFormatProblem;
  /** 1-based line, when known. */
  readonly line: number | undefined;
  /** 1-based character column, when known. */
  readonly column: number | undefined;
  /** CSV column name, when the problem is in a CSV field. */
  readonly field: string | undefined;
  /** The record name (or alignment id), when known. */
  readonly record: string | undefined;
  /** 1-based residue position in the record's sequence, when known. */
  readonly position: number | undefined;

  /**
   * @param file - the file name (or `<text>` for strings)
   * @param problem - the kind of problem
   * @param message - what is wrong and how to fix it
   * @param where - line, column, field, record, position
   * @param options - `cause`
   */
  constructor(file: string, problem: ProteinFormatProblem, message: string, where: ProteinFormatLocation = {}, options?: LabErrorOptions) {
    super(file, message, formatLocation(where), options);
    this.name = 'ProteinFormatError';
    this.problem = problem;
    this.line = where.line;
    this.column = where.column;
    this.field = where.field;
    this.record = where.record;
    this.position = where.position;
  }
}

function formatLocation(where: ProteinFormatLocation): string | undefined {
  const parts: string[] = [];
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.column !== undefined) parts.push(`column ${where.column}`);
  if (where.field !== undefined) parts.push(`column "${where.field}"`);
  if (where.record !== undefined) parts.push(`record "${where.record}"`);
  if (where.position !== undefined) parts.push(`residue ${where.position}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
