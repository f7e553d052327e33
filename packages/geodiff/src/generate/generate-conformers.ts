import { InvalidArgumentError, Rng, type WithProgress } from '@lab/tensor-core';
import { type DdimVariant, type SampleOptions, type SamplerType, SamplingDivergedError, type TimestepSpacing, sample, samplingTimesteps } from '../diffusion/samplers';
import { featurize } from '../featurize/featurize';
import type { Molecule } from '../molecule/molecule';
import { type GeoDiffNetwork, createEpsModel } from '../model/geodiff-network';

/** Sampler settings of {@link generateConformers}: those of {@link sample} that are not about the batch. */
export type GenerateSamplerOptions = Pick<
  SampleOptions,
  'sampler' | 'steps' | 'eta' | 'stepLr' | 'wGlobal' | 'globalStartSigma' | 'clip' | 'clipLocal' | 'clipPos'
>;

/** Options of {@link generateConformers}. */
export interface GenerateConformersOptions extends GenerateSamplerOptions, WithProgress {
  /** The loaded network ({@link loadGeoDiffNetwork}). */
  network: GeoDiffNetwork;
  /** Conformers per molecule: one number for all, or one per molecule. */
  numConfs: number | readonly number[];
  /** Seed of tensor-core's `Rng`. Same seed, molecules, options and batch size → the same conformers. @default 0 */
  seed?: number;
  /** Most atoms in one network call; conformers of several molecules share a call up to this. @default 4000 */
  maxBatchAtoms?: number;
  /**
   * When a batch diverges (NaN), run it again with `clipLocal: 20`, as GeoDiff's `test.py` does; a second divergence
   * throws {@link SamplingDivergedError}. @default true
   */
  retryDiverged?: boolean;
  /** Keep each conformer's positions after every step. @default false */
  trajectory?: boolean;
  /**
   * Which timesteps a run with fewer steps than the schedule visits (see {@link TimestepSpacing}). @default `'skip'`
   * for `'ddim'` (evenly spaced over the whole schedule: the fast mode), `'tail'` otherwise (GeoDiff's code)
   */
  spacing?: TimestepSpacing;
  /**
   * The `'ddim'` update (see {@link DdimVariant}). @default `'plain'`: the DDIM update itself, which is what makes
   * 100–500 spread-out steps work; `'geodiff'` (with `spacing: 'tail'`) is the reference's `generalized` branch
   */
  ddimVariant?: DdimVariant;
}

/** The conformers generated for one input molecule. */
export interface GeneratedMolecule {
  molecule: Molecule;
  /** One atom-major coordinate array (Å, centred) per conformer, atoms in the molecule's order. */
  conformers: Float64Array[];
  /** Per conformer, its positions after every step, when asked for. */
  trajectories?: Float64Array[][];
}

/** The result of {@link generateConformers}. */
export interface GenerateConformersResult {
  molecules: GeneratedMolecule[];
  /** The settings used, for provenance (SDF properties, logs). */
  settings: { seed: number; sampler: SamplerType; steps: number; spacing: TimestepSpacing; updates: number; numTimesteps: number; batches: number; retried: number };
  /** Milliseconds spent in the network and in building its inputs (radius graphs, tensors). */
  timing: { networkMs: number; featurizeMs: number; totalMs: number };
}

interface Job {
  molecule: number;
  conformer: number;
  atoms: number;
}

/**
 * Generates 3D conformers for molecular graphs with a trained GeoDiff network: every conformer starts from its own
 * noise and is denoised by the chosen sampler; conformers of one or many molecules are batched into shared network
 * calls.
 *
 * @remarks
 * Jobs (molecule, conformer) are packed in input order into batches of at most `maxBatchAtoms` atoms; batch k draws
 * from `new Rng(seed + k)`, so a run is reproducible for the same inputs, seed and `maxBatchAtoms`. The defaults are
 * GeoDiff's `test.py` (Langevin 'ld' sampler over all 5000 steps, w_global 1, global_start_sigma 0.5, clip 1000);
 * `sampler: 'ddim', steps: 100..500` is the fast mode: the DDIM update (`ddimVariant: 'plain'`) over timesteps spread over
 * the whole schedule (`spacing: 'skip'`), the defaults for `'ddim'` here. Molecules need explicit hydrogens, as the network was trained
 * on them ({@link parseSmiles} adds them).
 * @example
 * ```ts
 * const network = await loadGeoDiffNetwork();
 * const mol = await parseSmiles('CC(=O)Oc1ccccc1C(=O)O');
 * const { molecules } = await generateConformers([mol], { network, numConfs: 5, sampler: 'ddim', steps: 200 });
 * await network.dispose();
 * ```
 * @param molecules - the molecular graphs (coordinates, if any, are ignored)
 * @param options - network, conformer counts, sampler settings, seed, batching, progress
 * @returns the conformers per molecule, the settings and timings
 * @throws InvalidArgumentError for bad counts or batch size; SamplingDivergedError when a batch diverges twice
 */
