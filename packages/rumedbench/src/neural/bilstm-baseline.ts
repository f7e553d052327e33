import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFormatError, LabError, loadModel, packageDir, toInt64Tensor, type ModelSession, type ProgressCallback } from '@lab/tensor-core';
import type { Baseline, BaselinePredictions, BaselineRunOptions } from '../baselines/baseline';
import { argmax, topK } from './logits';
import type { Prediction } from '../metrics/task-scores';
import type { TaskData, TaskItem } from '../tasks/load-task';
import { TASKS, type TaskName } from '../tasks/task-registry';
import { encodeForBilstm } from './bilstm-features';
import { Vocabulary } from './vocabulary';

/** Options of {@link BilstmBaseline}. */
export interface BilstmBaselineOptions {
  /** Directory with `bilstm-<task>/` model folders. @default the models shipped in this package */
  modelsDir?: string;
  /** @default 'cpu' */
  device?: string;
  /** Items per network call (items of equal length are batched together). @default 64 */
  batchSize?: number;
}

/** A loaded BiLSTM model with its vocabulary and labels. */
export interface BilstmModel {
  task: TaskName;
  model: ModelSession;
  vocab: Vocabulary;
  labels: string[];
}

/** Default directory of the shipped models. */
export function defaultModelsDir(): string {
  return join(packageDir(import.meta.url), 'models');
}

/**
 * Loads `bilstm-<task>/` (model.json + model.onnx, vocab.json, labels.json), checking the sha256.
 * @throws ModelNotFoundError / ChecksumMismatchError / DataFormatError
 */
export async function loadBilstm(task: TaskName, options: BilstmBaselineOptions = {}): Promise<BilstmModel> {
  const dir = join(options.modelsDir ?? defaultModelsDir(), `bilstm-${task.toLowerCase()}`);
  const model = await loadModel(join(dir, 'model.json'), { device: options.device ?? 'cpu' });
  const vocabPath = join(dir, 'vocab.json');
  const vocab = Vocabulary.fromJSON(JSON.parse(await readFile(vocabPath, 'utf8')), vocabPath);
  const labelsPath = join(dir, 'labels.json');
  const labels = (JSON.parse(await readFile(labelsPath, 'utf8')) as { labels?: unknown }).labels;
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string')) throw new DataFormatError(labelsPath, 'expected {"labels": [string, ...]}');
  const outDim = model.outputs[0]!.shape.at(-1);
  if (typeof outDim === 'number' && outDim !== labels.length) {
    throw new DataFormatError(labelsPath, `lists ${labels.length} labels but the model has ${outDim} outputs`);
  }
  return { task, model, vocab, labels: labels as string[] };
}

/**
 * Runs a BiLSTM model over items. Items are grouped by encoded length so that no padding reaches the LSTM, and each
 * group is cut into batches.
 * @returns per item: 3 ranked labels (ranking tasks), one label (pairs) or one tag per token (NER)
 */
export async function predictBilstm(m: BilstmModel, items: readonly TaskItem[], options: { batchSize?: number; onProgress?: ProgressCallback } = {}): Promise<Prediction[]> {
  const kind = TASKS[m.task].kind;
  const encoded = items.map((i) => encodeForBilstm(m.task, i, m.vocab));
  const byLength = new Map<number, number[]>();
  encoded.forEach((e, i) => byLength.set(e.length, [...(byLength.get(e.length) ?? []), i]));
  const out = new Array<Prediction>(items.length);
  const batchSize = options.batchSize ?? 64;
  const C = m.labels.length;
  let done = 0;
  for (const [L, members] of byLength) {
    for (let s = 0; s < members.length; s += batchSize) {
      const rows = members.slice(s, s + batchSize);
      const ids = new BigInt64Array(rows.length * L);
      rows.forEach((r, b) => encoded[r]!.forEach((id, k) => (ids[b * L + k] = BigInt(id))));
      const result = await m.model.run({ ids: toInt64Tensor(ids, [rows.length, L]) });
      const logits = Object.values(result)[0]!.data as Float32Array;
      rows.forEach((r, b) => {
        if (kind === 'tagging') {
          out[r] = Array.from({ length: L }, (_, k) => m.labels[argmax(logits, (b * L + k) * C, C)]!);
        } else if (kind === 'pair') {
          out[r] = m.labels[argmax(logits, b * C, C)]!;
        } else {
          out[r] = topK(logits, b * C, C, 3).map((j) => m.labels[j]!);
        }
      });
      done += rows.length;
      options.onProgress?.({ completed: done, total: items.length, label: `${m.task} bilstm` });
    }
  }
  return out;
}

/**
 * The BiLSTM baseline: networks trained in training/rumedbench/train_bilstm.py (300-d random word embeddings, 2-layer
 * BiLSTM) on each task's training split, shipped as ONNX and run through tensor-core. `run()` predicts dev and test
 * with the shipped (or given) models; it does not retrain.
 */
export class BilstmBaseline implements Baseline {
  readonly name = 'bilstm';

  constructor(private readonly options: BilstmBaselineOptions = {}) {}

  supports(task: TaskName): boolean {
    return existsSync(join(this.options.modelsDir ?? defaultModelsDir(), `bilstm-${task.toLowerCase()}`, 'model.json'));
  }

  async run(data: TaskData, options: BaselineRunOptions = {}): Promise<BaselinePredictions> {
    if (!this.supports(data.task)) throw new LabError('MODEL_NOT_FOUND', `No BiLSTM model for ${data.task}; train one with training/rumedbench/train_bilstm.py.`);
    const m = await loadBilstm(data.task, this.options);
    try {
      const n = data.dev.items.length + data.test.items.length;
      const progress = (offset: number): ProgressCallback => (e) => options.onProgress?.({ completed: offset + e.completed, total: n, label: e.label ?? '' });
      const dev = await predictBilstm(m, data.dev.items, { batchSize: this.options.batchSize ?? 64, onProgress: progress(0) });
      const test = await predictBilstm(m, data.test.items, { batchSize: this.options.batchSize ?? 64, onProgress: progress(data.dev.items.length) });
      return { dev, test };
    } finally {
      await m.model.dispose();
    }
  }
}
