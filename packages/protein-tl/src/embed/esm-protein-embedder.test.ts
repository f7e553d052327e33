import { resolve } from 'node:path';
import { InvalidArgumentError, type ProgressEvent } from '@lab/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsmTokenizer } from '../tokenize/esm-tokenizer';
import { EsmEmbedder, loadEsmEmbedder } from './esm-embedder';
import { esmProteinEmbedder, type EsmProteinEmbedderOptions } from './esm-protein-embedder';

// The tiny SYNTHETIC ESM-2 of esm-embedder.test.ts (hidden 32).
const FIXTURE = resolve(__dirname, '__fixtures__/esm2-tiny-random');

let esm: EsmEmbedder;
beforeAll(async () => {
  esm = await loadEsmEmbedder(FIXTURE, { intraOpThreads: 1 });
});
afterAll(() => esm?.dispose());

/** The tokeniser with two residue letters swapped: another vocabulary, so other vectors. */
function swappedVocab(): EsmTokenizer {
  const vocab = [...esm.tokenizer.vocab];
  const a = vocab.indexOf('A');
  const l = vocab.indexOf('L');
  [vocab[a], vocab[l]] = ['L', 'A'];
  return new EsmTokenizer(vocab);
}

describe('esmProteinEmbedder', () => {
  it('returns the mean-pooled vectors of EsmEmbedder.embed, with progress', async () => {
    const embedder = esmProteinEmbedder(esm, { batchSize: 2 });
    expect(embedder.dim).toBe(32);
    expect(embedder.name).toBe(esm.manifest.name);
    const seqs = ['MKTAYIAKQR', { name: 'p2', sequence: 'MSDNE' }, 'ACDEFGHIKLMNPQRSTVWY'];
    const events: ProgressEvent[] = [];
    const x = await embedder.embedPooled(seqs, { onProgress: (e) => events.push(e) });
    const ref = await esm.embed(seqs);
    expect(x).toEqual(ref.pooled);
    expect(events.at(-1)).toMatchObject({ completed: 3, total: 3, label: 'embedding' });
    expect((await embedder.embedPooled([])).length).toBe(0);
  });

  it('has an id made of the manifest sha256 and the options that change the vectors', () => {
    const id = (o: EsmProteinEmbedderOptions = {}, e: EsmEmbedder = esm): string => esmProteinEmbedder(e, o).id;
    const base = id();
    expect(base.startsWith(`esm:${esm.manifest.sha256}:mean;`)).toBe(true);
    expect(base).toMatch(/special=0;maxLength=1022;long=crop;mode=residue;lowercase=unk;unknown=unk;vocab=[0-9a-f]{12}$/);
    // batching does not change the vectors, so not the id; defaults spelled out give the same id
    expect(id({ batchSize: 32, maxTokens: 4096 })).toBe(base);
    expect(id({ maxLength: 1022, long: 'crop', includeSpecial: false })).toBe(base);
    const others = [
      id({ includeSpecial: true }),
      id({ maxLength: 500 }),
      id({ long: 'windows' }),
      id({ long: 'windows', windowStride: 100 }),
      id({ mode: 'huggingface' }),
      id({ lowercase: 'upper' }),
      id({ unknown: 'error' }),
      id({}, new EsmEmbedder(esm.model, swappedVocab(), esm.hiddenSize, esm.manifest)),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
    expect(id({ long: 'windows' })).toContain('long=windows;stride=511;');
  });

  it('checks the options when it is made', () => {
    expect(() => esmProteinEmbedder(esm, { maxLength: 0 })).toThrow(InvalidArgumentError);
    expect(() => esmProteinEmbedder(esm, { long: 'split' as never })).toThrow(/Supported: crop, windows, error/);
    expect(() => esmProteinEmbedder(esm, { pooling: 'none' } as never)).toThrow(/always mean-pools/);
    expect(() => esmProteinEmbedder(esm, { perResidue: true } as never)).toThrow(InvalidArgumentError);
  });
});
