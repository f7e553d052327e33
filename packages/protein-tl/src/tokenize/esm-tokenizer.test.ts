import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@lab/tensor-core';
import { sharedDataPath } from '@lab/tensor-core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTEIN_ALPHABET } from '../alphabet/protein-alphabet';
import { EsmTokenizer } from './esm-tokenizer';
import { ESM2_SPECIAL_IDS, ESM2_VOCAB } from './esm-vocab';

const tok = new EsmTokenizer();

/**
 * Ids derived by hand from shared/data/vocab/esm2-vocab.txt (line number - 1), since the Hugging Face tokenizer is not
 * installed here: <cls>=0 <pad>=1 <eos>=2 <unk>=3 L=4 A=5 G=6 V=7 S=8 E=9 R=10 T=11 I=12 D=13 P=14 K=15 Q=16 N=17
 * F=18 Y=19 M=20 H=21 W=22 C=23 X=24 B=25 U=26 Z=27 O=28 .=29 -=30 <null_1>=31 <mask>=32.
 */
const HAND_IDS: Record<string, number[]> = {
  MKTAYIAK: [0, 20, 15, 11, 5, 19, 12, 5, 15, 2],
  'XBUZO.-': [0, 24, 25, 26, 27, 28, 29, 30, 2],
  CWHDEGLNPQRSVF: [0, 23, 22, 21, 13, 9, 6, 4, 17, 14, 16, 10, 8, 7, 18, 2],
};

describe('ESM-2 vocabulary', () => {
  it('is the 33 tokens of the shared vocabulary file, in order', async (ctx) => {
    expect(ESM2_VOCAB).toHaveLength(33);
    const path = sharedDataPath(['vocab', 'esm2-vocab.txt']);
    if (!path) {
      console.log('skipping the vocabulary-file check: shared/data/vocab/esm2-vocab.txt is not available (add ../shared or set LAB_SHARED_DATA)');
      ctx.skip();
      return;
    }
    const lines = readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.trim());
    while (lines[lines.length - 1] === '') lines.pop();
    expect(lines).toEqual([...ESM2_VOCAB]);
    const fromFile = await EsmTokenizer.fromVocabFile(path);
    expect(fromFile.vocab).toEqual(ESM2_VOCAB);
    for (const [seq, ids] of Object.entries(HAND_IDS)) expect(Array.from(fromFile.encode(seq)), seq).toEqual(ids);
  });

  it('names the special-token ids', () => {
    expect(ESM2_SPECIAL_IDS).toEqual({ cls: 0, pad: 1, eos: 2, unk: 3, mask: 32 });
    expect([tok.clsId, tok.padId, tok.eosId, tok.unkId, tok.maskId]).toEqual([0, 1, 2, 3, 32]);
    expect(tok.vocabSize).toBe(33);
    expect(tok.tokenId('<null_1>')).toBe(31);
  });

  it('refuses a vocabulary without special tokens or with repeats', () => {
    expect(() => new EsmTokenizer(['<cls>', '<pad>', '<eos>', 'A'])).toThrow(/lacks the special token <unk>/);
    expect(() => new EsmTokenizer([...ESM2_VOCAB, 'A'])).toThrow(InvalidArgumentError);
  });
});

