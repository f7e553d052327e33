/**
 * RecNN inference through onnxruntime: jets → trees → node features → embeddings, level by level, → P(signal).
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  DataFormatError,
  InvalidArgumentError,
  LabError,
  ModelNotFoundError,
  Tensor,
  loadModel,
  readNpz,
  throttleProgress,
  type Device,
  type LoadModelOptions,
  type ModelSession,
  type TensorSpec,
  type WithProgress,
} from '@lab/tensor-core';
import type { JetInput } from '../lund/recluster-jet';
import { ParticleEvent } from '../particles/particle-event';
import { buildJetTree, type JetTree } from './jet-tree';
import { RECNN_FEATURE_COUNT, momentumFeatures } from './node-features';
import { parseRecnnConfig, type RecnnConfig } from './recnn-config';
import { RobustScaler } from './robust-scaler';

/** Options of {@link loadRecnn}. */
export interface LoadRecnnOptions {
  /** `cpu`, `cuda` or `auto`. @default 'cpu' */
  device?: Device | string;
  /** onnxruntime intra-op threads per graph. @default onnxruntime's choice */
  intraOpThreads?: number;
  /** Called when `device: 'auto'` falls back to CPU. */
  onFallback?: (reason: string) => void;
  /**
   * Extra onnxruntime session options for the graphs (advanced). @default thread spinning off
   * (`{ extra: { session: { intra_op: { allow_spinning: '0' } } } }`): a batch alternates between many short calls of
   * three sessions, and the spinning pool threads of one session compete for the cores with the next call's.
   */
  ortOptions?: LoadModelOptions['ortOptions'];
  /**
   * Run the recursion through the directory's gather cell (`graphs.cellGather`: the children's rows are gathered inside
   * onnxruntime from the table of all embeddings, and every output is written in place into that table) when the
   * model has one; `false` uses the plain cell, with the children's rows copied in JavaScript. Both give the same
   * numbers (same weights and operations). @default true
   */
  gatherCell?: boolean;
  /**
   * Run whole batches through the directory's tree graph (`graphs.tree`: embed, a Loop over the tree levels and the head
   * in one onnxruntime call, so that only the jets' outputs leave onnxruntime) when the model has one and node
   * embeddings are not asked for; `false` keeps one call per level. Same weights and operations, same numbers.
   * @default true
   */
  treeGraph?: boolean;
}

/** Options of {@link RecnnModel.embedJets} and {@link RecnnModel.embedTrees}. */
export interface RecnnRunOptions extends WithProgress {
  /** Also return every node's embedding (per jet, in tree order), e.g. for saliency. @default false */
  nodeEmbeddings?: boolean;
  /** Nodes per batch: jets are packed into batches of at most this many nodes (a larger jet goes alone). @default 16384 */
  maxBatchNodes?: number;
  /**
   * The trees' raw (unscaled) node features when the caller already has them — per tree, `7 × tree.size` values in node
   * order, as {@link nodeFeatures} returns them (or a train-data file's `node_features` rows) — so that they are not
   * computed again from the four-momenta; the model's scaler is applied as usual. @default computed from the trees
   */
  nodeFeatures?: readonly Float64Array[];
  /**
   * With a gather cell: batches of at least this many nodes use it, smaller ones the plain cell (whose JavaScript
   * copies cost less than the gather cell's extra per-call work on tiny levels). Both give the same numbers.
   * @default 512
   */
  gatherMinNodes?: number;
}

/**
 * What a RecNN computes for a list of jets.
 * @example
 * ```ts
 * const r = await model.embedJets(jets);
 * r.probabilities[0];                          // P(signal) of jet 0
 * r.embeddings.subarray(0, r.embeddingSize);   // its embedding h_J
 * ```
 */
export interface RecnnResult {
  /** Number of jets. */
  jets: number;
  /** Size H of the embeddings. */
  embeddingSize: number;
  /** P(signal) per jet (the head's sigmoid). */
  probabilities: Float32Array;
  /** The head's logit per jet. */
  logits: Float32Array;
  /** The jet embeddings h_J (the root node's embedding), `[jets × H]` row-major. */
  embeddings: Float32Array;
  /** The trees the network ran on. */
  trees: JetTree[];
  /** With `nodeEmbeddings: true`: per jet, `[tree.size × H]` row-major, row k for node k of `trees[j]`. */
  nodeEmbeddings?: Float32Array[];
}

