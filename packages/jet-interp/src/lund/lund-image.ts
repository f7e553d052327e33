/**
 * Lund images: histograms of splittings over (ln 1/Δ, ln k_t), per jet or averaged over jets.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import type { LundPoint } from './lund-splitting';

/**
 * Binning of a {@link LundImage}.
 * @example
 * ```ts
 * lundImage(splittings, { lnInvDeltaBins: 40, lnKtBins: 40, lnKtRange: [-1, 6] });
 * ```
 */
export interface LundImageOptions {
  /** Number of bins along ln(1/Δ) (columns). @default 25 */
  lnInvDeltaBins?: number;
  /** Number of bins along ln(k_t/GeV) (rows). @default 25 */
  lnKtBins?: number;
  /** [low, high) range of ln(1/Δ). @default [0, 6] */
  lnInvDeltaRange?: readonly [number, number];
  /** [low, high) range of ln(k_t/GeV). @default [-3, 7] */
  lnKtRange?: readonly [number, number];
}

/**
 * The default binning: 25 × 25 bins, ln(1/Δ) in [0, 6] and ln(k_t/GeV) in [−3, 7], the region the Lund-plane literature
 * shows for R ≈ 1 jets at a few hundred GeV (Δ from 1 down to 0.0025, k_t from 0.05 GeV to 1.1 TeV).
 * @example
 * ```ts
 * LUND_IMAGE_DEFAULTS.lnKtRange; // [-3, 7]
 * ```
 */
export const LUND_IMAGE_DEFAULTS: Readonly<Required<LundImageOptions>> = Object.freeze({
  lnInvDeltaBins: 25,
  lnKtBins: 25,
  lnInvDeltaRange: Object.freeze([0, 6]) as readonly [number, number],
  lnKtRange: Object.freeze([-3, 7]) as readonly [number, number],
});

/**
 * A histogram over the Lund plane.
 *
 * @remarks
 * `values` is row-major with rows along ln k_t and columns along ln 1/Δ: the bin of column `ix` (ln 1/Δ) and row `iy`
 * (ln k_t) is `values[iy * lnInvDeltaBins + ix]`, row 0 holding the lowest k_t. Bins are half-open, [low, high); points
 * outside the ranges, and points with Δ = 0 or k_t = 0 (infinite logarithms), are counted in `outside` and not filled.
 * For one jet, `values` holds counts (or summed weights); for an average over jets it holds the mean per jet.
 *
 * @example
 * ```ts
 * const image = lundImage(primaryLundDeclusterings(jet));
 * image.get(3, 10);     // splittings in column 3, row 10
 * image.entries;        // splittings inside the ranges
 * ```
 */
export class LundImage {
  /** Bin contents, `lnKtBins × lnInvDeltaBins`, row-major (see remarks). */
  readonly values: Float64Array;
  /** Number of columns (ln 1/Δ). */
  readonly lnInvDeltaBins: number;
  /** Number of rows (ln k_t). */
  readonly lnKtBins: number;
  /** Range of ln 1/Δ. */
  readonly lnInvDeltaRange: readonly [number, number];
  /** Range of ln k_t. */
  readonly lnKtRange: readonly [number, number];
  /** Number of jets the image holds (1 for {@link lundImage}); `values` are per-jet means when > 1. */
  readonly jets: number;
  /** Splittings that fell inside the ranges (unweighted, all jets together). */
  readonly entries: number;
  /** Splittings outside the ranges or with an infinite logarithm (all jets together). */
  readonly outside: number;

  /**
   * @param options - binning (see {@link LUND_IMAGE_DEFAULTS})
   * @param values - bin contents (length `lnKtBins × lnInvDeltaBins`); zeros when omitted
   * @param counts - `{ jets, entries, outside }` @default all 0 (jets 1)
   */
  constructor(options: LundImageOptions = {}, values?: Float64Array, counts: { jets?: number; entries?: number; outside?: number } = {}) {
    const b = resolveBinning(options);
    this.lnInvDeltaBins = b.lnInvDeltaBins;
    this.lnKtBins = b.lnKtBins;
    this.lnInvDeltaRange = b.lnInvDeltaRange;
    this.lnKtRange = b.lnKtRange;
    const size = b.lnInvDeltaBins * b.lnKtBins;
    if (values && values.length !== size) {
      throw new InvalidArgumentError('values', `values must have lnKtBins × lnInvDeltaBins = ${size} entries; received ${values.length}.`);
    }
    this.values = values ?? new Float64Array(size);
    this.jets = counts.jets ?? 1;
    this.entries = counts.entries ?? 0;
    this.outside = counts.outside ?? 0;
  }

