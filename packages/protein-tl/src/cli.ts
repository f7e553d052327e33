#!/usr/bin/env node
/**
 * `protein-tl` command line: embed, train, classify, baseline, evaluate, corpus.
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { InvalidArgumentError, LabError } from '@lab/tensor-core';
import { createCliProgress } from '@lab/tensor-core/cli-progress';
import { version } from '../package.json';
import { corpusCommand } from './cli/corpus-command';
import { BASELINE_NAMES, baselineCommand, classifyCommand, embedCommand, evaluateCommand, parseBaselineNames, trainCommand, type BaselineName } from './cli/protein-commands';
import type { ResolveEmbedderOptions } from './embed/resolve-embedder';
import { HEAD_NAMES, parseHeadNames, type HeadName } from './evaluate/evaluate-heads';
import { formatEvaluation, parseEvaluationFormat } from './evaluate/format-evaluation';

const program = new Command();
program
  .name('protein-tl')
  .description('Pfam protein family classification by transfer learning from protein language model embeddings.')
  .version(version);

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(name, `--${name} must be a non-negative integer; received "${value}".`);
  return v;
}

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(name, `--${name} must be a number; received "${value}".`);
  return v;
}

interface EmbedderFlags {
  embedder?: string;
  cache?: string;
  threads?: string;
  batchSize?: string;
  maxLength?: string;
  device?: string;
  quiet?: boolean;
}

const EMBEDDER_HELP = 'default (our shipped protein language model), onehot[:L], kmer[:K], or a model directory from training/protein/export_esm2.py';

function withEmbedderFlags(cmd: Command): Command {
  return cmd
    .option('-e, --embedder <spec>', EMBEDDER_HELP, 'default')
    .option('--cache <dir>', 'embedding cache directory (keyed by sequence and embedder; created when missing)')
    .option('--threads <n>', 'onnxruntime intra-op threads of a model embedder')
    .option('--batch-size <n>', 'sequences per model call')
    .option('--max-length <n>', 'residues per model call; longer sequences are cropped to their centre (default: 1022 for ESM models, no crop for ProtT5)')
    .option('--device <device>', 'cpu, cuda or auto', 'cpu')
    .option('-q, --quiet', 'no progress bar');
}

function embedderOptions(o: EmbedderFlags): ResolveEmbedderOptions {
  const threads = int('threads', o.threads);
  const batchSize = int('batch-size', o.batchSize);
  const maxLength = int('max-length', o.maxLength);
  return {
    ...(o.device ? { device: o.device } : {}),
    ...(threads !== undefined ? { intraOpThreads: threads } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(maxLength !== undefined ? { maxLength } : {}),
  };
}

/** The embedder, its options and the cache, as the commands take them. */
function embeddingArgs(o: EmbedderFlags): { embedder: string; embedderOptions: ResolveEmbedderOptions; cache?: string } {
  return { embedder: o.embedder ?? 'default', embedderOptions: embedderOptions(o), ...(o.cache ? { cache: o.cache } : {}) };
}

/** Ensemble members, MLP epochs and seed. */
function headArgs(o: { members: string; maxEpochs: string; seed: string }): { members: number; maxEpochs: number; seed: number } {
  return { members: int('members', o.members)!, maxEpochs: int('max-epochs', o.maxEpochs)!, seed: int('seed', o.seed)! };
}

async function withBar<T>(title: string, quiet: boolean | undefined, run: (onProgress: ReturnType<typeof createCliProgress>['onProgress']) => Promise<T>): Promise<T> {
  const bar = createCliProgress(title, { enabled: !quiet });
  try {
    return await run(bar.onProgress);
  } finally {
    bar.stop();
  }
}

withEmbedderFlags(
  program
    .command('embed')
    .description('one mean-pooled vector per sequence of a Pfam CSV or FASTA file, written as a float32 .npy [rows, dim] in file order')
    .argument('<input>', 'Pfam CSV (.csv) or FASTA file (.gz accepted)')
    .requiredOption('-o, --out <file.npy>', 'output .npy'),
).action(async (input: string, o: EmbedderFlags & { out: string }) => {
  const r = await withBar('embed', o.quiet, (onProgress) =>
    embedCommand(input, o.out, { ...embeddingArgs(o), onProgress }),
  );
  process.stderr.write(`${r.rows} × ${r.dim} embeddings of ${r.embedder.name} → ${r.out} in ${r.seconds.toFixed(1)} s\n`);
});

