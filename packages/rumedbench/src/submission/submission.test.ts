import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, LabError } from '@lab/tensor-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { NaiveBaseline } from '../baselines/naive-baseline';
import { evaluateSubmissions } from '../evaluation/evaluate';
import { writeSyntheticSample } from '../sample/synthetic-sample';
import { loadTask } from '../tasks/load-task';
import { readSubmission, submissionPath, writeSubmission } from './submission';

let sample: string;
beforeAll(async () => {
  sample = await writeSyntheticSample(mkdtempSync(join(tmpdir(), 'rmb-sub-')), 2);
});

async function naiveSubmission(task: 'RuMedTop3' | 'RuMedNER' | 'RuMedDaNet'): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'rmb-out-'));
  const data = await loadTask(sample, task);
  const preds = await new NaiveBaseline().run(data);
  await writeSubmission(out, task, data.test.items, preds.test);
  return out;
}

describe('submissions', () => {
  it('write the official layout: id field, gold field and prediction per line', async () => {
    const out = await naiveSubmission('RuMedTop3');
    const first = JSON.parse(readFileSync(submissionPath(out, 'RuMedTop3'), 'utf8').split('\n')[0]!);
    expect(Object.keys(first)).toEqual(['idx', 'code', 'prediction']);
    expect(first.prediction).toHaveLength(3);
    const rows = await readSubmission(submissionPath(out, 'RuMedTop3'), 'RuMedTop3');
    expect(rows).toHaveLength(60);
    const ner = await naiveSubmission('RuMedNER');
    expect(Object.keys(JSON.parse(readFileSync(submissionPath(ner, 'RuMedNER'), 'utf8').split('\n')[0]!))).toEqual(['idx', 'ner_tags', 'prediction']);
  });

  it('round-trip through the evaluator gives the baseline\'s own scores', async () => {
    const data = await loadTask(sample, 'RuMedDaNet');
    const out = await naiveSubmission('RuMedDaNet');
    const report = await evaluateSubmissions(out, sample);
    const expected = (100 * data.test.items.filter((i) => i.gold === 'да').length) / data.test.items.length;
    expect(report.tasks).toHaveLength(1);
    expect(report.tasks[0]!.acc).toBeCloseTo(expected, 10);
    expect(report.skipped.map((s) => s.task)).toEqual(['RuMedTop3', 'RuMedSymptomRec', 'RuMedNLI', 'RuMedNER']);
  });

  it('refuses partial submissions, extra ids, wrong list lengths and broken lines, naming file and line', async () => {
    const out = await naiveSubmission('RuMedTop3');
    const path = submissionPath(out, 'RuMedTop3');
    const lines = readFileSync(path, 'utf8').trim().split('\n');

    writeFileSync(path, lines.slice(1).join('\n'));
    let e = (await evaluateSubmissions(out, sample).catch((x: unknown) => x)) as LabError;
    expect(e.code).toBe('SUBMISSION_IDS');
    expect(e.message).toContain('1 test ids missing (syn-test-0)');

    writeFileSync(path, [...lines, JSON.stringify({ idx: 'zzz', prediction: ['a', 'b', 'c'] })].join('\n'));
    e = (await evaluateSubmissions(out, sample).catch((x: unknown) => x)) as LabError;
    expect(e.message).toContain('1 ids not in the test set (zzz)');

    const short = JSON.parse(lines[4]!);
    short.prediction = short.prediction.slice(0, 2);
    writeFileSync(path, [...lines.slice(0, 4), JSON.stringify(short), ...lines.slice(5)].join('\n'));
    const f = (await evaluateSubmissions(out, sample).catch((x: unknown) => x)) as DataFormatError;
    expect(f).toBeInstanceOf(DataFormatError);
    expect(f.location).toBe('line 5, field "prediction"');
    expect(f.message).toContain('must list exactly 3 codes, found 2');

    writeFileSync(path, [...lines.slice(0, 2), '{oops', ...lines.slice(3)].join('\n'));
    const g = (await evaluateSubmissions(out, sample).catch((x: unknown) => x)) as DataFormatError;
    expect(g.location).toBe('line 3');

    const wrongGold = JSON.parse(lines[0]!);
    wrongGold.code = 'XXX';
    writeFileSync(path, [JSON.stringify(wrongGold), ...lines.slice(1)].join('\n'));
    e = (await evaluateSubmissions(out, sample).catch((x: unknown) => x)) as LabError;
    expect(e.code).toBe('SUBMISSION_GOLD');
  });

  it('refuses to write malformed predictions', async () => {
    const data = await loadTask(sample, 'RuMedNER');
    const out = mkdtempSync(join(tmpdir(), 'rmb-w-'));
    const preds = data.test.items.map((i) => i.tokens!.map(() => 'O'));
    preds[3] = ['O'];
    await expect(writeSubmission(out, 'RuMedNER', data.test.items, preds)).rejects.toThrow(/prediction has 1 tags for \d+ tokens/);
  });
});
