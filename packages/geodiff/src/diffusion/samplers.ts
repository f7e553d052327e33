import { InvalidArgumentError, LabError, type Rng, type WithProgress, throttleProgress } from '@lab/tensor-core';
import { type BatchLayout, batchFromNumAtoms, batchLayout, centerInPlace } from './noise';
import { type BetaScheduleOptions, alphasCumprod, betaSchedule } from './schedule';

/**
 * The update rules of {@link sample}, GeoDiff's `sampling_type`: `'ld'` is `'ld'` (annealed Langevin dynamics), `'ddpm'`
 * is `'ddpm_noisy'` (ancestral sampling) and `'ddim'` is `'generalized'` (DDIM with η).
 */
export type SamplerType = 'ld' | 'ddpm' | 'ddim';

/** The values of {@link SamplerType}. */
export const SAMPLER_TYPES: readonly SamplerType[] = Object.freeze(['ld', 'ddpm', 'ddim'] as const);

/**
 * Which timesteps a run with fewer steps than the schedule visits.
 * - `'tail'` (GeoDiff's code): the last `steps` timesteps T−1, T−2, …, T−steps one by one, then one update from
 *   T−steps straight to clean data (ᾱ = 1). With steps < T this denoises only from the top noise levels.
 * - `'skip'` (GeoDiff's commented-out DDIM line): `skip = floor(T / steps)`, timesteps 0, skip, 2·skip, … below T,
 *   visited from the largest down, each update going to the previous one and the last from 0 to clean data.
 *   `ceil(T / skip)` updates, which is more than `steps` when T is not a multiple of steps.
 */
export type TimestepSpacing = 'tail' | 'skip';

/**
 * The `'ddim'` update: `'geodiff'` is the reference's `'generalized'` branch as written (the DDIM step ×5 and its noise
 * ×3, each capped by the Langevin step of the same σ); `'plain'` is the DDIM update itself (Song et al. 2021) in the
 * position-scaled space, without the factors and caps.
 */
export type DdimVariant = 'geodiff' | 'plain';

/** What {@link sample} passes to the noise model at each step. */
export interface EpsModelInput {
  /**
   * Current positions, atom-major (3 per atom), each molecule centred; GeoDiff's `pos`, in the position-scaled space
   * x̃_t = x₀ + σ_t·ε (Å). A copy: the model may keep or modify it.
   */
  pos: Float64Array;
  /** The timestep of every molecule (all equal), GeoDiff's `time_step`; the dual-encoder network ignores it. */
  t: Int32Array;
  /** σ_t, the noise level of this step. */
  sigma: number;
  /** Atom → molecule. */
  batch: Int32Array;
  numMolecules: number;
  /**
   * Whether `epsGlobal` is used at this step (σ_t < `globalStartSigma`); when false the model may skip its global
   * (radius-graph) encoder and leave `epsGlobal` out, as the reference skips `eq_transform` for it.
   */
  needGlobal: boolean;
  /** 0-based index of this step. */
  step: number;
}

/**
 * Node-level outputs of the noise network, 3 values per atom, atom-major.
 *
 * @remarks
 * These are GeoDiff's `node_eq_local` and `node_eq_global`: the per-edge outputs `edge_inv_local` (local edges,
 * `edge_type > 0`) and `edge_inv_global` (with the local edges zeroed, `edge_inv_global * (1 - local_edge_mask)`, so
 * only radius edges count) mapped to atoms by `eq_transform`: for each edge (i, j) of length d with output g,
 * atom i gets `+g (p_i − p_j)/d` and atom j gets `−g (p_i − p_j)/d`. Training regresses them onto
 * `(d_gt − d_perturbed)/σ_t` mapped the same way, so together they estimate (x₀ − x̃_t)/σ_t — minus the added noise:
 * moving along them denoises. This edge → atom mapping belongs to the network adapter; the sampler only clips, weights
 * and sums: `eps = clip_norm(epsLocal, clipLocal) + wGlobal · clip_norm(epsGlobal, clip)` (the global term only while
 * σ_t < globalStartSigma).
 */
export interface EpsModelOutput {
  epsLocal: Float32Array | Float64Array;
  /** Required when `needGlobal` is true; ignored otherwise. */
  epsGlobal?: Float32Array | Float64Array;
}

