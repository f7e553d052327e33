/**
 * An on-disk store of protein embeddings keyed by sequence hash, for one embedder and one width: an append-only float32
 * vectors file, an append-only key log, and an in-memory hash table in typed arrays.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, renameSync, existsSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError, throttleProgress, type WithProgress } from '@lab/tensor-core';
import { describeInput, type EmbedInput } from '../embed/esm-embedder';
import { DIGEST_BYTES, DIGEST_WORDS, DigestTable, digestSequence } from './digest-table';
import { EmbeddingCacheError } from './embedding-cache-error';

/**
 * Version of the files that this library writes and reads (both headers carry it, after the magic).
 * @example
 * ```ts
 * const header = readFileSync(join(dir, EMBEDDING_CACHE_FILES.vectors)).subarray(0, 12);
 * header.readUInt32LE(8) === EMBEDDING_CACHE_FORMAT_VERSION; // true
 * ```
 */
export const EMBEDDING_CACHE_FORMAT_VERSION = 1;

/**
 * The file names inside a cache folder: the float32 rows, the key log, and the writer's lock.
 * @example
 * ```ts
 * const bytes = statSync(join(dir, EMBEDDING_CACHE_FILES.vectors)).size;
 * ```
 */
export const EMBEDDING_CACHE_FILES = Object.freeze({ vectors: 'vectors.f32', keys: 'keys.idx', lock: 'lock' });

/** Options of {@link EmbeddingCache.open}. */
export interface EmbeddingCacheOptions {
  /** The embedder's {@link ProteinEmbedder.id}; a folder made for another id is refused. At most 1,024 UTF-8 bytes. */
  embedderId: string;
  /** Width of every vector; a folder made for another width is refused. */
  dim: number;
  /** Open without the write lock, never changing the files (a missing cache is an error). @default false */
  readOnly?: boolean;
  /**
   * fsync the vectors before their keys are appended, and the keys after, on every `put`: a power cut then loses at
   * most the `put` in flight. Without it a process crash still loses nothing that `put` returned (the data is in the
   * operating system's cache), but a power cut may lose recent rows, or write keys whose vectors it lost; `open` then
   * reports the damage as a DataFormatError. Turn it off for scratch caches only.
   * @default true
   */
  durable?: boolean;
  /** Initial slots of the in-memory hash table (it doubles as needed). @default 1024 */
  initialCapacity?: number;
}

/** Options of {@link EmbeddingCache.get}. */
export interface EmbeddingCacheGetOptions extends WithProgress {
  /** Write the rows here (`[inputs.length × dim]`) instead of a new array. */
  out?: Float32Array;
}

/** Result of {@link EmbeddingCache.get}. */
export interface EmbeddingCacheLookup {
  /** `[inputs.length × dim]` row-major: the stored vector of every hit; missing rows are NaN. */
  vectors: Float32Array;
  /** Input indices (ascending) that the cache does not hold. */
  missing: Int32Array;
}

const MAGIC_VECTORS = 'PTLEMBV1';
const MAGIC_KEYS = 'PTLEMBK1';
const FIXED_HEADER = 24; // magic (8) + version + dim + id bytes + header bytes (4 each)
const BATCH_MAGIC = 0x4b424c50; // "PLBK" little-endian
const BATCH_HEADER = 16; // magic, first row, count, checksum (u32 each)
const IO_BYTES = 8 << 20;
const MAX_ID_BYTES = 1024;
const MAX_DIM = 1 << 24;
const MAX_ROWS = 0x7fffffff;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

interface Header {
  dim: number;
  id: string;
  headerBytes: number;
}

