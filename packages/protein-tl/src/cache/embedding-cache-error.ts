import { LabError, type LabErrorOptions } from '@lab/tensor-core';

/**
 * What is wrong in an {@link EmbeddingCacheError}: the folder holds another embedder's vectors (`'embedder-mismatch'`)
 * or vectors of another width (`'dim-mismatch'`); another live process writes to it (`'locked'`); there is no cache
 * to open read-only (`'not-found'`); a write to a read-only cache (`'read-only'`); a call after `close()` (`'closed'`).
 */
export type EmbeddingCacheProblem = 'embedder-mismatch' | 'dim-mismatch' | 'locked' | 'not-found' | 'read-only' | 'closed';

/**
 * An {@link EmbeddingCache} cannot do what was asked. Damaged files are reported as tensor-core's `DataFormatError`
 * instead.
 *
 * @remarks `code` is `EMBEDDING_CACHE`; check with `LabError.isInstance(e) && e.code === 'EMBEDDING_CACHE'` across
 * package copies. For the mismatches, `expected` is what the folder holds and `received` what was asked for.
 *
 * @example
 * ```ts
 * try {
 *   await EmbeddingCache.open('cache/esm2', { embedderId: embedder.id, dim: embedder.dim });
 * } catch (e) {
 *   if (e instanceof EmbeddingCacheError && e.problem === 'embedder-mismatch') console.log(`${e.dir} holds ${e.expected}`);
 * }
 * ```
 */
export class EmbeddingCacheError extends LabError {
  /** The kind of problem. */
  readonly problem: EmbeddingCacheProblem;
  /** The cache folder. */
  readonly dir: string;
  /** For mismatches: the embedder id or width stored in the folder. */
  readonly expected: string | undefined;
  /** For mismatches: the embedder id or width asked for. */
  readonly received: string | undefined;

  /**
   * @param dir - the cache folder
   * @param problem - the kind of problem
   * @param message - what is wrong and how to fix it (the folder is named in front of it)
   * @param details - `expected`/`received` for mismatches, `cause`
   */
  constructor(dir: string, problem: EmbeddingCacheProblem, message: string, details: { expected?: string; received?: string } & LabErrorOptions = {}) {
    super('EMBEDDING_CACHE', `Embedding cache ${dir}: ${message}`, details.cause === undefined ? {} : { cause: details.cause });
    this.name = 'EmbeddingCacheError';
    this.problem = problem;
    this.dir = dir;
    this.expected = details.expected;
    this.received = details.received;
  }
}
