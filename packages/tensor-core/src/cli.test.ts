import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNpz } from './io/npy';
import { bundledModelPath } from './model/bundled';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });

describe('tensor-core CLI', () => {
  it('info, verify, toy-data and predict work end to end', async () => {
    const info = run('info', bundledModelPath());
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toContain('tensor-core-toy-mlp v1.0.0 on cpu');
    expect(info.stdout).toContain('x: float32[batch, 2]');

    const verify = run('verify', bundledModelPath());
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/ok {3}logits: max \|Δ\| = \S+ over 128 values/);

    const dir = mkdtempSync(join(tmpdir(), 'tc-cli-'));
    const data = join(dir, 'moons.npz');
    expect(run('toy-data', '--out', data, '--n', '10').status).toBe(0);
    const moons = await readNpz(data);
    expect(moons.x!.shape).toEqual([10, 2]);
  });

  it('prints typed errors with their code and exits 1', () => {
    const r = run('info', bundledModelPath(), '--device', 'tpu');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error [UNSUPPORTED_DEVICE]: Unsupported device "tpu". Supported: cpu, cuda, auto.');
    const missing = run('info', '/nonexistent/model.onnx');
    expect(missing.stderr).toContain('error [MODEL_NOT_FOUND]');
  });
});
