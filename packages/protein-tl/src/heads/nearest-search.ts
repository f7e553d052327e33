/**
 * Runs {@link nearestKernel} over query ranges, on the calling thread or on worker threads that share the rows through
 * SharedArrayBuffers (no copies per worker).
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError, ModelNotFoundError, Tensor, loadModel, packageDir, type ModelSession } from '@lab/tensor-core';
import { considerCandidate, exactSquaredDistance, nearestKernel, nearestKernelSimd, resolveNearest } from './nearest-kernel';
import { simdDotsModule, wasmApi, type WasmMemory, type WasmModule } from './simd-dots';

/** Neighbour indices and distances of a search. */
export interface NearestResult {
  /** Nearest training row per query. */
  index: Int32Array;
  /** Its Euclidean distance per query. */
  distance: Float64Array;
}

/** Options of {@link nearestSearch}. */
export interface NearestSearchOptions {
  /**
   * Worker threads (0 = search on the calling thread).
   * @default min(os.availableParallelism(), 8), or 0 when the search is small (< 2·10⁸ multiply-adds)
   */
  threads?: number;
  /**
   * The score kernel: `onnx` (the shipped graph `models/kernels/nearest-topk`: sgemm + top-k inside onnxruntime on
   * `threads` intra-op threads, candidates re-checked exactly in JavaScript), WebAssembly SIMD (f32x4 on worker
   * threads, float32 sums re-checked exactly), plain JavaScript (float64 sums), or `auto` (onnx for the asynchronous
   * search when the graph is present; otherwise SIMD when the runtime supports it and the rows fit a 4 GiB wasm memory).
   * The synchronous search has no `onnx`.
   * @default 'auto'
   */
  kernel?: 'auto' | 'onnx' | 'simd' | 'js';
}

/** Layout of a search in one shared wasm memory (byte addresses). */
interface SimdLayout {
  module: WasmModule;
  memory: WasmMemory;
  rowBytes: number;
  train: number;
  queries: number;
  /** first scratch block; part k uses out + k·4·tb·4 */
  out: number;
  tb: number;
}

const WASM_MAX_BYTES = 65536 * 65536 - 65536;

/** Copies rows into a shared wasm memory (rows padded to 16 bytes), or returns null when SIMD is unavailable or too big. */
function simdLayout(train: Float32Array, n: number, d: number, queries: Float32Array, m: number, parts: number, force: boolean): SimdLayout | null {
  const module = simdDotsModule();
  if (!module) {
    if (force) throw new InvalidArgumentError('kernel', 'kernel "simd" needs WebAssembly SIMD and shared memories, which this runtime lacks; use "auto" or "js".');
    return null;
  }
  const stride = Math.ceil(d / 4) * 4;
  const rowBytes = stride * 4;
  const nPad = n + (n & 1);
  const mPad = Math.ceil(m / 4) * 4;
  // a block of training rows of ~256 KiB stays in L2 while every query group passes over it
  const tb = Math.max(2, Math.floor(262144 / rowBytes) & ~1);
  const queriesAt = nPad * rowBytes;
  const outAt = queriesAt + mPad * rowBytes;
  const total = outAt + parts * 16 * tb;
  if (total > WASM_MAX_BYTES) {
    if (force) throw new InvalidArgumentError('kernel', `kernel "simd" holds rows and queries in one 4 GiB wasm memory; this search needs ${total} bytes. Use "auto" or "js", or fewer queries per call.`);
    return null;
  }
  const pages = Math.ceil(total / 65536);
  const memory = new (wasmApi().Memory)({ initial: pages, maximum: pages, shared: true });
  const heap = new Float32Array(memory.buffer);
  if (stride === d) {
    heap.set(train.subarray(0, n * d), 0);
    heap.set(queries.subarray(0, m * d), queriesAt >> 2);
  } else {
    for (let i = 0; i < n; i++) heap.set(train.subarray(i * d, (i + 1) * d), i * stride);
    for (let i = 0; i < m; i++) heap.set(queries.subarray(i * d, (i + 1) * d), (queriesAt >> 2) + i * stride);
  }
  return { module, memory, rowBytes, train: 0, queries: queriesAt, out: outAt, tb };
}

const SMALL_WORK = 2e8;

