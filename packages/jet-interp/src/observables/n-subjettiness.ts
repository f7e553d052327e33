/**
 * N-subjettiness τ_N on exclusive-kt axes and the ratios τ21, τ32, following FastJet contrib's Nsubjettiness conventions.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import type { ClusterNode } from '../cluster/cluster-node';
import { ClusterSequence } from '../cluster/cluster-sequence';
import { jetDefinition } from '../cluster/jet-definition';
import { RECLUSTER_RADIUS, jetConstituents, type JetInput } from '../lund/recluster-jet';
import { deltaR2 } from '../particles/kinematics';
import type { ParticleEvent } from '../particles/particle-event';
import { DEFAULT_JET_RADIUS } from './angularity';
import type { JetAxis } from './wta-axis';

/**
 * Options of {@link nSubjettiness} and the ratios.
 * @example
 * ```ts
 * nSubjettiness(jet, 2, { beta: 2, measure: 'unnormalized' });
 * tau21(jet, { zeroDenominator: Number.NaN }); // FastJet contrib's 0/0 for exactly one-prong jets
 * ```
 */
export interface NSubjettinessOptions {
  /** The angular exponent β > 0. @default 1 */
  beta?: number;
  /**
   * `normalized` (FastJet contrib's `NormalizedMeasure(β, R0)`): τ_N = Σ_i p⊥,i min_k ΔR_ik^β / d0 with
   * d0 = Σ_i p⊥,i R0^β, dimensionless; `unnormalized` (`UnnormalizedMeasure(β)`): τ_N = Σ_i p⊥,i min_k ΔR_ik^β, in
   * GeV. Ratios are the same for both. @default 'normalized'
   */
  measure?: 'normalized' | 'unnormalized';
  /** R0 of the normalised measure (the jet radius). @default 0.8 */
  radius?: number;
  /**
   * The value of a ratio τ_N / τ_(N−1) when τ_(N−1) = 0 (the jet is exactly N−1 prongs: N−1 or fewer distinct
   * directions carry p⊥, e.g. a one-particle jet); then τ_N = 0 as well. 0 is the limit of the ratio as the extra
   * prongs' p⊥ goes to 0. @default 0
   */
  zeroDenominator?: number;
}

/**
 * The exclusive-kt axes of a jet (FastJet contrib's `KT_Axes`): the constituents are clustered with the kt algorithm
 * at R = 1000 and the clustering is stopped at `n` jets (`exclusive_jets_up_to(n)`), hardest first.
 * @param jet - the jet's constituents or a clustering node
 * @param n - number of axes, an integer ≥ 1
 * @returns min(n, number of constituents) axes (nodes of the kt clustering of the constituents)
 * @throws InvalidArgumentError for an empty jet or a bad n
 * @example
 * ```ts
 * const [a, b] = exclusiveKtAxes(generateJets('w', 1, { seed: 1 })[0]!.constituents, 2); // the two W prongs
 * ```
 */
export function exclusiveKtAxes(jet: JetInput, n: number): ClusterNode[] {
  checkN('n', n);
  const event = nonEmpty(jet);
  return new ClusterSequence(event, jetDefinition('kt', RECLUSTER_RADIUS)).exclusiveJetsUpTo(n);
}

/**
 * N-subjettiness τ_N with the exclusive-kt axes.
 *
 * @remarks
 * τ_N = (1/d0) Σ_i p⊥,i min_k ΔR(i, axis_k)^β over the constituents i and the N axes of {@link exclusiveKtAxes}
 * (no axis minimisation: contrib's `KT_Axes`, not `OnePass_KT_Axes`), with ΔR in (rapidity, φ). The default measure is
 * contrib's `NormalizedMeasure(β = 1, R0 = 0.8)`, d0 = Σ_i p⊥,i R0^β; `measure: 'unnormalized'` gives contrib's
 * `UnnormalizedMeasure(β)` (d0 = 1). A jet with at most N constituents has each on its own axis: τ_N = 0.
 *
 * @param jet - the jet's constituents or a clustering node
 * @param n - N, an integer ≥ 1
 * @param options - β (default 1), measure (default `normalized`), R0 (default 0.8)
 * @returns τ_N
 * @throws InvalidArgumentError for an empty jet, a bad N, β ≤ 0, R0 ≤ 0 or an unknown measure
 * @example
 * ```ts
 * const [w] = generateJets('w', 1, { seed: 1 });
 * nSubjettiness(w!.constituents, 2);                              // normalised, β = 1, R0 = 0.8
 * nSubjettiness(w!.constituents, 2, { measure: 'unnormalized' }); // GeV
 * ```
 */
