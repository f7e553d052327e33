import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError, loadModel, type ModelSession, type ProgressCallback, type Tensor } from '@lab/tensor-core';
import type { TaskItem } from '../tasks/load-task';
import type { TaskName } from '../tasks/task-registry';
import { argmax, topK } from '../neural/logits';
import { wordPredictionsFromTokens } from './align-labels';
import { bertHeadKind, encodeBertItem, type BertItemEncoding } from './bert-features';
import type { BertBatch, BertTokenizerBase } from './bert-tokenizer-base';
import { HfJsonBertTokenizer } from './hf-json-tokenizer';
import { WordPieceTokenizer } from './wordpiece-tokenizer';

/** How token states become one vector: the `[CLS]` state, the mean over real tokens, or BERT's tanh pooler. */
export type BertPooling = 'cls' | 'mean' | 'pooler';

/** `bert.json`, written next to model.json by training/rumedbench/train_bert.py and export_hf_bert.py. */
export interface BertModelConfig {
  /** `encoder` models output `last_hidden_state`; the others output `logits`. */
  head: 'encoder' | 'single' | 'pair' | 'token';
  /** Pooling baked into a single/pair model's graph (informational), or null. */
  pooling: BertPooling | null;
  /** Task the head was trained for, or null. */
  task: string | null;
  /** Class or tag names of the head's outputs, or null for encoders. */
  labels: string[] | null;
  /** Longest encoding the model accepts (special tokens included). */
  maxLength: number;
  doLowerCase: boolean;
  stripAccents: boolean;
  /** WordPiece `vocab.txt`, relative to the model directory. */
  vocab?: string;
  /** Hugging Face `tokenizer.json`, relative to the model directory (used instead of `vocab` when present). */
  tokenizer?: string;
  /** Hidden size of the encoder. */
  hidden?: number;
}

/** A loaded BERT model with its tokenizer and configuration. */
export interface BertModel {
  dir: string;
  config: BertModelConfig;
  model: ModelSession;
  tokenizer: BertTokenizerBase;
}

const HEADS = ['encoder', 'single', 'pair', 'token'];

function parseConfig(raw: unknown, file: string): BertModelConfig {
  if (typeof raw !== 'object' || raw === null) throw new DataFormatError(file, 'expected a JSON object.');
  const c = raw as Record<string, unknown>;
  const fail = (field: string, want: string): never => {
    throw new DataFormatError(file, `field "${field}" must be ${want}, found ${JSON.stringify(c[field])}; re-export the model with training/rumedbench/train_bert.py or export_hf_bert.py.`);
  };
  if (!HEADS.includes(c['head'] as string)) fail('head', `one of ${HEADS.join(', ')}`);
  if (c['pooling'] !== null && c['pooling'] !== undefined && !['cls', 'mean', 'pooler'].includes(c['pooling'] as string)) fail('pooling', 'cls, mean, pooler or null');
  if (!Number.isInteger(c['maxLength']) || (c['maxLength'] as number) < 2) fail('maxLength', 'an integer ≥ 2');
  if (typeof c['doLowerCase'] !== 'boolean') fail('doLowerCase', 'a boolean');
  if (c['head'] !== 'encoder' && (!Array.isArray(c['labels']) || (c['labels'] as unknown[]).some((l) => typeof l !== 'string') || (c['labels'] as unknown[]).length < 2)) {
    fail('labels', 'a list of at least 2 label names for a classification head');
  }
  if (typeof c['vocab'] !== 'string' && typeof c['tokenizer'] !== 'string') fail('vocab', 'a vocab.txt file name (or give "tokenizer": "tokenizer.json")');
  return {
    head: c['head'] as BertModelConfig['head'],
    pooling: (c['pooling'] as BertPooling | null | undefined) ?? null,
    task: typeof c['task'] === 'string' ? c['task'] : null,
    labels: Array.isArray(c['labels']) ? (c['labels'] as string[]) : null,
    maxLength: c['maxLength'] as number,
    doLowerCase: c['doLowerCase'] as boolean,
    stripAccents: typeof c['stripAccents'] === 'boolean' ? c['stripAccents'] : (c['doLowerCase'] as boolean),
    ...(typeof c['vocab'] === 'string' ? { vocab: c['vocab'] } : {}),
    ...(typeof c['tokenizer'] === 'string' ? { tokenizer: c['tokenizer'] } : {}),
    ...(typeof c['hidden'] === 'number' ? { hidden: c['hidden'] } : {}),
  };
}

