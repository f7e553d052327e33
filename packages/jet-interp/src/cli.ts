#!/usr/bin/env node
/**
 * `jet-interp` command line.
 * @packageDocumentation
 */
import { Command } from 'commander';
import { InvalidArgumentError, LabError, type ProgressCallback } from '@lab/tensor-core';
import { createCliProgress } from '@lab/tensor-core/cli-progress';
import { version } from '../package.json';
import { clusterFile } from './cli/cluster-command';
import { parseKindPair, trainDataCommand, type TrainDataSource } from './cli/train-data-command';
import { jetDefinition } from './cluster/jet-definition';
import { saliencyCommand } from './cli/saliency-command';
import { probeDataCommand } from './cli/probe-data-command';
import { generateCommand, lundCommand, observablesCommand, type EventJetOptions } from './cli/jet-commands';
import { parseTableFormat } from './format/result-table';
import { parseJetKind } from './generator/jet-source';
import { formatProbeTable } from './probing/probe-study';
import { runProbeStudy } from './probing/run-probe-study';
import { formatTransferTable, runTransferStudy } from './transfer/run-transfer-study';
import { writeFile } from 'node:fs/promises';

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
  .option('-k, --kind <signal,background>', 'generate jets of two classes (w, top, quark, gluon, or qcd = quark and gluon jets half each); label 1 = the first', 'w,quark')
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

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--model A --data a.npz --model B --data b.npz` → pairs in order. */
function modelDataPairs(models: string[], data: string[]): { model: string; data: string }[] {
  if (models.length === 0) throw new InvalidArgumentError('model', 'give at least one --model DIR with its --data TRAIN_DATA.npz.');
  if (models.length !== data.length) throw new InvalidArgumentError('data', `give one --data file per --model (in the same order); received ${models.length} models and ${data.length} data files.`);
  return models.map((model, i) => ({ model, data: data[i]! }));
}

async function emit(text: string, out: string | undefined): Promise<void> {
  if (out === undefined) await writeStdout(text);
  else await writeFile(out, text);
}

/** Runs a command that writes CSV to stdout or `--out`, with a progress bar and a one-line summary on stderr. */
async function runCsvCommand(
  name: string,
  opts: { out?: string; quiet?: boolean },
  run: (onProgress: ProgressCallback, sink: (text: string) => Promise<void> | void) => Promise<string>,
): Promise<void> {
  const bar = createCliProgress(name, { enabled: !opts.quiet });
  const chunks: string[] = [];
  const sink = opts.out === undefined ? writeStdout : (t: string) => void chunks.push(t);
  try {
    const summary = await run(bar.onProgress, sink);
    bar.stop();
    if (opts.out !== undefined) await writeFile(opts.out, chunks.join(''));
    if (!opts.quiet) process.stderr.write(`${summary}\n`);
  } finally {
    bar.stop();
  }
}

function eventJetOptions(opts: { jet: string; jetRadius: string }): EventJetOptions {
  if (opts.jet !== 'leading' && opts.jet !== 'event') throw new InvalidArgumentError('jet', `--jet must be leading or event; received "${opts.jet}".`);
  return { jet: opts.jet, jetRadius: parseNumber('jet-radius', opts.jetRadius) };
}

program
  .command('generate')
  .description('generate jets (a parton shower with simple hadronisation, for method development: not a substitute for Pythia + Delphes) and write each jet\'s anti-kt R = 0.8 constituents as one event in FastJet text format')
  .requiredOption('-k, --kind <kind>', 'quark, gluon, w or top')
  .option('-n, --jets <n>', 'number of jets', '100')
  .option('-s, --seed <k>', 'seed', '0')
  .option('-o, --out <file>', 'file to write (default: stdout)')
  .option('-q, --quiet', 'no progress bar')
  .action(async (opts: { kind: string; jets: string; seed: string; out?: string; quiet?: boolean }) => {
    const bar = createCliProgress('generate', { enabled: !opts.quiet });
    try {
      const text = generateCommand({ kind: parseJetKind(opts.kind), jets: parseNumber('jets', opts.jets), seed: parseNumber('seed', opts.seed), onProgress: bar.onProgress });
      bar.stop();
      await emit(text, opts.out);
    } finally {
      bar.stop();
    }
  });

program
  .command('observables')
  .description('jet observables of one jet per event of a FastJet text file, as CSV: event, multiplicity, width, massAngularity, ptD, mass, pt, tau1, tau2, tau3, tau21, tau32 (angularities and normalised N-subjettiness with beta = 1 on exclusive-kt axes, radius R)')
  .argument('<file>', 'events in FastJet text format')
  .option('--jet <mode>', 'leading: the hardest anti-kt jet; event: the whole event as one jet', 'leading')
  .option('--jet-radius <R>', 'anti-kt radius of the leading jet, and R of the observables', '0.8')
  .option('-o, --out <file>', 'CSV file to write (default: stdout)')
  .option('-q, --quiet', 'no progress bar')
  .action((file: string, opts: { jet: string; jetRadius: string; out?: string; quiet?: boolean }) =>
    runCsvCommand('observables', opts, async (onProgress, sink) => {
      const r = await observablesCommand(file, { ...eventJetOptions(opts), onProgress }, sink);
      return `${r.rows} jets from ${r.events} events`;
    }),
  );

program
  .command('lund')
  .description('Lund-plane declusterings (C/A reclustering) of one jet per event of a FastJet text file, as CSV: event, index, level (0 = primary), parent, ln(1/Delta), ln(kt/GeV), Delta, kt, z, psi, m')
  .argument('<file>', 'events in FastJet text format')
  .option('--primary', 'only the primary plane (declustering along the harder branch)')
  .option('--jet <mode>', 'leading: the hardest anti-kt jet; event: the whole event as one jet', 'leading')
  .option('--jet-radius <R>', 'anti-kt radius of the leading jet', '0.8')
  .option('-o, --out <file>', 'CSV file to write (default: stdout)')
  .option('-q, --quiet', 'no progress bar')
  .action((file: string, opts: { primary?: boolean; jet: string; jetRadius: string; out?: string; quiet?: boolean }) =>
    runCsvCommand('lund', opts, async (onProgress, sink) => {
      const r = await lundCommand(file, { ...eventJetOptions(opts), primary: opts.primary ?? false, onProgress }, sink);
      return `${r.splittings} splittings from ${r.events} events`;
    }),
  );

program
  .command('probe')
  .description('linear probing (the study\'s Table 1): R^2 of a least-squares fit of each jet observable on the RecNN jet embedding, fitted on the validation jets and scored on the test jets of each task\'s training arrays')
  .option('-m, --model <dir>', 'a trained RecNN (repeat for several tasks)', collect, [])
  .option('-d, --data <file>', 'the train-data .npz that model was trained on (one per --model, same order)', collect, [])
  .option('-n, --jets <n>', 'jets per split (validation fit, test score)', '3000')
  .option('--observables <names>', 'comma-separated observables (default: all)')
  .option('-f, --format <fmt>', 'md, csv or json', 'md')
  .option('-o, --out <file>', 'file to write (default: stdout)')
  .option('--device <d>', 'cpu, cuda or auto', 'cpu')
  .option('-q, --quiet', 'no progress bar')
  .action(async (opts: { model: string[]; data: string[]; jets: string; observables?: string; format: string; out?: string; device: string; quiet?: boolean }) => {
    const format = parseTableFormat(opts.format);
    const bar = createCliProgress('probe', { enabled: !opts.quiet });
    try {
      const rows = await runProbeStudy(modelDataPairs(opts.model, opts.data), {
        jets: parseNumber('jets', opts.jets),
        ...(opts.observables ? { observables: opts.observables.split(',').map((s) => s.trim()) } : {}),
        device: opts.device,
        onProgress: bar.onProgress,
      });
      bar.stop();
      await emit(formatProbeTable(rows, format), opts.out);
    } finally {
      bar.stop();
    }
  });

program
  .command('transfer')
  .description('transferability (the study\'s Table 2): for every ordered pair of tasks A -> B, B\'s jets through A\'s frozen RecNN embedding and a new dense head trained on B; test AUC next to B\'s own network')
  .option('-m, --model <dir>', 'a trained RecNN (at least two, repeat)', collect, [])
  .option('-d, --data <file>', 'the train-data .npz that model was trained on (one per --model, same order)', collect, [])
  .option('-n, --jets <n>', 'at most this many jets per split of each task (default: all)')
  .option('--epochs <n>', 'head epochs at most', '30')
  .option('--seed <k>', 'seed of the heads', '1')
  .option('-f, --format <fmt>', 'md, csv or json', 'md')
  .option('-o, --out <file>', 'file to write (default: stdout)')
  .option('--device <d>', 'cpu, cuda or auto', 'cpu')
  .option('-q, --quiet', 'no progress bar')
  .action(async (opts: { model: string[]; data: string[]; jets?: string; epochs: string; seed: string; format: string; out?: string; device: string; quiet?: boolean }) => {
    const format = parseTableFormat(opts.format);
    const bar = createCliProgress('transfer', { enabled: !opts.quiet });
    try {
      const rows = await runTransferStudy(modelDataPairs(opts.model, opts.data), {
        ...(opts.jets !== undefined ? { jets: parseNumber('jets', opts.jets) } : {}),
        epochs: parseNumber('epochs', opts.epochs),
        seed: parseNumber('seed', opts.seed),
        device: opts.device,
        onProgress: bar.onProgress,
      });
      bar.stop();
      await emit(formatTransferTable(rows, format), opts.out);
    } finally {
      bar.stop();
    }
  });

program.addCommand(probeDataCommand());
program.addCommand(saliencyCommand());

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0); // the reader went away (e.g. `| head`)
  throw e;
});

program.parseAsync().catch((e: unknown) => {
  process.stderr.write(LabError.isInstance(e) ? `error [${e.code}]: ${e.message}\n` : `error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
