/**
 * Token features of RuMedBench's CRF baseline for RuMedNER, and Python's `str` predicates they rely on.
 *
 * @remarks
 * The feature names and values are those of the baseline's `word2features`, so that a dictionary built here turns
 * into the same CRFsuite attributes as python-crfsuite builds from the Python one (see {@link featureDictToItem}).
 * @packageDocumentation
 */

/** A feature value as python-crfsuite sees it: a string becomes `key:value`, a number or boolean a weight. */
export type FeatureValue = string | number | boolean;

/** The features of one token, in insertion order (the order of the Python dict). */
export type FeatureDict = Record<string, FeatureValue>;

/** One CRFsuite attribute with its value (python-crfsuite's `Attribute(name, value)`). */
export interface WeightedAttribute {
  /** The attribute name, e.g. `word.lower():боль` or `BOS`. */
  readonly name: string;
  /** Its value; booleans are 1 or 0. */
  readonly value: number;
}

const UPPER = /^\p{Uppercase}$/u;
const LOWER = /^\p{Lowercase}$/u;
const TITLE = /^\p{Lt}$/u;
const DECIMAL = /^\p{Nd}$/u;

/**
 * Code points with Unicode `Numeric_Type=Digit` (digits that are not decimal digits, e.g. `²`, `①`), which Python's
 * `str.isdigit` accepts as well as every `\p{Nd}`. Inclusive ranges, from Python 3.11's `unicodedata` (Unicode 14).
 */
const NON_DECIMAL_DIGITS: readonly (readonly [number, number])[] = [
  [0xb2, 0xb3], [0xb9, 0xb9], [0x1369, 0x1371], [0x19da, 0x19da], [0x2070, 0x2070], [0x2074, 0x2079],
  [0x2080, 0x2089], [0x2460, 0x2468], [0x2474, 0x247c], [0x2488, 0x2490], [0x24ea, 0x24ea], [0x24f5, 0x24fd],
  [0x24ff, 0x24ff], [0x2776, 0x277e], [0x2780, 0x2788], [0x278a, 0x2792], [0x10a40, 0x10a43], [0x10e60, 0x10e68],
  [0x11052, 0x1105a], [0x1f100, 0x1f10a],
];

function isDigitChar(ch: string): boolean {
  if (DECIMAL.test(ch)) return true;
  const cp = ch.codePointAt(0) ?? -1;
  return NON_DECIMAL_DIGITS.some(([lo, hi]) => cp >= lo && cp <= hi);
}

/**
 * Python's `str.isupper()`: no lowercase or titlecase character and at least one uppercase one.
 * @param s - any string
 * @returns whether Python would answer `True`
 * @example `pyIsUpper('IBM-2')` is `true`; `pyIsUpper('123')` is `false`.
 */
export function pyIsUpper(s: string): boolean {
  let cased = false;
  for (const ch of s) {
    if (LOWER.test(ch) || TITLE.test(ch)) return false;
    if (UPPER.test(ch)) cased = true;
  }
  return cased;
}

/**
 * Python's `str.istitle()`: uppercase/titlecase characters only after uncased ones, lowercase only after cased ones,
 * and at least one cased character.
 * @param s - any string
 * @returns whether Python would answer `True`
 * @example `pyIsTitle('Ёлка')` and `pyIsTitle('Нью-Йорк')` are `true`; `pyIsTitle('mIxed')` is `false`.
 */
export function pyIsTitle(s: string): boolean {
  let cased = false;
  let previousCased = false;
  for (const ch of s) {
    if (UPPER.test(ch) || TITLE.test(ch)) {
      if (previousCased) return false;
      previousCased = true;
      cased = true;
    } else if (LOWER.test(ch)) {
      if (!previousCased) return false;
      previousCased = true;
      cased = true;
    } else {
      previousCased = false;
    }
  }
  return cased;
}

/**
 * Python's `str.isdigit()`: non-empty and every character has `Numeric_Type` Decimal or Digit.
 * @param s - any string
 * @returns whether Python would answer `True`
 * @example `pyIsDigit('2024')` and `pyIsDigit('²')` are `true`; `pyIsDigit('1.5')` is `false`.
 */
export function pyIsDigit(s: string): boolean {
  if (s.length === 0) return false;
  for (const ch of s) if (!isDigitChar(ch)) return false;
  return true;
}

/**
 * Python's `s[-n:]`: the last `n` code points, or the whole string when it is shorter.
 * @param s - any string
 * @param n - how many code points, `n > 0`
 */
export function pySuffix(s: string, n: number): string {
  const cps = Array.from(s);
  return cps.length <= n ? s : cps.slice(cps.length - n).join('');
}

/**
 * The features of token `i`, exactly as RuMedBench's baseline `word2features(sent, i)` builds them: `bias`, the
 * lowercased word, its last 3 and 2 characters, `isupper`/`istitle`/`isdigit`, the neighbours' lowercased form,
 * `istitle` and `isupper`, and `BOS`/`EOS` at the sentence edges.
 * @param tokens - the sentence
 * @param i - the token index, `0 <= i < tokens.length`
 * @returns the feature dictionary, keys in the baseline's order
 */
export function wordToFeatures(tokens: readonly string[], i: number): FeatureDict {
  const word = tokens[i];
  if (word === undefined) throw new RangeError(`token index ${i} is outside a sentence of ${tokens.length} tokens`);
  const features: FeatureDict = {
    bias: 1.0,
    'word.lower()': word.toLowerCase(),
    'word[-3:]': pySuffix(word, 3),
    'word[-2:]': pySuffix(word, 2),
    'word.isupper()': pyIsUpper(word),
    'word.istitle()': pyIsTitle(word),
    'word.isdigit()': pyIsDigit(word),
  };
  const prev = i > 0 ? tokens[i - 1] : undefined;
  if (prev !== undefined) {
    features['-1:word.lower()'] = prev.toLowerCase();
    features['-1:word.istitle()'] = pyIsTitle(prev);
    features['-1:word.isupper()'] = pyIsUpper(prev);
  } else {
    features.BOS = true;
  }
  const next = tokens[i + 1];
  if (next !== undefined) {
    features['+1:word.lower()'] = next.toLowerCase();
    features['+1:word.istitle()'] = pyIsTitle(next);
    features['+1:word.isupper()'] = pyIsUpper(next);
  } else {
    features.EOS = true;
  }
  return features;
}

/**
 * The features of every token of a sentence (the baseline's `sent2features`).
 * @param tokens - the sentence
 * @returns one {@link FeatureDict} per token
 */
export function sentenceToFeatures(tokens: readonly string[]): FeatureDict[] {
  return tokens.map((_, i) => wordToFeatures(tokens, i));
}

/**
 * Converts a feature dictionary into CRFsuite attributes the way python-crfsuite does: a string value `v` under key
 * `k` becomes attribute `k:v` with value 1; a number or boolean becomes attribute `k` with that value (`true` = 1,
 * `false` = 0). Zero-valued attributes are kept: CRFsuite still generates features for them while training.
 * @param features - one token's features
 * @returns its attributes, in the dictionary's order
 */
export function featureDictToItem(features: FeatureDict): WeightedAttribute[] {
  const item: WeightedAttribute[] = [];
  for (const [key, value] of Object.entries(features)) {
    if (typeof value === 'string') item.push({ name: `${key}:${value}`, value: 1 });
    else item.push({ name: key, value: typeof value === 'boolean' ? (value ? 1 : 0) : value });
  }
  return item;
}
