/**
 * The `jet-interp probe-data` command: the comparison networks' arrays (constituent arrays and jet images) from a
 * `jet-interp train-data` file.
 * @packageDocumentation
 */
import { Command } from 'commander';
import { InvalidArgumentError } from '@lab/tensor-core';
import { createCliProgress } from '@lab/tensor-core/cli-progress';
import { PROBE_CONSTITUENTS } from '../probes/constituent-features';
import { JET_IMAGE_DEFAULTS } from '../probes/jet-image';
import { writeProbeTrainingData, type ProbeTrainingMeta } from '../probes/probe-data';

/** Parsed options of `jet-interp probe-data`. */
export interface ProbeDataCommandOptions {
  from: string;
  out: string;
  constituents: string;
  pixels: string;
  halfWidth: string;
  quiet?: boolean;
}

function parseNumber(name: string, value: string): number {
  const v = Number(value);
  if (value.trim() === '' || Number.isNaN(v)) throw new InvalidArgumentError(name, `--${name} must be a number; received "${value}".`);
  return v;
}

/**
 * Runs `jet-interp probe-data` with parsed options: reads the train-data file, featurises and writes (see
 * {@link writeProbeTrainingData}), with a progress bar on stderr unless `quiet`.
 * @param opts - the command's options
 * @returns the metadata written
 * @throws InvalidArgumentError for a bad number; DataFormatError for a bad source file
 * @example
 * ```ts
 * await runProbeDataCommand({ from: 'w-qcd.npz', out: 'w-qcd-probe.npz', constituents: '30', pixels: '37', halfWidth: '0.8', quiet: true });
 * ```
 */
export async function runProbeDataCommand(opts: ProbeDataCommandOptions): Promise<ProbeTrainingMeta> {
  const maxConstituents = parseNumber('constituents', opts.constituents);
  const pixels = parseNumber('pixels', opts.pixels);
  const halfWidth = parseNumber('half-width', opts.halfWidth);
  const bar = createCliProgress('probe-data', { enabled: !opts.quiet });
  try {
    const meta = await writeProbeTrainingData(opts.out, opts.from, { maxConstituents, image: { pixels, halfWidth }, onProgress: bar.onProgress });
    bar.stop();
    if (!opts.quiet) {
      process.stderr.write(
        `wrote ${opts.out}: ${meta.jets} jets (${meta.labels.signal} ${meta.signal ?? 'signal'}, ${meta.labels.background} ${meta.background ?? 'background'}); train/validation/test ${meta.splits.train}/${meta.splits.validation}/${meta.splits.test}; fcn_x [${meta.jets}, ${meta.maxConstituents}, ${meta.constituentFeatures.length}] (${meta.truncatedJets} jets cut to ${meta.maxConstituents} constituents), image [${meta.jets}, ${meta.image.pixels}, ${meta.image.pixels}] (mean p⊥ fraction outside the window ${meta.meanImageOutside.toFixed(4)})\n`,
      );
    }
    return meta;
  } finally {
    bar.stop();
  }
}

/**
 * The `probe-data` subcommand, to add to the `jet-interp` program with `program.addCommand(probeDataCommand())`.
 * @returns a commander Command
 * @example
 * ```ts
 * program.addCommand(probeDataCommand());
 * // jet-interp probe-data --from training/jets/data/w-qcd.npz --out training/jets/data/w-qcd-probe.npz
 * ```
 */
export function probeDataCommand(): Command {
  return new Command('probe-data')
    .description(
      'write the comparison networks\' arrays (.npz for training/jets/train_probes.py) from a train-data file: per jet the 30 hardest constituents (pt/pt_J, deta, dphi, E/E_J; zero padded) for the FCN and LSTM, a 37x37 pt-fraction jet image (centred on the pt centroid, principal axis rotated, flipped, normalised) for the CNN, and the same labels and train/validation/test split',
    )
    .requiredOption('--from <file>', 'a .npz written by jet-interp train-data (with constituents)')
    .requiredOption('-o, --out <file>', 'the .npz to write')
    .option('--constituents <n>', 'constituents kept per jet', String(PROBE_CONSTITUENTS))
    .option('--pixels <n>', 'image pixels per side', String(JET_IMAGE_DEFAULTS.pixels))
    .option('--half-width <w>', 'half width of the image window in (deta, dphi)', String(JET_IMAGE_DEFAULTS.halfWidth))
    .option('-q, --quiet', 'no progress bar')
    .action(async (opts: ProbeDataCommandOptions) => {
      await runProbeDataCommand(opts);
    });
}