function shared<T extends Float32Array | Float64Array | Int32Array>(src: T, Ctor: new (b: SharedArrayBuffer) => T): T {
  if (src.buffer instanceof SharedArrayBuffer) return src;
  const out = new Ctor(new SharedArrayBuffer(src.byteLength));
  (out as unknown as { set(a: ArrayLike<number>): void }).set(src);
  return out;
}

let workerSource: string | undefined;
function source(): string {
  workerSource ??= `'use strict';
const { parentPort } = require('node:worker_threads');
// bundlers that keep function names (esbuild keepNames, tsx) wrap closures in __name(); the source text travels alone
var __name = (f) => f;
const ${exactSquaredDistance.name} = ${exactSquaredDistance.toString()};
const ${considerCandidate.name} = ${considerCandidate.toString()};
const ${resolveNearest.name} = ${resolveNearest.toString()};
const nearestKernel = ${nearestKernel.toString()};
const nearestKernelSimd = ${nearestKernelSimd.toString()};
parentPort.on('message', (m) => {
  try {
    if (m.layout) nearestKernelSimd(m.layout, m.norms, m.n, m.q0, m.q1, m.d, m.index, m.distance, m.maxNorm);
    else nearestKernel(m.train, m.norms, m.n, m.queries, m.q0, m.q1, m.d, m.index, m.distance, m.maxNorm);
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, message: String(e && e.stack || e) });
  }
});`;
  return workerSource;
}

function runWorker(job: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const w = new Worker(source(), { eval: true });
    let done = false;
    w.once('message', (m: { ok: boolean; message?: string }) => {
      done = true;
      void w.terminate();
      if (m.ok) resolve();
      else reject(new Error(`nearest-neighbour worker failed: ${m.message}`));
    });
    w.once('error', (e) => {
      done = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!done) reject(new Error(`nearest-neighbour worker exited with code ${code}`));
    });
    w.postMessage(job);
  });
}

/**
 * Exact nearest training row (Euclidean) of every query: blocked `‖q‖² + ‖t‖² − 2 q·t` scores with candidates
 * re-checked exactly, ties going to the lowest training index. Queries are split into contiguous ranges, one per worker
 * thread.
 * @param train - `[n × d]` training rows (float32; the JavaScript kernel reads a SharedArrayBuffer-backed array without copying)
 * @param norms - `‖t‖²` per training row
 * @param d - dimension
 * @param queries - `[m × d]` queries
 * @param options - threads
 * @returns indices and distances
 * @throws InvalidArgumentError for a bad thread count
 * @example
 * ```ts
 * const { index, distance } = await nearestSearch(train, norms, 1280, queries, { threads: 2 });
 * ```
 */
export async function nearestSearch(train: Float32Array, norms: Float64Array, d: number, queries: Float32Array, options: NearestSearchOptions = {}): Promise<NearestResult> {
  const n = norms.length;
  const m = queries.length / d;
  const work = n * m * d;
  const threads = options.threads ?? (work < SMALL_WORK ? 0 : Math.min(availableParallelism(), 8));
  if (!(Number.isInteger(threads) && threads >= 0)) throw new InvalidArgumentError('threads', `threads must be a non-negative integer; received ${threads}.`);
  const kernel = checkKernel(options.kernel);
  if (kernel === 'onnx' || (kernel === 'auto' && existsSync(nearestGraphPath()))) return searchOnnx(train, norms, d, queries, Math.max(1, threads));
  if (threads === 0 || m < 8) return searchHere(train, norms, d, queries, kernel);
  let maxNorm = 0;
  for (let i = 0; i < n; i++) if (norms[i]! > maxNorm) maxNorm = norms[i]!;
  const parts = Math.min(threads, Math.ceil(m / 4));
  const per = Math.ceil(m / parts / 4) * 4;
  const layout = kernel === 'js' ? null : simdLayout(train, n, d, queries, m, parts, kernel === 'simd');
  const nm = shared(norms, Float64Array);
  const t = layout ? undefined : shared(train, Float32Array);
  const q = layout ? undefined : shared(queries, Float32Array);
  const index = new Int32Array(new SharedArrayBuffer(4 * m));
  const distance = new Float64Array(new SharedArrayBuffer(8 * m));
  const jobs: Promise<void>[] = [];
  for (let q0 = 0, k = 0; q0 < m; q0 += per, k++) {
    const common = { norms: nm, n, q0, q1: Math.min(m, q0 + per), d, index, distance, maxNorm };
    jobs.push(runWorker(layout ? { ...common, layout: { ...layout, out: layout.out + k * 16 * layout.tb } } : { ...common, train: t, queries: q }));
  }
  await Promise.all(jobs);
  return { index: new Int32Array(index), distance: new Float64Array(distance) };
}