withEmbedderFlags(
  program
    .command('train')
    .description('embed a labelled Pfam CSV and fit one head; the folder holds the head, the family order and the embedder record')
    .requiredOption('--train <file.csv>', 'training sequences (Pfam CSV with family_accession)')
    .requiredOption('--head <name>', `one of ${HEAD_NAMES.join(', ')}`)
    .requiredOption('-o, --out <dir>', 'output folder')
    .option('--dev <file.csv>', 'development sequences: early stopping of the MLP heads, and a reported error rate')
    .option('--members <n>', 'ensemble members', '10')
    .option('--max-epochs <n>', 'MLP epochs at most', '25')
    .option('--seed <n>', 'seed', '0'),
).action(async (o: EmbedderFlags & { train: string; head: string; out: string; dev?: string; members: string; maxEpochs: string; seed: string }) => {
  const [head] = parseHeadNames(o.head) as [HeadName];
  const r = await withBar('train', o.quiet, (onProgress) =>
    trainCommand({
      train: o.train,
      head,
      out: o.out,
      ...(o.dev ? { dev: o.dev } : {}),
      ...embeddingArgs(o),
      ...headArgs(o),
      onProgress,
    }),
  );
  const dev = r.devErrorRate !== undefined ? `; development error ${r.devErrorRate.toFixed(2)}%` : '';
  process.stderr.write(`${head} on ${r.rows} sequences of ${r.families} families (dim ${r.dim}) → ${r.out} in ${r.seconds.toFixed(1)} s${dev}\n`);
});

program
  .command('classify')
  .description('predict the family of every sequence with a head folder written by `protein-tl train` (prints name<TAB>family, or JSON)')
  .argument('<input>', 'Pfam CSV or FASTA file')
  .requiredOption('--head <dir>', 'head folder')
  .option('-e, --embedder <spec>', 'override the embedder recorded with the head (same id required)')
  .option('--cache <dir>', 'embedding cache directory')
  .option('--threads <n>', 'onnxruntime intra-op threads')
  .option('--format <fmt>', 'tsv or json', 'tsv')
  .option('-q, --quiet', 'no progress bar')
  .action(async (input: string, o: EmbedderFlags & { head: string; format: string }) => {
    if (o.format !== 'tsv' && o.format !== 'json') throw new InvalidArgumentError('format', `Unknown format "${o.format}". Supported: tsv, json.`);
    const r = await withBar('classify', o.quiet, (onProgress) =>
      classifyCommand(input, { head: o.head, ...(o.embedder ? { embedder: o.embedder } : {}), ...(o.cache ? { cache: o.cache } : {}), embedderOptions: embedderOptions(o), onProgress }),
    );
    if (o.format === 'json') process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else process.stdout.write(r.predictions.map((p) => `${p.name}\t${p.family}\n`).join(''));
    if (r.errorRate !== undefined) process.stderr.write(`error rate against the file's families: ${r.errorRate.toFixed(2)}%\n`);
  });

program
  .command('baseline')
  .description('homology baseline on a train/test pair: hmmer (hmmbuild per family, best hmmscan hit) or blast (best blastp hit)')
  .argument('<tool>', BASELINE_NAMES.join(' or '))
  .requiredOption('--train <file.csv>', 'training sequences (Pfam CSV)')
  .requiredOption('--test <file.csv>', 'test sequences (Pfam CSV)')
  .option('--threads <n>', 'threads of the tool')
  .option('--format <fmt>', 'md or json', 'md')
  .option('-q, --quiet', 'no progress bar')
  .action(async (tool: string, o: { train: string; test: string; threads?: string; format: string; quiet?: boolean }) => {
    const format = parseEvaluationFormat(o.format);
    const [which] = parseBaselineNames(tool) as [BaselineName];
    if (!which) throw new InvalidArgumentError('tool', `Name a baseline: ${BASELINE_NAMES.join(' or ')}.`);
    const threads = int('threads', o.threads);
    const r = await withBar(which, o.quiet, (onProgress) => baselineCommand(which, { train: o.train, test: o.test, ...(threads !== undefined ? { threads } : {}), onProgress }));
    process.stdout.write(formatEvaluation([r.row], format));
    if (!o.quiet) process.stderr.write(`build ${r.seconds.build.toFixed(1)} s, search ${r.seconds.search.toFixed(1)} s\n`);
  });

