import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { scoreTask } from '../metrics/task-scores';
import { defaultModelsDir } from '../neural/bilstm-baseline';
import { loadTask } from '../tasks/load-task';
import type { TaskName } from '../tasks/task-registry';
import { loadBert, predictBert } from './bert-model';

// The TypeScript pipeline (our WordPiece tokenizer, length-sorted batches, onnxruntime-node, label decoding) must
// reproduce the dev metrics PyTorch measured at export time (model.json) on the real RuMedBench dev sets.
const REAL = sharedDataPath(['rumedbench']);
if (!REAL) console.warn('[skip] BERT dev-metric parity: ../shared/data/rumedbench not found');

const cases: Array<[TaskName, string, 'acc' | 'hit3']> = [
  ['RuMedTop3', 'accuracy', 'acc'],
  ['RuMedTop3', 'hit3', 'hit3'],
  ['RuMedDaNet', 'accuracy', 'acc'],
];

describe.skipIf(!REAL)('shipped BERT models on the real dev sets', () => {
  it.each(cases)('%s %s equals the PyTorch value recorded at export', async (task, pyKey, ourKey) => {
    const dir = join(defaultModelsDir(), `bert-${task.toLowerCase()}`);
    const recorded = (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { metrics: { dev: Record<string, number> } }).metrics.dev[pyKey]!;
    const data = await loadTask(REAL!, task);
    const m = await loadBert(dir);
    try {
      const preds = await predictBert(m, task, data.dev.items);
      const score = scoreTask(task, data.dev.items.map((i) => i.gold as string), preds);
      // one item of slack for float ties between PyTorch and onnxruntime
      expect(Math.abs(score[ourKey]! / 100 - recorded)).toBeLessThanOrEqual(1 / data.dev.items.length + 1e-9);
    } finally {
      await m.model.dispose();
    }
  });
});
