import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, readNpy } from '@lab/tensor-core';
import { afterAll, describe, expect, it } from 'vitest';
import { findTools } from '../baselines/find-tools';
import { HEAD_EMBEDDER_FILE, HEAD_LABELS_FILE, baselineCommand, classifyCommand, embedCommand, evaluateCommand, parseBaselineNames, trainCommand } from './protein-commands';

// SYNTHETIC protein families: each family is a random 60-residue ancestor; members are copies with 15 % of positions
// substituted at random and a random 0–5 residue trim at each end. Written as Pfam CSV (family_accession,sequence).
const AA = 'ACDEFGHIKLMNPQRSTVWY';
function family(rng: Rng, members: number): string[] {
  const ancestor = Array.from({ length: 60 }, () => AA[rng.int(20)]!);
  return Array.from({ length: members }, () => {
    const s = ancestor.map((a) => (rng.uniform() < 0.15 ? AA[rng.int(20)]! : a));
    return s.slice(rng.int(6), 60 - rng.int(6)).join('');
  });
}
const dir = mkdtempSync(join(tmpdir(), 'protein-tl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const rng = new Rng(12);
const fams = Array.from({ length: 5 }, (_, f) => ({ acc: `PF9990${f}.1`, seqs: family(rng, 14) }));
function csv(name: string, pick: (seqs: string[]) => string[]): string {
  const rows = ['family_accession,sequence', ...fams.flatMap((f) => pick(f.seqs).map((s) => `${f.acc},${s}`))];
  const path = join(dir, name);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}
const train = csv('train.csv', (s) => s.slice(0, 10));
const test = csv('test.csv', (s) => s.slice(10));
const fasta = join(dir, 'queries.fasta');
writeFileSync(fasta, fams.map((f, i) => `>q${i}\n${f.seqs[13]}\n`).join(''));

describe('protein-tl commands (SYNTHETIC families, model-free embedders)', () => {
  it('embed writes a float32 .npy [rows, dim] in file order', async () => {
    const out = join(dir, 'x.npy');
    const r = await embedCommand(test, out, { embedder: 'kmer' });
    expect(r).toMatchObject({ rows: 20, dim: 8000 });
    const a = await readNpy(out);
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([20, 8000]);
    // L2-normalised rows
    const row = (a.data as Float32Array).subarray(0, 8000);
    expect(Math.hypot(...row)).toBeCloseTo(1, 5);
  });

  it('train writes a head folder that classify reads back; a cache gives the same predictions', async () => {
    const out = join(dir, 'knn');
    const t = await trainCommand({ train, head: 'knn', out, embedder: 'kmer', dev: test });
    expect(t).toMatchObject({ rows: 50, families: 5, dim: 8000 });
    expect(t.devErrorRate).toBeLessThan(20);
    expect(JSON.parse(readFileSync(join(out, HEAD_EMBEDDER_FILE), 'utf8'))).toMatchObject({ spec: 'kmer', dim: 8000 });
    expect(readFileSync(join(out, HEAD_LABELS_FILE), 'utf8')).toContain('PF99900.1');
    const c = await classifyCommand(test, { head: out });
    expect(c.predictions).toHaveLength(20);
    expect(c.errorRate).toBeCloseTo(t.devErrorRate!, 10);
    const q = await classifyCommand(fasta, { head: out, cache: join(dir, 'cache') });
    expect(q.predictions.map((p) => p.name)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
    expect(q.predictions.map((p) => p.family)).toEqual(fams.map((f) => f.acc));
    const again = await classifyCommand(fasta, { head: out, cache: join(dir, 'cache') });
    expect(again.predictions).toEqual(q.predictions);
    // another embedder than the head's
    await expect(classifyCommand(fasta, { head: out, embedder: 'kmer:2' })).rejects.toThrow(/trained on embeddings of .* use the same embedder/);
  });

  it('evaluate: the issue\'s JSON rows for the chosen heads', async () => {
    const r = await evaluateCommand({ train, test, embedder: 'kmer:2', heads: ['knn', 'knn-ensemble', 'mlp'], members: 2, maxEpochs: 5, format: 'json' });
    const rows = JSON.parse(r.text) as Array<Record<string, number | string>>;
    expect(rows.map((x) => x['method'])).toEqual(['1-NN', 'kNN ensemble', 'MLP']);
    for (const x of rows) {
      expect(Object.keys(x)).toEqual(['method', 'embedding', 'error_rate', 'errors', 'precision', 'recall', 'f1_weighted']);
      expect(x['embedding']).toContain('2-mer');
      expect(x['error_rate']).toBeCloseTo((100 * (x['errors'] as number)) / 20, 10);
    }
    expect(rows[0]!['error_rate']).toBeLessThan(40);
  });

  it('rejects unlabelled training files and unknown baselines', async () => {
    await expect(trainCommand({ train: fasta, head: 'knn', out: join(dir, 'bad'), embedder: 'kmer' })).rejects.toThrow('has no families');
    expect(() => parseBaselineNames('hmmer,psiblast')).toThrow('Unknown baseline "psiblast". Supported: hmmer, blast');
    await expect(embedCommand(test, join(dir, 'x.bin'), { embedder: 'kmer' })).rejects.toThrow('--out must name a .npy file');
    await expect(embedCommand(test, join(dir, 'y.npy'), { embedder: join(dir, 'no-such-model') })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });
});

const blast = findTools(['makeblastdb', 'blastp']);
if (!blast.ok) console.log(`skipping protein-tl baseline blast: ${blast.reason}`);
describe.skipIf(!blast.ok)('protein-tl baseline blast (SYNTHETIC families)', () => {
  it('scores the best blastp hit like the heads', async () => {
    const r = await baselineCommand('blast', { train, test, threads: 1 });
    expect(r.row.method).toBe('BLAST');
    expect(r.row.errors).toBeLessThanOrEqual(1);
  }, 60_000);
});
