/**
 * Robust feature scaling (median and inter-quartile range), as scikit-learn's RobustScaler with its defaults.
 * @packageDocumentation
 */
import { DataFormatError, InvalidArgumentError } from '@lab/tensor-core';

/** The JSON form of a {@link RobustScaler} (`scaler.json` of a RecNN model). */
export interface RobustScalerJson {
  /** Always `'robust'`. */
  kind: 'robust';
  /** Feature names, one per column. */
  features: string[];
  /** Per-column median. */
  center: number[];
  /** Per-column inter-quartile range (1 where it is 0). */
  scale: number[];
  /** The quantiles of the range, in percent. */
  quantileRange: [number, number];
  /** How many rows the scaler was fitted on. */
  fittedRows: number;
}

/** Options of {@link RobustScaler.fit}. */
export interface RobustScalerFitOptions {
  /** Column names. @default `x0, x1, …` */
  features?: readonly string[];
  /** Lower and upper quantile of the range, in percent (scikit-learn's `quantile_range`). @default [25, 75] */
  quantileRange?: readonly [number, number];
}

/** numpy's linear-interpolation percentile of sorted values (its `_lerp`, bit for bit). */
function percentileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const index = (q / 100) * (n - 1);
  const lo = Math.floor(index);
  const hi = Math.min(lo + 1, n - 1);
  const t = index - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** numpy's median of sorted values: the middle value, or the mean of the two middle values. */
