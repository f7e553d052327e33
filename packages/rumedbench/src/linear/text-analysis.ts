/**
 * Text analysis as scikit-learn's `CountVectorizer` does it, on code points (Python's `str` indexing), so that the
 * n-grams and their order equal Python's.
 */

/** The analyzers of scikit-learn's vectorizers. */
export type Analyzer = 'word' | 'char' | 'char_wb';

/** Receives one n-gram: `buf[start .. start+len)`. */
export type NgramSink = (buf: Int32Array, start: number, len: number) => void;

/** True for the characters Python's `str.isspace()` and `re`'s `\s` accept. */
export function isPythonSpace(cp: number): boolean {
  if (cp <= 0x20) return (cp >= 0x09 && cp <= 0x0d) || cp >= 0x1c;
  if (cp < 0x85) return false;
  return (
    cp === 0x85 || cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000
  );
}

const WORD_RE = /^[\p{L}\p{N}_]$/u;
const bmpWord = new Uint8Array(0x10000); // 0 unknown, 1 word, 2 not

/**
 * True for the characters of Python's `re` `\w` (letters, numbers, underscore). Characters assigned after Unicode 14
 * (Python 3.11's tables) may differ.
 */
export function isPythonWordChar(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f;
  if (cp < 0x10000) {
    let v = bmpWord[cp]!;
    if (v === 0) {
      v = WORD_RE.test(String.fromCharCode(cp)) ? 1 : 2;
      bmpWord[cp] = v;
    }
    return v === 1;
  }
  return WORD_RE.test(String.fromCodePoint(cp));
}

/** A reusable, growing Int32Array. */
export class IntBuffer {
  /** The storage; may be replaced when it grows. */
  data = new Int32Array(1024);
  /** Ensures room for `n` values (old contents kept). */
  reserve(n: number): Int32Array {
    if (n > this.data.length) {
      const d = new Int32Array(Math.max(n, this.data.length * 2));
      d.set(this.data);
      this.data = d;
    }
    return this.data;
  }
}

/** Writes the code points of `s` into `into` and returns their number. */
export function toCodePoints(s: string, into: IntBuffer): number {
  const buf = into.reserve(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
      }
    }
    buf[n++] = c;
  }
  return n;
}

/**
 * Emits the n-grams of one (already lower-cased) document, as scikit-learn's analyzers:
 * - `char`: runs of two or more whitespace characters become one space, then every substring of `min..max` characters;
 * - `char_wb`: the same, inside each whitespace-separated word padded with one space on both sides (a word shorter than
 *   n gives itself once);
 * - `word`: tokens of `(?u)\b\w\w+\b`, then every run of `min..max` tokens joined by one space.
 * @param doc - the document (lower-cased by the caller when wanted)
 * @param analyzer - which analyzer
 * @param minN - smallest n
 * @param maxN - largest n
 * @param scratch - reused buffers (two)
 * @param emit - receives each n-gram
 */
export function analyzeDocument(doc: string, analyzer: Analyzer, minN: number, maxN: number, scratch: [IntBuffer, IntBuffer], emit: NgramSink): void {
  const len = toCodePoints(doc, scratch[0]);
  const src = scratch[0].data;
  if (analyzer === 'word') {
    wordNgrams(src, len, minN, maxN, scratch[1], emit);
    return;
  }
  // whitespace normalisation: \s\s+ -> ' '
  const out = scratch[1].reserve(len + 2);
  let n = 0;
  for (let i = 0; i < len; ) {
    const c = src[i]!;
    if (isPythonSpace(c) && i + 1 < len && isPythonSpace(src[i + 1]!)) {
      let j = i + 2;
      while (j < len && isPythonSpace(src[j]!)) j++;
      out[n++] = 0x20;
      i = j;
    } else {
      out[n++] = c;
      i++;
    }
  }
  if (analyzer === 'char') {
    const top = Math.min(maxN, n);
    for (let k = minN; k <= top; k++) for (let i = 0; i + k <= n; i++) emit(out, i, k);
    return;
  }
  // char_wb: words of text.split(), each as ' ' + w + ' ', written in place of `src`
  let w = 0;
  const padded = scratch[0].reserve(2 * n + 2);
  let i = 0;
  while (i < n) {
    while (i < n && isPythonSpace(out[i]!)) i++;
    if (i >= n) break;
    const start = w;
    padded[w++] = 0x20;
    while (i < n && !isPythonSpace(out[i]!)) padded[w++] = out[i++]!;
    padded[w++] = 0x20;
    const wLen = w - start;
    for (let k = minN; k <= maxN; k++) {
      let offset = 0;
      emit(padded, start, Math.min(k, wLen));
      while (offset + k < wLen) {
        offset++;
        emit(padded, start + offset, Math.min(k, wLen - offset));
      }
      if (offset === 0) break;
    }
  }
}

function wordNgrams(src: Int32Array, len: number, minN: number, maxN: number, tmp: IntBuffer, emit: NgramSink): void {
  // tokens joined by single spaces in `joined`; token t spans [starts[t], ends[t])
  const joined = tmp.reserve(2 * len + 2);
  const starts: number[] = [];
  const ends: number[] = [];
  let w = 0;
  for (let i = 0; i < len; ) {
    if (!isPythonWordChar(src[i]!)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < len && isPythonWordChar(src[j]!)) j++;
    if (j - i >= 2) {
      if (starts.length) joined[w++] = 0x20;
      starts.push(w);
      for (let k = i; k < j; k++) joined[w++] = src[k]!;
      ends.push(w);
    }
    i = j;
  }
  const t = starts.length;
  for (let k = minN; k <= Math.min(maxN, t); k++) {
    for (let a = 0; a + k <= t; a++) emit(joined, starts[a]!, ends[a + k - 1]! - starts[a]!);
  }
}
