import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpz } from '@lab/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSample } from '../sample/synthetic-sample';
import { loadTask, type TaskData } from '../tasks/load-task';
import { IGNORE_LABEL } from './align-labels';
import { bertHeadKind, encodeBertItem, writeBertArrays } from './bert-features';
import { WordPieceTokenizer } from './wordpiece-tokenizer';

// The SYNTHETIC sample (official layout, invented texts) written by `rumedbench sample`.
let dir: string;
let tasks: TaskData[];
let vocabText: string;
let meta: { special: Record<string, number>; maxLength: number; pairMaxLength: number; tasks: Record<string, { kind: string; labels: string[]; sizes: Record<string, number> }> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bert-data-'));
  await writeSyntheticSample(join(dir, 'data'), 0);
  tasks = await Promise.all((['RuMedTop3', 'RuMedDaNet', 'RuMedNER'] as const).map((t) => loadTask(join(dir, 'data'), t)));
  await writeBertArrays(tasks, join(dir, 'out'), { vocabSize: 300, maxLength: 32, pairMaxLength: 48 });
  vocabText = await readFile(join(dir, 'out', 'vocab.txt'), 'utf8');
  meta = JSON.parse(await readFile(join(dir, 'out', 'bert-data.json'), 'utf8'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('writeBertArrays (SYNTHETIC sample)', () => {
  it('writes a WordPiece vocabulary with the special tokens first and records their ids', () => {
    const vocab = vocabText.trimEnd().split('\n');
    expect(vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(vocab.length).toBeLessThanOrEqual(300);
    expect(meta.special).toEqual({ pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 });
    expect(meta.tasks['RuMedDaNet']!.kind).toBe('pair');
    expect(meta.tasks['RuMedNER']!.kind).toBe('token');
  });

  it('writes pretraining rows as [CLS] pieces [SEP] within maxLength, from training texts only', async () => {
    const npz = await readNpz(join(dir, 'out', 'pretrain.npz'));
    const ids = npz['input_ids']!;
    const lengths = npz['lengths']!.data as BigInt64Array;
    const [n, L] = ids.shape as [number, number];
    expect(n).toBe(lengths.length);
    expect(L).toBeLessThanOrEqual(32);
    const data = ids.data as BigInt64Array;
    for (let r = 0; r < n; r++) {
      const len = Number(lengths[r]);
      expect(data[r * L]).toBe(2n);
      expect(data[r * L + len - 1]).toBe(3n);
      for (let c = len; c < L; c++) expect(data[r * L + c]).toBe(0n);
    }
  });

  it('encodes each split with the same tokenizer a model will use, and labels classes by index', async () => {
    const tokenizer = WordPieceTokenizer.fromVocabText(vocabText, { doLowerCase: true, stripAccents: false });
    const npz = await readNpz(join(dir, 'out', 'RuMedTop3.npz'));
    const data = tasks[0]!;
    const ids = npz['dev_input_ids']!;
    const L = ids.shape[1]!;
    data.dev.items.forEach((item, r) => {
      const e = encodeBertItem('RuMedTop3', item, tokenizer, { maxLength: 32 }).encoding;
      expect(Array.from((ids.data as BigInt64Array).subarray(r * L, r * L + e.inputIds.length), Number)).toEqual(e.inputIds);
    });
    const labels = meta.tasks['RuMedTop3']!.labels;
    const y = npz['train_labels']!.data as BigInt64Array;
    data.train.items.forEach((item, r) => expect(labels[Number(y[r])]).toBe(item.gold));
  });

  it('marks pair segments with token types and truncates pairs to pairMaxLength', async () => {
    const npz = await readNpz(join(dir, 'out', 'RuMedDaNet.npz'));
    const [n, L] = npz['train_token_type_ids']!.shape as [number, number];
    expect(L).toBeLessThanOrEqual(48);
    const types = npz['train_token_type_ids']!.data as BigInt64Array;
    const mask = npz['train_attention_mask']!.data as BigInt64Array;
    for (let r = 0; r < n; r++) {
      const row = Array.from(types.subarray(r * L, (r + 1) * L), Number);
      const len = Array.from(mask.subarray(r * L, (r + 1) * L), Number).reduce((a, b) => a + b, 0);
      expect(row.slice(0, len).includes(1)).toBe(true); // the question is present in every row
      expect(row.slice(len).every((t) => t === 0)).toBe(true);
    }
  });

  it('puts each word\'s tag on its first piece and -100 elsewhere for NER', async () => {
    const tokenizer = WordPieceTokenizer.fromVocabText(vocabText, { doLowerCase: true, stripAccents: false });
    const npz = await readNpz(join(dir, 'out', 'RuMedNER.npz'));
    const tags = meta.tasks['RuMedNER']!.labels;
    const L = npz['train_labels']!.shape[1]!;
    const y = npz['train_labels']!.data as BigInt64Array;
    const data = tasks[2]!;
    data.train.items.forEach((item, r) => {
      const { wordIds } = encodeBertItem('RuMedNER', item, tokenizer, { maxLength: 32 });
      const firsts = wordIds!.map((w, k) => w >= 0 && wordIds![k - 1] !== w);
      const row = Array.from(y.subarray(r * L, (r + 1) * L), Number);
      firsts.forEach((first, k) => {
        if (first) expect(tags[row[k]!]).toBe((item.gold as string[])[wordIds![k]!]);
        else expect(row[k]).toBe(IGNORE_LABEL);
      });
      expect(row.slice(wordIds!.length).every((v) => v === IGNORE_LABEL)).toBe(true);
    });
  });

  it('rejects an empty task list', async () => {
    await expect(writeBertArrays([], join(dir, 'none'))).rejects.toThrow(/tasks/);
  });
});

describe('bertHeadKind', () => {
  it('maps task kinds to heads', () => {
    expect(bertHeadKind('RuMedTop3')).toBe('single');
    expect(bertHeadKind('RuMedNLI')).toBe('pair');
    expect(bertHeadKind('RuMedNER')).toBe('token');
  });
});
