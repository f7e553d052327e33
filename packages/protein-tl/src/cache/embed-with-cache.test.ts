import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type ProgressEvent, type WithProgress } from '@lab/tensor-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEsmEmbedder, type EmbedInput } from '../embed/esm-embedder';
import { esmProteinEmbedder } from '../embed/esm-protein-embedder';
import { KmerEmbedder } from '../embed/kmer-embedder';
import type { ProteinEmbedder } from '../embed/protein-embedder';
import { SequenceEmbeddingError } from '../embed/sequence-embedding-error';
import { embedWithCache } from './embed-with-cache';
import { EmbeddingCache } from './embedding-cache';
import { EmbeddingCacheError } from './embedding-cache-error';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'embed-with-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A SYNTHETIC embedder that records what it is asked to embed: vector = [length, first char code]. */
class RecordingEmbedder implements ProteinEmbedder {
  readonly id = 'recording-v1';
  readonly dim = 2;
  readonly name = 'recording';
  calls: string[][] = [];
  failOnCall = -1;
  async embedPooled(inputs: readonly EmbedInput[], options: WithProgress = {}): Promise<Float32Array> {
    const seqs = inputs.map((s) => (typeof s === 'string' ? s : s.sequence));
    this.calls.push(seqs);
    if (this.calls.length - 1 === this.failOnCall) throw new Error('model crashed');
    const bad = seqs.findIndex((s) => s.length === 0);
    if (bad >= 0) {
      const input = inputs[bad]!;
      throw new SequenceEmbeddingError(bad, typeof input === 'string' ? undefined : input.name, 'empty', 'the sequence is empty.');
    }
    options.onProgress?.({ completed: seqs.length, total: seqs.length });
    return Float32Array.from(seqs.flatMap((s) => [s.length, s.charCodeAt(0)]));
  }
  async dispose(): Promise<void> {}
}

const expected = (seqs: readonly string[]): Float32Array => Float32Array.from(seqs.flatMap((s) => [s.length, s.charCodeAt(0)]));

