import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkGolden, loadModel } from '@lab/tensor-core';
import { findPython } from '@lab/tensor-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskItem } from '../tasks/load-task';
import { loadBert, predictBert, embedBert } from './bert-model';

// training/rumedbench/export_hf_bert.py on a SYNTHETIC Hugging Face-layout checkpoint with RANDOM weights written by
// make_fake_hf_checkpoint.py: the conversion path users take with real checkpoints (which cannot be had here).
const scripts = resolve(__dirname, '../../../../training/rumedbench');
const probe = findPython(['torch', 'onnx', 'numpy']);
if (!probe.ok) console.warn(`[skip] Hugging Face BERT export tests: ${probe.reason}`);

function py(args: string[]): void {
  const r = spawnSync(probe.ok ? probe.python : 'python3', args, { encoding: 'utf8', env: { ...process.env, TORCH_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
}

describe.skipIf(!probe.ok)('export_hf_bert.py -> @lab/rumedbench (SYNTHETIC random checkpoint)', () => {
  let dir: string;
  const words = ['боль', 'голова', 'тошнота', 'аспирин', 'принимал', '##ал', '##ит', 'бол', ',', '.', '?'];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hf-bert-'));
    await writeFile(join(dir, 'tokens.txt'), words.join('\n') + '\n');
    const ckpt = join(dir, 'ckpt');
    py([join(scripts, 'make_fake_hf_checkpoint.py'), ckpt, '--tokens', join(dir, 'tokens.txt'), '--labels', 'да,нет', '--lower-case', '--dtype', 'bf16']);
    py([join(scripts, 'export_hf_bert.py'), ckpt, join(dir, 'pair'), '--head', 'pair', '--labels-from-config', '--task', 'RuMedDaNet', '--max-length', '64', '--weights', 'model.safetensors']);
    py([join(scripts, 'export_hf_bert.py'), ckpt, join(dir, 'pair-bin'), '--head', 'pair', '--labels-from-config', '--task', 'RuMedDaNet', '--max-length', '64', '--weights', 'pytorch_model.bin']);
    py([join(scripts, 'export_hf_bert.py'), ckpt, join(dir, 'encoder'), '--head', 'encoder', '--max-length', '64']);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(['pair', 'encoder'])('the converted %s model reproduces PyTorch through onnxruntime-node', async (name) => {
    const manifest = join(dir, name, 'model.json');
    const model = await loadModel(manifest);
    try {
      const report = await checkGolden(model, model.manifest!, manifest);
      expect(report.ok).toBe(true);
    } finally {
      await model.dispose();
    }
  });

  it('reads safetensors (bf16) and pytorch_model.bin to the same graph', async () => {
    const a = await readFile(join(dir, 'pair', 'model.onnx'));
    const b = await readFile(join(dir, 'pair-bin', 'model.onnx'));
    expect(a.equals(b)).toBe(true);
  });

  it('runs as a RuMedDaNet pair classifier with the checkpoint\'s tokenizer settings and labels', async () => {
    const m = await loadBert(join(dir, 'pair'));
    try {
      expect(m.config.labels).toEqual(['да', 'нет']);
      expect(m.config.doLowerCase).toBe(true);
      expect(m.tokenizer.tokenize('Принимал АСПИРИН?')).toEqual(['принимал', 'аспирин', '?']);
      const items: TaskItem[] = [
        { id: '1', texts: ['боль , голова .', 'тошнота ?'], gold: 'да', line: 1 },
        { id: '2', texts: ['аспирин', 'принимал ?'], gold: 'нет', line: 2 },
      ];
      const preds = await predictBert(m, 'RuMedDaNet', items);
      for (const p of preds) expect(['да', 'нет']).toContain(p);
      await expect(predictBert(m, 'RuMedNER', [])).rejects.toThrow(/"pair" head but RuMedNER needs a "token" head/);
    } finally {
      await m.model.dispose();
    }
  });

  it('gives padding-independent sentence vectors from the converted encoder', async () => {
    const m = await loadBert(join(dir, 'encoder'));
    try {
      const short: TaskItem = { id: '1', texts: ['боль голова'], gold: undefined, line: 1 };
      const long: TaskItem = { id: '2', texts: ['аспирин принимал , боль голова тошнота . боль ?'], gold: undefined, line: 2 };
      const alone = await embedBert(m, 'RuMedTop3', [short], 'mean');
      const batched = await embedBert(m, 'RuMedTop3', [short, long], 'mean', { batchSize: 2 });
      expect(alone[0]!.length).toBe(m.config.hidden);
      alone[0]!.forEach((v, i) => expect(Math.abs(v - batched[0]![i]!)).toBeLessThan(1e-4));
    } finally {
      await m.model.dispose();
    }
  });
});
