import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng, checkGolden, loadModel } from '@lab/tensor-core';
import { findPython } from '@lab/tensor-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEsmEmbedder } from '../embed/esm-embedder';
import { writePretrainingCorpus } from './write-pretraining-corpus';

// The whole path of our own language model on a SYNTHETIC corpus, in seconds: writePretrainingCorpus ->
// training/protein/pretrain_mlm.py (a tiny ESM-2, a few steps) -> export_esm2.py --checkpoint -> loadEsmEmbedder.
const ROOT = resolve(__dirname, '../../../..');
const PRETRAIN = join(ROOT, 'training/protein/pretrain_mlm.py');
const EXPORT = join(ROOT, 'training/protein/export_esm2.py');
const probe = findPython(['torch', 'onnx', 'numpy']);
if (!probe.ok) console.log(`skipping the pretrain_mlm.py end-to-end test: ${probe.reason}`);

function py(script: string, args: string[]): string {
  const r = spawnSync(probe.ok ? probe.python : 'python3', [script, ...args], { encoding: 'utf8', env: { ...process.env, TORCH_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!probe.ok)('pretrain_mlm.py on a SYNTHETIC corpus, exported and embedded', () => {
  let dir: string;
  let trainLog: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pretrain-mlm-'));
    // SYNTHETIC proteins: a repeated motif vocabulary, so the masked-LM loss can fall within a few steps
    const rng = new Rng(5);
    const motifs = ['MKTAYIAK', 'GSGSGS', 'LLEELLKK', 'PWHCY', 'DNQRTV'];
    const records: string[] = [];
    for (let i = 0; i < 300; i++) {
      let s = '';
      while (s.length < 40 + rng.int(80)) s += motifs[rng.int(motifs.length)]!;
      records.push(`>synthetic_${i}\n${s}\n`);
    }
    await writeFile(join(dir, 'synthetic.fasta'), records.join(''));
    await writePretrainingCorpus({ out: join(dir, 'corpus'), sources: [{ type: 'fasta', path: join(dir, 'synthetic.fasta') }], validFraction: 0.1, checksums: false });
    const tiny = ['--hidden', '16', '--layers', '1', '--heads', '2', '--intermediate', '32', '--crop', '64', '--batch-tokens', '1024'];
    trainLog = py(PRETRAIN, ['--corpus', join(dir, 'corpus'), '--out', join(dir, 'run'), '--steps', '40', '--warmup', '5', '--lr', '3e-3', '--eval-seconds', '1000', ...tiny]);
    py(EXPORT, ['--checkpoint', join(dir, 'run'), '--out', join(dir, 'onnx'), '--logits', '--name', 'esm2-e2e', '--metrics', '{"note": 1}']);
  }, 180_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('trains: the validation loss falls, and the log and checkpoint are written', async () => {
    expect(trainLog).toMatch(/done: 40 steps/);
    const log = JSON.parse(await readFile(join(dir, 'run', 'pretrain_log.json'), 'utf8')) as {
      curve: Array<{ step: number; validLoss: number }>;
      metrics: Record<string, number>;
      trainingData: string;
    };
    expect(log.curve.map((r) => r.step)).toEqual([0, 40]);
    expect(log.curve[1]!.validLoss).toBeLessThan(log.curve[0]!.validLoss);
    expect(log.metrics.validPerplexity).toBeCloseTo(Math.exp(log.metrics.validLoss!), 6);
    const config = JSON.parse(await readFile(join(dir, 'run', 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ token_dropout: false, architectures: ['EsmForMaskedLM'], hidden_size: 16, model_type: 'esm' });
  });

  it('exports through export_esm2.py --checkpoint with the training data and metrics, and embeds', async () => {
    const manifestPath = join(dir, 'onnx', 'model.json');
    const model = await loadModel(manifestPath, { intraOpThreads: 1 });
    try {
      const m = model.manifest!;
      expect(m.name).toBe('esm2-e2e');
      expect(m.provenance?.trainingData).toMatch(/^Masked-language-model pretraining from random initialisation/);
      expect(m.provenance?.synthetic).toBe(false);
      expect(m.metrics).toMatchObject({ note: 1, trainSteps: 40 });
      expect(m.description).toMatch(/no token-dropout rescaling/);
      const report = await checkGolden(model, m, manifestPath);
      expect(report.ok).toBe(true);
    } finally {
      await model.dispose();
    }
    const embedder = await loadEsmEmbedder(join(dir, 'onnx'), { intraOpThreads: 1 });
    try {
      const { pooled, hiddenSize } = await embedder.embed(['MKTAYIAKGSGSGS', 'PWHCYDNQRTV']);
      expect(hiddenSize).toBe(16);
      expect(pooled!.every(Number.isFinite)).toBe(true);
    } finally {
      await embedder.dispose();
    }
  });
});
