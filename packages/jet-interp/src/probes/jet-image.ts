/**
 * Jet images for the CNN comparison network: p⊥ fractions on a 37 × 37 grid over (Δη, Δφ), centred, rotated, flipped
 * and normalised.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import type { JetInput } from '../lund/recluster-jet';
import { jetFrame, type JetFrame } from './jet-frame';

/**
 * Default image geometry: 37 × 37 pixels over a ±0.8 window (the jets' anti-kt R), i.e. pixels of 1.6 / 37 ≈ 0.043 in Δη
 * and Δφ, a little finer than a calorimeter cell of 0.1 so that the two prongs of a boosted W (ΔR ≈ 2m/p⊥ ≈ 0.3 at 500 GeV)
 * land several pixels apart. The odd size puts the centroid in the middle of pixel 18.
 * @example
 * ```ts
 * JET_IMAGE_DEFAULTS.pixels; // 37
 * ```
 */
export const JET_IMAGE_DEFAULTS = Object.freeze({ pixels: 37, halfWidth: 0.8 } as const);

/**
 * Options of {@link jetImage}.
 * @example
 * ```ts
 * jetImage(jet, { pixels: 25, halfWidth: 1.0 });
 * ```
 */
export interface JetImageOptions {
  /** Pixels per side. @default 37 */
  pixels?: number;
  /** Half width of the square window, in units of Δη and Δφ, around the centroid. @default 0.8 */
  halfWidth?: number;
}

/** A jet image and how much of the jet fell outside it. */
export interface JetImage {
  /** Pixels per side P. */
  pixels: number;
  /** Half width of the window. */
  halfWidth: number;
  /** `[P × P]` row-major: row = coordinate along the principal axis, column = across it; sums to 1 (see {@link jetImage}). */
  image: Float32Array;
  /** Fraction of Σ p⊥ of the constituents that fell outside the window (and is not in the image). */
  outside: number;
}

/** @internal checked image options */
export function checkImageOptions(options: JetImageOptions = {}): { pixels: number; halfWidth: number } {
  const pixels = options.pixels ?? JET_IMAGE_DEFAULTS.pixels;
  const halfWidth = options.halfWidth ?? JET_IMAGE_DEFAULTS.halfWidth;
  if (!Number.isInteger(pixels) || pixels < 1) throw new InvalidArgumentError('pixels', `pixels must be an integer ≥ 1; received ${String(options.pixels)}.`);
  if (typeof halfWidth !== 'number' || !(halfWidth > 0) || !Number.isFinite(halfWidth)) {
    throw new InvalidArgumentError('halfWidth', `halfWidth must be a finite number > 0; received ${String(options.halfWidth)}.`);
  }
  return { pixels, halfWidth };
}

/**
 * Pixelises points `(Δη_i, Δφ_i)` with weights `pt_i` into `out[offset … offset + P²)` after the preprocessing of
 * {@link jetImage}; returns the weight fraction outside the window.
 * @internal
 */
export function fillJetImage(pt: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, pixels: number, halfWidth: number, out: Float32Array, offset: number): number {
  const n = pt.length;
  out.fill(0, offset, offset + pixels * pixels);
  let sum = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    sum += pt[i]!;
    cx += pt[i]! * x[i]!;
    cy += pt[i]! * y[i]!;
  }
  if (!(sum > 0)) return 1;
  cx /= sum;
  cy /= sum;
  // p⊥-weighted second moments about the centroid
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = x[i]! - cx;
    const b = y[i]! - cy;
    dx[i] = a;
    dy[i] = b;
    sxx += pt[i]! * a * a;
    syy += pt[i]! * b * b;
    sxy += pt[i]! * a * b;
  }
  // angle of the major axis from the Δη axis (0 for an isotropic or one-particle jet)
  const theta = sxy === 0 && sxx === syy ? 0 : 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  let uPlus = 0;
  let uMinus = 0;
  let vPlus = 0;
  let vMinus = 0;
  for (let i = 0; i < n; i++) {
    u[i] = c * dx[i]! + s * dy[i]!;
    v[i] = -s * dx[i]! + c * dy[i]!;
    if (u[i]! > 0) uPlus += pt[i]!;
    else if (u[i]! < 0) uMinus += pt[i]!;
    if (v[i]! > 0) vPlus += pt[i]!;
    else if (v[i]! < 0) vMinus += pt[i]!;
  }
  const su = uPlus >= uMinus ? 1 : -1;
  const sv = vPlus >= vMinus ? 1 : -1;
  const scale = pixels / (2 * halfWidth);
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const a = su * u[i]!;
    const b = sv * v[i]!;
    if (!(Math.abs(a) <= halfWidth && Math.abs(b) <= halfWidth)) continue;
    const row = Math.min(pixels - 1, Math.floor((a + halfWidth) * scale));
    const col = Math.min(pixels - 1, Math.floor((b + halfWidth) * scale));
    out[offset + row * pixels + col]! += pt[i]!;
    inside += pt[i]!;
  }
  if (inside > 0) for (let k = offset; k < offset + pixels * pixels; k++) out[k] = out[k]! / inside;
  return 1 - inside / sum;
}