export function nSubjettiness(jet: JetInput, n: number, options: NSubjettinessOptions = {}): number {
  checkN('n', n);
  return nSubjettinessUpTo(jet, n, options)[n - 1]!;
}

/**
 * τ_1 … τ_maxN from one kt clustering of the constituents (cheaper than calling {@link nSubjettiness} per N).
 * @param jet - the jet
 * @param maxN - the largest N, an integer ≥ 1
 * @param options - β, measure, R0
 * @returns `[τ_1, …, τ_maxN]`
 * @throws InvalidArgumentError as {@link nSubjettiness}
 * @example
 * ```ts
 * const [tau1, tau2, tau3] = nSubjettinessUpTo(jet.constituents, 3);
 * ```
 */
export function nSubjettinessUpTo(jet: JetInput, maxN: number, options: NSubjettinessOptions = {}): number[] {
  checkN('maxN', maxN);
  const { beta, d0Factor } = resolveOptions(options);
  const event = nonEmpty(jet);
  const seq = new ClusterSequence(event, jetDefinition('kt', RECLUSTER_RADIUS));
  const out: number[] = [];
  for (let n = 1; n <= maxN; n++) out.push(tauWithAxes(event, seq.exclusiveJetsUpTo(n), beta, d0Factor));
  return out;
}

/**
 * N-subjettiness with axes of your choice, τ = (1/d0) Σ_i p⊥,i min_k ΔR(i, axis_k)^β.
 * @param jet - the jet
 * @param axes - the axes (anything with rapidity and phi: four-momenta, nodes, `{ rapidity, phi }`), at least one
 * @param options - β, measure, R0
 * @returns τ for those axes
 * @throws InvalidArgumentError for an empty jet, no axes or bad options
 * @example
 * ```ts
 * nSubjettinessWithAxes(jet.constituents, [jet.momentum]); // τ_1 about the jet axis
 * ```
 */
export function nSubjettinessWithAxes(jet: JetInput, axes: readonly JetAxis[], options: NSubjettinessOptions = {}): number {
  const { beta, d0Factor } = resolveOptions(options);
  if (!Array.isArray(axes) || axes.length === 0) {
    throw new InvalidArgumentError('axes', 'axes must be a non-empty array of { rapidity, phi } (e.g. from exclusiveKtAxes).');
  }
  axes.forEach((a, k) => {
    if (!a || !Number.isFinite(a.rapidity) || !Number.isFinite(a.phi)) throw new InvalidArgumentError('axes', `axes[${k}] must have finite rapidity and phi.`);
  });
  return tauWithAxes(nonEmpty(jet), axes, beta, d0Factor);
}

/**
 * τ21 = τ_2 / τ_1 (β = 1 and exclusive-kt axes by default); low for two-prong jets such as W → qq̄.
 * @param jet - the jet
 * @param options - β, measure, R0, and the value when τ_1 = 0 (default 0)
 * @returns τ21
 * @throws InvalidArgumentError as {@link nSubjettiness}
 * @example
 * ```ts
 * tau21(generateJets('w', 1, { seed: 1 })[0]!.constituents); // ~0.2–0.4
 * ```
 */
export function tau21(jet: JetInput, options: NSubjettinessOptions = {}): number {
  const [t1, t2] = nSubjettinessUpTo(jet, 2, options);
  return nSubjettinessRatio(t2!, t1!, options.zeroDenominator);
}

