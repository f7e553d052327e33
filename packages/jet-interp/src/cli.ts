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

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0); // the reader went away (e.g. `| head`)
  throw e;
});

program.parseAsync().catch((e: unknown) => {
  process.stderr.write(LabError.isInstance(e) ? `error [${e.code}]: ${e.message}\n` : `error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
