/**
 * Generalised angularities λ^κ_β of a jet, and the named ones of the seed's Table 1.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { jetConstituents, type JetInput } from '../lund/recluster-jet';
import { deltaR2 } from '../particles/kinematics';
import type { ParticleEvent } from '../particles/particle-event';
import { wtaAxisOfEvent, type JetAxis } from './wta-axis';

/**
 * Options of {@link angularity} and the named angularities.
 * @example
 * ```ts
 * jetWidth(jet, { radius: 0.4, axis: 'wta', ptNormalization: 'scalar' });
 * ```
 */
export interface AngularityOptions {
  /** The jet radius R that normalises the angles, θ_i = ΔR(i, axis) / R. @default 0.8 (the generator's anti-kt R) */
  radius?: number;
  /**
   * The axis angles are measured from: `jet`, the direction of the jet's four-momentum (E-scheme sum of the
   * constituents); `wta`, the winner-take-all axis ({@link wtaAxis}); or any (rapidity, φ) direction. @default 'jet'
   */
  axis?: 'jet' | 'wta' | JetAxis;
  /**
   * The p⊥ the momentum fractions are taken of, z_i = p⊥,i / p⊥,J: `jet`, the transverse momentum of the jet's
   * four-momentum (the seed's definition); `scalar`, the scalar sum Σ_j p⊥,j (then Σ z_i = 1). @default 'jet'
   */
  ptNormalization?: 'jet' | 'scalar';
}

/**
 * Default jet radius of the observables, the generator's anti-kt R.
 * @example
 * ```ts
 * angularity(jet, 1, 2, { radius: DEFAULT_JET_RADIUS }); // the default
 * ```
 */
export const DEFAULT_JET_RADIUS = 0.8;

/**
 * The generalised angularity λ^κ_β = Σ_i z_i^κ θ_i^β, with z_i = p⊥,i / p⊥,J and θ_i = ΔR(i, axis) / R.
 *
 * @remarks
 * ΔR is the (rapidity, azimuth) distance, FastJet's. By default the axis is the jet four-momentum's direction and p⊥,J
 * its transverse momentum (see {@link AngularityOptions} for the WTA axis and the scalar-sum normalisation).
 * 0⁰ = 1, so (κ, β) = (0, 0) counts the constituents, including one sitting on the axis. (1, 1) is the width (girth),
 * (1, 2) the mass-like angularity (thrust-like; ≈ m² / (p⊥² R²) for a narrow jet), (2, 0) p⊥^D (the square of CMS's
 * √Σp⊥² / Σp⊥ with the scalar normalisation). A jet of one particle has z = 1 and θ = 0: λ = 1 for β = 0 and 0 for
 * β > 0.
 *
 * @param jet - the jet's constituents or a clustering node
 * @param kappa - the momentum exponent κ ≥ 0
 * @param beta - the angular exponent β ≥ 0
 * @param options - radius (default 0.8), axis (default `jet`), p⊥ normalisation (default `jet`)
 * @returns λ^κ_β
 * @throws InvalidArgumentError for an empty jet, a jet with zero p⊥, a negative or non-finite κ or β, R ≤ 0 or a bad
 * axis
 * @example
 * ```ts
 * const [q] = generateJets('quark', 1, { seed: 1 });
 * angularity(q!.constituents, 1, 1);              // width, R = 0.8
 * angularity(q!.constituents, 1, 0.5, { axis: 'wta' }); // LHA on the WTA axis
 * ```
 */
export function angularity(jet: JetInput, kappa: number, beta: number, options: AngularityOptions = {}): number {
  checkExponent('kappa', kappa);
  checkExponent('beta', beta);
  const ctx = angularityContext(jet, options);
  return angularityOf(ctx, kappa, beta);
}

/**
 * The constituent multiplicity λ^0_0 (the number of constituents).
 * @param jet - the jet
 * @returns the number of constituents
 * @throws InvalidArgumentError for an empty jet
 * @example
 * ```ts
 * constituentMultiplicity(generateJets('gluon', 1, { seed: 1 })[0]!.constituents); // ~40
 * ```
 */
export function constituentMultiplicity(jet: JetInput): number {
  const event = jetConstituents(jet);
  if (event.size === 0) throw new InvalidArgumentError('jet', 'The jet has no constituents; pass at least one particle.');
  return event.size;
}

/**
 * The width (girth) λ^1_1 = Σ z_i θ_i.
 * @param jet - the jet
 * @param options - radius, axis, normalisation
 * @returns λ^1_1
 * @throws InvalidArgumentError as {@link angularity}
 * @example
 * ```ts
 * jetWidth(jet.constituents, { radius: 0.8 });
 * ```
 */
export function jetWidth(jet: JetInput, options?: AngularityOptions): number {
  return angularity(jet, 1, 1, options);
}

/**
 * The mass-like (thrust-like) angularity λ^1_2 = Σ z_i θ_i², ≈ m² / (p⊥² R²) for a narrow jet of light particles.
 * @param jet - the jet
 * @param options - radius, axis, normalisation
 * @returns λ^1_2
 * @throws InvalidArgumentError as {@link angularity}
 * @example
 * ```ts
 * massAngularity(jet.constituents);
 * ```
 */