/** Comparison of a model with its end-to-end golden file. */
export interface RecnnGoldenReport {
  /** True when every compared value is within `atol + rtol·|expected|`. */
  ok: boolean;
  atol: number;
  rtol: number;
  /** Jets in the golden file. */
  jets: number;
  /**
   * Largest absolute difference per output: `probability` and `embedding` (through the tree graph when the model has
   * one), and when the file stores node embeddings `node_embedding` (per-level calls) and, with a tree graph,
   * `probability (per level)`.
   */
  maxAbsDiff: Record<string, number>;
}

const EMBED_INPUTS = ['x'];
const CELL_INPUTS = ['h_left', 'h_right', 'u'];
const CELL_GATHER_INPUTS = ['table', 'left', 'right', 'u'];
/** Default of {@link RecnnRunOptions.gatherMinNodes}. */
const GATHER_MIN_NODES = 512;
const HEAD_INPUTS = ['h_jet'];
const TREE_INPUTS = ['x', 'plan', 'deepest', 'children', 'roots'];
const TREE_OUTPUTS = ['probability', 'logit', 'h_jet'];

function checkGraph(session: ModelSession, path: string, inputs: readonly string[], outputs: readonly string[], dims: Record<string, number>): void {
  const names = session.inputs.map((s) => s.name);
  const outNames = session.outputs.map((s) => s.name);
  const missing = [...inputs.filter((n) => !names.includes(n)), ...outputs.filter((n) => !outNames.includes(n))];
  if (missing.length) {
    throw new DataFormatError(path, `the graph lacks ${missing.join(', ')} (inputs ${names.join(', ')}; outputs ${outNames.join(', ')}); export it with training/jets/train_recnn.py.`);
  }
  const all: TensorSpec[] = [...session.inputs, ...session.outputs];
  for (const [name, size] of Object.entries(dims)) {
    const spec = all.find((s) => s.name === name)!;
    const last = spec.shape.at(-1);
    if (typeof last === 'number' && last !== size) {
      throw new DataFormatError(path, `"${name}" has ${last} columns, but recnn.json says ${size}.`);
    }
  }
}

/**
 * A loaded RecNN: three ONNX graphs (node embedding, recursive cell, classifier head), the feature scaler and the
 * configuration. Create it with {@link loadRecnn}; release it with {@link RecnnModel.dispose}.
 *
 * @remarks
 * For a batch of jets, every node's scaled features go through `embed` at once (u_k = ReLU(W_u x_k + b_u); a leaf's
 * embedding is its u_k). Then, from the deepest level to the root, the internal nodes of one depth — across all jets of the
 * batch — go through `cell` together (h_k from h_L, h_R and u_k), so a batch costs one call per tree level. The roots'
 * embeddings h_J go through `head` (Dense → ReLU → Dense → ReLU → Dense → sigmoid). A jet of one constituent is a single
 * leaf: h_J = u of that particle, with no recursion.
 */
export class RecnnModel {
  /** The model directory. */
  readonly dir: string;
  /** The configuration (`recnn.json`). */
  readonly config: RecnnConfig;
  /** The feature scaler (`scaler.json`). */
  readonly scaler: RobustScaler;
  /** x [nodes, 7] → u [nodes, H]. */
  readonly embedSession: ModelSession;
  /** h_left, h_right, u [nodes, H] → h [nodes, H]. */
  readonly cellSession: ModelSession;
  /** h_jet [jets, H] → probability [jets], logit [jets]. */
  readonly headSession: ModelSession;
  /** table [rows, H], left, right [nodes] (int32 rows of the table), u [nodes, H] → h [nodes, H]; when in use. */
  readonly cellGatherSession: ModelSession | undefined;
  /** x, level plan, children, roots → probability, logit, h_jet for a whole batch of trees in one call; when in use. */
  readonly treeSession: ModelSession | undefined;
  /** Scratch buffers of the last batch, reused by the next one (a concurrent run allocates its own). */
  private spare: { f32: Float32Array; i32: Int32Array } | undefined;

  /** @internal use {@link loadRecnn} */
  constructor(init: { dir: string; config: RecnnConfig; scaler: RobustScaler; embed: ModelSession; cell: ModelSession; head: ModelSession; cellGather?: ModelSession; tree?: ModelSession }) {
    this.dir = init.dir;
    this.config = init.config;
    this.scaler = init.scaler;
    this.embedSession = init.embed;
    this.cellSession = init.cell;
    this.headSession = init.head;
    this.cellGatherSession = init.cellGather;
    this.treeSession = init.tree;
  }

  /** Size H of the embeddings. */
  get embeddingSize(): number {
    return this.config.embeddingSize;
  }

