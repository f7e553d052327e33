#!/usr/bin/env node
/**
 * `jet-interp` command line.
 * @packageDocumentation
 */
import { Command } from 'commander';
import { InvalidArgumentError, LabError } from '@lab/tensor-core';
import { createCliProgress } from '@lab/tensor-core/cli-progress';
import { version } from '../package.json';
import { clusterFile } from './cli/cluster-command';
import { parseKindPair, trainDataCommand, type TrainDataSource } from './cli/train-data-command';
import { jetDefinition } from './cluster/jet-definition';

const program = new Command();
program.name('jet-interp').description('Jets for interpretability studies of recursive jet taggers.').version(version);

/** Writes to stdout, waiting when the pipe is full. */
function writeStdout(text: string): Promise<void> | void {
  if (process.stdout.write(text)) return;
  return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}

function parseNumber(name: string, value: string): number {
  const v = Number(value);
  if (value.trim() === '' || Number.isNaN(v)) throw new InvalidArgumentError(name, `--${name} must be a number; received "${value}".`);
  return v;
}

program
  .command('cluster')
  .description('cluster the events of a FastJet text file (px py pz E lines, events ended by #END; .gz accepted) and print, per event, one line per inclusive jet, hardest first: pt rapidity phi mass n_constituents (10 significant digits, phi in [0, 2pi)), then #END')
  .argument('<file>', 'event file in FastJet text format')
  .requiredOption('-a, --algorithm <name>', 'antikt, ca, kt or genkt')
  .requiredOption('-R, --radius <R>', 'jet radius R > 0')
  .option('--ptmin <pt>', 'inclusive-jet transverse-momentum cut (GeV)', '0')
  .option('-p, --p <p>', 'the exponent of genkt')
  .option('-q, --quiet', 'no progress bar')
  .action(async (file: string, opts: { algorithm: string; radius: string; ptmin: string; p?: string; quiet?: boolean }) => {
    const definition = jetDefinition(opts.algorithm, parseNumber('radius', opts.radius), opts.p === undefined ? undefined : parseNumber('p', opts.p));
    const ptMin = parseNumber('ptmin', opts.ptmin);
    const bar = createCliProgress('cluster', { enabled: !opts.quiet });
    try {
      const { events, jets } = await clusterFile(file, definition, { ptMin, onProgress: bar.onProgress }, writeStdout);
      bar.stop();
      if (!opts.quiet) process.stderr.write(`clustered ${events} events into ${jets} jets\n`);
    } finally {
      bar.stop();
    }
  });

program
  .command('train-data')
  .description('write the RecNN training arrays (.npz for training/jets/train_recnn.py): each jet reclustered into its tree, the 7 node features, a stratified train/validation/test split and the robust scaler fitted on the training nodes; jets from the generator (default) or from one of --hdf5, --qg-npz, --fastjet')
  .requiredOption('-o, --out <file>', 'the .npz to write')
  .option('-k, --kind <signal,background>', 'generate jets of two kinds (w, top, quark, gluon); label 1 = the first', 'w,quark')
  .option('-n, --jets <n>', 'jets per kind when generating (default 1000); with a file, at most this many jets (per file for --fastjet)')
  .option('-s, --seed <k>', 'seed of the generator and of the split', '0')
  .option('--hdf5 <file>', 'read top-tagging HDF5 jets (is_signal_new: top 1, QCD 0) instead of generating')
  .option('--qg-npz <file>', 'read EnergyFlow quark/gluon .npz jets (quark 1, gluon 0) instead of generating')
  .option('--fastjet <signal,background>', 'read two FastJet text files; the leading anti-kt jet of each event (signal file first)')
  .option('--jet-radius <R>', 'anti-kt radius of --fastjet jets', '0.8')
  .option('-a, --algorithm <name>', 'reclustering of the trees: ca, kt or antikt', 'ca')
  .option('--val-fraction <f>', 'fraction of each class for validation', '0.15')
  .option('--test-fraction <f>', 'fraction of each class for the test metrics', '0.15')
  .option('--no-constituents', 'do not store the constituents (smaller file; the trainer then writes no end-to-end golden file)')
  .option('-q, --quiet', 'no progress bar')
  .action(async (opts: { out: string; kind: string; jets?: string; seed: string; hdf5?: string; qgNpz?: string; fastjet?: string; jetRadius: string; algorithm: string; valFraction: string; testFraction: string; constituents: boolean; quiet?: boolean }) => {
    const files = [opts.hdf5, opts.qgNpz, opts.fastjet].filter((f) => f !== undefined);
    if (files.length > 1) throw new InvalidArgumentError('source', 'give at most one of --hdf5, --qg-npz and --fastjet.');
    const jets = opts.jets === undefined ? undefined : parseNumber('jets', opts.jets);
    const seed = parseNumber('seed', opts.seed);
    let source: TrainDataSource;
    if (opts.hdf5 !== undefined) source = { kind: 'hdf5', file: opts.hdf5, ...(jets !== undefined ? { jets } : {}) };
    else if (opts.qgNpz !== undefined) source = { kind: 'qg-npz', file: opts.qgNpz, ...(jets !== undefined ? { jets } : {}) };
    else if (opts.fastjet !== undefined) {
      const pair = opts.fastjet.split(',');
      if (pair.length !== 2 || !pair[0] || !pair[1]) throw new InvalidArgumentError('fastjet', `--fastjet takes two files, signal first: SIGNAL,BACKGROUND; received "${opts.fastjet}".`);
      source = { kind: 'fastjet', files: [pair[0], pair[1]], jetRadius: parseNumber('jet-radius', opts.jetRadius), ...(jets !== undefined ? { jets } : {}) };
    } else source = { kind: 'generator', kinds: parseKindPair(opts.kind), seed, ...(jets !== undefined ? { jets } : {}) };
    const bar = createCliProgress('train-data', { enabled: !opts.quiet });
    try {
      const { meta, skipped } = await trainDataCommand({
        out: opts.out,
        source,
        algorithm: opts.algorithm,
        seed,
        validationFraction: parseNumber('val-fraction', opts.valFraction),
        testFraction: parseNumber('test-fraction', opts.testFraction),
        constituents: opts.constituents,
        onProgress: bar.onProgress,
      });
      bar.stop();
      if (!opts.quiet) {
        process.stderr.write(`wrote ${opts.out}: ${meta.jets} jets (${meta.labels.signal} ${meta.signal ?? 'signal'}, ${meta.labels.background} ${meta.background ?? 'background'}), ${meta.nodes} nodes, max depth ${meta.maxDepth}; train/validation/test ${meta.splits.train}/${meta.splits.validation}/${meta.splits.test}; ${meta.algorithm} trees${skipped ? `; ${skipped} jets without constituents left out` : ''}\n`);
      }
    } finally {
      bar.stop();
    }
  });

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0); // the reader went away (e.g. `| head`)
  throw e;
});

program.parseAsync().catch((e: unknown) => {
  process.stderr.write(LabError.isInstance(e) ? `error [${e.code}]: ${e.message}\n` : `error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