/** A noise model: GeoDiff's dual-encoder network followed by `eq_transform`, or any stand-in. */
export interface EpsModel {
  (input: EpsModelInput): Promise<EpsModelOutput> | EpsModelOutput;
}

/** Options of {@link sample}. The defaults are GeoDiff's `test.py`. */
export interface SampleOptions extends WithProgress {
  /** The noise model. */
  model: EpsModel;
  /** Atoms per molecule, molecules stored one after another. Give this or `batch`. */
  numAtoms?: ArrayLike<number>;
  /** Atom → molecule (0 … G − 1, every molecule present), as PyTorch Geometric's `batch`. Give this or `numAtoms`. */
  batch?: ArrayLike<number>;
  /** The generator for the initial positions (unless `posInit` is given) and every step's noise. */
  rng: Rng;
  /** The β schedule the model was trained with: options of {@link betaSchedule}, or the betas. @default GeoDiff's (sigmoid, 1e-7, 2e-3, 5000) */
  schedule?: BetaScheduleOptions | ArrayLike<number>;
  /** @default 'ld' (`test.py --sampling_type`) */
  sampler?: SamplerType;
  /** GeoDiff's `n_steps`: how many timesteps to use, 1 … T. @default T (`test.py --n_steps 5000`) */
  steps?: number;
  /** @default 'tail', as GeoDiff's code */
  spacing?: TimestepSpacing;
  /** DDIM's η (`'ddim'` only): 0 deterministic, 1 DDPM-like noise. @default 1 */
  eta?: number;
  /** @default 'geodiff' */
  ddimVariant?: DdimVariant;
  /** `step_lr`: Langevin step `stepLr · (σ_t / 0.01)²` (`'ld'`, and the caps of `'ddim'` `'geodiff'`). @default 1e-6 */
  stepLr?: number;
  /** `w_global`, the weight of the global term. @default 1 (the README suggests 0.3 for QM9) */
  wGlobal?: number;
  /** `global_start_sigma`: the global term is used only while σ_t < this. @default 0.5 */
  globalStartSigma?: number;
  /** `clip`: per-atom norm limit of the global term. @default 1000 */
  clip?: number;
  /** `clip_local`: per-atom norm limit of the local term. @default none (`test.py` retries a diverged run with 20) */
  clipLocal?: number;
  /** `clip_pos`: clamp every coordinate to [−clipPos, clipPos] after each step. @default none */
  clipPos?: number;
  /**
   * GeoDiff's `pos_init`: 3 standard-normal values per atom, scaled by the first step's σ to start (the reference
   * draws `torch.randn(N, 3)`). @default drawn from `rng`
   */
  posInit?: ArrayLike<number>;
  /** Also return the positions after every step (GeoDiff's `pos_traj`). @default false */
  trajectory?: boolean;
}

/** The result of {@link sample}. */
export interface SampleResult {
  /** Final positions, atom-major, each molecule centred (Å). */
  pos: Float64Array;
  /** The positions after each step, when `trajectory` was asked for. */
  trajectory?: Float64Array[];
  /** The timesteps visited, in order. */
  timesteps: Int32Array;
}

/** Positions became NaN or infinite during sampling (GeoDiff's `FloatingPointError('NaN detected')`). */
export class SamplingDivergedError extends LabError {
  /** The 0-based step. */
  readonly step: number;
  /** Its timestep. */
  readonly timestep: number;
  readonly sigma: number;
  constructor(step: number, timestep: number, sigma: number) {
    super(
      'SAMPLING_DIVERGED',
      `Sampling diverged at step ${step} (t = ${timestep}, sigma = ${sigma.toPrecision(4)}): positions became NaN or infinite. ` +
        'Retry with clipLocal: 20 (as GeoDiff test.py does) or a smaller stepLr.',
    );
    this.name = 'SamplingDivergedError';
    this.step = step;
    this.timestep = timestep;
    this.sigma = sigma;
  }
}