  /**
   * The content of one bin.
   * @param ix - column, 0 ≤ ix < lnInvDeltaBins (ln 1/Δ)
   * @param iy - row, 0 ≤ iy < lnKtBins (ln k_t)
   * @returns the bin content
   * @throws InvalidArgumentError for an index out of range
   * @example
   * ```ts
   * image.get(0, 0); // lowest ln 1/Δ and lowest ln k_t
   * ```
   */
  get(ix: number, iy: number): number {
    if (!Number.isInteger(ix) || ix < 0 || ix >= this.lnInvDeltaBins) {
      throw new InvalidArgumentError('ix', `Column ix must be an integer in 0..${this.lnInvDeltaBins - 1}; received ${ix}.`);
    }
    if (!Number.isInteger(iy) || iy < 0 || iy >= this.lnKtBins) {
      throw new InvalidArgumentError('iy', `Row iy must be an integer in 0..${this.lnKtBins - 1}; received ${iy}.`);
    }
    return this.values[iy * this.lnInvDeltaBins + ix]!;
  }

  /**
   * The flat index of the bin holding a point, or −1 when it lies outside.
   * @param lnInvDelta - ln(1/Δ)
   * @param lnKt - ln(k_t/GeV)
   * @returns index into `values`, or −1
   * @example
   * ```ts
   * image.binIndex(1.2, 2.5);
   * ```
   */
  binIndex(lnInvDelta: number, lnKt: number): number {
    return binIndex(this, lnInvDelta, lnKt);
  }

  /**
   * Bin edges along ln 1/Δ (`lnInvDeltaBins + 1` values) and along ln k_t (`lnKtBins + 1` values).
   * @returns the two edge arrays
   * @example
   * ```ts
   * image.edges().lnInvDelta[0]; // 0
   * ```
   */
  edges(): { lnInvDelta: Float64Array; lnKt: Float64Array } {
    const e = (n: number, [lo, hi]: readonly [number, number]): Float64Array => Float64Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
    return { lnInvDelta: e(this.lnInvDeltaBins, this.lnInvDeltaRange), lnKt: e(this.lnKtBins, this.lnKtRange) };
  }

  /**
   * The image divided by the bin area, i.e. the Lund-plane density ρ = dn / (d ln 1/Δ · d ln k_t) (per jet when averaged).
   * @returns a new array laid out like `values`
   * @example
   * ```ts
   * averageLundImage(jets.map((j) => primaryLundDeclusterings(j))).density();
   * ```
   */
  density(): Float64Array {
    const area = ((this.lnInvDeltaRange[1] - this.lnInvDeltaRange[0]) / this.lnInvDeltaBins) * ((this.lnKtRange[1] - this.lnKtRange[0]) / this.lnKtBins);
    return this.values.map((v) => v / area);
  }

  /**
   * The sum of all bins.
   * @returns Σ values
   * @example
   * ```ts
   * lundImage(splittings).total(); // number of splittings inside the ranges
   * ```
   */
  total(): number {
    let s = 0;
    for (const v of this.values) s += v;
    return s;
  }
}

/**
 * The Lund image of one jet: splittings counted (or weighted) in bins of (ln 1/Δ, ln k_t).
 * @param splittings - e.g. {@link primaryLundDeclusterings} of the jet (any objects with `lnInvDelta` and `lnKt`)
 * @param options - binning, and `weights` (one per splitting, e.g. saliencies; default 1 each)
 * @returns the image (`jets` = 1)
 * @throws InvalidArgumentError for a bad binning or a weights array of another length
 * @example
 * ```ts
 * const image = lundImage(primaryLundDeclusterings(jet), { lnInvDeltaBins: 20, lnKtBins: 20 });
 * image.total() === image.entries; // true without weights
 * ```
 */
export function lundImage(splittings: readonly LundPoint[], options: LundImageOptions & { weights?: ArrayLike<number> } = {}): LundImage {
  const shape = new LundImage(options);
  const values = new Float64Array(shape.values.length);
  const { entries, outside } = fill(shape, values, splittings, options.weights, 'weights');
  return new LundImage(options, values, { jets: 1, entries, outside });
}

