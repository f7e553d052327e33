import { join } from 'node:path';
import { runShippedGolden, shippedModelDirs } from '../testing/shipped-models';
import { describe, expect, it } from 'vitest';
import { loadBilstm, defaultModelsDir } from './bilstm-baseline';
import { TASK_NAMES } from '../tasks/task-registry';

const dir = defaultModelsDir();
const shipped = shippedModelDirs(dir, 'bilstm-', 'model.json');
if (shipped.length === 0) console.warn(`[skip] shipped BiLSTM golden tests: no models under ${dir}`);

describe.skipIf(shipped.length === 0)('shipped BiLSTM models', () => {
  it.each(shipped)('%s reproduces its PyTorch golden outputs through onnxruntime-node', async (name) => {
    const report = await runShippedGolden(join(dir, name));
    for (const o of report.outputs) expect(o.maxAbsDiff, o.name).toBeLessThanOrEqual(report.atol);
    expect(report.ok).toBe(true);
  });

  it.each(shipped)('%s loads with its vocabulary and labels', async (name) => {
    const task = TASK_NAMES.find((t) => `bilstm-${t.toLowerCase()}` === name)!;
    const m = await loadBilstm(task);
    try {
      expect(m.vocab.tokens.slice(0, 3)).toEqual(['<pad>', '<unk>', '<sep>']);
      expect(m.labels.length).toBeGreaterThan(1);
    } finally {
      await m.model.dispose();
    }
  });
});