  /**
   * The tree this model reads for a jet (its reclustering algorithm and radius).
   * @param jet - constituents or a clustering node
   * @returns the tree
   * @throws InvalidArgumentError for a jet without constituents
   * @example
   * ```ts
   * model.tree(jet).size;
   * ```
   */
  tree(jet: JetInput): JetTree {
    return buildJetTree(jet, { algorithm: this.config.algorithm, radius: this.config.radius });
  }

  /**
   * Embeds and classifies jets.
   * @param jets - constituents (ParticleEvent or four-momenta) or clustering nodes
   * @param options - node embeddings, batch size, progress
   * @returns probabilities, logits, jet embeddings, trees (and node embeddings)
   * @throws InvalidArgumentError naming the jet without constituents or with a bad particle
   * @example
   * ```ts
   * const model = await loadRecnn('models/recnn-w');
   * const { probabilities, embeddings } = await model.embedJets(generateJets('w', 10, { seed: 1 }).map((j) => j.constituents));
   * await model.dispose();
   * ```
   */
  async embedJets(jets: readonly JetInput[], options: RecnnRunOptions = {}): Promise<RecnnResult> {
    if (!Array.isArray(jets)) throw new InvalidArgumentError('jets', `jets must be an array of jets; received ${typeof jets}.`);
    const trees = jets.map((jet, j) => {
      try {
        return this.tree(jet);
      } catch (e) {
        if (LabError.isInstance(e) && e.code === 'INVALID_ARGUMENT' && (e as InvalidArgumentError).argument === 'jet') throw new InvalidArgumentError('jets', `jet ${j}: ${e.message}`, { cause: e });
        throw e;
      }
    });
    return this.embedTrees(trees, options);
  }

  /**
   * Probability of the signal class per jet.
   * @param jets - the jets
   * @param options - batch size, progress
   * @returns P(signal) per jet
   * @example
   * ```ts
   * const p = await model.classify(jets);
   * ```
   */
  async classify(jets: readonly JetInput[], options: Omit<RecnnRunOptions, 'nodeEmbeddings'> = {}): Promise<Float32Array> {
    return (await this.embedJets(jets, { ...options, nodeEmbeddings: false })).probabilities;
  }

  /**
   * Runs the network on trees built with {@link buildJetTree} (with this model's algorithm: see {@link RecnnModel.tree}).
   * @param trees - the trees
   * @param options - node embeddings, batch size, progress
   * @returns probabilities, logits, embeddings (and node embeddings)
   * @throws InvalidArgumentError for a tree built with another algorithm or a bad option
   * @example
   * ```ts
   * const trees = jets.map((j) => model.tree(j));
   * const r = await model.embedTrees(trees, { nodeEmbeddings: true });
   * ```
   */
  async embedTrees(trees: readonly JetTree[], options: RecnnRunOptions = {}): Promise<RecnnResult> {
    const maxBatchNodes = options.maxBatchNodes ?? 16384;
    if (!Number.isInteger(maxBatchNodes) || maxBatchNodes < 1) {
      throw new InvalidArgumentError('maxBatchNodes', `maxBatchNodes must be an integer ≥ 1; received ${String(maxBatchNodes)}.`);
    }
    const gatherMinNodes = options.gatherMinNodes ?? GATHER_MIN_NODES;
    if (!Number.isInteger(gatherMinNodes) || gatherMinNodes < 0) {
      throw new InvalidArgumentError('gatherMinNodes', `gatherMinNodes must be an integer ≥ 0; received ${String(gatherMinNodes)}.`);
    }
    trees.forEach((t, j) => {
      if (t.algorithm !== this.config.algorithm) {
        throw new InvalidArgumentError('trees', `tree ${j} follows ${t.algorithm} reclustering but the model was trained on ${this.config.algorithm} trees; build trees with model.tree(jet).`);
      }
    });
    const features = options.nodeFeatures;
    if (features !== undefined) {
      if (!Array.isArray(features) || features.length !== trees.length) {
        throw new InvalidArgumentError('nodeFeatures', `nodeFeatures must hold one Float64Array per tree (${trees.length}); received ${Array.isArray(features) ? features.length : typeof features}.`);
      }
      features.forEach((f, j) => {
        const want = RECNN_FEATURE_COUNT * trees[j]!.size;
        if (!(f instanceof Float64Array) || f.length !== want) {
          throw new InvalidArgumentError('nodeFeatures', `nodeFeatures[${j}] must be a Float64Array of ${want} values (7 per node of tree ${j}, as nodeFeatures(tree) returns); received ${f instanceof Float64Array ? f.length + ' values' : typeof f}.`);
        }
      });
    }
    const H = this.config.embeddingSize;
    const J = trees.length;
    const result: RecnnResult = {
      jets: J,
      embeddingSize: H,
      probabilities: new Float32Array(J),
      logits: new Float32Array(J),
      embeddings: new Float32Array(J * H),
      trees: [...trees],
      ...(options.nodeEmbeddings ? { nodeEmbeddings: new Array<Float32Array>(J) } : {}),
    };
    const progress = throttleProgress(options.onProgress);
    progress({ completed: 0, total: J, label: 'recnn' });
    let start = 0;
    while (start < J) {
      let end = start + 1;
      let nodes = trees[start]!.size;
      while (end < J && nodes + trees[end]!.size <= maxBatchNodes) nodes += trees[end++]!.size;
      await this.runBatch(trees, features, start, end, nodes, result, gatherMinNodes);
      start = end;
      progress({ completed: start, total: J, label: 'recnn' });
    }
    return result;
  }

