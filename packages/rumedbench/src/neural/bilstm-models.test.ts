import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkGolden, loadModel } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { loadBilstm, defaultModelsDir } from './bilstm-baseline';
import { TASK_NAMES } from '../tasks/task-registry';

const dir = defaultModelsDir();
const shipped = existsSync(dir) ? readdirSync(dir).filter((d) => d.startsWith('bilstm-') && existsSync(join(dir, d, 'model.json'))) : [];
if (shipped.length === 0) console.warn(`[skip] shipped BiLSTM golden tests: no models under ${dir}`);

describe.skipIf(shipped.length === 0)('shipped BiLSTM models', () => {
  it.each(shipped)('%s reproduces its PyTorch golden outputs through onnxruntime-node', async (name) => {
    const manifest = join(dir, name, 'model.json');
    const model = await loadModel(manifest);
    try {
      const report = await checkGolden(model, model.manifest!, manifest);
      for (const o of report.outputs) expect(o.maxAbsDiff, o.name).toBeLessThanOrEqual(report.atol);
      expect(report.ok).toBe(true);
    } finally {
      await model.dispose();
    }
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