export async function generateConformers(molecules: readonly Molecule[], options: GenerateConformersOptions): Promise<GenerateConformersResult> {
  const { network } = options;
  if (!network || typeof network.session?.run !== 'function') throw new InvalidArgumentError('network', 'pass a network loaded with loadGeoDiffNetwork().');
  const counts = typeof options.numConfs === 'number' ? molecules.map(() => options.numConfs as number) : [...options.numConfs];
  if (counts.length !== molecules.length) throw new InvalidArgumentError('numConfs', `numConfs lists ${counts.length} counts for ${molecules.length} molecules.`);
  counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0) throw new InvalidArgumentError('numConfs', `numConfs[${i}] must be a non-negative integer, got ${c}.`);
  });
  const maxBatchAtoms = options.maxBatchAtoms ?? 4000;
  if (!Number.isInteger(maxBatchAtoms) || maxBatchAtoms < 1) throw new InvalidArgumentError('maxBatchAtoms', `maxBatchAtoms must be a positive integer, got ${maxBatchAtoms}.`);
  const seed = options.seed ?? 0;
  const schedule = network.config.schedule;
  const steps = options.steps ?? schedule.steps;
  const spacing = options.spacing ?? (options.sampler === 'ddim' ? 'skip' : 'tail');
  // the updates one run makes ('skip' spacing makes ceil(T / floor(T / steps)) of them)
  const updates = samplingTimesteps(schedule.steps, steps, spacing).t.length;
  const graphs = molecules.map((m) => featurize(m, { order: network.config.edgeOrder }));

  const batches: Job[][] = [];
  let current: Job[] = [];
  let atoms = 0;
  counts.forEach((n, molecule) => {
    const size = molecules[molecule]!.atoms.length;
    for (let conformer = 0; conformer < n; conformer++) {
      if (current.length > 0 && atoms + size > maxBatchAtoms) {
        batches.push(current);
        current = [];
        atoms = 0;
      }
      current.push({ molecule, conformer, atoms: size });
      atoms += size;
    }
  });
  if (current.length > 0) batches.push(current);

  const out: GeneratedMolecule[] = molecules.map((molecule, i) => ({
    molecule,
    conformers: new Array<Float64Array>(counts[i]!),
    ...(options.trajectory ? { trajectories: new Array<Float64Array[]>(counts[i]!) } : {}),
  }));
  const onProgress = options.onProgress;
  const totalSteps = batches.length * updates;
  const timing = { networkMs: 0, featurizeMs: 0, totalMs: 0 };
  const start = performance.now();
  let retried = 0;
  for (let b = 0; b < batches.length; b++) {
    const jobs = batches[b]!;
    const run = async (clipLocal: number | undefined) => {
      const model = createEpsModel(network, jobs.map((j) => graphs[j.molecule]!));
      try {
        return await sample({
          ...samplerOptions(options),
          spacing,
          ddimVariant: options.ddimVariant ?? 'plain',
          ...(clipLocal !== undefined ? { clipLocal } : {}),
          model,
          numAtoms: jobs.map((j) => j.atoms),
          rng: new Rng(seed + b),
          schedule,
          steps,
          ...(options.trajectory ? { trajectory: true } : {}),
          ...(onProgress
            ? { onProgress: (e: { completed: number }) => onProgress({ completed: b * updates + e.completed, total: totalSteps, label: `batch ${b + 1}/${batches.length}` }) }
            : {}),
        });
      } finally {
        timing.networkMs += model.stats.networkMs;
        timing.featurizeMs += model.stats.featurizeMs;
      }
    };
    let result;
    try {
      result = await run(options.clipLocal);
    } catch (e) {
      if (!(e instanceof SamplingDivergedError) || options.retryDiverged === false || options.clipLocal !== undefined) throw e;
      retried++;
      result = await run(20);
    }
    let a0 = 0;
    for (const job of jobs) {
      const a1 = a0 + 3 * job.atoms;
      out[job.molecule]!.conformers[job.conformer] = result.pos.slice(a0, a1);
      if (options.trajectory) out[job.molecule]!.trajectories![job.conformer] = result.trajectory!.map((p) => p.slice(a0, a1));
      a0 = a1;
    }
  }
  timing.totalMs = performance.now() - start;
  return {
    molecules: out,
    settings: { seed, sampler: options.sampler ?? 'ld', steps, spacing, updates, numTimesteps: schedule.steps, batches: batches.length, retried },
    timing,
  };
}

function samplerOptions(o: GenerateSamplerOptions): GenerateSamplerOptions {
  const keys = ['sampler', 'eta', 'stepLr', 'wGlobal', 'globalStartSigma', 'clip', 'clipPos'] as const;
  const picked: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) picked[k] = o[k];
  return picked as GenerateSamplerOptions;
}
