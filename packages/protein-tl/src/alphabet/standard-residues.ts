/**
 * The 20 standard amino acids and a character-code table over them, shared by the model-free embedders.
 * @packageDocumentation
 */

/**
 * The 20 standard amino acids in alphabetical (ASCII) order, the first 20 letters of {@link PROTEIN_RESIDUES}: the
 * columns of {@link OneHotEmbedder} and the digits of {@link KmerEmbedder}'s k-mer indices.
 * @example
 * ```ts
 * STANDARD_RESIDUES.indexOf('W'); // 18
 * ```
 */
export const STANDARD_RESIDUES = 'ACDEFGHIKLMNPQRSTVWY';

/** The code of a letter that is not one of the 20 standard residues in a {@link residueCodeTable}. @internal */
export const OTHER_LETTER = 20;
/** The code of a character that is not a letter in a {@link residueCodeTable}. @internal */
export const NOT_A_LETTER = -1;

/**
 * Character code (0..127) → 0..19 for the standard residues (upper case, and lower case when `caseInsensitive`),
 * {@link OTHER_LETTER} for any other letter (X, B, U, Z, O, J; lower case when not `caseInsensitive`), and
 * {@link NOT_A_LETTER} for the rest.
 * @internal
 */
export function residueCodeTable(caseInsensitive: boolean): Int8Array {
  const table = new Int8Array(128).fill(NOT_A_LETTER);
  for (let c = 65; c <= 90; c++) table[c] = OTHER_LETTER;
  for (let c = 97; c <= 122; c++) table[c] = OTHER_LETTER;
  for (let i = 0; i < STANDARD_RESIDUES.length; i++) {
    const c = STANDARD_RESIDUES.charCodeAt(i);
    table[c] = i;
    if (caseInsensitive) table[c + 32] = i;
  }
  return table;
}
