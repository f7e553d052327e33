import { readFileSync } from 'node:fs';
import { DataFormatError, InvalidArgumentError } from '@lab/tensor-core';
import { BasicTokenizer } from './basic-tokenizer';
import { BERT_SPECIAL_TOKENS, BertTokenizerBase, type BertSpecialTokens } from './bert-tokenizer-base';

/** Options of {@link WordPieceTokenizer}; the defaults fit DeepPavlov RuBERT (cased). */
export interface WordPieceTokenizerOptions {
  /** Lower-case words before WordPiece. @default false */
  doLowerCase?: boolean;
  /** Strip accents (NFD, drop `Mn`). @default doLowerCase */
  stripAccents?: boolean;
  /** Isolate CJK ideographs. @default true */
  tokenizeChineseChars?: boolean;
  /** Words longer than this (in code points) become `[UNK]`. @default 100 */
  maxInputCharsPerWord?: number;
  /** Continuation prefix of word pieces. @default '##' */
  continuingSubwordPrefix?: string;
  /** Special token strings, looked up in the vocabulary. @default [PAD] [UNK] [CLS] [SEP] [MASK] */
  specialTokens?: Partial<BertSpecialTokens>;
  /** Treat special tokens written in the text as plain text instead of keeping them whole. @default false */
  splitSpecialTokens?: boolean;
  /** Default `maxLength` of encodings. @default 512 */
  modelMaxLength?: number;
}

const CACHE_LIMIT = 100_000;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * BERT WordPiece tokenizer with the semantics of Hugging Face's slow `BertTokenizer`: special tokens written in the text
 * are kept whole, the rest goes through {@link BasicTokenizer} and greedy longest-match-first WordPiece with `##`
 * continuations; a word that cannot be covered, or is longer than `maxInputCharsPerWord`, becomes `[UNK]`.
 *
 * The vocabulary is a `vocab.txt`: one token per line, id = line index (as Python's `load_vocab`, a repeated token keeps
 * its last line's id).
 */
export class WordPieceTokenizer extends BertTokenizerBase {
  /** The basic (pre-WordPiece) tokenizer. */
  readonly basic: BasicTokenizer;
  /** Words longer than this many code points become `[UNK]`. */
  readonly maxInputCharsPerWord: number;
  /** Continuation prefix of word pieces. */
  readonly prefix: string;
  private readonly index: Map<string, number>;
  private readonly maxTokenChars: number;
  private readonly specialSplitter: RegExp | undefined;
  private readonly cache = new Map<string, string[]>();

  private constructor(
    /** Tokens by id. */
    readonly vocab: readonly string[],
    source: string,
    options: WordPieceTokenizerOptions,
  ) {
    const index = new Map<string, number>();
    vocab.forEach((t, i) => index.set(t, i));
    const specials = { ...BERT_SPECIAL_TOKENS, ...options.specialTokens };
    const ids = {} as Record<keyof BertSpecialTokens, number>;
    for (const key of Object.keys(BERT_SPECIAL_TOKENS) as (keyof BertSpecialTokens)[]) {
      const id = index.get(specials[key]);
      if (id === undefined) throw new DataFormatError(source, `the special token ${specials[key]} is not in the vocabulary`);
      ids[key] = id;
    }
    super(Object.freeze(specials), options.modelMaxLength ?? 512, ids);
    this.index = index;
    const maxChars = options.maxInputCharsPerWord ?? 100;
    if (!Number.isInteger(maxChars) || maxChars < 1) throw new InvalidArgumentError('maxInputCharsPerWord', `maxInputCharsPerWord must be a positive integer, received ${maxChars}.`);
    this.maxInputCharsPerWord = maxChars;
    this.prefix = options.continuingSubwordPrefix ?? '##';
    let longest = 0;
    for (const t of vocab) longest = Math.max(longest, [...t].length);
    this.maxTokenChars = longest;
    this.basic = new BasicTokenizer({
      ...(options.doLowerCase !== undefined ? { doLowerCase: options.doLowerCase } : {}),
      ...(options.stripAccents !== undefined ? { stripAccents: options.stripAccents } : {}),
      ...(options.tokenizeChineseChars !== undefined ? { tokenizeChineseChars: options.tokenizeChineseChars } : {}),
    });
    if (!options.splitSpecialTokens) {
      const alternatives = [...new Set(Object.values(specials))].sort((x, y) => y.length - x.length).map(escapeRegExp);
      this.specialSplitter = new RegExp(`(${alternatives.join('|')})`, 'u');
    }
  }

  /** Reads a `vocab.txt` (UTF-8, one token per line). */
  static fromVocabFile(path: string, options: WordPieceTokenizerOptions = {}): WordPieceTokenizer {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new InvalidArgumentError('path', `cannot read the vocabulary ${path}: ${(e as Error).message}`, { cause: e });
    }
    return WordPieceTokenizer.fromVocabText(text, options, path);
  }

  /**
   * Builds a tokenizer from the text of a `vocab.txt`. Lines end with LF, CRLF or CR (Python's universal newlines); a
   * final line break does not add a token.
   * @param source - name used in error messages
   */
  static fromVocabText(text: string, options: WordPieceTokenizerOptions = {}, source = '<vocab.txt>'): WordPieceTokenizer {
    const lines = text.split(/\r\n|\r|\n/);
    if (lines.at(-1) === '') lines.pop();
    if (lines.length === 0) throw new DataFormatError(source, 'the vocabulary is empty');
    return new WordPieceTokenizer(lines, source, options);
  }

  /** Number of ids (lines of the vocabulary). */
  get vocabSize(): number {
    return this.vocab.length;
  }

  lookup(token: string): number | undefined {
    return this.index.get(token);
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 ? this.vocab[id] : undefined;
  }

  /** WordPiece tokens of `text`, without `[CLS]`/`[SEP]`. */
  tokenize(text: string): string[] {
    const out: string[] = [];
    const parts = this.specialSplitter ? text.split(this.specialSplitter) : [text];
    // With a capturing splitter, odd indices are the special tokens themselves.
    parts.forEach((part, i) => {
      if (i % 2 === 1) out.push(part);
      else for (const word of this.basic.tokenize(part)) for (const piece of this.wordPieces(word)) out.push(piece);
    });
    return out;
  }

  /** Greedy longest-match-first WordPiece split of one word (`[UNK]` alone when it cannot be covered). */
  wordPieces(word: string): readonly string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const pieces = this.split(word);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, pieces);
    return pieces;
  }

  private split(word: string): string[] {
    const unk = [this.specialTokens.unk];
    // offsets[k] = UTF-16 offset of the k-th code point, so that lengths are counted in code points as in Python.
    const offsets: number[] = [];
    for (let i = 0; i < word.length; ) {
      offsets.push(i);
      i += (word.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
    }
    const n = offsets.length;
    offsets.push(word.length);
    if (n > this.maxInputCharsPerWord) return unk;
    const prefixChars = [...this.prefix].length;
    const pieces: string[] = [];
    let start = 0;
    while (start < n) {
      const budget = this.maxTokenChars - (start > 0 ? prefixChars : 0);
      let end = Math.min(n, start + Math.max(budget, 0));
      let found: string | undefined;
      for (; end > start; end--) {
        const sub = word.slice(offsets[start], offsets[end]);
        const candidate = start > 0 ? this.prefix + sub : sub;
        if (this.index.has(candidate)) {
          found = candidate;
          break;
        }
      }
      if (found === undefined) return unk;
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}