/**
 * Loads a BERT model directory: `model.json` + the ONNX file (sha256 checked), `bert.json`, and `vocab.txt` or
 * `tokenizer.json`. Checks that the graph's output width matches the label list.
 * @throws ModelNotFoundError / ChecksumMismatchError / DataFormatError
 */
export async function loadBert(dir: string, options: { device?: string } = {}): Promise<BertModel> {
  const configFile = join(dir, 'bert.json');
  if (!existsSync(configFile)) throw new InvalidArgumentError('bertModel', `${dir} has no bert.json; point to a directory written by training/rumedbench/train_bert.py or export_hf_bert.py.`);
  const config = parseConfig(JSON.parse(await readFile(configFile, 'utf8')), configFile);
  const tokenizer = config.tokenizer
    ? await HfJsonBertTokenizer.load(join(dir, config.tokenizer), { modelMaxLength: config.maxLength })
    : WordPieceTokenizer.fromVocabFile(join(dir, config.vocab!), { doLowerCase: config.doLowerCase, stripAccents: config.stripAccents, modelMaxLength: config.maxLength });
  const model = await loadModel(join(dir, 'model.json'), { device: options.device ?? 'cpu' });
  const outDim = model.outputs[0]?.shape.at(-1);
  if (config.labels && typeof outDim === 'number' && outDim !== config.labels.length) {
    await model.dispose();
    throw new DataFormatError(configFile, `lists ${config.labels.length} labels but the model has ${outDim} outputs.`);
  }
  return { dir, config, model, tokenizer };
}

/** Options of the batched BERT runners. */
export interface BertRunOptions {
  /** Items per network call (items are sorted by length first, so little padding is computed). @default 32 */
  batchSize?: number;
  onProgress?: ProgressCallback;
  /** Progress label. */
  label?: string;
}

/**
 * Runs a model over encodings in length-sorted, right-padded batches and hands each batch's first output to `take`
 * with the batch's item indices and padded length.
 */
async function runBatches(m: BertModel, encoded: readonly BertItemEncoding[], options: BertRunOptions, take: (rows: number[], batch: BertBatch, out: Tensor) => void): Promise<void> {
  const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.encoding.inputIds.length - encoded[b]!.encoding.inputIds.length || a - b);
  const batchSize = options.batchSize ?? 32;
  const names = new Set(m.model.inputs.map((i) => i.name));
  let done = 0;
  for (let s = 0; s < order.length; s += batchSize) {
    const rows = order.slice(s, s + batchSize);
    const batch = m.tokenizer.pad(rows.map((r) => encoded[r]!.encoding));
    const feeds: Record<string, Tensor> = { input_ids: batch.inputIds };
    if (names.has('attention_mask')) feeds['attention_mask'] = batch.attentionMask;
    if (names.has('token_type_ids')) feeds['token_type_ids'] = batch.tokenTypeIds;
    const result = await m.model.run(feeds);
    take(rows, batch, Object.values(result)[0]!);
    done += rows.length;
    options.onProgress?.({ completed: done, total: encoded.length, label: options.label ?? 'bert' });
  }
}

function checkEncodable(m: BertModel, task: TaskName): void {
  const want = bertHeadKind(task);
  if (m.config.head !== want) throw new InvalidArgumentError('bertModel', `${m.dir} has a "${m.config.head}" head but ${task} needs a "${want}" head; use the model trained for ${task}.`);
}

/**
 * Predicts items with a fine-tuned BERT head: 3 ranked labels for ranking tasks, one label for pairs, one tag per
 * word for NER (each word takes its first piece's tag; words cut by truncation get "O").
 */