/**
 * Embeddings on disk, keyed by (sequence, embedder): look up many sequences at once, store the missing ones, reopen
 * later or from another process. A million vectors cost two typed arrays in memory (~40 MB of hash table), not a
 * million objects.
 *
 * @remarks
 * **Not memory-mapped.** Rows are read with positioned reads (`fs.readSync` at an offset, consecutive rows coalesced
 * into one read of up to 8 MiB) into one caller-visible `Float32Array`; the operating system's page cache does the
 * caching. No native code is involved: the npm mmap bindings (`mmap-io` and its forks) compile with node-gyp at
 * install time, and the one fork whose tarball carries a built binary carries it for a single Node ABI (Node 20).
 * Reading into a reused `out` array avoids paying the page faults of a fresh array on every call.
 *
 * Files in the folder ({@link EMBEDDING_CACHE_FILES}): `vectors.f32`, a header (magic `PTLEMBV1`, format version,
 * dim, embedder id; little-endian like every integer here) then float32 rows in the platform's byte order
 * (little-endian on x64 and arm64), appended only; `keys.idx`, the same header (magic `PTLEMBK1`)
 * then batches of keys, each `[magic, first row, count, checksum]` and `count` 16-byte keys (the first 128 bits of the
 * SHA-256 of the sequence's UTF-8), key j of a batch naming row `first + j`; `lock`, the writer's pid and host.
 *
 * Crash safety: `put` writes the vectors first (and fsyncs them), then appends one checksummed key batch (and fsyncs
 * it). On open, a key batch that is torn or fails its checksum ends the log there (it is cut off when writable), and
 * vectors past the last committed row are cut off: a crash loses at most the batch in flight and never leaves a key
 * pointing at a missing or partial vector. New files are written to a temporary name and renamed into place.
 *
 * One writer at a time: opening for writing takes `lock` (a stale lock from a dead process on this host is taken
 * over); any number of `readOnly` readers may share the folder and see the rows committed when they opened. The
 * whole index is rebuilt in memory on open (about 16 bytes read and one hash insert per row). Sequences are compared
 * exactly (case and all); two different sequences share a 128-bit key with negligible probability.
 *
 * @example
 * ```ts
 * const embedder = new KmerEmbedder();
 * const cache = await EmbeddingCache.open('cache/3mers', { embedderId: embedder.id, dim: embedder.dim });
 * await cache.put(['MKTAYIAKQR'], await embedder.embedPooled(['MKTAYIAKQR']));
 * const { vectors, missing } = await cache.get(['MKTAYIAKQR', 'MSDNE']); // missing: Int32Array [1]
 * await cache.close();
 * ```
 */
export class EmbeddingCache {
  /** The cache folder. */
  readonly dir: string;
  /** The embedder id the folder was made for. */
  readonly embedderId: string;
  /** Width of every vector. */
  readonly dim: number;
  /** True when opened with `readOnly`. */
  readonly readOnly: boolean;
  /** True when writes are fsynced. */
  readonly durable: boolean;
  private readonly table: DigestTable;
  private vectorsFd: number;
  private keysFd: number;
  private readonly vectorsHeader: number;
  private keysEnd: number;
  private rows: number;
  private lockPath: string | undefined;
  private closed = false;

  private constructor(init: {
    dir: string;
    embedderId: string;
    dim: number;
    readOnly: boolean;
    durable: boolean;
    table: DigestTable;
    vectorsFd: number;
    keysFd: number;
    vectorsHeader: number;
    keysEnd: number;
    rows: number;
    lockPath: string | undefined;
  }) {
    this.dir = init.dir;
    this.embedderId = init.embedderId;
    this.dim = init.dim;
    this.readOnly = init.readOnly;
    this.durable = init.durable;
    this.table = init.table;
    this.vectorsFd = init.vectorsFd;
    this.keysFd = init.keysFd;
    this.vectorsHeader = init.vectorsHeader;
    this.keysEnd = init.keysEnd;
    this.rows = init.rows;
    this.lockPath = init.lockPath;
  }