/**
 * The timesteps a run visits and where each update goes, as GeoDiff's `seq` / `seq_next` reversed.
 * @param numTimesteps - T, the schedule length
 * @param steps - GeoDiff's `n_steps`, 1 … T
 * @param spacing - see {@link TimestepSpacing}
 * @returns `t[k]` the timestep of update k and `next[k]` the one it goes to (−1: clean data, ᾱ = 1)
 * @throws InvalidArgumentError for `steps` outside 1 … T or an unknown spacing
 */
export function samplingTimesteps(numTimesteps: number, steps: number = numTimesteps, spacing: TimestepSpacing = 'tail'): { t: Int32Array; next: Int32Array } {
  if (!(Number.isSafeInteger(numTimesteps) && numTimesteps >= 1)) {
    throw new InvalidArgumentError('numTimesteps', `numTimesteps must be a positive integer, got ${numTimesteps}.`);
  }
  if (!(Number.isSafeInteger(steps) && steps >= 1 && steps <= numTimesteps)) {
    throw new InvalidArgumentError('steps', `steps must be an integer from 1 to ${numTimesteps} (the schedule length), got ${steps}.`);
  }
  let seq: number[];
  if (spacing === 'tail') seq = Array.from({ length: steps }, (_, k) => numTimesteps - steps + k);
  else if (spacing === 'skip') {
    const skip = Math.floor(numTimesteps / steps);
    seq = [];
    for (let s = 0; s < numTimesteps; s += skip) seq.push(s);
  } else throw new InvalidArgumentError('spacing', `spacing must be 'tail' or 'skip', got ${JSON.stringify(spacing)}.`);
  const n = seq.length;
  const t = new Int32Array(n);
  const next = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    t[k] = seq[n - 1 - k]!;
    next[k] = n - 2 - k >= 0 ? seq[n - 2 - k]! : -1;
  }
  return { t, next };
}

/** One update `pos ← a·pos + b·eps + c·noise`, then centring. */
interface Step {
  t: number;
  sigma: number;
  needGlobal: boolean;
  a: number;
  b: number;
  c: number;
}

function positive(field: string, value: number, what: string, allowInfinity = false): number {
  if (!(typeof value === 'number' && value > 0 && (allowInfinity || Number.isFinite(value)))) {
    throw new InvalidArgumentError(field, `${field} must be ${what}, got ${value}.`);
  }
  return value;
}

/**
 * Per-step coefficients of GeoDiff's update rules (`langevin_dynamics_sample_diffusion` in `models/epsnet/dualenc.py`);
 * all three are affine in pos, the model output `eps` and fresh noise z. With ᾱ_t = `at`, ᾱ_next = `an` (1 after the
 * last timestep) and σ_t = √(1 − at)/√at:
 * - ld: h = stepLr (σ_t/0.01)²; pos + (h/σ_t)·eps + √(2h)·z;
 * - ddim: c1 = η √((1 − at/an)(1 − an)/(1 − at)), c2 = √(1 − an − c1²); pos + P·eps + Q·z with, for `'plain'`,
 *   P = σ_t − c2/√an and Q = c1/√an, and for `'geodiff'` P = min(h/σ_t, 5(σ_t − c2/√an)),
 *   Q = min(√(2h), 3 c1/√an);
 * - ddpm: β = 1 − at/an, x̂₀ = pos/√at + √(1/at − 1)·eps, mean = (√an β x̂₀ + √(1 − β)(1 − an) pos)/(1 − at),
 *   pos ← mean + [t ≠ 0] √β·z.
 */
