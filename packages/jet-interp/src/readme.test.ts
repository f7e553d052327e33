import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('opens with an example that runs and prints what it says', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(12);
    const file = join(mkdtempSync(join(tmpdir(), 'jet-interp-readme-')), 'example.mts');
    writeFileSync(file, code.replace("'@lab/jet-interp'", JSON.stringify(fileURLToPath(new URL('./index.ts', import.meta.url)))));
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const rows = lines.map((l) => l.split(' '));
    expect(rows.map((r) => r.slice(0, 4).map((v) => Number(Number(v).toFixed(2))))).toEqual([
      [179.02, 0.12, 6.27, 6.84],
      [70.03, -0.42, 3.11, 1.56],
    ]);
    expect(lines[0]).toMatch(/Int32Array\(2\) \[ 0, 1 \]$/);
    expect(lines[1]).toMatch(/Int32Array\(1\) \[ 2 \]$/);
  });
});
