import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kabsch } from '../alignment/kabsch';
import { Rng } from '../rng/rng';
import { findPython, runPythonJson } from '../testing/python-reference';
import { accuracy, confusionMatrix, precisionRecallFscore, topKAccuracy, type Average, type ZeroDivision } from './classification';
import { rocAuc, rocCurve } from './roc';
import { fitLinearRegression, lstsq, r2Score, type MultiOutput } from './regression';

const SCRIPT = fileURLToPath(new URL('./__fixtures__/sklearn_reference.py', import.meta.url));
const probe = findPython(['sklearn', 'numpy']);
if (!probe.ok) console.warn(`[skip] scikit-learn parity tests: ${probe.reason}`);

type Case = Record<string, unknown> & { kind: string };
const rng = new Rng(20261123);
const labelsOf = (n: number, k: number, names?: string[]) => Array.from({ length: n }, () => (names ? names[rng.int(k)]! : rng.int(k)));
const randMatrix = (r: number, c: number) => Array.from({ length: r }, () => Array.from({ length: c }, () => rng.normal()));
const close = (a: number, b: number, tol = 1e-10) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

// Build all random cases first, send them to scikit-learn in one process, then compare.
const cases: Case[] = [];
const checks: Array<(ref: unknown) => void> = [];
function add(c: Case, check: (ref: any) => void) {
  cases.push(c);
  checks.push(check);
}

for (let rep = 0; rep < 40; rep++) {
  const k = 2 + rng.int(5);
  const n = 5 + rng.int(60);
  const names = rep % 2 ? ['cat', 'dog', 'pig', 'cow', 'ant', 'bee', 'elk'] : undefined;
  const yTrue = labelsOf(n, k, names);
  // predictions: often correct, sometimes a class never predicted or an extra class
  const yPred = yTrue.map((y) => (rng.uniform() < 0.5 ? y : names ? names[rng.int(k + 1)]! : rng.int(k + 1)));
  const averages: Average[] = ['micro', 'macro', 'weighted', null];
  const zds: ZeroDivision[] = ['warn', 0, 1];
  for (const average of averages) {
    for (const zeroDivision of zds) {
      const beta = rep % 5 === 0 ? 0.5 : 1;
      const labels = rep % 3 === 0 ? (names ? ['dog', 'cat', 'eel'] : [1, 0, 9]) : undefined;
      add({ kind: 'prf', yTrue, yPred, average, zeroDivision, beta, ...(labels ? { labels } : {}) }, (ref) => {
        const got = precisionRecallFscore(yTrue, yPred, { average, zeroDivision, beta, ...(labels ? { labels } : {}) });
        for (const key of ['precision', 'recall', 'fscore'] as const) {
          const g = got[key];
          if (Array.isArray(g)) g.forEach((v, i) => close(v, ref[key][i]));
          else close(g as number, ref[key]);
        }
        if (average === null) expect(got.support).toEqual(ref.support);
      });
    }
  }
  if (!names && k === 2 && new Set([...yTrue, ...yPred]).size <= 2) {
    add({ kind: 'prf', yTrue, yPred, average: 'binary', zeroDivision: 'warn', posLabel: 1 }, (ref) => {
      const got = precisionRecallFscore(yTrue, yPred, { average: 'binary', posLabel: 1 });
      close(got.precision, ref.precision);
      close(got.recall, ref.recall);
      close(got.fscore, ref.fscore);
    });
  }
  add({ kind: 'accuracy', yTrue, yPred }, (ref) => close(accuracy(yTrue, yPred), ref));
  add({ kind: 'confusion', yTrue, yPred }, (ref) => expect(confusionMatrix(yTrue, yPred).matrix).toEqual(ref));
  // top-k with ties (scores rounded to one decimal)
  const classes = Array.from({ length: k + 1 }, (_, i) => i);
  const yT = labelsOf(n, k + 1);
  const scores = yT.map(() => classes.map(() => Math.round(rng.uniform() * 10) / 10));
  const kk = 1 + rng.int(k);
  add({ kind: 'topk', yTrue: yT, scores, k: kk, labels: classes }, (ref) => close(topKAccuracy(yT, scores, kk, classes), ref));
}

