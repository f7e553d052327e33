/**
 * Saliency averaged over the Lund plane, per class.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { LundImage, type LundImageOptions } from '../lund/lund-image';

/**
 * The per-node values one jet contributes to a map (a {@link JetSaliency} fits).
 * @example
 * ```ts
 * const jet: SaliencyPoints = { label: 1, saliency: [0.2, 0.1, 1], lnInvDelta: [NaN, NaN, 1.3], lnKt: [NaN, NaN, 2.1] };
 * ```
 */
export interface SaliencyPoints {
  /** 1 signal, 0 background. */
  readonly label: number;
  /** Saliency per node (NaN everywhere when undefined for the jet). */
  readonly saliency: ArrayLike<number>;
  /** ln(1/Δ) per node (NaN for leaves). */
  readonly lnInvDelta: ArrayLike<number>;
  /** ln(k_t/GeV) per node (NaN for leaves). */
  readonly lnKt: ArrayLike<number>;
}

/**
 * The mean saliency of the splittings of one class over the Lund plane.
 * @example
 * ```ts
 * const { signal } = saliencyLundMaps(result.jets);
 * signal.mean.get(10, 12);   // mean saliency of the splittings in column 10 (ln 1/Δ), row 12 (ln k_t); NaN if none
 * signal.counts.get(10, 12); // how many splittings that mean is over
 * ```
 */
export interface SaliencyLundMap {
  /** The class label (1 signal, 0 background). */
  readonly label: 0 | 1;
  /** The class name (e.g. `w`, `qcd`). */
  readonly className: string;
  /** The task, e.g. `w vs qcd`, when known. */
  readonly task?: string;
  /** Jets of this class that contributed (jets with an undefined saliency are not counted). */
  readonly jets: number;
  /** Jets of this class left out because their saliency is undefined (dL/dh_J = 0). */
  readonly undefinedJets: number;
  /**
   * Mean saliency per bin over all splittings (internal nodes) of the class that fall in it; NaN in empty bins. Same
   * layout and binning as a {@link LundImage} (row-major, rows along ln k_t); `jets`/`entries`/`outside` as in `counts`.
   */
  readonly mean: LundImage;
  /** Number of splittings per bin (all jets of the class together). */
  readonly counts: LundImage;
  /** Splittings inside the ranges. */
  readonly entries: number;
  /** Splittings outside the ranges (or with an infinite logarithm). */
  readonly outside: number;
  /** Mean saliency of all the class's splittings (internal nodes, inside the ranges or not, root included). */
  readonly splittingMeanSaliency: number;
  /** The leaves (constituents), which have no Lund coordinates: how many, and their mean saliency. */
  readonly leaves: { readonly nodes: number; readonly meanSaliency: number };
}

/**
 * Options of {@link saliencyLundMaps}: the Lund binning (defaults of {@link LUND_IMAGE_DEFAULTS}) and names.
 * @example
 * ```ts
 * saliencyLundMaps(result.jets, { lnInvDeltaBins: 20, lnKtBins: 20, signal: 'w', background: 'qcd', task: 'w vs qcd' });
 * ```
 */
export interface SaliencyLundMapsOptions extends LundImageOptions {
  /** Name of label 1. @default 'signal' */
  signal?: string;
  /** Name of label 0. @default 'background' */
  background?: string;
  /** The task, e.g. `w vs qcd`, carried into the maps (plot titles). */
  task?: string;
}

/**
 * Averages saliency over the Lund plane, separately for signal (label 1) and background (label 0) jets.
 *
 * @remarks
 * Every internal node of every jet is one splitting at (ln 1/Δ, ln k_t) of its two children; its saliency is added to
 * that bin, and the bin's mean is the sum over the number of splittings in it (a mean per splitting, not per jet: a bin
 * that many jets fill weighs each of their splittings equally). The binning is {@link lundImage}'s: half-open bins,
 * points outside the ranges counted in `outside`. Leaves (constituents) have no splitting: they are not on the map, and
 * are summarised in `leaves`. Jets whose saliency is undefined (NaN: dL/dh_J = 0) are skipped and counted in
 * `undefinedJets`.
 *
 * @param jets - e.g. `(await recnnSaliency(model, jets, labels)).jets`
 * @param options - binning, class names, task
 * @returns one map per class
 * @throws InvalidArgumentError for a bad binning, a label other than 0/1 or per-node arrays of different lengths
 * @example
 * ```ts
 * const result = await recnnSaliency(model, jets, labels);
 * const maps = saliencyLundMaps(result.jets, { signal: result.signal, background: result.background, task: 'w vs qcd' });
 * await writeFile('w.svg', await saliencyHeatmapSvg(maps.signal));
 * ```
 */