  /**
   * Trees [start, end) with `N` nodes in all: one embed call, one cell call per depth, one head call.
   *
   * The batch's nodes are rows in level order — by depth, within a depth the internal nodes first, then jet after jet
   * and node after node (LevelBatch's order in recnn_model.py) — so that the features are written straight into their
   * rows, a level's `u` rows and its cell output are contiguous (a view in, one copy out), and only the children's rows
   * are gathered, each with one copyWithin into the space behind the rows. The node features are computed and scaled in
   * one pass (the same float64 arithmetic as `scaler.transformToFloat32(nodeFeatures(tree))`). The buffers are kept for
   * the next batch.
   */
  private async runBatch(trees: readonly JetTree[], features: readonly Float64Array[] | undefined, start: number, end: number, N: number, out: RecnnResult, gatherMinNodes: number): Promise<void> {
    const H = this.config.embeddingSize;
    const W = RECNN_FEATURE_COUNT;
    const B = end - start;
    // nodes per depth (counts[2d]) and internal nodes per depth (counts[2d + 1]), in one pass
    let counts = new Int32Array(128);
    let maxDepth = 0;
    for (let b = 0; b < B; b++) {
      const t = trees[start + b]!;
      const { depth, left } = t;
      for (let k = 0; k < t.size; k++) {
        const d = depth[k]!;
        if (2 * d + 1 >= counts.length) {
          const grown = new Int32Array(Math.max(2 * counts.length, 2 * d + 2));
          grown.set(counts);
          counts = grown;
        }
        counts[2 * d]!++;
        if (left[k]! >= 0) counts[2 * d + 1]!++;
        if (d > maxDepth) maxDepth = d;
      }
    }
    const D = maxDepth + 1;
    // int32 scratch: nInternal, nLevel, levelStart (D + 1), nextInternal, nextLeaf, roots, rowOf, leftRow, rightRow
    const i32Need = 5 * D + 1 + B + 3 * N;
    let maxM = 0;
    let spare = this.spare;
    this.spare = undefined;
    if (!spare || spare.i32.length < i32Need) spare = { f32: spare?.f32 ?? new Float32Array(0), i32: new Int32Array(Math.max(i32Need, (spare?.i32.length ?? 0) * 2)) };
    const i32 = spare.i32;
    const nInternal = i32.subarray(0, D);
    const nLevel = i32.subarray(D, 2 * D);
    for (let d = 0; d < D; d++) {
      nLevel[d] = counts[2 * d]!;
      nInternal[d] = counts[2 * d + 1]!;
    }
    const levelStart = i32.subarray(2 * D, 3 * D + 1);
    const nextInternal = i32.subarray(3 * D + 1, 4 * D + 1);
    const nextLeaf = i32.subarray(4 * D + 1, 5 * D + 1);
    levelStart[0] = 0;
    for (let d = 0; d < D; d++) {
      levelStart[d + 1] = levelStart[d]! + nLevel[d]!;
      nextInternal[d] = levelStart[d]!;
      nextLeaf[d] = levelStart[d]! + nInternal[d]!;
      if (d < maxDepth && nInternal[d]! > maxM) maxM = nInternal[d]!;
    }
    const roots = i32.subarray(5 * D + 1, 5 * D + 1 + B);
    const rowOf = i32.subarray(5 * D + 1 + B, 5 * D + 1 + B + N);
    const leftRow = i32.subarray(5 * D + 1 + B + N, 5 * D + 1 + B + 2 * N);
    const rightRow = i32.subarray(5 * D + 1 + B + 2 * N, 5 * D + 1 + B + 3 * N);
    // the tree graph runs the whole batch in one call and only needs the features (N × W); otherwise float32 scratch
    // holds the rows (N + 2 maxM) × H (N × H with the gather cell), then the features.
    // The gather cell saves the JavaScript copies of the children's rows but costs a few µs more per onnxruntime call
    // (two Gather nodes, pre-allocated outputs): below GATHER_MIN_NODES nodes (about 10 jets) the copies are cheaper
    const tree = out.nodeEmbeddings ? undefined : this.treeSession;
    const gather = !tree && N >= gatherMinNodes ? this.cellGatherSession : undefined;
    const rowsEnd = tree ? 0 : (gather ? N : N + 2 * maxM) * H;
    const f32Need = rowsEnd + W * N;
    if (spare.f32.length < f32Need) spare.f32 = new Float32Array(Math.max(f32Need, spare.f32.length * 2));
    const emb = spare.f32.subarray(0, rowsEnd);
    const x = spare.f32.subarray(rowsEnd, f32Need);
    try {
      // row of every node (batch order: jet after jet), rows of the children of internal rows, features into their rows;
      // one pass per tree: its nodes are in post-order, so a node's children have their rows before it
      const f = new Float64Array(W);
      // children as: positions within the next level in `children` (tree graph), row numbers (gather cell), float
      // offsets (copies); the tree graph's children region spans leftRow and rightRow (2N ≥ 2 × internal nodes)
      const rowScale = gather ? 1 : H;
      const children = i32.subarray(5 * D + 1 + B + N, 5 * D + 1 + B + 3 * N);
      // tree graph: the offset c_d of each level's children, levels deepest first (the Loop's order)
      const childAt = new Int32Array(D);
      for (let d = maxDepth - 1, c = 0; d >= 0; d--) {
        childAt[d] = c;
        c += 2 * nInternal[d]!;
      }
      const [c0, c1, c2, c3, c4, c5, c6] = this.scaler.center;
      const [s0, s1, s2, s3, s4, s5, s6] = this.scaler.scale;
      let o = 0;
      for (let b = 0; b < B; b++) {
        const t = trees[start + b]!;
        const { depth, left, right, momenta: m } = t;
        const jetEnergy = m[4 * t.root + 3]!;
        const given = features?.[start + b];
        for (let k = 0; k < t.size; k++) {
          const internal = left[k]! >= 0;
          const r = internal ? nextInternal[depth[k]!]!++ : nextLeaf[depth[k]!]!++;
          rowOf[o + k] = r;
          if (internal) {
            const d = depth[k]!;
            if (tree) {
              // children[c_d + j] (left) and children[c_d + m_d + j] (right): positions within level d + 1
              const j = childAt[d]! + r - levelStart[d]!;
              const next = levelStart[d + 1]!;
              children[j] = rowOf[o + left[k]!]! - next;
              children[j + nInternal[d]!] = rowOf[o + right[k]!]! - next;
            } else {
              leftRow[r] = rowOf[o + left[k]!]! * rowScale;
              rightRow[r] = rowOf[o + right[k]!]! * rowScale;
            }
          }
          let src: Float64Array<ArrayBufferLike> = f;
          let so = 0;
          if (given) {
            src = given;
            so = W * k;
          } else momentumFeatures(m[4 * k]!, m[4 * k + 1]!, m[4 * k + 2]!, m[4 * k + 3]!, jetEnergy, f, 0);
          const xo = W * r;
          x[xo] = (src[so]! - c0!) / s0!;
          x[xo + 1] = (src[so + 1]! - c1!) / s1!;
          x[xo + 2] = (src[so + 2]! - c2!) / s2!;
          x[xo + 3] = (src[so + 3]! - c3!) / s3!;
          x[xo + 4] = (src[so + 4]! - c4!) / s4!;
          x[xo + 5] = (src[so + 5]! - c5!) / s5!;
          x[xo + 6] = (src[so + 6]! - c6!) / s6!;
        }
        roots[b] = rowOf[o + t.root]!;
        o += t.size;
      }
      if (tree) {
        await this.runTree(tree, x, N, B, D, levelStart, nInternal, childAt, children, roots, out, start);
        return;
      }
      // u for every row; leaves keep it as their embedding, a level's internal rows are replaced by the cell's output
      // (their u is read before)
      await this.embedSession.run({ x: new Tensor('float32', x, [N, W]) }, { into: { u: new Tensor('float32', emb.subarray(0, N * H), [N, H]) } });
      if (gather) {
        const table = new Tensor('float32', emb, [N, H]);
        for (let d = maxDepth - 1; d >= 0; d--) {
          const M = nInternal[d]!;
          if (M === 0) continue;
          const r0 = levelStart[d]!;
          // the level's u rows are read (by the graph's Concat) before its last node writes h over them
          const rows = emb.subarray(r0 * H, (r0 + M) * H);
          await gather.run(
            {
              table,
              left: new Tensor('int32', leftRow.subarray(r0, r0 + M), [M]),
              right: new Tensor('int32', rightRow.subarray(r0, r0 + M), [M]),
              u: new Tensor('float32', rows, [M, H]),
            },
            { into: { h: new Tensor('float32', rows, [M, H]) } },
          );
        }
      } else {
        await this.recurseWithCopies(emb, N, maxDepth, maxM, nInternal, levelStart, leftRow, rightRow);
      }
      // level 0 holds exactly the roots, in jet order unless some jets are a single leaf
      let inOrder = true;
      for (let b = 0; b < B; b++) if (roots[b] !== b) inOrder = false;
      let hJet: Float32Array;
      if (inOrder) hJet = emb.subarray(0, B * H);
      else {
        hJet = new Float32Array(B * H);
        for (let b = 0; b < B; b++) hJet.set(emb.subarray(roots[b]! * H, roots[b]! * H + H), b * H);
      }
      await this.headSession.run(
        { h_jet: new Tensor('float32', hJet, [B, H]) },
        { into: { probability: new Tensor('float32', out.probabilities.subarray(start, end), [B]), logit: new Tensor('float32', out.logits.subarray(start, end), [B]) } },
      );
      out.embeddings.set(hJet, start * H);
      if (out.nodeEmbeddings) {
        o = 0;
        for (let b = 0; b < B; b++) {
          const size = trees[start + b]!.size;
          const nodes = new Float32Array(size * H);
          for (let k = 0; k < size; k++) {
            const r = rowOf[o + k]! * H;
            nodes.set(emb.subarray(r, r + H), k * H);
          }
          out.nodeEmbeddings[start + b] = nodes;
          o += size;
        }
      }
    } finally {
      this.keepSpare(spare);
    }
  }

