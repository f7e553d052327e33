/**
 * Test helper (not part of the public API): random collimated jets and frame changes for property and parity tests of
 * the Lund plane and the observables.
 * @packageDocumentation
 */
import type { Rng } from '@lab/tensor-core';
import { FourMomentum } from '../particles/four-momentum';

/** Options of {@link randomJet}. */
export interface RandomJetOptions {
  /** Number of particles. */
  n: number;
  /** Jet rapidity. @default 0 */
  y?: number;
  /** Jet azimuth. @default 1 */
  phi?: number;
  /** Spread of the particles around the axis in y and φ. @default 0.3 */
  spread?: number;
  /** Give a third of the particles the pion mass. @default true */
  massive?: boolean;
}

/**
 * A random jet: particles with p⊥ from a steep spectrum (0.5 … ~300 GeV) spread around an axis, some with the pion mass.
 * @param rng - the random generator
 * @param options - size, axis, spread
 * @returns the particles
 */
export function randomJet(rng: Rng, options: RandomJetOptions): FourMomentum[] {
  const { n, y = 0, phi = 1, spread = 0.3, massive = true } = options;
  return Array.from({ length: n }, () =>
    FourMomentum.fromPtYPhiM(0.5 + 300 * rng.uniform() ** 3, y + spread * rng.normal(), phi + spread * rng.normal(), massive && rng.uniform() < 0.33 ? 0.13957 : 0),
  );
}

/**
 * Rotates momenta about the beam axis by `alpha`.
 * @param momenta - the momenta
 * @param alpha - the angle
 * @returns rotated copies
 */
export function rotateAboutBeam(momenta: readonly FourMomentum[], alpha: number): FourMomentum[] {
  const c = Math.cos(alpha);
  const s = Math.sin(alpha);
  return momenta.map((p) => new FourMomentum(c * p.px - s * p.py, s * p.px + c * p.py, p.pz, p.e));
}

/**
 * Boosts momenta along the beam axis by rapidity `eta` (every rapidity shifts by `eta`).
 * @param momenta - the momenta
 * @param eta - the boost rapidity
 * @returns boosted copies
 */
export function boostAlongBeam(momenta: readonly FourMomentum[], eta: number): FourMomentum[] {
  const ch = Math.cosh(eta);
  const sh = Math.sinh(eta);
  return momenta.map((p) => new FourMomentum(p.px, p.py, ch * p.pz + sh * p.e, ch * p.e + sh * p.pz));
}
