import { existsSync, readFileSync } from 'node:fs';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBertTokenizerJson } from './bert-tokenizer-json';
import { HfJsonBertTokenizer } from './hf-json-tokenizer';
import { WordPieceTokenizer } from './wordpiece-tokenizer';

const SHARED = sharedDataPath() ?? '../shared/data';
const VOCAB = join(SHARED, 'vocab/rubert-cased-vocab.txt');
const DEV = join(SHARED, 'rumedbench/RuMedTop3/dev_v1.jsonl');
const hasVocab = existsSync(VOCAB);
const hasDev = existsSync(DEV);
if (!hasVocab) console.warn(`[skip] RuBERT vocabulary checks: ${VOCAB} is absent`);
else if (!hasDev) console.warn(`[skip] @huggingface/tokenizers parity on RuMedTop3 texts: ${DEV} is absent`);

const SENTENCES = [
  'Жалобы на боли в пояснице, t 37,5°C.',
  'АД 150/100 мм рт. ст., ЧСС 88 уд/мин; сатурация SpO2 — 97%.',
  'Кашель с мокротой, одышка при физической нагрузке (подъём на 2-й этаж).',
  'Принимает метформин 1000 мг 2 р/д, эналаприл 10 мг утром.',
  'Головокружение, тошнота... «Мушки» перед глазами!',
  'Диагноз: ОРВИ? Рекомендован осмотр ЛОР-врача и ОАК.',
];

describe.skipIf(!hasVocab)('WordPieceTokenizer with the DeepPavlov RuBERT (cased) vocabulary', () => {
  let lines: string[];
  let tok: WordPieceTokenizer;
  beforeAll(() => {
    lines = readFileSync(VOCAB, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    tok = WordPieceTokenizer.fromVocabFile(VOCAB);
  });

  it('has one id per line and the special ids the file gives', () => {
    expect(lines).toHaveLength(119_547);
    expect(tok.vocabSize).toBe(119_547);
    expect(new Set(lines).size).toBe(lines.length);
    expect([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId]).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t) => lines.indexOf(t)));
    expect([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId]).toEqual([0, 100, 101, 102, 103]);
  });

  it('tokenises Russian medical sentences into vocabulary pieces that spell the input', () => {
    for (const text of SENTENCES) {
      const tokens = tok.tokenize(text);
      expect(tokens.length).toBeGreaterThan(0);
      for (const t of tokens) expect(tok.lookup(t), t).toBeDefined();
      const { inputIds } = tok.encode(text);
      expect(tok.convertIdsToTokens(inputIds)).toEqual(['[CLS]', ...tokens, '[SEP]']);
      expect(tok.convertTokensToIds(tok.convertIdsToTokens(inputIds))).toEqual(inputIds);
      // Word by word: the pieces of every word without [UNK] glue back to the word; whole texts without [UNK] too.
      for (const word of tok.basic.tokenize(text)) {
        const pieces = tok.wordPieces(word);
        if (!pieces.includes('[UNK]')) expect(pieces.map((p) => p.replace(/^##/, '')).join('')).toBe(word);
      }
      if (!tokens.includes('[UNK]')) expect(tokens.map((p) => p.replace(/^##/, '')).join('')).toBe(text.normalize('NFC').replace(/\s/gu, ''));
    }
    expect(tok.tokenize(SENTENCES[0]!)).toMatchInlineSnapshot(`
      [
        "Жал",
        "##обы",
        "на",
        "боли",
        "в",
        "поясн",
        "##ице",
        ",",
        "t",
        "37",
        ",",
        "5°",
        "##C",
        ".",
      ]
    `);
  });
});

describe.skipIf(!hasVocab || !hasDev)('@huggingface/tokenizers (tokenizer.json) parity on RuMedTop3 texts', () => {
  it('gives the same ids as WordPieceTokenizer on 200 dev texts, single and paired', async () => {
    const vocab = readFileSync(VOCAB, 'utf8').split('\n');
    if (vocab.at(-1) === '') vocab.pop();
    const wp = WordPieceTokenizer.fromVocabText(vocab.join('\n'));
    const texts = readFileSync(DEV, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(0, 200)
      .map((l) => (JSON.parse(l) as { symptoms: string }).symptoms);
    expect(texts).toHaveLength(200);
    for (const postProcessor of ['template', 'bert'] as const) {
      const hf = await HfJsonBertTokenizer.load(buildBertTokenizerJson(vocab, { postProcessor }));
      expect(hf.vocabSize).toBe(wp.vocabSize);
      const mismatches: string[] = [];
      texts.forEach((text, i) => {
        const ours = wp.encode(text, undefined, { truncation: false });
        const raw = hf.library.encode(text, { return_token_type_ids: true });
        if (JSON.stringify(ours.inputIds) !== JSON.stringify(raw.ids)) mismatches.push(text);
        const pair = texts[(i + 1) % texts.length]!;
        const oursPair = wp.encode(text, pair, { maxLength: 128 });
        expect(hf.encode(text, pair, { maxLength: 128 })).toEqual(oursPair);
        const rawPair = hf.library.encode(text, { text_pair: pair, return_token_type_ids: true });
        expect(rawPair.token_type_ids).toEqual(wp.encode(text, pair, { truncation: false }).tokenTypeIds);
      });
      expect(mismatches).toEqual([]);
    }
  });

  it('agrees on edge cases, and differs only where @huggingface/tokenizers departs from the slow BertTokenizer', async () => {
    const vocab = readFileSync(VOCAB, 'utf8').split('\n');
    if (vocab.at(-1) === '') vocab.pop();
    const wp = WordPieceTokenizer.fromVocabText(vocab.join('\n'));
    const hf = await HfJsonBertTokenizer.load(buildBertTokenizerJson(vocab));
    const same = ['a\u0000b\u200Bc\uFFFDd\te\u00A0f\u2028g 中国人', 'x'.repeat(101) + ' ok', 'текст [SEP] ещё[MASK]', 'ﬁ № ½ ™ ‰ 😀 ё', ' \u3000 '];
    for (const text of same) expect(hf.tokenize(text)).toEqual(wp.tokenize(text));
    // No NFC in tokenizers' BertNormalizer: decomposed й (и + U+0306) is not recomposed.
    expect(wp.tokenize('и\u0306од')).toEqual(['йод']);
    expect(hf.tokenize('и\u0306од')).toEqual(['[UNK]']);
    // Astral CJK ideographs (U+20000…) are not isolated by @huggingface/tokenizers 0.2 (it reads UTF-16 code units).
    expect(wp.tokenize('𠀀x')).toEqual(['[UNK]', 'x']);
    expect(hf.tokenize('𠀀x')).toEqual(['[UNK]']);
  });
});
