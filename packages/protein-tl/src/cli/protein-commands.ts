/**
 * The `protein-tl` commands as functions (the CLI parses options and prints; tests call these directly): embed, train,
 * classify, baseline, evaluate.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError, ModelNotFoundError, ndarray, throttleProgress, writeNpy, type WithProgress } from '@lab/tensor-core';
import { baselineMetrics } from '../baselines/baseline-metrics';
import { runBlastBaseline } from '../baselines/blast-baseline';
import { runHmmerBaseline } from '../baselines/hmmer-baseline';
import { embedWithCache } from '../cache/embed-with-cache';
import { EmbeddingCache } from '../cache/embedding-cache';
import type { ProteinEmbedder } from '../embed/protein-embedder';
import { resolveEmbedder, type ResolveEmbedderOptions } from '../embed/resolve-embedder';
import { HEAD_METHODS, evaluateHeads, fitHead, knownFamilyRows, metricsRow, predictHead, type EvaluationRow, type HeadName } from '../evaluate/evaluate-heads';
import { formatEvaluation, type EvaluationFormat } from '../evaluate/format-evaluation';
import { loadHead, saveHead } from '../heads/head-io';
import { readLabelOrder, writeLabelOrder } from '../io/label-order';
import { readSequences, requireFamilies, type SequenceTable } from '../io/read-sequences';
import { LabelIndex } from '../labels/label-index';

/** Options shared by the commands that embed. */
export interface EmbeddingCommandOptions extends WithProgress {
  /** `default`, `onehot[:L]`, `kmer[:K]` or a model directory. @default 'default' */
  embedder?: string;
  /** An embedding cache directory (created when missing). */
  cache?: string;
  /** Options of a model embedder (device, threads, batch size, crop length). */
  embedderOptions?: ResolveEmbedderOptions;
}

/** The homology baselines. */
export const BASELINE_NAMES = Object.freeze(['hmmer', 'blast'] as const);
/** `hmmer` or `blast`. */
export type BaselineName = (typeof BASELINE_NAMES)[number];

/**
 * Parses a comma-separated list of baselines.
 * @param text - e.g. `hmmer,blast`
 * @returns the baselines
 * @throws InvalidArgumentError naming the unknown one
 * @example
 * ```ts
 * parseBaselineNames('blast'); // ['blast']
 * ```
 */
