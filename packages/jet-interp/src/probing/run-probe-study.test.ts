import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainDataCommand } from '../cli/train-data-command';
import { loadRecnn } from '../recnn/recnn-model';
import { readTrainingJets, readTrainingSplits } from '../recnn/training-data';
import { runTransferStudy, formatTransferTable } from '../transfer/run-transfer-study';
import { formatProbeTable, observableColumns } from './probe-study';
import { runProbeStudy } from './run-probe-study';
import { linearProbe } from './linear-probe';

const FIXTURES = join(__dirname, '..', 'recnn', '__fixtures__');
const dir = mkdtempSync(join(tmpdir(), 'probe-study-'));
const data = join(dir, 'w-qcd.npz');

beforeAll(async () => {
  await trainDataCommand({ out: data, source: { kind: 'generator', kinds: ['w', 'qcd'], jets: 40, seed: 3 }, validationFraction: 0.3, testFraction: 0.3 });
}, 60_000);

describe('readTrainingJets', () => {
  it('returns the stored jets with their labels and split', async () => {
    const all = await readTrainingJets(data);
    expect(all.jets.length).toBe(80);
    expect(all.meta.source).toMatch(/qcd \(20 quark \+ 20 gluon\)/);
    const test = await readTrainingJets(data, { split: 'test', limit: 5 });
    expect(test.jets.length).toBe(5);
    expect(Array.from(test.split).every((s) => s === 2)).toBe(true);
    await expect(readTrainingJets(join(FIXTURES, 'recnn-simple', 'golden-jets.npz'))).rejects.toThrow(/write them with `jet-interp train-data`/);
    // several splits from one read equal one read per split
    const both = await readTrainingSplits(data, ['validation', 'test'], { limit: 5 });
    expect(Array.from(both.test.labels)).toEqual(Array.from(test.labels));
    expect(Array.from(both.test.jets[2]!.momenta)).toEqual(Array.from(test.jets[2]!.momenta));
    expect(Array.from(both.validation.split).every((s) => s === 1)).toBe(true);
    await expect(readTrainingSplits(data, ['dev' as never])).rejects.toThrow(/split must be one of train, validation, test/);
  });
});

describe('runProbeStudy', () => {
  it('probes the embedding of the task\'s own model on validation (fit) and test (score) jets', async () => {
    const rows = await runProbeStudy([{ model: join(FIXTURES, 'recnn-simple'), data }], { jets: 100, observables: ['mass', 'multiplicity'] });
    expect(rows.map((r) => r.observable)).toEqual(['mass', 'multiplicity']);
    // the same numbers by hand: embeddings of validation then test jets, probed with linearProbe
    const fit = await readTrainingJets(data, { split: 'validation' });
    const score = await readTrainingJets(data, { split: 'test' });
    const jets = [...fit.jets, ...score.jets];
    const model = await loadRecnn(join(FIXTURES, 'recnn-simple'));
    const r = await model.embedJets(jets);
    await model.dispose();
    const ref = linearProbe({ data: r.embeddings, dim: r.embeddingSize }, observableColumns(jets, ['mass', 'multiplicity']), {
      fit: Array.from({ length: fit.jets.length }, (_, i) => i),
      score: Array.from({ length: score.jets.length }, (_, i) => fit.jets.length + i),
    });
    expect(rows[0]!.r2).toBeCloseTo(ref.mass!.r2, 10);
    expect(rows[0]!.task).toBe('w/quark'); // the fixture model's recnn.json names its task
    expect(formatProbeTable(rows, 'md')).toMatch(/\| observable \| RecNN h_J \|/);
    expect(formatProbeTable(rows, 'csv').split('\n')[1]).toMatch(/^w\/quark,RecNN h_J,mass,/);
  }, 60_000);
});

describe('runTransferStudy', () => {
  it('fits a head on each other task\'s frozen embedding and reports base and transfer AUCs', async () => {
    const tasks = [
      { model: join(FIXTURES, 'recnn-simple'), data, name: 'A' },
      { model: join(FIXTURES, 'recnn-gated'), data, name: 'B' },
    ];
    const rows = await runTransferStudy(tasks, { epochs: 3 });
    expect(rows.map((r) => `${r.from}->${r.to}`)).toEqual(['B->A', 'A->B']);
    for (const r of rows) {
      for (const v of [r.baseAuc, r.transferAuc, r.selfHeadAuc]) expect(v).toBeGreaterThanOrEqual(0), expect(v).toBeLessThanOrEqual(1);
      expect(r.jets.test).toBe(24);
      expect(r.head.history.length).toBeGreaterThan(0);
    }
    expect(formatTransferTable(rows, 'csv').split('\n')[0]).toMatch(/^embedding from,head on,base AUC,transfer AUC/);
    await expect(runTransferStudy(tasks.slice(0, 1))).rejects.toThrow(/at least two tasks/);
  }, 120_000);
});
