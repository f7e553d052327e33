/**
 * Approximate 1-NN over embeddings with an HNSW graph (hnswlib-node, a native addon loaded on first use), for training
 * sets where the exact search is too slow.
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { InvalidArgumentError, LabError } from '@lab/tensor-core';
import { checkEmbeddings, checkLabels, type EmbeddingRows } from './embedding-matrix';
import type { NeighborResult } from './nearest-neighbor';

/** Options of {@link HnswNearestNeighbor.fit}. */
export interface HnswOptions {
  /** Graph degree (hnswlib's M). @default 16 */
  m?: number;
  /** Candidate list while building. @default 200 */
  efConstruction?: number;
  /** Candidate list while searching (≥ 1; higher: better recall, slower). @default 64 */
  ef?: number;
  /** Seed of the level assignment. @default 100 */
  seed?: number;
  /** Number of classes when larger than max label + 1. */
  classes?: number;
}

interface HnswIndex {
  initIndex(maxElements: number, m?: number, efConstruction?: number, randomSeed?: number): void;
  addPoint(point: number[] | Float32Array, label: number): void;
  searchKnn(query: number[] | Float32Array, k: number): { distances: number[]; neighbors: number[] };
  setEf(ef: number): void;
}
type HnswModule = { HierarchicalNSW: new (space: 'l2', dim: number) => HnswIndex };

let hnsw: HnswModule | undefined;
function loadHnsw(): HnswModule {
  if (hnsw) return hnsw;
  try {
    // a CommonJS addon, resolved relative to this module (tsup's shims provide import.meta.url in the CJS build)
    hnsw = createRequire(import.meta.url)('hnswlib-node') as HnswModule;
    return hnsw;
  } catch (e) {
    throw new LabError('NATIVE_UNAVAILABLE', `hnswlib-node could not be loaded (${(e as Error).message}); it is a native addon built with node-gyp at install time: run "npm rebuild hnswlib-node" with a C++ toolchain, or use the exact NearestNeighbor.`, { cause: e });
  }
}

/**
 * Approximate nearest stored row (squared-L2 HNSW graph of hnswlib-node) and its label. Recall depends on `ef`; the
 * exact answer is {@link NearestNeighbor}.
 * @remarks The index lives in native memory; searches run on the calling thread.
 * @example
 * ```ts
 * const ann = HnswNearestNeighbor.fit(trainX, trainY, 1280, { ef: 64 });
 * const { labels } = ann.kneighbors(testX);
 * ```
 */
export class HnswNearestNeighbor {
  /** Embedding dimension. */
  readonly dim: number;
  /** Label per stored row. */
  readonly labels: Int32Array;
  /** Number of classes. */
  readonly classes: number;
  private readonly index: HnswIndex;

  private constructor(index: HnswIndex, dim: number, labels: Int32Array, classes: number) {
    this.index = index;
    this.dim = dim;
    this.labels = labels;
    this.classes = classes;
  }

  /**
   * Builds the graph.
   * @param x - `[rows × dim]` embeddings
   * @param y - class index per row
   * @param dim - embedding dimension
   * @param options - graph and search parameters
   * @returns the classifier
   * @throws InvalidArgumentError for bad sizes, labels or options; LabError `NATIVE_UNAVAILABLE` when the addon is missing
   * @example
   * ```ts
   * const ann = HnswNearestNeighbor.fit(x, y, 1280, { m: 16, efConstruction: 200 });
   * ```
   */
  static fit(x: EmbeddingRows, y: ArrayLike<number>, dim: number, options: HnswOptions = {}): HnswNearestNeighbor {
    const { data, rows } = checkEmbeddings(x, dim, 'x');
    const { labels, classes } = checkLabels(y, rows, 'y');
    const m = options.m ?? 16;
    const efc = options.efConstruction ?? 200;
    const ef = options.ef ?? 64;
    for (const [name, v] of [['m', m], ['efConstruction', efc], ['ef', ef]] as const) {
      if (!(Number.isInteger(v) && v > 0)) throw new InvalidArgumentError(name, `${name} must be a positive integer; received ${v}.`);
    }
    const index = new (loadHnsw().HierarchicalNSW)('l2', dim);
    index.initIndex(rows, m, efc, options.seed ?? 100);
    for (let i = 0; i < rows; i++) index.addPoint(Array.from(data.subarray(i * dim, (i + 1) * dim)), i);
    index.setEf(ef);
    return new HnswNearestNeighbor(index, dim, labels, options.classes ?? classes);
  }

  /**
   * Sets the search candidate list size.
   * @param ef - positive integer
   * @throws InvalidArgumentError for a bad value
   * @example
   * ```ts
   * ann.setEf(128);
   * ```
   */
  setEf(ef: number): void {
    if (!(Number.isInteger(ef) && ef > 0)) throw new InvalidArgumentError('ef', `ef must be a positive integer; received ${ef}.`);
    this.index.setEf(ef);
  }

  /**
   * Approximate nearest stored row, its Euclidean distance and label for every query.
   * @param queries - `[m × dim]` embeddings
   * @returns neighbour indices, distances and labels
   * @throws InvalidArgumentError for another dimension or non-finite values
   * @example
   * ```ts
   * const { index, distance } = ann.kneighbors(testX);
   * ```
   */
  kneighbors(queries: EmbeddingRows): NeighborResult {
    const { data, rows } = checkEmbeddings(queries, this.dim, 'queries');
    const index = new Int32Array(rows);
    const distance = new Float64Array(rows);
    const d = this.dim;
    for (let i = 0; i < rows; i++) {
      const r = this.index.searchKnn(Array.from(data.subarray(i * d, (i + 1) * d)), 1);
      index[i] = r.neighbors[0]!;
      distance[i] = Math.sqrt(r.distances[0]!);
    }
    return { index, distance, labels: Int32Array.from(index, (i) => this.labels[i]!) };
  }

  /**
   * Predicted class per query.
   * @param queries - `[m × dim]` embeddings
   * @returns class indices
   * @example
   * ```ts
   * const yHat = ann.predict(testX);
   * ```
   */
  predict(queries: EmbeddingRows): Int32Array {
    return this.kneighbors(queries).labels;
  }
}
