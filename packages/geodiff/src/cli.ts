#!/usr/bin/env node
/**
 * `geodiff` command line: generate conformers, evaluate them, and write training arrays.
 * @packageDocumentation
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Command } from 'commander';
import { InvalidArgumentError, LabError } from '@lab/tensor-core';
import { createCliProgress } from '@lab/tensor-core/cli-progress';
import { version } from '../package.json';
import { type DdimVariant, SAMPLER_TYPES, type SamplerType, type TimestepSpacing } from './diffusion/samplers';
import { covCurveSvg } from './eval/cov-plot';
import { evaluateConformers } from './eval/evaluate-conformers';
import { formatCovMatMarkdown } from './eval/format-cov-mat';
import { generateConformers } from './generate/generate-conformers';
import { defaultModelDir, loadGeoDiffNetwork } from './model/geodiff-network';
import type { Molecule, SkippedInput } from './molecule/molecule';
import { parseSmiles } from './molecule/parse-smiles';
import { readSdf } from './molecule/sdf';
import { readSmilesList } from './molecule/smiles-list';
import { checkStereo, formatStereoReport } from './output/check-stereo';
import type { ConformerSet } from './output/conformer-set';
import { writeConformersSdf } from './output/write-conformers-sdf';
import { writeConformersXyz } from './output/write-conformers-xyz';
import { refineConformersWithMmff } from './refine/refine-with-mmff';
import { writeTrainingArrays } from './train-data/training-arrays';

const program = new Command();
program.name('geodiff').description('GeoDiff: 3D conformers from molecular graphs by geometric diffusion.').version(version);

function positiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(option, `--${option} must be a positive integer, received "${value}".`);
  return n;
}

function finite(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(option, `--${option} must be a number, received "${value}".`);
  return n;
}

function reportSkipped(file: string, skipped: readonly SkippedInput[]): void {
  for (const s of skipped) process.stderr.write(`skipped ${file}:${s.line} ${s.input}: ${s.reason}\n`);
}

/** Reads the molecules to sample: a SMILES, or an SDF / CSV / SMI file; bad inputs are reported and skipped. */
async function readInputs(opts: { smiles?: string; input?: string }): Promise<Array<Molecule & { nConformers?: number }>> {
  if ((opts.smiles === undefined) === (opts.input === undefined)) throw new InvalidArgumentError('input', 'give exactly one of --smiles S or --input FILE.');
  if (opts.smiles !== undefined) return [await parseSmiles(opts.smiles)];
  const file = opts.input!;
  const text = await readFile(file, 'utf8');
  const batch = ['.sdf', '.mol', '.sd'].includes(extname(file).toLowerCase()) ? await readSdf(text, { addHs: true }) : await readSmilesList(text, file);
  reportSkipped(file, batch.skipped);
  if (batch.molecules.length === 0) throw new InvalidArgumentError('input', `${file} holds no usable molecule (${batch.skipped.length} skipped).`);
  return batch.molecules;
}

function ddimVariantOption(value: string): DdimVariant {
  if (value !== 'plain' && value !== 'geodiff') throw new InvalidArgumentError('ddim-variant', `--ddim-variant must be plain or geodiff, received "${value}".`);
  return value;
}

function spacingOption(value: string): TimestepSpacing {
  if (value !== 'skip' && value !== 'tail') throw new InvalidArgumentError('spacing', `--spacing must be skip or tail, received "${value}".`);
  return value;
}

/** `--num-confs 10` for every molecule, or `2x` for twice each CSV row's n_conformers (the GEOM evaluation protocol). */
function conformerCounts(spec: string, molecules: ReadonlyArray<{ nConformers?: number }>): number[] {
  const factor = /^(\d+(?:\.\d+)?)x$/i.exec(spec.trim());
  if (factor) {
    const f = Number(factor[1]);
    return molecules.map((m, i) => {
      if (m.nConformers === undefined) throw new InvalidArgumentError('num-confs', `--num-confs ${spec} needs an n_conformers column, but molecule ${i + 1} has none; give a number instead.`);
      return Math.max(1, Math.round(f * m.nConformers));
    });
  }
  const n = positiveInt(spec, 'num-confs');
  return molecules.map(() => n);
}