export function massAngularity(jet: JetInput, options?: AngularityOptions): number {
  return angularity(jet, 1, 2, options);
}

/**
 * p⊥^D as the angularity λ^2_0 = Σ z_i² (the seed's Table 1); CMS's p⊥^D = √Σp⊥,i² / Σp⊥,i is its square root with
 * `ptNormalization: 'scalar'`.
 * @param jet - the jet
 * @param options - normalisation (radius and axis do not matter for β = 0)
 * @returns λ^2_0
 * @throws InvalidArgumentError as {@link angularity}
 * @example
 * ```ts
 * Math.sqrt(ptD(jet.constituents, { ptNormalization: 'scalar' })); // CMS's definition
 * ```
 */
export function ptD(jet: JetInput, options?: AngularityOptions): number {
  return angularity(jet, 2, 0, options);
}

/**
 * The jet mass: the invariant mass of the sum of the constituents (E scheme), sign(m²)·√|m²| as FastJet gives it.
 * @param jet - the jet
 * @returns m in GeV
 * @throws InvalidArgumentError for an empty jet
 * @example
 * ```ts
 * jetMass(generateJets('w', 1, { seed: 1 })[0]!.constituents); // ≈ 80
 * ```
 */
export function jetMass(jet: JetInput): number {
  const event = jetConstituents(jet);
  if (event.size === 0) throw new InvalidArgumentError('jet', 'The jet has no constituents; pass at least one particle.');
  return event.total().mass;
}

/** @internal precomputed per-constituent p⊥ fractions and angles to the axis */
export interface AngularityContext {
  z: Float64Array;
  theta: Float64Array;
}

/** @internal */
export function angularityContext(jet: JetInput, options: AngularityOptions): AngularityContext {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'options must be an object such as { radius: 0.8, axis: "jet" }.');
  }
  const event = jetConstituents(jet);
  return angularityContextOfEvent(event, options);
}

/** @internal */
export function angularityContextOfEvent(event: ParticleEvent, options: AngularityOptions): AngularityContext {
  const radius = options.radius ?? DEFAULT_JET_RADIUS;
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0) {
    throw new InvalidArgumentError('radius', `The jet radius R must be a finite number > 0 (default ${DEFAULT_JET_RADIUS}); received ${String(radius)}.`);
  }
  const norm = options.ptNormalization ?? 'jet';
  if (norm !== 'jet' && norm !== 'scalar') {
    throw new InvalidArgumentError('ptNormalization', `ptNormalization must be 'jet' or 'scalar'; received ${String(norm)}.`);
  }
  if (event.size === 0) throw new InvalidArgumentError('jet', 'The jet has no constituents; pass at least one particle.');
  const total = event.total();
  let ptJ = total.pt;
  if (norm === 'scalar') {
    ptJ = 0;
    for (let i = 0; i < event.size; i++) ptJ += event.pt(i);
  }
  if (!(ptJ > 0)) {
    throw new InvalidArgumentError('jet', `The jet's transverse momentum (${norm === 'jet' ? 'of its four-momentum' : 'scalar sum'}) is ${ptJ}; momentum fractions need p⊥,J > 0.`);
  }
  const axis = resolveAxis(options.axis ?? 'jet', event, total);
  const n = event.size;
  const z = new Float64Array(n);
  const theta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    z[i] = event.pt(i) / ptJ;
    theta[i] = Math.sqrt(deltaR2(event.rapidity(i), event.phi(i), axis.rapidity, wrapPhi(axis.phi))) / radius;
  }
  return { z, theta };
}

/** @internal Σ z^κ θ^β */
export function angularityOf(ctx: AngularityContext, kappa: number, beta: number): number {
  let s = 0;
  const { z, theta } = ctx;
  for (let i = 0; i < z.length; i++) s += Math.pow(z[i]!, kappa) * Math.pow(theta[i]!, beta);
  return s;
}

function resolveAxis(axis: 'jet' | 'wta' | JetAxis, event: ParticleEvent, total: JetAxis): JetAxis {
  if (axis === 'jet') return total;
  if (axis === 'wta') return wtaAxisOfEvent(event);
  if (typeof axis === 'object' && axis !== null && Number.isFinite(axis.rapidity) && Number.isFinite(axis.phi)) return axis;
  throw new InvalidArgumentError('axis', `axis must be 'jet', 'wta' or a finite { rapidity, phi }; received ${typeof axis === 'object' ? JSON.stringify(axis) : String(axis)}.`);
}

function wrapPhi(phi: number): number {
  const twoPi = 2 * Math.PI;
  let p = phi % twoPi;
  if (p < 0) p += twoPi;
  return p;
}

function checkExponent(name: 'kappa' | 'beta', value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(name, `${name} must be a finite number ≥ 0 (e.g. κ = 1, β = 2 for the mass-like angularity); received ${String(value)}.`);
  }
}
