import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ndarray, padBatch, tensorToNdarray, writeNpz, type NdArray } from '@lab/tensor-core';
import type { TaskData, TaskItem } from '../tasks/load-task';
import { TASKS, type TaskName } from '../tasks/task-registry';
import { SEP_ID, Vocabulary } from './vocabulary';
import { tokenizeWords } from './word-tokenizer';

/** Longest input of the text classifiers, in words (the paper's setting). */
export const BILSTM_MAX_LENGTH = 128;

/** Words of an item as the BiLSTM sees them (pairs joined by the separator token, added at encoding). */
export function bilstmWords(task: TaskName, item: TaskItem): string[][] {
  const kind = TASKS[task].kind;
  if (kind === 'tagging') return [item.tokens!.map((t) => t.toLowerCase())];
  return item.texts.map(tokenizeWords);
}

/**
 * Token ids of an item: one text cropped to {@link BILSTM_MAX_LENGTH}; a pair as `text1 <sep> text2` cropped to the same
 * length; NER tokens uncropped (one id per token). Empty texts give one `<unk>` so that every item has an input.
 */
export function encodeForBilstm(task: TaskName, item: TaskItem, vocab: Vocabulary): number[] {
  const parts = bilstmWords(task, item);
  if (TASKS[task].kind === 'tagging') return vocab.encode(parts[0]!);
  const ids: number[] = [];
  parts.forEach((words, i) => {
    if (i > 0) ids.push(SEP_ID);
    ids.push(...vocab.encode(words));
  });
  const cropped = ids.slice(0, BILSTM_MAX_LENGTH);
  return cropped.length ? cropped : [vocab.id('<unk>')];
}

/** The label list of a task for the neural heads: sorted training codes, or the task's fixed label set. */
export function labelList(data: TaskData): string[] {
  const spec = TASKS[data.task];
  if (spec.labels) return [...spec.labels];
  return [...new Set(data.train.items.map((i) => i.gold as string))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What {@link writeBilstmArrays} wrote. */
export interface BilstmArraysInfo {
  file: string;
  vocabSize: number;
  labels: string[];
  sizes: Record<string, number>;
}

/**
 * Writes the BiLSTM training arrays of a task for training/rumedbench/train_bilstm.py: `<out>/<Task>.npz` with
 * `{train,dev,test}_ids` (int64 `[n, L]`, 0-padded), `*_lengths` (int64 `[n]`) and `*_labels` (int64 `[n]`, or
 * `[n, L]` tags padded with -100; -1 marks a dev/test label unseen in training), plus `<Task>.vocab.json` and
 * `<Task>.labels.json`. The vocabulary keeps training words seen at least `minCount` times.
 */
export async function writeBilstmArrays(data: TaskData, outDir: string, options: { minCount?: number } = {}): Promise<BilstmArraysInfo> {
  const task = data.task;
  const vocab = Vocabulary.build(
    data.train.items.map((i) => bilstmWords(task, i).flat()),
    { minCount: options.minCount ?? 1 },
  );
  const labels = labelList(data);
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const tagging = TASKS[task].kind === 'tagging';
  const arrays: Record<string, NdArray> = {};
  const sizes: Record<string, number> = {};
  for (const split of ['train', 'dev', 'test'] as const) {
    const items = data[split].items;
    const encoded = items.map((i) => encodeForBilstm(task, i, vocab));
    const ids = padBatch(encoded, { dtype: 'int64' });
    const L = ids.values.dims[1]!;
    arrays[`${split}_ids`] = tensorToNdarray(ids.values);
    arrays[`${split}_lengths`] = ndarray('int64', [items.length], BigInt64Array.from(ids.lengths, BigInt));
    if (tagging) {
      const tags = items.map((i) => ((i.gold as string[] | undefined) ?? []).map((t) => labelIndex.get(t)!));
      arrays[`${split}_labels`] = tensorToNdarray(padBatch(tags, { dtype: 'int64', padValue: -100, maxLength: L }).values);
    } else {
      const y = BigInt64Array.from(items, (i) => BigInt(i.gold === undefined ? -1 : (labelIndex.get(i.gold as string) ?? -1)));
      arrays[`${split}_labels`] = ndarray('int64', [items.length], y);
    }
    sizes[split] = items.length;
  }
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `${task}.npz`);
  await writeNpz(file, arrays, { compress: true });
  await writeFile(join(outDir, `${task}.vocab.json`), JSON.stringify(vocab.toJSON()));
  await writeFile(join(outDir, `${task}.labels.json`), JSON.stringify({ task, labels }));
  return { file, vocabSize: vocab.size, labels, sizes };
}
