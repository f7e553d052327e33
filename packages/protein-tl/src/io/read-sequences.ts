/**
 * Reads the sequences of a Pfam CSV shard or a FASTA file into columns (what the CLI and the evaluation need).
 * @packageDocumentation
 */
import { InvalidArgumentError, type WithProgress } from '@lab/tensor-core';
import { readFasta } from './fasta-reader';
import { readPfamCsv } from './pfam-csv';

/** Sequences read by {@link readSequences}, in file order. */
export interface SequenceTable {
  /** The file. */
  path: string;
  /** Record names: FASTA identifiers, the CSV's `sequence_name`, or `line N` for CSV rows without one. */
  names: string[];
  /** Residues. */
  sequences: string[];
  /** Pfam family accession per record (CSV files only). */
  families?: string[];
}

/**
 * Reads a Pfam CSV shard (`.csv`, `.csv.gz`: the columns family_accession and sequence, or the Kaggle seed-split layout)
 * or a FASTA file (any other name; `.gz` accepted).
 * @param path - the file
 * @param options - progress
 * @returns names, sequences and (CSV) families
 * @throws ProteinFormatError naming the record and position of bad input
 * @example
 * ```ts
 * const test = await readSequences('../shared/data/pfam/test_100.csv');
 * console.log(test.sequences.length, test.families?.[0]);
 * ```
 */
export async function readSequences(path: string, options: WithProgress = {}): Promise<SequenceTable> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('path', 'No sequence file given; pass a Pfam .csv or a FASTA file.');
  const names: string[] = [];
  const sequences: string[] = [];
  if (/\.csv(\.gz)?$/i.test(path)) {
    const families: string[] = [];
    for await (const r of readPfamCsv(path, options)) {
      names.push(r.sequenceName ?? `line ${r.line}`);
      sequences.push(r.sequence);
      families.push(r.familyAccession);
    }
    return { path, names, sequences, families };
  }
  for await (const r of readFasta(path, options)) {
    names.push(r.name);
    sequences.push(r.sequence);
  }
  return { path, names, sequences };
}

/**
 * The families of a table, or a typed error saying that the file must be a labelled Pfam CSV.
 * @param table - a table from {@link readSequences}
 * @param option - the CLI option that named the file (for the message)
 * @returns the families
 * @throws InvalidArgumentError when the file had no family column (FASTA)
 * @example
 * ```ts
 * const families = requireFamilies(await readSequences('train.csv'), 'train');
 * ```
 */
export function requireFamilies(table: SequenceTable, option: string): string[] {
  if (!table.families) throw new InvalidArgumentError(option, `--${option} ${table.path} has no families; give a Pfam CSV with a family_accession column.`);
  return table.families;
}
