import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });

// SYNTHETIC: three families of repeated motifs with one substitution per member.
const dir = mkdtempSync(join(tmpdir(), 'protein-tl-bin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const motifs = ['MKTAYIAKQRQISFVKSHFSRQ', 'GDSRRLATEDIIKNKGLTRKRK', 'VLDVGCGTGVTTRAAAAAAPAG'];
const member = (m: string, i: number) => `${m.slice(0, i)}W${m.slice(i + 1)}${m}`;
const write = (name: string, idx: number[]) => {
  const path = join(dir, name);
  writeFileSync(path, ['family_accession,sequence', ...motifs.flatMap((m, f) => idx.map((i) => `PF0000${f}.1,${member(m, i)}`))].join('\n') + '\n');
  return path;
};
const train = write('train.csv', [1, 3, 5, 7]);
const test = write('test.csv', [2, 9]);

describe('protein-tl (the command line)', () => {
  it('evaluate --format json prints the rows; --format md the two tables', () => {
    const json = run('evaluate', '--train', train, '--test', test, '--embedder', 'kmer:2', '--heads', 'knn,knn-ensemble', '--members', '2', '--format', 'json', '-q');
    expect(json.status, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<{ method: string; errors: number }>;
    expect(rows.map((r) => r.method)).toEqual(['1-NN', 'kNN ensemble']);
    expect(rows[0]!.errors).toBe(0);
    const md = run('evaluate', '--train', train, '--test', test, '--embedder', 'kmer:2', '--heads', 'knn', '-q');
    expect(md.status, md.stderr).toBe(0);
    expect(md.stdout).toContain('### Table 1: error rate');
    expect(md.stdout).toContain('| 1-NN | 2-mer');
    expect(md.stdout).toContain('### Table 2: precision, recall and weighted F1');
  }, 60_000);

  it('fails with a typed message and exit code 1 for bad options', () => {
    const r = run('evaluate', '--train', train, '--test', test, '--embedder', 'kmer:2', '--heads', 'knn,svm', '-q');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error [INVALID_ARGUMENT]: Unknown head "svm". Supported: knn, knn-ensemble, mlp, mlp-ensemble.');
    const f = run('evaluate', '--train', train, '--test', test, '--embedder', 'kmer:2', '--format', 'xml', '-q');
    expect(f.stderr).toContain('Unknown format "xml". Supported: md, json.');
    const b = run('baseline', 'psiblast', '--train', train, '--test', test);
    expect(b.stderr).toContain('Unknown baseline "psiblast"');
  }, 60_000);
});
