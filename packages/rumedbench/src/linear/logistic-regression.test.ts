import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFormatError, InvalidArgumentError, LabError, type Label } from '@lab/tensor-core';
import { findPython, runPythonJson } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { syntheticTexts } from './__fixtures__/synthetic-texts';
import { LogisticRegression } from './logistic-regression';
import { CsrMatrix } from './sparse-matrix';
import { TfidfVectorizer, type TfidfVectorizerOptions } from './tfidf-vectorizer';

const SCRIPT = fileURLToPath(new URL('./__fixtures__/sklearn_linear_reference.py', import.meta.url));
const probe = findPython(['sklearn', 'numpy']);
if (!probe.ok) console.warn(`[skip] LogisticRegression scikit-learn parity: ${probe.reason}`);
const REAL = sharedDataPath(['rumedbench', 'RuMedTop3']) ?? '../shared/data/rumedbench/RuMedTop3';
const hasReal = existsSync(`${REAL}/train_v1.jsonl`);
if (!hasReal) console.warn(`[skip] LogisticRegression parity on real RuMedTop3 texts: ${REAL} is absent`);

interface LrRef {
  classes: Label[];
  predict: Label[];
  proba: number[][];
  n_iter: number[];
}

const data = syntheticTexts(400, 77);
const train = data.slice(0, 300);
const test = data.slice(300);

function agreement(a: Label[], b: Label[]): number {
  let same = 0;
  a.forEach((v, i) => (same += v === b[i] ? 1 : 0));
  return same / a.length;
}

function maxProbaDiff(a: Float64Array[], b: number[][]): number {
  let worst = 0;
  a.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]![j]!)))));
  return worst;
}

describe('LogisticRegression', () => {
  const vec = new TfidfVectorizer({ analyzer: 'char_wb', ngramRange: [2, 4] });
  const X = vec.fitTransform(train.map((t) => t.text));
  const y = train.map((t) => t.label);
  const T = vec.transform(test.map((t) => t.text));

  it('fits in parallel exactly as in one thread, reporting progress', async () => {
    const events: number[] = [];
    const par = await new LogisticRegression({ C: 10, workers: 2, onProgress: (e) => events.push(e.completed) }).fit(X, y);
    const seq = new LogisticRegression({ C: 10, workers: 1 }).fitSync(X, y);
    expect(par.fitInfo!.workers).toBe(2);
    expect(seq.fitInfo!.workers).toBe(0);
    expect(par.classes).toEqual(['T0', 'T1', 'T2', 'T3', 'T4']);
    expect(Array.from(par.coef)).toEqual(Array.from(seq.coef));
    expect(Array.from(par.intercept)).toEqual(Array.from(seq.intercept));
    expect(events).toEqual([1, 2, 3, 4, 5]);
    // learns the synthetic topics
    const yt = test.map((t) => t.label);
    expect(agreement(par.predict(T), yt)).toBeGreaterThan(0.8);
    const proba = par.predictProba(T);
    for (const row of proba) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    // topK starts with predict's answer
    const top = par.topK(T, 3);
    expect(top.map((r) => r[0])).toEqual(par.predict(T));
    expect(top[0]!.length).toBe(3);
  });

  it('breaks probability ties towards the higher class index', () => {
    const zeros = Buffer.from(new Float64Array(1).buffer).toString('base64');
    const lr = LogisticRegression.fromJSON({
      format: '@lab/rumedbench/logistic-regression',
      version: 1,
      options: { C: 1, maxIter: 100, tol: 1e-4, fitIntercept: true, memory: 10 },
      classes: ['a', 'b', 'c'],
      nFeatures: 1,
      intercept: [0, 0, -1],
      coef: [zeros, zeros, zeros],
    });
    expect(lr.topK(CsrMatrix.fromDense([[0]]), 3)).toEqual([['b', 'a', 'c']]);
    expect(lr.predict(CsrMatrix.fromDense([[0]]))).toEqual(['a']); // argmax keeps the first
  });

  it('fits one model for two classes', () => {
    const X2 = CsrMatrix.fromDense([[1, 0], [0.9, 0.1], [0, 1], [0.2, 1], [1, 1]]);
    const lr = new LogisticRegression({ workers: 1 }).fitSync(X2, [0, 0, 1, 1, 0]);
    expect(lr.intercept.length).toBe(1);
    const p = lr.predictProba(X2);
    expect(p[0]![0]! + p[0]![1]!).toBeCloseTo(1, 14);
    expect(lr.predict(X2)).toEqual([0, 0, 1, 1, 0]);
  });

  it('saves and loads (JSON object and file)', async () => {
    const lr = await new LogisticRegression({ C: 3, workers: 2 }).fit(X, y);
    const back = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(lr)));
    expect(back.predictProba(T)).toEqual(lr.predictProba(T));
    const dir = mkdtempSync(join(tmpdir(), 'lr-'));
    try {
      const file = join(dir, 'model.json');
      lr.save(file);
      expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
      const loaded = LogisticRegression.load(file);
      expect(loaded.classes).toEqual(lr.classes);
      expect(Array.from(loaded.coef)).toEqual(Array.from(lr.coef));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => LogisticRegression.fromJSON({ format: 'nope' })).toThrow(DataFormatError);
  });

  it('throws typed errors', () => {
    expect(() => new LogisticRegression({ C: 0 })).toThrow(InvalidArgumentError);
    expect(() => new LogisticRegression().fitSync(X, y.map(() => 'one'))).toThrow(InvalidArgumentError);
    expect(() => new LogisticRegression().fitSync(X, y.slice(1))).toThrow(InvalidArgumentError);
    try {
      new LogisticRegression().predict(X);
      expect.unreachable();
    } catch (e) {
      expect(LabError.isInstance(e) && e.code).toBe('NOT_FITTED');
    }
  });
});

