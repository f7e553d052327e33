/**
 * QCD splitting functions: the Altarelli–Parisi kernels and the per-dipole-end kernels and overestimates the shower
 * samples.
 * @packageDocumentation
 */
import { InvalidArgumentError, type Rng } from '@lab/tensor-core';

/**
 * Colour factors of SU(3): CF = 4/3, CA = 3, TR = 1/2.
 *
 * @remarks The shower's colour treatment is leading-colour for the chains, but the kernels keep CF = 4/3 (not CA/2).
 * @example
 * ```ts
 * QCD_COLOUR.CA / QCD_COLOUR.CF; // 2.25, the gluon/quark radiation ratio
 * ```
 */
export const QCD_COLOUR = Object.freeze({ CF: 4 / 3, CA: 3, TR: 0.5 });

/**
 * A final-state splitting: q → qg (also q̄ → q̄g), g → gg, g → qq̄.
 *
 * @remarks q̄ → q̄g uses the q → qg kernel.
 * @example
 * ```ts
 * const channels: SplittingChannel[] = ['q->qg']; // a quark-only shower, as in the Sudakov test
 * ```
 */
export type SplittingChannel = 'q->qg' | 'g->gg' | 'g->qq';

/**
 * Every {@link SplittingChannel}.
 *
 * @remarks The order is the one error messages list.
 * @example
 * ```ts
 * runPartonShower(input, rng, { channels: SPLITTING_CHANNELS.filter((c) => c !== 'g->qq') });
 * ```
 */
export const SPLITTING_CHANNELS: readonly SplittingChannel[] = Object.freeze(['q->qg', 'g->gg', 'g->qq'] as const);

/**
 * The unregularised leading-order Altarelli–Parisi splitting function for one flavour, with z the momentum fraction of
 * the first daughter (the quark for q → qg, either gluon for g → gg, the quark for g → qq̄):
 * P_qq = CF (1 + z²)/(1 − z), P_gg = CA (z/(1 − z) + (1 − z)/z + z(1 − z)), P_qg = TR (z² + (1 − z)²).
 * @param channel - the splitting
 * @param z - momentum fraction in (0, 1)
 * @returns P(z)
 * @example
 * ```ts
 * altarelliParisi('g->qq', 0.5); // 0.25
 * ```
 * @remarks Used as the reference the per-end kernels must add up to; the shower itself samples {@link dipoleEndKernel}.
 */
export function altarelliParisi(channel: SplittingChannel, z: number): number {
  const { CF, CA, TR } = QCD_COLOUR;
  switch (channel) {
    case 'q->qg':
      return (CF * (1 + z * z)) / (1 - z);
    case 'g->gg':
      return CA * (z / (1 - z) + (1 - z) / z + z * (1 - z));
    case 'g->qq':
      return TR * (z * z + (1 - z) * (1 - z));
    default:
      throw unknownChannel(channel);
  }
}

/**
 * The kernel one dipole end radiates with (massless), z being the energy fraction kept by the radiator-side daughter:
 * q → qg: CF (1 + z²)/(1 − z); g → gg: CA (1 − z(1 − z))²/(1 − z); g → qq̄ (all nf flavours): nf TR (z² + (1 − z)²)/2.
 *
 * @remarks
 * A gluon belongs to two colour dipoles, so it has two ends. Its g → gg kernel is z·P_gg(z): the 1/(1 − z) soft pole
 * of the gluon emitted towards this end's colour partner; the sum over both ends gives z P_gg(z) + (1 − z) P_gg(1 − z) =
 * P_gg(z). Its g → qq̄ kernel is half of nf·P_qg. A quark has one end with the full P_qq.
 *
 * @param channel - the splitting
 * @param z - energy fraction in (0, 1)
 * @param nf - flavours open to g → qq̄ @default 5
 * @returns the per-end kernel
 * @example
 * ```ts
 * dipoleEndKernel('g->gg', 0.3) + dipoleEndKernel('g->gg', 0.7); // = altarelliParisi('g->gg', 0.3)
 * ```
 */
export function dipoleEndKernel(channel: SplittingChannel, z: number, nf = 5): number {
  const { CF, CA, TR } = QCD_COLOUR;
  switch (channel) {
    case 'q->qg':
      return (CF * (1 + z * z)) / (1 - z);
    case 'g->gg': {
      const a = 1 - z * (1 - z);
      return (CA * a * a) / (1 - z);
    }
    case 'g->qq':
      return (nf * TR * (z * z + (1 - z) * (1 - z))) / 2;
    default:
      throw unknownChannel(channel);
  }
}