program
  .command('sample')
  .description('generate conformers with the GeoDiff network and write them to an SDF (one record per conformer)')
  .option('-s, --smiles <smiles>', 'one molecule')
  .option('-i, --input <file>', 'molecules: .sdf, .csv (smiles[,n_conformers]) or .smi')
  .requiredOption('-n, --num-confs <n>', 'conformers per molecule, or e.g. 2x for twice the n_conformers column')
  .requiredOption('-o, --out <file>', 'the SDF to write')
  .option('--steps <n>', 'diffusion steps (default: all of the schedule, 5000)')
  .option('--sampler <type>', `one of ${SAMPLER_TYPES.join(', ')}`, 'ld')
  .option('--spacing <mode>', 'timesteps of a shortened run: skip (spread over the schedule; default for ddim) or tail (the last ones, GeoDiff\'s code; default otherwise)')
  .option('--eta <x>', 'DDIM eta (0 deterministic … 1)', '1')
  .option('--ddim-variant <v>', 'plain (the DDIM update; default) or geodiff (the reference\'s generalized branch)', 'plain')
  .option('--w-global <x>', 'weight of the global (radius-graph) term', '1')
  .option('--global-start-sigma <x>', 'use the global term below this noise level', '0.5')
  .option('--clip-local <x>', 'per-atom norm limit of the local term (default: none, retried with 20 on divergence)')
  .option('--seed <k>', 'random seed', '0')
  .option('--device <device>', 'cpu, cuda or auto', 'cpu')
  .option('--model <dir>', 'a model directory exported by training/geodiff/train_geodiff.py', defaultModelDir())
  .option('--max-batch-atoms <n>', 'most atoms per network call', '4000')
  .option('--refine', 'relax every conformer with MMFF94 (openchemlib), the paper\'s "GeoDiff + FF"')
  .option('--xyz <file>', 'also write a multi-frame XYZ file')
  .option('--trajectory <file>', 'write each conformer\'s denoising trajectory as multi-frame XYZ')
  .option('--trajectory-every <k>', 'keep every k-th step in --trajectory (the last step is always kept)', '50')
  .option('-q, --quiet', 'no progress bar')
  .action(async (opts: Record<string, string | boolean | undefined>) => {
    const sampler = String(opts['sampler']) as SamplerType;
    if (!SAMPLER_TYPES.includes(sampler)) throw new InvalidArgumentError('sampler', `--sampler must be one of ${SAMPLER_TYPES.join(', ')}, received "${sampler}".`);
    const molecules = await readInputs({ smiles: opts['smiles'] as string | undefined, input: opts['input'] as string | undefined });
    const counts = conformerCounts(String(opts['numConfs']), molecules);
    const seed = Number(opts['seed']);
    if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('seed', `--seed must be an integer, received "${String(opts['seed'])}".`);
    const network = await loadGeoDiffNetwork(String(opts['model']), { device: String(opts['device']) });
    const quiet = opts['quiet'] === true;
    try {
      const bar = createCliProgress('sampling', { enabled: !quiet });
      const result = await generateConformers(molecules, {
        network,
        numConfs: counts,
        sampler,
        seed,
        eta: finite(String(opts['eta']), 'eta'),
        ddimVariant: ddimVariantOption(String(opts['ddimVariant'])),
        wGlobal: finite(String(opts['wGlobal']), 'w-global'),
        globalStartSigma: finite(String(opts['globalStartSigma']), 'global-start-sigma'),
        maxBatchAtoms: positiveInt(String(opts['maxBatchAtoms']), 'max-batch-atoms'),
        ...(opts['steps'] !== undefined ? { steps: positiveInt(String(opts['steps']), 'steps') } : {}),
        ...(opts['spacing'] !== undefined ? { spacing: spacingOption(String(opts['spacing'])) } : {}),
        ...(opts['clipLocal'] !== undefined ? { clipLocal: finite(String(opts['clipLocal']), 'clip-local') } : {}),
        ...(opts['trajectory'] !== undefined ? { trajectory: true } : {}),
        onProgress: bar.onProgress,
      });
      bar.stop();
      if (opts['trajectory'] !== undefined) {
        const every = positiveInt(String(opts['trajectoryEvery']), 'trajectory-every');
        const frames: ConformerSet[] = result.molecules.flatMap((g) =>
          (g.trajectories ?? []).map((traj, c) => {
            const kept = traj.map((pos, step) => ({ pos, step })).filter(({ step }) => (step + 1) % every === 0 || step === traj.length - 1);
            return {
              molecule: g.molecule,
              conformers: kept.map((f) => f.pos),
              seed,
              sampler,
              steps: result.settings.steps,
              properties: { CONFORMER: c },
              conformerProperties: kept.map((f) => ({ STEP: f.step + 1 })),
            };
          }),
        );
        await writeConformersXyz(String(opts['trajectory']), frames);
      }
      const sets: ConformerSet[] = [];
      let mismatched = 0;
      const refineBar = opts['refine'] ? createCliProgress('MMFF94', { enabled: !quiet }) : undefined;
      for (const [i, g] of result.molecules.entries()) {
        let conformers = g.conformers;
        const conformerProperties: Array<Record<string, string | number>> = conformers.map(() => ({}));
        if (refineBar) {
          const refined = await refineConformersWithMmff(g.molecule, conformers, {
            onProgress: (e) => refineBar.onProgress({ ...e, label: `molecule ${i + 1}/${result.molecules.length}` }),
          });
          conformers = refined.map((r) => r.coords);
          refined.forEach((r, c) => Object.assign(conformerProperties[c]!, { MMFF94_ENERGY: Number(r.energyAfter.toFixed(4)), MMFF94_STATUS: r.status }));
        }
        const stereo = await checkStereo(g.molecule, conformers);
        for (const s of stereo) {
          if (!s.ok) {
            mismatched++;
            process.stderr.write(`stereo mismatch: ${g.molecule.name ?? g.molecule.smiles} conformer ${s.conformer}: ${formatStereoReport(s)}\n`);
          }
        }
        sets.push({
          molecule: g.molecule,
          conformers,
          seed,
          sampler,
          steps: result.settings.steps,
          stereo,
          conformerProperties,
          properties: { MODEL: network.session.name, REFINED: opts['refine'] === true ? 'MMFF94' : 'none' },
        });
      }
      refineBar?.stop();
      await writeConformersSdf(String(opts['out']), sets);
      if (opts['xyz'] !== undefined) await writeConformersXyz(String(opts['xyz']), sets);
      const total = counts.reduce((a, b) => a + b, 0);
      console.log(
        `${String(opts['out'])}: ${total} conformers of ${molecules.length} molecules (${sampler}, ${result.settings.steps} steps, seed ${seed}) in ` +
          `${(result.timing.totalMs / 1000).toFixed(1)} s, ${(result.timing.totalMs / Math.max(total, 1)).toFixed(0)} ms per conformer; ` +
          `stereo mismatches: ${mismatched}${result.settings.retried ? `; ${result.settings.retried} diverged batch(es) re-run with clipLocal 20` : ''}`,
      );
    } finally {
      await network.dispose();
    }
  });

