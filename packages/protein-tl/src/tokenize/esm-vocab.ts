/**
 * The ESM-2 alphabet (fair-esm `Alphabet.from_architecture('ESM-1b')`, the Hugging Face `vocab.txt` of
 * facebook/esm2_*): token id = position in this list. A test checks it against `shared/data/vocab/esm2-vocab.txt`.
 * @example
 * ```ts
 * ESM2_VOCAB.length;         // 33
 * ESM2_VOCAB.indexOf('M');   // 20
 * ```
 */
export const ESM2_VOCAB: readonly string[] = Object.freeze([
  '<cls>', '<pad>', '<eos>', '<unk>',
  'L', 'A', 'G', 'V', 'S', 'E', 'R', 'T', 'I', 'D', 'P', 'K', 'Q', 'N', 'F', 'Y', 'M', 'H', 'W', 'C',
  'X', 'B', 'U', 'Z', 'O', '.', '-',
  '<null_1>', '<mask>',
]);

/**
 * Ids of the ESM-2 special tokens in {@link ESM2_VOCAB}.
 * @example
 * ```ts
 * ESM2_SPECIAL_IDS.pad; // 1
 * ```
 */
export const ESM2_SPECIAL_IDS = Object.freeze({ cls: 0, pad: 1, eos: 2, unk: 3, mask: 32 });

/**
 * The most residues ESM-2 takes in one window: 1024 positions less `<cls>` and `<eos>`.
 * @example
 * ```ts
 * centerCrop(longSequence, ESM2_MAX_RESIDUES);
 * ```
 */
export const ESM2_MAX_RESIDUES = 1022;
