import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError, LabError, Rng } from '@lab/tensor-core';
import { afterAll, describe, expect, it } from 'vitest';
import { forEachSequence, sequenceScore } from './__fixtures__/brute-force';
import { toAttributes } from './crf-training-set';
import { LinearChainCrf, type CrfModelJson } from './linear-chain-crf';
import { sentenceToFeatures, type FeatureDict } from './ner-features';

/**
 * SYNTHETIC NER-like data: sentences of filler words with drug names (1 token, capitalised, "-ин"/"-ол" endings)
 * and diseases (2-3 tokens after a trigger word), tagged B-/I-.
 */
function syntheticNer(seed: number, sentences: number): { tokens: string[][]; tags: string[][] } {
  const rng = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)] as T;
  const filler = ['я', 'принимала', 'после', 'этого', 'и', 'но', 'врач', 'назначил', 'неделю', 'было', ',', '.', 'очень', 'по', '2', 'раза'];
  const stems = ['Аспир', 'Нурофен', 'Ибупрол', 'Ацикловир', 'Кагоцел', 'Арбид', 'Терафл', 'Парацетам'];
  const endings = ['ин', 'ол'];
  const diseaseHead = ['острый', 'сильная', 'хронический', 'болезненная'];
  const diseaseBody = ['бронхит', 'головная', 'боль', 'гастрит', 'простуда', 'горле'];
  const tokens: string[][] = [];
  const tags: string[][] = [];
  for (let s = 0; s < sentences; s++) {
    const ts: string[] = [];
    const gs: string[] = [];
    const n = 3 + rng.int(8);
    for (let k = 0; k < n; k++) {
      const r = rng.uniform();
      if (r < 0.15) {
        ts.push(pick(stems) + pick(endings));
        gs.push('B-Drug');
      } else if (r < 0.25) {
        ts.push('от', pick(diseaseHead), pick(diseaseBody));
        gs.push('O', 'B-Disease', 'I-Disease');
        if (rng.uniform() < 0.4) {
          ts.push(pick(diseaseBody));
          gs.push('I-Disease');
        }
      } else {
        ts.push(pick(filler));
        gs.push('O');
      }
    }
    tokens.push(ts);
    tags.push(gs);
  }
  return { tokens, tags };
}

function accuracy(gold: string[][], pred: string[][]): number {
  let ok = 0;
  let all = 0;
  gold.forEach((g, i) => g.forEach((tag, t) => {
    all++;
    if (pred[i]?.[t] === tag) ok++;
  }));
  return ok / all;
}

/** Scores of one sentence computed from the serialised model (independently of the class internals). */
function scoresFromJson(json: CrfModelJson, items: readonly FeatureDict[]): { state: Float64Array; trans: Float64Array } {
  const L = json.labels.length;
  const byAttr = new Map<string, [number, number][]>();
  for (const [a, l, w] of json.stateFeatures) {
    const name = json.attributes[a] as string;
    byAttr.set(name, [...(byAttr.get(name) ?? []), [l, w]]);
  }
  const state = new Float64Array(items.length * L);
  items.forEach((item, t) => {
    for (const { name, value } of toAttributes(item)) for (const [l, w] of byAttr.get(name) ?? []) state[t * L + l] = (state[t * L + l] as number) + value * w;
  });
  const trans = new Float64Array(L * L);
  for (const [i, j, w] of json.transitions) trans[i * L + j] = w;
  return { state, trans };
}

