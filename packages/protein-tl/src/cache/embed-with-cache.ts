/**
 * Embedding through an {@link EmbeddingCache}: only sequences the cache lacks go through the model.
 * @packageDocumentation
 */
import { InvalidArgumentError, LabError, throttleProgress, type WithProgress } from '@lab/tensor-core';
import { describeInput, type EmbedInput } from '../embed/esm-embedder';
import type { ProteinEmbedder } from '../embed/protein-embedder';
import { SequenceEmbeddingError } from '../embed/sequence-embedding-error';
import { DIGEST_WORDS, DigestTable, digestSequence } from './digest-table';
import type { EmbeddingCache } from './embedding-cache';
import { EmbeddingCacheError } from './embedding-cache-error';

/** Options of {@link embedWithCache}. */
export interface EmbedWithCacheOptions extends WithProgress {
  /** An open, writable cache made for this embedder (same `id` and `dim`). */
  cache: EmbeddingCache;
  /**
   * Distinct missing sequences per `embedPooled` call; each chunk is stored before the next one starts, so an
   * interrupted run keeps what it finished.
   * @default 1024
   */
  chunkSize?: number;
}

/** Result of {@link embedWithCache}. */
export interface CachedEmbeddings {
  /** `[inputs.length × dim]` row-major, in input order. */
  vectors: Float32Array;
  /** Inputs found in the cache. */
  hits: number;
  /** Distinct sequences that went through the embedder (and were stored). */
  embedded: number;
}

/**
 * Embeds sequences, reading the ones the cache holds and running the embedder on the rest only: each distinct missing
 * sequence is embedded once, stored, and copied to every input position that repeats it.
 *
 * @remarks The misses are sorted by length before they are cut into chunks of `chunkSize`, so that each
 * `embedPooled` call gets sequences of similar length (little padding in a model's length-bucketed batches). Progress
 * reports `'cache read'` (one unit per input), then `'embedding'` (one unit per distinct missing sequence, with
 * `metrics.cached` = hits). A {@link SequenceEmbeddingError} from the embedder names the input index.
 *
 * @param embedder - the embedder whose vectors the cache holds
 * @param inputs - residues as strings, or records `{ name, sequence }`
 * @param options - the cache, chunk size, progress
 * @returns all vectors in input order, with hit and miss counts
 * @throws EmbeddingCacheError when the cache was made for another embedder id or width, or is read-only (and there
 *   are misses); SequenceEmbeddingError from the embedder; InvalidArgumentError for a bad chunk size or an embedder
 *   that returns the wrong number of values
 * @example
 * ```ts
 * const embedder = esmProteinEmbedder(await loadEsmEmbedder('training/protein/runs/esm2-8m'));
 * const cache = await EmbeddingCache.open('cache/esm2-8m', { embedderId: embedder.id, dim: embedder.dim });
 * const { vectors, hits, embedded } = await embedWithCache(embedder, sequences, {
 *   cache,
 *   onProgress: (e) => console.log(e.label, e.completed, e.total),
 * });
 * await cache.close();
 * ```
 */
export async function embedWithCache(embedder: ProteinEmbedder, inputs: readonly EmbedInput[], options: EmbedWithCacheOptions): Promise<CachedEmbeddings> {
  const { cache } = options ?? ({} as EmbedWithCacheOptions);
  if (!cache || typeof cache.getSync !== 'function') throw new InvalidArgumentError('cache', 'options.cache must be an open EmbeddingCache (EmbeddingCache.open).');
  if (cache.embedderId !== embedder.id) {
    throw new EmbeddingCacheError(cache.dir, 'embedder-mismatch', `it holds vectors of embedder "${cache.embedderId}", but the embedder's id is "${embedder.id}". Open the cache with { embedderId: embedder.id, dim: embedder.dim }.`, { expected: cache.embedderId, received: embedder.id });
  }
  if (cache.dim !== embedder.dim) {
    throw new EmbeddingCacheError(cache.dir, 'dim-mismatch', `it holds vectors of width ${cache.dim}, but the embedder's are ${embedder.dim} wide.`, { expected: String(cache.dim), received: String(embedder.dim) });
  }
  const chunkSize = options.chunkSize ?? 1024;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new InvalidArgumentError('chunkSize', `chunkSize must be a positive integer; received ${String(chunkSize)}.`);
  const D = embedder.dim;
  const sequences = inputs.map((input, i) => describeInput(input, i).sequence);
  const { vectors, missing } = cache.getSync(sequences, options.onProgress ? { onProgress: options.onProgress } : {});
  const hits = inputs.length - missing.length;
  if (missing.length === 0) return { vectors, hits, embedded: 0 };
  if (cache.readOnly) {
    throw new EmbeddingCacheError(cache.dir, 'read-only', `it was opened with readOnly: true and lacks ${missing.length} of the ${inputs.length} sequences; open it writable to embed and store them.`);
  }

  // Distinct misses: owner[k] is the input index whose vector missing[k] takes.
  const table = new DigestTable(2 * missing.length);
  const digest = new Uint32Array(DIGEST_WORDS);
  const owner = new Int32Array(missing.length);
  const distinct: number[] = [];
  for (let k = 0; k < missing.length; k++) {
    const i = missing[k]!;
    digestSequence(sequences[i]!, digest, 0);
    owner[k] = table.insert(digest, 0, i);
    if (owner[k] === i) distinct.push(i);
  }
  distinct.sort((a, b) => sequences[a]!.length - sequences[b]!.length || a - b);

  const progress = throttleProgress(options.onProgress);
  const total = distinct.length;
  const report = (completed: number): void => progress({ completed, total, label: 'embedding', metrics: { cached: hits } });
  report(0);
  for (let start = 0; start < total; start += chunkSize) {
    const chunk = distinct.slice(start, start + chunkSize);
    const chunkInputs = chunk.map((i) => inputs[i]!);
    let x: Float32Array;
    try {
      x = await embedder.embedPooled(chunkInputs, {
        onProgress: (e) => {
          // the chunk's start and end are reported here; pass on what lies between
          if (e.total && e.completed > 0 && e.completed < e.total) report(start + (e.completed / e.total) * chunk.length);
        },
      });
    } catch (e) {
      throw remapSequenceError(e, chunk);
    }
    if (!(x instanceof Float32Array) || x.length !== chunk.length * D) {
      throw new InvalidArgumentError('embedder', `embedder "${embedder.name}" returned ${x instanceof Float32Array ? x.length : typeof x} values for ${chunk.length} sequences × dim ${D}.`);
    }
    cache.putSync(chunkInputs, x);
    chunk.forEach((i, r) => vectors.set(x.subarray(r * D, (r + 1) * D), i * D));
    report(start + chunk.length);
  }
  for (let k = 0; k < missing.length; k++) {
    const i = missing[k]!;
    const o = owner[k]!;
    if (o !== i) vectors.copyWithin(i * D, o * D, (o + 1) * D);
  }
  return { vectors, hits, embedded: total };
}

/** A SequenceEmbeddingError counts positions inside the chunk; name the input index instead. */
function remapSequenceError(e: unknown, chunk: readonly number[]): unknown {
  if (!(e instanceof SequenceEmbeddingError) || !LabError.isInstance(e)) return e;
  const index = chunk[e.index];
  if (index === undefined) return e;
  const prefix = `Sequence ${e.index}${e.sequenceName !== undefined ? ` ("${e.sequenceName}")` : ''}: `;
  const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return new SequenceEmbeddingError(index, e.sequenceName, e.problem, message, { cause: e });
}
