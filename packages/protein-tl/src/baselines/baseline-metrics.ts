import { InvalidArgumentError, accuracy, precisionRecallFscore } from '@lab/tensor-core';

/** The study's report for one classifier: error rate, errors, and weighted precision / recall / F1. */
export interface BaselineMetrics {
  /** Number of queries. */
  n: number;
  /** Wrong predictions, queries without a hit included. */
  errors: number;
  /** Queries without a hit (a subset of `errors`). */
  noHit: number;
  /** `100 * errors / n`. */
  errorRatePercent: number;
  /** Accuracy, `1 - errors / n`. */
  accuracy: number;
  /** Support-weighted precision over the true families (scikit-learn `average='weighted'`, zero division → 0). */
  precision: number;
  /** Support-weighted recall over the true families (equals accuracy). */
  recall: number;
  /** Support-weighted F1 over the true families. */
  f1: number;
}

/** Label that stands for "no hit" inside the metric computation; it is never a class. */
const NO_HIT = '\u0000no-hit';

/**
 * Scores predictions that may be missing (`null`: the search found nothing). A missing prediction counts as an error;
 * precision, recall and F1 are averaged over the families present in `yTrue`, weighted by their support, with
 * tensor-core's scikit-learn-exact `precisionRecallFscore` and `zeroDivision: 0`.
 *
 * @param yTrue - true family of each query
 * @param yPred - predicted family, or `null` without a hit
 * @returns error rate (%), error count, weighted precision / recall / F1
 * @throws InvalidArgumentError when the lengths differ or there are no queries
 * @example
 * ```ts
 * const m = baselineMetrics(['PF1', 'PF1', 'PF2'], ['PF1', null, 'PF2']);
 * console.log(m.errors, m.errorRatePercent.toFixed(1)); // 1 33.3
 * ```
 */
export function baselineMetrics(yTrue: readonly string[], yPred: readonly (string | null)[]): BaselineMetrics {
  if (yTrue.length !== yPred.length) {
    throw new InvalidArgumentError('yPred', `yTrue has ${yTrue.length} labels but yPred has ${yPred.length}; give one prediction (or null) per query.`);
  }
  if (yTrue.length === 0) throw new InvalidArgumentError('yTrue', 'No queries to score.');
  const pred = yPred.map((p) => p ?? NO_HIT);
  const labels = [...new Set(yTrue)].sort();
  const prf = precisionRecallFscore(yTrue, pred, { average: 'weighted', labels, zeroDivision: 0 });
  const acc = accuracy(yTrue, pred);
  const n = yTrue.length;
  let errors = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] !== yPred[i]) errors++;
  return {
    n,
    errors,
    noHit: yPred.filter((p) => p === null).length,
    errorRatePercent: (100 * errors) / n,
    accuracy: acc,
    precision: prf.precision,
    recall: prf.recall,
    f1: prf.fscore,
  };
}
