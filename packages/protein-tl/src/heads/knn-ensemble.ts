/**
 * The kNN ensemble of the study: one exact 1-NN per disjoint subset of the training rows, combined by majority vote.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { disjointSubsets } from './disjoint-subsets';
import { checkEmbeddings, checkLabels, type EmbeddingRows } from './embedding-matrix';
import { majorityVote } from './majority-vote';
import { NearestNeighbor } from './nearest-neighbor';
import type { NearestSearchOptions } from './nearest-search';

/** Options of {@link KnnEnsemble.fit}. */
export interface KnnEnsembleOptions {
  /** Members (disjoint subsets of the training rows). @default 10 */
  members?: number;
  /** Seed of the split. @default 0 */
  seed?: number;
  /** Number of classes when larger than max label + 1. */
  classes?: number;
}

/**
 * `members` exact 1-NN classifiers, each fitted on its own disjoint, seeded subset of the training rows
 * ({@link disjointSubsets}); a query gets the majority vote of their predictions, ties going to the smallest class index
 * ({@link majorityVote}).
 * @example
 * ```ts
 * const ensemble = KnnEnsemble.fit(trainX, trainY, 1280, { members: 10, seed: 1 });
 * const predicted = await ensemble.predict(testX);
 * ```
 */
export class KnnEnsemble {
  /** The 1-NN of each member. */
  readonly members: NearestNeighbor[];
  /** Training-row indices of each member (ascending). */
  readonly subsets: Int32Array[];
  /** Seed of the split. */
  readonly seed: number;

  /** @internal use {@link KnnEnsemble.fit} */
  constructor(members: NearestNeighbor[], subsets: Int32Array[], seed: number) {
    if (members.length === 0 || members.length !== subsets.length) throw new InvalidArgumentError('members', 'an ensemble needs at least one member and one subset per member.');
    this.members = members;
    this.subsets = subsets;
    this.seed = seed;
  }

  /**
   * Splits the training rows and fits one 1-NN per subset.
   * @param x - `[rows × dim]` embeddings
   * @param y - class index per row
   * @param dim - embedding dimension
   * @param options - members, seed, classes
   * @returns the ensemble
   * @throws InvalidArgumentError for bad sizes, labels, or more members than rows
   * @example
   * ```ts
   * const ensemble = KnnEnsemble.fit(x, y, 1280, { seed: 1 });
   * ```
   */
  static fit(x: EmbeddingRows, y: ArrayLike<number>, dim: number, options: KnnEnsembleOptions = {}): KnnEnsemble {
    const { data, rows } = checkEmbeddings(x, dim, 'x');
    const { labels, classes } = checkLabels(y, rows, 'y');
    const seed = options.seed ?? 0;
    const subsets = disjointSubsets(rows, options.members ?? 10, seed);
    const members = subsets.map((s) => {
      const xs = new Float32Array(s.length * dim);
      const ys = new Int32Array(s.length);
      s.forEach((r, i) => {
        xs.set(data.subarray(r * dim, (r + 1) * dim), i * dim);
        ys[i] = labels[r]!;
      });
      return NearestNeighbor.fit(xs, ys, dim, { classes: options.classes ?? classes });
    });
    return new KnnEnsemble(members, subsets, seed);
  }

  /** Embedding dimension. */
  get dim(): number {
    return this.members[0]!.dim;
  }

  /**
   * Every member's prediction (one array per member).
   * @param queries - `[m × dim]` embeddings
   * @param options - worker threads of each member's search
   * @returns predictions per member
   * @example
   * ```ts
   * const votes = await ensemble.memberPredictions(test);
   * ```
   */
  async memberPredictions(queries: EmbeddingRows, options: NearestSearchOptions = {}): Promise<Int32Array[]> {
    const { data } = checkEmbeddings(queries, this.dim, 'queries');
    const out: Int32Array[] = [];
    for (const m of this.members) out.push(await m.predict(data, options));
    return out;
  }

  /**
   * Majority vote of the members.
   * @param queries - `[m × dim]` embeddings
   * @param options - worker threads of each member's search
   * @returns class index per query
   * @example
   * ```ts
   * const yHat = await ensemble.predict(test);
   * ```
   */
  async predict(queries: EmbeddingRows, options: NearestSearchOptions = {}): Promise<Int32Array> {
    return majorityVote(await this.memberPredictions(queries, options));
  }
}
