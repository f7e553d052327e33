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
  type ModelSession,
  type TensorSpec,
  type WithProgress,
} from '@lab/tensor-core';
import type { JetInput } from '../lund/recluster-jet';
import { ParticleEvent } from '../particles/particle-event';
import { buildJetTree, type JetTree } from './jet-tree';
import { RECNN_FEATURE_COUNT, nodeFeatures } from './node-features';
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
}

/** Options of {@link RecnnModel.embedJets} and {@link RecnnModel.embedTrees}. */
export interface RecnnRunOptions extends WithProgress {
  /** Also return every node's embedding (per jet, in tree order), e.g. for saliency. @default false */
  nodeEmbeddings?: boolean;
  /** Nodes per batch: jets are packed into batches of at most this many nodes (a larger jet goes alone). @default 16384 */
  maxBatchNodes?: number;
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
  /** Largest absolute difference per output (`probability`, `embedding`, and `node_embedding` when stored). */
  maxAbsDiff: Record<string, number>;
}

const EMBED_INPUTS = ['x'];
const CELL_INPUTS = ['h_left', 'h_right', 'u'];
const HEAD_INPUTS = ['h_jet'];

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

  /** @internal use {@link loadRecnn} */
  constructor(init: { dir: string; config: RecnnConfig; scaler: RobustScaler; embed: ModelSession; cell: ModelSession; head: ModelSession }) {
    this.dir = init.dir;
    this.config = init.config;
    this.scaler = init.scaler;
    this.embedSession = init.embed;
    this.cellSession = init.cell;
    this.headSession = init.head;
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
    trees.forEach((t, j) => {
      if (t.algorithm !== this.config.algorithm) {
        throw new InvalidArgumentError('trees', `tree ${j} follows ${t.algorithm} reclustering but the model was trained on ${this.config.algorithm} trees; build trees with model.tree(jet).`);
      }
    });
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
      await this.runBatch(trees, start, end, nodes, result);
      start = end;
      progress({ completed: start, total: J, label: 'recnn' });
    }
    return result;
  }

  /** Trees [start, end) with `N` nodes in all: one embed call, one cell call per depth, one head call. */
  private async runBatch(trees: readonly JetTree[], start: number, end: number, N: number, out: RecnnResult): Promise<void> {
    const H = this.config.embeddingSize;
    const W = RECNN_FEATURE_COUNT;
    const B = end - start;
    const offsets = new Int32Array(B + 1);
    const x = new Float32Array(W * N);
    let maxDepth = 0;
    for (let b = 0; b < B; b++) {
      const t = trees[start + b]!;
      const o = offsets[b]!;
      this.scaler.transformToFloat32(nodeFeatures(t), x, W * o);
      offsets[b + 1] = o + t.size;
      for (let k = 0; k < t.size; k++) if (t.depth[k]! > maxDepth) maxDepth = t.depth[k]!;
    }
    // u for every node; leaves keep it as their embedding, internal rows are overwritten level by level (each row's u
    // is read before the row is replaced)
    const emb = (await this.embedSession.run({ x: new Tensor('float32', x, [N, W]) }))['u']!.data as Float32Array;
    if (emb.length !== N * H) throw new DataFormatError(join(this.dir, this.config.graphs.embed), `embed returned ${emb.length} values for ${N} nodes × ${H}.`);
    // internal nodes grouped by depth (counting sort)
    const count = new Int32Array(maxDepth + 2);
    for (let b = 0; b < B; b++) {
      const t = trees[start + b]!;
      for (let k = 0; k < t.size; k++) if (t.left[k]! >= 0) count[t.depth[k]! + 1]!++;
    }
    for (let d = 0; d <= maxDepth; d++) count[d + 1]! += count[d]!;
    const byDepth = new Int32Array(count[maxDepth + 1]!);
    const leftOf = new Int32Array(byDepth.length);
    const rightOf = new Int32Array(byDepth.length);
    const fill = count.slice(0, maxDepth + 1);
    for (let b = 0; b < B; b++) {
      const t = trees[start + b]!;
      const o = offsets[b]!;
      for (let k = 0; k < t.size; k++) {
        if (t.left[k]! < 0) continue;
        const p = fill[t.depth[k]!]!++;
        byDepth[p] = o + k;
        leftOf[p] = o + t.left[k]!;
        rightOf[p] = o + t.right[k]!;
      }
    }
    for (let d = maxDepth - 1; d >= 0; d--) {
      const lo = count[d]!;
      const M = count[d + 1]! - lo;
      if (M === 0) continue;
      const hl = new Float32Array(M * H);
      const hr = new Float32Array(M * H);
      const u = new Float32Array(M * H);
      for (let m = 0; m < M; m++) {
        const node = byDepth[lo + m]!;
        hl.set(emb.subarray(leftOf[lo + m]! * H, leftOf[lo + m]! * H + H), m * H);
        hr.set(emb.subarray(rightOf[lo + m]! * H, rightOf[lo + m]! * H + H), m * H);
        u.set(emb.subarray(node * H, node * H + H), m * H);
      }
      const h = (await this.cellSession.run({
        h_left: new Tensor('float32', hl, [M, H]),
        h_right: new Tensor('float32', hr, [M, H]),
        u: new Tensor('float32', u, [M, H]),
      }))['h']!.data as Float32Array;
      for (let m = 0; m < M; m++) emb.set(h.subarray(m * H, m * H + H), byDepth[lo + m]! * H);
    }
    const hJet = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      const root = offsets[b]! + trees[start + b]!.root;
      hJet.set(emb.subarray(root * H, root * H + H), b * H);
    }
    const head = await this.headSession.run({ h_jet: new Tensor('float32', hJet, [B, H]) });
    out.probabilities.set(head['probability']!.data as Float32Array, start);
    out.logits.set(head['logit']!.data as Float32Array, start);
    out.embeddings.set(hJet, start * H);
    if (out.nodeEmbeddings) {
      for (let b = 0; b < B; b++) out.nodeEmbeddings[start + b] = emb.slice(offsets[b]! * H, offsets[b + 1]! * H);
    }
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
    const r = await this.embedJets(jets, { nodeEmbeddings: g['node_embedding'] !== undefined });
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
    if (r.nodeEmbeddings) {
      const all = new Float32Array(r.nodeEmbeddings.reduce((s, e) => s + e.length, 0));
      let o = 0;
      for (const e of r.nodeEmbeddings) {
        all.set(e, o);
        o += e.length;
      }
      compare('node_embedding', all, g['node_embedding']!.data as Float32Array);
    }
    return { ok, atol, rtol, jets: jets.length, maxAbsDiff };
  }

  /** Releases the three onnxruntime sessions. Safe to call twice. */
  async dispose(): Promise<void> {
    await Promise.all([this.embedSession.dispose(), this.cellSession.dispose(), this.headSession.dispose()]);
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
  const loadOptions = {
    device: options.device ?? 'cpu',
    ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
    ...(options.onFallback ? { onFallback: options.onFallback } : {}),
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
    return new RecnnModel({ dir, config, scaler, embed, cell, head });
  } catch (e) {
    await Promise.all(sessions.map((s) => s.dispose()));
    throw e;
  }
}
