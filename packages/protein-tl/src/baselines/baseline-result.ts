/**
 * Shared types of the homology baselines ({@link runHmmerBaseline}, {@link runBlastBaseline}).
 * @packageDocumentation
 */

/** A training sequence with its family (a {@link PfamRecord} fits). */
export interface LabeledSequence {
  /** Pfam family accession, e.g. `PF00001.21`. */
  familyAccession: string;
  /** Unaligned residues. */
  sequence: string;
  /** The row of the family's seed alignment (Kaggle layout), when known. */
  alignedSequence?: string;
}

/** A sequence to classify (a {@link PfamRecord} fits). */
export interface QuerySequence {
  /** Unaligned residues. */
  sequence: string;
}

/** What a homology baseline predicts for each query, in query order. */
export interface BaselineResult {
  /** The predicted family of each query, or `null` when the search reported no hit (counted as an error). */
  predictions: (string | null)[];
  /** Bit score of the best hit (`null` without a hit). */
  scores: (number | null)[];
  /** E-value of the best hit (`null` without a hit). */
  evalues: (number | null)[];
  /** Number of queries without any hit. */
  noHit: number;
  /** Wall time of the database build (alignments + profiles, or makeblastdb) and of the search, in seconds. */
  seconds: { build: number; search: number };
}
