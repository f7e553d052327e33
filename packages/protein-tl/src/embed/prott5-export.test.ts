import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readNpz } from '@lab/tensor-core';
import { findPython } from '@lab/tensor-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProtT5Embedder } from './prott5-embedder';
import { expectGolden, maxAbsDiff } from './embed-test-helpers';

// training/protein/export_prot_t5.py end to end on tiny configurations: --random writes SYNTHETIC random weights and
// (--save-checkpoint) the same weights as a Hugging Face T5ForConditionalGeneration-style checkpoint with a stand-in
// decoder; --checkpoint converts that back, the path users take with Rostlab/prot_t5_xl_uniref50. Also re-exports the
// committed fixture and compares, and checks the split into stages (the layout of models over ONNX's 2 GiB).
const ROOT = resolve(__dirname, '../../../..');
const SCRIPT = join(ROOT, 'training/protein/export_prot_t5.py');
const TOKENIZER = resolve(__dirname, '../tokenize/__fixtures__/prott5-synthetic-tokenizer.json');
const FIXTURE = resolve(__dirname, '__fixtures__/prott5-tiny-random');
const probe = findPython(['torch', 'onnx', 'numpy']);
const reason = probe.ok ? undefined : probe.reason;
if (reason) console.log(`skipping the export_prot_t5.py tests: ${reason}`);

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(probe.ok ? probe.python : 'python3', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, TORCH_THREADS: '1' } });
}

