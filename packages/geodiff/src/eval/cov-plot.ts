import { InvalidArgumentError } from '@lab/tensor-core';
import type { TopLevelSpec } from 'vega-lite';
import type { CovMatReport } from './evaluate-conformers';
import { InvalidThresholdError } from './errors';

/** Options of {@link covCurveSvg}. */
export interface CovCurveSvgOptions {
  /**
   * Plot the mean or the median over molecules.
   * @default 'mean'
   */
  statistic?: 'mean' | 'median';
  /**
   * Width of the plotting area in px (axes, legend and title add to it).
   * @default 480
   */
  width?: number;
  /**
   * Height of the plotting area in px.
   * @default 300
   */
  height?: number;
  /**
   * Title above the plot.
   * @default 'COV vs threshold (N molecules)'
   */
  title?: string;
}

function checkSize(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isFinite(value) && value >= 50 && value <= 10_000)) throw new InvalidArgumentError(name, `${name} must be between 50 and 10000 px, got ${value}.`);
  return value;
}

/**
 * The Vega-Lite specification of the COV curve plot ({@link covCurveSvg}): COV-R and COV-P (%) against the RMSD
 * threshold (Å), with a dashed vertical rule at δ.
 * @internal
 */
export function covCurveSpec(report: Pick<CovMatReport, 'curve' | 'threshold' | 'num_molecules'>, options: CovCurveSvgOptions = {}): TopLevelSpec {
  const statistic = options.statistic ?? 'mean';
  if (statistic !== 'mean' && statistic !== 'median') throw new InvalidArgumentError('statistic', `statistic must be "mean" or "median", got "${String(statistic)}".`);
  const width = checkSize('width', options.width, 480);
  const height = checkSize('height', options.height, 300);
  if (!Array.isArray(report.curve) || report.curve.length === 0) {
    throw new InvalidArgumentError('report', 'report.curve is empty; pass the report of evaluateConformers, which has one point per threshold.');
  }
  const { threshold } = report;
  if (!(Number.isFinite(threshold) && threshold >= 0)) throw new InvalidThresholdError('report.threshold', threshold, 'must be finite and >= 0');
  const values = report.curve.flatMap((p) => [
    { threshold: p.threshold, coverage: statistic === 'mean' ? p.cov_r_mean : p.cov_r_median, series: 'COV-R' },
    { threshold: p.threshold, coverage: statistic === 'mean' ? p.cov_p_mean : p.cov_p_median, series: 'COV-P' },
  ]);
  const xMax = Math.max(threshold, ...report.curve.map((p) => p.threshold));
  const x = { field: 'threshold', type: 'quantitative' as const, title: 'RMSD threshold δ (Å)', scale: { domain: [0, xMax], nice: false } };
  const title = options.title ?? `COV vs threshold (${statistic} over ${report.num_molecules} molecule${report.num_molecules === 1 ? '' : 's'})`;
  return {
    width,
    height,
    title,
    background: 'white',
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: false, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'coverage', type: 'quantitative', title: `COV (%, ${statistic} over molecules)`, scale: { domain: [0, 100] } },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: ['COV-R', 'COV-P'], range: ['#1f77b4', '#d62728'] },
            legend: { orient: 'bottom-right', labelFontSize: 12 },
          },
        },
      },
      {
        data: { values: [{ threshold, label: `δ = ${threshold} Å` }] },
        mark: { type: 'rule', strokeDash: [6, 4], color: '#555555' },
        encoding: { x },
      },
      {
        data: { values: [{ threshold, label: `δ = ${threshold} Å` }] },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -4, color: '#555555' },
        encoding: { x, y: { value: height }, text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
}

/**
 * Renders COV-R and COV-P (mean, or median, over molecules) against the RMSD threshold as a standalone SVG document:
 * axes with ticks and titles, a legend, and a dashed vertical marker at the report's δ.
 *
 * @remarks
 * Built with Vega-Lite and rendered headless by Vega's `View.toSVG()` (no DOM or canvas needed; text widths are
 * estimated). Vega is loaded on first use, so importing this package does not pay for it.
 * @param report - from {@link evaluateConformers} (only `curve`, `threshold` and `num_molecules` are read)
 * @param options - `statistic` ('mean' default, or 'median'), `width`, `height`, `title`
 * @returns the SVG text (`<svg …>…</svg>`)
 * @throws InvalidArgumentError for an empty curve or bad options; InvalidThresholdError for a bad `report.threshold`
 * @example
 * ```ts
 * const report = await evaluateConformers(generated, references, { threshold: 1.25 });
 * writeFileSync('cov.svg', await covCurveSvg(report));
 * ```
 */
export async function covCurveSvg(report: Pick<CovMatReport, 'curve' | 'threshold' | 'num_molecules'>, options: CovCurveSvgOptions = {}): Promise<string> {
  const spec = covCurveSpec(report, options);
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
