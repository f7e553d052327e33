import { DataFormatError } from '@lab/tensor-core';
import { BERT_SPECIAL_TOKENS, type BertSpecialTokens } from './bert-tokenizer-base';

/** Options of {@link buildBertTokenizerJson}; the defaults fit DeepPavlov RuBERT (cased). */
export interface BertTokenizerJsonOptions {
  /** @default false */
  lowercase?: boolean;
  /** `null` follows `lowercase`, as BERT. @default null */
  stripAccents?: boolean | null;
  /** @default true */
  handleChineseChars?: boolean;
  /** @default 100 */
  maxInputCharsPerWord?: number;
  /** `template` (what `tokenizers` writes today) or the older `bert` post-processor. @default 'template' */
  postProcessor?: 'template' | 'bert';
  /** Special token strings. @default [PAD] [UNK] [CLS] [SEP] [MASK] */
  specialTokens?: Partial<BertSpecialTokens>;
}

/**
 * A Hugging Face `tokenizer.json` (the `tokenizers` serialisation) for a BERT WordPiece vocabulary: BertNormalizer,
 * BertPreTokenizer, WordPiece model with `##` continuations, `[CLS] $A [SEP] $B:1 [SEP]:1` post-processing and the
 * special tokens registered as non-normalised added tokens.
 * @param vocab - tokens by id (the lines of `vocab.txt`)
 */
export function buildBertTokenizerJson(vocab: readonly string[], options: BertTokenizerJsonOptions = {}): Record<string, unknown> {
  const specials = { ...BERT_SPECIAL_TOKENS, ...options.specialTokens };
  const ids = new Map<string, number>();
  vocab.forEach((t, i) => ids.set(t, i));
  const idOf = (token: string): number => {
    const id = ids.get(token);
    if (id === undefined) throw new DataFormatError('<vocab>', `the special token ${token} is not in the vocabulary`);
    return id;
  };
  const { cls, sep } = specials;
  const postProcessor =
    (options.postProcessor ?? 'template') === 'bert'
      ? { type: 'BertProcessing', sep: [sep, idOf(sep)], cls: [cls, idOf(cls)] }
      : {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: cls, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: sep, type_id: 0 } }],
          pair: [
            { SpecialToken: { id: cls, type_id: 0 } },
            { Sequence: { id: 'A', type_id: 0 } },
            { SpecialToken: { id: sep, type_id: 0 } },
            { Sequence: { id: 'B', type_id: 1 } },
            { SpecialToken: { id: sep, type_id: 1 } },
          ],
          special_tokens: Object.fromEntries([cls, sep].map((t) => [t, { id: t, ids: [idOf(t)], tokens: [t] }])),
        };
  const added = [...new Set(Object.values(specials))]
    .map((t) => ({ id: idOf(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }))
    .sort((a, b) => a.id - b.id);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: options.handleChineseChars ?? true, strip_accents: options.stripAccents ?? null, lowercase: options.lowercase ?? false },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: postProcessor,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: specials.unk,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: options.maxInputCharsPerWord ?? 100,
      // fromEntries defines own properties (safe for a "__proto__" token); a repeated token keeps its last id.
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
    },
  };
}
