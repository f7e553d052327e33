/**
 * The exact 1-nearest-neighbour head (Euclidean) of the study, fitted on the training and development embeddings.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { checkEmbeddings, checkLabels, type EmbeddingRows } from './embedding-matrix';
import { nearestSearch, nearestSearchSync, rowSquaredNorms, type NearestResult, type NearestSearchOptions } from './nearest-search';

/** Neighbours and predicted labels of {@link NearestNeighbor.kneighbors}. */
export interface NeighborResult extends NearestResult {
  /** The neighbour's label per query. */
  labels: Int32Array;
}

/**
 * Exact 1-NN classifier over embeddings: the query takes the label of its nearest stored row (Euclidean distance; ties
 * go to the lowest stored index, as scikit-learn's brute-force `KNeighborsClassifier(n_neighbors=1)`). Distances come
 * from blocked matrix products with candidates re-checked exactly.
 * @remarks The study fits the 1-NN on train + dev: pass the concatenated rows (train first) to {@link NearestNeighbor.fit}.
 * Rows are stored as float32. The asynchronous search runs by default through the shipped ONNX graph (sgemm + top-k
 * per block inside onnxruntime on `threads` intra-op threads; the rows are passed without copies). The `simd` kernel
 * copies rows and queries once per search into a shared WebAssembly memory (≤ 4 GiB) read by worker threads, the `js`
 * kernel copies them into SharedArrayBuffers; their workers start per search (tens of milliseconds), so batch the queries.
 * @example
 * ```ts
 * const knn = NearestNeighbor.fit(trainDevEmbeddings, trainDevLabels, 1280);
 * const predicted = await knn.predict(testEmbeddings);
 * ```
 */
export class NearestNeighbor {
  /** Stored rows `[rows × dim]`. */
  readonly embeddings: Float32Array;
  /** Label per stored row. */
  readonly labels: Int32Array;
  /** Embedding dimension. */
  readonly dim: number;
  /** Number of classes (max label + 1). */
  readonly classes: number;
  private readonly norms: Float64Array;

  /** @internal use {@link NearestNeighbor.fit} */
  constructor(embeddings: Float32Array, labels: Int32Array, dim: number, classes: number) {
    this.embeddings = embeddings;
    this.labels = labels;
    this.dim = dim;
    this.classes = classes;
    this.norms = rowSquaredNorms(embeddings, dim);
  }

  /**
   * Stores the rows (copied into shared memory) and their labels.
   * @param x - `[rows × dim]` embeddings
   * @param y - class index per row
   * @param dim - embedding dimension
   * @param options - `classes`: number of classes when larger than max label + 1
   * @returns the classifier
   * @throws InvalidArgumentError for mismatched sizes, non-finite values or bad labels
   * @example
   * ```ts
   * const knn = NearestNeighbor.fit(x, y, 1280);
   * ```
   */
  static fit(x: EmbeddingRows, y: ArrayLike<number>, dim: number, options: { classes?: number } = {}): NearestNeighbor {
    const { data, rows } = checkEmbeddings(x, dim, 'x');
    const { labels, classes } = checkLabels(y, rows, 'y');
    const k = options.classes ?? classes;
    if (!(Number.isInteger(k) && k >= classes)) throw new InvalidArgumentError('classes', `classes must be an integer ≥ max label + 1 (${classes}); received ${k}.`);
    const stored = Float32Array.from(data);
    return new NearestNeighbor(stored, labels, dim, k);
  }

  /** Stored rows. */
  get size(): number {
    return this.labels.length;
  }

  /**
   * Nearest stored row, its distance and its label for every query.
   * @param queries - `[m × dim]` embeddings
   * @param options - worker threads (0 = calling thread), kernel (WebAssembly SIMD or JavaScript)
   * @returns neighbour indices, distances and labels
   * @throws InvalidArgumentError for queries of another dimension or non-finite values
   * @example
   * ```ts
   * const { index, distance, labels } = await knn.kneighbors(queries, { threads: 2 });
   * ```
   */
  async kneighbors(queries: EmbeddingRows, options: NearestSearchOptions = {}): Promise<NeighborResult> {
    const { data } = checkEmbeddings(queries, this.dim, 'queries');
    const r = await nearestSearch(this.embeddings, this.norms, this.dim, data, options);
    return { ...r, labels: Int32Array.from(r.index, (i) => this.labels[i]!) };
  }

  /**
   * {@link NearestNeighbor.kneighbors} on the calling thread.
   * @param queries - `[m × dim]` embeddings
   * @param options - kernel
   * @returns neighbour indices, distances and labels
   * @throws InvalidArgumentError as kneighbors
   * @example
   * ```ts
   * const { labels } = knn.kneighborsSync(queries);
   * ```
   */
  kneighborsSync(queries: EmbeddingRows, options: Pick<NearestSearchOptions, 'kernel'> = {}): NeighborResult {
    const { data } = checkEmbeddings(queries, this.dim, 'queries');
    const r = nearestSearchSync(this.embeddings, this.norms, this.dim, data, options);
    return { ...r, labels: Int32Array.from(r.index, (i) => this.labels[i]!) };
  }

  /**
   * Predicted class per query (the nearest row's label).
   * @param queries - `[m × dim]` embeddings
   * @param options - worker threads
   * @returns class indices
   * @example
   * ```ts
   * const yHat = await knn.predict(test);
   * ```
   */
  async predict(queries: EmbeddingRows, options: NearestSearchOptions = {}): Promise<Int32Array> {
    return (await this.kneighbors(queries, options)).labels;
  }
}
