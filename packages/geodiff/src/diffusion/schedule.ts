import { InvalidArgumentError } from '@lab/tensor-core';

/** The β schedules of GeoDiff's `get_beta_schedule`. */
export type BetaScheduleType = 'sigmoid' | 'linear' | 'quad' | 'const' | 'jsd';

/** The schedule kinds accepted by {@link betaSchedule}. */
export const BETA_SCHEDULE_TYPES: readonly BetaScheduleType[] = ['sigmoid', 'linear', 'quad', 'const', 'jsd'];

/** Options of {@link betaSchedule}; the defaults are GeoDiff's QM9 and Drugs configs. */
export interface BetaScheduleOptions {
  /** @default 'sigmoid' */
  type?: BetaScheduleType;
  /** @default 1e-7 */
  betaStart?: number;
  /** @default 2e-3 */
  betaEnd?: number;
  /** The number of diffusion timesteps T. @default 5000 */
  steps?: number;
}

/** GeoDiff's schedule for QM9 and Drugs (`configs/qm9_default.yml`, `configs/drugs_default.yml`). */
export const DEFAULT_BETA_SCHEDULE: Readonly<Required<BetaScheduleOptions>> = Object.freeze({
  type: 'sigmoid',
  betaStart: 1e-7,
  betaEnd: 2e-3,
  steps: 5000,
});

/**
 * `num` evenly spaced values from `start` to `stop` inclusive, rounded as `numpy.linspace` does: `k * step + start`
 * with `step = (stop - start) / (num - 1)`, and the last value set to `stop` exactly.
 */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let k = 0; k < num; k++) out[k] = k * step + start;
  out[num - 1] = stop;
  return out;
}

function checkBeta(field: string, value: number): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(field, `${field} must be a number between 0 and 1 (a per-step noise variance), got ${value}.`);
  }
}

/**
 * GeoDiff's noise schedule β₀ … β_{T−1} (`get_beta_schedule` in `models/epsnet/dualenc.py`), in float64 as the
 * reference computes it with NumPy (the network then stores it as float32).
 *
 * - `sigmoid`: `sigmoid(linspace(-6, 6, T)) * (betaEnd - betaStart) + betaStart`, so β₀ = betaStart + 0.00247·(betaEnd −
 *   betaStart) and β_{T−1} = betaStart + 0.99753·(betaEnd − betaStart) — the ends are not betaStart and betaEnd exactly;
 * - `linear`: `linspace(betaStart, betaEnd, T)`;
 * - `quad`: `linspace(√betaStart, √betaEnd, T)²`;
 * - `const`: betaEnd at every step;
 * - `jsd`: `1 / linspace(T, 1, T)` = 1/T, 1/(T−1), …, 1 (betaStart and betaEnd are ignored; the last β is 1, so the last
 *   σ is infinite and {@link sample} refuses it).
 *
 * @example
 * ```ts
 * const betas = betaSchedule(); // GeoDiff QM9/Drugs: sigmoid, 1e-7 … 2e-3, T = 5000
 * const sigma = sigmas(betas); // σ_t = √((1 − ᾱ_t) / ᾱ_t): 0.0022 at t = 0, 12.17 at t = 4999
 * ```
 * @param options - type, betaStart, betaEnd, steps; defaults {@link DEFAULT_BETA_SCHEDULE}
 * @returns a Float64Array of length `steps`
 * @throws InvalidArgumentError for an unknown type, a non-integer or non-positive `steps`, or betaStart / betaEnd
 *   outside [0, 1]
 */
export function betaSchedule(options: BetaScheduleOptions = {}): Float64Array {
  const type = options.type ?? DEFAULT_BETA_SCHEDULE.type;
  const betaStart = options.betaStart ?? DEFAULT_BETA_SCHEDULE.betaStart;
  const betaEnd = options.betaEnd ?? DEFAULT_BETA_SCHEDULE.betaEnd;
  const steps = options.steps ?? DEFAULT_BETA_SCHEDULE.steps;
  if (!BETA_SCHEDULE_TYPES.includes(type)) {
    throw new InvalidArgumentError('type', `type must be one of ${BETA_SCHEDULE_TYPES.join(', ')}, got ${JSON.stringify(type)}.`);
  }
  if (!(Number.isSafeInteger(steps) && steps >= 1)) {
    throw new InvalidArgumentError('steps', `steps (the number of diffusion timesteps) must be a positive integer, got ${steps}.`);
  }
  checkBeta('betaStart', betaStart);
  checkBeta('betaEnd', betaEnd);
  switch (type) {
    case 'quad':
      return linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), steps).map((b) => b * b);
    case 'linear':
      return linspace(betaStart, betaEnd, steps);
    case 'const':
      return new Float64Array(steps).fill(betaEnd);
    case 'jsd':
      return linspace(steps, 1, steps).map((v) => 1 / v);
    case 'sigmoid':
      return linspace(-6, 6, steps).map((x) => (1 / (Math.exp(-x) + 1)) * (betaEnd - betaStart) + betaStart);
  }
}

function checkBetas(betas: ArrayLike<number>): void {
  if (betas.length === 0) throw new InvalidArgumentError('betas', 'betas is empty; pass a schedule from betaSchedule().');
  for (let t = 0; t < betas.length; t++) {
    const b = betas[t]!;
    if (!(Number.isFinite(b) && b >= 0 && b <= 1)) {
      throw new InvalidArgumentError('betas', `betas[${t}] is ${b}; every β must lie in [0, 1]. Build the schedule with betaSchedule().`);
    }
  }
}

/**
 * ᾱ_t = ∏_{s ≤ t} (1 − β_s), GeoDiff's `alphas = (1. - betas).cumprod(dim=0)`.
 * @param betas - a schedule from {@link betaSchedule}
 * @throws InvalidArgumentError for an empty schedule or a β outside [0, 1]
 */
export function alphasCumprod(betas: ArrayLike<number>): Float64Array {
  checkBetas(betas);
  const out = new Float64Array(betas.length);
  let prod = 1;
  for (let t = 0; t < betas.length; t++) {
    prod *= 1 - betas[t]!;
    out[t] = prod;
  }
  return out;
}

/**
 * The noise level of each timestep in GeoDiff's position-scaled space, σ_t = √(1 − ᾱ_t) / √ᾱ_t (`sigmas` in
 * `langevin_dynamics_sample_diffusion`). Training perturbs positions as `pos + σ_t · ε` (`get_loss_diffusion`), so the
 * sampler works on x̃_t = x_t / √ᾱ_t = x₀ + σ_t ε rather than on the variance-preserving x_t.
 * @param betas - a schedule from {@link betaSchedule}
 * @throws InvalidArgumentError for an empty schedule or a β outside [0, 1]
 */
export function sigmas(betas: ArrayLike<number>): Float64Array {
  return alphasCumprod(betas).map((a) => Math.sqrt(1 - a) / Math.sqrt(a));
}