describe('embedWithCache', () => {
  it('embeds each distinct miss once, shortest first, and returns every row in input order', async () => {
    const embedder = new RecordingEmbedder();
    const cache = await EmbeddingCache.open(dir, { embedderId: embedder.id, dim: embedder.dim });
    const seqs = ['MKTAY', 'AC', 'MKTAY', { name: 'p4', sequence: 'WWWWWWW' }, 'AC', 'DEF'];
    const plain = seqs.map((s) => (typeof s === 'string' ? s : s.sequence));
    const events: ProgressEvent[] = [];
    const first = await embedWithCache(embedder, seqs, { cache, chunkSize: 2, onProgress: (e) => events.push(e) });
    expect(first.vectors).toEqual(expected(plain));
    expect([first.hits, first.embedded]).toEqual([0, 4]);
    expect(embedder.calls).toEqual([
      ['AC', 'DEF'],
      ['MKTAY', 'WWWWWWW'],
    ]);
    expect(cache.size).toBe(4);
    expect(events.filter((e) => e.label === 'embedding').at(-1)).toEqual({ completed: 4, total: 4, label: 'embedding', metrics: { cached: 0 } });
    expect(events.some((e) => e.label === 'cache read')).toBe(true);

    // all hits: the embedder is not called
    const again = await embedWithCache(embedder, [...plain].reverse(), { cache });
    expect(again.vectors).toEqual(expected([...plain].reverse()));
    expect([again.hits, again.embedded, embedder.calls.length]).toEqual([6, 0, 2]);

    // some hits: only the new sequence is embedded
    const mixed = await embedWithCache(embedder, ['DEF', 'NEWSEQ', 'AC'], { cache });
    expect(mixed.vectors).toEqual(expected(['DEF', 'NEWSEQ', 'AC']));
    expect([mixed.hits, mixed.embedded]).toEqual([2, 1]);
    expect(embedder.calls.at(-1)).toEqual(['NEWSEQ']);
    await cache.close();
  });

  it('keeps the chunks it finished when the embedder fails later', async () => {
    const embedder = new RecordingEmbedder();
    embedder.failOnCall = 1;
    const cache = await EmbeddingCache.open(dir, { embedderId: embedder.id, dim: 2 });
    await expect(embedWithCache(embedder, ['A', 'CC', 'DDD', 'EEEE'], { cache, chunkSize: 2 })).rejects.toThrow('model crashed');
    expect(cache.size).toBe(2);
    expect(cache.has('A') && cache.has('CC')).toBe(true);
    await cache.close();
  });

  it("names the input index in the embedder's SequenceEmbeddingError", async () => {
    const embedder = new RecordingEmbedder();
    const cache = await EmbeddingCache.open(dir, { embedderId: embedder.id, dim: 2 });
    await cache.put(['MK'], expected(['MK']));
    const err = await embedWithCache(embedder, ['MK', 'MKT', { name: 'blank', sequence: '' }], { cache }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SequenceEmbeddingError);
    const s = err as SequenceEmbeddingError;
    expect([s.index, s.sequenceName, s.problem]).toEqual([2, 'blank', 'empty']);
    expect(s.message).toBe('Sequence 2 ("blank"): the sequence is empty.');
    expect(s.cause).toBeInstanceOf(SequenceEmbeddingError);
    await cache.close();
  });

  it('refuses a cache of another embedder or width, a read-only cache with misses, and a bad chunk size', async () => {
    const embedder = new RecordingEmbedder();
    const other = await EmbeddingCache.open(join(dir, 'other'), { embedderId: 'other-v1', dim: 2 });
    await expect(embedWithCache(embedder, ['MK'], { cache: other })).rejects.toThrow(EmbeddingCacheError);
    await expect(embedWithCache(embedder, ['MK'], { cache: other })).rejects.toThrow(/embedder's id is "recording-v1"/);
    await other.close();
    const wide = await EmbeddingCache.open(join(dir, 'wide'), { embedderId: embedder.id, dim: 3 });
    const e = await embedWithCache(embedder, ['MK'], { cache: wide }).catch((x: unknown) => x);
    expect((e as EmbeddingCacheError).problem).toBe('dim-mismatch');
    await wide.close();
    const cache = await EmbeddingCache.open(join(dir, 'ok'), { embedderId: embedder.id, dim: 2 });
    await cache.put(['MK'], expected(['MK']));
    await cache.close();
    const reader = await EmbeddingCache.open(join(dir, 'ok'), { embedderId: embedder.id, dim: 2, readOnly: true });
    expect((await embedWithCache(embedder, ['MK'], { cache: reader })).hits).toBe(1); // all hits: fine
    const ro = await embedWithCache(embedder, ['MK', 'NEW'], { cache: reader }).catch((x: unknown) => x);
    expect((ro as EmbeddingCacheError).problem).toBe('read-only');
    expect(embedder.calls.length).toBe(0);
    await expect(embedWithCache(embedder, ['MK'], { cache: reader, chunkSize: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(embedWithCache(embedder, ['MK'], {} as never)).rejects.toThrow(InvalidArgumentError);
    await reader.close();
  });

  it('works with the model-free and the ESM embedders (tiny SYNTHETIC ESM-2)', async () => {
    const kmers = new KmerEmbedder();
    const seqs = ['MKTAYIAKQRQISFVKSHFSRQ', 'MSDNEKTLLEQLKAGDKEAFEKLYVQY', 'MKTAYIAKQRQISFVKSHFSRQ'];
    const kcache = await EmbeddingCache.open(join(dir, 'kmers'), { embedderId: kmers.id, dim: kmers.dim });
    const k1 = await embedWithCache(kmers, seqs, { cache: kcache });
    expect(k1.vectors).toEqual(await kmers.embedPooled(seqs));
    await kcache.close();

    const esm = esmProteinEmbedder(await loadEsmEmbedder(resolve(__dirname, '../embed/__fixtures__/esm2-tiny-random'), { intraOpThreads: 1 }));
    try {
      const cache = await EmbeddingCache.open(join(dir, 'esm'), { embedderId: esm.id, dim: esm.dim });
      const first = await embedWithCache(esm, seqs, { cache });
      const direct = await esm.embedPooled(seqs);
      let d = 0;
      for (let i = 0; i < direct.length; i++) d = Math.max(d, Math.abs(first.vectors[i]! - direct[i]!));
      expect(d).toBeLessThan(1e-5);
      expect(first.embedded).toBe(2);
      await cache.close();
      const reopened = await EmbeddingCache.open(join(dir, 'esm'), { embedderId: esm.id, dim: esm.dim, readOnly: true });
      const second = await embedWithCache(esm, seqs, { cache: reopened });
      expect(second.vectors).toEqual(first.vectors);
      expect(second.hits).toBe(3);
      await reopened.close();
    } finally {
      await esm.dispose();
    }
  });
});
