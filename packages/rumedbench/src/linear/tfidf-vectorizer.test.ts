import { existsSync, readFileSync } from 'node:fs';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { fileURLToPath } from 'node:url';
import { DataFormatError, InvalidArgumentError, LabError } from '@lab/tensor-core';
import { findPython, runPythonJson } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { syntheticTexts } from './__fixtures__/synthetic-texts';
import { CsrMatrix } from './sparse-matrix';
import { TfidfVectorizer, type TfidfVectorizerOptions } from './tfidf-vectorizer';

const SCRIPT = fileURLToPath(new URL('./__fixtures__/sklearn_linear_reference.py', import.meta.url));
const probe = findPython(['sklearn', 'numpy']);
if (!probe.ok) console.warn(`[skip] TfidfVectorizer scikit-learn parity: ${probe.reason}`);
const REAL = sharedDataPath(['rumedbench', 'RuMedTop3']) ?? '../shared/data/rumedbench/RuMedTop3';
const hasReal = existsSync(`${REAL}/train_v1.jsonl`);
if (!hasReal) console.warn(`[skip] TfidfVectorizer parity on real RuMedTop3 texts: ${REAL} is absent`);

interface CsrJson {
  data: number[];
  indices: number[];
  indptr: number[];
  shape: [number, number];
}
interface TfidfRef {
  features: string[];
  idf: number[];
  fit: CsrJson;
  transform: CsrJson;
}

