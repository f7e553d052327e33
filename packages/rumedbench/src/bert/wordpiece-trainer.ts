import { InvalidArgumentError, throttleProgress, type ProgressCallback } from '@lab/tensor-core';
import { BasicTokenizer } from './basic-tokenizer';
import { BERT_SPECIAL_TOKENS } from './bert-tokenizer-base';

/** Options of {@link trainWordPieceVocab}. */
export interface WordPieceTrainerOptions {
  /** Target vocabulary size, special tokens included. @default 8000 */
  vocabSize?: number;
  /** Pairs seen fewer times (counted over the whole corpus) are not merged. @default 2 */
  minFrequency?: number;
  /**
   * Keep at most this many distinct initial characters (most frequent first); rarer characters become `[UNK]` at
   * tokenization. @default 1000
   */
  limitAlphabet?: number;
  /** Lower-case words, as the tokenizer that will use the vocabulary does. @default true */
  doLowerCase?: boolean;
  /** Strip accents, as the tokenizer that will use the vocabulary does. @default false */
  stripAccents?: boolean;
  /** Prefix of pieces that continue a word. @default '##' */
  continuingSubwordPrefix?: string;
  /** Special tokens, the first lines of the vocabulary in this order. @default ['[PAD]','[UNK]','[CLS]','[SEP]','[MASK]'] */
  specialTokens?: string[];
  /** Called every so often with `{completed, total, label}`; the last call has `completed === total`. */
  onProgress?: ProgressCallback;
}

/** Words longer than this many code points are skipped: the tokenizer maps them to `[UNK]` (its `maxInputCharsPerWord`). */
const MAX_WORD_CHARS = 100;
/** Pair keys are `left * PAIR_SHIFT + right`; symbol ids must stay below it. */
const PAIR_SHIFT = 2 ** 26;

/** One (possibly stale) heap entry: the count a pair had when it was pushed. */
interface HeapEntry {
  count: number;
  left: number;
  right: number;
}

/**
 * Lazy max-heap of pairs: highest count first, ties broken by the left then the right symbol's string (UTF-16 code unit
 * order), so that training is deterministic. Stale entries are checked against the live counts when popped.
 */
class PairHeap {
  private readonly items: HeapEntry[] = [];
  constructor(private readonly symbols: readonly string[]) {}

  get size(): number {
    return this.items.length;
  }

  /** True when `x` comes out before `y`. */
  private before(x: HeapEntry, y: HeapEntry): boolean {
    if (x.count !== y.count) return x.count > y.count;
    const xl = this.symbols[x.left] ?? '';
    const yl = this.symbols[y.left] ?? '';
    if (xl !== yl) return xl < yl;
    return (this.symbols[x.right] ?? '') < (this.symbols[y.right] ?? '');
  }

