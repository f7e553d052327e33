/**
 * The Sudakov veto algorithm for one emission channel, in its textbook form; the shower uses the same steps with many
 * competing dipole ends.
 * @packageDocumentation
 */
import { InvalidArgumentError, type Rng } from '@lab/tensor-core';
import type { RunningCoupling } from './running-coupling';

/**
 * One evolution channel: an overestimated emission density and the acceptance that corrects it.
 *
 * @remarks The overestimate must bound the true density everywhere in the sampled z range; {@link vetoAlgorithm} checks the acceptance is ≤ 1.
 * @example
 * ```ts
 * const channel: VetoChannel = { coupling: RunningCoupling.fixed(0.2), overestimate: 1, sampleZ: (r) => r.uniform(), acceptance: () => 0.5 };
 * ```
 */
export interface VetoChannel {
  /** The coupling in the emission density αs(t)/(2π) · f(t, z) dt/t dz. */
  coupling: RunningCoupling;
  /** c = ∫ g(z) dz of the overestimate g(z) ≥ f(t, z) over the sampled z range. */
  overestimate: number;
  /** Draws z from g(z)/c. */
  sampleZ: (rng: Rng) => number;
  /** f(t, z)/g(z) in [0, 1] (0 outside the physical region); values above 1 are an error of the caller. */
  acceptance: (t: number, z: number) => number;
}

/**
 * An accepted emission.
 *
 * @remarks `trials` − 1 vetoes happened before the accepted one.
 * @example
 * ```ts
 * const e = vetoAlgorithm(channel, 1e4, 1, rng);
 * if (e) console.log(Math.sqrt(e.t), e.z, e.trials);
 * ```
 */
export interface VetoEmission {
  /** The evolution variable (e.g. p⊥², GeV²). */
  t: number;
  /** The splitting variable. */
  z: number;
  /** Trial scales drawn, the accepted one included. */
  trials: number;
}

/**
 * Finds the first emission below `tStart` of a density αs(t)/(2π) f(t, z) dt/t dz with the veto algorithm: draw t from
 * the overestimated Sudakov factor (via {@link RunningCoupling.nextTrialScale}), draw z from the overestimate, accept with
 * probability f/g, otherwise continue downwards from the rejected t.
 *
 * @param channel - the channel (coupling, overestimate, z sampler, acceptance)
 * @param tStart - the starting scale
 * @param tCut - the infrared cut-off: no emission below it
 * @param rng - the random generator
 * @returns the emission, or undefined when the evolution reaches tCut without one
 * @throws InvalidArgumentError when an acceptance is above 1 or not finite
 *
 * @remarks
 * The returned t is distributed as `−dΔ/dt` with the true Sudakov factor
 * Δ(tStart, t) = exp(−∫_t^{tStart} dt'/t' ∫ αs(t')/(2π) f(t', z) dz), whatever the overestimate; the probability of no
 * emission above tCut is Δ(tStart, tCut). The test checks both against closed forms.
 *
 * @example
 * ```ts
 * const CF = 4 / 3;
 * const zMin = 0.01;
 * const emission = vetoAlgorithm({
 *   coupling: RunningCoupling.fixed(0.2),
 *   overestimate: 2 * CF * Math.log((1 - zMin) / zMin),
 *   sampleZ: (rng) => 1 - zMin * Math.pow((1 - zMin) / zMin, rng.uniform()),
 *   acceptance: (_t, z) => (1 + z * z) / 2,
 * }, 1e4, 1, new Rng(7));
 * ```
 */
export function vetoAlgorithm(channel: VetoChannel, tStart: number, tCut: number, rng: Rng): VetoEmission | undefined {
  let t = tStart;
  let trials = 0;
  for (;;) {
    t = channel.coupling.nextTrialScale(t, channel.overestimate, rng);
    if (!(t > tCut)) return undefined;
    trials++;
    const z = channel.sampleZ(rng);
    const w = channel.acceptance(t, z);
    if (!(w <= 1 + 1e-12) || !(w >= 0)) {
      throw new InvalidArgumentError('acceptance', `The acceptance f/g must lie in [0, 1]; received ${w} at t = ${t}, z = ${z}: the overestimate is too small.`);
    }
    if (rng.uniform() < w) return { t, z, trials };
  }
}