function stepCoefficients(
  sampler: SamplerType,
  ddimVariant: DdimVariant,
  eta: number,
  stepLr: number,
  globalStartSigma: number,
  alphas: Float64Array,
  t: number,
  next: number,
): Step {
  const at = alphas[t]!;
  const an = next < 0 ? 1 : alphas[next]!;
  const sigma = Math.sqrt(1 - at) / Math.sqrt(at);
  const needGlobal = sigma < globalStartSigma;
  const h = stepLr * (sigma / 0.01) ** 2;
  if (sampler === 'ld') return { t, sigma, needGlobal, a: 1, b: h / sigma, c: Math.sqrt(h * 2) };
  if (sampler === 'ddim') {
    const c1 = eta * Math.sqrt(((1 - at / an) * (1 - an)) / (1 - at));
    let c2sq = 1 - an - c1 * c1;
    if (c2sq < 0) {
      if (c2sq < -1e-12) {
        throw new InvalidArgumentError('eta', `eta = ${eta} is too large: the DDIM step from t = ${t} to ${next} would need a negative variance. Use eta between 0 and 1.`);
      }
      c2sq = 0;
    }
    const c2 = Math.sqrt(c2sq);
    const posDdim = Math.sqrt(1 - at) / Math.sqrt(at) - c2 / Math.sqrt(an);
    const noiseDdim = c1 / Math.sqrt(an);
    if (ddimVariant === 'plain') return { t, sigma, needGlobal, a: 1, b: posDdim, c: noiseDdim };
    const posLd = h / sigma;
    const noiseLd = Math.sqrt(h * 2);
    const posGen = 5 * posDdim;
    const noiseGen = 3 * noiseDdim;
    return { t, sigma, needGlobal, a: 1, b: posLd < posGen ? posLd : posGen, c: noiseLd < noiseGen ? noiseLd : noiseGen };
  }
  // ddpm_noisy: e = -eps; pos0 = pos/√at − √(1/at − 1)·e; mean = (√an·β·pos0 + √(1−β)(1−an)·pos)/(1 − at)
  const beta = 1 - at / an;
  const a = (Math.sqrt(an) * beta * Math.sqrt(1 / at) + Math.sqrt(1 - beta) * (1 - an)) / (1 - at);
  const b = (Math.sqrt(an) * beta * Math.sqrt(1 / at - 1)) / (1 - at);
  const c = t === 0 ? 0 : Math.exp(0.5 * Math.log(beta));
  return { t, sigma, needGlobal, a, b, c };
}

/** Scales each atom's 3-vector to norm ≤ limit, GeoDiff's `clip_norm`, adding `weight ×` the result to `out`. */
function addClipped(out: Float64Array, v: ArrayLike<number>, limit: number, weight: number): void {
  for (let k = 0; k < out.length; k += 3) {
    const x = v[k]!;
    const y = v[k + 1]!;
    const z = v[k + 2]!;
    const norm = Math.sqrt(x * x + y * y + z * z);
    const f = norm > limit ? (weight * limit) / norm : weight;
    out[k] = out[k]! + f * x;
    out[k + 1] = out[k + 1]! + f * y;
    out[k + 2] = out[k + 2]! + f * z;
  }
}

function resolveLayout(options: SampleOptions): BatchLayout {
  if (options.numAtoms !== undefined && options.batch !== undefined) {
    throw new InvalidArgumentError('batch', 'give numAtoms or batch, not both.');
  }
  if (options.batch !== undefined) return batchLayout(options.batch);
  if (options.numAtoms !== undefined) return batchLayout(batchFromNumAtoms(options.numAtoms));
  throw new InvalidArgumentError('numAtoms', 'give numAtoms (atoms per molecule) or batch (atom → molecule) to say what to sample.');
}

function resolveAlphas(schedule: SampleOptions['schedule']): Float64Array {
  const betas = schedule === undefined || !('length' in schedule) ? betaSchedule(schedule ?? {}) : schedule;
  const alphas = alphasCumprod(betas);
  for (let t = 0; t < alphas.length; t++) {
    const a = alphas[t]!;
    if (!(a > 0 && a < 1)) {
      throw new InvalidArgumentError(
        'schedule',
        `the schedule gives alpha_bar = ${a} at t = ${t}, so sigma_t = ${Math.sqrt(1 - a) / Math.sqrt(a)}; GeoDiff's samplers divide by sigma_t and 1 - alpha_bar. Use betas strictly between 0 and 1 (betaStart > 0; not 'jsd').`,
      );
    }
  }
  return alphas;
}

function checkOutput(v: unknown, name: string, length: number): asserts v is Float32Array | Float64Array {
  if (!(v instanceof Float64Array || v instanceof Float32Array)) {
    throw new InvalidArgumentError('model', `the model must return ${name} as a Float32Array or Float64Array (3 values per atom), got ${v === undefined ? 'undefined' : Object.prototype.toString.call(v)}.`);
  }
  if (v.length !== length) {
    throw new InvalidArgumentError('model', `the model returned ${name} with ${v.length} values; it must hold 3 per atom, ${length}.`);
  }
}

