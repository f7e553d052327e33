#!/usr/bin/env node
/**
 * `geodiff` command line: generate conformers, evaluate them, and write training arrays.
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { LabError } from '@lab/tensor-core';
import { createCliProgress } from '@lab/tensor-core/cli-progress';
import { version } from '../package.json';
import { readSdf } from './molecule/sdf';
import { writeTrainingArrays } from './train-data/training-arrays';

const program = new Command();
program.name('geodiff').description('GeoDiff: 3D conformers from molecular graphs by geometric diffusion.').version(version);

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
    for (const s of skipped) process.stderr.write(`skipped ${opts.input}:${s.line} ${s.input}: ${s.reason}\n`);
    const counts = await writeTrainingArrays(opts.out, molecules, { order: Number(opts.order), onProgress: bar.onProgress });
    bar.stop();
    console.log(`${opts.out}: ${counts.numConformers} conformers of ${counts.numMolecules} molecules, ${counts.numAtoms} atoms, ${counts.numEdges} local edges (${skipped.length} records skipped)`);
  });

program.parseAsync().catch((e: unknown) => {
  process.stderr.write(LabError.isInstance(e) ? `error [${e.code}]: ${e.message}\n` : `error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