  /**
   * Opens the cache in `dir`, creating the folder and its files when they do not exist (unless `readOnly`).
   * @param dir - the cache folder (one per embedder and width)
   * @param options - embedder id, width, read-only, durability
   * @returns the open cache; call `close()` when done
   * @throws EmbeddingCacheError `'embedder-mismatch'` / `'dim-mismatch'` when the folder holds another embedder's or
   *   another width's vectors, `'locked'` when another live process writes to it, `'not-found'` for a missing cache
   *   opened read-only; DataFormatError for files that are not a cache of this format or that lost committed vectors;
   *   InvalidArgumentError for bad options
   * @example
   * ```ts
   * const cache = await EmbeddingCache.open('cache/esm2-8m', { embedderId: embedder.id, dim: embedder.dim });
   * console.log(cache.size);
   * await cache.close();
   * ```
   */
  static async open(dir: string, options: EmbeddingCacheOptions): Promise<EmbeddingCache> {
    const o = checkOpenOptions(dir, options);
    const vectorsPath = join(dir, EMBEDDING_CACHE_FILES.vectors);
    const keysPath = join(dir, EMBEDDING_CACHE_FILES.keys);
    if (o.readOnly && !existsSync(keysPath)) {
      throw new EmbeddingCacheError(dir, 'not-found', `there is no ${EMBEDDING_CACHE_FILES.keys} to open read-only. Open it writable once to create it, or check the path.`);
    }
    let lockPath: string | undefined;
    const fds: number[] = [];
    try {
      if (!o.readOnly) {
        mkdirSync(dir, { recursive: true });
        lockPath = acquireLock(dir);
        if (!existsSync(keysPath)) {
          // A fresh cache (or one whose creation was cut short before the key log existed: it holds no rows).
          writeFileAtomic(vectorsPath, encodeHeader(MAGIC_VECTORS, options.dim, options.embedderId), o.durable);
          writeFileAtomic(keysPath, encodeHeader(MAGIC_KEYS, options.dim, options.embedderId), o.durable);
          if (o.durable) fsyncDir(dir);
        }
      }
      if (!existsSync(vectorsPath)) {
        throw new DataFormatError(vectorsPath, `is missing while ${EMBEDDING_CACHE_FILES.keys} exists; the cache is damaged. Delete the folder ${dir} and rebuild it.`);
      }
      const flags = o.readOnly ? 'r' : 'r+';
      const keysFd = openSync(keysPath, flags);
      fds.push(keysFd);
      const vectorsFd = openSync(vectorsPath, flags);
      fds.push(vectorsFd);
      const keysHeader = readHeader(keysFd, keysPath, MAGIC_KEYS);
      checkMatch(dir, keysHeader, options);
      const vectorsHeader = readHeader(vectorsFd, vectorsPath, MAGIC_VECTORS);
      if (vectorsHeader.dim !== keysHeader.dim || vectorsHeader.id !== keysHeader.id) {
        throw new DataFormatError(vectorsPath, `its header (dim ${vectorsHeader.dim}, embedder "${vectorsHeader.id}") disagrees with ${EMBEDDING_CACHE_FILES.keys} (dim ${keysHeader.dim}, embedder "${keysHeader.id}"); the files come from two caches. Delete the folder and rebuild it.`);
      }
      const table = new DigestTable(o.initialCapacity);
      const { rows, end } = readKeyLog(keysFd, keysPath, keysHeader.headerBytes, table);
      const keysSize = fstatSync(keysFd).size;
      if (end < keysSize && !o.readOnly) {
        ftruncateSync(keysFd, end); // a batch torn by a crash
        if (o.durable) fsyncSync(keysFd);
      }
      const rowBytes = options.dim * 4;
      const needed = vectorsHeader.headerBytes + rows * rowBytes;
      const vectorsSize = fstatSync(vectorsFd).size;
      if (vectorsSize < needed) {
        throw new DataFormatError(vectorsPath, `holds ${Math.floor((vectorsSize - vectorsHeader.headerBytes) / rowBytes)} complete rows but the key log names ${rows}; committed vectors were lost (was the file truncated or copied without ${EMBEDDING_CACHE_FILES.keys}?). Delete the folder and rebuild it.`);
      }
      if (vectorsSize > needed && !o.readOnly) {
        ftruncateSync(vectorsFd, needed); // vectors of a batch whose keys never committed
        if (o.durable) fsyncSync(vectorsFd);
      }
      return new EmbeddingCache({
        dir,
        embedderId: options.embedderId,
        dim: options.dim,
        readOnly: o.readOnly,
        durable: o.durable,
        table,
        vectorsFd,
        keysFd,
        vectorsHeader: vectorsHeader.headerBytes,
        keysEnd: end,
        rows,
        lockPath,
      });
    } catch (e) {
      for (const fd of fds) closeSync(fd);
      if (lockPath) releaseLock(lockPath);
      throw e;
    }
  }

