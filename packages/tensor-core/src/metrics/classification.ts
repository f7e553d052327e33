import { InvalidArgumentError } from '../errors/lab-error';

/** A class label. Labels of one call are all numbers or all strings. */
export type Label = string | number;

/**
 * What a ratio with a zero denominator becomes, as scikit-learn's `zero_division`: `'warn'` acts as 0 and reports
 * through `onWarning`; `0` and `1` set that value.
 */
export type ZeroDivision = 'warn' | 0 | 1;

function checkPair(yTrue: ArrayLike<Label>, yPred: ArrayLike<unknown>, fn: string): void {
  if (yTrue.length !== yPred.length) {
    throw new InvalidArgumentError('yPred', `${fn}: yTrue has ${yTrue.length} items but yPred has ${yPred.length}; they must be equally long.`);
  }
}

/**
 * Sorted unique labels of the given arrays, as scikit-learn's `unique_labels`.
 * @throws InvalidArgumentError when numbers and strings are mixed
 */
export function uniqueLabels(...arrays: ArrayLike<Label>[]): Label[] {
  const set = new Set<Label>();
  for (const a of arrays) for (let i = 0; i < a.length; i++) set.add(a[i]!);
  const labels = [...set];
  const kinds = new Set(labels.map((l) => typeof l));
  if (kinds.size > 1) throw new InvalidArgumentError('labels', 'Mix of string and number labels; convert them to one type.');
  return kinds.has('number') ? (labels as number[]).sort((a, b) => a - b) : (labels as string[]).sort(compareCodePoints);
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Fraction (or count) of exact matches, as `sklearn.metrics.accuracy_score`.
 * @param yTrue - gold labels
 * @param yPred - predicted labels
 * @param options - `normalize: false` returns the count of correct items
 * @returns accuracy in [0, 1] (NaN for empty input)
 * @example
 * ```ts
 * accuracy(['a', 'b'], ['a', 'a']); // 0.5
 * ```
 */
export function accuracy(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options: { normalize?: boolean } = {}): number {
  checkPair(yTrue, yPred, 'accuracy');
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return options.normalize === false ? correct : correct / yTrue.length;
}

/**
 * Hit rate of ranked prediction lists: the fraction of items whose gold label is among the first `k` predictions.
 * @param yTrue - gold labels
 * @param ranked - for each item, predictions best first (at least `k` unless `allowShort`)
 * @param k - cut-off
 */
export function hitAtK(yTrue: ArrayLike<Label>, ranked: ReadonlyArray<ReadonlyArray<Label>>, k: number): number {
  checkPair(yTrue, ranked, 'hitAtK');
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError('k', `k must be a positive integer, received ${k}.`);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const list = ranked[i]!;
    const n = Math.min(k, list.length);
    for (let j = 0; j < n; j++) {
      if (list[j] === yTrue[i]) {
        hits++;
        break;
      }
    }
  }
  return hits / yTrue.length;
}

/**
 * Top-k accuracy from scores, as `sklearn.metrics.top_k_accuracy_score` (multiclass): an item counts when its gold
 * class is among the `k` highest scores. Ties are broken as scikit-learn does (stable sort on the scores).
 * @param yTrue - gold labels, each one of `labels`
 * @param scores - `[n][nClasses]` scores, columns in the order of `labels`
 * @param k - cut-off
 * @param labels - the classes of the score columns @default sorted unique `yTrue`
 */
export function topKAccuracy(yTrue: ArrayLike<Label>, scores: ReadonlyArray<ArrayLike<number>>, k: number, labels?: readonly Label[]): number {
  checkPair(yTrue, scores, 'topKAccuracy');
  const classes = labels ?? uniqueLabels(yTrue);
  const index = new Map(classes.map((l, i) => [l, i]));
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const row = scores[i]!;
    if (row.length !== classes.length) {
      throw new InvalidArgumentError('scores', `topKAccuracy: scores row ${i} has ${row.length} columns but there are ${classes.length} labels.`);
    }
    const t = index.get(yTrue[i]!);
    if (t === undefined) throw new InvalidArgumentError('yTrue', `topKAccuracy: label ${String(yTrue[i])} at ${i} is not among the score labels.`);
    // sklearn: argsort(scores)[:, ::-1][:, :k] with a stable ascending sort, so among equal scores the later column wins.
    const st = row[t]!;
    let rank = 0;
    for (let j = 0; j < row.length; j++) {
      const s = row[j]!;
      if (s > st || (s === st && j > t)) rank++;
    }
    if (rank < k) hits++;
  }
  return hits / yTrue.length;
}

/**
 * Confusion matrix `C[i][j]`: items of true class `labels[i]` predicted as `labels[j]`, as
 * `sklearn.metrics.confusion_matrix`. Items whose labels are not in `labels` are ignored.
 * @param labels - row/column order @default sorted union of both arrays
 */
export function confusionMatrix(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, labels?: readonly Label[]): { labels: Label[]; matrix: number[][] } {
  checkPair(yTrue, yPred, 'confusionMatrix');
  const classes = labels ? [...labels] : uniqueLabels(yTrue, yPred);
  const index = new Map(classes.map((l, i) => [l, i]));
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const a = index.get(yTrue[i]!);
    const b = index.get(yPred[i]!);
    if (a !== undefined && b !== undefined) matrix[a]![b]!++;
  }
  return { labels: classes, matrix };
}

/** How per-class scores are averaged (scikit-learn's `average`); `null` returns per-class arrays. */
export type Average = 'micro' | 'macro' | 'weighted' | 'binary' | null;

