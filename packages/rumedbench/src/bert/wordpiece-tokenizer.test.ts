import { DataFormatError, InvalidArgumentError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { alignLabelsToTokens, wordPredictionsFromTokens } from './align-labels';
import { BasicTokenizer, isBertPunctuation } from './basic-tokenizer';
import { truncatedLengths } from './bert-tokenizer-base';
import { WordPieceTokenizer } from './wordpiece-tokenizer';

// id = line index
const VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', // 0-4
  'Боли', 'в', 'пояс', '##ни', '##нице', // 5-9
  ',', 't', '37', '5', '°', 'C', '.', // 10-16
  'un', '##want', '##ed', 'боли', 'е', '##е', // 17-22
  '中', '国', '##ё', 'cafe', 'café', 'a', 'b', '##b', '!', // 23-31
];
const tok = (options = {}): WordPieceTokenizer => WordPieceTokenizer.fromVocabText(VOCAB.join('\n') + '\n', options);

describe('WordPieceTokenizer on a hand-made vocabulary', () => {
  it('reads vocab.txt: id = line index, LF/CRLF/CR, no token for the final line break', () => {
    const t = tok();
    expect(t.vocabSize).toBe(VOCAB.length);
    expect([t.padId, t.unkId, t.clsId, t.sepId, t.maskId]).toEqual([0, 1, 2, 3, 4]);
    const crlf = WordPieceTokenizer.fromVocabText(VOCAB.join('\r\n'));
    expect(crlf.vocabSize).toBe(VOCAB.length);
    expect(crlf.lookup('##want')).toBe(18);
    expect(WordPieceTokenizer.fromVocabText('[UNK]\r[PAD]\r[CLS]\r[SEP]\r[MASK]\r').padId).toBe(1);
  });

  it('names a missing special token and rejects unreadable files', () => {
    const noMask = VOCAB.filter((t) => t !== '[MASK]').join('\n');
    expect(() => WordPieceTokenizer.fromVocabText(noMask)).toThrow(DataFormatError);
    expect(() => WordPieceTokenizer.fromVocabText(noMask)).toThrow('[MASK]');
    expect(() => WordPieceTokenizer.fromVocabFile('/nonexistent/vocab.txt')).toThrow(InvalidArgumentError);
    expect(() => tok({ maxInputCharsPerWord: 0 })).toThrow(InvalidArgumentError);
  });

  it('splits punctuation, then WordPiece with ## continuations', () => {
    const t = tok();
    // ° is a symbol (So), not punctuation: "5°C" stays one word, which this vocabulary cannot cover.
    expect(t.tokenize('Боли в пояснице, t 37,5°C.')).toEqual(['Боли', 'в', 'пояс', '##нице', ',', 't', '37', ',', '[UNK]', '.']);
    expect(t.encode('Боли в пояснице, t 37,5 ° C.').inputIds).toEqual([2, 5, 6, 7, 9, 10, 11, 12, 10, 13, 14, 15, 16, 3]);
    expect(t.tokenize('unwanted')).toEqual(['un', '##want', '##ed']);
    // BERT punctuation: ASCII 33-47 etc. even when Unicode says "symbol" ($, +), Unicode P* (« »); № (So) is not.
    expect(t.tokenize('a!b a$b a+b a«b» a№b')).toEqual(['a', '!', 'b', 'a', '[UNK]', 'b', 'a', '[UNK]', 'b', 'a', '[UNK]', 'b', '[UNK]', '[UNK]']);
    expect(['$', '+', '`', '~', '«', '—', '…'].every(isBertPunctuation)).toBe(true);
    expect(['№', '°', 'a', '€'].some(isBertPunctuation)).toBe(false);
  });

  it('gives [UNK] for a word that cannot be covered or is too long', () => {
    const t = tok();
    expect(t.tokenize('unwantedX')).toEqual(['[UNK]']);
    expect(t.tokenize('b'.repeat(100))).toEqual(['b', ...Array(99).fill('##b')]);
    expect(t.tokenize('b'.repeat(101))).toEqual(['[UNK]']);
    expect(tok({ maxInputCharsPerWord: 3 }).tokenize('bbb bbbb')).toEqual(['b', '##b', '##b', '[UNK]']);
  });

  it('lower-cases and strips accents only when asked (cased by default)', () => {
    expect(tok().tokenize('БОЛИ боли café')).toEqual(['[UNK]', 'боли', 'café']);
    expect(tok({ doLowerCase: true }).tokenize('БОЛИ CAFÉ')).toEqual(['боли', 'cafe']);
    expect(tok({ doLowerCase: true, stripAccents: false }).tokenize('CAFÉ')).toEqual(['café']);
    expect(tok({ stripAccents: true }).tokenize('café Боли')).toEqual(['cafe', 'Боли']);
    expect(new BasicTokenizer({ doLowerCase: true }).tokenize('Ёлка Йод')).toEqual(['елка', 'иод']);
  });

  it('NFC-normalises like the slow tokenizer (decomposed ё is one character)', () => {
    expect(tok().tokenize('ее\u0308')).toEqual(['е', '##ё']);
  });

  it('isolates CJK ideographs unless disabled', () => {
    expect(tok().tokenize('a中国b')).toEqual(['a', '中', '国', 'b']);
    expect(tok({ tokenizeChineseChars: false }).tokenize('a中国b')).toEqual(['[UNK]']);
  });

  it('drops control/format characters, NUL and U+FFFD; other whitespace separates words', () => {
    expect(BasicTokenizer.cleanText('a\u0000b\u200Bb\uFFFD\u0007b\tb\u00A0b\r\nb')).toBe('abbb b b  b');
    expect(tok().tokenize('a\u0000b\u200Bb\tb\u00A0b\u2028b')).toEqual(['a', '##b', '##b', 'b', 'b', 'b']);
    expect(tok().tokenize(' \t\n ')).toEqual([]);
  });

  it('keeps special tokens written in the text whole unless splitSpecialTokens', () => {
    expect(tok().encode('a [SEP] b[MASK]').inputIds).toEqual([2, 28, 3, 29, 4, 3]);
    expect(tok({ splitSpecialTokens: true }).tokenize('[SEP]')).toEqual(['[UNK]', '[UNK]', '[UNK]']);
  });

  it('encodes pairs as [CLS] a [SEP] b [SEP] with segment ids', () => {
    const e = tok().encode('a', 'b b');
    expect(e.tokens).toEqual(['[CLS]', 'a', '[SEP]', 'b', 'b', '[SEP]']);
    expect(e.inputIds).toEqual([2, 28, 3, 29, 29, 3]);
    expect(e.tokenTypeIds).toEqual([0, 0, 0, 1, 1, 1]);
    expect(e.attentionMask).toEqual([1, 1, 1, 1, 1, 1]);
    expect(tok().encode('a', '').tokens).toEqual(['[CLS]', 'a', '[SEP]', '[SEP]']);
    expect(tok().encode('a b', undefined, { addSpecialTokens: false }).inputIds).toEqual([28, 29]);
  });

  it('truncates longest_first one token at a time (the second text on ties), only_second, single texts', () => {
    const t = tok();
    const e = t.encode('a b a b a', 'b b b', { maxLength: 8 });
    expect(e.tokens).toEqual(['[CLS]', 'a', 'b', 'a', '[SEP]', 'b', 'b', '[SEP]']);
    expect(e.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(t.encode('a a', 'b b', { maxLength: 6 }).tokens).toEqual(['[CLS]', 'a', 'a', '[SEP]', 'b', '[SEP]']);
    expect(t.encode('a a a', 'b b b', { maxLength: 7, truncation: 'only_second' }).tokens).toEqual(['[CLS]', 'a', 'a', 'a', '[SEP]', 'b', '[SEP]']);
    expect(() => t.encode('a a a', 'b b b', { maxLength: 5, truncation: 'only_second' })).toThrow(InvalidArgumentError);
    expect(t.encode('a b a b', undefined, { maxLength: 4 }).tokens).toEqual(['[CLS]', 'a', 'b', '[SEP]']);
    expect(() => t.encode('a b', undefined, { maxLength: 2 })).toThrow(InvalidArgumentError);
    expect(t.encode('a b a b', undefined, { maxLength: 4, truncation: false }).inputIds).toHaveLength(6);
    expect(t.encode(Array(600).fill('a').join(' ')).inputIds).toHaveLength(512);
    expect(truncatedLengths(10, 2, 5, 'longest_first')).toEqual([5, 2]);
    expect(truncatedLengths(4, 4, 3, 'longest_first')).toEqual([3, 2]);
  });

  it('encodes pre-split words with wordIds and aligns labels to first sub-tokens', () => {
    const e = tok().encodeWords(['Боли', 'пояснице,', '\u200B', 'unwanted'], { maxLength: 7 });
    expect(e.tokens).toEqual(['[CLS]', 'Боли', 'пояс', '##нице', ',', 'un', '[SEP]']);
    expect(e.wordIds).toEqual([-1, 0, 1, 1, 1, 3, -1]);
    expect(alignLabelsToTokens(e.wordIds, [10, 11, 12, 13])).toEqual([-100, 10, 11, -100, -100, 13, -100]);
    expect(wordPredictionsFromTokens(e.wordIds, [0, 5, 6, 7, 8, 9, 0], 5, -1)).toEqual([5, 6, -1, 9, -1]);
    expect(() => alignLabelsToTokens(e.wordIds, [1])).toThrow(InvalidArgumentError);
  });

  it('pads batches into int64 [batch, length] tensors', () => {
    const t = tok();
    const b = t.encodeBatch(['a', ['a b', 'b']]);
    expect(b.inputIds.dims).toEqual([2, 6]);
    expect(b.inputIds.type).toBe('int64');
    expect(Array.from(b.inputIds.data as BigInt64Array, Number)).toEqual([2, 28, 3, 0, 0, 0, 2, 28, 29, 3, 29, 3]);
    expect(Array.from(b.attentionMask.data as BigInt64Array, Number)).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(b.tokenTypeIds.data as BigInt64Array, Number)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(t.encodeBatch(['a'], { padding: 'max_length', maxLength: 5 }).inputIds.dims).toEqual([1, 5]);
    expect(() => t.pad([t.encode('a b a b')], { padding: 'max_length', maxLength: 4 })).toThrow(InvalidArgumentError);
    expect(t.pad([t.encodeWords(['a', 'b'])]).length).toBe(4);
  });

  it('decodes ids back to text and tokens', () => {
    const t = tok();
    const ids = t.encode('Боли в пояснице, unwanted').inputIds;
    expect(t.decode(ids, { skipSpecialTokens: true })).toBe('Боли в пояснице , unwanted');
    expect(t.convertTokensToIds(t.convertIdsToTokens(ids))).toEqual(ids);
    expect(() => t.convertIdsToTokens([999])).toThrow(InvalidArgumentError);
  });
});
