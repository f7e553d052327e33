/**
 * Two-body decays in the parent's rest frame, their angular distributions, and Breit–Wigner masses.
 * @packageDocumentation
 */
import { InvalidArgumentError, type Rng } from '@lab/tensor-core';
import { boostFromRest, directionAround, mass2, type Direction, type Vec4, type Vec4Like } from './lorentz';

/**
 * The momentum of either daughter in the rest frame of a parent of mass M decaying to masses m1 and m2,
 * `sqrt((M² − (m1 + m2)²)(M² − (m1 − m2)²)) / 2M`.
 * @param parentMass - M > 0
 * @param m1 - first daughter mass ≥ 0
 * @param m2 - second daughter mass ≥ 0
 * @returns |p*|, or NaN when m1 + m2 > M
 * @example
 * ```ts
 * twoBodyMomentum(10, 0, 0); // 5
 * ```
 * @remarks Factorised to avoid cancellations near threshold.
 */
export function twoBodyMomentum(parentMass: number, m1: number, m2: number): number {
  const s = parentMass * parentMass;
  const a = s - (m1 + m2) * (m1 + m2);
  if (a < 0) return Number.NaN;
  const b = s - (m1 - m2) * (m1 - m2);
  return Math.sqrt(a * b) / (2 * parentMass);
}

/**
 * Decays `parent` into two daughters of masses m1, m2, with daughter 1 along `direction` in the parent's rest frame.
 * @param parent - the parent's lab four-momentum (timelike)
 * @param m1 - first daughter mass
 * @param m2 - second daughter mass
 * @param direction - unit vector of daughter 1 in the parent rest frame (daughter 2 goes the opposite way)
 * @param parentMass - the parent's mass when known exactly @default sqrt(parent²)
 * @returns the two daughters' lab four-momenta; their sum equals `parent` up to rounding
 * @throws InvalidArgumentError when m1 + m2 exceeds the parent mass
 * @example
 * ```ts
 * const [q, qbar] = twoBodyDecay(vec4(0, 0, 600, 605.4), 0, 0, isotropicDirection(new Rng(1)));
 * ```
 * @remarks The boost from the rest frame is pure, so angles measured around the parent's flight direction in the frame that `parent` is given in are helicity angles.
 */
export function twoBodyDecay(parent: Vec4Like, m1: number, m2: number, direction: Direction, parentMass?: number): [Vec4, Vec4] {
  const m = parentMass ?? Math.sqrt(Math.max(mass2(parent), 0));
  const k = twoBodyMomentum(m, m1, m2);
  if (!(k >= 0)) {
    throw new InvalidArgumentError('m1', `A parent of mass ${m} cannot decay into masses ${m1} and ${m2}.`);
  }
  const [nx, ny, nz] = direction;
  const e1 = Math.sqrt(k * k + m1 * m1);
  const e2 = Math.sqrt(k * k + m2 * m2);
  const d1 = boostFromRest({ px: k * nx, py: k * ny, pz: k * nz, e: e1 }, parent, m);
  const d2 = boostFromRest({ px: -k * nx, py: -k * ny, pz: -k * nz, e: e2 }, parent, m);
  return [d1, d2];
}

/**
 * A direction drawn uniformly on the unit sphere.
 * @param rng - the random generator
 * @returns a unit vector
 * @example
 * ```ts
 * isotropicDirection(new Rng(3)); // e.g. [0.31, -0.72, 0.62]
 * ```
 * @remarks cos θ uniform in [−1, 1], φ uniform in [0, 2π): two draws.
 */
export function isotropicDirection(rng: Rng): Direction {
  const c = 2 * rng.uniform() - 1;
  const phi = 2 * Math.PI * rng.uniform();
  const s = Math.sqrt(Math.max(0, 1 - c * c));
  return [s * Math.cos(phi), s * Math.sin(phi), c];
}

/**
 * Helicity fractions of a W boson (longitudinal, left-handed, right-handed); they sum to 1.
 *
 * @remarks Used by {@link sampleWDecayCosTheta}; normalised there.
 * @example
 * ```ts
 * const unpolarised: WHelicityFractions = { longitudinal: 1 / 3, left: 1 / 3, right: 1 / 3 }; // isotropic
 * ```
 */
export interface WHelicityFractions {
  /** F0, longitudinal. */
  longitudinal: number;
  /** F−, helicity −1. */
  left: number;
  /** F+, helicity +1. */
  right: number;
}

/**
 * Leading-order W helicity fractions in t → bW with a massless b: F0 = m_t² / (m_t² + 2m_W²), F− = 2m_W² / (m_t² + 2m_W²),
 * F+ = 0 (about 0.70 / 0.30 / 0 at the nominal masses).
 * @param topMass - the top mass of this decay
 * @param wMass - the W mass of this decay
 * @returns the fractions
 * @example
 * ```ts
 * topDecayWHelicities(172.7, 80.4).longitudinal; // ≈ 0.70
 * ```
 * @remarks NLO and b-mass corrections shift these by about 1 %; irrelevant for jet substructure.
 */
