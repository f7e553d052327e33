/**
 * All observables of the seed's Table 1 for one jet, computed together.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { jetConstituents, type JetInput } from '../lund/recluster-jet';
import { angularityContextOfEvent, angularityOf, type AngularityOptions } from './angularity';
import { nSubjettinessRatio, nSubjettinessUpTo, type NSubjettinessOptions } from './n-subjettiness';

/**
 * The observables of the seed's Table 1 (and the jet's p⊥), for linear probing.
 * @example
 * ```ts
 * const { tau21, mass } = jetObservables(jet);
 * ```
 */
export interface JetObservables {
  /** Constituent multiplicity λ^0_0. */
  multiplicity: number;
  /** Width (girth) λ^1_1. */
  width: number;
  /** Mass-like (thrust-like) angularity λ^1_2. */
  massAngularity: number;
  /** p⊥^D as λ^2_0. */
  ptD: number;
  /** Jet mass (GeV). */
  mass: number;
  /** Jet transverse momentum (GeV). */
  pt: number;
  /** τ_1 (β = 1, exclusive-kt axes, normalised by default). */
  tau1: number;
  /** τ_2. */
  tau2: number;
  /** τ_3. */
  tau3: number;
  /** τ_2 / τ_1 (0 when τ_1 = 0 by default). */
  tau21: number;
  /** τ_3 / τ_2 (0 when τ_2 = 0 by default). */
  tau32: number;
}

/**
 * The keys of {@link JetObservables} in table order (e.g. the columns of a probing table).
 * @example
 * ```ts
 * const row = JET_OBSERVABLE_NAMES.map((k) => jetObservables(jet)[k]);
 * ```
 */
export const JET_OBSERVABLE_NAMES: readonly (keyof JetObservables)[] = Object.freeze([
  'multiplicity',
  'width',
  'massAngularity',
  'ptD',
  'mass',
  'pt',
  'tau1',
  'tau2',
  'tau3',
  'tau21',
  'tau32',
] as const);

/**
 * Options of {@link jetObservables}.
 * @example
 * ```ts
 * jetObservables(jet, { radius: 1.0, angularity: { axis: 'wta' }, nSubjettiness: { measure: 'unnormalized' } });
 * ```
 */
export interface JetObservablesOptions {
  /** Jet radius R of the angularities and R0 of the normalised τ_N (unless `nSubjettiness.radius` is set). @default 0.8 */
  radius?: number;
  /** Axis and p⊥ normalisation of the angularities. */
  angularity?: Omit<AngularityOptions, 'radius'>;
  /** β, measure and zero-denominator value of τ_N. */
  nSubjettiness?: NSubjettinessOptions;
}

/**
 * The seed's Table 1 observables of one jet: the four angularities, the mass, p⊥, τ_1, τ_2, τ_3 and τ21, τ32.
 *
 * @remarks The same definitions as {@link angularity}, {@link jetMass} and {@link nSubjettiness}; the constituents are read
 * once and the kt clustering for the τ_N axes is done once.
 * @param jet - the jet's constituents or a clustering node
 * @param options - radius (default 0.8), angularity and N-subjettiness options
 * @returns the observables
 * @throws InvalidArgumentError for an empty jet, a jet with zero p⊥ or a bad option
 * @example
 * ```ts
 * const rows = generateJets('w', 100, { seed: 1 }).map((j) => jetObservables(j.constituents));
 * rows[0]!.tau21; // small for a W jet
 * ```
 */
export function jetObservables(jet: JetInput, options: JetObservablesOptions = {}): JetObservables {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'options must be an object such as { radius: 0.8 }.');
  }
  const event = jetConstituents(jet);
  const radius = options.radius;
  const ctx = angularityContextOfEvent(event, { ...options.angularity, radius });
  const total = event.total();
  const nsub = { radius, ...options.nSubjettiness };
  const [tau1, tau2, tau3] = nSubjettinessUpTo(event, 3, nsub) as [number, number, number];
  return {
    multiplicity: event.size,
    width: angularityOf(ctx, 1, 1),
    massAngularity: angularityOf(ctx, 1, 2),
    ptD: angularityOf(ctx, 2, 0),
    mass: total.mass,
    pt: total.pt,
    tau1,
    tau2,
    tau3,
    tau21: nSubjettinessRatio(tau2, tau1, nsub.zeroDenominator),
    tau32: nSubjettinessRatio(tau3, tau2, nsub.zeroDenominator),
  };
}
