/**
 * Trains RuMedBench's CRF baseline on RuMedNER train (all iterations) and scores dev and test with seqeval's token
 * accuracy and entity F1. Not part of the test suite. Run from packages/rumedbench:
 *   node --import tsx src/crf/__fixtures__/train-rumedner.ts [dataDir] [maxIterations] [model.json]
 * The data stay outside the repository (default ../shared/data/rumedbench/RuMedNER beside the repository).
 */
import { sharedDataPath } from '@lab/tensor-core/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entityScores, tokenAccuracy } from '../../metrics/seqeval';
import { LinearChainCrf } from '../linear-chain-crf';
import { sentenceToFeatures } from '../ner-features';

interface NerRecord {
  idx: string;
  tokens: string[];
  ner_tags: string[];
}

function readJsonl(path: string): NerRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as NerRecord);
}

const dir = process.argv[2] ?? sharedDataPath(['rumedbench', 'RuMedNER']) ?? '../shared/data/rumedbench/RuMedNER';
const maxIterations = Number(process.argv[3] ?? 200);
const modelPath = process.argv[4];
const train = readJsonl(join(dir, 'train_v1.jsonl'));
const dev = readJsonl(join(dir, 'dev_v1.jsonl'));
const test = readJsonl(join(dir, 'test_v1.jsonl'));

const t0 = performance.now();
const Xtrain = train.map((r) => sentenceToFeatures(r.tokens));
const featureSeconds = (performance.now() - t0) / 1000;
const crf = new LinearChainCrf({ c1: 0.1, c2: 0.01, maxIterations, allPossibleTransitions: true });
let lastLog = 0;
const report = crf.fit(Xtrain, train.map((r) => r.ner_tags), {
  onProgress: (e) => {
    if (e.completed - lastLog >= 20 || e.completed === e.total) {
      lastLog = e.completed;
      console.error(`iteration ${e.completed}/${e.total} loss=${e.metrics?.loss?.toFixed(3)}`);
    }
  },
});
if (modelPath) crf.save(modelPath);

const result: Record<string, unknown> = {
  trainSentences: train.length,
  trainTokens: train.reduce((n, r) => n + r.tokens.length, 0),
  featureSeconds,
  fit: report,
  labels: crf.labels,
};
for (const [name, split] of [['dev', dev], ['test', test]] as const) {
  const t1 = performance.now();
  const pred = crf.predict(split.map((r) => sentenceToFeatures(r.tokens)));
  const gold = split.map((r) => r.ner_tags);
  const e = entityScores(gold, pred);
  result[name] = {
    sentences: split.length,
    tokenAccuracy: tokenAccuracy(gold, pred),
    entityPrecision: e.precision,
    entityRecall: e.recall,
    entityF1: e.f1,
    allOAccuracy: tokenAccuracy(gold, gold.map((s) => s.map(() => 'O'))),
    predictSeconds: (performance.now() - t1) / 1000,
    perType: e.perType,
  };
}
console.log(JSON.stringify(result, null, 2));
