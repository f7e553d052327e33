import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, ndarray, padBatch, tensorToNdarray, writeNpz, type NdArray, type ProgressCallback } from '@lab/tensor-core';
import { labelList } from '../neural/bilstm-features';
import type { TaskData, TaskItem } from '../tasks/load-task';
import { TASKS, type TaskName } from '../tasks/task-registry';
import { IGNORE_LABEL, alignLabelsToTokens } from './align-labels';
import type { BertEncoding, BertTokenizerBase } from './bert-tokenizer-base';
import { WordPieceTokenizer } from './wordpiece-tokenizer';
import { trainWordPieceVocab, vocabToText } from './wordpiece-trainer';

/** How a BERT model reads a task: one text, a text pair, or one label per word. */
export type BertHeadKind = 'single' | 'pair' | 'token';

/** The BERT head kind of a task. */
export function bertHeadKind(task: TaskName): BertHeadKind {
  const kind = TASKS[task].kind;
  return kind === 'tagging' ? 'token' : kind === 'pair' ? 'pair' : 'single';
}

/** Length limits of BERT encodings (special tokens included). */
export interface BertLengths {
  /** Single texts and word sequences. @default 128 */
  maxLength?: number;
  /** Text pairs (the longer text is cut first). @default 256 */
  pairMaxLength?: number;
}

/** An encoded item: the encoding and, for word sequences, which word each token came from. */
export interface BertItemEncoding {
  encoding: BertEncoding;
  /** Per token its word index (-1 for special tokens); word sequences only. */
  wordIds?: number[];
}

/**
 * Encodes one item for a BERT head: `[CLS] text [SEP]` for single texts, `[CLS] a [SEP] b [SEP]` (longest first
 * truncation) for pairs, and each NER token as a word of its own for token classification.
 */
export function encodeBertItem(task: TaskName, item: TaskItem, tokenizer: BertTokenizerBase, lengths: BertLengths = {}): BertItemEncoding {
  const head = bertHeadKind(task);
  const maxLength = lengths.maxLength ?? 128;
  if (head === 'token') {
    const e = tokenizer.encodeWords(item.tokens ?? [], { maxLength });
    return { encoding: e, wordIds: e.wordIds };
  }
  if (head === 'pair') return { encoding: tokenizer.encode(item.texts[0] ?? '', item.texts[1] ?? '', { maxLength: lengths.pairMaxLength ?? 256 }) };
  return { encoding: tokenizer.encode(item.texts[0] ?? '', undefined, { maxLength }) };
}

/** The texts a BERT vocabulary and masked-language-model pretraining see for an item (NER tokens joined by spaces). */
export function bertPretrainTexts(task: TaskName, item: TaskItem): string[] {
  return TASKS[task].kind === 'tagging' ? [(item.tokens ?? []).join(' ')] : item.texts;
}

/** Options of {@link writeBertArrays}. */
export interface BertArraysOptions extends BertLengths {
  /** WordPiece vocabulary size. @default 6000 */
  vocabSize?: number;
  onProgress?: ProgressCallback;
}

/** What {@link writeBertArrays} wrote. */
export interface BertArraysInfo {
  vocabFile: string;
  vocabSize: number;
  pretrainRows: number;
  tasks: Record<string, { file: string; labels: string[]; sizes: Record<string, number> }>;
}

/** Right-pads int64 rows to `width` columns with `fill`. */
function int64(rows: readonly number[][], width: number, fill: number): NdArray {
  return tensorToNdarray(padBatch(rows, { dtype: 'int64', padValue: fill, maxLength: width }).values);
}

/**
 * Writes what training/rumedbench/train_bert.py reads:
 * - `vocab.txt`: a lower-cased WordPiece vocabulary trained on the training texts of the given tasks;
 * - `bert-data.json`: the vocabulary settings, special ids, length limits, and per task its head kind and labels;
 * - `pretrain.npz`: `input_ids` (int64 `[n, L]`, 0-padded) and `lengths` — every distinct training text as
 *   `[CLS] pieces [SEP]` rows of at most `maxLength` tokens (long texts continue on the next row);
 * - `<Task>.npz`: per split `*_input_ids`, `*_token_type_ids`, `*_attention_mask` (int64 `[n, L]`) and `*_labels`
 *   (`[n]` class index, -1 when unseen in training; or `[n, L]` tag index on the first piece of each word, -100 elsewhere).
 * Only training splits shape the vocabulary and the pretraining corpus.
 */
