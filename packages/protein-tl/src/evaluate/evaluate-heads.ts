/**
 * The study's evaluation: fit each classification head on the training embeddings, predict the test embeddings, and
 * score the predictions with the study's metrics (error rate, errors, weighted precision / recall / F1).
 * @packageDocumentation
 */
import { InvalidArgumentError, throttleProgress, type WithProgress } from '@lab/tensor-core';
import { baselineMetrics } from '../baselines/baseline-metrics';
import { checkEmbeddings, type EmbeddingRows } from '../heads/embedding-matrix';
import { KnnEnsemble } from '../heads/knn-ensemble';
import { MlpEnsemble } from '../heads/mlp-ensemble';
import { MlpHead, type MlpHeadOptions } from '../heads/mlp-head';
import { NearestNeighbor } from '../heads/nearest-neighbor';
import type { ClassificationHead } from '../heads/head-io';
import type { NearestSearchOptions } from '../heads/nearest-search';
import { LabelIndex } from '../labels/label-index';

/** The study's heads, by their CLI names. */
export const HEAD_NAMES = Object.freeze(['knn', 'knn-ensemble', 'mlp', 'mlp-ensemble'] as const);
/** A head of the study: exact 1-NN, kNN ensemble, MLP, MLP ensemble. */
export type HeadName = (typeof HEAD_NAMES)[number];

/** The method names of the study's tables, per head. */
export const HEAD_METHODS: Readonly<Record<HeadName, string>> = Object.freeze({
  knn: '1-NN',
  'knn-ensemble': 'kNN ensemble',
  mlp: 'MLP',
  'mlp-ensemble': 'MLP ensemble',
});

/**
 * One row of the study's tables (JSON layout of `protein-tl evaluate --format json`).
 * `error_rate` is in percent; precision, recall and F1 are support-weighted over the test families (scikit-learn's
 * `average='weighted'`, zero division → 0).
 */
export interface EvaluationRow {
  /** e.g. `1-NN`, `MLP ensemble`, `HMMER`, `BLAST`. */
  method: string;
  /** The embedding (embedder name), or the input of a baseline (e.g. `profile HMM`). */
  embedding: string;
  error_rate: number;
  errors: number;
  precision: number;
  recall: number;
  f1_weighted: number;
}

/** Labelled embeddings: `[rows × dim]` vectors and one family per row. */
export interface LabeledEmbeddings {
  x: EmbeddingRows;
  families: readonly string[];
}

/** Options of {@link evaluateHeads}. */
export interface EvaluateHeadsOptions extends WithProgress {
  /** Heads to fit, in table order. @default all four */
  heads?: readonly HeadName[];
  /** Name of the embedding in the rows. */
  embedding: string;
  /** Development rows watched by the MLP heads' early stopping (without them: the training loss). */
  dev?: LabeledEmbeddings;
  /** Options of the MLP heads (hidden sizes, epochs, patience, …). @default the study's */
  mlp?: Omit<MlpHeadOptions, 'validation' | 'classes' | 'onProgress'>;
  /** Members of the ensembles. @default 10 */
  members?: number;
  /** Seed of the ensembles' splits and the MLPs' initialisation. @default 0 */
  seed?: number;
  /** Worker threads of the exact nearest-neighbour search. @default the search's */
  threads?: number;
}

/** What {@link evaluateHeads} returns: a row per head and each head's predictions (families, test order). */
export interface EvaluateHeadsResult {
  rows: EvaluationRow[];
  predictions: Record<string, string[]>;
  /** Seconds per head (fit + predict). */
  seconds: Record<string, number>;
}

/**
 * Parses a comma-separated list of heads (`knn,knn-ensemble,mlp,mlp-ensemble`).
 * @param text - the list
 * @returns the heads, in the given order, without duplicates
 * @throws InvalidArgumentError naming the unknown head and the valid ones
 * @example
 * ```ts
 * parseHeadNames('knn,mlp'); // ['knn', 'mlp']
 * ```
 */