  /**
   * Vectors stored.
   * @example
   * ```ts
   * console.log(`${cache.size} embeddings cached in ${cache.dir}`);
   * ```
   */
  get size(): number {
    return this.rows;
  }

  /** @internal slots of the in-memory hash table (for tests). */
  get tableCapacity(): number {
    return this.table.capacity;
  }

  /**
   * True when the cache holds the sequence.
   * @param input - the residues, or a record `{ name, sequence }`
   * @returns whether `get` would find it
   * @example
   * ```ts
   * if (!cache.has('MKTAYIAKQR')) await cache.put(['MKTAYIAKQR'], vector);
   * ```
   */
  has(input: EmbedInput): boolean {
    this.checkOpen();
    const d = new Uint32Array(DIGEST_WORDS);
    digestSequence(describeInput(input, 0).sequence, d, 0);
    return this.table.find(d, 0) >= 0;
  }

  /**
   * The stored vectors of many sequences at once, in input order.
   * @param inputs - residues as strings, or records `{ name, sequence }` (duplicates allowed)
   * @param options - an output array to fill, progress (label `'cache read'`, one unit per input)
   * @returns the vectors (missing rows NaN, so that a row used by mistake fails the heads' finite checks) and the
   *   indices of the missing inputs
   * @throws InvalidArgumentError for an `out` of the wrong length; DataFormatError when the vectors file ends early
   * @example
   * ```ts
   * const { vectors, missing } = await cache.get(sequences);
   * const row2 = vectors.subarray(2 * cache.dim, 3 * cache.dim);
   * ```
   */
  async get(inputs: readonly EmbedInput[], options: EmbeddingCacheGetOptions = {}): Promise<EmbeddingCacheLookup> {
    return this.getSync(inputs, options);
  }

  /**
   * {@link EmbeddingCache.get} without a promise.
   * @param inputs - residues as strings, or records `{ name, sequence }`
   * @param options - output array, progress
   * @returns the vectors and the missing indices
   * @throws as get
   * @example
   * ```ts
   * const { missing } = cache.getSync(['MKTAYIAKQR']);
   * ```
   */
  getSync(inputs: readonly EmbedInput[], options: EmbeddingCacheGetOptions = {}): EmbeddingCacheLookup {
    this.checkOpen();
    const n = inputs.length;
    const D = this.dim;
    const vectors = options.out ?? new Float32Array(n * D);
    if (!(vectors instanceof Float32Array) || vectors.length !== n * D) {
      throw new InvalidArgumentError('out', `out must be a Float32Array of inputs.length × dim = ${n} × ${D} = ${n * D} values; received ${vectors instanceof Float32Array ? vectors.length : typeof vectors}.`);
    }
    const progress = throttleProgress(options.onProgress);
    progress({ completed: 0, total: n, label: 'cache read' });
    const rowOf = new Int32Array(n);
    const d = new Uint32Array(DIGEST_WORDS);
    let hitCount = 0;
    for (let i = 0; i < n; i++) {
      digestSequence(describeInput(inputs[i]!, i).sequence, d, 0);
      rowOf[i] = this.table.find(d, 0);
      if (rowOf[i]! >= 0) hitCount++;
    }
    const missing = new Int32Array(n - hitCount);
    const hits = new Int32Array(hitCount);
    for (let i = 0, h = 0, m = 0; i < n; i++) {
      if (rowOf[i]! >= 0) hits[h++] = i;
      else {
        missing[m++] = i;
        vectors.fill(Number.NaN, i * D, (i + 1) * D);
      }
    }
    // Read in file order, coalescing runs of consecutive rows into one positioned read.
    hits.sort((a, b) => rowOf[a]! - rowOf[b]! || a - b);
    const rowBytes = D * 4;
    const maxRun = Math.max(1, Math.floor(IO_BYTES / rowBytes));
    const scratch = new Float32Array(Math.min(maxRun, Math.max(1, hitCount)) * D);
    const scratchBytes = new Uint8Array(scratch.buffer);
    const path = join(this.dir, EMBEDDING_CACHE_FILES.vectors);
    let done = missing.length;
    for (let j = 0; j < hitCount; ) {
      const first = rowOf[hits[j]!]!;
      let last = first;
      let end = j + 1;
      while (end < hitCount) {
        const r = rowOf[hits[end]!]!;
        if (r > last + 1 || r - first >= maxRun) break;
        last = r;
        end++;
      }
      readFully(this.vectorsFd, scratchBytes, (last - first + 1) * rowBytes, this.vectorsHeader + first * rowBytes, path);
      for (let t = j; t < end; t++) {
        const i = hits[t]!;
        const at = (rowOf[i]! - first) * D;
        vectors.set(scratch.subarray(at, at + D), i * D);
      }
      done += end - j;
      j = end;
      progress({ completed: done, total: n, label: 'cache read' });
    }
    progress({ completed: n, total: n, label: 'cache read' });
    return { vectors, missing };
  }