export function parseBaselineNames(text: string): BaselineName[] {
  const names = [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  for (const n of names) if (!(BASELINE_NAMES as readonly string[]).includes(n)) throw new InvalidArgumentError('baselines', `Unknown baseline "${n}". Supported: ${BASELINE_NAMES.join(', ')}.`);
  return names as BaselineName[];
}

/** Embeds sequences, through the cache when one is given. */
async function embedSequences(embedder: ProteinEmbedder, sequences: readonly string[], cacheDir: string | undefined, onProgress: WithProgress['onProgress'], label: string): Promise<Float32Array> {
  const progress = onProgress ? (p: Parameters<NonNullable<WithProgress['onProgress']>>[0]) => onProgress({ ...p, label: p.label ? `${label}: ${p.label}` : label }) : undefined;
  if (!cacheDir) return embedder.embedPooled(sequences, progress ? { onProgress: progress } : {});
  const cache = await EmbeddingCache.open(cacheDir, { embedderId: embedder.id, dim: embedder.dim });
  try {
    return (await embedWithCache(embedder, sequences, { cache, ...(progress ? { onProgress: progress } : {}) })).vectors;
  } finally {
    await cache.close();
  }
}

/** What {@link embedCommand} returns. */
export interface EmbedCommandResult {
  rows: number;
  dim: number;
  embedder: { name: string; id: string };
  out: string;
  seconds: number;
}

/**
 * `protein-tl embed`: one mean-pooled vector per sequence of a Pfam CSV or FASTA file, written as a float32 `.npy`
 * `[rows, dim]` in file order.
 * @param input - the sequences
 * @param out - the `.npy` to write
 * @param options - embedder, cache, progress
 * @returns rows, width, embedder and time
 * @example
 * ```ts
 * await embedCommand('test_100.csv', 'test.npy', { embedder: 'kmer' });
 * ```
 */
export async function embedCommand(input: string, out: string, options: EmbeddingCommandOptions = {}): Promise<EmbedCommandResult> {
  if (!out.endsWith('.npy')) throw new InvalidArgumentError('out', `--out must name a .npy file; received "${out}".`);
  const t0 = performance.now();
  const table = await readSequences(input);
  const embedder = await resolveEmbedder(options.embedder ?? 'default', options.embedderOptions);
  try {
    const x = await embedSequences(embedder, table.sequences, options.cache, options.onProgress, 'embed');
    await writeNpy(out, ndarray('float32', [table.sequences.length, embedder.dim], x));
    return { rows: table.sequences.length, dim: embedder.dim, embedder: { name: embedder.name, id: embedder.id }, out, seconds: (performance.now() - t0) / 1e3 };
  } finally {
    await embedder.dispose();
  }
}

/** The file of a trained head folder that records its embedder. */
export const HEAD_EMBEDDER_FILE = 'embedder.json';
/** The file of a trained head folder that lists the families in class order. */
export const HEAD_LABELS_FILE = 'labels.txt';

interface HeadEmbedderRecord {
  format: 'protein-tl-head-embedder';
  version: 1;
  spec: string;
  id: string;
  name: string;
  dim: number;
}

/** Options of {@link trainCommand}. */
export interface TrainCommandOptions extends EmbeddingCommandOptions {
  /** Labelled training sequences (Pfam CSV). */
  train: string;
  /** Development sequences for the MLP's early stopping (Pfam CSV). */
  dev?: string;
  /** The head. */
  head: HeadName;
  /** Output folder. */
  out: string;
  /** Ensemble members. @default 10 */
  members?: number;
  /** Seed. @default 0 */
  seed?: number;
  /** MLP epochs at most. @default 25 */
  maxEpochs?: number;
}

/** What {@link trainCommand} returns. */
export interface TrainCommandResult {
  head: HeadName;
  rows: number;
  families: number;
  dim: number;
  out: string;
  seconds: number;
  /** Error rate (%) on the development sequences, when given. */
  devErrorRate?: number;
}

/**
 * `protein-tl train`: embeds the training sequences and fits one head; writes the head (`head.json` + arrays), the
 * family order (`labels.txt`) and the embedder it needs (`embedder.json`) into a folder.
 * @param options - training file, head, output folder, embedder, cache, seed
 * @returns sizes, time and (with `dev`) the development error rate
 * @example
 * ```ts
 * await trainCommand({ train: 'train_100.csv', head: 'knn', out: 'heads/knn', embedder: 'kmer' });
 * ```
 */
export async function trainCommand(options: TrainCommandOptions): Promise<TrainCommandResult> {
  const t0 = performance.now();
  const spec = options.embedder ?? 'default';
  const train = await readSequences(options.train);
  const families = requireFamilies(train, 'train');
  const dev = options.dev ? await readSequences(options.dev) : undefined;
  const index = LabelIndex.fromLabels(families);
  const embedder = await resolveEmbedder(spec, options.embedderOptions);
  try {
    const x = await embedSequences(embedder, train.sequences, options.cache, options.onProgress, 'embed train');
    const y = index.encode(families);
    let validation: { x: Float32Array; y: Int32Array } | undefined;
    let devX: Float32Array | undefined;
    if (dev) {
      const devFamilies = requireFamilies(dev, 'dev');
      devX = await embedSequences(embedder, dev.sequences, options.cache, options.onProgress, 'embed dev');
      validation = knownFamilyRows(index, devX, devFamilies, embedder.dim);
    }
    const head = await fitHead(options.head, x, y, embedder.dim, index.size, {
      members: options.members ?? 10,
      seed: options.seed ?? 0,
      mlp: {
        maxEpochs: options.maxEpochs ?? 25,
        ...(validation ? { validation } : {}),
        ...(options.onProgress ? { onProgress: (p) => options.onProgress!({ ...p, label: `train ${HEAD_METHODS[options.head]}` }) } : {}),
      },
    });
    await mkdir(options.out, { recursive: true });
    await saveHead(options.out, head);
    await writeLabelOrder(join(options.out, HEAD_LABELS_FILE), index.labels);
    const record: HeadEmbedderRecord = { format: 'protein-tl-head-embedder', version: 1, spec, id: embedder.id, name: embedder.name, dim: embedder.dim };
    await writeFile(join(options.out, HEAD_EMBEDDER_FILE), `${JSON.stringify(record, null, 2)}\n`);
    let devErrorRate: number | undefined;
    if (dev && devX) {
      const predicted = await predictHead(head, devX);
      devErrorRate = baselineMetrics(requireFamilies(dev, 'dev'), Array.from(predicted, (c) => index.labelAt(c))).errorRatePercent;
    }
    return { head: options.head, rows: train.sequences.length, families: index.size, dim: embedder.dim, out: options.out, seconds: (performance.now() - t0) / 1e3, ...(devErrorRate !== undefined ? { devErrorRate } : {}) };
  } finally {
    await embedder.dispose();
  }
}

/** Options of {@link classifyCommand}. */
export interface ClassifyCommandOptions extends Omit<EmbeddingCommandOptions, 'embedder'> {
  /** A folder written by {@link trainCommand}. */
  head: string;
  /** Override the embedder recorded with the head (its id must still match). */
  embedder?: string;
}

/** One prediction of {@link classifyCommand}. */
export interface Classification {
  name: string;
  family: string;
  /** The true family, when the input was a labelled CSV. */
  trueFamily?: string;
}

/**
 * `protein-tl classify`: predicts the family of every sequence with a trained head folder, embedding with the embedder
 * recorded in it.
 * @param input - Pfam CSV or FASTA
 * @param options - head folder, cache, progress
 * @returns the predictions in input order (and the error rate for a labelled CSV)
 * @throws DataFormatError when the head folder lacks its labels or embedder record, or the embedder's id differs
 * @example
 * ```ts
 * const { predictions } = await classifyCommand('queries.fasta', { head: 'heads/knn' });
 * ```
 */
export async function classifyCommand(input: string, options: ClassifyCommandOptions): Promise<{ predictions: Classification[]; errorRate?: number }> {
  const recordPath = join(options.head, HEAD_EMBEDDER_FILE);
  const labelsPath = join(options.head, HEAD_LABELS_FILE);
  for (const p of [recordPath, labelsPath]) if (!existsSync(p)) throw new ModelNotFoundError(p, 'head file (write the folder with `protein-tl train`)');
  let record: HeadEmbedderRecord;
  try {
    record = JSON.parse(await readFile(recordPath, 'utf8')) as HeadEmbedderRecord;
  } catch (e) {
    throw new DataFormatError(recordPath, `is not valid JSON: ${(e as Error).message}`, undefined, { cause: e });
  }
  if (record.format !== 'protein-tl-head-embedder' || typeof record.spec !== 'string' || typeof record.id !== 'string') {
    throw new DataFormatError(recordPath, 'is not a protein-tl embedder record ({format: "protein-tl-head-embedder", spec, id, name, dim}); retrain with `protein-tl train`.');
  }
  const labels = await readLabelOrder(labelsPath);
  const head = await loadHead(options.head);
  const table: SequenceTable = await readSequences(input);
  const embedder = await resolveEmbedder(options.embedder ?? record.spec, options.embedderOptions);
  try {
    if (embedder.id !== record.id) {
      throw new DataFormatError(recordPath, `the head was trained on embeddings of "${record.name}" (id ${record.id}) but --embedder gives "${embedder.name}" (id ${embedder.id}); use the same embedder and settings, or retrain.`);
    }
    const x = await embedSequences(embedder, table.sequences, options.cache, options.onProgress, 'embed');
    const predicted = await predictHead(head, x);
    const predictions = table.names.map((name, i) => ({ name, family: labels[predicted[i]!]!, ...(table.families ? { trueFamily: table.families[i]! } : {}) }));
    const errorRate = table.families ? baselineMetrics(table.families, predictions.map((p) => p.family)).errorRatePercent : undefined;
    return { predictions, ...(errorRate !== undefined ? { errorRate } : {}) };
  } finally {
    await embedder.dispose();
  }
}

/** Options of {@link baselineCommand}. */
export interface BaselineCommandOptions extends WithProgress {
  train: string;
  test: string;
  /** Threads of hmmscan / blastp. */
  threads?: number;
}

/**
 * `protein-tl baseline hmmer|blast`: the homology baseline on a train/test pair, scored like the heads.
 * @param which - `hmmer` or `blast`
 * @param options - files, threads, progress
 * @returns one table row and the tool's build/search times
 * @throws ExternalToolError naming the Debian package when the tool is missing
 * @example
 * ```ts
 * const { row } = await baselineCommand('blast', { train: 'train_100.csv', test: 'test_100.csv' });
 * ```
 */
export async function baselineCommand(which: BaselineName, options: BaselineCommandOptions): Promise<{ row: EvaluationRow; seconds: { build: number; search: number } }> {
  if (!(BASELINE_NAMES as readonly string[]).includes(which)) throw new InvalidArgumentError('baseline', `Unknown baseline "${which}". Supported: ${BASELINE_NAMES.join(', ')}.`);
  const train = await readSequences(options.train);
  const test = await readSequences(options.test);
  const trainFamilies = requireFamilies(train, 'train');
  const truth = requireFamilies(test, 'test');
  const labelled = train.sequences.map((sequence, i) => ({ sequence, familyAccession: trainFamilies[i]! }));
  const queries = test.sequences.map((sequence) => ({ sequence }));
  const run = which === 'hmmer' ? runHmmerBaseline : runBlastBaseline;
  const result = await run(labelled, queries, { ...(options.threads !== undefined ? { threads: options.threads } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const row = metricsRow(which === 'hmmer' ? 'HMMER' : 'BLAST', which === 'hmmer' ? 'profile HMM' : 'sequence', truth, result.predictions);
  return { row, seconds: result.seconds };
}

/** Options of {@link evaluateCommand}. */
export interface EvaluateCommandOptions extends EmbeddingCommandOptions {
  train: string;
  test: string;
  /** Development sequences for the MLP heads' early stopping. */
  dev?: string;
  /** @default all four; an empty list evaluates only the baselines (nothing is embedded) */
  heads?: readonly HeadName[];
  /** Homology baselines to add as rows. @default none */
  baselines?: readonly BaselineName[];
  /** @default 'md' */
  format?: EvaluationFormat;
  /** Markdown heading suffix. */
  title?: string;
  /** Ensemble members. @default 10 */
  members?: number;
  seed?: number;
  /** MLP epochs at most. @default 25 */
  maxEpochs?: number;
  /** Baseline threads. */
  threads?: number;
}

/**
 * `protein-tl evaluate`: embeds TRAIN and TEST, fits each head on TRAIN, scores TEST, optionally runs the homology
 * baselines, and formats the study's tables (Markdown) or rows (JSON).
 * @param options - files, embedder, heads, baselines, format
 * @returns the rows and the formatted text
 * @example
 * ```ts
 * const { text } = await evaluateCommand({ train: 'train_100.csv', test: 'test_100.csv', embedder: 'kmer', heads: ['knn'], format: 'json' });
 * ```
 */
export async function evaluateCommand(options: EvaluateCommandOptions): Promise<{ rows: EvaluationRow[]; text: string; seconds: Record<string, number> }> {
  const spec = options.embedder ?? 'default';
  const train = await readSequences(options.train);
  const test = await readSequences(options.test);
  const trainFamilies = requireFamilies(train, 'train');
  const testFamilies = requireFamilies(test, 'test');
  const dev = options.dev ? await readSequences(options.dev) : undefined;
  const progress = throttleProgress(options.onProgress);
  const seconds: Record<string, number> = {};
  const rows: EvaluationRow[] = [];
  const onProgress = options.onProgress ? progress : undefined;
  // no heads: only the baselines, nothing to embed
  const embedder = options.heads?.length === 0 ? undefined : await resolveEmbedder(spec, options.embedderOptions);
  try {
    let t = performance.now();
    if (embedder) {
      const trainX = await embedSequences(embedder, train.sequences, options.cache, onProgress, 'embed train');
      const testX = await embedSequences(embedder, test.sequences, options.cache, onProgress, 'embed test');
      const devX = dev ? await embedSequences(embedder, dev.sequences, options.cache, onProgress, 'embed dev') : undefined;
      seconds['embed'] = (performance.now() - t) / 1e3;
      const r = await evaluateHeads({ x: trainX, families: trainFamilies }, { x: testX, families: testFamilies }, embedder.dim, {
        embedding: embedder.name,
        ...(options.heads ? { heads: options.heads } : {}),
        ...(dev && devX ? { dev: { x: devX, families: requireFamilies(dev, 'dev') } } : {}),
        ...(options.maxEpochs !== undefined ? { mlp: { maxEpochs: options.maxEpochs } } : {}),
        ...(options.members !== undefined ? { members: options.members } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(onProgress ? { onProgress } : {}),
      });
      rows.push(...r.rows);
      Object.assign(seconds, r.seconds);
    }
    for (const b of options.baselines ?? []) {
      t = performance.now();
      const labelled = train.sequences.map((sequence, i) => ({ sequence, familyAccession: trainFamilies[i]! }));
      const run = b === 'hmmer' ? runHmmerBaseline : runBlastBaseline;
      const res = await run(labelled, test.sequences.map((sequence) => ({ sequence })), {
        ...(options.threads !== undefined ? { threads: options.threads } : {}),
        ...(onProgress ? { onProgress: (p) => onProgress({ ...p, label: b }) } : {}),
      });
      rows.push(metricsRow(b === 'hmmer' ? 'HMMER' : 'BLAST', b === 'hmmer' ? 'profile HMM' : 'sequence', testFamilies, res.predictions));
      seconds[b] = (performance.now() - t) / 1e3;
    }
  } finally {
    await embedder?.dispose();
  }
  if (rows.length === 0) throw new InvalidArgumentError('heads', 'Nothing to evaluate: no heads and no baselines; name at least one.');
  const text = formatEvaluation(rows, options.format ?? 'md', { ...(options.title ? { title: options.title } : {}), testSequences: test.sequences.length });
  return { rows, text, seconds };
}
