const WORD = /[\p{L}\p{N}]+(?:[-'’.,/][\p{L}\p{N}]+)*/gu;

/**
 * Lower-cased word tokens of a text: runs of letters and digits, keeping inner hyphens, apostrophes and decimal or
 * date separators (`осенне-зимний`, `1,5`, `150/100`); punctuation is dropped. The tokenizer of the BiLSTM
 * baseline's vocabulary (an equivalent of lower-casing, Toktok tokenisation and dropping punctuation).
 * @param text - raw text
 * @example
 * ```ts
 * tokenizeWords('Боли в спине, t 37,5!'); // ['боли', 'в', 'спине', 't', '37,5']
 * ```
 */
export function tokenizeWords(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}
