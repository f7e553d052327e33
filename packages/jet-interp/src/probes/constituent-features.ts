/**
 * The constituent array of the FCN and LSTM comparison networks: the jet's hardest constituents, p⊥-ordered, with four
 * features each relative to the jet.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import type { JetInput } from '../lund/recluster-jet';
import { jetFrame, type JetFrame } from './jet-frame';

/**
 * Feature columns of the constituent array, in order: p⊥ / p⊥_J, Δη = η − η_J, Δφ = φ − φ_J wrapped into [−π, π), E / E_J.
 *
 * @remarks
 * Why these: they are the jet-relative versions of the kinematics every constituent-based tagger reads. Dividing p⊥ and E
 * by the jet's removes the jet-p⊥ spectrum (the networks should tag the substructure, not the p⊥ of the sample), and the
 * angles relative to the axis remove the jet's position in the detector. All four are O(1) or smaller (fractions in [0, 1],
 * angles within ≈ ±R), so the networks need no input scaling; a zero-padded row (all four 0) is recognisable as a
 * constituent with no momentum.
 * @example
 * ```ts
 * CONSTITUENT_FEATURES.indexOf('deta'); // 1
 * ```
 */
export const CONSTITUENT_FEATURES: readonly string[] = Object.freeze(['pt/pt_J', 'deta', 'dphi', 'E/E_J']);

/** Number of constituent features (4). */
export const CONSTITUENT_FEATURE_COUNT = 4;

/** Constituents kept per jet by default (the study's FCN input: 30 × 4 = 120 numbers). */
export const PROBE_CONSTITUENTS = 30;

/**
 * Options of {@link constituentArray}.
 * @example
 * ```ts
 * constituentArray(jet, { maxConstituents: 20 });
 * ```
 */
export interface ConstituentArrayOptions {
  /** Rows of the array: the hardest constituents kept, zero padded. @default 30 */
  maxConstituents?: number;
}

/** @internal checks `maxConstituents` */
export function checkMaxConstituents(v: number | undefined): number {
  const n = v ?? PROBE_CONSTITUENTS;
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('maxConstituents', `maxConstituents must be an integer ≥ 1; received ${String(v)}.`);
  return n;
}

/**
 * Indices of the constituents, hardest first (ties keep input order).
 * @internal
 */
export function ptOrder(pt: Float64Array): number[] {
  const order = Array.from({ length: pt.length }, (_, i) => i);
  order.sort((a, b) => pt[b]! - pt[a]! || a - b);
  return order;
}

/**
 * Writes the constituent array of a jet frame to `out[offset … offset + rows·4)` (rows beyond the constituents are set to
 * 0).
 * @internal
 */
export function fillConstituentArray(frame: JetFrame, rows: number, out: Float32Array, offset: number): void {
  const order = ptOrder(frame.pt);
  const F = CONSTITUENT_FEATURE_COUNT;
  out.fill(0, offset, offset + rows * F);
  const n = Math.min(rows, frame.size);
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const o = offset + r * F;
    out[o] = frame.pt[i]! / frame.ptJet;
    out[o + 1] = frame.deta[i]!;
    out[o + 2] = frame.dphi[i]!;
    out[o + 3] = frame.eJet > 0 ? frame.e[i]! / frame.eJet : 0;
  }
}

/**
 * The constituent array of one jet: its `maxConstituents` (30) hardest constituents by p⊥, one row each with the
 * {@link CONSTITUENT_FEATURES} (p⊥/p⊥_J, Δη, Δφ, E/E_J; the axis as in {@link jetFrame}), zero rows after the last
 * constituent.
 *
 * @remarks
 * Rows are in decreasing p⊥ (equal p⊥ keep input order), so row 0 is the hardest constituent. A jet with more than
 * `maxConstituents` constituents loses its softest ones (the jet axis and p⊥_J still use all of them). The LSTM reads the
 * same rows as a sequence.
 *
 * @param jet - constituents (ParticleEvent or four-momenta) or a clustering node
 * @param options - number of rows
 * @returns float32 `[maxConstituents × 4]` row-major
 * @throws InvalidArgumentError for a jet without constituents, with p⊥_J = 0, or a bad `maxConstituents`
 * @example
 * ```ts
 * const [top] = generateJets('top', 1, { seed: 3 });
 * const x = constituentArray(top!.constituents); // Float32Array(120)
 * x[0];                                          // p⊥ fraction of the hardest constituent
 * ```
 */
export function constituentArray(jet: JetInput, options: ConstituentArrayOptions = {}): Float32Array {
  const rows = checkMaxConstituents(options.maxConstituents);
  const out = new Float32Array(rows * CONSTITUENT_FEATURE_COUNT);
  fillConstituentArray(jetFrame(jet), rows, out, 0);
  return out;
}