describe('EsmTokenizer.encode', () => {
  it('wraps residues in <cls> ... <eos>, one token per residue (hand-derived ids)', () => {
    for (const [seq, ids] of Object.entries(HAND_IDS)) expect(Array.from(tok.encode(seq)), seq).toEqual(ids);
    expect(Array.from(tok.encode('MK', { addSpecialTokens: false }))).toEqual([20, 15]);
    expect(Array.from(tok.encode(''))).toEqual([0, 2]);
  });

  it('maps characters outside the vocabulary to <unk>, or throws when asked', () => {
    expect(Array.from(tok.encode('MJ*K'))).toEqual([0, 20, 3, 3, 15, 2]);
    expect(() => tok.encode('MJK', { unknown: 'error' })).toThrow(/Character "J" at position 2 is not in the ESM vocabulary/);
  });

  it('handles lower case as ESM (<unk>, default), by upper-casing, or by throwing', () => {
    expect(Array.from(tok.encode('Mkt'))).toEqual([0, 20, 3, 3, 2]);
    expect(Array.from(tok.encode('Mkt', { lowercase: 'upper' }))).toEqual([0, 20, 15, 11, 2]);
    expect(() => tok.encode('Mkt', { lowercase: 'error' })).toThrow(/Lower-case residue "k" at position 2/);
    // lower case is governed by `lowercase`, not `unknown`
    expect(Array.from(tok.encode('Mk', { unknown: 'error' }))).toEqual([0, 20, 3, 2]);
  });

  it('reads special-token strings in the text as single tokens', () => {
    expect(tok.tokenize('MK<mask>T<unk>')).toEqual(['M', 'K', '<mask>', 'T', '<unk>']);
    expect(tok.tokenize('<mas')).toEqual(['<unk>', '<unk>', '<unk>', '<unk>']);
  });

  it("mode 'huggingface' merges runs of unknown characters into one <unk> and drops whitespace, as EsmTokenizer", () => {
    const hf = { mode: 'huggingface' } as const;
    expect(tok.tokenize('MKabcT', hf)).toEqual(['M', 'K', '<unk>', 'T']);
    expect(tok.tokenize('M K\tT', hf)).toEqual(['M', 'K', 'T']);
    expect(tok.tokenize('Mab cdK', hf)).toEqual(['M', '<unk>', '<unk>', 'K']);
    expect(tok.tokenize('Mj<mask>jjK', hf)).toEqual(['M', '<unk>', '<mask>', '<unk>', 'K']);
    expect(tok.tokenize('Mkt', { ...hf, lowercase: 'upper' })).toEqual(['M', 'K', 'T']);
    // the residue mode keeps one token per character, spaces included
    expect(tok.tokenize('M K')).toEqual(['M', '<unk>', 'K']);
  });

  it('keeps one token per residue for any sequence over the alphabet (property)', () => {
    const seq = fc.stringMatching(new RegExp(`^[${PROTEIN_ALPHABET.replace('-', '\\-')}]{0,300}$`));
    fc.assert(
      fc.property(seq, (s) => {
        const ids = tok.encode(s);
        expect(ids.length).toBe(s.length + 2);
        expect(tok.decode(ids, { skipSpecialTokens: true })).toBe(s);
        for (let i = 0; i < s.length; i++) expect(ESM2_VOCAB[ids[i + 1]!]).toBe(s[i]);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses unsupported option values', () => {
    expect(() => tok.encode('M', { mode: 'bpe' as never })).toThrow(/Supported: residue, huggingface/);
    expect(() => tok.encode('M', { lowercase: 'keep' as never })).toThrow(InvalidArgumentError);
    expect(() => tok.encode('M', { unknown: 'drop' as never })).toThrow(InvalidArgumentError);
  });
});

describe('EsmTokenizer.encodeBatch and decode', () => {
  it('pads to the longest row with <pad> and masks the padding', () => {
    const b = tok.encodeBatch(['MKT', 'M', 'MK']);
    expect([b.batchSize, b.length]).toEqual([3, 5]);
    expect(Array.from(b.lengths)).toEqual([5, 3, 4]);
    expect(Array.from(b.inputIds)).toEqual([0, 20, 15, 11, 2, 0, 20, 2, 1, 1, 0, 20, 15, 2, 1]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0]);
  });

  it('pads to a fixed length, refusing longer rows with the fix', () => {
    const b = tok.encodeBatch(['MK'], { padding: 6 });
    expect(Array.from(b.inputIds)).toEqual([0, 20, 15, 2, 1, 1]);
    expect(Array.from(b.attentionMask)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(() => tok.encodeBatch(['M', 'MKTAY'], { padding: 6 })).toThrow(/Sequence 1 has 7 tokens, more than padding = 6.*centerCrop/);
    expect(() => tok.encodeBatch(['M'], { padding: 0 })).toThrow(InvalidArgumentError);
    expect(() => tok.encodeBatch([])).toThrow(InvalidArgumentError);
  });

  it('mask and padding agree for any batch (property)', () => {
    const seq = fc.stringMatching(/^[ACDEFGHIKLMNPQRSTVWY]{0,40}$/);
    fc.assert(
      fc.property(fc.array(seq, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 5 }), (seqs, extra) => {
        const longest = Math.max(...seqs.map((s) => s.length)) + 2;
        const b = tok.encodeBatch(seqs, { padding: longest + extra });
        expect(b.length).toBe(longest + extra);
        seqs.forEach((s, r) => {
          const row = b.inputIds.subarray(r * b.length, (r + 1) * b.length);
          const mask = b.attentionMask.subarray(r * b.length, (r + 1) * b.length);
          expect(b.lengths[r]).toBe(s.length + 2);
          for (let j = 0; j < b.length; j++) {
            expect(mask[j]).toBe(j < s.length + 2 ? 1 : 0);
            if (j >= s.length + 2) expect(row[j]).toBe(tok.padId);
          }
          expect(tok.decode(row, { skipSpecialTokens: true })).toBe(s);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('decodes with or without special tokens, and with a separator', () => {
    expect(tok.decode([0, 20, 3, 32, 2, 1])).toBe('<cls>M<unk><mask><eos><pad>');
    expect(tok.decode([0, 20, 3, 32, 2, 1], { skipSpecialTokens: true })).toBe('M<unk>');
    expect(tok.decode([0, 20, 15, 2], { separator: ' ' })).toBe('<cls> M K <eos>');
    expect(() => tok.decode([33])).toThrow(/outside the vocabulary/);
  });
});
