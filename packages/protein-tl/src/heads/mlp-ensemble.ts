/**
 * The MLP ensemble of the study: one {@link MlpHead} per disjoint subset of the training rows, combined by majority vote.
 * @packageDocumentation
 */
import { InvalidArgumentError, type ProgressEvent } from '@lab/tensor-core';
import { disjointSubsets } from './disjoint-subsets';
import { checkEmbeddings, checkLabels, type EmbeddingRows } from './embedding-matrix';
import { majorityVote } from './majority-vote';
import { MlpHead, type MlpHeadOptions } from './mlp-head';

/** Options of {@link MlpEnsemble.train}: every member's {@link MlpHeadOptions} plus the split. */
export interface MlpEnsembleOptions extends MlpHeadOptions {
  /** Members (disjoint subsets of the training rows). @default 10 */
  members?: number;
}

/**
 * `members` MLP heads, each trained on its own disjoint, seeded subset of the training rows (member k's network is
 * seeded with `seed + k + 1`; all watch the same development rows), combined by majority vote with ties going to the
 * smallest class index ({@link majorityVote}).
 * @example
 * ```ts
 * const ensemble = MlpEnsemble.train(trainX, trainY, 1280, { validation: { x: devX, y: devY }, seed: 1 });
 * const yHat = ensemble.predict(testX);
 * ```
 */
export class MlpEnsemble {
  /** The members. */
  readonly members: MlpHead[];
  /** Training-row indices of each member (empty arrays for a loaded ensemble). */
  readonly subsets: Int32Array[];
  /** Seed of the split. */
  readonly seed: number;

  /** @internal use {@link MlpEnsemble.train} */
  constructor(members: MlpHead[], subsets: Int32Array[], seed: number) {
    if (members.length === 0) throw new InvalidArgumentError('members', 'an ensemble needs at least one member.');
    const d = members[0]!.dim;
    const k = members[0]!.classes;
    if (members.some((m) => m.dim !== d || m.classes !== k)) throw new InvalidArgumentError('members', 'all members must have the same input dimension and classes.');
    this.members = members;
    this.subsets = subsets;
    this.seed = seed;
  }

  /**
   * Splits the training rows and trains one head per subset.
   * @param x - `[rows × dim]` embeddings
   * @param y - class index per row
   * @param dim - embedding dimension
   * @param options - members, seed, and the heads' options
   * @returns the ensemble
   * @throws InvalidArgumentError for bad sizes, labels or options
   * @example
   * ```ts
   * const ensemble = MlpEnsemble.train(x, y, 1280, { members: 10, seed: 3 });
   * ```
   */
  static train(x: EmbeddingRows, y: ArrayLike<number>, dim: number, options: MlpEnsembleOptions = {}): MlpEnsemble {
    const { subsets, seed, parts } = splitMembers(x, y, dim, options);
    return new MlpEnsemble(parts.map((p) => MlpHead.train(p.x, p.y, dim, p.options)), subsets, seed);
  }

  /**
   * {@link MlpEnsemble.train} with each member trained by {@link MlpHead.fit} (onnxruntime by default; `engine`).
   * @param x - `[rows × dim]` embeddings
   * @param y - class index per row
   * @param dim - embedding dimension
   * @param options - members, seed, and the heads' options
   * @returns the ensemble
   * @throws InvalidArgumentError for bad sizes, labels or options
   * @example
   * ```ts
   * const ensemble = await MlpEnsemble.fit(x, y, 1280, { members: 10, seed: 3 });
   * ```
   */
  static async fit(x: EmbeddingRows, y: ArrayLike<number>, dim: number, options: MlpEnsembleOptions = {}): Promise<MlpEnsemble> {
    const { subsets, seed, parts } = splitMembers(x, y, dim, options);
    const members: MlpHead[] = [];
    for (const p of parts) members.push(await MlpHead.fit(p.x, p.y, dim, p.options));
    return new MlpEnsemble(members, subsets, seed);
  }

  /** Embedding dimension. */
  get dim(): number {
    return this.members[0]!.dim;
  }

  /** Number of classes. */
  get classes(): number {
    return this.members[0]!.classes;
  }

  /**
   * Majority vote of the members.
   * @param x - `[rows × dim]` embeddings
   * @returns class index per row
   * @example
   * ```ts
   * const yHat = ensemble.predict(testX);
   * ```
   */
  predict(x: EmbeddingRows): Int32Array {
    const { data } = checkEmbeddings(x, this.dim, 'x');
    return majorityVote(this.members.map((m) => m.predict(data)));
  }
}

/** The members' rows, labels and options (disjoint subsets; member m seeded with seed + m + 1). */
function splitMembers(x: EmbeddingRows, y: ArrayLike<number>, dim: number, options: MlpEnsembleOptions) {
  const { data, rows } = checkEmbeddings(x, dim, 'x');
  const { labels, classes } = checkLabels(y, rows, 'y');
  const seed = options.seed ?? 0;
  const subsets = disjointSubsets(rows, options.members ?? 10, seed);
  const k = options.classes ?? Math.max(2, classes);
  const onProgress = options.onProgress;
  const parts = subsets.map((s, m) => {
    const xs = new Float32Array(s.length * dim);
    const ys = new Int32Array(s.length);
    s.forEach((r, i) => {
      xs.set(data.subarray(r * dim, (r + 1) * dim), i * dim);
      ys[i] = labels[r]!;
    });
    const memberOptions: MlpHeadOptions = {
      ...options,
      classes: k,
      seed: seed + m + 1,
      ...(onProgress ? { onProgress: (e: ProgressEvent) => onProgress({ ...e, label: `member ${m + 1}/${subsets.length}${e.label ? ` ${e.label}` : ''}` }) } : {}),
    };
    return { x: xs, y: ys, options: memberOptions };
  });
  return { subsets, seed, parts };
}