  /**
   * Stores vectors for sequences the cache does not hold yet: one append to the vectors file, then one key batch.
   * Sequences already stored (and repeats within the call, after the first) are skipped: a stored vector never changes.
   * @param inputs - residues as strings, or records `{ name, sequence }`
   * @param vectors - `[inputs.length × dim]` row-major float32, finite
   * @param options - progress (label `'cache write'`, one unit per new row)
   * @returns the number of rows added
   * @throws EmbeddingCacheError `'read-only'` / `'closed'`; InvalidArgumentError for vectors of the wrong length or a
   *   non-finite value (nothing is written then); the file system's error when a write fails (the cache stays as it was)
   * @example
   * ```ts
   * const added = await cache.put(sequences, await embedder.embedPooled(sequences));
   * ```
   */
  async put(inputs: readonly EmbedInput[], vectors: Float32Array, options: WithProgress = {}): Promise<number> {
    return this.putSync(inputs, vectors, options);
  }

  /**
   * {@link EmbeddingCache.put} without a promise.
   * @param inputs - residues as strings, or records `{ name, sequence }`
   * @param vectors - `[inputs.length × dim]` row-major float32
   * @param options - progress
   * @returns the number of rows added
   * @throws as put
   * @example
   * ```ts
   * cache.putSync(['MKTAYIAKQR'], vector);
   * ```
   */
  putSync(inputs: readonly EmbedInput[], vectors: Float32Array, options: WithProgress = {}): number {
    this.checkOpen();
    if (this.readOnly) throw new EmbeddingCacheError(this.dir, 'read-only', 'it was opened with readOnly: true; open it writable to add vectors.');
    const n = inputs.length;
    const D = this.dim;
    if (!(vectors instanceof Float32Array) || vectors.length !== n * D) {
      throw new InvalidArgumentError('vectors', `vectors must be a Float32Array of inputs.length × dim = ${n} × ${D} = ${n * D} values; received ${vectors instanceof Float32Array ? vectors.length : typeof vectors}.`);
    }
    for (let i = 0; i < vectors.length; i++) {
      if (!Number.isFinite(vectors[i]!)) {
        throw new InvalidArgumentError('vectors', `vectors has a non-finite value (${vectors[i]}) at row ${Math.floor(i / D)}, column ${i % D}; nothing was stored.`);
      }
    }
    const digests = new Uint32Array(n * DIGEST_WORDS);
    const fresh = new Int32Array(n);
    const seen = new DigestTable(2 * n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      const at = i * DIGEST_WORDS;
      digestSequence(describeInput(inputs[i]!, i).sequence, digests, at);
      if (this.table.find(digests, at) >= 0) continue;
      if (seen.insert(digests, at, i) !== i) continue;
      fresh[m++] = i;
    }
    if (m === 0) return 0;
    if (this.rows + m > MAX_ROWS) {
      throw new InvalidArgumentError('inputs', `the cache would pass ${MAX_ROWS} rows; split it over several folders.`);
    }
    const progress = throttleProgress(options.onProgress);
    progress({ completed: 0, total: m, label: 'cache write' });
    const rowBytes = D * 4;
    const chunkRows = Math.max(1, Math.min(m, Math.floor(IO_BYTES / rowBytes)));
    const scratch = new Float32Array(chunkRows * D);
    const scratchBytes = new Uint8Array(scratch.buffer);
    let position = this.vectorsHeader + this.rows * rowBytes;
    for (let start = 0; start < m; start += chunkRows) {
      const count = Math.min(chunkRows, m - start);
      for (let r = 0; r < count; r++) {
        const i = fresh[start + r]!;
        scratch.set(vectors.subarray(i * D, (i + 1) * D), r * D);
      }
      writeFully(this.vectorsFd, scratchBytes, count * rowBytes, position);
      position += count * rowBytes;
      progress({ completed: start + count, total: m, label: 'cache write' });
    }
    if (this.durable) fsyncSync(this.vectorsFd);
    // The vectors are on disk; now commit their keys in one checksummed batch.
    const batch = new Uint8Array(BATCH_HEADER + m * DIGEST_BYTES);
    const view = new DataView(batch.buffer);
    view.setUint32(0, BATCH_MAGIC, true);
    view.setUint32(4, this.rows, true);
    view.setUint32(8, m, true);
    for (let r = 0; r < m; r++) {
      const src = fresh[r]! * DIGEST_WORDS;
      for (let w = 0; w < DIGEST_WORDS; w++) view.setUint32(BATCH_HEADER + r * DIGEST_BYTES + w * 4, digests[src + w]!, true);
    }
    view.setUint32(12, batchChecksum(batch), true);
    try {
      writeFully(this.keysFd, batch, batch.length, this.keysEnd);
      if (this.durable) fsyncSync(this.keysFd);
    } catch (e) {
      try {
        ftruncateSync(this.keysFd, this.keysEnd); // never leave a torn batch for later batches to follow
      } catch {
        // reopening cuts a torn batch off as well
      }
      throw e;
    }
    for (let r = 0; r < m; r++) this.table.insert(digests, fresh[r]! * DIGEST_WORDS, this.rows + r);
    this.rows += m;
    this.keysEnd += batch.length;
    return m;
  }