export function parseHeadNames(text: string): HeadName[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new InvalidArgumentError('heads', `--heads is empty; choose from ${HEAD_NAMES.join(', ')}.`);
  for (const n of names) {
    if (!(HEAD_NAMES as readonly string[]).includes(n)) throw new InvalidArgumentError('heads', `Unknown head "${n}". Supported: ${HEAD_NAMES.join(', ')}.`);
  }
  return [...new Set(names)] as HeadName[];
}

/**
 * Fits the study's heads on training embeddings and scores them on test embeddings.
 *
 * @remarks
 * Families are indexed in sorted order of the training families ({@link LabelIndex}). A test (or development) row whose
 * family is absent from training cannot be predicted right and counts as an error (its predicted family is still a
 * training family). 1-NN and the kNN ensemble are exact Euclidean searches; the MLP heads follow the study
 * (500-100-100-1000, identity activations, Adam 1e-3, 1 % chunks, patience 10, ≤ 25 epochs) unless `mlp` says otherwise.
 *
 * @param train - training embeddings and families
 * @param test - test embeddings and families
 * @param dim - width of every row
 * @param options - heads, embedding name, development rows, MLP options, seed, progress
 * @returns a row per head with the study's metrics, and the predictions
 * @throws InvalidArgumentError for bad shapes, no rows or an unknown head
 * @example
 * ```ts
 * const { rows } = await evaluateHeads({ x: trainX, families: trainFamilies }, { x: testX, families: testFamilies }, 320, {
 *   embedding: 'ours', heads: ['knn', 'mlp'],
 * });
 * console.log(rows.map((r) => `${r.method}: ${r.error_rate.toFixed(2)}%`));
 * ```
 */
export async function evaluateHeads(train: LabeledEmbeddings, test: LabeledEmbeddings, dim: number, options: EvaluateHeadsOptions): Promise<EvaluateHeadsResult> {
  const heads = options.heads ?? HEAD_NAMES;
  for (const h of heads) if (!(HEAD_NAMES as readonly string[]).includes(h)) throw new InvalidArgumentError('heads', `Unknown head "${h}". Supported: ${HEAD_NAMES.join(', ')}.`);
  const tr = checkEmbeddings(train.x, dim, 'train.x');
  const te = checkEmbeddings(test.x, dim, 'test.x');
  if (train.families.length !== tr.rows) throw new InvalidArgumentError('train.families', `train has ${tr.rows} rows but ${train.families.length} families; give one family per row.`);
  if (test.families.length !== te.rows) throw new InvalidArgumentError('test.families', `test has ${te.rows} rows but ${test.families.length} families; give one family per row.`);
  if (tr.rows === 0 || te.rows === 0) throw new InvalidArgumentError(tr.rows === 0 ? 'train' : 'test', 'No rows to evaluate.');
  const index = LabelIndex.fromLabels(train.families);
  const classes = index.size;
  const y = Int32Array.from(train.families, (f) => index.indexOf(f));
  const seed = options.seed ?? 0;
  const members = options.members ?? 10;
  let validation: MlpHeadOptions['validation'];
  if (options.dev) {
    const dv = checkEmbeddings(options.dev.x, dim, 'dev.x');
    if (options.dev.families.length !== dv.rows) throw new InvalidArgumentError('dev.families', `dev has ${dv.rows} rows but ${options.dev.families.length} families.`);
    validation = knownFamilyRows(index, dv.data, options.dev.families, dim);
  }
  const progress = throttleProgress(options.onProgress);
  const search = options.threads !== undefined ? { threads: options.threads } : {};
  const rows: EvaluationRow[] = [];
  const predictions: Record<string, string[]> = {};
  const seconds: Record<string, number> = {};
  for (let k = 0; k < heads.length; k++) {
    const head = heads[k]!;
    const label = `${HEAD_METHODS[head]} (${k + 1}/${heads.length})`;
    progress({ completed: k, total: heads.length, label });
    const t0 = performance.now();
    const fitted = await fitHead(head, tr.data, y, dim, classes, {
      members,
      seed,
      mlp: {
        ...options.mlp,
        ...(validation ? { validation } : {}),
        onProgress: (p) => progress({ completed: k + p.completed / Math.max(1, p.total ?? 1), total: heads.length, label }),
      },
    });
    const predicted = await predictHead(fitted, te.data, search);
    seconds[head] = (performance.now() - t0) / 1e3;
    const families = Array.from(predicted, (c) => index.labelAt(c));
    predictions[head] = families;
    rows.push(metricsRow(HEAD_METHODS[head], options.embedding, test.families, families));
  }
  progress({ completed: heads.length, total: heads.length, label: 'heads' });
  return { rows, predictions, seconds };
}