export async function predictBert(m: BertModel, task: TaskName, items: readonly TaskItem[], options: BertRunOptions = {}): Promise<Array<string | string[]>> {
  checkEncodable(m, task);
  const labels = m.config.labels!;
  const C = labels.length;
  const lengths = { maxLength: m.config.maxLength, pairMaxLength: m.config.maxLength };
  const encoded = items.map((i) => encodeBertItem(task, i, m.tokenizer, lengths));
  const out = new Array<string | string[]>(items.length);
  await runBatches(m, encoded, { label: `${task} bert`, ...options }, (rows, { length: L }, t) => {
    const logits = t.data as Float32Array;
    rows.forEach((r, b) => {
      if (m.config.head === 'token') {
        const e = encoded[r]!;
        const tags = e.wordIds!.map((_, k) => labels[argmax(logits, (b * L + k) * C, C)]!);
        out[r] = wordPredictionsFromTokens(e.wordIds!, tags, items[r]!.tokens?.length ?? 0, 'O');
      } else if (m.config.head === 'pair') {
        out[r] = labels[argmax(logits, b * C, C)]!;
      } else {
        out[r] = topK(logits, b * C, C, 3).map((j) => labels[j]!);
      }
    });
  });
  return out;
}

/**
 * Pools token states `[batch, length, hidden]` into `[batch, hidden]`: the `[CLS]` (first) state, or the mean over the
 * positions whose attention mask is 1.
 * @param mask - int64 or number mask `[batch, length]`, 1 for tokens
 */
export function poolHiddenStates(hidden: Float32Array, dims: readonly [number, number, number], mask: ArrayLike<number | bigint>, pooling: 'cls' | 'mean'): Float32Array {
  const [B, L, H] = dims;
  if (hidden.length !== B * L * H) throw new InvalidArgumentError('hidden', `hidden has ${hidden.length} values, expected ${B}×${L}×${H}.`);
  if (mask.length !== B * L) throw new InvalidArgumentError('mask', `mask has ${mask.length} values, expected ${B}×${L}.`);
  const out = new Float32Array(B * H);
  for (let b = 0; b < B; b++) {
    if (pooling === 'cls') {
      out.set(hidden.subarray(b * L * H, b * L * H + H), b * H);
      continue;
    }
    const acc = new Float64Array(H);
    let n = 0;
    for (let k = 0; k < L; k++) {
      if (Number(mask[b * L + k]) === 0) continue;
      n++;
      const o = (b * L + k) * H;
      for (let h = 0; h < H; h++) acc[h]! += hidden[o + h]!;
    }
    for (let h = 0; h < H; h++) out[b * H + h] = n ? acc[h]! / n : 0;
  }
  return out;
}

/**
 * Sentence vectors from an encoder model (`head: "encoder"`, output `last_hidden_state`): each item encoded as for
 * `task` (single text or pair), pooled by `[CLS]` or mean.
 * @returns one `Float32Array` of length hidden per item, in item order
 */
export async function embedBert(m: BertModel, task: TaskName, items: readonly TaskItem[], pooling: 'cls' | 'mean', options: BertRunOptions = {}): Promise<Float32Array[]> {
  if (m.config.head !== 'encoder') throw new InvalidArgumentError('bertModel', `${m.dir} has a "${m.config.head}" head; sentence vectors need an encoder export (head "encoder").`);
  if (bertHeadKind(task) === 'token') throw new InvalidArgumentError('task', `${task} is a tagging task; sentence vectors apply to single-text and pair tasks.`);
  const lengths = { maxLength: m.config.maxLength, pairMaxLength: m.config.maxLength };
  const encoded = items.map((i) => encodeBertItem(task, i, m.tokenizer, lengths));
  const out = new Array<Float32Array>(items.length);
  await runBatches(m, encoded, { label: `${task} bert vectors`, ...options }, (rows, batch, t) => {
    const H = t.dims[2]!;
    const pooled = poolHiddenStates(t.data as Float32Array, [rows.length, batch.length, H], batch.attentionMask.data as BigInt64Array, pooling);
    rows.forEach((r, b) => (out[r] = pooled.slice(b * H, (b + 1) * H)));
  });
  return out;
}
