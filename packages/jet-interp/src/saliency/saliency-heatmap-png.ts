/**
 * PNG heat maps of saliency over the Lund plane (the SVG rasterised with resvg).
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { saliencyHeatmapSvg, type SaliencyHeatmapOptions } from './saliency-heatmap-svg';
import type { SaliencyLundMap } from './saliency-lund-maps';

/**
 * Options of {@link saliencyHeatmapPng}: those of the SVG, and the pixel scale.
 * @example
 * ```ts
 * await saliencyHeatmapPng(maps.signal, { scale: 3 });
 * ```
 */
export interface SaliencyHeatmapPngOptions extends SaliencyHeatmapOptions {
  /** Pixels per SVG unit. @default 2 */
  scale?: number;
}

/**
 * Renders the heat map of {@link saliencyHeatmapSvg} as a PNG.
 *
 * @remarks
 * The SVG is rasterised by `@resvg/resvg-js` (a native module, loaded on first use) with the system's fonts (sans-serif
 * text is drawn with DejaVu Sans where it is installed, else with resvg's fallback; without any font the text is left out
 * but the image is still written) on a white background.
 * @param map - from {@link saliencyLundMaps}
 * @param options - SVG options and `scale`
 * @returns the PNG bytes (starting with the signature 89 50 4E 47 0D 0A 1A 0A)
 * @throws InvalidArgumentError for bad options
 * @example
 * ```ts
 * writeFileSync('saliency-qcd.png', await saliencyHeatmapPng(maps.background));
 * ```
 */
export async function saliencyHeatmapPng(map: SaliencyLundMap, options: SaliencyHeatmapPngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 8)) throw new InvalidArgumentError('scale', `scale must be in (0, 8]; received ${String(scale)}.`);
  const svg = await saliencyHeatmapSvg(map, options);
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(resvg.render().asPng());
}
