import { existsSync, readFileSync } from 'node:fs';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { fileURLToPath } from 'node:url';
import { findPython, runPythonJson } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { featureDictToItem, pyIsDigit, pyIsTitle, pyIsUpper, pySuffix, sentenceToFeatures, wordToFeatures } from './ner-features';

describe('Python str predicates', () => {
  // Expected values derived by hand from Python's rules (and confirmed with CPython 3.11).
  const cases: [string, boolean, boolean, boolean][] = [
    // word, isupper, istitle, isdigit
    ['Ёлка', false, true, false],
    ['IBM', true, false, false],
    ['Title', false, true, false],
    ['mIxed', false, false, false],
    ['боль', false, false, false],
    ['ГРИПП', true, false, false],
    ['2024', false, false, true],
    ['²', false, false, true],
    ['1.5', false, false, false],
    [',', false, false, false],
    ['Нью-Йорк', false, true, false],
    ['A1', true, true, false],
    ['ǅemal', false, true, false],
    ['', false, false, false],
    ['Ab Cd', false, true, false],
    ['ёЁ', false, false, false],
    ['Ⅻ', true, true, false],
    ['-', false, false, false],
  ];
  it.each(cases)('%j', (word, upper, title, digit) => {
    expect(pyIsUpper(word)).toBe(upper);
    expect(pyIsTitle(word)).toBe(title);
    expect(pyIsDigit(word)).toBe(digit);
  });

  it('slices suffixes by code point like Python', () => {
    expect(pySuffix('таблеток', 3)).toBe('ток');
    expect(pySuffix('5', 3)).toBe('5');
    expect(pySuffix('ок', 3)).toBe('ок');
    expect(pySuffix('a😀b', 2)).toBe('😀b');
  });
});

describe('wordToFeatures', () => {
  it('builds the baseline features of a middle token', () => {
    const tokens = ['Принимала', 'Ёлка', 'IBM', '5', ','];
    expect(wordToFeatures(tokens, 2)).toEqual({
      bias: 1.0,
      'word.lower()': 'ibm',
      'word[-3:]': 'IBM',
      'word[-2:]': 'BM',
      'word.isupper()': true,
      'word.istitle()': false,
      'word.isdigit()': false,
      '-1:word.lower()': 'ёлка',
      '-1:word.istitle()': true,
      '-1:word.isupper()': false,
      '+1:word.lower()': '5',
      '+1:word.istitle()': false,
      '+1:word.isupper()': false,
    });
    expect(Object.keys(wordToFeatures(tokens, 2))).toEqual([
      'bias', 'word.lower()', 'word[-3:]', 'word[-2:]', 'word.isupper()', 'word.istitle()', 'word.isdigit()',
      '-1:word.lower()', '-1:word.istitle()', '-1:word.isupper()', '+1:word.lower()', '+1:word.istitle()', '+1:word.isupper()',
    ]);
  });

  it('marks BOS and EOS at the edges', () => {
    const [first, , last] = sentenceToFeatures(['Title', 'mIxed', '2024']);
    expect(first).toEqual({
      bias: 1.0, 'word.lower()': 'title', 'word[-3:]': 'tle', 'word[-2:]': 'le',
      'word.isupper()': false, 'word.istitle()': true, 'word.isdigit()': false,
      BOS: true,
      '+1:word.lower()': 'mixed', '+1:word.istitle()': false, '+1:word.isupper()': false,
    });
    expect(last).toEqual({
      bias: 1.0, 'word.lower()': '2024', 'word[-3:]': '024', 'word[-2:]': '24',
      'word.isupper()': false, 'word.istitle()': false, 'word.isdigit()': true,
      '-1:word.lower()': 'mixed', '-1:word.istitle()': false, '-1:word.isupper()': false,
      EOS: true,
    });
  });

  it('gives a one-token sentence both BOS and EOS', () => {
    expect(sentenceToFeatures(['.'])).toEqual([
      { bias: 1.0, 'word.lower()': '.', 'word[-3:]': '.', 'word[-2:]': '.', 'word.isupper()': false, 'word.istitle()': false, 'word.isdigit()': false, BOS: true, EOS: true },
    ]);
  });

  it('rejects an index outside the sentence', () => {
    expect(() => wordToFeatures(['a'], 1)).toThrow(RangeError);
  });
});

describe('featureDictToItem', () => {
  it('turns strings into key:value and numbers/booleans into weights, keeping zeros', () => {
    expect(featureDictToItem(wordToFeatures(['Ёлка'], 0))).toEqual([
      { name: 'bias', value: 1 },
      { name: 'word.lower():ёлка', value: 1 },
      { name: 'word[-3:]:лка', value: 1 },
      { name: 'word[-2:]:ка', value: 1 },
      { name: 'word.isupper()', value: 0 },
      { name: 'word.istitle()', value: 1 },
      { name: 'word.isdigit()', value: 0 },
      { name: 'BOS', value: 1 },
      { name: 'EOS', value: 1 },
    ]);
    expect(featureDictToItem({ x: 2.5, y: 'a:b' })).toEqual([{ name: 'x', value: 2.5 }, { name: 'y:a:b', value: 1 }]);
  });
});

describe('parity with CPython str methods', () => {
  const probe = findPython(['json']);
  const nerDev = sharedDataPath(['rumedbench', 'RuMedNER', 'dev_v1.jsonl']) ?? '../shared/data/rumedbench/RuMedNER/dev_v1.jsonl';
  it.skipIf(!probe.ok)('agrees on hand-picked and RuMedNER words', () => {
    if (!probe.ok) return;
    const words = new Set(['Ёлка', 'IBM', 'Title', 'mIxed', 'ǅemal', 'ʰa', 'x²', '①②', 'Ⅻ', 'ß', 'İstanbul', 'ΣΑΣ', 'Ab Cd', '٣', '½', 'ﬁ', '']);
    if (existsSync(nerDev)) {
      for (const line of readFileSync(nerDev, 'utf8').split('\n').slice(0, 300)) if (line.trim()) for (const w of (JSON.parse(line) as { tokens: string[] }).tokens) words.add(w);
    }
    const list = [...words];
    const script = fileURLToPath(new URL('./__fixtures__/py-str-predicates.py', import.meta.url));
    const ref = runPythonJson<[boolean, boolean, boolean, string, string, string][]>(probe.python, script, list);
    const ours = list.map((w) => [pyIsUpper(w), pyIsTitle(w), pyIsDigit(w), w.toLowerCase(), pySuffix(w, 3), pySuffix(w, 2)]);
    expect(ours).toEqual(ref);
  });
  if (!probe.ok) console.log(`skipping CPython parity: ${probe.reason}`);
});