for (let rep = 0; rep < 20; rep++) {
  const n = 10 + rng.int(200);
  const yTrue = Array.from({ length: n }, (_, i) => (i < 2 ? i : rng.int(2)));
  const scores = yTrue.map((y) => Math.round((y + rng.normal()) * (rep % 2 ? 4 : 1000)) / 8);
  for (const drop of [true, false]) {
    add({ kind: 'roc', yTrue, scores, drop }, (ref) => {
      const got = rocCurve(yTrue, scores, { dropIntermediate: drop });
      expect(got.fpr.length).toBe(ref.fpr.length);
      got.fpr.forEach((v, i) => close(v, ref.fpr[i]));
      got.tpr.forEach((v, i) => close(v, ref.tpr[i]));
      got.thresholds.slice(1).forEach((v, i) => close(v, ref.thresholds[i + 1]));
      expect(got.thresholds[0]).toBe(Infinity); // scikit-learn >= 1.3 convention; 1.2 used max + 1
      close(rocAuc(yTrue, scores), ref.auc, 1e-12);
    });
  }
}

for (let rep = 0; rep < 15; rep++) {
  const n = 3 + rng.int(40);
  const outputs = 1 + rng.int(4);
  const yTrue = randMatrix(n, outputs);
  if (rep % 4 === 1) yTrue.forEach((row) => (row[0] = 2.5)); // a constant target
  const yPred = yTrue.map((row) => row.map((v) => v + 0.5 * rng.normal()));
  if (rep % 4 === 2) yPred.forEach((row, i) => (row[0] = yTrue[i]![0]!)); // a perfect output
  for (const multioutput of ['uniform_average', 'variance_weighted', 'raw_values'] as MultiOutput[]) {
    add({ kind: 'r2', yTrue, yPred, multioutput }, (ref) => {
      const got = r2Score(yTrue, yPred, multioutput as 'raw_values');
      if (Array.isArray(got)) got.forEach((v, i) => close(v, ref[i], 1e-9));
      else close(got, ref, 1e-9);
    });
  }
  const single = yTrue.map((r) => r[0]!);
  const singlePred = yPred.map((r) => r[0]!);
  add({ kind: 'r2', yTrue: single, yPred: singlePred, multioutput: 'uniform_average' }, (ref) => close(r2Score(single, singlePred), ref, 1e-9));
}

for (let rep = 0; rep < 12; rep++) {
  const m = 2 + rng.int(30);
  const n = 1 + rng.int(8);
  const A = randMatrix(m, n);
  if (rep % 3 === 0 && n > 1) A.forEach((row) => (row[n - 1] = 2 * row[0]!)); // rank-deficient
  const B = randMatrix(m, 1 + rng.int(3));
  add({ kind: 'lstsq', A, B }, (ref) => {
    const got = lstsq(A, B);
    expect(got.rank).toBe(ref.rank);
    got.solution.to2DArray().forEach((row, i) => row.forEach((v, j) => close(v, ref.solution[i][j], 1e-8)));
    got.singularValues.forEach((v, i) => close(v, ref.singularValues[i], 1e-10));
  });
  if (m > n + 1) {
    add({ kind: 'linreg', X: A, Y: B }, (ref) => {
      const got = fitLinearRegression(A, B);
      got.coef.to2DArray().forEach((row, i) => row.forEach((v, j) => close(v, ref.coef[i][j], 1e-8)));
      got.intercept.forEach((v, j) => close(v, ref.intercept[j], 1e-8));
    });
  }
}

for (let rep = 0; rep < 20; rep++) {
  const n = 3 + rng.int(30);
  const P = randMatrix(n, 3);
  const Q = rep % 2 ? randMatrix(n, 3) : P.map((r) => [r[2]! + 1, -r[0]! + 0.1 * rng.normal(), r[1]! - 3]);
  add({ kind: 'kabsch', P, Q }, (ref) => {
    const got = kabsch(P, Q);
    close(got.rmsd, ref.rmsd, 1e-9);
    got.rotation.forEach((v, i) => close(v, ref.rotation[i], 1e-7));
  });
}

describe.skipIf(!probe.ok)('parity with scikit-learn / numpy on random inputs', () => {
  it(`agrees on ${cases.length} cases (precision/recall/F, accuracy, top-k, confusion, ROC/AUC, R², lstsq, OLS, Kabsch)`, () => {
    const refs = runPythonJson<unknown[]>((probe as { python: string }).python, SCRIPT, cases);
    expect(refs).toHaveLength(cases.length);
    checks.forEach((check, i) => check(refs[i]));
  });
});