program
  .command('eval')
  .description('COV/MAT of generated conformers against reference conformers, grouped by molecule (canonical SMILES)')
  .requiredOption('-g, --generated <file>', 'SDF of generated conformers')
  .requiredOption('-r, --reference <file>', 'SDF of reference conformers')
  .requiredOption('-t, --threshold <angstrom>', 'COV threshold δ in Å (0.5 for GEOM-QM9, 1.25 for GEOM-Drugs)')
  .option('-f, --format <format>', 'json or md', 'md')
  .option('--plot <file>', 'write COV against threshold as SVG')
  .option('--out <file>', 'write the report to a file instead of stdout')
  .option('-q, --quiet', 'no progress bar')
  .action(async (opts: { generated: string; reference: string; threshold: string; format: string; plot?: string; out?: string; quiet?: boolean }) => {
    if (opts.format !== 'json' && opts.format !== 'md') throw new InvalidArgumentError('format', `--format must be json or md, received "${opts.format}".`);
    const threshold = finite(opts.threshold, 'threshold');
    const read = async (file: string) => {
      const batch = await readSdf(await readFile(file, 'utf8'));
      reportSkipped(file, batch.skipped);
      return batch.molecules;
    };
    const generated = await read(opts.generated);
    const reference = await read(opts.reference);
    const bar = createCliProgress('RMSD', { enabled: !opts.quiet });
    const report = await evaluateConformers(generated, reference, { threshold, onProgress: bar.onProgress });
    bar.stop();
    for (const s of report.skipped) process.stderr.write(`not scored: ${JSON.stringify(s)}\n`);
    let text: string;
    if (opts.format === 'json') {
      const { curve, molecules, skipped, thresholds: _t, ...summary } = report;
      text = `${JSON.stringify({ ...summary, curve, molecules, skipped }, null, 2)}\n`;
    } else text = formatCovMatMarkdown(report);
    if (opts.out) await writeFile(opts.out, text);
    else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    if (opts.plot) await writeFile(opts.plot, await covCurveSvg(report));
  });

program
  .command('featurize')
  .description('featurise the conformers of an SDF (hydrogens explicit, one conformer per record) into training arrays (.npz) for training/geodiff/train_geodiff.py')
  .requiredOption('-i, --input <file>', 'SDF with 3D conformers, e.g. from training/geodiff/make_conformers.py')
  .requiredOption('-o, --out <file>', 'the .npz to write')
  .option('--order <n>', 'edge order of the local graph', '3')
  .option('-q, --quiet', 'no progress bar')
  .action(async (opts: { input: string; out: string; order: string; quiet?: boolean }) => {
    const bar = createCliProgress('featurize', { enabled: !opts.quiet });
    const { molecules, skipped } = await readSdf(await readFile(opts.input, 'utf8'));
    reportSkipped(opts.input, skipped);
    const counts = await writeTrainingArrays(opts.out, molecules, { order: positiveInt(opts.order, 'order'), onProgress: bar.onProgress });
    bar.stop();
    console.log(`${opts.out}: ${counts.numConformers} conformers of ${counts.numMolecules} molecules, ${counts.numAtoms} atoms, ${counts.numEdges} local edges (${skipped.length} records skipped)`);
  });

program.parseAsync().catch((e: unknown) => {
  process.stderr.write(LabError.isInstance(e) ? `error [${e.code}]: ${e.message}\n` : `error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