  /** The batch through the tree graph: one call, the jets' outputs copied into `out` from row `start` on. */
  private async runTree(
    tree: ModelSession,
    x: Float32Array,
    N: number,
    B: number,
    D: number,
    levelStart: Int32Array,
    nInternal: Int32Array,
    childAt: Int32Array,
    children: Int32Array,
    roots: Int32Array,
    out: RecnnResult,
    start: number,
  ): Promise<void> {
    const H = this.config.embeddingSize;
    // one plan row per internal level, deepest first: (a, a + m, b, c, c + 2m)
    const inner = D - 1;
    const plan = new Int32Array(5 * inner);
    let internalTotal = 0;
    for (let i = 0; i < inner; i++) {
      const d = inner - 1 - i;
      const a = levelStart[d]!;
      const m = nInternal[d]!;
      plan.set([a, a + m, levelStart[d + 1]!, childAt[d]!, childAt[d]! + 2 * m], 5 * i);
      internalTotal += m;
    }
    const r = await tree.run({
      x: new Tensor('float32', x, [N, RECNN_FEATURE_COUNT]),
      plan: new Tensor('int32', plan, [inner, 5]),
      deepest: new Tensor('int32', Int32Array.of(levelStart[D - 1]!, levelStart[D]!), [2]),
      children: new Tensor('int32', children.subarray(0, 2 * internalTotal), [2 * internalTotal]),
      roots: new Tensor('int32', roots, [B]),
    });
    const probability = r['probability']!.data as Float32Array;
    const logit = r['logit']!.data as Float32Array;
    const hJet = r['h_jet']!.data as Float32Array;
    if (probability.length !== B || logit.length !== B || hJet.length !== B * H) {
      throw new DataFormatError(join(this.dir, this.config.graphs.tree!), `tree graph returned ${probability.length} probabilities, ${logit.length} logits and ${hJet.length} embedding values for ${B} jets × ${H}.`);
    }
    out.probabilities.set(probability, start);
    out.logits.set(logit, start);
    out.embeddings.set(hJet, start * H);
  }