  /**
   * Closes the files and releases the write lock. Safe to call twice; other methods throw afterwards.
   * @example
   * ```ts
   * await cache.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.vectorsFd);
    closeSync(this.keysFd);
    this.vectorsFd = -1;
    this.keysFd = -1;
    if (this.lockPath) releaseLock(this.lockPath);
    this.lockPath = undefined;
  }

  private checkOpen(): void {
    if (this.closed) throw new EmbeddingCacheError(this.dir, 'closed', 'it was closed; open it again with EmbeddingCache.open.');
  }
}

function checkOpenOptions(dir: string, options: EmbeddingCacheOptions): { readOnly: boolean; durable: boolean; initialCapacity: number } {
  if (typeof dir !== 'string' || dir.length === 0) throw new InvalidArgumentError('dir', 'dir must be a non-empty folder path.');
  if (!options || typeof options !== 'object') throw new InvalidArgumentError('options', 'options { embedderId, dim } are required.');
  const { embedderId, dim } = options;
  if (typeof embedderId !== 'string' || embedderId.length === 0 || Buffer.byteLength(embedderId) > MAX_ID_BYTES) {
    throw new InvalidArgumentError('embedderId', `embedderId must be a non-empty string of at most ${MAX_ID_BYTES} UTF-8 bytes (a ProteinEmbedder's id); received ${typeof embedderId === 'string' ? `${Buffer.byteLength(embedderId)} bytes` : typeof embedderId}.`);
  }
  if (!Number.isInteger(dim) || dim < 1 || dim > MAX_DIM) throw new InvalidArgumentError('dim', `dim must be an integer in 1..${MAX_DIM}; received ${String(dim)}.`);
  const initialCapacity = options.initialCapacity ?? 1024;
  if (!Number.isInteger(initialCapacity) || initialCapacity < 1 || initialCapacity > 1 << 30) {
    throw new InvalidArgumentError('initialCapacity', `initialCapacity must be an integer in 1..${1 << 30}; received ${String(initialCapacity)}.`);
  }
  return { readOnly: options.readOnly ?? false, durable: options.durable ?? true, initialCapacity };
}

function checkMatch(dir: string, stored: Header, options: EmbeddingCacheOptions): void {
  if (stored.id !== options.embedderId) {
    throw new EmbeddingCacheError(dir, 'embedder-mismatch', `it holds vectors of embedder "${stored.id}", not "${options.embedderId}". Use one folder per embedder (and per embedder option that changes the vectors).`, { expected: stored.id, received: options.embedderId });
  }
  if (stored.dim !== options.dim) {
    throw new EmbeddingCacheError(dir, 'dim-mismatch', `it holds vectors of width ${stored.dim}, not ${options.dim}. Use one folder per embedder.`, { expected: String(stored.dim), received: String(options.dim) });
  }
}

function encodeHeader(magic: string, dim: number, id: string): Uint8Array {
  const idBytes = Buffer.from(id, 'utf8');
  const headerBytes = Math.ceil((FIXED_HEADER + idBytes.length) / 64) * 64;
  const out = new Uint8Array(headerBytes);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(magic, 'latin1'), 0);
  view.setUint32(8, EMBEDDING_CACHE_FORMAT_VERSION, true);
  view.setUint32(12, dim, true);
  view.setUint32(16, idBytes.length, true);
  view.setUint32(20, headerBytes, true);
  out.set(idBytes, FIXED_HEADER);
  return out;
}

function readHeader(fd: number, path: string, magic: string): Header {
  const size = fstatSync(fd).size;
  const fixed = new Uint8Array(FIXED_HEADER);
  if (size < FIXED_HEADER || readSync(fd, fixed, 0, FIXED_HEADER, 0) !== FIXED_HEADER) {
    throw new DataFormatError(path, `is ${size} bytes, shorter than an embedding cache header; it is not a cache file (or its creation was cut short). Delete the folder and rebuild it.`);
  }
  const found = Buffer.from(fixed.subarray(0, 8)).toString('latin1');
  if (found !== magic) throw new DataFormatError(path, `starts with ${JSON.stringify(found)}, not the embedding cache magic "${magic}"; it is not a cache file.`, 'header');
  const view = new DataView(fixed.buffer);
  const version = view.getUint32(8, true);
  if (version !== EMBEDDING_CACHE_FORMAT_VERSION) {
    throw new DataFormatError(path, `has format version ${version}; this library reads version ${EMBEDDING_CACHE_FORMAT_VERSION}. Rebuild the cache with this version.`, 'header');
  }
  const dim = view.getUint32(12, true);
  const idLength = view.getUint32(16, true);
  const headerBytes = view.getUint32(20, true);
  if (idLength < 1 || idLength > MAX_ID_BYTES || headerBytes < FIXED_HEADER + idLength || headerBytes > size || dim < 1) {
    throw new DataFormatError(path, `has an inconsistent header (dim ${dim}, id ${idLength} bytes, header ${headerBytes} bytes in a ${size}-byte file).`, 'header');
  }
  const id = new Uint8Array(idLength);
  readFully(fd, id, idLength, FIXED_HEADER, path);
  return { dim, id: Buffer.from(id).toString('utf8'), headerBytes };
}

/** Replays the key log into the table; stops at the first torn or corrupt batch. */
function readKeyLog(fd: number, path: string, start: number, table: DigestTable): { rows: number; end: number } {
  const size = fstatSync(fd).size;
  const head = new Uint8Array(BATCH_HEADER);
  const headView = new DataView(head.buffer);
  let rows = 0;
  let pos = start;
  while (pos + BATCH_HEADER <= size) {
    readFully(fd, head, BATCH_HEADER, pos, path);
    const count = headView.getUint32(8, true);
    if (headView.getUint32(0, true) !== BATCH_MAGIC || headView.getUint32(4, true) !== rows || count < 1 || pos + BATCH_HEADER + count * DIGEST_BYTES > size) break;
    const batch = new Uint8Array(BATCH_HEADER + count * DIGEST_BYTES);
    batch.set(head);
    readFully(fd, batch.subarray(BATCH_HEADER), count * DIGEST_BYTES, pos + BATCH_HEADER, path);
    if (batchChecksum(batch) !== headView.getUint32(12, true)) break;
    const words = wordsOf(batch.subarray(BATCH_HEADER));
    for (let j = 0; j < count; j++) table.insert(words, j * DIGEST_WORDS, rows + j);
    rows += count;
    pos += batch.length;
  }
  return { rows, end: pos };
}

/** First 32 bits of the SHA-256 of the batch's magic, first row, count and keys. */
function batchChecksum(batch: Uint8Array): number {
  const h = createHash('sha256').update(batch.subarray(0, 12)).update(batch.subarray(BATCH_HEADER)).digest();
  return h.readUInt32LE(0);
}

/** Little-endian 32-bit words of `bytes` (a view when the platform is little-endian). */
function wordsOf(bytes: Uint8Array): Uint32Array {
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return Uint32Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(i * 4, true));
}

