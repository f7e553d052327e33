import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProtT5Tokenizer } from './prott5-tokenizer';

// SYNTHETIC tokenizer.json in ProtT5's layout (see __fixtures__/README.md): <pad> 0, </s> 1, <unk> 2, then ▁L ▁A ▁G …
const FIXTURE = fileURLToPath(new URL('./__fixtures__/prott5-synthetic-tokenizer.json', import.meta.url));
const ORDER = 'LAGVSERTIDPKQNFYMHWCX';
const id = (r: string) => 3 + ORDER.indexOf(r);

describe('ProtT5Tokenizer (SYNTHETIC tokenizer.json)', () => {
  it('spaces the residues, maps U Z O B to X, upper-cases, appends </s>', async () => {
    const tok = await ProtT5Tokenizer.fromFile(FIXTURE);
    expect(tok.prepare('mkTu')).toBe('M K T X');
    expect(Array.from(tok.encode('MKTAYU'))).toEqual([...'MKTAYX'].map(id).concat(1));
    expect(Array.from(tok.encode('BZO'))).toEqual([id('X'), id('X'), id('X'), 1]);
    expect(tok.padId).toBe(0);
    expect(tok.unkId).toBe(2);
    expect(tok.eosId).toBe(1);
    expect(tok.vocabSize).toBe(25); // <pad> </s> <unk>, 21 residue pieces, ▁
  });

  it('fingerprints the tokenizer.json by content, not by formatting', async () => {
    const tok = await ProtT5Tokenizer.fromFile(FIXTURE);
    expect(tok.sha256).toMatch(/^[0-9a-f]{64}$/);
    const dir = mkdtempSync(join(tmpdir(), 'prott5-'));
    const json = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { model: { vocab: Array<[string, number]> } };
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
    expect((await ProtT5Tokenizer.fromFile(join(dir, 'tokenizer.json'))).sha256).toBe(tok.sha256);
    json.model.vocab[3]![1] = -1.5;
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
    expect((await ProtT5Tokenizer.fromFile(join(dir, 'tokenizer.json'))).sha256).not.toBe(tok.sha256);
  });

  it('pads a batch with <pad> and masks the padding', async () => {
    const tok = await ProtT5Tokenizer.fromFile(FIXTURE);
    const b = tok.encodeBatch(['MKT', 'MK']);
    expect(b).toMatchObject({ batchSize: 2, length: 4 });
    expect(Array.from(b.inputIds, Number)).toEqual([id('M'), id('K'), id('T'), 1, id('M'), id('K'), 1, 0]);
    expect(Array.from(b.attentionMask, Number)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
  });

  it('keeps rare residues on request and reports unknown pieces', async () => {
    const tok = await ProtT5Tokenizer.fromFile(FIXTURE);
    const ids = Array.from(tok.encode('MU', { rare: 'keep' }));
    expect(ids).toContain(2); // U has no piece: <unk>
    expect(() => tok.encode('MU', { rare: 'keep', unknown: 'error' })).toThrow('has no piece for a residue');
  });

  it('rejects bad input with typed errors', async () => {
    const tok = await ProtT5Tokenizer.fromFile(FIXTURE);
    expect(() => tok.encode('')).toThrow('The sequence is empty');
    expect(() => tok.encode('MK-T')).toThrow('Position 3 holds "-"');
    await expect(ProtT5Tokenizer.fromFile('/nonexistent/tokenizer.json')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    const dir = mkdtempSync(join(tmpdir(), 'prott5-'));
    writeFileSync(join(dir, 'tokenizer.json'), '{not json');
    await expect(ProtT5Tokenizer.fromFile(join(dir, 'tokenizer.json'))).rejects.toMatchObject({ code: 'DATA_FORMAT' });
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'Unigram', vocab: [['a', 0]] }, added_tokens: [] }));
    await expect(ProtT5Tokenizer.fromFile(join(dir, 'tokenizer.json'))).rejects.toThrow(/<pad>|tokenizer.json/);
  });
});