  /**
   * The recursion through the plain cell (models without a gather cell, `gatherCell: false`, or small batches), after
   * `embed` has written every row's u: the children's rows of a level are copied behind the N rows (`leftRow`/`rightRow` hold float offsets), the cell's output is copied back.
   */
  private async recurseWithCopies(
    emb: Float32Array,
    N: number,
    maxDepth: number,
    maxM: number,
    nInternal: Int32Array,
    levelStart: Int32Array,
    leftRow: Int32Array,
    rightRow: Int32Array,
  ): Promise<void> {
    const H = this.config.embeddingSize;
    const hl0 = N * H;
    const hr0 = (N + maxM) * H;
    for (let d = maxDepth - 1; d >= 0; d--) {
      const M = nInternal[d]!;
      if (M === 0) continue;
      const r0 = levelStart[d]!;
      for (let m = 0; m < M; m++) {
        const l = leftRow[r0 + m]!;
        const r = rightRow[r0 + m]!;
        emb.copyWithin(hl0 + m * H, l, l + H);
        emb.copyWithin(hr0 + m * H, r, r + H);
      }
      const h = (await this.cellSession.run({
        h_left: new Tensor('float32', emb.subarray(hl0, hl0 + M * H), [M, H]),
        h_right: new Tensor('float32', emb.subarray(hr0, hr0 + M * H), [M, H]),
        u: new Tensor('float32', emb.subarray(r0 * H, (r0 + M) * H), [M, H]),
      }))['h']!.data as Float32Array;
      if (h.length !== M * H) throw new DataFormatError(join(this.dir, this.config.graphs.cell), `cell returned ${h.length} values for ${M} nodes × ${H}.`);
      emb.set(h, r0 * H);
    }
  }

