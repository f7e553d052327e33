/**
 * A jet's constituents in the jet's own frame: p⊥, E and (Δη, Δφ) from the jet axis, the common first step of the
 * comparison networks' featurisers (constituent arrays and jet images).
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { jetConstituents, type JetInput } from '../lund/recluster-jet';

const TWO_PI = 2 * Math.PI;

/**
 * Wraps an azimuthal difference into [−π, π): `Δφ − 2π·round(Δφ / 2π)`. The wrapping is symmetric, `wrapDeltaPhi(−d) =
 * −wrapDeltaPhi(d)` for every d that is not an odd multiple of π, so a jet near φ = 0 and the same jet near φ = 2π give the
 * same Δφ.
 * @param dphi - a difference of azimuths (any real number)
 * @returns the equivalent difference in [−π, π)
 * @example
 * ```ts
 * wrapDeltaPhi(0.1 - (2 * Math.PI - 0.1)); // 0.2
 * wrapDeltaPhi(-3 * Math.PI / 2);          // π/2
 * ```
 */
export function wrapDeltaPhi(dphi: number): number {
  const w = dphi - TWO_PI * Math.round(dphi / TWO_PI);
  // Math.round(0.5) = 1 sends +π to −π; keep the range half-open on the right
  return w >= Math.PI ? w - TWO_PI : w < -Math.PI ? w + TWO_PI : w;
}

/**
 * A jet's constituents relative to the jet axis (see {@link jetFrame}).
 * @example
 * ```ts
 * const f = jetFrame(jet);
 * f.pt[0] / f.ptJet; // the first constituent's p⊥ fraction
 * ```
 */
export interface JetFrame {
  /** Number of constituents. */
  size: number;
  /** |Σ p⃗⊥| of the constituents (the jet's transverse momentum). */
  ptJet: number;
  /** Σ E of the constituents. */
  eJet: number;
  /** Pseudorapidity of the jet axis (the direction of Σ p⃗). */
  etaJet: number;
  /** Azimuth of the jet axis, in (−π, π]. */
  phiJet: number;
  /** Constituent p⊥, in input order. */
  pt: Float64Array;
  /** Constituent energies. */
  e: Float64Array;
  /** η_i − η_J (0 for a constituent with p⊥ = 0, whose η is undefined). */
  deta: Float64Array;
  /** φ_i − φ_J wrapped into [−π, π) by {@link wrapDeltaPhi} (0 for p⊥ = 0). */
  dphi: Float64Array;
}

/**
 * The frame of the constituents `[start, start + count)` of a flat `[px, py, pz, E]` array (no validation: the writer
 * checks its file, {@link jetFrame} its jet).
 * @internal
 */
export function momentaFrame(momenta: Float64Array, start: number, count: number, argument = 'jet'): JetFrame {
  if (count < 1) throw new InvalidArgumentError(argument, `${argument} has no constituents; every jet needs at least one.`);
  let px = 0;
  let py = 0;
  let pz = 0;
  let eJet = 0;
  const pt = new Float64Array(count);
  const e = new Float64Array(count);
  const deta = new Float64Array(count);
  const dphi = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = 4 * (start + i);
    px += momenta[o]!;
    py += momenta[o + 1]!;
    pz += momenta[o + 2]!;
    eJet += momenta[o + 3]!;
  }
  const ptJet = Math.hypot(px, py);
  if (!(ptJet > 0) || !Number.isFinite(ptJet) || !Number.isFinite(pz)) {
    throw new InvalidArgumentError(argument, `${argument} has transverse momentum ${ptJet} (Σ px = ${px}, Σ py = ${py}); the jet frame needs a finite p⊥ > 0.`);
  }
  const etaJet = Math.asinh(pz / ptJet);
  const phiJet = Math.atan2(py, px);
  for (let i = 0; i < count; i++) {
    const o = 4 * (start + i);
    const qx = momenta[o]!;
    const qy = momenta[o + 1]!;
    const p = Math.hypot(qx, qy);
    pt[i] = p;
    e[i] = momenta[o + 3]!;
    if (p > 0) {
      deta[i] = Math.asinh(momenta[o + 2]! / p) - etaJet;
      dphi[i] = wrapDeltaPhi(Math.atan2(qy, qx) - phiJet);
    }
  }
  return { size: count, ptJet, eJet, etaJet, phiJet, pt, e, deta, dphi };
}

/**
 * A jet's constituents in the jet frame.
 *
 * @remarks
 * The jet axis is the sum of the constituents' four-momenta: p⊥_J = |Σ p⃗⊥|, E_J = Σ E, η_J = asinh(Σ pz / p⊥_J) (the
 * pseudorapidity of Σ p⃗) and φ_J = atan2(Σ py, Σ px). Constituents use the pseudorapidity η = asinh(pz / p⊥), exact for
 * the massless particles of a jet and well defined for massive ones; Δφ is wrapped into [−π, π).
 *
 * @param jet - constituents (ParticleEvent or four-momenta) or a clustering node
 * @returns p⊥, E, Δη, Δφ per constituent (input order) and the axis
 * @throws InvalidArgumentError (argument `jet`) for a jet without constituents or with p⊥_J = 0
 * @example
 * ```ts
 * const [w] = generateJets('w', 1, { seed: 1 });
 * const f = jetFrame(w!.constituents);
 * f.dphi.every((d) => Math.abs(d) < 1); // true for an R = 0.8 jet
 * ```
 */
export function jetFrame(jet: JetInput): JetFrame {
  const event = jetConstituents(jet);
  return momentaFrame(event.momenta, 0, event.size);
}