function checkKernel(kernel: NearestSearchOptions['kernel']): 'auto' | 'onnx' | 'simd' | 'js' {
  const k = kernel ?? 'auto';
  if (k !== 'auto' && k !== 'onnx' && k !== 'simd' && k !== 'js') throw new InvalidArgumentError('kernel', `kernel must be "auto", "onnx", "simd" or "js"; received "${String(k)}".`);
  return k;
}

/**
 * Manifest of the shipped search graph (`training/protein/export_nearest_graph.py`): queries, training rows and their
 * squared norms → the k smallest scores ‖t‖² − 2 q·t per query and their rows.
 * @returns the path of `models/kernels/nearest-topk/model.json` in this package
 * @example
 * ```ts
 * existsSync(nearestGraphPath()); // true in the published package
 * ```
 */
export function nearestGraphPath(): string {
  return join(packageDir(import.meta.url), 'models', 'kernels', 'nearest-topk', 'model.json');
}

/** One session per intra-op thread count, kept for the process (thread spinning off). */
const onnxSessions = new Map<number, Promise<ModelSession>>();

function onnxSession(threads: number): Promise<ModelSession> {
  let s = onnxSessions.get(threads);
  if (!s) {
    const path = nearestGraphPath();
    if (!existsSync(path)) throw new ModelNotFoundError(path, 'nearest-neighbour search graph (write it with training/protein/export_nearest_graph.py)');
    s = loadModel(path, { intraOpThreads: threads, ortOptions: { extra: { session: { intra_op: { allow_spinning: '0' } } } } });
    s.catch(() => onnxSessions.delete(threads));
    onnxSessions.set(threads, s);
  }
  return s;
}

/** Training rows whose scores a query keeps per block (the graph's k). */
const ONNX_TOP = 16;
/** Float32 scores per onnxruntime call (queries × training rows of a block): 32 MiB inside onnxruntime. */
const ONNX_BLOCK_SCORES = 1 << 23;

/**
 * The search through the ONNX graph: for every block of training rows and block of queries one call returns each
 * query's 16 smallest float32 scores; every row within the rounding tolerance of a query's best score is kept as a
 * candidate (a query whose block might hide more — its 16th score still within tolerance — is scanned in full), and the
 * candidates' squared distances are recomputed in float64, ties going to the lowest index, as in the other kernels.
 */