  /** Keeps the larger of the current spare buffers and `spare` for the next batch. */
  private keepSpare(spare: { f32: Float32Array; i32: Int32Array }): void {
    const kept = this.spare;
    if (!kept || kept.f32.length + kept.i32.length < spare.f32.length + spare.i32.length) this.spare = spare;
  }

  /**
   * Reproduces the end-to-end golden file of the export (`golden-jets.npz`: jets' constituents and PyTorch's
   * probabilities, jet embeddings and node embeddings) through this package's trees, features, scaler and the ONNX graphs.
   * @returns the largest differences and whether they are within the tolerances of `recnn.json`
   * @throws DataFormatError when the model has no golden file or it is malformed
   * @example
   * ```ts
   * const report = await model.checkGolden();
   * if (!report.ok) console.error(report.maxAbsDiff);
   * ```
   */
  async checkGolden(): Promise<RecnnGoldenReport> {
    const golden = this.config.golden;
    const recnnJson = join(this.dir, 'recnn.json');
    if (!golden) throw new DataFormatError(recnnJson, 'has no "golden" entry; export the model with training/jets/train_recnn.py.');
    const file = resolve(this.dir, golden.file);
    const g = await readNpz(file);
    const need = (k: string) => {
      const a = g[k];
      if (!a) throw new DataFormatError(file, `array "${k}" is missing.`);
      return a;
    };
    const constituents = need('constituents').data as Float64Array;
    const cOffset = Array.from(need('jet_constituent_offset').data as ArrayLike<number | bigint>, Number);
    const jets = cOffset.slice(1).map((e, j) => new ParticleEvent(constituents.slice(4 * cOffset[j]!, 4 * e)));
    // without node embeddings a batch runs through the tree graph when the model has one; node embeddings need the
    // per-level calls: with both, each path is compared with PyTorch
    const r = await this.embedJets(jets);
    const withNodes = g['node_embedding'] !== undefined ? await this.embedJets(jets, { nodeEmbeddings: true }) : undefined;
    const { atol, rtol } = golden;
    const maxAbsDiff: Record<string, number> = {};
    let ok = true;
    const compare = (name: string, got: ArrayLike<number>, exp: ArrayLike<number>) => {
      let m = got.length === exp.length ? 0 : Infinity;
      for (let i = 0; i < Math.min(got.length, exp.length); i++) {
        const d = Math.abs(got[i]! - exp[i]!);
        if (!(d <= atol + rtol * Math.abs(exp[i]!))) ok = false;
        if (!(d <= m)) m = d;
      }
      if (m === Infinity) ok = false;
      maxAbsDiff[name] = m;
    };
    compare('probability', r.probabilities, need('probability').data as Float32Array);
    compare('embedding', r.embeddings, need('embedding').data as Float32Array);
    if (withNodes?.nodeEmbeddings) {
      if (this.treeSession) compare('probability (per level)', withNodes.probabilities, need('probability').data as Float32Array);
      const all = new Float32Array(withNodes.nodeEmbeddings.reduce((s, e) => s + e.length, 0));
      let o = 0;
      for (const e of withNodes.nodeEmbeddings) {
        all.set(e, o);
        o += e.length;
      }
      compare('node_embedding', all, g['node_embedding']!.data as Float32Array);
    }
    return { ok, atol, rtol, jets: jets.length, maxAbsDiff };
  }