withEmbedderFlags(
  program
    .command('evaluate')
    .description("embed TRAIN and TEST, fit each head on TRAIN and score TEST: the study's Table 1 (error rate, errors) and Table 2 (precision, recall, weighted F1)")
    .requiredOption('--train <file.csv>', 'training sequences (Pfam CSV)')
    .requiredOption('--test <file.csv>', 'test sequences (Pfam CSV)')
    .option('--dev <file.csv>', 'development sequences for the MLP heads\' early stopping')
    .option('--heads <list>', `comma-separated: ${HEAD_NAMES.join(',')}`, HEAD_NAMES.join(','))
    .option('--baselines <list>', `also run homology baselines: ${BASELINE_NAMES.join(',')}`)
    .option('--format <fmt>', 'md or json', 'md')
    .option('--title <text>', 'heading of the Markdown tables')
    .option('--members <n>', 'ensemble members', '10')
    .option('--max-epochs <n>', 'MLP epochs at most', '25')
    .option('--seed <n>', 'seed', '0')
    .option('--out <file>', 'also write the text to this file'),
).action(async (o: EmbedderFlags & { train: string; test: string; dev?: string; heads: string; baselines?: string; format: string; title?: string; members: string; maxEpochs: string; seed: string; out?: string }) => {
  const format = parseEvaluationFormat(o.format);
  const heads = parseHeadNames(o.heads);
  const baselines = o.baselines ? parseBaselineNames(o.baselines) : [];
  const threads = int('threads', o.threads);
  const r = await withBar('evaluate', o.quiet, (onProgress) =>
    evaluateCommand({
      train: o.train,
      test: o.test,
      ...(o.dev ? { dev: o.dev } : {}),
      heads,
      baselines,
      format,
      ...(o.title ? { title: o.title } : {}),
      ...embeddingArgs(o),
      ...headArgs(o),
      ...(threads !== undefined ? { threads } : {}),
      onProgress,
    }),
  );
  process.stdout.write(r.text);
  if (o.out) await writeFile(o.out, r.text);
  if (!o.quiet) process.stderr.write(`seconds: ${JSON.stringify(Object.fromEntries(Object.entries(r.seconds).map(([k, v]) => [k, Number(v.toFixed(1))])))}\n`);
});

program
  .command('corpus')
  .description('write the masked-language-model pretraining corpus (ESM-2 token arrays as .npy) from FASTA files and BLAST databases, leaving out every protein that shares a k-mer with a labelled Pfam sequence')
  .argument('[inputs...]', 'FASTA files (.gz accepted) or protein BLAST databases (told apart automatically)')
  .requiredOption('-o, --out <dir>', 'output directory')
  .option('--fasta <file...>', 'FASTA files')
  .option('--blast-db <path...>', 'protein BLAST databases (paths without extension)')
  .option('--exclude <path...>', 'labelled Pfam CSV files, or directories of them, to leave out')
  .option('--kmer <k>', 'k of the exclusion', '20')
  .option('--min-length <n>', 'shortest protein kept', '30')
  .option('--seed <n>', 'shuffle and split seed', '0')
  .option('--valid-fraction <f>', 'held-out validation fraction', '0.01')
  .option('--no-checksums', 'skip the sha256 of the inputs')
  .option('-q, --quiet', 'no progress bar')
  .action(async (inputs: string[], o: { out: string; fasta?: string[]; blastDb?: string[]; exclude?: string[]; kmer: string; minLength: string; seed: string; validFraction: string; checksums: boolean; quiet?: boolean }) => {
    const r = await withBar('corpus', o.quiet, (onProgress) =>
      corpusCommand({
        out: o.out,
        inputs,
        ...(o.fasta ? { fasta: o.fasta } : {}),
        ...(o.blastDb ? { blastDb: o.blastDb } : {}),
        ...(o.exclude ? { exclude: o.exclude } : {}),
        kmer: int('kmer', o.kmer)!,
        minLength: int('min-length', o.minLength)!,
        seed: int('seed', o.seed)!,
        validFraction: num('valid-fraction', o.validFraction)!,
        checksums: o.checksums,
        onProgress,
      }),
    );
    process.stderr.write(`${r.summary}\n`);
  });

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0); // the reader went away (e.g. `| head`)
  throw e;
});

program.parseAsync().catch((e: unknown) => {
  process.stderr.write(LabError.isInstance(e) ? `error [${e.code}]: ${e.message}\n` : `error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