export function saliencyLundMaps(jets: readonly SaliencyPoints[], options: SaliencyLundMapsOptions = {}): { signal: SaliencyLundMap; background: SaliencyLundMap } {
  if (!Array.isArray(jets)) throw new InvalidArgumentError('jets', 'jets must be an array of { label, saliency, lnInvDelta, lnKt } (e.g. recnnSaliency(...).jets).');
  const binning: LundImageOptions = {
    ...(options.lnInvDeltaBins !== undefined ? { lnInvDeltaBins: options.lnInvDeltaBins } : {}),
    ...(options.lnKtBins !== undefined ? { lnKtBins: options.lnKtBins } : {}),
    ...(options.lnInvDeltaRange !== undefined ? { lnInvDeltaRange: options.lnInvDeltaRange } : {}),
    ...(options.lnKtRange !== undefined ? { lnKtRange: options.lnKtRange } : {}),
  };
  const shape = new LundImage(binning);
  const B = shape.values.length;
  const acc = [0, 1].map(() => ({ sum: new Float64Array(B), count: new Float64Array(B), jets: 0, undefinedJets: 0, entries: 0, outside: 0, splitSum: 0, splits: 0, leafSum: 0, leaves: 0 }));
  jets.forEach((jet, j) => {
    if (jet.label !== 0 && jet.label !== 1) throw new InvalidArgumentError(`jets[${j}].label`, `jets[${j}].label is ${String(jet.label)}; it must be 1 (signal) or 0 (background).`);
    const n = jet.saliency.length;
    if (jet.lnInvDelta.length !== n || jet.lnKt.length !== n) {
      throw new InvalidArgumentError(`jets[${j}]`, `jets[${j}] has ${n} saliencies but ${jet.lnInvDelta.length} lnInvDelta and ${jet.lnKt.length} lnKt values; give one of each per node.`);
    }
    const a = acc[jet.label]!;
    let defined = n > 0;
    for (let k = 0; k < n; k++) if (Number.isNaN(jet.saliency[k]!)) defined = false;
    if (!defined) {
      a.undefinedJets++;
      return;
    }
    a.jets++;
    for (let k = 0; k < n; k++) {
      const s = jet.saliency[k]!;
      const x = jet.lnInvDelta[k]!;
      const y = jet.lnKt[k]!;
      if (Number.isNaN(x) && Number.isNaN(y)) {
        a.leafSum += s;
        a.leaves++;
        continue;
      }
      a.splitSum += s;
      a.splits++;
      const i = shape.binIndex(x, y);
      if (i < 0) {
        a.outside++;
        continue;
      }
      a.entries++;
      a.sum[i]! += s;
      a.count[i]!++;
    }
  });
  const make = (label: 0 | 1): SaliencyLundMap => {
    const a = acc[label]!;
    const mean = a.sum.map((s, i) => (a.count[i]! > 0 ? s / a.count[i]! : NaN));
    const counts = { jets: a.jets, entries: a.entries, outside: a.outside };
    return {
      label,
      className: (label === 1 ? options.signal : options.background) ?? (label === 1 ? 'signal' : 'background'),
      ...(options.task !== undefined ? { task: options.task } : {}),
      jets: a.jets,
      undefinedJets: a.undefinedJets,
      mean: new LundImage(binning, mean, counts),
      counts: new LundImage(binning, a.count, counts),
      entries: a.entries,
      outside: a.outside,
      splittingMeanSaliency: a.splits > 0 ? a.splitSum / a.splits : NaN,
      leaves: { nodes: a.leaves, meanSaliency: a.leaves > 0 ? a.leafSum / a.leaves : NaN },
    };
  };
  return { signal: make(1), background: make(0) };
}
