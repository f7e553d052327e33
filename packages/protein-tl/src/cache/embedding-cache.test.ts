import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DataFormatError, InvalidArgumentError, LabError, type ProgressEvent } from '@lab/tensor-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDING_CACHE_FILES, EmbeddingCache } from './embedding-cache';
import { EmbeddingCacheError, type EmbeddingCacheProblem } from './embedding-cache-error';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'embedding-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ID = 'test-embedder-v1';

/** A SYNTHETIC vector for a sequence: deterministic, different per sequence. */
function vectorOf(sequence: string, dim: number): Float32Array {
  let h = 2166136261;
  for (let i = 0; i < sequence.length; i++) h = Math.imul(h ^ sequence.charCodeAt(i), 16777619);
  return Float32Array.from({ length: dim }, (_, j) => ((Math.imul(h, j + 1) >>> 8) % 2001) / 1000 - 1);
}

function rowsOf(sequences: readonly string[], dim: number): Float32Array {
  const x = new Float32Array(sequences.length * dim);
  sequences.forEach((s, i) => x.set(vectorOf(s, dim), i * dim));
  return x;
}

async function expectCacheError(p: Promise<unknown> | (() => unknown), problem: EmbeddingCacheProblem): Promise<EmbeddingCacheError> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected an EmbeddingCacheError (${problem})`).toBeInstanceOf(EmbeddingCacheError);
  const err = caught as EmbeddingCacheError;
  expect(LabError.isInstance(err)).toBe(true);
  expect([err.code, err.name, err.problem]).toEqual(['EMBEDDING_CACHE', 'EmbeddingCacheError', problem]);
  expect(err.message).toContain(dir);
  return err;
}

describe('EmbeddingCache', () => {
  it('round-trips vectors, reports misses as NaN rows, and survives a reopen', async () => {
    const cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: 5 });
    expect(cache.size).toBe(0);
    const seqs = ['MKTAYIAKQR', 'MSDNE', 'ACDEFGHIKLMNPQRSTVWY', 'M'];
    expect(await cache.put(seqs.slice(0, 3), rowsOf(seqs.slice(0, 3), 5))).toBe(3);
    expect(cache.size).toBe(3);
    expect(cache.has('MSDNE')).toBe(true);
    expect(cache.has({ name: 'x', sequence: 'M' })).toBe(false);
    const { vectors, missing } = await cache.get(['M', 'MSDNE', { name: 'p', sequence: 'MKTAYIAKQR' }, 'mSDNE']);
    expect(Array.from(missing)).toEqual([0, 3]);
    expect(vectors.subarray(5, 10)).toEqual(vectorOf('MSDNE', 5));
    expect(vectors.subarray(10, 15)).toEqual(vectorOf('MKTAYIAKQR', 5));
    expect(Array.from(vectors.subarray(0, 5)).every(Number.isNaN)).toBe(true);
    expect(Array.from(vectors.subarray(15, 20)).every(Number.isNaN)).toBe(true); // case matters
    await cache.close();
    await cache.close(); // twice is fine

    const again = await EmbeddingCache.open(dir, { embedderId: ID, dim: 5 });
    expect(again.size).toBe(3);
    const out = new Float32Array(3 * 5);
    const res = again.getSync(seqs.slice(0, 3).reverse(), { out });
    expect(res.vectors).toBe(out);
    expect(res.missing.length).toBe(0);
    expect(out).toEqual(rowsOf(seqs.slice(0, 3).reverse(), 5));
    expect(await again.put(['M', 'MSDNE'], rowsOf(['M', 'X'], 5))).toBe(1); // MSDNE is kept as it was
    expect((await again.get(['MSDNE'])).vectors).toEqual(vectorOf('MSDNE', 5));
    await again.close();
    expect(readFileSync(join(dir, EMBEDDING_CACHE_FILES.vectors)).subarray(0, 8).toString('latin1')).toBe('PTLEMBV1');
    expect(existsSync(join(dir, EMBEDDING_CACHE_FILES.lock))).toBe(false);
  });

  it('stores a repeated sequence once and returns it at every position', async () => {
    const cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: 3 });
    const seqs = ['AAA', 'CCC', 'AAA', 'AAA', 'CCC'];
    const x = rowsOf(seqs, 3);
    x.set([9, 9, 9], 2 * 3); // a later repeat with another vector: the first one wins
    expect(await cache.put(seqs, x)).toBe(2);
    expect(cache.size).toBe(2);
    const { vectors, missing } = await cache.get(['CCC', 'AAA', 'CCC', 'AAA']);
    expect(missing.length).toBe(0);
    expect(vectors).toEqual(rowsOf(['CCC', 'AAA', 'CCC', 'AAA'], 3));
    expect(await cache.put(['AAA'], vectorOf('AAA', 3))).toBe(0);
    await cache.close();
  });

  it('refuses another embedder id or width with typed errors, leaving the folder as it was', async () => {
    const cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: 4 });
    await cache.put(['MK'], vectorOf('MK', 4));
    await cache.close();
    const other = await expectCacheError(EmbeddingCache.open(dir, { embedderId: 'kmer-v1:k=3:norm=l2', dim: 4 }), 'embedder-mismatch');
    expect([other.expected, other.received]).toEqual([ID, 'kmer-v1:k=3:norm=l2']);
    const wide = await expectCacheError(EmbeddingCache.open(dir, { embedderId: ID, dim: 8 }), 'dim-mismatch');
    expect([wide.expected, wide.received]).toEqual(['4', '8']);
    expect(existsSync(join(dir, EMBEDDING_CACHE_FILES.lock))).toBe(false); // released on failure
    const ok = await EmbeddingCache.open(dir, { embedderId: ID, dim: 4, readOnly: true });
    expect(ok.size).toBe(1);
    await ok.close();
  });

  it('checks its arguments and its state', async () => {
    await expect(EmbeddingCache.open(dir, { embedderId: '', dim: 4 })).rejects.toThrow(InvalidArgumentError);
    await expect(EmbeddingCache.open(dir, { embedderId: 'x'.repeat(1025), dim: 4 })).rejects.toThrow(/1024 UTF-8 bytes/);
    await expect(EmbeddingCache.open(dir, { embedderId: ID, dim: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(EmbeddingCache.open(dir, { embedderId: ID, dim: 2.5 })).rejects.toThrow(/dim must be an integer/);
    await expectCacheError(EmbeddingCache.open(join(dir, 'nothing'), { embedderId: ID, dim: 4, readOnly: true }), 'not-found');
    const cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: 2 });
    await expect(cache.put(['MK', 'MT'], new Float32Array(2))).rejects.toThrow(/2 × 2 = 4 values/);
    await expect(cache.put(['MK'], Float32Array.of(1, Number.NaN))).rejects.toThrow(/non-finite value \(NaN\) at row 0, column 1/);
    expect(cache.size).toBe(0);
    await expect(cache.get(['MK'], { out: new Float32Array(3) })).rejects.toThrow(InvalidArgumentError);
    await expectCacheError(EmbeddingCache.open(dir, { embedderId: ID, dim: 2 }), 'locked'); // one writer at a time
    const reader = await EmbeddingCache.open(dir, { embedderId: ID, dim: 2, readOnly: true });
    await expectCacheError(reader.put(['MK'], Float32Array.of(1, 2)), 'read-only');
    await reader.close();
    await cache.close();
    await expectCacheError(cache.get(['MK']), 'closed');
    await expectCacheError(() => cache.has('MK'), 'closed');
  });

  it('takes over the lock of a dead process, but not of a live one', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const { hostname } = await import('node:os');
    writeFileSync(join(dir, EMBEDDING_CACHE_FILES.lock), `${dead.stdout}\n${hostname()}\n`);
    const cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: 2 });
    expect(readFileSync(join(dir, EMBEDDING_CACHE_FILES.lock), 'utf8')).toBe(`${process.pid}\n${hostname()}\n`);
    await cache.close();
    writeFileSync(join(dir, EMBEDDING_CACHE_FILES.lock), `1\n${hostname()}\n`); // pid 1 is alive
    const err = await expectCacheError(EmbeddingCache.open(dir, { embedderId: ID, dim: 2 }), 'locked');
    expect(err.message).toMatch(/process 1 on .* has it open for writing/);
  });

  it('grows its hash table past the initial capacity, in memory and on reopen', async () => {
    const cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: 2, initialCapacity: 16 });
    expect(cache.tableCapacity).toBe(16);
    const seqs = Array.from({ length: 3000 }, (_, i) => `SEQ${i}`);
    for (let start = 0; start < seqs.length; start += 700) {
      const part = seqs.slice(start, start + 700);
      await cache.put(part, rowsOf(part, 2));
    }
    expect(cache.size).toBe(3000);
    expect(cache.tableCapacity).toBe(8192); // ≤ half full
    const { vectors, missing } = await cache.get(seqs);
    expect(missing.length).toBe(0);
    expect(vectors).toEqual(rowsOf(seqs, 2));
    await cache.close();
    const again = await EmbeddingCache.open(dir, { embedderId: ID, dim: 2, initialCapacity: 16, readOnly: true });
    expect(again.size).toBe(3000);
    expect((await again.get(seqs)).vectors).toEqual(rowsOf(seqs, 2));
    await again.close();
  });

  it('recovers from a crash: a torn key batch and orphan vectors are cut off; committed rows stay', async () => {
    const cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: 3, durable: false });
    await cache.put(['AAA', 'CCC'], rowsOf(['AAA', 'CCC'], 3));
    await cache.put(['DDD'], rowsOf(['DDD'], 3));
    await cache.close();
    const keys = join(dir, EMBEDDING_CACHE_FILES.keys);
    const vectors = join(dir, EMBEDDING_CACHE_FILES.vectors);
    const keysSize = statSync(keys).size;
    const vectorsSize = statSync(vectors).size;
    // A crash in the middle of the second batch's keys: its vectors are written, its key batch is torn.
    truncateSync(keys, keysSize - 5);
    let reopened = await EmbeddingCache.open(dir, { embedderId: ID, dim: 3 });
    expect(reopened.size).toBe(2);
    expect((await reopened.get(['AAA', 'CCC', 'DDD'])).missing).toEqual(Int32Array.of(2));
    expect(statSync(keys).size).toBe(keysSize - 16 - 16); // batch header + one key cut off
    expect(statSync(vectors).size).toBe(vectorsSize - 3 * 4); // DDD's orphan row cut off
    await reopened.put(['EEE'], rowsOf(['EEE'], 3));
    await reopened.close();
    // A corrupt key in the last batch fails its checksum: that batch is dropped, the earlier ones stay.
    const bytes = readFileSync(keys);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(keys, bytes);
    reopened = await EmbeddingCache.open(dir, { embedderId: ID, dim: 3 });
    expect(reopened.size).toBe(2);
    expect((await reopened.get(['AAA', 'CCC'])).vectors).toEqual(rowsOf(['AAA', 'CCC'], 3));
    await reopened.close();
    // Garbage after the log is ignored.
    appendFileSync(keys, Buffer.from('garbage'));
    reopened = await EmbeddingCache.open(dir, { embedderId: ID, dim: 3, readOnly: true });
    expect(reopened.size).toBe(2);
    await reopened.close();
  });

  it('refuses damaged or foreign files with DataFormatError', async () => {
    const cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: 3 });
    await cache.put(['AAA', 'CCC'], rowsOf(['AAA', 'CCC'], 3));
    await cache.close();
    const vectors = join(dir, EMBEDDING_CACHE_FILES.vectors);
    const keys = join(dir, EMBEDDING_CACHE_FILES.keys);
    truncateSync(vectors, statSync(vectors).size - 4); // a committed row lost
    await expect(EmbeddingCache.open(dir, { embedderId: ID, dim: 3 })).rejects.toThrow(DataFormatError);
    await expect(EmbeddingCache.open(dir, { embedderId: ID, dim: 3 })).rejects.toThrow(/holds 1 complete rows but the key log names 2/);
    writeFileSync(keys, 'not a cache at all, just some text');
    await expect(EmbeddingCache.open(dir, { embedderId: ID, dim: 3 })).rejects.toThrow(/not the embedding cache magic/);
    expect(existsSync(join(dir, EMBEDDING_CACHE_FILES.lock))).toBe(false);
  });

  it('reports progress while reading and writing', async () => {
    const cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: 2, durable: false });
    const seqs = Array.from({ length: 50 }, (_, i) => `S${i}`);
    const events: ProgressEvent[] = [];
    await cache.put(seqs, rowsOf(seqs, 2), { onProgress: (e) => events.push(e) });
    await cache.get([...seqs, 'none'], { onProgress: (e) => events.push(e) });
    expect(events.filter((e) => e.label === 'cache write').at(-1)).toEqual({ completed: 50, total: 50, label: 'cache write' });
    expect(events.filter((e) => e.label === 'cache read').at(-1)).toEqual({ completed: 51, total: 51, label: 'cache read' });
    await cache.close();
  });
});

describe('EmbeddingCache at scale', () => {
  it('holds 200,000 rows without an object per row (heap stays flat), reopens and reads them back', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const N = 200_000;
    const D = 4;
    const chunk = 20_000;
    const seqOf = (i: number): string => `MKT${i.toString(36).toUpperCase()}AYI`;
    const t0 = performance.now();
    const before = heap();
    let cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: D, durable: false });
    for (let start = 0; start < N; start += chunk) {
      const seqs = Array.from({ length: chunk }, (_, k) => seqOf(start + k));
      const x = new Float32Array(chunk * D);
      for (let k = 0; k < chunk; k++) x.fill(start + k, k * D, (k + 1) * D);
      await cache.put(seqs, x);
    }
    const filled = heap();
    await cache.close();
    const t1 = performance.now();
    cache = await EmbeddingCache.open(dir, { embedderId: ID, dim: D, readOnly: true });
    const reopened = heap();
    const t2 = performance.now();
    expect(cache.size).toBe(N);
    let wrong = 0;
    for (let start = 0; start < N; start += chunk) {
      // every other chunk in reverse order, to exercise scattered reads
      const ids = Array.from({ length: chunk }, (_, k) => (start / chunk) % 2 ? start + chunk - 1 - k : start + k);
      const { vectors, missing } = await cache.get(ids.map(seqOf));
      wrong += missing.length;
      ids.forEach((id, k) => {
        if (vectors[k * D] !== id || vectors[k * D + D - 1] !== id) wrong++;
      });
    }
    const t3 = performance.now();
    const after = heap();
    await cache.close();
    const mb = (b: number): string => `${(b / 2 ** 20).toFixed(2)} MB`;
    console.log(
      `200k × ${D} rows: fill ${((t1 - t0) / 1000).toFixed(2)} s, reopen ${((t2 - t1) / 1000).toFixed(2)} s, read back ${((t3 - t2) / 1000).toFixed(2)} s; ` +
        `heapUsed delta filled ${mb(filled - before)}, reopened ${mb(reopened - before)}, after reads ${mb(after - before)}; table capacity ${2 ** 19} slots`,
    );
    expect(wrong).toBe(0);
    // 200k objects would take ≥ 200k × 16 bytes ≈ 3.2 MB of heap; the cache keeps typed arrays (off-heap backing stores).
    for (const delta of [filled - before, reopened - before, after - before]) expect(delta).toBeLessThan(2 * 2 ** 20);
  }, 60_000);

  it('writes and reads 100k × 320 float32 rows (speed, logged)', async () => {
    const N = 100_000;
    const D = 320;
    const seqs = Array.from({ length: N }, (_, i) => `P${i}`);
    const x = new Float32Array(N * D);
    for (let i = 0; i < N; i++) x.fill(i, i * D, i * D + 8); // each row names itself
    for (const durable of [true]) {
      const sub = join(dir, durable ? 'durable' : 'scratch');
      const cache = await EmbeddingCache.open(sub, { embedderId: ID, dim: D, durable });
      const t0 = performance.now();
      for (let s = 0; s < N; s += 10_000) await cache.put(seqs.slice(s, s + 10_000), x.subarray(s * D, (s + 10_000) * D));
      const t1 = performance.now();
      await cache.close();
      const reader = await EmbeddingCache.open(sub, { embedderId: ID, dim: D, readOnly: true });
      const t2 = performance.now();
      const inOrder = await reader.get(seqs);
      const t3 = performance.now();
      const shuffled = seqs.map((_, i) => seqs[(i * 7919) % N]!);
      const random = await reader.get(shuffled);
      const t4 = performance.now();
      let mismatched = 0;
      for (let k = 0; k < N; k++) {
        const i = (k * 7919) % N;
        for (let j = 0; j < 8; j++) if (random.vectors[k * D + j] !== i) mismatched++;
      }
      // into an array whose pages are already mapped (a fresh 122 MB array pays its page faults on first write)
      await reader.get(seqs, { out: random.vectors });
      const t5 = performance.now();
      await reader.close();
      expect(inOrder.missing.length + random.missing.length).toBe(0);
      // compare by hand: vitest's deep equality on 32M elements would exhaust the heap
      for (let i = 0; i < x.length; i++) if (inOrder.vectors[i] !== x[i] || random.vectors[i] !== x[i]) mismatched++;
      expect(mismatched).toBe(0);
      const mbs = (ms: number): string => `${((N * D * 4) / 2 ** 20 / (ms / 1000)).toFixed(0)} MB/s`;
      console.log(
        `100k × 320 (${((N * D * 4) / 2 ** 20).toFixed(0)} MB, durable: ${durable}): write ${((t1 - t0) / 1000).toFixed(2)} s (${mbs(t1 - t0)}, 10 puts), ` +
          `reopen ${((t2 - t1) / 1000).toFixed(3)} s, read in order ${((t3 - t2) / 1000).toFixed(2)} s (${mbs(t3 - t2)}), random order ${((t4 - t3) / 1000).toFixed(2)} s (${mbs(t4 - t3)}), ` +
          `in order into a reused out array ${((t5 - t4) / 1000).toFixed(2)} s (${mbs(t5 - t4)})`,
      );
    }
  }, 120_000);
});
