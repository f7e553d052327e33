import { InvalidArgumentError } from '@lab/tensor-core';

/** Label id the loss ignores (PyTorch `CrossEntropyLoss` default `ignore_index`). */
export const IGNORE_LABEL = -100;

/**
 * Aligns word labels to WordPiece tokens for token classification: the first token of each word gets the word's label,
 * later tokens of the word and special tokens get `ignore` (-100 by default).
 * @param wordIds - per token, its word index or -1 (from `encodeWords`)
 * @param labels - one label id per word
 */
export function alignLabelsToTokens(wordIds: readonly number[], labels: readonly number[], ignore = IGNORE_LABEL): number[] {
  let previous = -1;
  return wordIds.map((w, i) => {
    if (w < 0) {
      previous = -1;
      return ignore;
    }
    if (w >= labels.length) throw new InvalidArgumentError('labels', `token ${i} belongs to word ${w} but only ${labels.length} labels were given.`);
    const first = w !== previous;
    previous = w;
    return first ? labels[w]! : ignore;
  });
}

/**
 * Word-level predictions from token-level ones: each word takes the prediction of its first token; words without a token
 * (cut by truncation, or empty after cleaning) get `fallback`.
 * @param wordIds - per token, its word index or -1
 * @param tokenPredictions - one prediction per token (same length as `wordIds`)
 * @param wordCount - number of words of the input
 */
export function wordPredictionsFromTokens<T>(wordIds: readonly number[], tokenPredictions: readonly T[], wordCount: number, fallback: T): T[] {
  if (tokenPredictions.length < wordIds.length) throw new InvalidArgumentError('tokenPredictions', `${tokenPredictions.length} predictions for ${wordIds.length} tokens.`);
  const out = new Array<T>(wordCount).fill(fallback);
  const seen = new Uint8Array(wordCount);
  wordIds.forEach((w, i) => {
    if (w >= 0 && w < wordCount && !seen[w]) {
      seen[w] = 1;
      out[w] = tokenPredictions[i]!;
    }
  });
  return out;
}