function py(args: string[]): string {
  const r = run(args);
  if (r.status !== 0) throw new Error(`export_prot_t5.py ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

describe.skipIf(reason !== undefined)('export_prot_t5.py (tiny SYNTHETIC random T5 encoders)', () => {
  let dir: string;
  const tiny = ['--config', 'default-tiny', '--hidden', '16', '--heads', '2', '--d-kv', '8', '--d-ff', '32', '--seed', '3', '--tokenizer', TOKENIZER];
  let outputs: Record<string, string> = {};
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prott5-export-'));
    outputs.random = py(['--random', ...tiny, '--out', join(dir, 'random'), '--save-checkpoint', join(dir, 'ckpt')]);
    outputs.st = py(['--checkpoint', join(dir, 'ckpt'), '--weights', 'model.safetensors', '--out', join(dir, 'st')]);
    outputs.bin = py(['--checkpoint', join(dir, 'ckpt'), '--weights', 'pytorch_model.bin', '--out', join(dir, 'bin'), '--max-graph-bytes', '20000']);
    outputs.fixture = py(['--random', '--config', 'default-tiny', '--seed', '0', '--tokenizer', TOKENIZER, '--name', 'prott5-tiny-random', '--out', join(dir, 'fixture')]);
    outputs.gated = py(['--random', ...tiny, '--ff-proj', 'gated-gelu', '--layers', '1', '--out', join(dir, 'gated')]);
  }, 180_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('converts safetensors and pytorch_model.bin checkpoints, ignoring the decoder, to the random export', async () => {
    expect(outputs.st).toMatch(/ignored 4 decoder\/lm_head keys/);
    expect(outputs.st).toMatch(/ignored checkpoint key: encoder\.embed_tokens\.weight/);
    const a = await readFile(join(dir, 'random', 'model.onnx'));
    const b = await readFile(join(dir, 'st', 'model.onnx'));
    expect(a.equals(b)).toBe(true);
    const manifest = JSON.parse(await readFile(join(dir, 'st', 'model.json'), 'utf8')) as { provenance: Record<string, unknown> };
    expect(manifest.provenance.checkpoint).toBe('model.safetensors');
    expect(manifest.provenance.synthetic).toBe(false);
    expect(manifest.provenance.trainingData).toMatch(/converted without fine-tuning/);
    // the checkpoint's tokenizer.json travels with the model
    expect(await readFile(join(dir, 'st', 'tokenizer.json'), 'utf8')).toBe(await readFile(TOKENIZER, 'utf8'));
  });

  it('splits into stages when the weights exceed --max-graph-bytes; every graph reproduces its golden outputs', async () => {
    expect(outputs.bin).toMatch(/stage-1: model\.onnx/);
    const info = JSON.parse(await readFile(join(dir, 'bin', 'prot_t5.json'), 'utf8')) as { graphs: Array<{ manifest: string; blocks: number[] }> };
    expect(info.graphs.map((g) => g.blocks)).toEqual([[0, 1], [1, 2]]);
    for (const name of ['random', 'st', 'fixture', 'gated', ...info.graphs.map((g) => join('bin', g.manifest, '..'))]) {
      await expectGolden(join(dir, name, 'model.json'));
    }
    const single = await loadProtT5Embedder(join(dir, 'random'), { intraOpThreads: 1 });
    const staged = await loadProtT5Embedder(join(dir, 'bin'), { intraOpThreads: 1 });
    try {
      const seqs = ['MKTAYIAKQRQISFVKSHFSRQ', 'MSD', 'ACDEFGHIKLMNPQRSTVWY'.repeat(8)];
      expect(staged.dim).toBe(16);
      expect(maxAbsDiff(await staged.embedPooled(seqs), await single.embedPooled(seqs))).toBeLessThan(1e-5);
    } finally {
      await single.dispose();
      await staged.dispose();
    }
  });

  it('re-exports the committed fixture: same graph inputs and PyTorch golden outputs', async () => {
    for (const file of ['golden-inputs.npz', 'golden-outputs.npz']) {
      const fresh = await readNpz(join(dir, 'fixture', file));
      const committed = await readNpz(join(FIXTURE, file));
      expect(Object.keys(fresh).sort()).toEqual(Object.keys(committed).sort());
      for (const key of Object.keys(fresh)) {
        expect(fresh[key]!.shape).toEqual(committed[key]!.shape);
        expect(maxAbsDiff(Array.from(fresh[key]!.data as ArrayLike<number | bigint>, Number), Array.from(committed[key]!.data as ArrayLike<number | bigint>, Number))).toBeLessThan(1e-5);
      }
    }
    expect(await readFile(join(dir, 'fixture', 'prot_t5.json'), 'utf8')).toBe(await readFile(join(FIXTURE, 'prot_t5.json'), 'utf8'));
  });

  it('exports the gated-gelu feed-forward (wi_0, wi_1)', async () => {
    const info = JSON.parse(await readFile(join(dir, 'gated', 'prot_t5.json'), 'utf8')) as { config: { feed_forward_proj: string } };
    expect(info.config.feed_forward_proj).toBe('gated-gelu');
    const e = await loadProtT5Embedder(join(dir, 'gated'), { intraOpThreads: 1 });
    try {
      expect((await e.embedPooled(['MKTAYIAKQR'])).every(Number.isFinite)).toBe(true);
    } finally {
      await e.dispose();
    }
  });

  it('stops with the lists of missing and unexpected keys when the checkpoint does not fit', async () => {
    const config = JSON.parse(await readFile(join(dir, 'ckpt', 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'gated-config.json'), JSON.stringify({ ...config, feed_forward_proj: 'gated-gelu', num_layers: 3 }));
    const r = run(['--checkpoint', join(dir, 'ckpt'), '--config', join(dir, 'gated-config.json'), '--out', join(dir, 'bad')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/missing keys \(\d+\): \[.*encoder\.block\.0\.layer\.1\.DenseReluDense\.wi_0\.weight.*encoder\.block\.2\./s);
    expect(r.stderr).toMatch(/unexpected keys \(2\): \['encoder\.block\.0\.layer\.1\.DenseReluDense\.wi\.weight', 'encoder\.block\.1\.layer\.1\.DenseReluDense\.wi\.weight'\]/);
    expect(existsSync(join(dir, 'bad', 'model.onnx'))).toBe(false);
  });
});
