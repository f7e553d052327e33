import { InvalidArgumentError } from '../errors/lab-error';
import type { Label } from './classification';

/** A ROC curve: false/true positive rates at decreasing score thresholds. */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing thresholds; the first is `Infinity` (no item predicted positive), as scikit-learn ≥ 1.3. */
  thresholds: number[];
}

/** Options of {@link rocCurve}. */
export interface RocOptions {
  /** The positive class. @default 1 (or `true`) */
  posLabel?: Label | boolean;
  /** Drop thresholds that do not change the curve's shape, as scikit-learn. @default true */
  dropIntermediate?: boolean;
}

function binaryCurve(yTrue: ArrayLike<Label | boolean>, scores: ArrayLike<number>, posLabel: Label | boolean) {
  if (yTrue.length !== scores.length) {
    throw new InvalidArgumentError('scores', `yTrue has ${yTrue.length} items but scores has ${scores.length}.`);
  }
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i]!)) throw new InvalidArgumentError('scores', `score ${i} is ${scores[i]}; scores must be finite.`);
  }
  const distinct = new Set<unknown>();
  for (let i = 0; i < n; i++) distinct.add(yTrue[i]);
  if (distinct.size > 2) throw new InvalidArgumentError('yTrue', `ROC needs binary labels, found ${distinct.size} classes.`);
  // Descending by score; scikit-learn reverses a stable ascending sort, so ties keep reversed index order.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]! || a - b).reverse();
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (yTrue[i] === posLabel) tp++;
    const last = k === n - 1 || scores[order[k + 1]!] !== scores[i];
    if (last) {
      tps.push(tp);
      fps.push(k + 1 - tp);
      thresholds.push(scores[i]!);
    }
  }
  return { tps, fps, thresholds };
}

/**
 * ROC curve of binary scores, as `sklearn.metrics.roc_curve`.
 * @param yTrue - binary labels
 * @param scores - higher means more likely positive
 * @param options - positive label, intermediate-point dropping
 * @returns fpr, tpr and thresholds (NaN rates when a class is absent)
 */
export function rocCurve(yTrue: ArrayLike<Label | boolean>, scores: ArrayLike<number>, options: RocOptions = {}): RocCurve {
  const pos = options.posLabel ?? inferPositive(yTrue);
  let { tps, fps, thresholds } = binaryCurve(yTrue, scores, pos);
  if ((options.dropIntermediate ?? true) && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < fps.length - 1; i++) {
      const d2f = fps[i + 1]! - 2 * fps[i]! + fps[i - 1]!;
      const d2t = tps[i + 1]! - 2 * tps[i]! + tps[i - 1]!;
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(fps.length - 1);
    tps = keep.map((i) => tps[i]!);
    fps = keep.map((i) => fps[i]!);
    thresholds = keep.map((i) => thresholds[i]!);
  }
  const P = tps[tps.length - 1] ?? 0;
  const N = fps[fps.length - 1] ?? 0;
  return {
    fpr: [0, ...fps].map((f) => (N > 0 ? f / N : NaN)),
    tpr: [0, ...tps].map((t) => (P > 0 ? t / P : NaN)),
    thresholds: [Infinity, ...thresholds],
  };
}

/**
 * Area under a curve by the trapezoidal rule, as `sklearn.metrics.auc` (x must be monotonic).
 * @param x - abscissae
 * @param y - ordinates
 */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length || x.length < 2) throw new InvalidArgumentError('x', `auc needs at least 2 points and equal lengths, received ${x.length} and ${y.length}.`);
  let direction = 1;
  let inc = true;
  let dec = true;
  for (let i = 1; i < x.length; i++) {
    if (x[i]! < x[i - 1]!) inc = false;
    if (x[i]! > x[i - 1]!) dec = false;
  }
  if (!inc) {
    if (dec) direction = -1;
    else throw new InvalidArgumentError('x', 'x is neither increasing nor decreasing.');
  }
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return direction * area;
}

/**
 * Area under the ROC curve of binary scores, as `sklearn.metrics.roc_auc_score`.
 * @throws InvalidArgumentError when only one class is present
 */
export function rocAuc(yTrue: ArrayLike<Label | boolean>, scores: ArrayLike<number>, options: Omit<RocOptions, 'dropIntermediate'> = {}): number {
  const curve = rocCurve(yTrue, scores, options);
  if (Number.isNaN(curve.fpr[1]) || Number.isNaN(curve.tpr[1])) {
    throw new InvalidArgumentError('yTrue', 'Only one class present in yTrue; ROC AUC is not defined.');
  }
  return auc(curve.fpr, curve.tpr);
}

/**
 * Background rejection 1/FPR at a given signal efficiency (TPR), interpolated linearly on the ROC curve; the figure
 * of merit of jet tagging.
 * @param efficiency - signal efficiency in (0, 1], e.g. 0.5
 */
export function rejectionAtEfficiency(curve: RocCurve, efficiency: number): number {
  if (!(efficiency > 0 && efficiency <= 1)) throw new InvalidArgumentError('efficiency', `efficiency must be in (0, 1], received ${efficiency}.`);
  const { fpr, tpr } = curve;
  for (let i = 1; i < tpr.length; i++) {
    if (tpr[i]! >= efficiency) {
      const t0 = tpr[i - 1]!;
      const t1 = tpr[i]!;
      const f = t1 === t0 ? fpr[i]! : fpr[i - 1]! + ((efficiency - t0) / (t1 - t0)) * (fpr[i]! - fpr[i - 1]!);
      return f > 0 ? 1 / f : Infinity;
    }
  }
  return NaN;
}

function inferPositive(yTrue: ArrayLike<Label | boolean>): Label | boolean {
  const first = yTrue[0];
  if (typeof first === 'boolean') return true;
  if (typeof first === 'number') return 1;
  const set = new Set<string>();
  for (let i = 0; i < yTrue.length; i++) set.add(String(yTrue[i]));
  const sorted = [...set].sort();
  if (sorted.length === 2 && !(sorted[0] === '0' && sorted[1] === '1')) {
    throw new InvalidArgumentError('posLabel', `String labels ${sorted.join(', ')}: pass posLabel to say which is positive.`);
  }
  return '1';
}
