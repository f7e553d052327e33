import { InvalidArgumentError, toInt64Tensor, type Tensor } from '@lab/tensor-core';

/**
 * Truncation strategy of {@link BertTokenizerBase.encode}, as Hugging Face's: `longest_first` removes one token at a time
 * from the longer text (from the second on ties); `only_second` cuts the second text only; `false` never truncates.
 */
export type BertTruncation = 'longest_first' | 'only_second' | false;

/** Options of {@link BertTokenizerBase.encode}. */
export interface BertEncodeOptions {
  /** Longest encoding, special tokens included. @default the tokenizer's `modelMaxLength` (512) */
  maxLength?: number;
  /** @default 'longest_first' */
  truncation?: BertTruncation;
  /** Wrap as `[CLS] a [SEP]` / `[CLS] a [SEP] b [SEP]`. @default true */
  addSpecialTokens?: boolean;
}

/** One encoded text or text pair (no padding). */
export interface BertEncoding {
  /** Vocabulary ids. */
  inputIds: number[];
  /** 0 for `[CLS]`, the first text and its `[SEP]`; 1 for the second text and the last `[SEP]`. */
  tokenTypeIds: number[];
  /** 1 for every token (padding adds 0s). */
  attentionMask: number[];
  /** The WordPiece tokens behind `inputIds`. */
  tokens: string[];
}

/** An encoding of pre-split words, for token classification. */
export interface BertWordsEncoding extends BertEncoding {
  /** For each token, the index of the word it came from; -1 for special tokens. */
  wordIds: number[];
}

/** Options of {@link BertTokenizerBase.pad}. */
export interface BertPadOptions {
  /** `longest`: pad to the longest encoding of the batch; `max_length`: pad to `maxLength`. @default 'longest' */
  padding?: 'longest' | 'max_length';
  /** Target length for `max_length` padding. @default the tokenizer's `modelMaxLength` */
  maxLength?: number;
}

/** A padded batch: int64 tensors of shape `[batch, length]`, padded on the right. */
export interface BertBatch {
  /** Token ids, `[PAD]` after the end. */
  inputIds: Tensor;
  /** 1 for tokens, 0 for padding. */
  attentionMask: Tensor;
  /** Segment ids, 0 for padding. */
  tokenTypeIds: Tensor;
  /** The unpadded encodings, in input order. */
  encodings: BertEncoding[];
  /** The padded length. */
  length: number;
}

/** The special tokens of a BERT vocabulary. */
export interface BertSpecialTokens {
  pad: string;
  unk: string;
  cls: string;
  sep: string;
  mask: string;
}

/** Default BERT special tokens. */
export const BERT_SPECIAL_TOKENS: Readonly<BertSpecialTokens> = Object.freeze({ pad: '[PAD]', unk: '[UNK]', cls: '[CLS]', sep: '[SEP]', mask: '[MASK]' });

/**
 * How many tokens each text keeps when `total` tokens (special tokens included) exceed `maxLength`, following Hugging
 * Face's `truncate_sequences`. Throws where Hugging Face would log an error and leave the input too long.
 * @param lengthA - tokens of the first text
 * @param lengthB - tokens of the second text, or undefined for a single text
 * @param toRemove - tokens to remove (total length − maxLength)
 */
export function truncatedLengths(lengthA: number, lengthB: number | undefined, toRemove: number, strategy: 'longest_first' | 'only_second'): [number, number | undefined] {
  if (toRemove <= 0) return [lengthA, lengthB];
  if (lengthB === undefined) {
    if (strategy === 'only_second') throw new InvalidArgumentError('truncation', "truncation 'only_second' needs a text pair.");
    if (lengthA <= toRemove) throw new InvalidArgumentError('maxLength', `cannot truncate: ${toRemove} tokens must go but the text has only ${lengthA}; raise maxLength.`);
    return [lengthA - toRemove, undefined];
  }
  if (strategy === 'only_second') {
    if (lengthB <= toRemove) throw new InvalidArgumentError('maxLength', `cannot truncate with 'only_second': ${toRemove} tokens must go but the second text has only ${lengthB}; raise maxLength or use 'longest_first'.`);
    return [lengthA, lengthB - toRemove];
  }
  let a = lengthA;
  let b = lengthB;
  for (let i = 0; i < toRemove; i++) {
    if (a > b) a--;
    else if (b > 0) b--;
    else throw new InvalidArgumentError('maxLength', 'cannot truncate: both texts are already empty; raise maxLength.');
  }
  return [a, b];
}