function expectSameMatrix(got: CsrMatrix, ref: CsrJson, tol = 1e-12): void {
  expect([got.rows, got.cols]).toEqual(ref.shape);
  expect(Array.from(got.indptr)).toEqual(ref.indptr);
  expect(Array.from(got.indices.subarray(0, got.nnz))).toEqual(ref.indices);
  let worst = 0;
  for (let k = 0; k < ref.data.length; k++) worst = Math.max(worst, Math.abs(got.data[k]! - ref.data[k]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

/** snake_case options for scikit-learn */
function skOptions(o: TfidfVectorizerOptions): Record<string, unknown> {
  const map: Record<string, string> = { ngramRange: 'ngram_range', minDf: 'min_df', maxDf: 'max_df', sublinearTf: 'sublinear_tf', useIdf: 'use_idf', smoothIdf: 'smooth_idf' };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[map[k] ?? k] = v;
  return out;
}

describe('TfidfVectorizer', () => {
  it('computes char n-grams, smooth idf and l2 rows by hand', () => {
    const v = new TfidfVectorizer({ analyzer: 'char', ngramRange: [2, 2] });
    const X = v.fitTransform(['abab', 'ab']);
    expect(v.featureNames()).toEqual(['ab', 'ba']);
    // df(ab)=2, df(ba)=1, n=2 -> idf = ln(3/3)+1 = 1, ln(3/2)+1
    expect(Array.from(v.idf!)).toEqual([1, Math.log(3 / 2) + 1]);
    const a = 2;
    const b = Math.log(1.5) + 1;
    const n = Math.hypot(a, b);
    expect(X.toDense().map((r) => Array.from(r))).toEqual([
      [a / n, b / n],
      [1, 0],
    ]);
  });

  it('normalises whitespace runs but keeps single tabs/newlines (char), pads words (char_wb), tokenises words', () => {
    const c = new TfidfVectorizer({ analyzer: 'char', ngramRange: [1, 1] }).fit(['a\tb  c\u00a0\u00a0d']);
    expect(c.featureNames()).toEqual(['\t', ' ', 'a', 'b', 'c', 'd']);
    const wb = new TfidfVectorizer({ analyzer: 'char_wb', ngramRange: [3, 4] }).fit(['ab c']);
    // ' ab ' -> ' ab', 'ab ', ' ab '; ' c ' is shorter than 4 and counted once per n that reaches it
    expect(wb.featureNames()).toEqual([' ab', ' ab ', ' c ', 'ab ']);
    const w = new TfidfVectorizer({ ngramRange: [1, 2] }).fit(['Боль в ГОРЛЕ, x_1 a']);
    expect(w.featureNames()).toEqual(['x_1', 'боль', 'боль горле', 'горле', 'горле x_1']); // 'в' and 'a' are too short
  });

  it('orders the vocabulary by code point, astral characters last', () => {
    const v = new TfidfVectorizer({ analyzer: 'char', ngramRange: [1, 1], lowercase: false }).fit(['\u{1F637}\uFB01Aaё']);
    expect(v.featureNames()).toEqual(['A', 'a', 'ё', '\uFB01', '\u{1F637}']);
  });

  it('ignores unknown n-grams in transform and gives empty rows for empty texts', () => {
    const v = new TfidfVectorizer({ analyzer: 'char', ngramRange: [3, 3] });
    v.fit(['кашель', 'кашель и боль']);
    const X = v.transform(['zzz', 'кашель', '']);
    expect(Array.from(X.indptr.subarray(0, 2))).toEqual([0, 0]);
    expect(X.indptr[3]).toBe(X.indptr[2]);
    let sq = 0;
    for (let k = X.indptr[1]!; k < X.indptr[2]!; k++) sq += X.data[k]! ** 2;
    expect(sq).toBeCloseTo(1, 12);
  });

  it('round-trips through JSON', () => {
    const texts = syntheticTexts(60, 5).map((t) => t.text);
    const v = new TfidfVectorizer({ analyzer: 'char_wb', ngramRange: [2, 4], sublinearTf: true });
    v.fit(texts);
    const w = TfidfVectorizer.fromJSON(JSON.parse(JSON.stringify(v)));
    const a = v.transform(texts.slice(0, 10));
    const b = w.transform(texts.slice(0, 10));
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(() => TfidfVectorizer.fromJSON({ format: 'x' })).toThrow(DataFormatError);
  });

  it('throws typed errors', () => {
    expect(() => new TfidfVectorizer({ ngramRange: [3, 2] })).toThrow(InvalidArgumentError);
    expect(() => new TfidfVectorizer({ minDf: 2.5 })).toThrow(InvalidArgumentError);
    expect(() => new TfidfVectorizer().fit(['a b c'])).toThrow(InvalidArgumentError); // empty vocabulary
    try {
      new TfidfVectorizer().transform(['x']);
      expect.unreachable();
    } catch (e) {
      expect(LabError.isInstance(e) && e.code).toBe('NOT_FITTED');
    }
  });
});

describe.skipIf(!probe.ok)('TfidfVectorizer vs scikit-learn 1.2 (SYNTHETIC texts)', () => {
  const texts = syntheticTexts(300, 2024).map((t) => t.text);
  const fitTexts = texts.slice(0, 220);
  const newTexts = [...texts.slice(220), '', 'ЗАЖИМ😷 zz', '  \t\n '];
  const configs: TfidfVectorizerOptions[] = [
    { analyzer: 'char', ngramRange: [3, 8] },
    { analyzer: 'char_wb', ngramRange: [2, 5] },
    { analyzer: 'word', ngramRange: [1, 2] },
    { analyzer: 'char', ngramRange: [1, 4], lowercase: false, sublinearTf: true, minDf: 2, maxDf: 0.5 },
    { analyzer: 'word', ngramRange: [1, 3], minDf: 0.01, norm: 'l1', smoothIdf: false },
  ];
  const refs = probe.ok
    ? runPythonJson<TfidfRef[]>(probe.python, SCRIPT, { tasks: configs.map((o) => ({ kind: 'tfidf', options: skOptions(o), fit: fitTexts, transform: newTexts })) })
    : [];
  configs.forEach((options, i) => {
    it(`equals scikit-learn for ${JSON.stringify(options)}`, () => {
      const ref = refs[i]!;
      const v = new TfidfVectorizer(options);
      const X = v.fitTransform(fitTexts);
      expect(v.featureNames()).toEqual(ref.features);
      Array.from(v.idf!).forEach((x, j) => expect(Math.abs(x - ref.idf[j]!)).toBeLessThanOrEqual(1e-12));
      expectSameMatrix(X, ref.fit);
      expectSameMatrix(v.transform(newTexts), ref.transform);
    });
  });
});

describe.skipIf(!probe.ok || !hasReal)('TfidfVectorizer vs scikit-learn 1.2 (real RuMedTop3 texts, char 3-8)', () => {
  it('equals scikit-learn on 400 train and 150 dev texts', () => {
    const read = (f: string, n: number) => readFileSync(`${REAL}/${f}`, 'utf8').split('\n').filter(Boolean).slice(0, n).map((l) => (JSON.parse(l) as { symptoms: string }).symptoms);
    const fit = read('train_v1.jsonl', 400);
    const dev = read('dev_v1.jsonl', 150);
    const options: TfidfVectorizerOptions = { analyzer: 'char', ngramRange: [3, 8] };
    const [ref] = runPythonJson<TfidfRef[]>(probe.ok ? probe.python : '', SCRIPT, { tasks: [{ kind: 'tfidf', options: skOptions(options), fit, transform: dev }] });
    const v = new TfidfVectorizer(options);
    const X = v.fitTransform(fit);
    expect(v.featureNames()).toEqual(ref!.features);
    expectSameMatrix(X, ref!.fit);
    expectSameMatrix(v.transform(dev), ref!.transform);
  });
});
