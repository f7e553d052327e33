/**
 * Heat maps of saliency over the Lund plane (Vega-Lite, rendered to SVG headless).
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import type { TopLevelSpec } from 'vega-lite';
import type { SaliencyLundMap } from './saliency-lund-maps';

/**
 * Options of {@link saliencyHeatmapSvg} (and of {@link saliencyHeatmapPng}).
 * @example
 * ```ts
 * await saliencyHeatmapSvg(maps.signal, { width: 600, height: 500, task: 'top vs qcd', minCount: 5 });
 * ```
 */
export interface SaliencyHeatmapOptions {
  /** Width of the plotting area in px. @default 420 */
  width?: number;
  /** Height of the plotting area in px. @default 380 */
  height?: number;
  /** The title. @default '<task>: mean gradient saliency, <class> jets' */
  title?: string;
  /** The task shown in the default title (e.g. `w vs qcd`). @default the map's `task`, else 'RecNN' */
  task?: string;
  /** Vega colour scheme. @default 'viridis' */
  scheme?: string;
  /** Bins with fewer splittings than this are left blank. @default 1 */
  minCount?: number;
}

function checkSize(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value >= 50 && value <= 10_000)) throw new InvalidArgumentError(name, `${name} must be between 50 and 10000 px; received ${value}.`);
  return value;
}

/**
 * The Vega-Lite specification of {@link saliencyHeatmapSvg}.
 * @param map - from {@link saliencyLundMaps}
 * @param options - size, title, colours
 * @returns the specification
 * @example
 * ```ts
 * const spec = saliencyHeatmapSpec(maps.signal); // Vega-Lite JSON, e.g. for an HTML report
 * ```
 * @internal
 */
export function saliencyHeatmapSpec(map: SaliencyLundMap, options: SaliencyHeatmapOptions = {}): TopLevelSpec {
  if (!map || !map.mean || !map.counts) throw new InvalidArgumentError('map', 'map must be a SaliencyLundMap from saliencyLundMaps().');
  const width = checkSize('width', options.width, 420);
  const height = checkSize('height', options.height, 380);
  const minCount = options.minCount ?? 1;
  if (!(Number.isFinite(minCount) && minCount >= 1)) throw new InvalidArgumentError('minCount', `minCount must be a number ≥ 1; received ${String(minCount)}.`);
  const { mean, counts } = map;
  const edges = mean.edges();
  const values: { x0: number; x1: number; y0: number; y1: number; saliency: number; count: number }[] = [];
  for (let iy = 0; iy < mean.lnKtBins; iy++) {
    for (let ix = 0; ix < mean.lnInvDeltaBins; ix++) {
      const i = iy * mean.lnInvDeltaBins + ix;
      const c = counts.values[i]!;
      if (c < minCount || !Number.isFinite(mean.values[i]!)) continue;
      values.push({ x0: edges.lnInvDelta[ix]!, x1: edges.lnInvDelta[ix + 1]!, y0: edges.lnKt[iy]!, y1: edges.lnKt[iy + 1]!, saliency: mean.values[i]!, count: c });
    }
  }
  const task = options.task ?? map.task ?? 'RecNN';
  const title = options.title ?? `${task}: mean gradient saliency, ${map.className} jets`;
  const subtitle = `${map.jets} jet${map.jets === 1 ? '' : 's'}, ${map.entries} splittings in range; saliency = ‖∂L/∂h_i‖ / ‖∂L/∂h_J‖`;
  return {
    width,
    height,
    title: { text: title, subtitle },
    background: 'white',
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'x0', type: 'quantitative', title: 'ln(1/Δ)', scale: { domain: [...mean.lnInvDeltaRange], nice: false, zero: false } },
      x2: { field: 'x1' },
      y: { field: 'y0', type: 'quantitative', title: 'ln(k_t / GeV)', scale: { domain: [...mean.lnKtRange], nice: false, zero: false } },
      y2: { field: 'y1' },
      color: { field: 'saliency', type: 'quantitative', title: 'mean saliency', scale: { scheme: (options.scheme ?? 'viridis') as 'viridis' } }, // any Vega scheme name
      tooltip: [
        { field: 'saliency', type: 'quantitative', format: '.3g' },
        { field: 'count', type: 'quantitative', title: 'splittings' },
      ],
    },
  };
}

/**
 * Renders a class's mean saliency over the Lund plane as a standalone SVG heat map: ln(1/Δ) across, ln(k_t/GeV) up, one
 * rectangle per non-empty bin coloured by its mean saliency, titled with the task and the class.
 *
 * @remarks
 * Vega-Lite compiled and rendered by Vega's headless `View.toSVG()` (no DOM; text widths estimated), loaded on first use.
 * Empty bins (and bins with fewer than `minCount` splittings) stay blank.
 * @param map - from {@link saliencyLundMaps}
 * @param options - size, title/task, colour scheme, minimum count
 * @returns the SVG text
 * @throws InvalidArgumentError for bad options
 * @example
 * ```ts
 * const maps = saliencyLundMaps(result.jets, { signal: 'w', background: 'qcd', task: 'w vs qcd' });
 * writeFileSync('saliency-w.svg', await saliencyHeatmapSvg(maps.signal));
 * ```
 */
export async function saliencyHeatmapSvg(map: SaliencyLundMap, options: SaliencyHeatmapOptions = {}): Promise<string> {
  const spec = saliencyHeatmapSpec(map, options);
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
