import { readFile } from 'node:fs/promises';
import { DataFormatError, InvalidArgumentError, LabError } from '@lab/tensor-core';
import type { Tokenizer } from '@huggingface/tokenizers';
import { BERT_SPECIAL_TOKENS, BertTokenizerBase, type BertSpecialTokens } from './bert-tokenizer-base';

/** Options of {@link HfJsonBertTokenizer.load}. */
export interface HfJsonBertTokenizerOptions {
  /** Special token strings. @default [PAD] [UNK] [CLS] [SEP] [MASK] */
  specialTokens?: Partial<BertSpecialTokens>;
  /** Default `maxLength` of encodings. @default 512 */
  modelMaxLength?: number;
}

/**
 * A BERT tokenizer read from a Hugging Face `tokenizer.json` through `@huggingface/tokenizers` (pure JavaScript, works
 * offline, imported only when this class loads). Tokenisation is the library's (normaliser, pre-tokenizer, WordPiece,
 * added tokens); special tokens, truncation and padding are those of {@link BertTokenizerBase}, the same as
 * {@link WordPieceTokenizer}.
 *
 * @remarks
 * `tokenizers`' BertNormalizer does not NFC-normalise, unlike the slow Python `BertTokenizer` (and
 * {@link WordPieceTokenizer}): text with decomposed characters (e.g. `и` + U+0306 for `й`) can tokenise differently.
 */
export class HfJsonBertTokenizer extends BertTokenizerBase {
  private constructor(
    /** The underlying `@huggingface/tokenizers` tokenizer. */
    readonly library: Tokenizer,
    specials: Readonly<BertSpecialTokens>,
    ids: Record<keyof BertSpecialTokens, number>,
    modelMaxLength: number,
  ) {
    super(specials, modelMaxLength, ids);
  }

  /**
   * Loads a `tokenizer.json`.
   * @param source - a path, or the parsed JSON object
   * @param config - the `tokenizer_config.json` object, if any
   */
  static async load(source: string | object, options: HfJsonBertTokenizerOptions = {}, config: object = {}): Promise<HfJsonBertTokenizer> {
    const label = typeof source === 'string' ? source : '<tokenizer.json>';
    let json: unknown = source;
    if (typeof source === 'string') {
      let text: string;
      try {
        text = await readFile(source, 'utf8');
      } catch (e) {
        throw new InvalidArgumentError('source', `cannot read ${source}: ${(e as Error).message}`, { cause: e });
      }
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new DataFormatError(source, `not JSON: ${(e as Error).message}`, undefined, { cause: e });
      }
    }
    const { Tokenizer: TokenizerClass } = await import('@huggingface/tokenizers');
    let library: Tokenizer;
    try {
      library = new TokenizerClass(json as object, config);
    } catch (e) {
      throw new DataFormatError(label, `@huggingface/tokenizers cannot load it: ${(e as Error).message}`, undefined, { cause: e });
    }
    if (library.model?.config.type !== 'WordPiece') throw new DataFormatError(label, `expected a WordPiece model, found ${String(library.model?.config.type)}`, 'model.type');
    const specials = Object.freeze({ ...BERT_SPECIAL_TOKENS, ...options.specialTokens });
    const ids = {} as Record<keyof BertSpecialTokens, number>;
    for (const key of Object.keys(BERT_SPECIAL_TOKENS) as (keyof BertSpecialTokens)[]) {
      const id = library.token_to_id(specials[key]);
      if (id === undefined) throw new DataFormatError(label, `the special token ${specials[key]} is not in the vocabulary`);
      ids[key] = id;
    }
    return new HfJsonBertTokenizer(library, specials, ids, options.modelMaxLength ?? 512);
  }

  get vocabSize(): number {
    return this.library.model?.vocab.length ?? 0;
  }

  lookup(token: string): number | undefined {
    return this.library.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 ? this.library.id_to_token(id) : undefined;
  }

  tokenize(text: string): string[] {
    try {
      return this.library.tokenize(text, { add_special_tokens: false });
    } catch (e) {
      throw new LabError('TOKENIZER_FAILED', `@huggingface/tokenizers failed on a text: ${(e as Error).message}`, { cause: e });
    }
  }
}