/** Options of {@link precisionRecallFscore}. */
export interface PrfOptions {
  /** @default 'macro' */
  average?: Average;
  /** Classes to score, in output order. @default sorted union of both arrays */
  labels?: readonly Label[];
  /** Positive class for `average: 'binary'`. @default 1 */
  posLabel?: Label;
  /** @default 1 (F1) */
  beta?: number;
  /** @default 'warn' */
  zeroDivision?: ZeroDivision;
  /** Receives scikit-learn's "ill-defined" warnings when `zeroDivision` is `'warn'`. */
  onWarning?: (message: string) => void;
}

/** Scores of {@link precisionRecallFscore}: numbers when averaged, per-class arrays when `average` is null. */
export interface PrfResult<T> {
  precision: T;
  recall: T;
  fscore: T;
  /** Gold items per class (per-class results only). */
  support: number[] | undefined;
  labels: Label[];
}

/**
 * Precision, recall and F-beta with scikit-learn's exact conventions (`precision_recall_fscore_support`), including
 * its zero-division behaviour.
 * @param yTrue - gold labels
 * @param yPred - predicted labels
 * @param options - average, labels, beta, zeroDivision
 * @example
 * ```ts
 * const { fscore } = precisionRecallFscore(gold, pred, { average: 'weighted' });
 * ```
 */
export function precisionRecallFscore(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options: PrfOptions & { average: null }): PrfResult<number[]>;
export function precisionRecallFscore(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options?: PrfOptions): PrfResult<number>;
export function precisionRecallFscore(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options: PrfOptions = {}): PrfResult<number | number[]> {
  checkPair(yTrue, yPred, 'precisionRecallFscore');
  const average = options.average === undefined ? 'macro' : options.average;
  const zd = options.zeroDivision ?? 'warn';
  if (zd !== 'warn' && zd !== 0 && zd !== 1) throw new InvalidArgumentError('zeroDivision', `zeroDivision must be 'warn', 0 or 1, received ${String(zd)}.`);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new InvalidArgumentError('beta', `beta must be >= 0, received ${beta}.`);
  const present = uniqueLabels(yTrue, yPred);
  let labels: Label[];
  if (average === 'binary') {
    const pos = options.posLabel ?? 1;
    if (present.length > 2) {
      throw new InvalidArgumentError('average', `Target is multiclass (${present.length} labels) but average is 'binary'; choose 'micro', 'macro' or 'weighted'.`);
    }
    if (!present.includes(pos) && present.length >= 2) {
      throw new InvalidArgumentError('posLabel', `posLabel ${String(pos)} is not a valid label; it should be one of ${present.join(', ')}.`);
    }
    labels = [pos];
  } else {
    labels = options.labels ? [...options.labels] : present;
  }
  const index = new Map(labels.map((l, i) => [l, i]));
  const n = labels.length;
  let tp = new Float64Array(n);
  let predSum = new Float64Array(n);
  let trueSum = new Float64Array(n);
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]!);
    const p = index.get(yPred[i]!);
    if (t !== undefined) trueSum[t]!++;
    if (p !== undefined) predSum[p]!++;
    if (t !== undefined && yTrue[i] === yPred[i]) tp[t]!++;
  }
  if (average === 'micro') {
    tp = Float64Array.of(sum(tp));
    predSum = Float64Array.of(sum(predSum));
    trueSum = Float64Array.of(sum(trueSum));
  }
  const zeroValue = zd === 1 ? 1 : 0;
  const warn = (what: string, modifier: string, count: number) => {
    if (zd === 'warn' && options.onWarning) {
      options.onWarning(`${what} ill-defined and being set to 0.0 ${count > 1 && average !== 'micro' ? 'in labels' : 'due to'} no ${modifier} samples. Use zeroDivision to control this behavior.`);
    }
  };
  const divide = (num: Float64Array, den: Float64Array, what: string, modifier: string): Float64Array => {
    const out = new Float64Array(num.length);
    let ill = false;
    for (let i = 0; i < num.length; i++) {
      if (den[i] === 0) {
        out[i] = zeroValue;
        ill = true;
      } else out[i] = num[i]! / den[i]!;
    }
    if (ill) warn(what, modifier, num.length);
    return out;
  };
  const precision = divide(tp, predSum, 'Precision is', 'predicted');
  const recall = divide(tp, trueSum, 'Recall is', 'true');
  const b2 = beta * beta;
  const fscore = new Float64Array(precision.length);
  for (let i = 0; i < fscore.length; i++) {
    if (beta === Infinity) fscore[i] = recall[i]!;
    else {
      const den = b2 * precision[i]! + recall[i]!;
      fscore[i] = ((1 + b2) * precision[i]! * recall[i]!) / (den === 0 ? 1 : den);
    }
  }
  if (average === null) {
    return { precision: [...precision], recall: [...recall], fscore: [...fscore], support: [...trueSum], labels };
  }
  let weights: Float64Array | undefined;
  if (average === 'weighted') {
    weights = trueSum;
    if (sum(weights) === 0) {
      const z = zeroValue;
      return sum(predSum) === 0
        ? { precision: z, recall: z, fscore: z, support: undefined, labels }
        : { precision: 0, recall: z, fscore: 0, support: undefined, labels };
    }
  }
  return { precision: mean(precision, weights), recall: mean(recall, weights), fscore: mean(fscore, weights), support: undefined, labels };
}

/**
 * F1 score, as `sklearn.metrics.f1_score`.
 * @param options - average (default `'macro'`), labels, zeroDivision
 */
export function f1Score(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options: Omit<PrfOptions, 'beta' | 'average'> & { average?: Exclude<Average, null> } = {}): number {
  return precisionRecallFscore(yTrue, yPred, { ...options, beta: 1 }).fscore;
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function mean(a: Float64Array, w?: Float64Array): number {
  if (a.length === 0) return NaN;
  if (!w) return sum(a) / a.length;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * w[i]!;
  return s / sum(w);
}
