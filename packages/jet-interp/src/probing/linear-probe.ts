/**
 * Linear probing: how much of a jet observable a representation holds linearly (R² of a least-squares fit).
 * @packageDocumentation
 */
import { InvalidArgumentError, fitLinearRegression, r2Score } from '@lab/tensor-core';
import { Matrix } from 'ml-matrix';

/** Rows of a representation: `[rows × dim]` row-major. */
export interface FeatureRows {
  /** The values, row after row. */
  data: ArrayLike<number>;
  /** Columns per row. */
  dim: number;
}

/** Which rows fit the regression and which score it (disjoint). */
export interface ProbeSplit {
  /** Row indices the least-squares fit sees. */
  fit: ArrayLike<number>;
  /** Row indices the R² is measured on. */
  score: ArrayLike<number>;
}

/** R² of one observable. */
export interface ProbeScore {
  /** R² on the scoring rows (1 = the observable is an affine function of the representation; ≤ 0 = no better than its mean). */
  r2: number;
  /** R² on the fitting rows (an upper reference: the gap to `r2` shows over-fitting). */
  r2Fit: number;
}

function take(rows: FeatureRows, idx: ArrayLike<number>): Matrix {
  const m = new Matrix(idx.length, rows.dim);
  const n = rows.data.length / rows.dim;
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]!;
    if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new InvalidArgumentError('split', `row index ${i} is outside the ${n} rows of the representation.`);
    for (let c = 0; c < rows.dim; c++) m.set(r, c, rows.data[i * rows.dim + c]!);
  }
  return m;
}

function targetMatrix(targets: Readonly<Record<string, ArrayLike<number>>>, names: readonly string[], idx: ArrayLike<number>): Matrix {
  const m = new Matrix(idx.length, names.length);
  names.forEach((name, c) => {
    const t = targets[name]!;
    for (let r = 0; r < idx.length; r++) m.set(r, c, t[idx[r]!]!);
  });
  return m;
}

/**
 * Linear probes of a representation: for each target, an ordinary least-squares fit with intercept (scikit-learn's
 * `LinearRegression`) on the `fit` rows, and its R² (`r2_score`) on the `score` rows.
 *
 * @remarks
 * All targets share one least-squares solve (the minimum-norm SVD solution, so constant or collinear columns — dead ReLU
 * units — are harmless). R² is invariant under any invertible affine map of the representation, so no scaling is needed.
 * A target that is constant on the scoring rows has no R² (NaN), as in scikit-learn.
 * @param rows - the representation, one row per jet
 * @param targets - observable name → one value per row
 * @param split - the fitting and the scoring rows
 * @returns observable name → R² (scoring rows) and R² (fitting rows)
 * @throws InvalidArgumentError for mismatched lengths, an empty or too small split, or non-finite values
 * @example
 * ```ts
 * const r = linearProbe({ data: embeddings, dim: 70 }, { mass, tau21 }, { fit: [0, 1, 2 ...], score: [...] });
 * r.mass.r2; // e.g. 0.93
 * ```
 */
export function linearProbe(rows: FeatureRows, targets: Readonly<Record<string, ArrayLike<number>>>, split: ProbeSplit): Record<string, ProbeScore> {
  if (!(Number.isInteger(rows.dim) && rows.dim > 0)) throw new InvalidArgumentError('dim', `dim must be a positive integer; received ${rows.dim}.`);
  if (rows.data.length % rows.dim !== 0) throw new InvalidArgumentError('rows', `${rows.data.length} values are not a whole number of rows of ${rows.dim}.`);
  const n = rows.data.length / rows.dim;
  const names = Object.keys(targets);
  if (names.length === 0) throw new InvalidArgumentError('targets', 'give at least one observable to probe.');
  for (const name of names) {
    const t = targets[name]!;
    if (t.length !== n) throw new InvalidArgumentError('targets', `observable "${name}" has ${t.length} values for ${n} rows.`);
    for (let i = 0; i < t.length; i++) if (!Number.isFinite(t[i]!)) throw new InvalidArgumentError('targets', `observable "${name}" is not finite at row ${i} (${t[i]}); drop such jets first.`);
  }
  for (let i = 0; i < rows.data.length; i++) {
    if (!Number.isFinite(rows.data[i]!)) throw new InvalidArgumentError('rows', `the representation is not finite at row ${Math.floor(i / rows.dim)}, column ${i % rows.dim}.`);
  }
  if (split.fit.length < 2 || split.score.length < 2) throw new InvalidArgumentError('split', `the fit and score sets need at least 2 rows each; received ${split.fit.length} and ${split.score.length}.`);
  const X = take(rows, split.fit);
  const Y = targetMatrix(targets, names, split.fit);
  const model = fitLinearRegression(X, Y);
  const fitR2 = r2Score(Y, model.predict(X), 'raw_values');
  const Xs = take(rows, split.score);
  const Ys = targetMatrix(targets, names, split.score);
  const scoreR2 = r2Score(Ys, model.predict(Xs), 'raw_values');
  const out: Record<string, ProbeScore> = {};
  names.forEach((name, c) => {
    out[name] = { r2: scoreR2[c]!, r2Fit: fitR2[c]! };
  });
  return out;
}