/**
 * The Lund image averaged over jets: the mean number (or weight) of splittings per jet in each bin.
 * @param jets - one list of splittings per jet
 * @param options - binning, and `weights` (one array per jet, aligned with its splittings)
 * @returns the averaged image (`jets` = number of jets; all zeros when there are none)
 * @throws InvalidArgumentError for a bad binning or misaligned weights
 * @example
 * ```ts
 * const wJets = generateJets('w', 500, { seed: 1 });
 * const mean = averageLundImage(wJets.map((j) => primaryLundDeclusterings(j.constituents)));
 * mean.density(); // ρ(ln 1/Δ, ln k_t) per jet
 * ```
 */
export function averageLundImage(
  jets: Iterable<readonly LundPoint[]>,
  options: LundImageOptions & { weights?: readonly ArrayLike<number>[] } = {},
): LundImage {
  const shape = new LundImage(options);
  const values = new Float64Array(shape.values.length);
  let n = 0;
  let entries = 0;
  let outside = 0;
  for (const splittings of jets) {
    const w = options.weights;
    if (w !== undefined && n >= w.length) {
      throw new InvalidArgumentError('weights', `weights must hold one array per jet; it has ${w.length} but there are more jets.`);
    }
    const r = fill(shape, values, splittings, w?.[n], `weights[${n}]`);
    entries += r.entries;
    outside += r.outside;
    n++;
  }
  if (options.weights !== undefined && options.weights.length !== n) {
    throw new InvalidArgumentError('weights', `weights must hold one array per jet: ${n} jets, ${options.weights.length} weight arrays.`);
  }
  if (n > 0) for (let i = 0; i < values.length; i++) values[i]! /= n;
  return new LundImage(options, values, { jets: n, entries, outside });
}

function fill(
  shape: LundImage,
  values: Float64Array,
  splittings: readonly LundPoint[],
  weights: ArrayLike<number> | undefined,
  weightsName: string,
): { entries: number; outside: number } {
  if (!Array.isArray(splittings)) {
    throw new InvalidArgumentError('splittings', 'splittings must be an array of { lnInvDelta, lnKt } (e.g. from primaryLundDeclusterings).');
  }
  if (weights !== undefined && weights.length !== splittings.length) {
    throw new InvalidArgumentError(weightsName, `${weightsName} must have one weight per splitting: ${splittings.length} splittings, ${weights.length} weights.`);
  }
  let entries = 0;
  let outside = 0;
  for (let k = 0; k < splittings.length; k++) {
    const p = splittings[k]!;
    const i = binIndex(shape, p.lnInvDelta, p.lnKt);
    if (i < 0) {
      outside++;
      continue;
    }
    entries++;
    values[i]! += weights === undefined ? 1 : weights[k]!;
  }
  return { entries, outside };
}

function binIndex(b: LundImage, x: number, y: number): number {
  const [x0, x1] = b.lnInvDeltaRange;
  const [y0, y1] = b.lnKtRange;
  // NaN and ±∞ fail these comparisons or land outside
  if (!(x >= x0 && x < x1 && y >= y0 && y < y1)) return -1;
  const ix = Math.min(b.lnInvDeltaBins - 1, Math.floor(((x - x0) / (x1 - x0)) * b.lnInvDeltaBins));
  const iy = Math.min(b.lnKtBins - 1, Math.floor(((y - y0) / (y1 - y0)) * b.lnKtBins));
  return iy * b.lnInvDeltaBins + ix;
}

function resolveBinning(options: LundImageOptions): Required<LundImageOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'options must be an object such as { lnInvDeltaBins: 25, lnKtBins: 25 }.');
  }
  const d = LUND_IMAGE_DEFAULTS;
  const out = {
    lnInvDeltaBins: options.lnInvDeltaBins ?? d.lnInvDeltaBins,
    lnKtBins: options.lnKtBins ?? d.lnKtBins,
    lnInvDeltaRange: options.lnInvDeltaRange ?? d.lnInvDeltaRange,
    lnKtRange: options.lnKtRange ?? d.lnKtRange,
  };
  for (const key of ['lnInvDeltaBins', 'lnKtBins'] as const) {
    const v = out[key];
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(key, `${key} must be an integer ≥ 1 (default 25); received ${String(v)}.`);
  }
  for (const key of ['lnInvDeltaRange', 'lnKtRange'] as const) {
    const r = out[key];
    if (!Array.isArray(r) || r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !(r[0] < r[1])) {
      const def = d[key];
      throw new InvalidArgumentError(key, `${key} must be [low, high] with finite low < high (default [${def[0]}, ${def[1]}]); received ${JSON.stringify(r)}.`);
    }
  }
  return out;
}