function readFully(fd: number, into: Uint8Array, length: number, position: number, path: string): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, length - done, position + done);
    if (n === 0) throw new DataFormatError(path, `ends at byte ${position + done}, before the ${length} bytes expected at ${position}; the file was truncated. Delete the folder and rebuild it.`);
    done += n;
  }
}

function writeFully(fd: number, from: Uint8Array, length: number, position: number): void {
  let done = 0;
  while (done < length) done += writeSync(fd, from, done, length - done, position + done);
}

function writeFileAtomic(path: string, bytes: Uint8Array, durable: boolean): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeFully(fd, bytes, bytes.length, 0);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some platforms cannot open or fsync a directory; the renames are still atomic
  }
}

function acquireLock(dir: string): string {
  const path = join(dir, EMBEDDING_CACHE_FILES.lock);
  const host = hostname();
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n${host}\n`, { flag: 'wx' });
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner: { pid: number; host: string } | undefined;
    try {
      const [pid, h] = readFileSync(path, 'utf8').split('\n');
      owner = { pid: Number(pid), host: h ?? '' };
    } catch {
      owner = undefined; // released meanwhile
    }
    const stale = owner !== undefined && owner.host === host && !(Number.isInteger(owner.pid) && owner.pid > 0 && processAlive(owner.pid));
    if (attempt === 0 && (owner === undefined || stale)) {
      if (stale) {
        try {
          unlinkSync(path);
        } catch {
          // another opener took it over first; the next attempt reports it
        }
      }
      continue;
    }
    const who = owner ? `process ${owner.pid} on ${owner.host}${owner.pid === process.pid && owner.host === host ? ' (this process)' : ''}` : 'another process';
    throw new EmbeddingCacheError(dir, 'locked', `${who} has it open for writing (${path}). Close that cache first, open this one with readOnly: true, or delete ${path} if that process is gone.`);
  }
}

function releaseLock(path: string): void {
  try {
    const [pid] = readFileSync(path, 'utf8').split('\n');
    if (Number(pid) === process.pid) unlinkSync(path);
  } catch {
    // already gone
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