/** @internal the image of a jet frame */
export function fillFrameImage(frame: JetFrame, pixels: number, halfWidth: number, out: Float32Array, offset: number): number {
  return fillJetImage(frame.pt, frame.deta, frame.dphi, pixels, halfWidth, out, offset);
}

/**
 * The jet image of the CNN comparison network.
 *
 * @remarks
 * Preprocessing, in this order (all on the continuous coordinates, before pixelisation, so that it is exact):
 * 1. **Coordinates**: each constituent at (Δη, Δφ) from the jet axis ({@link jetFrame}: Δφ wrapped, so jets at φ ≈ 0 or
 *    2π are not split), weighted by its p⊥.
 * 2. **Centre** on the p⊥-weighted centroid. Chosen over the leading subjet because it needs no subjet clustering, is
 *    defined for every jet (also one-prong quark/gluon jets), and moves with the jet under rotations and reflections,
 *    which makes the whole preprocessing exactly invariant under them. (For two-prong jets the centroid lies between the
 *    prongs rather than on the hard one; the rotation and flip below still fix their orientation.)
 * 3. **Rotate** the principal axis of the p⊥-weighted second-moment tensor (the major axis, angle ½·atan2(2S_ηφ, S_ηη −
 *    S_φφ)) onto the first image axis: u = along it, v = across it. For a two-prong jet this is the line through the prongs.
 * 4. **Flip** u → −u when the half u < 0 carries more p⊥ than u > 0, and v → −v likewise, so the harder half along the axis
 *    is always at large row index (u > 0) and the harder side across it at large column index.
 * 5. **Pixelise** the window |u|, |v| ≤ `halfWidth` into P × P pixels (row from u, column from v; pixel k covers
 *    [−W + k·2W/P, −W + (k+1)·2W/P), the upper edge W included in the last pixel); constituents outside the window are
 *    dropped and their p⊥ fraction is returned as `outside`.
 * 6. **Normalise** to p⊥ fractions of the p⊥ inside the window, so the image sums to 1 (intensity = p⊥ / Σ_window p⊥). A
 *    jet with nothing inside the window (possible only for prongs farther than W from their centroid) gives an all-zero
 *    image with `outside = 1`.
 *
 * The result is invariant under rotations and reflections of the jet in the (η, φ) plane and under translations (up to
 * rounding of constituents that sit on a pixel edge).
 *
 * @param jet - constituents (ParticleEvent or four-momenta) or a clustering node
 * @param options - pixels (37) and window half width (0.8)
 * @returns the image and the p⊥ fraction outside the window
 * @throws InvalidArgumentError for a jet without constituents, with p⊥_J = 0, or bad options
 * @example
 * ```ts
 * const [w] = generateJets('w', 1, { seed: 1 });
 * const { image, outside } = jetImage(w!.constituents);
 * image.length;                      // 37 * 37
 * image.reduce((a, b) => a + b, 0);  // ≈ 1
 * ```
 */
export function jetImage(jet: JetInput, options: JetImageOptions = {}): JetImage {
  const { pixels, halfWidth } = checkImageOptions(options);
  const image = new Float32Array(pixels * pixels);
  const outside = fillFrameImage(jetFrame(jet), pixels, halfWidth, image, 0);
  return { pixels, halfWidth, image, outside };
}