  push(entry: HeapEntry): void {
    const items = this.items;
    let i = items.length;
    items.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as HeapEntry;
      if (!this.before(entry, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): HeapEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    const n = items.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      if (r < n && this.before(items[r] as HeapEntry, items[l] as HeapEntry)) child = r;
      const c = items[child] as HeapEntry;
      if (!this.before(c, last)) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function checkInteger(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer between ${min} and ${max}`;
    throw new InvalidArgumentError(field, `${field} must be ${range}, received ${String(value)}; pass ${range}.`);
  }
  return value;
}

/**
 * Trains a BERT WordPiece vocabulary on `texts`, in the way of Hugging Face `tokenizers`' `WordPieceTrainer` (BPE
 * merges by pair frequency, continuation pieces carry the `##` prefix).
 *
 * Texts are split into words with {@link BasicTokenizer} (special tokens written in the text are dropped first, as the
 * tokenizer keeps them whole). Each distinct word starts as its characters — the first plain, the others `##`-prefixed —
 * and the most frequent adjacent pair of symbols is merged repeatedly (`a` + `##b` → `ab`, `##a` + `##b` → `##ab`);
 * pair counts are kept incrementally, so that each merge only revisits the words that contain the merged pair. Ties
 * between equally frequent pairs go to the pair whose left, then right, symbol comes first in UTF-16 code unit order.
 * Training stops when the vocabulary has `vocabSize` tokens or no pair is seen `minFrequency` times.
 *
 * Words longer than 100 code points, and words with a character outside the kept alphabet, take no part in merges
 * (the tokenizer maps them to `[UNK]` anyway).
 *
 * @param texts - the training texts
 * @param options - see {@link WordPieceTrainerOptions}
 * @returns the vocabulary: the special tokens, then the alphabet (every kept character, sorted by code point, then
 * `##` + each kept character that occurs inside a word, sorted likewise), then the merged pieces in merge order; no
 * token appears twice and there are at most `vocabSize` tokens
 * @throws InvalidArgumentError for a bad option, a text that is not a string, or a `vocabSize` too small to hold the
 * special tokens and the alphabet
 *
 * @example
 * ```ts
 * const vocab = trainWordPieceVocab(texts, { vocabSize: 16000 });
 * writeFileSync('vocab.txt', vocabToText(vocab));
 * const tokenizer = WordPieceTokenizer.fromVocabFile('vocab.txt', { doLowerCase: true, stripAccents: false });
 * ```
 */
export function trainWordPieceVocab(texts: Iterable<string>, options: WordPieceTrainerOptions = {}): string[] {
  if (typeof texts === 'string' || texts === null || typeof (texts as Partial<Iterable<string>>)?.[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError('texts', 'texts must be an iterable of strings (e.g. an array of texts); wrap a single text in an array.');
  }
  const specialTokens = options.specialTokens ?? Object.values(BERT_SPECIAL_TOKENS);
  if (!Array.isArray(specialTokens) || specialTokens.some((t) => typeof t !== 'string' || t === '' || /[\r\n]/.test(t))) {
    throw new InvalidArgumentError('specialTokens', 'specialTokens must be an array of non-empty strings without line breaks, e.g. ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].');
  }
  if (new Set(specialTokens).size !== specialTokens.length) {
    throw new InvalidArgumentError('specialTokens', `specialTokens must not repeat a token, received ${JSON.stringify(specialTokens)}; remove the duplicates.`);
  }
  const vocabSize = checkInteger('vocabSize', options.vocabSize ?? 8000, specialTokens.length + 1, PAIR_SHIFT);
  const minFrequency = checkInteger('minFrequency', options.minFrequency ?? 2, 1);
  const limitAlphabet = checkInteger('limitAlphabet', options.limitAlphabet ?? 1000, 1);
  const prefix = options.continuingSubwordPrefix ?? '##';
  if (typeof prefix !== 'string' || prefix === '' || /\s/u.test(prefix)) {
    throw new InvalidArgumentError('continuingSubwordPrefix', `continuingSubwordPrefix must be a non-empty string without whitespace, received ${JSON.stringify(prefix)}; use e.g. '##'.`);
  }
  const basic = new BasicTokenizer({ doLowerCase: options.doLowerCase ?? true, stripAccents: options.stripAccents ?? false });

  // 1. Count words.
  const countProgress = throttleProgress(options.onProgress);
  const textTotal = Array.isArray(texts) ? texts.length : undefined;
  const countLabel = 'counting words';
  const withTotal = (completed: number) => ({ completed, ...(textTotal !== undefined ? { total: textTotal } : {}), label: countLabel });
  const specialSplitter = new RegExp([...specialTokens].sort((x, y) => y.length - x.length).map(escapeRegExp).join('|'), 'u');
  const wordCounts = new Map<string, number>();
  let seen = 0;
  countProgress(withTotal(0));
  for (const text of texts) {
    if (typeof text !== 'string') {
      throw new InvalidArgumentError('texts', `texts[${seen}] is a ${text === null ? 'null' : typeof text}, not a string; pass only strings.`);
    }
    for (const part of text.split(specialSplitter)) {
      for (const word of basic.tokenize(part)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    }
    seen++;
    countProgress(withTotal(seen));
  }

  // 2. The alphabet: the `limitAlphabet` most frequent characters of the words the tokenizer can cover.
  const wordChars: string[][] = [];
  const wordFreqs: number[] = [];
  const charCounts = new Map<string, number>();
  for (const [word, count] of wordCounts) {
    const chars = [...word];
    if (chars.length > MAX_WORD_CHARS) continue;
    wordChars.push(chars);
    wordFreqs.push(count);
    for (const ch of chars) charCounts.set(ch, (charCounts.get(ch) ?? 0) + count);
  }
  const byCodePoint = (x: string, y: string): number => (x.codePointAt(0) ?? 0) - (y.codePointAt(0) ?? 0);
  const alphabet = [...charCounts.entries()]
    .sort((x, y) => y[1] - x[1] || byCodePoint(x[0], y[0]))
    .slice(0, limitAlphabet)
    .map(([ch]) => ch)
    .sort(byCodePoint);
  const kept = new Set(alphabet);
  const continued = new Set<string>();
  const words: string[][] = [];
  const counts: number[] = [];
  wordChars.forEach((chars, w) => {
    if (!chars.every((ch) => kept.has(ch))) return;
    for (let i = 1; i < chars.length; i++) continued.add(chars[i] as string);
    words.push(chars);
    counts.push(wordFreqs[w] as number);
  });

  const symbols: string[] = [];
  const ids = new Map<string, number>();
  const intern = (token: string): number => {
    let id = ids.get(token);
    if (id === undefined) {
      id = symbols.length;
      symbols.push(token);
      ids.set(token, id);
    }
    return id;
  };
  for (const t of specialTokens) intern(t);
  for (const ch of alphabet) intern(ch);
  for (const ch of alphabet) if (continued.has(ch)) intern(prefix + ch);
  if (symbols.length > vocabSize) {
    throw new InvalidArgumentError(
      'vocabSize',
      `vocabSize ${vocabSize} cannot hold the ${specialTokens.length} special tokens and the ${symbols.length - specialTokens.length} alphabet tokens of this corpus; raise vocabSize to at least ${symbols.length} or lower limitAlphabet.`,
    );
  }
  const initialSize = symbols.length;

  // 3. Words as symbol ids, initial pair counts and the words each pair occurs in.
  const wordSymbols: number[][] = words.map((chars) => chars.map((ch, i) => ids.get(i === 0 ? ch : prefix + ch) as number));
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  wordSymbols.forEach((syms, w) => {
    const count = counts[w] as number;
    for (let i = 0; i + 1 < syms.length; i++) {
      const key = (syms[i] as number) * PAIR_SHIFT + (syms[i + 1] as number);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      let where = pairWords.get(key);
      if (!where) pairWords.set(key, (where = new Set()));
      where.add(w);
    }
  });
  const heap = new PairHeap(symbols);
  for (const [key, count] of pairCounts) heap.push({ count, left: Math.floor(key / PAIR_SHIFT), right: key % PAIR_SHIFT });

  // 4. Merge the most frequent pair until the vocabulary is full.
  const mergeTotal = vocabSize - initialSize;
  const mergeProgress = throttleProgress(options.onProgress);
  const mergeLabel = 'merging';
  mergeProgress({ completed: 0, total: mergeTotal, label: mergeLabel });
  const touched = new Set<number>();
  let mergedKey = -1;
  const adjust = (left: number, right: number, delta: number, w: number): void => {
    const key = left * PAIR_SHIFT + right;
    if (key === mergedKey) return;
    const next = (pairCounts.get(key) ?? 0) + delta;
    if (delta > 0) {
      let where = pairWords.get(key);
      if (!where) pairWords.set(key, (where = new Set()));
      where.add(w);
      touched.add(key);
    }
    if (next > 0) pairCounts.set(key, next);
    else {
      // Every occurrence is gone: no word holds the pair any more.
      pairCounts.delete(key);
      pairWords.delete(key);
    }
  };

  while (symbols.length < vocabSize) {
    const top = heap.pop();
    if (top === undefined) break;
    const key = top.left * PAIR_SHIFT + top.right;
    const current = pairCounts.get(key) ?? 0;
    if (current !== top.count) {
      // Stale: a pair whose count went down goes back with its live count; one whose count went up has a newer entry.
      if (current > 0 && current < top.count) heap.push({ count: current, left: top.left, right: top.right });
      continue;
    }
    if (current < minFrequency) break;

    const a = top.left;
    const b = top.right;
    const right = symbols[b] as string;
    const c = intern((symbols[a] as string) + (right.startsWith(prefix) ? right.slice(prefix.length) : right));
    mergedKey = key;
    touched.clear();
    for (const w of pairWords.get(key) ?? []) {
      const syms = wordSymbols[w] as number[];
      const count = counts[w] as number;
      const n = syms.length;
      let j = 0;
      for (let i = 0; i < n; ) {
        const s = syms[i] as number;
        if (s === a && i + 1 < n && syms[i + 1] === b) {
          // Earlier output (j-1) may already be a merged symbol; the symbol after the pair is still unread input.
          if (j > 0) {
            const prev = syms[j - 1] as number;
            adjust(prev, a, -count, w);
            adjust(prev, c, count, w);
          }
          if (i + 2 < n) {
            const next = syms[i + 2] as number;
            adjust(b, next, -count, w);
            adjust(c, next, count, w);
          }
          syms[j++] = c;
          i += 2;
        } else {
          syms[j++] = s;
          i++;
        }
      }
      syms.length = j;
    }
    pairCounts.delete(key);
    pairWords.delete(key);
    for (const k of touched) {
      const count = pairCounts.get(k);
      if (count !== undefined) heap.push({ count, left: Math.floor(k / PAIR_SHIFT), right: k % PAIR_SHIFT });
    }
    if (symbols.length < vocabSize) mergeProgress({ completed: symbols.length - initialSize, total: mergeTotal, label: mergeLabel });
  }
  // Also when training stopped early (no pair frequent enough): the work is done.
  if (mergeTotal > 0) mergeProgress({ completed: mergeTotal, total: mergeTotal, label: mergeLabel });
  return symbols;
}

/**
 * The text of a `vocab.txt`: one token per line (id = line index), LF line ends, a final line break.
 * @param vocab - tokens by id, e.g. from {@link trainWordPieceVocab}
 * @throws InvalidArgumentError when a token is not a string or contains a line break
 */
export function vocabToText(vocab: readonly string[]): string {
  const bad = vocab.findIndex((t) => typeof t !== 'string' || /[\r\n]/.test(t));
  if (bad >= 0) {
    throw new InvalidArgumentError('vocab', `vocab[${bad}] is not a string without line breaks (${JSON.stringify(vocab[bad])}); remove line breaks from tokens.`);
  }
  return vocab.map((t) => `${t}\n`).join('');
}