/**
 * Generates conformers with GeoDiff's samplers (`langevin_dynamics_sample_diffusion`, `models/epsnet/dualenc.py`),
 * for any noise model that returns node-level ε estimates.
 *
 * @remarks
 * Positions live in the position-scaled space x̃_t = x₀ + σ_t ε of GeoDiff's training (`pos + noise · σ_t`). The run
 * starts from `pos = posInit · σ` at the first visited timestep (`pos_init * sigmas[-1]`; the same σ_{T−1} with
 * `'tail'` spacing; with `'skip'` the σ of the largest visited timestep, where the reference keeps σ_{T−1}) and
 * centres it; the reference centres only after the first update, which gives the same result for a translation-invariant
 * network such as GeoDiff's. Then for each visited timestep t (see {@link samplingTimesteps}):
 *
 * 1. `eps = clip_norm(epsLocal, clipLocal) + wGlobal · clip_norm(epsGlobal, clip)`, the global term only while
 *    σ_t < `globalStartSigma`;
 * 2. a standard normal z (3 per atom) is drawn, every step and for every sampler, as `torch.randn_like(pos)`;
 * 3. the update of `sampler`, with ᾱ_t = `at`, ᾱ of the next timestep = `an` (1 after the last one):
 *    - `'ld'`: h = stepLr·(σ_t/0.01)², `pos + h·eps/σ_t + √(2h)·z`;
 *    - `'ddim'`: c1 = η√((1 − at/an)(1 − an)/(1 − at)), c2 = √(1 − an − c1²), `pos + P·eps + Q·z` with
 *      P = σ_t − c2/√an, Q = c1/√an (`'plain'`), or P = min(h/σ_t, 5(σ_t − c2/√an)), Q = min(√(2h), 3c1/√an)
 *      (`'geodiff'`, as the reference);
 *    - `'ddpm'`: β = 1 − at/an, x̂₀ = pos/√at + √(1/at − 1)·eps, `(√an·β·x̂₀ + √(1 − β)(1 − an)·pos)/(1 − at) + √β·z`,
 *      without the noise at t = 0. These are DDPM's variance-preserving formulas applied to the scaled positions, as
 *      in the reference;
 * 4. a NaN or infinite coordinate throws {@link SamplingDivergedError}; each molecule is centred; `clipPos` clamps.
 *
 * Schedule arithmetic is float64 (the reference's is float32). Same `rng` state and options → identical output.
 *
 * @example
 * ```ts
 * const { pos } = await sample({ model, numAtoms: [19, 19], rng: new Rng(2021), wGlobal: 0.3 });
 * ```
 * @throws InvalidArgumentError naming the option at fault, before the first model call (or `model` for a malformed
 *   model output); SamplingDivergedError when the positions blow up
 */
