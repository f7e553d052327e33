import { Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { HEAD_NAMES, evaluateHeads, metricsRow, parseHeadNames } from './evaluate-heads';
import { formatEvaluation, parseEvaluationFormat } from './format-evaluation';

// SYNTHETIC embeddings: one Gaussian blob per family (centres far apart relative to the spread), so every head can
// separate them; a second set with overlapping blobs makes errors.
function blobs(families: string[], perFamily: number, dim: number, spread: number, rng: Rng): { x: Float32Array; families: string[] } {
  const centres = families.map(() => Array.from({ length: dim }, () => rng.normal() * 4));
  const x = new Float32Array(families.length * perFamily * dim);
  const out: string[] = [];
  let r = 0;
  for (let f = 0; f < families.length; f++) {
    for (let i = 0; i < perFamily; i++, r++) {
      for (let d = 0; d < dim; d++) x[r * dim + d] = centres[f]![d]! + rng.normal() * spread;
      out.push(families[f]!);
    }
  }
  return { x, families: out };
}

describe('evaluateHeads (SYNTHETIC embeddings)', () => {
  const fams = ['PF00001.1', 'PF00002.1', 'PF00003.1', 'PF00004.1'];
  const mlp = { hidden: [16], maxEpochs: 8, patience: 3 };

  it('fits every head and scores separable families without errors, in the requested order', async () => {
    const rng = new Rng(3);
    const train = blobs(fams, 40, 8, 0.3, rng);
    const rng2 = new Rng(4);
    // the same centres: regenerate with the same seed, then fresh noise for the test rows
    const test = blobs(fams, 40, 8, 0.3, new Rng(3));
    for (let i = 0; i < test.x.length; i++) test.x[i]! += rng2.normal() * 0.05;
    const progress: number[] = [];
    const r = await evaluateHeads(train, test, 8, { embedding: 'synthetic', mlp, members: 4, onProgress: (p) => progress.push(p.completed) });
    expect(r.rows.map((row) => row.method)).toEqual(['1-NN', 'kNN ensemble', 'MLP', 'MLP ensemble']);
    for (const row of r.rows) {
      expect(row.embedding).toBe('synthetic');
      expect(row.errors, row.method).toBe(0);
      expect(row.error_rate).toBe(0);
      expect(row.f1_weighted).toBeCloseTo(1, 12);
    }
    expect(Object.keys(r.predictions)).toEqual([...HEAD_NAMES]);
    expect(r.predictions['knn']).toEqual(test.families);
    expect(progress.at(-1)).toBe(4);
  });

  it('counts test rows of families missing from training as errors, and scores like baselineMetrics', async () => {
    const train = blobs(fams.slice(0, 3), 30, 6, 0.2, new Rng(7));
    const test = blobs(fams, 30, 6, 0.2, new Rng(7)); // the fourth family never appears in training
    const r = await evaluateHeads(train, test, 6, { embedding: 'e', heads: ['knn'] });
    const row = r.rows[0]!;
    expect(row.errors).toBeGreaterThanOrEqual(30);
    expect(row).toEqual(metricsRow('1-NN', 'e', test.families, r.predictions['knn']!));
    expect(row.error_rate).toBeCloseTo((100 * row.errors) / test.families.length, 12);
  });

  it('steers the MLP with development rows (unseen development families are left out)', async () => {
    const train = blobs(fams.slice(0, 3), 30, 6, 1.5, new Rng(9));
    const dev = blobs(fams, 10, 6, 1.5, new Rng(9));
    const r = await evaluateHeads(train, dev, 6, { embedding: 'e', heads: ['mlp'], dev, mlp });
    expect(r.rows[0]!.errors).toBeGreaterThanOrEqual(10);
  });

  it('rejects bad input with typed errors', async () => {
    const t = blobs(fams, 2, 4, 0.1, new Rng(1));
    await expect(evaluateHeads(t, { x: t.x, families: t.families.slice(1) }, 4, { embedding: 'e' })).rejects.toMatchObject({ argument: 'test.families' });
    await expect(evaluateHeads(t, t, 4, { embedding: 'e', heads: ['svm' as never] })).rejects.toThrow('Unknown head "svm"');
    expect(() => parseHeadNames('knn,,mlp,knn')).not.toThrow();
    expect(parseHeadNames('knn,,mlp,knn')).toEqual(['knn', 'mlp']);
    expect(() => parseHeadNames('knn,forest')).toThrow('Supported: knn, knn-ensemble, mlp, mlp-ensemble');
    expect(() => parseEvaluationFormat('csv')).toThrow('Supported: md, json');
  });
});

describe('formatEvaluation', () => {
  const rows = [metricsRow('1-NN', 'ours', ['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b']), metricsRow('BLAST', 'sequence', ['a', 'a', 'b', 'b'], ['a', 'a', 'b', null])];
  it('JSON: the issue\'s row layout, error rate in percent', () => {
    const parsed = JSON.parse(formatEvaluation(rows, 'json')) as Record<string, unknown>[];
    expect(parsed).toHaveLength(2);
    expect(Object.keys(parsed[0]!)).toEqual(['method', 'embedding', 'error_rate', 'errors', 'precision', 'recall', 'f1_weighted']);
    expect(parsed[0]!['error_rate']).toBe(25);
    expect(parsed[1]!['errors']).toBe(1);
  });
  it('Markdown: Table 1 (error rate, errors) and Table 2 (precision, recall, F1)', () => {
    const md = formatEvaluation(rows, 'md', { title: 'random split', testSequences: 4 });
    expect(md).toContain('### Table 1: error rate — random split');
    expect(md).toContain('| 1-NN | ours | 25.00 | 1 |');
    expect(md).toContain('Test sequences: 4.');
    expect(md).toMatch(/\| BLAST \| sequence \| [01]\.\d{4} \| 0\.7500 \| [01]\.\d{4} \|/);
  });
});
