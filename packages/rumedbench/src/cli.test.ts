import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });

describe('rumedbench CLI', () => {
  it('sample -> run naive -> eval (json) on SYNTHETIC data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmb-cli-'));
    const data = join(dir, 'data');
    const out = join(dir, 'out');
    expect(run('sample', '--out', data).status).toBe(0);
    const r = run('run', '--baseline', 'naive', '--tasks', 'RuMedTop3,RuMedDaNet', '--data-dir', data, '--out', out, '-q');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('| naive |');
    expect(existsSync(join(out, 'RuMedTop3.jsonl'))).toBe(true);
    const e = run('eval', '--pred-dir', out, '--data-dir', data, '--format', 'json');
    expect(e.status, e.stderr).toBe(0);
    const report = JSON.parse(e.stdout);
    expect(Object.keys(report.tasks)).toEqual(['RuMedTop3', 'RuMedDaNet']);
    expect(report.missing).toEqual(['RuMedSymptomRec', 'RuMedNLI', 'RuMedNER']);
    expect(e.stderr).toContain('skipped RuMedNER: no RuMedNER.jsonl');
    const first = JSON.parse(readFileSync(join(out, 'RuMedDaNet.jsonl'), 'utf8').split('\n')[0]!);
    expect(first.prediction).toBe('да');
  });

  it('exits 1 with a typed error for an unknown baseline or task', () => {
    const r = run('run', '--baseline', 'gpt', '--data-dir', '.', '--out', '/tmp/x');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[INVALID_ARGUMENT\]: Unknown baseline "gpt"\. Available: naive, tfidf, crf, bilstm/);
    const t = run('eval', '--pred-dir', '.', '--data-dir', '.', '--tasks', 'RuMedQA');
    expect(t.stderr).toContain('Unknown task "RuMedQA"');
  });
});