/**
 * One table row from true and predicted families (`null`: no prediction, an error).
 * @param method - the method's name
 * @param embedding - the embedding's (or input's) name
 * @param truth - true families
 * @param predicted - predicted families
 * @returns the row
 * @example
 * ```ts
 * metricsRow('BLAST', 'sequence', ['PF1', 'PF2'], ['PF1', null]).errors; // 1
 * ```
 */
export function metricsRow(method: string, embedding: string, truth: readonly string[], predicted: readonly (string | null)[]): EvaluationRow {
  const m = baselineMetrics(truth, predicted);
  return { method, embedding, error_rate: m.errorRatePercent, errors: m.errors, precision: m.precision, recall: m.recall, f1_weighted: m.f1 };
}

/** Options of {@link fitHead}. */
export interface FitHeadOptions {
  /** Ensemble members. */
  members: number;
  /** Seed of the ensembles' splits and the MLPs' initialisation. */
  seed: number;
  /** The MLP heads' options (epochs, development rows, progress, …). */
  mlp?: Omit<MlpHeadOptions, 'classes' | 'seed'>;
}

/**
 * Fits one of the study's heads.
 * @param head - `knn`, `knn-ensemble`, `mlp` or `mlp-ensemble`
 * @param x - training rows `[n × dim]`
 * @param y - class index per row
 * @param dim - width of the rows
 * @param classes - number of classes
 * @param options - members, seed, MLP options
 * @returns the fitted head
 * @example
 * ```ts
 * const head = await fitHead('knn', x, y, 128, 100, { members: 10, seed: 0 });
 * ```
 */
export async function fitHead(head: HeadName, x: Float32Array, y: Int32Array, dim: number, classes: number, options: FitHeadOptions): Promise<ClassificationHead> {
  if (head === 'knn') return NearestNeighbor.fit(x, y, dim, { classes });
  if (head === 'knn-ensemble') return KnnEnsemble.fit(x, y, dim, { members: options.members, seed: options.seed, classes });
  const mlp: MlpHeadOptions = { ...options.mlp, classes: Math.max(2, classes), seed: options.seed };
  if (head === 'mlp') return MlpHead.fit(x, y, dim, mlp);
  return MlpEnsemble.fit(x, y, dim, { ...mlp, members: options.members });
}

/**
 * Class indices predicted by any head (the nearest-neighbour heads search with `search`).
 * @param head - a fitted head
 * @param x - query rows
 * @param search - worker threads of the nearest-neighbour search
 * @returns one class index per row
 * @example
 * ```ts
 * const yHat = await predictHead(head, testX);
 * ```
 */
export async function predictHead(head: ClassificationHead, x: Float32Array, search: NearestSearchOptions = {}): Promise<Int32Array> {
  return head instanceof NearestNeighbor || head instanceof KnnEnsemble ? head.predict(x, search) : head.predict(x);
}

/**
 * The rows whose family the label index knows, with their class indices (development rows of families absent from
 * training cannot steer the MLP's early stopping, so they are left out).
 * @param index - the training families
 * @param x - rows `[n × dim]`
 * @param families - one family per row
 * @param dim - width of the rows
 * @returns the kept rows and their classes
 * @example
 * ```ts
 * const validation = knownFamilyRows(index, devX, devFamilies, 128);
 * ```
 */
export function knownFamilyRows(index: LabelIndex, x: Float32Array, families: readonly string[], dim: number): { x: Float32Array; y: Int32Array } {
  const keep: number[] = [];
  families.forEach((f, i) => index.has(f) && keep.push(i));
  const out = new Float32Array(keep.length * dim);
  keep.forEach((r, i) => out.set(x.subarray(r * dim, (r + 1) * dim), i * dim));
  return { x: out, y: Int32Array.from(keep, (r) => index.indexOf(families[r]!)) };
}
