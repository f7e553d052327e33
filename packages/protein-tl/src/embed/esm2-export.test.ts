import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findPython, sharedDataPath } from '@lab/tensor-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEsmEmbedder } from './esm-embedder';
import { expectGolden } from './embed-test-helpers';

// training/protein/export_esm2.py end to end on a tiny configuration: --random writes SYNTHETIC random weights and
// (--save-checkpoint) the same weights as a Hugging Face checkpoint (config.json, pytorch_model.bin, model.safetensors
// without the tied decoder); --checkpoint converts that back, the path users take with real facebook/esm2_* weights.
const ROOT = resolve(__dirname, '../../../..');
const SCRIPT = join(ROOT, 'training/protein/export_esm2.py');
const CONFIG = sharedDataPath(['vocab', 'esm2_t6_8M_UR50D-config.json']);
const probe = findPython(['torch', 'onnx', 'numpy']);
const reason = !probe.ok
  ? probe.reason
  : CONFIG === undefined
    ? 'shared/data/vocab/esm2_t6_8M_UR50D-config.json is not available (add ../shared or set LAB_SHARED_DATA)'
    : undefined;
if (reason) console.log(`skipping the export_esm2.py tests: ${reason}`);

function py(args: string[]): string {
  const r = spawnSync(probe.ok ? probe.python : 'python3', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, TORCH_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`export_esm2.py ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

describe.skipIf(reason !== undefined)('export_esm2.py (tiny SYNTHETIC random ESM-2)', () => {
  let dir: string;
  const tiny = ['--hidden', '16', '--layers', '1', '--heads', '2', '--intermediate', '32', '--init-std', '0.2', '--seed', '3'];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'esm2-export-'));
    py(['--random', '--config', CONFIG!, ...tiny, '--out', join(dir, 'random'), '--save-checkpoint', join(dir, 'ckpt')]);
    py(['--checkpoint', join(dir, 'ckpt'), '--weights', 'model.safetensors', '--out', join(dir, 'st')]);
    const out = py(['--checkpoint', join(dir, 'ckpt'), '--weights', 'pytorch_model.bin', '--out', join(dir, 'bin'), '--logits']);
    expect(out).toMatch(/wrote .*outputs \['last_hidden_state', 'logits'\]/);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('converts safetensors and pytorch_model.bin checkpoints to the same graph as the random export', async () => {
    const a = await readFile(join(dir, 'random', 'model.onnx'));
    const b = await readFile(join(dir, 'st', 'model.onnx'));
    expect(a.equals(b)).toBe(true);
    const manifest = JSON.parse(await readFile(join(dir, 'st', 'model.json'), 'utf8')) as { provenance: Record<string, unknown> };
    expect(manifest.provenance.checkpoint).toBe('model.safetensors');
    expect(manifest.provenance.synthetic).toBe(false);
  });

  it.each(['random', 'st', 'bin'])('%s export reproduces its PyTorch golden outputs and embeds', async (name) => {
    await expectGolden(join(dir, name, 'model.json'));
    const embedder = await loadEsmEmbedder(join(dir, name), { intraOpThreads: 1 });
    try {
      const { pooled, hiddenSize } = await embedder.embed(['MKTAYIAKQR', 'MSD']);
      expect(hiddenSize).toBe(16);
      expect(pooled!.length).toBe(32);
      expect(pooled!.every(Number.isFinite)).toBe(true);
    } finally {
      await embedder.dispose();
    }
  });
});
