import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ndarrayToTensor, readNpz } from '@lab/tensor-core';
import { runShippedGolden, shippedModelDirs } from '../testing/shipped-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelsDir } from '../neural/bilstm-baseline';
import type { TaskItem } from '../tasks/load-task';
import { TASK_NAMES, TASKS } from '../tasks/task-registry';
import { loadBert, poolHiddenStates, predictBert } from './bert-model';

describe('poolHiddenStates', () => {
  // 2 items, 3 positions, 2 hidden units; the second item has one padded position.
  const hidden = Float32Array.from([1, 2, 3, 4, 5, 6, /* item 2 */ 10, 20, 30, 40, 1000, 1000]);
  const mask = [1, 1, 1, 1, 1, 0];
  it('takes the first ([CLS]) state', () => {
    expect(Array.from(poolHiddenStates(hidden, [2, 3, 2], mask, 'cls'))).toEqual([1, 2, 10, 20]);
  });
  it('averages only unmasked positions', () => {
    expect(Array.from(poolHiddenStates(hidden, [2, 3, 2], mask, 'mean'))).toEqual([3, 4, 20, 30]);
  });
  it('accepts int64 masks', () => {
    expect(Array.from(poolHiddenStates(hidden, [2, 3, 2], BigInt64Array.from(mask.map(BigInt)), 'mean'))).toEqual([3, 4, 20, 30]);
  });
  it('rejects mismatched sizes, naming the argument', () => {
    expect(() => poolHiddenStates(hidden, [2, 2, 2], mask, 'mean')).toThrow(/hidden/);
    expect(() => poolHiddenStates(hidden, [2, 3, 2], [1, 1], 'mean')).toThrow(/mask/);
  });
});

describe('loadBert configuration errors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bert-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('explains a directory without bert.json', async () => {
    await expect(loadBert(dir)).rejects.toThrow(/bert\.json.*train_bert\.py/);
  });
  it('names a bad head field', async () => {
    await writeFile(join(dir, 'bert.json'), JSON.stringify({ head: 'regression', maxLength: 128, doLowerCase: true, vocab: 'vocab.txt' }));
    await expect(loadBert(dir)).rejects.toThrow(/"head"/);
  });
  it('requires labels for a classification head', async () => {
    await writeFile(join(dir, 'bert.json'), JSON.stringify({ head: 'single', maxLength: 128, doLowerCase: true, vocab: 'vocab.txt', labels: ['only'] }));
    await expect(loadBert(dir)).rejects.toThrow(/"labels"/);
  });
});

const modelsDir = defaultModelsDir();
const shipped = shippedModelDirs(modelsDir, 'bert-', 'bert.json');
if (shipped.length === 0) console.warn(`[skip] shipped BERT model tests: no bert-* models under ${modelsDir}`);

describe.skipIf(shipped.length === 0)('shipped BERT models', () => {
  it.each(shipped)('%s reproduces its PyTorch golden outputs through onnxruntime-node', async (name) => {
    const report = await runShippedGolden(join(modelsDir, name));
    for (const o of report.outputs) expect(o.maxAbsDiff, o.name).toBeLessThanOrEqual(report.atol);
    expect(report.ok).toBe(true);
  });

  it.skipIf(!shipped.includes('bert-encoder'))('bert-encoder: [CLS] and mean pooling in TypeScript match PyTorch', async () => {
    const dir = join(modelsDir, 'bert-encoder');
    const m = await loadBert(dir);
    try {
      const inputs = await readNpz(join(dir, 'golden-inputs.npz'));
      const pooled = await readNpz(join(dir, 'golden-pooled.npz'));
      const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, ndarrayToTensor(v)]));
      const out = (await m.model.run(feeds))['last_hidden_state']!;
      const [B, L, H] = out.dims as [number, number, number];
      const mask = inputs['attention_mask']!.data as BigInt64Array;
      for (const mode of ['cls', 'mean'] as const) {
        const ours = poolHiddenStates(out.data as Float32Array, [B, L, H], mask, mode);
        const ref = pooled[mode]!.data as Float32Array;
        expect(ours.length).toBe(ref.length);
        let worst = 0;
        ours.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ref[i]!))));
        expect(worst, mode).toBeLessThan(1e-4);
      }
    } finally {
      await m.model.dispose();
    }
  });

  const taskModels = shipped.filter((n) => n !== 'bert-encoder');
  it.each(taskModels)('%s predicts labels from its label list, one tag per word for NER', async (name) => {
    const task = TASK_NAMES.find((t) => `bert-${t.toLowerCase()}` === name)!;
    const m = await loadBert(join(modelsDir, name));
    try {
      // SYNTHETIC items of the task's shape; a long one checks truncation.
      const long = Array.from({ length: 400 }, (_, i) => `слово${i}`);
      const items: TaskItem[] = TASKS[task].kind === 'tagging'
        ? [{ id: '1', texts: [], tokens: ['Принимал', 'аспирин', ',', 'болит', 'голова'], gold: undefined, line: 1 }, { id: '2', texts: [], tokens: long, gold: undefined, line: 2 }]
        : [{ id: '1', texts: ['болит голова и тошнота', 'есть ли температура?'], gold: undefined, line: 1 }, { id: '2', texts: [long.join(' '), 'вопрос'], gold: undefined, line: 2 }];
      const preds = await predictBert(m, task, items);
      const labels = new Set(m.config.labels);
      if (TASKS[task].kind === 'tagging') {
        expect((preds[0] as string[]).length).toBe(5);
        expect((preds[1] as string[]).length).toBe(400);
        for (const p of preds as string[][]) for (const t of p) expect(labels.has(t)).toBe(true);
      } else if (TASKS[task].kind === 'ranking') {
        for (const p of preds as string[][]) {
          expect(p.length).toBe(3);
          expect(new Set(p).size).toBe(3);
          for (const t of p) expect(labels.has(t)).toBe(true);
        }
      } else {
        for (const p of preds) expect(labels.has(p as string)).toBe(true);
      }
    } finally {
      await m.model.dispose();
    }
  });
});