async function searchOnnx(train: Float32Array, norms: Float64Array, d: number, queries: Float32Array, threads: number): Promise<NearestResult> {
  const n = norms.length;
  const m = queries.length / d;
  const session = await onnxSession(threads);
  // onnxruntime-node refuses views of SharedArrayBuffers: those are copied once
  if (train.buffer instanceof SharedArrayBuffer) train = Float32Array.from(train);
  if (queries.buffer instanceof SharedArrayBuffer) queries = Float32Array.from(queries);
  const CAP = 32;
  const nb = Math.min(n, 65536);
  const mb = Math.max(16, Math.min(4096, Math.floor(ONNX_BLOCK_SCORES / nb)));
  const K = Math.min(ONNX_TOP, nb);
  const norms32 = Float32Array.from(norms);
  let maxNorm = 0;
  for (let i = 0; i < n; i++) if (norms[i]! > maxNorm) maxNorm = norms[i]!;
  // float32 products summed in float32 (any order) with float32 norms added: relative error of Σ|q_p t_p| ≤ (d + 4)·2⁻²⁴,
  // and Σ|q_p t_p| ≤ (‖q‖² + ‖t‖²)/2; the bound is doubled for the −2 factor and again for safety
  const rel = (d + 16) * 2 ** -22;
  const best = new Float64Array(m).fill(Infinity);
  const tol = new Float64Array(m);
  const count = new Int32Array(m);
  const overflow = new Uint8Array(m);
  const cand = new Int32Array(m * CAP);
  for (let i = 0; i < m; i++) {
    let qq = 0;
    for (let p = i * d, e = p + d; p < e; p++) qq += queries[p]! * queries[p]!;
    tol[i] = rel * (qq + maxNorm) + 1e-30;
  }
  const candScore = new Float64Array(m * CAP);
  const k = new Tensor('int64', BigInt64Array.of(BigInt(K)), [1]);
  for (let t0 = 0; t0 < n; t0 += nb) {
    const tn = Math.min(nb, n - t0);
    const kk = Math.min(K, tn);
    const trainBlock = new Tensor('float32', train.subarray(t0 * d, (t0 + tn) * d), [tn, d]);
    const normBlock = new Tensor('float32', norms32.subarray(t0, t0 + tn), [tn]);
    const kBlock = kk === K ? k : new Tensor('int64', BigInt64Array.of(BigInt(kk)), [1]);
    for (let q0 = 0; q0 < m; q0 += mb) {
      const qn = Math.min(mb, m - q0);
      const out = await session.run({ queries: new Tensor('float32', queries.subarray(q0 * d, (q0 + qn) * d), [qn, d]), train: trainBlock, train_norms: normBlock, k: kBlock });
      const values = out['values']!.data as Float32Array;
      const rows = out['indices']!.data as BigInt64Array;
      for (let r = 0; r < qn; r++) {
        const qi = q0 + r;
        let j = 0;
        for (; j < kk; j++) {
          const sc = values[r * kk + j]!;
          if (sc > best[qi]! + tol[qi]!) break;
          considerCandidate(qi, t0 + Number(rows[r * kk + j]!), sc, best, tol, count, cand, candScore, overflow, CAP);
        }
        // every kept score was within tolerance: rows beyond the block's top kk may be too
        if (j === kk && kk < tn) overflow[qi] = 1;
      }
    }
  }
  const index = new Int32Array(m);
  const distance = new Float64Array(m);
  for (let i = 0; i < m; i++) resolveNearest(queries, i * d, train, 0, d, d, n, i, cand, count, overflow, CAP, index, distance, i);
  return { index, distance };
}

function searchHere(train: Float32Array, norms: Float64Array, d: number, queries: Float32Array, kernel: 'auto' | 'onnx' | 'simd' | 'js'): NearestResult {
  if (kernel === 'onnx') throw new InvalidArgumentError('kernel', 'kernel "onnx" runs through onnxruntime, which is asynchronous; use kneighbors (not kneighborsSync) or kernel "auto", "simd" or "js".');
  const n = norms.length;
  const m = queries.length / d;
  let maxNorm = 0;
  for (let i = 0; i < n; i++) if (norms[i]! > maxNorm) maxNorm = norms[i]!;
  const index = new Int32Array(m);
  const distance = new Float64Array(m);
  const layout = kernel === 'js' ? null : simdLayout(train, n, d, queries, m, 1, kernel === 'simd');
  if (layout) nearestKernelSimd(layout, norms, n, 0, m, d, index, distance, maxNorm);
  else nearestKernel(train, norms, n, queries, 0, m, d, index, distance, maxNorm);
  return { index, distance };
}

/**
 * The synchronous form of {@link nearestSearch} (calling thread only).
 * @param train - `[n × d]` training rows
 * @param norms - `‖t‖²` per training row
 * @param d - dimension
 * @param queries - `[m × d]` queries
 * @param options - kernel
 * @returns indices and distances
 * @example
 * ```ts
 * const { index } = nearestSearchSync(train, norms, 1280, queries);
 * ```
 */
export function nearestSearchSync(train: Float32Array, norms: Float64Array, d: number, queries: Float32Array, options: Pick<NearestSearchOptions, 'kernel'> = {}): NearestResult {
  return searchHere(train, norms, d, queries, checkKernel(options.kernel));
}

/**
 * `‖t‖²` (float64) of every row.
 * @param x - `[n × d]` rows
 * @param d - dimension
 * @returns squared norms
 * @example
 * ```ts
 * const norms = rowSquaredNorms(train, 1280);
 * ```
 */
export function rowSquaredNorms(x: Float32Array, d: number): Float64Array {
  const n = x.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = i * d, e = p + d; p < e; p++) s += x[p]! * x[p]!;
    out[i] = s;
  }
  return out;
}
