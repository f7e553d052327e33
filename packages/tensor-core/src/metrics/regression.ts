import { Matrix, SVD } from 'ml-matrix';
import { InvalidArgumentError } from '../errors/lab-error';

/** Rows of numbers, or an ml-matrix Matrix. */
export type MatrixLike = Matrix | ReadonlyArray<ArrayLike<number>>;

/** How multi-output R² is reduced, as scikit-learn's `multioutput`. */
export type MultiOutput = 'uniform_average' | 'variance_weighted' | 'raw_values';

function asMatrix(x: MatrixLike | ArrayLike<number>, name: string): Matrix {
  if (x instanceof Matrix) return x;
  const rows = x as ArrayLike<unknown>;
  if (rows.length > 0 && typeof rows[0] === 'number') return Matrix.columnVector(Array.from(x as ArrayLike<number>));
  const arr = Array.from(x as ReadonlyArray<ArrayLike<number>>, (r) => Array.from(r));
  const cols = arr[0]?.length ?? 0;
  arr.forEach((r, i) => {
    if (r.length !== cols) throw new InvalidArgumentError(name, `${name}: row ${i} has ${r.length} values, row 0 has ${cols}.`);
  });
  return new Matrix(arr);
}

/**
 * Coefficient of determination, as `sklearn.metrics.r2_score` (with `force_finite=True`: a constant target scores 1
 * when predicted exactly and 0 otherwise).
 * @param yTrue - targets: a vector, or `[n][outputs]`
 * @param yPred - predictions of the same shape
 * @param multioutput - @default 'uniform_average'
 * @returns a number, or one per output for `'raw_values'`
 */
export function r2Score(yTrue: MatrixLike | ArrayLike<number>, yPred: MatrixLike | ArrayLike<number>, multioutput: 'raw_values'): number[];
export function r2Score(yTrue: MatrixLike | ArrayLike<number>, yPred: MatrixLike | ArrayLike<number>, multioutput?: Exclude<MultiOutput, 'raw_values'>): number;
export function r2Score(yTrue: MatrixLike | ArrayLike<number>, yPred: MatrixLike | ArrayLike<number>, multioutput: MultiOutput = 'uniform_average'): number | number[] {
  const T = asMatrix(yTrue, 'yTrue');
  const P = asMatrix(yPred, 'yPred');
  if (T.rows !== P.rows || T.columns !== P.columns) {
    throw new InvalidArgumentError('yPred', `yTrue is ${T.rows}×${T.columns} but yPred is ${P.rows}×${P.columns}.`);
  }
  const n = T.rows;
  if (n < 2) return multioutput === 'raw_values' ? new Array<number>(T.columns).fill(NaN) : NaN;
  const num = new Float64Array(T.columns);
  const den = new Float64Array(T.columns);
  for (let j = 0; j < T.columns; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += T.get(i, j);
    m /= n;
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      const t = T.get(i, j);
      a += (t - P.get(i, j)) ** 2;
      b += (t - m) ** 2;
    }
    num[j] = a;
    den[j] = b;
  }
  const scores = Array.from(num, (a, j) => {
    const b = den[j]!;
    if (b !== 0 && a !== 0) return 1 - a / b;
    if (a !== 0 && b === 0) return 0;
    return 1;
  });
  if (multioutput === 'raw_values') return scores;
  if (multioutput === 'variance_weighted') {
    const total = den.reduce((s, v) => s + v, 0);
    if (total === 0) return num.every((v) => v === 0) ? 1 : 0;
    return scores.reduce((s, v, j) => s + v * den[j]!, 0) / total;
  }
  return scores.reduce((s, v) => s + v, 0) / scores.length;
}

/** Result of {@link lstsq}. */
export interface LstsqResult {
  /** `[features][targets]` minimum-norm least-squares solution. */
  solution: Matrix;
  /** Effective rank of A. */
  rank: number;
  /** Singular values of A, descending. */
  singularValues: number[];
}

/**
 * Minimum-norm linear least squares `argmin ‖A x − B‖₂` by SVD, as `numpy.linalg.lstsq` (rcond = eps · max(m, n)).
 * @param A - `[m][n]` design matrix
 * @param B - `[m]` or `[m][k]` targets
 */
export function lstsq(A: MatrixLike, B: MatrixLike | ArrayLike<number>): LstsqResult {
  const a = asMatrix(A, 'A');
  const b = asMatrix(B, 'B');
  if (a.rows !== b.rows) throw new InvalidArgumentError('B', `A has ${a.rows} rows but B has ${b.rows}.`);
  // ml-matrix's SVD wants rows >= columns; transpose the problem otherwise.
  const wide = a.rows < a.columns;
  const svd = new SVD(wide ? a.transpose() : a, { autoTranspose: false });
  const s = svd.diagonal;
  const cutoff = Number.EPSILON * Math.max(a.rows, a.columns) * (s[0] ?? 0);
  const U = wide ? svd.rightSingularVectors : svd.leftSingularVectors;
  const V = wide ? svd.leftSingularVectors : svd.rightSingularVectors;
  const r = s.filter((v) => v > cutoff).length;
  // x = V_r diag(1/s_r) U_rᵀ B
  const UtB = U.subMatrix(0, U.rows - 1, 0, r - 1).transpose().mmul(b);
  for (let i = 0; i < r; i++) for (let j = 0; j < UtB.columns; j++) UtB.set(i, j, UtB.get(i, j) / s[i]!);
  const solution = r === 0 ? Matrix.zeros(a.columns, b.columns) : V.subMatrix(0, V.rows - 1, 0, r - 1).mmul(UtB);
  return { solution, rank: r, singularValues: [...s] };
}

/** A fitted ordinary least-squares model (see {@link fitLinearRegression}). */
export interface LinearRegressionModel {
  /** `[features][targets]` coefficients. */
  coef: Matrix;
  /** One intercept per target (zeros when fitted without intercept). */
  intercept: number[];
  /** Predictions `[n][targets]` for new rows. */
  predict(X: MatrixLike): Matrix;
}

/**
 * Ordinary least squares, as `sklearn.linear_model.LinearRegression` (centre X and Y, minimum-norm lstsq).
 * @param X - `[n][features]`
 * @param Y - `[n]` or `[n][targets]`
 * @param options - `fitIntercept` @default true
 */
export function fitLinearRegression(X: MatrixLike, Y: MatrixLike | ArrayLike<number>, options: { fitIntercept?: boolean } = {}): LinearRegressionModel {
  const x = asMatrix(X, 'X');
  const y = asMatrix(Y, 'Y');
  const fit = options.fitIntercept ?? true;
  const xMean = fit ? x.mean('column') : new Array<number>(x.columns).fill(0);
  const yMean = fit ? y.mean('column') : new Array<number>(y.columns).fill(0);
  const xc = fit ? x.clone().subRowVector(xMean) : x;
  const yc = fit ? y.clone().subRowVector(yMean) : y;
  const coef = lstsq(xc, yc).solution;
  const intercept = yMean.map((m, j) => m - xMean.reduce((s, v, i) => s + v * coef.get(i, j), 0));
  return {
    coef,
    intercept,
    predict(Xn: MatrixLike): Matrix {
      const out = asMatrix(Xn, 'X').mmul(coef);
      return out.addRowVector(intercept);
    },
  };
}