function checkLength(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(name, `${name} must be a positive integer, received ${value}.`);
  return value;
}

/**
 * Shared encoding logic of the BERT tokenizers: special tokens, segment ids, truncation, word alignment and padding to
 * int64 tensors. Subclasses provide {@link BertTokenizerBase.tokenize} and the vocabulary.
 */
export abstract class BertTokenizerBase {
  /** Id of `[PAD]`. */
  readonly padId: number;
  /** Id of `[UNK]`. */
  readonly unkId: number;
  /** Id of `[CLS]`. */
  readonly clsId: number;
  /** Id of `[SEP]`. */
  readonly sepId: number;
  /** Id of `[MASK]`. */
  readonly maskId: number;

  protected constructor(
    /** The special token strings. */
    readonly specialTokens: Readonly<BertSpecialTokens>,
    /** Default `maxLength` of encodings (BERT's position limit). */
    readonly modelMaxLength: number,
    ids: Record<keyof BertSpecialTokens, number>,
  ) {
    checkLength('modelMaxLength', modelMaxLength);
    this.padId = ids.pad;
    this.unkId = ids.unk;
    this.clsId = ids.cls;
    this.sepId = ids.sep;
    this.maskId = ids.mask;
  }

  /** WordPiece tokens of `text`, without `[CLS]`/`[SEP]` (special tokens written in the text are kept whole). */
  abstract tokenize(text: string): string[];

  /** Id of a token, or undefined when it is not in the vocabulary. */
  abstract lookup(token: string): number | undefined;

  /** Token of an id, or undefined when out of range. */
  abstract idToToken(id: number): string | undefined;

  /** Number of ids. */
  abstract get vocabSize(): number;

