import { existsSync, mkdtempSync } from 'node:fs';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBaseline } from '../evaluation/run-baseline';
import { writeSyntheticSample } from '../sample/synthetic-sample';
import type { TaskItem } from '../tasks/load-task';
import { NaiveBaseline, mostFrequent } from './naive-baseline';

const REAL = sharedDataPath(['rumedbench']) ?? '../shared/data/rumedbench';
const hasReal = existsSync(REAL);
if (!hasReal) console.warn(`[skip] naive baseline on the real RuMedBench test sets: ${REAL} is absent`);

describe('naive baseline', () => {
  it('predicts the 3 most frequent codes, "да", "neutral", and per-token majority tags', () => {
    expect(mostFrequent(['b', 'a', 'b', 'c', 'a', 'b', 'd'])).toEqual(['b', 'a', 'c', 'd']);
    const n = new NaiveBaseline();
    const item = (gold: string | string[], tokens?: string[]): TaskItem => ({ id: 'x', texts: ['t'], gold, line: 1, ...(tokens ? { tokens } : {}) });
    expect(n.fit('RuMedTop3', ['A', 'B', 'A', 'C', 'D', 'C', 'A'].map((g) => item(g)))(item('?'))).toEqual(['A', 'C', 'B']);
    expect(n.fit('RuMedDaNet', [item('нет')])(item('?'))).toBe('да');
    expect(n.fit('RuMedNLI', [item('entailment')])(item('?'))).toBe('neutral');
    const train = [item(['B-Drugname', 'O'], ['Арбидол', 'и']), item(['B-Drugname'], ['Арбидол']), item(['O'], ['арбидол'])];
    // official rule: the last tag seen for the lower-cased token
    expect(n.fit('RuMedNER', train)(item([], ['АРБИДОЛ', 'и', 'новый']))).toEqual(['O', 'O', 'O']);
    expect(n.fit('RuMedNER', train.slice(0, 2))(item([], ['арбидол']))).toEqual(['B-Drugname']);
    // the paper's wording: the most frequent tag of the token as written
    const mf = new NaiveBaseline({ nerRule: 'most-frequent' }).fit('RuMedNER', train);
    expect(mf(item([], ['Арбидол', 'арбидол', 'новый']))).toEqual(['B-Drugname', 'O', 'O']);
  });

  it('runs end to end on the SYNTHETIC sample', async () => {
    const dir = await writeSyntheticSample(mkdtempSync(join(tmpdir(), 'rmb-naive-')), 3);
    const r = await runBaseline(new NaiveBaseline(), dir, ['RuMedTop3', 'RuMedNLI', 'RuMedNER']);
    expect(r.test.tasks.map((t) => t.task)).toEqual(['RuMedTop3', 'RuMedNLI', 'RuMedNER']);
    for (const t of r.test.tasks) expect(t.acc).toBeGreaterThan(0);
  });

  it.runIf(hasReal)('reproduces the paper\'s naive row on the real test sets (±0.1)', async () => {
    const r = await runBaseline(new NaiveBaseline(), REAL, ['RuMedTop3', 'RuMedSymptomRec', 'RuMedDaNet', 'RuMedNER']);
    const [top3, rec, danet, ner] = r.test.tasks;
    expect(Math.abs(top3!.acc - 10.58)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(top3!.hit3! - 22.02)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(rec!.acc - 1.93)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(rec!.hit3! - 5.3)).toBeLessThanOrEqual(0.1);
    expect(danet!.acc).toBe(50);
    expect(Math.abs(ner!.acc - 93.66)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(ner!.f1! - 51.96)).toBeLessThanOrEqual(0.1);
  });
});