describe('LinearChainCrf on SYNTHETIC NER data', () => {
  const train = syntheticNer(1, 300);
  const heldOut = syntheticNer(2, 100);
  const Xtrain = train.tokens.map(sentenceToFeatures);
  const Xtest = heldOut.tokens.map(sentenceToFeatures);
  const events: number[] = [];
  const crf = new LinearChainCrf({ c1: 0.1, c2: 0.01, maxIterations: 100 });
  const report = crf.fit(Xtrain, train.tags, { onProgress: (e) => events.push(e.completed) });
  const dir = mkdtempSync(join(tmpdir(), 'crf-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reaches near-perfect token accuracy on held-out sentences', () => {
    expect(report.iterations).toBeGreaterThan(5);
    expect(accuracy(heldOut.tags, crf.predict(Xtest))).toBeGreaterThan(0.99);
    expect(accuracy(train.tags, crf.predict(Xtrain))).toBeGreaterThan(0.99);
    expect([...crf.labels].sort()).toEqual(['B-Disease', 'B-Drug', 'I-Disease', 'O']);
  });

  it('reports progress once per iteration, from 0 to the total', () => {
    expect(events[0]).toBe(0);
    expect(events.slice(1, 1 + report.iterations)).toEqual(Array.from({ length: report.iterations }, (_, i) => i + 1));
    expect(events.at(-1)).toBe(100);
  });

  it('gets exact zeros from L1 and none without it', () => {
    expect(report.activeFeatures).toBeGreaterThan(0);
    expect(report.activeFeatures).toBeLessThan(report.numFeatures);
    const json = crf.toJSON();
    expect(json.stateFeatures.length + json.transitions.length).toBe(report.activeFeatures);
    expect(json.stateFeatures.every(([, , w]) => w !== 0)).toBe(true);
    const l2only = new LinearChainCrf({ c1: 0, c2: 0.01, maxIterations: 20 });
    // Without zero-valued attributes every feature fires somewhere, so its gradient never stays 0.
    const nonZero = Xtrain.slice(0, 50).map((s) => s.map((item) => toAttributes(item).filter((a) => a.value !== 0)));
    const r2 = l2only.fit(nonZero, train.tags.slice(0, 50));
    expect(r2.activeFeatures).toBe(r2.numFeatures);
  });

  it('decodes the brute-force argmax and gives brute-force marginals on short sentences', () => {
    const json = crf.toJSON();
    const L = json.labels.length;
    const rng = new Rng(5);
    const vocab = [...new Set(train.tokens.flat())];
    for (let rep = 0; rep < 25; rep++) {
      const T = 1 + rng.int(5);
      const tokens = Array.from({ length: T }, () => (rng.uniform() < 0.1 ? 'невиданное' : (vocab[rng.int(vocab.length)] as string)));
      const items = sentenceToFeatures(tokens);
      const { state, trans } = scoresFromJson(json, items);
      let best = -Infinity;
      let arg: number[] = [];
      const all: { seq: number[]; score: number }[] = [];
      forEachSequence(T, L, (seq) => {
        const s = sequenceScore(state, trans, L, seq);
        all.push({ seq: [...seq], score: s });
        if (s > best) {
          best = s;
          arg = [...seq];
        }
      });
      expect(crf.predict([items])[0]).toEqual(arg.map((k) => json.labels[k]));
      const logZ = best + Math.log(all.reduce((a, e) => a + Math.exp(e.score - best), 0));
      const marginals = crf.predictMarginals([items])[0] as Record<string, number>[];
      for (let t = 0; t < T; t++) {
        for (let y = 0; y < L; y++) {
          const ref = all.filter((e) => e.seq[t] === y).reduce((a, e) => a + Math.exp(e.score - logZ), 0);
          expect(marginals[t]?.[json.labels[y] as string]).toBeCloseTo(ref, 10);
        }
      }
    }
  });

  it('saves and loads versioned JSON that predicts the same', () => {
    const path = join(dir, 'crf.json');
    crf.save(path);
    const loaded = LinearChainCrf.load(path);
    expect(loaded.predict(Xtest)).toEqual(crf.predict(Xtest));
    expect(loaded.options).toEqual(crf.options);
    const raw = JSON.parse(readFileSync(path, 'utf8')) as CrfModelJson;
    expect(raw.format).toBe('lab-linear-chain-crf');
    expect(raw.version).toBe(1);
    expect(LinearChainCrf.fromJSON(raw).toJSON()).toEqual(raw);
  });

  it('rejects malformed model files with DataFormatError', () => {
    const good = crf.toJSON();
    expect(() => LinearChainCrf.fromJSON({ ...good, version: 2 })).toThrow(DataFormatError);
    expect(() => LinearChainCrf.fromJSON({ ...good, format: 'x' })).toThrow(/format/);
    expect(() => LinearChainCrf.fromJSON({ ...good, stateFeatures: [[0, 99, 1]] })).toThrow(DataFormatError);
    expect(() => LinearChainCrf.fromJSON({ ...good, transitions: [[0, 0, 'x']] })).toThrow(DataFormatError);
    expect(() => LinearChainCrf.fromJSON(null)).toThrow(DataFormatError);
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{not json');
    expect(() => LinearChainCrf.load(path)).toThrow(DataFormatError);
  });
});

describe('LinearChainCrf stopping and errors', () => {
  it.each([0, 0.1])("stops on CRFsuite's own tests (period/delta, epsilon) before maxIterations, c1 = %s", (c1) => {
    const data = syntheticNer(3, 60);
    const X = data.tokens.map(sentenceToFeatures);
    const crf = new LinearChainCrf({ c1, c2: 1, maxIterations: 1000 });
    const report = crf.fit(X, data.tags);
    expect(report.iterations).toBeLessThan(1000);
    expect(report.reason).toMatch(/delta|epsilon/);
    // The weights kept are those of the last iteration: refitting with exactly that many iterations gives the same model.
    const again = new LinearChainCrf({ c1, c2: 1, maxIterations: report.iterations, delta: 0 });
    const r2 = again.fit(X, data.tags);
    expect(r2.iterations).toBe(report.iterations);
    expect(r2.loss).toBe(report.loss);
    expect(again.toJSON().stateFeatures).toEqual(crf.toJSON().stateFeatures);
  });

  it('with maxIterations 0 keeps all-zero weights (ties go to the first label)', () => {
    const crf = new LinearChainCrf({ maxIterations: 0 });
    const report = crf.fit([[{ a: 'x' }, { a: 'y' }]], [['P', 'Q']]);
    expect(report.activeFeatures).toBe(0);
    expect(report.loss).toBeCloseTo(2 * Math.log(2), 12);
    expect(crf.predict([[{ a: 'y' }]])).toEqual([['P']]);
  });

  it('throws typed errors', () => {
    expect(() => new LinearChainCrf({ c1: -1 })).toThrow(InvalidArgumentError);
    expect(() => new LinearChainCrf({ maxIterations: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new LinearChainCrf().predict([])).toThrow(LabError);
    expect(() => new LinearChainCrf().fit([[{ a: 1 }]], [])).toThrow(InvalidArgumentError);
  });
});

describe('LinearChainCrf on RuMedNER (real data, optional)', () => {
  const dir = sharedDataPath(['rumedbench', 'RuMedNER']) ?? '../shared/data/rumedbench/RuMedNER';
  const present = existsSync(join(dir, 'train_v1.jsonl')) && existsSync(join(dir, 'dev_v1.jsonl'));
  if (!present) console.log(`skipping the RuMedNER test: ${dir} not found (the data are never copied into the repository)`);
  it.skipIf(!present)('beats the all-O baseline on dev after 30 iterations on 500 sentences', () => {
    const read = (file: string) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { tokens: string[]; ner_tags: string[] });
    const train = read('train_v1.jsonl').slice(0, 500);
    const dev = read('dev_v1.jsonl');
    const crf = new LinearChainCrf({ c1: 0.1, c2: 0.01, maxIterations: 30 });
    crf.fit(train.map((r) => sentenceToFeatures(r.tokens)), train.map((r) => r.ner_tags));
    const gold = dev.map((r) => r.ner_tags);
    const acc = accuracy(gold, crf.predict(dev.map((r) => sentenceToFeatures(r.tokens))));
    const allO = accuracy(gold, gold.map((s) => s.map(() => 'O')));
    console.log(`RuMedNER dev token accuracy ${acc.toFixed(4)} (all-O ${allO.toFixed(4)})`);
    expect(acc).toBeGreaterThan(allO + 0.015);
  });
});