function medianSorted(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/**
 * Per-column robust scaling `(x − median) / IQR`, fitted on training rows: scikit-learn's `RobustScaler()` (centring on
 * the median, scaling by the 25–75 % inter-quantile range with numpy's linear interpolation, a range below 10 machine
 * epsilons replaced by 1).
 *
 * @remarks Louppe et al. fit it on the features of every node (leaves and internal nodes) of the training jets; so do
 * {@link recnnTrainingData} and `training/jets`. The fitted values travel with a model as `scaler.json`.
 * @example
 * ```ts
 * const scaler = RobustScaler.fit(rows, 7, { features: RECNN_FEATURES });  // rows: Float64Array, 7 per row
 * const x = scaler.transformToFloat32(rows);
 * writeFileSync('scaler.json', JSON.stringify(scaler.toJSON()));
 * ```
 */
export class RobustScaler {
  /** Column names. */
  readonly features: readonly string[];
  /** Per-column median. */
  readonly center: Float64Array;
  /** Per-column scale (IQR, or 1). */
  readonly scale: Float64Array;
  /** Quantile range in percent. */
  readonly quantileRange: readonly [number, number];
  /** Rows the scaler was fitted on. */
  readonly fittedRows: number;

  /**
   * @param center - per-column centre
   * @param scale - per-column scale (non-zero)
   * @param features - column names
   * @param quantileRange - the quantile range it was fitted with @default [25, 75]
   * @param fittedRows - rows it was fitted on @default 0
   */
  constructor(center: ArrayLike<number>, scale: ArrayLike<number>, features: readonly string[], quantileRange: readonly [number, number] = [25, 75], fittedRows = 0) {
    if (center.length !== scale.length || center.length !== features.length || center.length === 0) {
      throw new InvalidArgumentError('center', `center (${center.length}), scale (${scale.length}) and features (${features.length}) must have the same non-zero length.`);
    }
    for (let j = 0; j < scale.length; j++) {
      if (!Number.isFinite(center[j]!) || !Number.isFinite(scale[j]!) || scale[j] === 0) {
        throw new InvalidArgumentError('scale', `column ${j} (${features[j]}): centre ${center[j]} and scale ${scale[j]} must be finite, the scale non-zero.`);
      }
    }
    this.center = Float64Array.from(center);
    this.scale = Float64Array.from(scale);
    this.features = Object.freeze([...features]);
    this.quantileRange = [quantileRange[0], quantileRange[1]];
    this.fittedRows = fittedRows;
  }

  /** Number of columns. */
  get width(): number {
    return this.center.length;
  }

  /**
   * Fits the scaler on row-major data.
   * @param rows - `width` values per row
   * @param width - number of columns
   * @param options - names and quantile range
   * @returns the fitted scaler
   * @throws InvalidArgumentError for no rows, a length that is not a multiple of `width`, a non-finite value or a bad range
   * @example
   * ```ts
   * RobustScaler.fit(Float64Array.from([1, 10, 2, 20, 3, 30]), 2).center; // Float64Array [2, 20]
   * ```
   */
  static fit(rows: ArrayLike<number>, width: number, options: RobustScalerFitOptions = {}): RobustScaler {
    if (!Number.isInteger(width) || width < 1) throw new InvalidArgumentError('width', `width must be an integer ≥ 1; received ${width}.`);
    if (rows.length === 0 || rows.length % width !== 0) {
      throw new InvalidArgumentError('rows', `rows must hold a non-zero multiple of ${width} values; received ${rows.length}.`);
    }
    const [qlo, qhi] = options.quantileRange ?? [25, 75];
    if (!(qlo >= 0 && qlo < qhi && qhi <= 100)) throw new InvalidArgumentError('quantileRange', `quantileRange must satisfy 0 ≤ low < high ≤ 100; received [${qlo}, ${qhi}].`);
    const features = options.features ?? Array.from({ length: width }, (_, j) => `x${j}`);
    if (features.length !== width) throw new InvalidArgumentError('features', `${features.length} feature names for ${width} columns.`);
    const n = rows.length / width;
    const column = new Float64Array(n);
    const center = new Float64Array(width);
    const scale = new Float64Array(width);
    for (let j = 0; j < width; j++) {
      for (let i = 0; i < n; i++) {
        const v = rows[i * width + j]!;
        if (!Number.isFinite(v)) throw new InvalidArgumentError('rows', `row ${i}, column ${j} (${features[j]}) is ${v}; values must be finite.`);
        column[i] = v;
      }
      column.sort();
      center[j] = medianSorted(column);
      const iqr = percentileSorted(column, qhi) - percentileSorted(column, qlo);
      scale[j] = iqr < 10 * Number.EPSILON ? 1 : iqr;
    }
    return new RobustScaler(center, scale, features, [qlo, qhi], n);
  }

  /**
   * Scales rows in double precision.
   * @param rows - `width` values per row
   * @param out - destination (may be `rows`) @default a new Float64Array
   * @returns `(x − center) / scale`
   * @example
   * ```ts
   * scaler.transform(Float64Array.from([2, 20])); // [0, 0]
   * ```
   */
  transform(rows: ArrayLike<number>, out: Float64Array = new Float64Array(rows.length)): Float64Array {
    this.checkRows(rows);
    const w = this.width;
    for (let i = 0; i < rows.length; i++) out[i] = (rows[i]! - this.center[i % w]!) / this.scale[i % w]!;
    return out;
  }

  /**
   * Scales rows in double precision and rounds them to float32, the network's input (the same values the training
   * arrays hold).
   * @param rows - `width` values per row
   * @param out - destination @default a new Float32Array
   * @param offset - first index of `out` written @default 0
   * @returns `out`
   * @example
   * ```ts
   * const x = scaler.transformToFloat32(nodeFeatures(tree));
   * ```
   */
  transformToFloat32(rows: ArrayLike<number>, out: Float32Array = new Float32Array(rows.length), offset = 0): Float32Array {
    this.checkRows(rows);
    const w = this.width;
    for (let i = 0; i < rows.length; i++) out[offset + i] = (rows[i]! - this.center[i % w]!) / this.scale[i % w]!;
    return out;
  }

  /**
   * The JSON form (`scaler.json`).
   * @returns plain data
   * @example
   * ```ts
   * JSON.stringify(scaler.toJSON());
   * ```
   */
  toJSON(): RobustScalerJson {
    return {
      kind: 'robust',
      features: [...this.features],
      center: Array.from(this.center),
      scale: Array.from(this.scale),
      quantileRange: [this.quantileRange[0], this.quantileRange[1]],
      fittedRows: this.fittedRows,
    };
  }

  /**
   * Reads the JSON form.
   * @param value - parsed JSON
   * @param source - file name for errors @default '<scaler>'
   * @returns the scaler
   * @throws DataFormatError naming the bad field
   * @example
   * ```ts
   * RobustScaler.fromJSON(JSON.parse(readFileSync('scaler.json', 'utf8')), 'scaler.json');
   * ```
   */
  static fromJSON(value: unknown, source = '<scaler>'): RobustScaler {
    if (typeof value !== 'object' || value === null) throw new DataFormatError(source, 'expected a JSON object {kind, features, center, scale}.');
    const v = value as Record<string, unknown>;
    if (v['kind'] !== 'robust') throw new DataFormatError(source, `field "kind" must be "robust"; received ${JSON.stringify(v['kind'])}.`);
    const numbers = (key: string): number[] => {
      const a = v[key];
      if (!Array.isArray(a) || a.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new DataFormatError(source, `field "${key}" must be an array of finite numbers.`);
      return a as number[];
    };
    const features = v['features'];
    if (!Array.isArray(features) || features.some((f) => typeof f !== 'string')) throw new DataFormatError(source, 'field "features" must be an array of strings.');
    const center = numbers('center');
    const scale = numbers('scale');
    if (center.length !== features.length || scale.length !== features.length) {
      throw new DataFormatError(source, `"center" (${center.length}), "scale" (${scale.length}) and "features" (${features.length}) must have equal lengths.`);
    }
    if (scale.some((s) => s === 0)) throw new DataFormatError(source, 'field "scale" must not contain 0.');
    const range = v['quantileRange'] === undefined ? [25, 75] : numbers('quantileRange');
    const rows = typeof v['fittedRows'] === 'number' ? v['fittedRows'] : 0;
    return new RobustScaler(center, scale, features as string[], [range[0]!, range[1]!], rows);
  }

  private checkRows(rows: ArrayLike<number>): void {
    if (rows.length % this.width !== 0) {
      throw new InvalidArgumentError('rows', `rows must hold a multiple of ${this.width} values (${this.features.join(', ')}); received ${rows.length}.`);
    }
  }
}
