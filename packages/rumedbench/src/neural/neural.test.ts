import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor, readNpz } from '@lab/tensor-core';
import { FakeModelSession } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { writeSyntheticSample } from '../sample/synthetic-sample';
import { loadTask, type TaskItem } from '../tasks/load-task';
import { BILSTM_MAX_LENGTH, encodeForBilstm, writeBilstmArrays } from './bilstm-features';
import { predictBilstm } from './bilstm-baseline';
import { SEP_ID, UNK_ID, Vocabulary } from './vocabulary';
import { tokenizeWords } from './word-tokenizer';

const item = (texts: string[], tokens?: string[]): TaskItem => ({ id: 'x', texts, gold: undefined, line: 1, ...(tokens ? { tokens } : {}) });

describe('BiLSTM featurizer', () => {
  it('tokenises lower-cased words and drops punctuation', () => {
    expect(tokenizeWords('Боли в спине, t 37,5! АД 150/100; осенне-зимний период...')).toEqual(['боли', 'в', 'спине', 't', '37,5', 'ад', '150/100', 'осенне-зимний', 'период']);
    expect(tokenizeWords('  ')).toEqual([]);
  });

  it('builds vocabularies with special tokens, counts and round-trips them', () => {
    const v = Vocabulary.build([['a', 'b', 'a'], ['c', 'a', 'b']], { minCount: 2 });
    expect(v.tokens).toEqual(['<pad>', '<unk>', '<sep>', 'a', 'b']);
    expect(v.encode(['b', 'zzz'])).toEqual([4, UNK_ID]);
    expect(Vocabulary.fromJSON(JSON.parse(JSON.stringify(v))).tokens).toEqual(v.tokens);
    expect(() => Vocabulary.fromJSON({ tokens: ['a'] })).toThrow('the first tokens must be');
  });

  it('encodes pairs with a separator and crops to 128 words; NER keeps one id per token', () => {
    const v = Vocabulary.build([['да', 'нет', 'слово']]);
    expect(encodeForBilstm('RuMedDaNet', item(['Да нет', 'слово']), v)).toEqual([v.id('да'), v.id('нет'), SEP_ID, v.id('слово')]);
    expect(encodeForBilstm('RuMedTop3', item([Array(300).fill('слово').join(' ')]), v)).toHaveLength(BILSTM_MAX_LENGTH);
    expect(encodeForBilstm('RuMedNER', item(['x'], ['Слово', ',', 'да']), v)).toEqual([v.id('слово'), UNK_ID, v.id('да')]);
    expect(encodeForBilstm('RuMedTop3', item(['!!!']), v)).toEqual([UNK_ID]);
  });

  it('writes the arrays train_bilstm.py reads (SYNTHETIC sample)', async () => {
    const dir = await writeSyntheticSample(mkdtempSync(join(tmpdir(), 'rmb-bl-')), 4);
    const out = mkdtempSync(join(tmpdir(), 'rmb-bl-out-'));
    const data = await loadTask(dir, 'RuMedNER');
    const info = await writeBilstmArrays(data, out);
    const arrays = await readNpz(info.file);
    expect(arrays.train_ids!.shape[0]).toBe(240);
    expect(arrays.train_labels!.shape).toEqual(arrays.train_ids!.shape);
    const lengths = Array.from(arrays.train_lengths!.data as BigInt64Array, Number);
    expect(lengths[0]).toBe(data.train.items[0]!.tokens!.length);
    const labels = JSON.parse(readFileSync(join(out, 'RuMedNER.labels.json'), 'utf8')).labels;
    expect(labels[0]).toBe('O');
    const y = arrays.train_labels!.data as BigInt64Array;
    const L = arrays.train_ids!.shape[1]!;
    expect(labels[Number(y[0])]).toBe((data.train.items[0]!.gold as string[])[0]);
    expect(y[lengths[0]!]).toBe(lengths[0]! < L ? -100n : y[lengths[0]!]);
  });
});

describe('predictBilstm', () => {
  it('batches equal lengths without padding and decodes top-3 / labels / tags', async () => {
    const v = Vocabulary.build([['a', 'b', 'c', 'd']]);
    const seen: number[][] = [];
    const fake = (classes: number, tagging: boolean) =>
      new FakeModelSession({
        inputs: [{ name: 'ids', dtype: 'int64', shape: ['batch', 'length'] }],
        outputs: [{ name: 'logits', dtype: 'float32', shape: tagging ? ['batch', 'length', classes] : ['batch', classes] }],
        compute: (f) => {
          const [B, L] = f.ids!.dims as [number, number];
          seen.push([B, L]);
          const ids = f.ids!.data as BigInt64Array;
          // score of class j = j for the first id's parity, reversed otherwise: decodes deterministically
          const out = new Float32Array(B * (tagging ? L : 1) * classes);
          for (let r = 0; r < B * (tagging ? L : 1); r++) {
            const first = Number(ids[tagging ? r : r * L]);
            for (let j = 0; j < classes; j++) out[r * classes + j] = first % 2 ? j : classes - j;
          }
          return { logits: new Tensor('float32', out, tagging ? [B, L, classes] : [B, classes]) };
        },
      });
    const items = [item(['a b']), item(['b']), item(['c d']), item(['a'])];
    const ranked = await predictBilstm({ task: 'RuMedTop3', model: fake(4, false), vocab: v, labels: ['w', 'x', 'y', 'z'] }, items);
    expect(seen.map(([, L]) => L).sort()).toEqual([1, 2]);
    expect(ranked[0]).toEqual(v.id('a') % 2 ? ['z', 'y', 'x'] : ['w', 'x', 'y']);
    const tags = await predictBilstm({ task: 'RuMedNER', model: fake(3, true), vocab: v, labels: ['O', 'B-DI', 'I-DI'] }, [item(['a b'], ['a', 'b'])]);
    expect(tags[0]).toHaveLength(2);
  });
});
