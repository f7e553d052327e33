import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ndarrayToTensor, readNpz } from '@lab/tensor-core';
import { readSdf } from '../molecule/sdf';
import { writeTrainingArrays } from '../train-data/training-arrays';
import { loadGeoDiffNetwork } from './geodiff-network';

const PYTHON = process.env['LAB_PYTHON'] ?? '/usr/bin/python3';
const TRAINING = fileURLToPath(new URL('../../../../training/geodiff/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../refine/__fixtures__/mmff-etkdg.sdf', import.meta.url));
const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8' });
const reason = probe.status === 0 ? '' : `${PYTHON} with torch and onnx is not available (apt-get install python3-torch python3-onnx)`;
if (reason) console.log(`[skip] reference checkpoint conversion: ${reason}`);

describe.skipIf(reason !== '')('convert_reference_checkpoint.py (SYNTHETIC checkpoint in the reference layout)', () => {
  it('converts names, max_norm embedding and the shared edge encoder; ONNX reproduces the reference forward pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'geodiff-convert-'));
    const fake = spawnSync(PYTHON, [join(TRAINING, 'make_fake_reference_checkpoint.py'), dir], { encoding: 'utf8' });
    expect(fake.status, fake.stderr).toBe(0);
    const golden = join(dir, 'golden.npz');
    await writeTrainingArrays(golden, (await readSdf(readFileSync(FIXTURE, 'utf8'))).molecules);
    const out = join(dir, 'export');
    const conv = spawnSync(PYTHON, [join(TRAINING, 'convert_reference_checkpoint.py'), join(dir, 'fake-reference.pt'), '--out', out, '--golden-npz', golden], { encoding: 'utf8' });
    expect(conv.status, conv.stderr).toBe(0);

    const network = await loadGeoDiffNetwork(out);
    try {
      expect(network.config).toMatchObject({ hidden: 32, numConvs: 2, numConvsLocal: 2, cutoff: 10, edgeOrder: 3 });
      const expected = await readNpz(join(dir, 'expected.npz'));
      const names = ['atom_type', 'pos', 'local_pairs', 'local_type', 'global_pairs', 'global_type', 'global_dir'];
      const feeds = Object.fromEntries(names.map((n) => [n, ndarrayToTensor(expected[n]!)]));
      const got = await network.session.run(feeds);
      for (const name of ['eps_local', 'eps_global']) {
        const want = expected[name]!.data as Float32Array;
        const have = got[name]!.data as Float32Array;
        const scale = Math.max(...Array.from(want, Math.abs));
        expect(scale).toBeGreaterThan(0);
        for (let i = 0; i < want.length; i++) expect(Math.abs(have[i]! - want[i]!)).toBeLessThanOrEqual(1e-4 * scale);
      }
    } finally {
      await network.dispose();
    }
  }, 120_000);

  it('refuses configurations it cannot convert, naming the setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'geodiff-convert-'));
    const script = `import torch; torch.save({'config': {'model': {'network': 'dualenc', 'smooth_conv': True}}, 'model': {}}, '${join(dir, 'smooth.pt')}')`;
    expect(spawnSync(PYTHON, ['-c', script]).status).toBe(0);
    const conv = spawnSync(PYTHON, [join(TRAINING, 'convert_reference_checkpoint.py'), join(dir, 'smooth.pt'), '--out', join(dir, 'x')], { encoding: 'utf8' });
    expect(conv.status).not.toBe(0);
    expect(conv.stderr).toContain('smooth_conv: true is not supported');
  });
});