  /** Releases the three onnxruntime sessions. Safe to call twice. */
  async dispose(): Promise<void> {
    await Promise.all([this.embedSession.dispose(), this.cellSession.dispose(), this.headSession.dispose(), this.cellGatherSession?.dispose(), this.treeSession?.dispose()]);
  }
}

/**
 * Loads a RecNN model directory written by `training/jets/train_recnn.py`.
 *
 * @remarks
 * The directory holds `recnn.json` (variant, embedding size, reclustering algorithm and radius, feature names, metrics),
 * `scaler.json` (the {@link RobustScaler} fitted on the training nodes) and three ONNX graphs with their `model.json`
 * manifests: the recursive cell at the top (`model.json`), `embed/` and `head/`. Each graph's sha256 is checked by
 * tensor-core's `loadModel`.
 *
 * @param dir - the model directory
 * @param options - device and threads
 * @returns the model
 * @throws ModelNotFoundError when `recnn.json` or a graph is missing; ChecksumMismatchError / ManifestError /
 *   InvalidModelError from tensor-core for a bad graph; DataFormatError for a bad `recnn.json` or `scaler.json`, or graphs
 *   that do not fit the configuration
 * @example
 * ```ts
 * const model = await loadRecnn('/tmp/recnn-w-quark');
 * const { probabilities } = await model.embedJets(jets);
 * await model.dispose();
 * ```
 */
export async function loadRecnn(dir: string, options: LoadRecnnOptions = {}): Promise<RecnnModel> {
  const configPath = join(dir, 'recnn.json');
  if (!existsSync(configPath)) throw new ModelNotFoundError(configPath, 'RecNN configuration (recnn.json)');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (e) {
    throw new DataFormatError(configPath, `is not valid JSON: ${(e as Error).message}`, undefined, { cause: e });
  }
  const config = parseRecnnConfig(raw, configPath);
  const scalerPath = join(dir, config.scaler);
  if (!existsSync(scalerPath)) throw new ModelNotFoundError(scalerPath, 'RecNN scaler (scaler.json)');
  let scalerRaw: unknown;
  try {
    scalerRaw = JSON.parse(await readFile(scalerPath, 'utf8'));
  } catch (e) {
    throw new DataFormatError(scalerPath, `is not valid JSON: ${(e as Error).message}`, undefined, { cause: e });
  }
  const scaler = RobustScaler.fromJSON(scalerRaw, scalerPath);
  if (scaler.width !== RECNN_FEATURE_COUNT || scaler.features.some((f, i) => f !== config.features[i])) {
    throw new DataFormatError(scalerPath, `scales ${JSON.stringify(scaler.features)}, not the model's features ${JSON.stringify(config.features)}.`);
  }
  const loadOptions: LoadModelOptions = {
    device: options.device ?? 'cpu',
    ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
    ...(options.onFallback ? { onFallback: options.onFallback } : {}),
    ortOptions: options.ortOptions ?? { extra: { session: { intra_op: { allow_spinning: '0' } } } },
  };
  const H = config.embeddingSize;
  const sessions: ModelSession[] = [];
  try {
    const open = async (rel: string, inputs: string[], outputs: string[], dims: Record<string, number>) => {
      const path = join(dir, rel);
      const s = await loadModel(path, loadOptions);
      sessions.push(s);
      checkGraph(s, path, inputs, outputs, dims);
      return s;
    };
    const embed = await open(config.graphs.embed, EMBED_INPUTS, ['u'], { x: RECNN_FEATURE_COUNT, u: H });
    const cell = await open(config.graphs.cell, CELL_INPUTS, ['h'], { h_left: H, h_right: H, u: H, h: H });
    const head = await open(config.graphs.head, HEAD_INPUTS, ['probability', 'logit'], { h_jet: H });
    const gather = config.graphs.cellGather !== undefined && options.gatherCell !== false;
    const cellGather = gather ? await open(config.graphs.cellGather!, CELL_GATHER_INPUTS, ['h'], { table: H, u: H, h: H }) : undefined;
    const useTree = config.graphs.tree !== undefined && options.treeGraph !== false;
    const tree = useTree ? await open(config.graphs.tree!, TREE_INPUTS, TREE_OUTPUTS, { x: RECNN_FEATURE_COUNT, h_jet: H }) : undefined;
    return new RecnnModel({ dir, config, scaler, embed, cell, head, ...(cellGather ? { cellGather } : {}), ...(tree ? { tree } : {}) });
  } catch (e) {
    await Promise.all(sessions.map((s) => s.dispose()));
    throw e;
  }
}