/**
 * The overestimate g(z) ≥ {@link dipoleEndKernel} the shower samples z from, on z ∈ [zMin, 1 − zMin]:
 * q → qg: 2CF/(1 − z); g → gg: CA/(1 − z); g → qq̄: nf TR/2.
 * @param channel - the splitting
 * @param z - energy fraction
 * @param nf - flavours open to g → qq̄ @default 5
 * @returns g(z)
 * @example
 * ```ts
 * dipoleEndOverestimate('q->qg', 0.5); // 16/3
 * ```
 * @remarks Chosen so that its z integral and its inverse are closed forms.
 */
export function dipoleEndOverestimate(channel: SplittingChannel, z: number, nf = 5): number {
  const { CF, CA, TR } = QCD_COLOUR;
  switch (channel) {
    case 'q->qg':
      return (2 * CF) / (1 - z);
    case 'g->gg':
      return CA / (1 - z);
    case 'g->qq':
      return (nf * TR) / 2;
    default:
      throw unknownChannel(channel);
  }
}

/**
 * ∫ g(z) dz of {@link dipoleEndOverestimate} over [zMin, 1 − zMin].
 * @param channel - the splitting
 * @param zMin - lower edge in (0, ½)
 * @param nf - flavours open to g → qq̄ @default 5
 * @returns the integral (0 when zMin ≥ ½)
 * @example
 * ```ts
 * overestimateIntegral('g->qq', 0, 5); // 1.25
 * ```
 * @remarks The shower takes zMin from z(1 − z) ≥ t_cut/Q²_max, which contains the physical region for every t ≥ t_cut.
 */
export function overestimateIntegral(channel: SplittingChannel, zMin: number, nf = 5): number {
  if (!(zMin < 0.5)) return 0;
  const { CF, CA, TR } = QCD_COLOUR;
  switch (channel) {
    case 'q->qg':
      return 2 * CF * Math.log((1 - zMin) / zMin);
    case 'g->gg':
      return CA * Math.log((1 - zMin) / zMin);
    case 'g->qq':
      return ((nf * TR) / 2) * (1 - 2 * zMin);
    default:
      throw unknownChannel(channel);
  }
}

/**
 * Draws z ∈ [zMin, 1 − zMin] from {@link dipoleEndOverestimate} (1/(1 − z) or flat).
 * @param channel - the splitting
 * @param zMin - lower edge in (0, ½)
 * @param rng - the random generator
 * @returns z
 * @example
 * ```ts
 * sampleOverestimateZ('q->qg', 1e-3, new Rng(1)); // most draws close to 1
 * ```
 * @remarks Uses one uniform draw.
 */
export function sampleOverestimateZ(channel: SplittingChannel, zMin: number, rng: Rng): number {
  const u = rng.uniform();
  if (channel === 'g->qq') return zMin + (1 - 2 * zMin) * u;
  // 1 − z = zMin · ((1 − zMin)/zMin)^u, log-uniform in [zMin, 1 − zMin]
  return 1 - zMin * Math.pow((1 - zMin) / zMin, u);
}

/**
 * The acceptance kernel/overestimate of one trial, with the quasi-collinear mass correction for a massive radiating
 * quark: CF[(1 + z²)/(1 − z) − 2m²/(Q² − m²)] with Q² − m² = t/(z(1 − z)) (clipped at 0). g → qq̄ uses the massless
 * kernel; heavy-quark thresholds come from the kinematics.
 * @param channel - the splitting
 * @param z - energy fraction
 * @param t - evolution variable p⊥²_evol (GeV²)
 * @param radiatorMass - mass of a radiating quark (0 for light quarks and gluons) @default 0
 * @returns a weight in [0, 1]
 * @example
 * ```ts
 * dipoleEndAcceptance('q->qg', 0.5, 100); // (1 + 0.25)/2
 * ```
 * @remarks The α_s ratio is exactly 1 because trial scales use the true coupling (see {@link RunningCoupling.nextTrialScale}).
 */
export function dipoleEndAcceptance(channel: SplittingChannel, z: number, t: number, radiatorMass = 0): number {
  switch (channel) {
    case 'q->qg': {
      const mass = radiatorMass > 0 ? (2 * radiatorMass * radiatorMass * z * (1 - z) * (1 - z)) / t : 0;
      return Math.max(0, (1 + z * z - mass) / 2);
    }
    case 'g->gg': {
      const a = 1 - z * (1 - z);
      return a * a;
    }
    case 'g->qq':
      return z * z + (1 - z) * (1 - z);
    default:
      throw unknownChannel(channel);
  }
}

function unknownChannel(channel: string): InvalidArgumentError {
  return new InvalidArgumentError('channel', `Unknown splitting channel "${channel}". Supported: ${SPLITTING_CHANNELS.join(', ')}.`);
}
