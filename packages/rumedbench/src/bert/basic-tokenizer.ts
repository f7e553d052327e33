/** Characters the cleaning step deletes: NUL, U+FFFD and every category `C*` character except tab, LF and CR. */
const REMOVED = /[\0\uFFFD]|(?![\t\n\r])\p{C}/gu;
/** Characters the cleaning step turns into a space: tab, LF, CR and category `Zs`. */
const WHITESPACE = /[\t\n\r\p{Zs}]/gu;
/** Ideographs isolated with spaces: the CJK Unified Ideographs blocks and their compatibility blocks. */
const CJK = /[\u4E00-\u9FFF\u3400-\u4DBF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/gu;
/** Python's `str.split()` whitespace that can survive cleaning (line and paragraph separators) plus the space. */
const SPLIT = /\s+/u;
const NON_SPACING_MARKS = /\p{Mn}/gu;
const PUNCT = String.raw`\p{P}!-\/:-@\[-\x60{-~`;
const PUNCT_RUNS = new RegExp(`[${PUNCT}]|[^${PUNCT}]+`, 'gu');
const PUNCT_CHAR = new RegExp(`^[${PUNCT}]$`, 'u');

/** Options of {@link BasicTokenizer}; the defaults are those of a cased BERT (DeepPavlov RuBERT). */
export interface BasicTokenizerOptions {
  /** Lower-case every word. @default false */
  doLowerCase?: boolean;
  /** Remove accents (NFD, then drop category `Mn`). @default doLowerCase */
  stripAccents?: boolean;
  /** Put spaces around CJK ideographs. @default true */
  tokenizeChineseChars?: boolean;
  /** Split words on punctuation. @default true */
  splitOnPunctuation?: boolean;
  /** Words (after whitespace splitting) left untouched: no case/accent change, no punctuation split. */
  neverSplit?: Iterable<string>;
}

/**
 * Whether one code point is punctuation in BERT's sense: ASCII 33–47, 58–64, 91–96, 123–126 and every Unicode
 * category `P*` character.
 */
export function isBertPunctuation(char: string): boolean {
  return PUNCT_CHAR.test(char);
}

/**
 * BERT's basic tokenizer with the semantics of Hugging Face's slow `BasicTokenizer`: clean the text (drop NUL, U+FFFD
 * and control/format/unassigned characters; whitespace becomes a space), isolate CJK ideographs, NFC-normalise, split on
 * whitespace, optionally lower-case and strip accents, then split off each punctuation character.
 *
 * The Unicode tables are the JavaScript engine's (ICU), which may differ from Python's `unicodedata` for characters added
 * in recent Unicode versions.
 */
export class BasicTokenizer {
  /** Whether words are lower-cased. */
  readonly doLowerCase: boolean;
  /** Whether accents are stripped. */
  readonly stripAccents: boolean;
  /** Whether CJK ideographs are isolated. */
  readonly tokenizeChineseChars: boolean;
  /** Whether words are split on punctuation. */
  readonly splitOnPunctuation: boolean;
  private readonly neverSplit: ReadonlySet<string>;

  constructor(options: BasicTokenizerOptions = {}) {
    this.doLowerCase = options.doLowerCase ?? false;
    this.stripAccents = options.stripAccents ?? this.doLowerCase;
    this.tokenizeChineseChars = options.tokenizeChineseChars ?? true;
    this.splitOnPunctuation = options.splitOnPunctuation ?? true;
    this.neverSplit = new Set(options.neverSplit ?? []);
  }

  /** BERT's text cleaning: removes NUL, U+FFFD and category `C*` characters other than tab/LF/CR; whitespace → space. */
  static cleanText(text: string): string {
    return text.replace(REMOVED, '').replace(WHITESPACE, ' ');
  }

  /** Strips accents: NFD, then drops non-spacing marks (category `Mn`). */
  static stripAccents(text: string): string {
    return text.normalize('NFD').replace(NON_SPACING_MARKS, '');
  }

  /** Splits `text` into words and punctuation characters. */
  tokenize(text: string): string[] {
    let clean = BasicTokenizer.cleanText(text);
    if (this.tokenizeChineseChars) clean = clean.replace(CJK, ' $& ');
    const out: string[] = [];
    for (const raw of clean.normalize('NFC').split(SPLIT)) {
      if (raw === '') continue;
      if (this.neverSplit.has(raw)) {
        out.push(raw);
        continue;
      }
      let word = raw;
      if (this.doLowerCase) word = word.toLowerCase();
      if (this.stripAccents) word = BasicTokenizer.stripAccents(word);
      if (word === '') continue;
      if (!this.splitOnPunctuation) out.push(word);
      else for (const piece of word.match(PUNCT_RUNS) ?? []) out.push(piece);
    }
    return out;
  }
}