/**
 * τ32 = τ_3 / τ_2; low for three-prong jets such as t → bqq̄′.
 * @param jet - the jet
 * @param options - β, measure, R0, and the value when τ_2 = 0 (default 0)
 * @returns τ32
 * @throws InvalidArgumentError as {@link nSubjettiness}
 * @example
 * ```ts
 * tau32(generateJets('top', 1, { seed: 1 })[0]!.constituents);
 * ```
 */
export function tau32(jet: JetInput, options: NSubjettinessOptions = {}): number {
  const [, t2, t3] = nSubjettinessUpTo(jet, 3, options);
  return nSubjettinessRatio(t3!, t2!, options.zeroDenominator);
}

/**
 * The ratio τ_N / τ_(N−1) of precomputed values, with a fixed value when the denominator is 0.
 * @param tauN - τ_N
 * @param tauNMinus1 - τ_(N−1)
 * @param zeroDenominator - the result when τ_(N−1) = 0 @default 0
 * @returns the ratio
 * @example
 * ```ts
 * nSubjettinessRatio(0, 0); // 0
 * nSubjettinessRatio(0.1, 0.4); // 0.25
 * ```
 */
export function nSubjettinessRatio(tauN: number, tauNMinus1: number, zeroDenominator = 0): number {
  return tauNMinus1 === 0 ? zeroDenominator : tauN / tauNMinus1;
}

function tauWithAxes(event: ParticleEvent, axes: readonly JetAxis[], beta: number, d0Factor: number): number {
  const k = axes.length;
  const ay = new Float64Array(k);
  const aphi = new Float64Array(k);
  axes.forEach((a, i) => {
    ay[i] = a.rapidity;
    let p = a.phi % (2 * Math.PI);
    if (p < 0) p += 2 * Math.PI;
    aphi[i] = p;
  });
  let num = 0;
  let ptSum = 0;
  for (let i = 0; i < event.size; i++) {
    const pt = event.pt(i);
    const y = event.rapidity(i);
    const phi = event.phi(i);
    let best = Number.POSITIVE_INFINITY;
    for (let j = 0; j < k; j++) {
      const d = deltaR2(y, phi, ay[j]!, aphi[j]!);
      if (d < best) best = d;
    }
    num += pt * (beta === 2 ? best : Math.pow(best, beta / 2));
    ptSum += pt;
  }
  if (d0Factor === 0) return num;
  const d0 = ptSum * d0Factor;
  return d0 > 0 ? num / d0 : 0;
}

function resolveOptions(options: NSubjettinessOptions): { beta: number; d0Factor: number } {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', "options must be an object such as { beta: 1, measure: 'normalized', radius: 0.8 }.");
  }
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta <= 0) {
    throw new InvalidArgumentError('beta', `beta must be a finite number > 0 (default 1); received ${String(beta)}.`);
  }
  const measure = options.measure ?? 'normalized';
  if (measure !== 'normalized' && measure !== 'unnormalized') {
    throw new InvalidArgumentError('measure', `measure must be 'normalized' or 'unnormalized'; received ${String(measure)}.`);
  }
  const radius = options.radius ?? DEFAULT_JET_RADIUS;
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0) {
    throw new InvalidArgumentError('radius', `The normalisation radius R0 must be a finite number > 0 (default ${DEFAULT_JET_RADIUS}); received ${String(radius)}.`);
  }
  const z = options.zeroDenominator;
  if (z !== undefined && typeof z !== 'number') {
    throw new InvalidArgumentError('zeroDenominator', `zeroDenominator must be a number (default 0); received ${String(z)}.`);
  }
  return { beta, d0Factor: measure === 'unnormalized' ? 0 : Math.pow(radius, beta) };
}

function nonEmpty(jet: JetInput): ParticleEvent {
  const event = jetConstituents(jet);
  if (event.size === 0) throw new InvalidArgumentError('jet', 'The jet has no constituents; pass at least one particle.');
  return event;
}

function checkN(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(name, `${name} must be an integer ≥ 1 (e.g. 2 for τ_2); received ${String(n)}.`);
}