export async function sample(options: SampleOptions): Promise<SampleResult> {
  const { model, rng } = options;
  if (typeof model !== 'function') throw new InvalidArgumentError('model', 'model must be a function (input) => { epsLocal, epsGlobal }.');
  if (!rng || typeof (rng as Partial<Rng>).fillNormal !== 'function') throw new InvalidArgumentError('rng', 'rng must be a @lab/tensor-core Rng, e.g. new Rng(2021).');
  const layout = resolveLayout(options);
  const alphas = resolveAlphas(options.schedule);
  const sampler = options.sampler ?? 'ld';
  if (sampler !== 'ld' && sampler !== 'ddpm' && sampler !== 'ddim') {
    throw new InvalidArgumentError('sampler', `sampler must be 'ld', 'ddpm' or 'ddim', got ${JSON.stringify(sampler)}.`);
  }
  const ddimVariant = options.ddimVariant ?? 'geodiff';
  if (ddimVariant !== 'geodiff' && ddimVariant !== 'plain') {
    throw new InvalidArgumentError('ddimVariant', `ddimVariant must be 'geodiff' or 'plain', got ${JSON.stringify(ddimVariant)}.`);
  }
  const eta = options.eta ?? 1;
  if (!(Number.isFinite(eta) && eta >= 0)) throw new InvalidArgumentError('eta', `eta must be a finite number ≥ 0 (0: DDIM, 1: DDPM-like), got ${eta}.`);
  const stepLr = positive('stepLr', options.stepLr ?? 1e-6, 'a positive finite number (GeoDiff uses 1e-6)');
  const wGlobal = options.wGlobal ?? 1;
  if (!Number.isFinite(wGlobal)) throw new InvalidArgumentError('wGlobal', `wGlobal must be a finite number, got ${wGlobal}.`);
  const globalStartSigma = options.globalStartSigma ?? 0.5;
  if (!(globalStartSigma >= 0)) throw new InvalidArgumentError('globalStartSigma', `globalStartSigma must be ≥ 0 (Infinity: always use the global term), got ${globalStartSigma}.`);
  const clip = positive('clip', options.clip ?? 1000, 'a positive norm limit (Infinity: no clipping)', true);
  const clipLocal = options.clipLocal === undefined ? Infinity : positive('clipLocal', options.clipLocal, 'a positive norm limit, e.g. 20', true);
  const clipPos = options.clipPos === undefined ? Infinity : positive('clipPos', options.clipPos, 'a positive coordinate bound', true);
  const { t: timesteps, next } = samplingTimesteps(alphas.length, options.steps ?? alphas.length, options.spacing ?? 'tail');
  const steps = Array.from(timesteps, (t, k) => stepCoefficients(sampler, ddimVariant, eta, stepLr, globalStartSigma, alphas, t, next[k]!));

  const numAtoms = layout.batch.length;
  const size = 3 * numAtoms;
  let pos: Float64Array;
  if (options.posInit !== undefined) {
    const init = options.posInit;
    if (init.length !== size) throw new InvalidArgumentError('posInit', `posInit must hold 3 values per atom, ${size} for ${numAtoms} atoms, got ${init.length}.`);
    pos = Float64Array.from(init);
    if (!pos.every(Number.isFinite)) throw new InvalidArgumentError('posInit', 'posInit must be finite numbers (standard-normal draws).');
  } else pos = rng.normalArray(size);
  const sigmaStart = steps[0]!.sigma;
  for (let k = 0; k < size; k++) pos[k] = pos[k]! * sigmaStart;
  centerInPlace(pos, layout);

  const progress = throttleProgress(options.onProgress);
  const total = steps.length;
  progress({ completed: 0, total, label: 'sampling' });
  const trajectory: Float64Array[] | undefined = options.trajectory ? [] : undefined;
  const eps = new Float64Array(size);
  const noise = new Float64Array(size);
  const tVec = new Int32Array(layout.numMolecules);
  for (let s = 0; s < total; s++) {
    const step = steps[s]!;
    tVec.fill(step.t);
    const out = await model({ pos: pos.slice(), t: tVec.slice(), sigma: step.sigma, batch: layout.batch, numMolecules: layout.numMolecules, needGlobal: step.needGlobal, step: s });
    if (typeof out !== 'object' || out === null) throw new InvalidArgumentError('model', 'the model must return an object { epsLocal, epsGlobal }.');
    checkOutput(out.epsLocal, 'epsLocal', size);
    eps.fill(0);
    addClipped(eps, out.epsLocal, clipLocal, 1);
    if (step.needGlobal) {
      checkOutput(out.epsGlobal, `epsGlobal (needed while sigma < globalStartSigma = ${globalStartSigma})`, size);
      addClipped(eps, out.epsGlobal, clip, wGlobal);
    }
    rng.fillNormal(noise);
    const { a, b, c } = step;
    let finite = true;
    for (let k = 0; k < size; k++) {
      const v = a * pos[k]! + b * eps[k]! + c * noise[k]!;
      if (!Number.isFinite(v)) finite = false;
      pos[k] = v;
    }
    if (!finite) throw new SamplingDivergedError(s, step.t, step.sigma);
    centerInPlace(pos, layout);
    if (clipPos !== Infinity) for (let k = 0; k < size; k++) pos[k] = Math.min(clipPos, Math.max(-clipPos, pos[k]!));
    trajectory?.push(pos.slice());
    progress({ completed: s + 1, total, label: 'sampling' });
  }
  return trajectory ? { pos, trajectory, timesteps } : { pos, timesteps };
}