export async function writeBertArrays(tasks: readonly TaskData[], outDir: string, options: BertArraysOptions = {}): Promise<BertArraysInfo> {
  if (tasks.length === 0) throw new InvalidArgumentError('tasks', 'tasks is empty: load at least one task to build the vocabulary from.');
  const maxLength = options.maxLength ?? 128;
  const pairMaxLength = options.pairMaxLength ?? 256;
  const texts = [...new Set(tasks.flatMap((d) => d.train.items.flatMap((i) => bertPretrainTexts(d.task, i))))];
  const vocab = trainWordPieceVocab(texts, { vocabSize: options.vocabSize ?? 6000, doLowerCase: true, stripAccents: false, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const vocabText = vocabToText(vocab);
  const tokenizer = WordPieceTokenizer.fromVocabText(vocabText, { doLowerCase: true, stripAccents: false });
  await mkdir(outDir, { recursive: true });
  const vocabFile = join(outDir, 'vocab.txt');
  await writeFile(vocabFile, vocabText);

  const rows: number[][] = [];
  for (const text of texts) {
    const ids = tokenizer.convertTokensToIds(tokenizer.tokenize(text));
    for (let s = 0; s === 0 || s < ids.length; s += maxLength - 2) rows.push([tokenizer.clsId, ...ids.slice(s, s + maxLength - 2), tokenizer.sepId]);
  }
  const width = Math.max(...rows.map((r) => r.length));
  const lengths = new BigInt64Array(rows.map((r) => BigInt(r.length)));
  await writeNpz(join(outDir, 'pretrain.npz'), { input_ids: int64(rows, width, tokenizer.padId), lengths: ndarray('int64', [rows.length], lengths) }, { compress: true });

  const info: BertArraysInfo = { vocabFile, vocabSize: vocab.length, pretrainRows: rows.length, tasks: {} };
  const meta: Record<string, unknown> = {};
  for (const data of tasks) {
    const head = bertHeadKind(data.task);
    const labels = labelList(data);
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    const arrays: Record<string, NdArray> = {};
    const sizes: Record<string, number> = {};
    for (const split of ['train', 'dev', 'test'] as const) {
      const items = data[split].items;
      const encoded = items.map((i) => encodeBertItem(data.task, i, tokenizer, { maxLength, pairMaxLength }));
      const L = Math.max(1, ...encoded.map((e) => e.encoding.inputIds.length));
      arrays[`${split}_input_ids`] = int64(encoded.map((e) => e.encoding.inputIds), L, tokenizer.padId);
      arrays[`${split}_token_type_ids`] = int64(encoded.map((e) => e.encoding.tokenTypeIds), L, 0);
      arrays[`${split}_attention_mask`] = int64(encoded.map((e) => e.encoding.attentionMask), L, 0);
      if (head === 'token') {
        const tagRows = encoded.map((e, r) => {
          const gold = items[r]!.gold as string[] | undefined;
          return gold ? alignLabelsToTokens(e.wordIds!, gold.map((t) => labelIndex.get(t)!)) : e.wordIds!.map(() => IGNORE_LABEL);
        });
        arrays[`${split}_labels`] = int64(tagRows, L, IGNORE_LABEL);
      } else {
        const y = new BigInt64Array(items.map((i) => BigInt(i.gold === undefined ? -1 : (labelIndex.get(i.gold as string) ?? -1))));
        arrays[`${split}_labels`] = ndarray('int64', [items.length], y);
      }
      sizes[split] = items.length;
    }
    const file = join(outDir, `${data.task}.npz`);
    await writeNpz(file, arrays, { compress: true });
    info.tasks[data.task] = { file, labels, sizes };
    meta[data.task] = { kind: head, labels, sizes };
  }
  const special = { pad: tokenizer.padId, unk: tokenizer.unkId, cls: tokenizer.clsId, sep: tokenizer.sepId, mask: tokenizer.maskId };
  await writeFile(
    join(outDir, 'bert-data.json'),
    JSON.stringify({ vocabSize: vocab.length, doLowerCase: true, stripAccents: false, special, maxLength, pairMaxLength, pretrainRows: rows.length, tasks: meta }, null, 2),
  );
  return info;
}
