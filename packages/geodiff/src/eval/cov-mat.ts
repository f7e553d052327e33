import { InvalidArgumentError } from '@lab/tensor-core';
import { EmptyConformerSetError, InvalidThresholdError } from './errors';

/**
 * The default threshold grid of COV curves: 0 to 3 Å in steps of 0.05 Å (61 values).
 * @remarks GeoDiff's `CovMatEvaluator` uses 0.05 … 3.0 Å; 0 is added here so that curves start at the origin.
 * @example
 * ```ts
 * const fine = DEFAULT_COV_THRESHOLDS.filter((t) => t <= 1.5);
 * await evaluateConformers(generated, references, { threshold: 0.5, thresholds: fine });
 * ```
 */
export const DEFAULT_COV_THRESHOLDS: readonly number[] = Object.freeze(Array.from({ length: 61 }, (_, k) => k / 20));

/**
 * The COV threshold δ (Å) that GeoDiff and GeoMol report for each benchmark: 0.5 Å on GEOM-QM9, 1.25 Å on GEOM-Drugs.
 * @example
 * ```ts
 * await evaluateConformers(generated, references, { threshold: GEODIFF_COV_THRESHOLD['GEOM-Drugs'] });
 * ```
 */
export const GEODIFF_COV_THRESHOLD: Readonly<{ 'GEOM-QM9': number; 'GEOM-Drugs': number }> = Object.freeze({ 'GEOM-QM9': 0.5, 'GEOM-Drugs': 1.25 });

/** The threshold options of {@link covMatFromRmsdMatrix} and {@link evaluateConformers}. */
export interface CovThresholdOptions {
  /** δ in Å: a conformer is covered when its best RMSD is `<= threshold` (GeoDiff's comparison). */
  threshold: number;
  /**
   * Thresholds (Å) of the COV curves; sorted ascending and de-duplicated.
   * @default DEFAULT_COV_THRESHOLDS (0 … 3 Å, step 0.05)
   */
  thresholds?: readonly number[];
}

/** COV and MAT of one molecule, from its RMSD matrix. COV in %, MAT in Å. */
export interface MoleculeCovMat {
  /** Number of reference conformers (matrix rows). */
  num_references: number;
  /** Number of generated conformers (matrix columns). */
  num_generated: number;
  /** % of references whose best RMSD over the generated conformers is `<= threshold` (recall coverage). */
  cov_r: number;
  /** Mean over references of the best RMSD over the generated conformers (Å). */
  mat_r: number;
  /** % of generated conformers whose best RMSD over the references is `<= threshold` (precision coverage). */
  cov_p: number;
  /** Mean over generated conformers of the best RMSD over the references (Å). */
  mat_p: number;
  /** COV-R (%) at each of the `thresholds`. */
  cov_r_curve: number[];
  /** COV-P (%) at each of the `thresholds`. */
  cov_p_curve: number[];
}

/**
 * Checks δ and the curve thresholds; returns the sorted, de-duplicated grid.
 * @internal
 */
export function checkThresholds(options: CovThresholdOptions): number[] {
  const { threshold } = options;
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new InvalidThresholdError('threshold', threshold, 'must be a number');
  if (!Number.isFinite(threshold) || threshold < 0) throw new InvalidThresholdError('threshold', threshold, 'must be finite and >= 0');
  const grid = options.thresholds ?? DEFAULT_COV_THRESHOLDS;
  if (!Array.isArray(grid) || grid.length === 0) throw new InvalidThresholdError('thresholds', grid, 'must be a non-empty array');
  grid.forEach((t, i) => {
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new InvalidThresholdError(`thresholds[${i}]`, t, 'must be finite and >= 0');
  });
  return [...new Set(grid as number[])].sort((a, b) => a - b);
}

/** The arithmetic mean. @internal */
export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** The median, averaging the two middle values of an even count (as NumPy's `median`). @internal */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function coverage(minima: readonly number[], threshold: number): number {
  let covered = 0;
  for (const v of minima) if (v <= threshold) covered++;
  return (100 * covered) / minima.length;
}

/**
 * COV-R, MAT-R, COV-P and MAT-P of one molecule from its RMSD matrix, as GeoDiff's `CovMatEvaluator` computes them.
 *
 * @remarks
 * With `minR[r] = min_g matrix[r][g]` and `minP[g] = min_r matrix[r][g]`: COV-R is the % of references with
 * `minR <= δ`, MAT-R the mean of `minR`; COV-P and MAT-P are the same over `minP`. The comparison is `<=`, as in
 * GeoDiff's `utils/evaluation/covmat.py`. GeoDiff also truncates the generated conformers to twice the number of
 * references before building the matrix; {@link evaluateConformers} offers that as its `ratio` option.
 * @param matrix - `matrix[r][g]`: RMSD (Å) of generated conformer `g` to reference `r` (see {@link rmsdMatrix})
 * @param options - `threshold` δ (Å) and the curve `thresholds`
 * @returns COV (%) and MAT (Å) in both directions, and the COV curves over `thresholds`
 * @throws EmptyConformerSetError when the matrix has no row or no column
 * @throws InvalidThresholdError for a negative or non-finite δ or threshold, or an empty grid
 * @throws InvalidArgumentError when rows differ in length or an entry is negative or not finite
 * @example
 * ```ts
 * const m = covMatFromRmsdMatrix([[0.2, 0.9], [1.4, 0.6]], { threshold: 0.5 });
 * // minR = [0.2, 0.6]: cov_r = 50, mat_r = 0.4; minP = [0.2, 0.6]: cov_p = 50, mat_p = 0.4
 * ```
 */
export function covMatFromRmsdMatrix(matrix: ReadonlyArray<ArrayLike<number>>, options: CovThresholdOptions): MoleculeCovMat {
  const thresholds = checkThresholds(options);
  const numRef = matrix.length;
  if (numRef === 0) throw new EmptyConformerSetError('matrix', 'matrix has no row; it needs one row per reference conformer.');
  const numGen = matrix[0]!.length;
  if (numGen === 0) throw new EmptyConformerSetError('matrix', 'matrix has no column; it needs one column per generated conformer.');
  const minR = new Array<number>(numRef).fill(Infinity);
  const minP = new Array<number>(numGen).fill(Infinity);
  for (let r = 0; r < numRef; r++) {
    const row = matrix[r]!;
    if (row.length !== numGen) throw new InvalidArgumentError('matrix', `matrix[${r}] has ${row.length} entries but matrix[0] has ${numGen}; every row needs one entry per generated conformer.`);
    for (let g = 0; g < numGen; g++) {
      const v = row[g]!;
      if (!(Number.isFinite(v) && v >= 0)) throw new InvalidArgumentError('matrix', `matrix[${r}][${g}] is ${v}; RMSDs must be finite and >= 0.`);
      if (v < minR[r]!) minR[r] = v;
      if (v < minP[g]!) minP[g] = v;
    }
  }
  return {
    num_references: numRef,
    num_generated: numGen,
    cov_r: coverage(minR, options.threshold),
    mat_r: mean(minR),
    cov_p: coverage(minP, options.threshold),
    mat_p: mean(minP),
    cov_r_curve: thresholds.map((t) => coverage(minR, t)),
    cov_p_curve: thresholds.map((t) => coverage(minP, t)),
  };
}
