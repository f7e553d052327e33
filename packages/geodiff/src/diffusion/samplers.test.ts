import { InvalidArgumentError, LabError, type ProgressEvent, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { batchFromNumAtoms } from './noise';
import { type EpsModel, type EpsModelInput, type SampleOptions, SamplingDivergedError, sample, samplingTimesteps } from './samplers';
import { betaSchedule, sigmas } from './schedule';

// ---------------------------------------------------------------------------------------------------------------------
// A transcription of GeoDiff's update rules (models/epsnet/dualenc.py, langevin_dynamics_sample_diffusion), one
// coordinate at a time, written independently of samplers.ts.

type RefKind = 'ld' | 'ddpm_noisy' | 'generalized' | 'plain_ddim';

interface RefStep {
  kind: RefKind;
  i: number; // t
  at: number; // compute_alpha(b, t)
  atNext: number; // compute_alpha(b, next_t); 1 for next_t = −1
  sigma: number; // sigmas[i]
  stepLr: number;
  eta: number;
}

/** `pos_next` for one coordinate, from `pos`, `eps_pos` and `noise`, following the reference lines. */
function refUpdate(r: RefStep, pos: number, epsPos: number, noise: number): number {
  const { at, atNext: atNextV, sigma } = r;
  if (r.kind === 'ld') {
    const stepSize = r.stepLr * (sigma / 0.01) ** 2;
    return pos + (stepSize * epsPos) / sigma + noise * Math.sqrt(stepSize * 2);
  }
  if (r.kind === 'ddpm_noisy') {
    const atm1 = atNextV;
    const betaT = 1 - at / atm1;
    const e = -epsPos;
    const pos0FromE = Math.sqrt(1 / at) * pos - Math.sqrt(1 / at - 1) * e;
    const mean = (Math.sqrt(atm1) * betaT * pos0FromE + Math.sqrt(1 - betaT) * (1 - atm1) * pos) / (1 - at);
    const mask = r.i === 0 ? 0 : 1;
    return mean + mask * Math.exp(0.5 * Math.log(betaT)) * noise;
  }
  const et = -epsPos;
  const c1 = r.eta * Math.sqrt(((1 - at / atNextV) * (1 - atNextV)) / (1 - at));
  const c2 = Math.sqrt(1 - atNextV - c1 ** 2);
  if (r.kind === 'plain_ddim') {
    // the commented-out `pos_next = pos + et * (c2 / at_next.sqrt() - (1 - at).sqrt() / at.sqrt()) + noise * c1 / at_next.sqrt()`
    return pos + et * (c2 / Math.sqrt(atNextV) - Math.sqrt(1 - at) / Math.sqrt(at)) + (noise * c1) / Math.sqrt(atNextV);
  }
  const stepSizePosLd = (r.stepLr * (sigma / 0.01) ** 2) / sigma;
  const stepSizePosGeneralized = 5 * (Math.sqrt(1 - at) / Math.sqrt(at) - c2 / Math.sqrt(atNextV));
  const stepSizePos = stepSizePosLd < stepSizePosGeneralized ? stepSizePosLd : stepSizePosGeneralized;
  const stepSizeNoiseLd = Math.sqrt(r.stepLr * (sigma / 0.01) ** 2 * 2);
  const stepSizeNoiseGeneralized = 3 * (c1 / Math.sqrt(atNextV));
  const stepSizeNoise = stepSizeNoiseLd < stepSizeNoiseGeneralized ? stepSizeNoiseLd : stepSizeNoiseGeneralized;
  return pos - et * stepSizePos + noise * stepSizeNoise;
}

/** `zip(reversed(seq), reversed(seq_next))` with `seq = range(T − n, T)` or, commented out, `range(0, T, T // n)`. */
function refPairs(T: number, nSteps: number, skip: boolean): [number, number][] {
  const seq: number[] = [];
  if (skip) for (let s = 0; s < T; s += Math.floor(T / nSteps)) seq.push(s);
  else for (let s = T - nSteps; s < T; s++) seq.push(s);
  const seqNext = [-1, ...seq.slice(0, -1)];
  return seq.map((_, k) => [seq[seq.length - 1 - k]!, seqNext[seq.length - 1 - k]!]);
}

/** The reference's per-step scalars, from the betas (`compute_alpha` prepends β = 0 and indexes t + 1). */
function refSteps(betas: Float64Array, kind: RefKind, nSteps: number, skip: boolean, stepLr = 1e-6, eta = 1): RefStep[] {
  const cum = [1];
  for (const b of betas) cum.push(cum[cum.length - 1]! * (1 - b));
  const computeAlpha = (t: number): number => cum[t + 1]!;
  return refPairs(betas.length, nSteps, skip).map(([i, j]) => {
    const at = computeAlpha(i);
    return { kind, i, at, atNext: computeAlpha(j), sigma: Math.sqrt(1 - at) / Math.sqrt(at), stepLr, eta };
  });
}

function centroidFree(pos: Float64Array, batch: Int32Array, numMolecules: number): Float64Array {
  const sums = new Float64Array(4 * numMolecules);
  for (let a = 0; a < batch.length; a++) {
    const m = 4 * batch[a]!;
    for (let d = 0; d < 3; d++) sums[m + d] = sums[m + d]! + pos[3 * a + d]!;
    sums[m + 3] = sums[m + 3]! + 1;
  }
  return pos.map((v, k) => v - sums[4 * batch[Math.floor(k / 3)]! + (k % 3)]! / sums[4 * batch[Math.floor(k / 3)]! + 3]!);
}

function clipNorm(v: Float64Array, limit: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let k = 0; k < v.length; k += 3) {
    const norm = Math.hypot(v[k]!, v[k + 1]!, v[k + 2]!);
    const f = norm > limit ? limit / norm : 1;
    for (let d = 0; d < 3; d++) out[k + d] = v[k + d]! * f;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Analytic noise predictors for Gaussian data x₀ ~ N(0, s² P), P the projector onto centroid-free configurations.
// The model output is GeoDiff's eps_pos ≈ E[(x₀ − x̃)/σ | x̃] = −E[ε | x̃].

/** Position-scaled space (GeoDiff's training, x̃ = x₀ + σε): −E[ε | x̃] = −σ x̃ / (s² + σ²). */
function veGaussianModel(s: number): EpsModel {
  return ({ pos, sigma }) => ({ epsLocal: pos.map((x) => (-sigma * x) / (s * s + sigma * sigma)), epsGlobal: new Float64Array(pos.length) });
}

/** Variance-preserving space (x_t = √ᾱ x₀ + √(1 − ᾱ) ε): −E[ε | x_t] = −√(1 − ᾱ) x_t / (ᾱ s² + 1 − ᾱ). */
function vpGaussianModel(s: number, betas: Float64Array): EpsModel {
  const alphaBar: number[] = [];
  let p = 1;
  for (const b of betas) alphaBar.push((p *= 1 - b));
  return ({ pos, t }) => {
    const a = alphaBar[t[0]!]!;
    return { epsLocal: pos.map((x) => (-Math.sqrt(1 - a) * x) / (a * s * s + 1 - a)), epsGlobal: new Float64Array(pos.length) };
  };
}

/**
 * For a linear model eps = −k·pos every update is pos ← A·pos + C·z followed by centring, so on the centroid-free
 * subspace the per-coordinate variance follows V ← A²V + C² exactly.
 */
function predictedVariance(steps: RefStep[], k: (r: RefStep) => number, v0: number): number {
  let v = v0;
  for (const r of steps) {
    const a = refUpdate(r, 1, -k(r), 0);
    const c = refUpdate(r, 0, 0, 1);
    v = a * a * v + c * c;
  }
  return v;
}

/** Σ x² / (3 Σ (n − 1)): unbiased variance on the centroid-free subspace, with its relative standard error. */
function subspaceVariance(pos: Float64Array, numAtoms: number[]): { v: number; se: number } {
  let sumSq = 0;
  for (const x of pos) sumSq += x * x;
  const dof = 3 * numAtoms.reduce((acc, n) => acc + n - 1, 0);
  return { v: sumSq / dof, se: Math.sqrt(2 / dof) };
}

const LINEAR_1000 = betaSchedule({ type: 'linear', betaStart: 1e-4, betaEnd: 0.02, steps: 1000 });
const DRUGS_1K = betaSchedule({ type: 'sigmoid', betaStart: 1e-7, betaEnd: 9e-3, steps: 1000 }); // configs/drugs_1k_default.yml

const veK = (s: number) => (r: RefStep) => r.sigma / (s * s + r.sigma * r.sigma);
const vpK = (s: number) => (r: RefStep) => Math.sqrt(1 - r.at) / (r.at * s * s + 1 - r.at);

async function gaussianRun(options: Omit<SampleOptions, 'model' | 'rng' | 'numAtoms'>, model: EpsModel, numMolecules: number, atoms: number, seed: number) {
  const numAtoms = Array.from({ length: numMolecules }, () => atoms);
  const { pos } = await sample({ ...options, model, numAtoms, rng: new Rng(seed) });
  return subspaceVariance(pos, numAtoms);
}

function expectArgumentError(e: unknown, field: string): void {
  expect(e).toBeInstanceOf(InvalidArgumentError);
  expect((e as InvalidArgumentError).argument).toBe(field);
  expect((e as Error).message).toContain(field);
}

// ---------------------------------------------------------------------------------------------------------------------

describe('samplingTimesteps', () => {
  it("'tail' visits the last n timesteps and jumps from T − n to clean data, as GeoDiff's seq / seq_next", () => {
    expect(samplingTimesteps(10, 3)).toEqual({ t: Int32Array.from([9, 8, 7]), next: Int32Array.from([8, 7, -1]) });
    const all = samplingTimesteps(5);
    expect(Array.from(all.t)).toEqual([4, 3, 2, 1, 0]);
    expect(Array.from(all.next)).toEqual([3, 2, 1, 0, -1]);
  });

  it("'skip' strides by floor(T / n) from 0, as the commented-out range(0, T, skip)", () => {
    expect(samplingTimesteps(10, 3, 'skip')).toEqual({ t: Int32Array.from([9, 6, 3, 0]), next: Int32Array.from([6, 3, 0, -1]) });
    const s = samplingTimesteps(1000, 50, 'skip');
    expect(s.t.length).toBe(50);
    expect([s.t[0], s.t[49], s.next[0], s.next[49]]).toEqual([980, 0, 960, -1]);
    for (const spacing of ['tail', 'skip'] as const) {
      const [i, j] = refPairs(12, 5, spacing === 'skip').reduce<[number[], number[]]>((acc, [a, b]) => [[...acc[0], a], [...acc[1], b]], [[], []]);
      expect(samplingTimesteps(12, 5, spacing)).toEqual({ t: Int32Array.from(i), next: Int32Array.from(j) });
    }
  });

  it('names a bad steps or spacing', () => {
    for (const [fn, field] of [
      [() => samplingTimesteps(10, 0), 'steps'],
      [() => samplingTimesteps(10, 11), 'steps'],
      [() => samplingTimesteps(10, 2, 'cosine' as never), 'spacing'],
    ] as const) {
      try {
        fn();
        throw new Error('no error');
      } catch (e) {
        expectArgumentError(e, field);
      }
    }
  });
});

describe('sample: the reference update equations, step by step', () => {
  const betas = betaSchedule({ type: 'linear', betaStart: 1e-4, betaEnd: 0.05, steps: 12 });
  const sigma = sigmas(betas);
  const numAtoms = [3, 4];
  const batch = batchFromNumAtoms(numAtoms);
  const n = batch.length;

  /** Translation-invariant and non-linear, with a global term large enough for `clip` to bite. */
  const model: EpsModel = ({ pos, sigma: sg }) => {
    const c = centroidFree(pos, batch, 2);
    return { epsLocal: c.map((x, k) => (-sg * x) / (1 + sg * sg) + 0.4 * Math.sin(3 * x + k)), epsGlobal: c.map((x, k) => 2 * x + (k % 2)) };
  };

  const cases: { sampler: 'ld' | 'ddpm' | 'ddim'; ddimVariant?: 'geodiff' | 'plain'; kind: RefKind; eta?: number }[] = [
    { sampler: 'ld', kind: 'ld' },
    { sampler: 'ddpm', kind: 'ddpm_noisy' },
    { sampler: 'ddim', kind: 'generalized', eta: 1 },
    { sampler: 'ddim', kind: 'generalized', eta: 0 },
    { sampler: 'ddim', ddimVariant: 'plain', kind: 'plain_ddim', eta: 0.5 },
  ];
  for (const c of cases) {
    for (const [steps, skip] of [[12, false], [5, false], [4, true]] as const) {
      it(`${c.kind}${c.eta === undefined ? '' : ` eta=${c.eta}`}, ${steps} steps${skip ? ' (skip)' : ''}`, async () => {
        const stepLr = 2e-5;
        const globalStartSigma = sigma[8]! * 1.0001; // the global term switches on part-way
        const options = { wGlobal: 0.3, globalStartSigma, clip: 0.5, clipLocal: 0.3, stepLr };
        const posInit = new Rng(11).normalArray(3 * n);
        const result = await sample({
          model, batch, rng: new Rng(5), schedule: betas, sampler: c.sampler, ddimVariant: c.ddimVariant ?? 'geodiff', eta: c.eta ?? 1,
          steps, spacing: skip ? 'skip' : 'tail', posInit, trajectory: true, ...options,
        });

        // the reference: pos = pos_init * sigmas[-1], NOT centred before the first call (the model is
        // translation-invariant, so centring first, as sample() does, changes nothing)
        const ref = refSteps(betas, c.kind, steps, skip, stepLr, c.eta ?? 1);
        const twin = new Rng(5);
        let pos: Float64Array = posInit.map((v) => v * (skip ? sigma[ref[0]!.i]! : sigma[sigma.length - 1]!));
        const traj: Float64Array[] = [];
        for (const r of ref) {
          const out = model({ pos, t: new Int32Array(2).fill(r.i), sigma: r.sigma, batch, numMolecules: 2, needGlobal: true, step: 0 }) as { epsLocal: Float64Array; epsGlobal: Float64Array };
          const local = clipNorm(out.epsLocal, options.clipLocal);
          const global = r.sigma < globalStartSigma ? clipNorm(out.epsGlobal, options.clip) : new Float64Array(3 * n);
          const noise = twin.normalArray(3 * n);
          const next = pos.map((p, k) => refUpdate(r, p, local[k]! + global[k]! * options.wGlobal, noise[k]!));
          pos = centroidFree(next, batch, 2);
          traj.push(pos);
        }
        expect(result.trajectory!.length).toBe(ref.length);
        expect(Array.from(result.timesteps)).toEqual(ref.map((r) => r.i));
        for (let s = 0; s < ref.length; s++) {
          for (let k = 0; k < 3 * n; k++) expect(result.trajectory![s]![k]).toBeCloseTo(traj[s]![k]!, 11);
        }
        expect(Array.from(result.pos)).toEqual(Array.from(result.trajectory!.at(-1)!));
      });
    }
  }
});

describe('sample: analytic noise predictors on Gaussian data', () => {
  it("'ld' with the position-scaled predictor reaches var ≈ s² (drugs_1k schedule, stepLr 1e-4)", async () => {
    const s = 1.2;
    const predicted = predictedVariance(refSteps(DRUGS_1K, 'ld', 1000, false, 1e-4), veK(s), sigmas(DRUGS_1K)[999]! ** 2);
    expect(Math.abs(predicted / (s * s) - 1)).toBeLessThan(0.03); // annealed Langevin, one step per level: ~1.3% over
    const { v, se } = await gaussianRun({ schedule: DRUGS_1K, sampler: 'ld', stepLr: 1e-4 }, veGaussianModel(s), 1000, 5, 1);
    expect(Math.abs(v / predicted - 1)).toBeLessThan(4.5 * se);
    expect(Math.abs(v / (s * s) - 1)).toBeLessThan(0.06);
  });

  for (const eta of [0, 1]) {
    it(`'ddim' (plain) with eta = ${eta} and 200 of 1000 steps ('skip') reaches var ≈ s²`, async () => {
      const s = 1.5;
      const ref = refSteps(LINEAR_1000, 'plain_ddim', 200, true, 1e-6, eta);
      const predicted = predictedVariance(ref, veK(s), ref[0]!.sigma ** 2);
      // DDIM is Euler in (σ, x̃), first order: with stride 5 it loses 1.6% (η = 0) / 3.4% (η = 1) of the variance
      expect(Math.abs(predicted / (s * s) - 1)).toBeLessThan(0.04);
      const { v, se } = await gaussianRun({ schedule: LINEAR_1000, sampler: 'ddim', ddimVariant: 'plain', eta, steps: 200, spacing: 'skip' }, veGaussianModel(s), 2000, 5, 2 + eta);
      expect(Math.abs(v / predicted - 1)).toBeLessThan(4.5 * se);
      expect(Math.abs(v / (s * s) - 1)).toBeLessThan(0.07);
      // with 50 steps (stride 20) the same holds with a larger discretisation loss
      const coarseRef = refSteps(LINEAR_1000, 'plain_ddim', 50, true, 1e-6, eta);
      const coarse = predictedVariance(coarseRef, veK(s), coarseRef[0]!.sigma ** 2) / (s * s);
      expect(coarse).toBeGreaterThan(0.85);
      expect(coarse).toBeLessThan(predicted / (s * s));
    });
  }

  it("'ddpm' is DDPM ancestral sampling in the variance-preserving form: var ≈ s² from an N(0, 1) start", async () => {
    const s = 1.5;
    const ref = refSteps(LINEAR_1000, 'ddpm_noisy', 1000, false);
    const predicted = predictedVariance(ref, vpK(s), 1);
    expect(Math.abs(predicted / (s * s) - 1)).toBeLessThan(0.01);
    const atoms = 5;
    const numMolecules = 1000;
    const sigmaMax = sigmas(LINEAR_1000)[999]!;
    // pos_init / σ_max makes the start pos_init · σ_max / σ_max ~ N(0, 1)
    const posInit = new Rng(9).normalArray(3 * atoms * numMolecules).map((z) => z / sigmaMax);
    const numAtoms = Array.from({ length: numMolecules }, () => atoms);
    const { pos } = await sample({ model: vpGaussianModel(s, LINEAR_1000), numAtoms, rng: new Rng(4), schedule: LINEAR_1000, sampler: 'ddpm', posInit });
    const { v, se } = subspaceVariance(pos, numAtoms);
    expect(Math.abs(v / predicted - 1)).toBeLessThan(4.5 * se);
    expect(Math.abs(v / (s * s) - 1)).toBeLessThan(0.05);
  });

  // GeoDiff's own settings are not all consistent samplers of the data; the derived variance recursion still holds.
  const defaults: { name: string; options: Omit<SampleOptions, 'model' | 'rng' | 'numAtoms'>; kind: RefKind; eta?: number; k: (r: RefStep) => number; vp?: boolean; check: (ratio: number) => void }[] = [
    { name: "'ld' with test.py's stepLr 1e-6: annealing too fast to relax, var > s²", options: { schedule: DRUGS_1K, sampler: 'ld' }, kind: 'ld', k: veK(1), check: (r) => expect(r).toBeGreaterThan(1.5) },
    { name: "'ddim' (geodiff), eta = 1: capped by the Langevin step, var > s²", options: { schedule: DRUGS_1K, sampler: 'ddim', eta: 1 }, kind: 'generalized', eta: 1, k: veK(1), check: (r) => expect(r).toBeGreaterThan(1.5) },
    { name: "'ddim' (geodiff), eta = 0: the 5× DDIM step overshoots, var ≪ s²", options: { schedule: DRUGS_1K, sampler: 'ddim', eta: 0 }, kind: 'generalized', eta: 0, k: veK(1), check: (r) => expect(r).toBeLessThan(0.01) },
    { name: "'ddpm' from GeoDiff's σ_max start: the variance-preserving update keeps an s⁴ excess", options: { schedule: LINEAR_1000, sampler: 'ddpm' }, kind: 'ddpm_noisy', k: vpK(1), vp: true, check: (r) => expect(r).toBeCloseTo(2, 1) },
  ];
  for (const d of defaults) {
    it(`${d.name} (matches the exact variance recursion)`, async () => {
      const betas = d.options.schedule as Float64Array;
      const ref = refSteps(betas, d.kind, betas.length, false, 1e-6, d.eta ?? 1);
      const predicted = predictedVariance(ref, d.k, ref[0]!.sigma ** 2);
      d.check(predicted); // s = 1
      const model = d.vp ? vpGaussianModel(1, betas) : veGaussianModel(1);
      const { v, se } = await gaussianRun(d.options, model, 400, 4, 21);
      expect(Math.abs(v / predicted - 1)).toBeLessThan(4.5 * se);
    });
  }
});

describe('sample: noise model interface', () => {
  const oneStep = betaSchedule({ type: 'const', betaEnd: 0.19, steps: 1 }); // ᾱ = 0.81, σ = √0.19 / 0.9
  const sigma0 = Math.sqrt(0.19) / 0.9;
  const fixed: EpsModel = () => ({ epsLocal: Float64Array.from([3, 4, 0, 0, 0, 1]), epsGlobal: Float64Array.from([0, 0, 10, 1, 0, 0]) });

  it('clips the local term to clipLocal and the global one to clip, weights it by wGlobal, only below globalStartSigma', async () => {
    // plain DDIM with η = 0 from zero positions, one step to clean data: pos = centre(σ · eps)
    const base = { numAtoms: [2], rng: new Rng(1), schedule: oneStep, sampler: 'ddim', ddimVariant: 'plain', eta: 0, posInit: new Float64Array(6), clipLocal: 2.5, clip: 5, wGlobal: 0.5 } as const;
    const seen: boolean[] = [];
    const spy: EpsModel = (input) => {
      seen.push(input.needGlobal);
      return fixed(input);
    };
    const on = await sample({ ...base, model: spy, globalStartSigma: 1 });
    // eps: atom 0 = (1.5, 2, 0) + 0.5·(0, 0, 5), atom 1 = (0, 0, 1) + 0.5·(1, 0, 0); centroid (1, 1, 1.75)
    [0.5, 1, 0.75, -0.5, -1, -0.75].forEach((v, k) => expect(on.pos[k]).toBeCloseTo(sigma0 * v, 14));
    const off = await sample({ ...base, model: spy, globalStartSigma: 0.1 });
    [0.75, 1, -0.5, -0.75, -1, 0.5].forEach((v, k) => expect(off.pos[k]).toBeCloseTo(sigma0 * v, 14));
    expect(seen).toEqual([true, false]);
  });

  it('passes centred positions, the per-molecule timestep, σ_t and the batch to the model', async () => {
    const inputs: EpsModelInput[] = [];
    const betas = betaSchedule(); // GeoDiff's default: start at σ_4999
    const posInit = new Rng(2).normalArray(15);
    await sample({
      model: (input) => {
        inputs.push(input);
        return { epsLocal: new Float64Array(15), epsGlobal: new Float64Array(15) };
      },
      batch: [0, 1, 0, 1, 1], rng: new Rng(3), steps: 2, posInit,
    });
    expect(inputs.map((x) => Array.from(x.t))).toEqual([[4999, 4999], [4998, 4998]]);
    expect(inputs.map((x) => x.step)).toEqual([0, 1]);
    expect(inputs[0]!.sigma).toBe(sigmas(betas)[4999]);
    expect(inputs[0]!.numMolecules).toBe(2);
    expect(Array.from(inputs[0]!.batch)).toEqual([0, 1, 0, 1, 1]);
    expect(inputs.map((x) => x.needGlobal)).toEqual([false, false]); // σ > 0.5
    const expected = centroidFree(posInit.map((v) => v * sigmas(betas)[4999]!), Int32Array.from([0, 1, 0, 1, 1]), 2);
    inputs[0]!.pos.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 12));
  });

  it('adds no noise at t = 0 in ddpm, as the reference mask', async () => {
    const run = (seed: number, sampler: 'ddpm' | 'ld') => sample({ model: fixed, numAtoms: [2], rng: new Rng(seed), schedule: oneStep, sampler, posInit: new Float64Array(6), globalStartSigma: 0 });
    expect(Array.from((await run(1, 'ddpm')).pos)).toEqual(Array.from((await run(2, 'ddpm')).pos));
    expect(Array.from((await run(1, 'ld')).pos)).not.toEqual(Array.from((await run(2, 'ld')).pos));
  });

  it('rejects malformed model outputs, naming the model', async () => {
    const base = { numAtoms: [2], rng: new Rng(1), schedule: oneStep, globalStartSigma: Infinity };
    const bad: EpsModel[] = [() => ({ epsLocal: new Float64Array(5) }), () => ({ epsLocal: new Float64Array(6) }), () => ({ epsLocal: [0, 0, 0, 0, 0, 0] as unknown as Float64Array, epsGlobal: new Float64Array(6) })];
    for (const model of bad) await sample({ ...base, model }).then(() => expect.fail('no error'), (e) => expectArgumentError(e, 'model'));
    // epsGlobal may be left out while it is not needed
    await expect(sample({ ...base, globalStartSigma: 0, model: () => ({ epsLocal: new Float32Array(6) }) })).resolves.toBeDefined();
  });

  it('throws SamplingDivergedError when positions become NaN, suggesting clipLocal', async () => {
    const err = await sample({ model: () => ({ epsLocal: new Float64Array(6).fill(Number.NaN), epsGlobal: new Float64Array(6) }), numAtoms: [2], rng: new Rng(1), schedule: LINEAR_1000, steps: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SamplingDivergedError);
    expect(LabError.isInstance(err)).toBe(true);
    expect((err as SamplingDivergedError).code).toBe('SAMPLING_DIVERGED');
    expect((err as SamplingDivergedError).step).toBe(0);
    expect((err as SamplingDivergedError).timestep).toBe(999);
    expect((err as Error).message).toContain('clipLocal');
  });
});

describe('sample: determinism, trajectory, progress, arguments', () => {
  const model = veGaussianModel(1);
  const base = { model, numAtoms: [5, 7, 3], schedule: LINEAR_1000, steps: 40, spacing: 'skip' } as const;

  it('gives identical output for the same seed, for every sampler', async () => {
    for (const sampler of ['ld', 'ddpm', 'ddim'] as const) {
      const a = await sample({ ...base, sampler, rng: new Rng(42), trajectory: true });
      const b = await sample({ ...base, sampler, rng: new Rng(42), trajectory: true });
      const c = await sample({ ...base, sampler, rng: new Rng(43) });
      expect(Array.from(a.pos)).toEqual(Array.from(b.pos));
      expect(a.trajectory!.map((p) => Array.from(p))).toEqual(b.trajectory!.map((p) => Array.from(p)));
      expect(Array.from(a.pos)).not.toEqual(Array.from(c.pos));
      expect(a.trajectory!.length).toBe(40);
      expect(c.trajectory).toBeUndefined();
    }
  });

  it('reports progress from 0 to completed === total', async () => {
    const events: ProgressEvent[] = [];
    await sample({ ...base, rng: new Rng(1), onProgress: (e) => events.push(e) });
    expect(events[0]).toMatchObject({ completed: 0, total: 40 });
    expect(events.at(-1)).toMatchObject({ completed: 40, total: 40 });
    for (let k = 1; k < events.length; k++) expect(events[k]!.completed).toBeGreaterThan(events[k - 1]!.completed);
  });

  it('clamps coordinates to clipPos', async () => {
    const { pos } = await sample({ ...base, rng: new Rng(1), sampler: 'ld', steps: 2, spacing: 'tail', clipPos: 0.25 });
    expect(Math.max(...Array.from(pos, Math.abs))).toBeLessThanOrEqual(0.25);
  });

  it('names the option at fault before calling the model', async () => {
    let calls = 0;
    const counting: EpsModel = (input) => {
      calls++;
      return model(input);
    };
    const ok: SampleOptions = { model: counting, numAtoms: [3], rng: new Rng(1), schedule: LINEAR_1000, steps: 10 };
    const bad: [Partial<SampleOptions> & Record<string, unknown>, string][] = [
      [{ model: 'net' as never }, 'model'],
      [{ rng: {} as never }, 'rng'],
      [{ numAtoms: undefined }, 'numAtoms'],
      [{ numAtoms: [3, 0] }, 'numAtoms'],
      [{ batch: [0, 0, 0] }, 'batch'],
      [{ numAtoms: undefined, batch: [0, 2] }, 'batch'],
      [{ sampler: 'euler' as never }, 'sampler'],
      [{ ddimVariant: 'fast' as never }, 'ddimVariant'],
      [{ eta: -0.1 }, 'eta'],
      [{ sampler: 'ddim', eta: 5, schedule: betaSchedule({ type: 'linear', betaStart: 1e-4, betaEnd: 0.05, steps: 12 }) }, 'eta'],
      [{ stepLr: 0 }, 'stepLr'],
      [{ wGlobal: Number.NaN }, 'wGlobal'],
      [{ globalStartSigma: -1 }, 'globalStartSigma'],
      [{ clip: 0 }, 'clip'],
      [{ clipLocal: -20 }, 'clipLocal'],
      [{ clipPos: Number.NaN }, 'clipPos'],
      [{ steps: 1001 }, 'steps'],
      [{ steps: 0 }, 'steps'],
      [{ spacing: 'uniform' as never }, 'spacing'],
      [{ posInit: [0, 0] }, 'posInit'],
      [{ posInit: [0, Number.NaN, 0, 0, 0, 0, 0, 0, 0] }, 'posInit'],
      [{ schedule: betaSchedule({ type: 'jsd', steps: 10 }), steps: 3 }, 'schedule'],
      [{ schedule: betaSchedule({ type: 'linear', betaStart: 0, betaEnd: 0.02, steps: 10 }), steps: 3 }, 'schedule'],
      [{ schedule: { type: 'cosine' as never } }, 'type'],
    ];
    for (const [override, field] of bad) {
      await sample({ ...ok, ...override } as SampleOptions).then(
        () => expect.fail(`no error for ${field}`),
        (e) => expectArgumentError(e, field),
      );
    }
    expect(calls).toBe(0);
  });
});