  /** Ids of tokens; unknown tokens map to `[UNK]`. */
  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((t) => this.lookup(t) ?? this.unkId);
  }

  /** Tokens of ids; throws on an id outside the vocabulary. */
  convertIdsToTokens(ids: readonly number[]): string[] {
    return ids.map((id) => {
      const t = this.idToToken(id);
      if (t === undefined) throw new InvalidArgumentError('ids', `token id ${id} is outside the vocabulary (size ${this.vocabSize}).`);
      return t;
    });
  }

  /** Text of ids as Hugging Face's `convert_tokens_to_string`: tokens joined by spaces, `##` continuations glued. */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    let tokens = this.convertIdsToTokens(ids);
    if (options.skipSpecialTokens) {
      const specials = new Set(Object.values(this.specialTokens));
      tokens = tokens.filter((t) => !specials.has(t));
    }
    return tokens.join(' ').replaceAll(' ##', '').trim();
  }

  /**
   * Encodes a text or a text pair as `[CLS] a [SEP]` or `[CLS] a [SEP] b [SEP]` (Hugging Face `encode_plus`).
   * @param text - the first text
   * @param textPair - the second text (an empty string still adds its `[SEP]`)
   */
  encode(text: string, textPair?: string, options: BertEncodeOptions = {}): BertEncoding {
    const a = this.tokenize(text);
    const b = textPair === undefined ? undefined : this.tokenize(textPair);
    return this.assemble(a, b, options).encoding;
  }

  /**
   * Encodes pre-split words (token classification): each word is tokenised on its own, as Hugging Face's
   * `is_split_into_words`. `wordIds` maps every token back to its word (-1 for specials); a word that yields no token
   * (only spaces or control characters) has no token, and words cut by truncation are missing at the end.
   */
  encodeWords(words: readonly string[], options: Omit<BertEncodeOptions, 'truncation'> & { truncation?: 'longest_first' | false } = {}): BertWordsEncoding {
    const tokens: string[] = [];
    const owners: number[] = [];
    words.forEach((word, w) => {
      for (const t of this.tokenize(word)) {
        tokens.push(t);
        owners.push(w);
      }
    });
    const { encoding, keptA } = this.assemble(tokens, undefined, options);
    const specials = options.addSpecialTokens ?? true;
    const wordIds = specials ? [-1, ...owners.slice(0, keptA), -1] : owners.slice(0, keptA);
    return { ...encoding, wordIds };
  }

  /** Encodes texts or text pairs and pads them into int64 tensors. */
  encodeBatch(inputs: ReadonlyArray<string | readonly [string, string]>, options: BertEncodeOptions & BertPadOptions = {}): BertBatch {
    const encodings = inputs.map((x) => (typeof x === 'string' ? this.encode(x, undefined, options) : this.encode(x[0], x[1], options)));
    return this.pad(encodings, options);
  }

  /** Pads encodings on the right (`[PAD]`, mask 0, segment 0) into int64 `[batch, length]` tensors. */
  pad(encodings: readonly BertEncoding[], options: BertPadOptions = {}): BertBatch {
    const longest = encodings.reduce((m, e) => Math.max(m, e.inputIds.length), 0);
    let length = longest;
    if ((options.padding ?? 'longest') === 'max_length') {
      length = checkLength('maxLength', options.maxLength ?? this.modelMaxLength);
      if (longest > length) throw new InvalidArgumentError('maxLength', `an encoding has ${longest} tokens, more than maxLength ${length}; encode with the same maxLength.`);
    }
    const n = encodings.length;
    const ids = new BigInt64Array(n * length).fill(BigInt(this.padId));
    const mask = new BigInt64Array(n * length);
    const types = new BigInt64Array(n * length);
    encodings.forEach((e, i) => {
      const o = i * length;
      for (let j = 0; j < e.inputIds.length; j++) {
        ids[o + j] = BigInt(e.inputIds[j]!);
        mask[o + j] = BigInt(e.attentionMask[j]!);
        types[o + j] = BigInt(e.tokenTypeIds[j]!);
      }
    });
    const dims = [n, length];
    return { inputIds: toInt64Tensor(ids, dims), attentionMask: toInt64Tensor(mask, dims), tokenTypeIds: toInt64Tensor(types, dims), encodings: [...encodings], length };
  }

  private assemble(a: string[], b: string[] | undefined, options: BertEncodeOptions): { encoding: BertEncoding; keptA: number } {
    const specials = options.addSpecialTokens ?? true;
    const truncation = options.truncation ?? 'longest_first';
    if (truncation !== false && truncation !== 'longest_first' && truncation !== 'only_second') {
      throw new InvalidArgumentError('truncation', `truncation must be 'longest_first', 'only_second' or false, received ${String(truncation)}.`);
    }
    let [keepA, keepB] = [a.length, b?.length];
    if (truncation !== false) {
      const maxLength = checkLength('maxLength', options.maxLength ?? this.modelMaxLength);
      const added = specials ? (b === undefined ? 2 : 3) : 0;
      const total = a.length + (b?.length ?? 0) + added;
      [keepA, keepB] = truncatedLengths(a.length, b?.length, total - maxLength, truncation);
    }
    const first = a.slice(0, keepA);
    const second = b?.slice(0, keepB);
    const { cls, sep } = this.specialTokens;
    const tokens = specials ? [cls, ...first, sep] : [...first];
    const tokenTypeIds = new Array<number>(tokens.length).fill(0);
    if (second !== undefined) {
      const tail = specials ? [...second, sep] : second;
      tokens.push(...tail);
      for (let i = 0; i < tail.length; i++) tokenTypeIds.push(1);
    }
    const inputIds = this.convertTokensToIds(tokens);
    return { encoding: { inputIds, tokenTypeIds, attentionMask: new Array<number>(tokens.length).fill(1), tokens }, keptA: keepA };
  }
}
