// RuMedBench tf-idf + one-vs-rest logistic regression on RuMedTop3: @lab/rumedbench against scikit-learn 1.2, in one
// run (ours first, then scikit-learn in a child process, so that they do not share the cores).
// Usage: node bench/rumedbench/tfidf-lr.mjs   (data: $RUMEDBENCH_DATA or ../shared/data/rumedbench beside the repository)
import { sharedDataPath } from '@lab/tensor-core/testing';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogisticRegression, TfidfVectorizer } from '@lab/rumedbench';
import { accuracy, hitAtK } from '@lab/tensor-core';
import { writeResult } from '../lib/report.mjs';

const DATA = process.env.RUMEDBENCH_DATA ?? sharedDataPath(['rumedbench']) ?? '../shared/data/rumedbench';
const PYTHON = process.env.LAB_PYTHON ?? '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const PAPER = { accuracy: 49.76, hit3: 72.75 };

if (!existsSync(join(DATA, 'RuMedTop3', 'train_v1.jsonl'))) {
  console.log(`[skip] RuMedTop3 not found under ${DATA}; set RUMEDBENCH_DATA to the RuMedBench data directory.`);
  process.exit(0);
}
const read = (split) =>
  readFileSync(join(DATA, 'RuMedTop3', `${split}_v1.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const [train, dev, test] = ['train', 'dev', 'test'].map(read);
const workers = Math.min(2, availableParallelism());
const secs = (t) => (performance.now() - t) / 1000;

// ours
let t = performance.now();
const vec = new TfidfVectorizer({ analyzer: 'char', ngramRange: [3, 8] });
const X = vec.fitTransform(train.map((r) => r.symptoms));
const tfidfFit = secs(t);
console.log(`tf-idf: ${X.rows} x ${X.cols}, nnz ${X.nnz}, ${tfidfFit.toFixed(2)} s`);
t = performance.now();
const lr = await new LogisticRegression({ C: 10, workers, onProgress: (e) => e.completed % 20 === 0 && console.log(`  LR ${e.completed}/${e.total}`) }).fit(X, train.map((r) => r.code));
const lrFit = secs(t);
console.log(`LR fit: ${lr.classes.length} classes, ${lrFit.toFixed(2)} s (${lr.fitInfo.workers} workers)`);
t = performance.now();
const ranked = {};
for (const [name, rows] of [['dev', dev], ['test', test]]) ranked[name] = lr.topK(vec.transform(rows.map((r) => r.symptoms)), 3);
const predictSecs = secs(t);
const ours = {
  seconds: { tfidf_fit: tfidfFit, lr_fit: lrFit, fit: tfidfFit + lrFit, predict_dev_test: predictSecs },
  features: X.cols,
  nnz: X.nnz,
  classes: lr.classes.length,
  iterations: { mean: lr.fitInfo.iterations.reduce((a, b) => a + b, 0) / lr.fitInfo.iterations.length, max: Math.max(...lr.fitInfo.iterations) },
  workers: lr.fitInfo.workers,
  accuracy_test: accuracy(test.map((r) => r.code), ranked.test.map((r) => r[0])),
  hit3_test: hitAtK(test.map((r) => r.code), ranked.test, 3),
  accuracy_dev: accuracy(dev.map((r) => r.code), ranked.dev.map((r) => r[0])),
  hit3_dev: hitAtK(dev.map((r) => r.code), ranked.dev, 3),
  max_rss_mb: process.resourceUsage().maxRSS / 1024,
};
console.log('ours', JSON.stringify(ours));

// scikit-learn
console.log(`running scikit-learn (${PYTHON}, n_jobs=${workers}); this takes minutes...`);
const py = spawnSync(PYTHON, [join(HERE, 'sklearn_tfidf_lr.py'), DATA, String(workers)], { encoding: 'utf8', maxBuffer: 1 << 28 });
let sklearn = null;
let ratios = null;
let agreement = null;
if (py.status !== 0) {
  console.log(`[skip] scikit-learn reference failed or is missing: ${(py.stderr || py.error?.message || '').trim().split('\n').pop()}`);
} else {
  const { test_top3: skTop3, ...rest } = JSON.parse(py.stdout);
  sklearn = rest;
  agreement = {
    top1: ranked.test.filter((r, i) => r[0] === skTop3[i][0]).length / test.length,
    top3_same_order: ranked.test.filter((r, i) => r.join() === skTop3[i].join()).length / test.length,
  };
  ratios = {
    fit_time: ours.seconds.fit / sklearn.seconds.fit,
    lr_fit_time: ours.seconds.lr_fit / sklearn.seconds.lr_fit,
    tfidf_fit_time: ours.seconds.tfidf_fit / sklearn.seconds.tfidf_fit,
    predict_time: ours.seconds.predict_dev_test / sklearn.seconds.predict_dev_test,
    peak_rss_vs_sklearn_self: ours.max_rss_mb / sklearn.max_rss_mb.self,
    peak_rss_vs_sklearn_self_plus_children: ours.max_rss_mb / (sklearn.max_rss_mb.self + workers * sklearn.max_rss_mb.largest_child),
  };
  console.log('sklearn', JSON.stringify(sklearn.seconds), 'acc', sklearn.accuracy_test, 'hit3', sklearn.hit3_test, 'rss', JSON.stringify(sklearn.max_rss_mb));
  console.log('ratios', JSON.stringify(ratios), 'agreement', JSON.stringify(agreement));
}
writeResult('rumedbench-tfidf-lr', {
  task: 'RuMedTop3 tf-idf (char 3-8) + one-vs-rest L2 logistic regression (C=10), fit on train, scored on test',
  machine: { cpus: availableParallelism(), node: process.version, workers },
  paper_test: PAPER,
  ours,
  sklearn,
  ratios,
  prediction_agreement_test: agreement,
});
