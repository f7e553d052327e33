/**
 * The one-letter residue codes the readers accept: the 20 standard amino acids, then X (any), B (D or N), U
 * (selenocysteine), Z (E or Q) and O (pyrrolysine).
 * @example
 * ```ts
 * PROTEIN_RESIDUES.length; // 25
 * ```
 */
export const PROTEIN_RESIDUES = 'ACDEFGHIKLMNPQRSTVWYXBUZO';

/** The gap characters of alignments: `-` (deletion) and `.` (insert-state padding). */
export const GAP_CHARACTERS = '-.';

/**
 * The default alphabet of the sequence readers: {@link PROTEIN_RESIDUES} plus the gaps {@link GAP_CHARACTERS}, upper
 * case only (lower case is a separate option of each reader).
 * @example
 * ```ts
 * PROTEIN_ALPHABET.includes('-'); // true
 * ```
 */
export const PROTEIN_ALPHABET = PROTEIN_RESIDUES + GAP_CHARACTERS;

/**
 * A fast membership table over an alphabet of single ASCII characters.
 * @internal
 */
export class AlphabetTable {
  private readonly table = new Uint8Array(128);
  constructor(readonly alphabet: string) {
    for (let i = 0; i < alphabet.length; i++) {
      const c = alphabet.charCodeAt(i);
      if (c < 128) this.table[c] = 1;
    }
  }
  /** True when the character code is in the alphabet. */
  has(code: number): boolean {
    return code < 128 && this.table[code] === 1;
  }
  /** True when the upper-case form of an a-z code is in the alphabet. */
  hasUpper(code: number): boolean {
    return code >= 97 && code <= 122 && this.table[code - 32] === 1;
  }
}

/**
 * Describes a character for error messages: printable ones quoted, others as `U+XXXX`.
 * @internal
 */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return cp > 32 && cp < 127 ? `"${ch}"` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}
