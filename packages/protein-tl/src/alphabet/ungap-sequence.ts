/** Options of {@link ungapSequence}. */
export interface UngapOptions {
  /** Convert lower-case residues (insert states of Pfam/HMMER alignments) to upper case. @default true */
  uppercase?: boolean;
}

/**
 * Removes the gap characters of an aligned sequence (`-`, `.`, and Easel's `_` and `~`), giving the residues in order.
 *
 * @remarks In Pfam and HMMER alignments, upper-case letters are match columns and lower-case letters insert columns;
 * both are residues of the sequence, so they are upper-cased by default (as the Pfam split's `sequence` column is).
 *
 * @param aligned - the aligned sequence, e.g. a row of a Stockholm alignment
 * @param options - case handling
 * @returns the ungapped sequence
 * @example
 * ```ts
 * ungapSequence('..MK-Tay..'); // 'MKTAY'
 * ungapSequence('MK-ta', { uppercase: false }); // 'MKta'
 * ```
 */
export function ungapSequence(aligned: string, options: UngapOptions = {}): string {
  const residues = aligned.replace(/[-._~]/g, '');
  return options.uppercase === false ? residues : residues.toUpperCase();
}