export function topDecayWHelicities(topMass: number, wMass: number): WHelicityFractions {
  const t2 = topMass * topMass;
  const w2 = 2 * wMass * wMass;
  return { longitudinal: t2 / (t2 + w2), left: w2 / (t2 + w2), right: 0 };
}

/**
 * Samples cos θ* of the down-type member of a W decay (the d̄ of W⁺ → u d̄, the d of W⁻ → d ū, like the charged lepton)
 * relative to the W's flight direction, from
 * `F0·¾(1 − c²) + F−·⅜(1 − c)² + F+·⅜(1 + c)²` (accept–reject).
 * @param rng - the random generator
 * @param fractions - helicity fractions (normalised internally)
 * @returns cos θ* in [−1, 1]
 * @example
 * ```ts
 * sampleWDecayCosTheta(new Rng(1), { longitudinal: 1, left: 0, right: 0 }); // peaks at 0 (sin²θ*)
 * ```
 * @remarks For hadronic W decays the quark charges are not observed, but the energy sharing between the two subjets follows this distribution.
 */
export function sampleWDecayCosTheta(rng: Rng, fractions: WHelicityFractions): number {
  const norm = fractions.longitudinal + fractions.left + fractions.right;
  if (!(norm > 0)) throw new InvalidArgumentError('fractions', 'W helicity fractions must have a positive sum.');
  const f0 = fractions.longitudinal / norm;
  const fl = fractions.left / norm;
  const fr = fractions.right / norm;
  // each term is bounded by 3/4, 3/2, 3/2 respectively on [−1, 1]
  const bound = 0.75 * f0 + 1.5 * fl + 1.5 * fr;
  for (;;) {
    const c = 2 * rng.uniform() - 1;
    const f = 0.75 * f0 * (1 - c * c) + 0.375 * fl * (1 - c) * (1 - c) + 0.375 * fr * (1 + c) * (1 + c);
    if (rng.uniform() * bound <= f) return c;
  }
}

/**
 * A direction at angle θ* (cos θ* drawn by {@link sampleWDecayCosTheta}) around `axis`, with uniform azimuth.
 * @param rng - the random generator
 * @param axis - unit vector the angle is measured from
 * @param fractions - helicity fractions
 * @returns a unit vector
 * @example
 * ```ts
 * polarisedDirection(new Rng(2), [0, 0, 1], { longitudinal: 0.7, left: 0.3, right: 0 });
 * ```
 * @remarks `axis` must be the W flight direction as seen in the rest frame the W is decayed from (e.g. the top rest frame).
 */
export function polarisedDirection(rng: Rng, axis: Direction, fractions: WHelicityFractions): Direction {
  const c = sampleWDecayCosTheta(rng, fractions);
  return directionAround(axis, c, 2 * Math.PI * rng.uniform());
}

/**
 * Mass window of {@link sampleBreitWigner}.
 *
 * @remarks Both bounds in GeV.
 * @example
 * ```ts
 * sampleBreitWigner(rng, 80.4, 2.1, { max: 172.7 - 4.8 });
 * ```
 */
export interface MassWindow {
  /** Lowest mass. */
  min: number;
  /** Highest mass. */
  max: number;
}

/**
 * Samples a mass from a relativistic Breit–Wigner with fixed width, `dP/dm² ∝ 1 / ((m² − M²)² + M²Γ²)`, truncated to a
 * window (by mapping m² = M² + MΓ tan ξ with ξ uniform in the window's range).
 * @param rng - the random generator
 * @param mass - pole mass M
 * @param width - width Γ (0 returns M)
 * @param window - accepted range @default M ± 10Γ (and min ≥ 0)
 * @returns the mass
 * @throws InvalidArgumentError for a window that excludes every mass
 * @example
 * ```ts
 * sampleBreitWigner(new Rng(1), 80.4, 2.1); // e.g. 79.7
 * ```
 * @remarks The width is constant (no running width); the default window keeps about 97 % of the untruncated distribution.
 */
export function sampleBreitWigner(rng: Rng, mass: number, width: number, window?: Partial<MassWindow>): number {
  if (!(width > 0)) return mass;
  const lo = Math.max(0, window?.min ?? mass - 10 * width);
  const hi = window?.max ?? mass + 10 * width;
  if (!(hi > lo)) throw new InvalidArgumentError('window', `The Breit–Wigner mass window [${lo}, ${hi}] is empty.`);
  const mg = mass * width;
  const m2 = mass * mass;
  const xiLo = Math.atan((lo * lo - m2) / mg);
  const xiHi = Math.atan((hi * hi - m2) / mg);
  const xi = xiLo + (xiHi - xiLo) * rng.uniform();
  return Math.sqrt(Math.max(0, m2 + mg * Math.tan(xi)));
}