describe.skipIf(!probe.ok)('LogisticRegression vs scikit-learn 1.2 (SYNTHETIC texts)', () => {
  const cases: Array<{ name: string; vectorizer: TfidfVectorizerOptions; sk: Record<string, unknown>; C: number; labels: (l: string) => Label }> = [
    { name: 'five classes, char 3-8, C=10', vectorizer: { analyzer: 'char', ngramRange: [3, 8] }, sk: { analyzer: 'char', ngram_range: [3, 8] }, C: 10, labels: (l) => l },
    { name: 'two classes, word 1-2, C=1', vectorizer: { ngramRange: [1, 2] }, sk: { ngram_range: [1, 2] }, C: 1, labels: (l) => (l === 'T0' || l === 'T3' ? 1 : 0) },
  ];
  const refs = probe.ok
    ? runPythonJson<LrRef[]>(probe.python, SCRIPT, {
        tasks: cases.map((c) => ({ kind: 'lr', vectorizer: c.sk, C: c.C, fit: train.map((t) => t.text), y: train.map((t) => c.labels(t.label)), transform: test.map((t) => t.text) })),
      })
    : [];
  cases.forEach((c, i) => {
    it(`agrees on ${c.name}`, async () => {
      const ref = refs[i]!;
      const vec = new TfidfVectorizer(c.vectorizer);
      const X = vec.fitTransform(train.map((t) => t.text));
      const lr = await new LogisticRegression({ C: c.C, workers: 2 }).fit(X, train.map((t) => c.labels(t.label)));
      const T = vec.transform(test.map((t) => t.text));
      expect(lr.classes).toEqual(ref.classes);
      expect(agreement(lr.predict(T), ref.predict)).toBeGreaterThanOrEqual(0.99);
      expect(maxProbaDiff(lr.predictProba(T), ref.proba)).toBeLessThan(5e-3);
    });
  });
});

describe.skipIf(!probe.ok || !hasReal)('LogisticRegression vs scikit-learn 1.2 (real RuMedTop3 texts)', () => {
  it('agrees on >= 99% of dev texts of the 10 commonest codes (char 3-8, C=10)', async () => {
    // scikit-learn needs ~1 s per class here, so keep to 10 classes
    const read = (f: string) => readFileSync(`${REAL}/${f}`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { symptoms: string; code: string });
    const all = read('train_v1.jsonl');
    const freq = new Map<string, number>();
    for (const r of all) freq.set(r.code, (freq.get(r.code) ?? 0) + 1);
    const top = new Set([...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([c]) => c));
    const fit = all.filter((r) => top.has(r.code)).slice(0, 600);
    const dev = read('dev_v1.jsonl').filter((r) => top.has(r.code)).slice(0, 200);
    const [ref] = runPythonJson<LrRef[]>(probe.ok ? probe.python : '', SCRIPT, {
      tasks: [{ kind: 'lr', vectorizer: { analyzer: 'char', ngram_range: [3, 8] }, C: 10, fit: fit.map((r) => r.symptoms), y: fit.map((r) => r.code), transform: dev.map((r) => r.symptoms) }],
    });
    const vec = new TfidfVectorizer({ analyzer: 'char', ngramRange: [3, 8] });
    const X = vec.fitTransform(fit.map((r) => r.symptoms));
    const lr = await new LogisticRegression({ C: 10, workers: 2 }).fit(X, fit.map((r) => r.code));
    const T = vec.transform(dev.map((r) => r.symptoms));
    const agree = agreement(lr.predict(T), ref!.predict);
    console.log(`[parity] real RuMedTop3 subset: ${lr.classes.length} classes, prediction agreement ${(agree * 100).toFixed(1)}%, max |Δproba| ${maxProbaDiff(lr.predictProba(T), ref!.proba).toExponential(2)}`);
    expect(agree).toBeGreaterThanOrEqual(0.99);
    expect(maxProbaDiff(lr.predictProba(T), ref!.proba)).toBeLessThan(2e-2);
  });
});
