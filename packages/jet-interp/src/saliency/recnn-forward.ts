/**
 * The RecNN forward pass in TypeScript (float64), keeping what the backward pass needs.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import type { JetTree } from '../recnn/jet-tree';
import { RECNN_FEATURE_COUNT } from '../recnn/node-features';
import type { DenseLayer, RecnnWeights } from './recnn-weights';

/**
 * The part of a {@link JetTree} the network reads: children before parents (`left[k] < k`, `right[k] < k`).
 * @example
 * ```ts
 * const shape: RecnnTreeShape = { size: 3, root: 2, left: Int32Array.from([-1, -1, 0]), right: Int32Array.from([-1, -1, 1]) };
 * ```
 */
export type RecnnTreeShape = Pick<JetTree, 'size' | 'root' | 'left' | 'right'>;

/**
 * Options of {@link recnnForward}.
 * @example
 * ```ts
 * const plus = trace.h.slice(k * H, k * H + H);
 * plus[0] += 1e-5;
 * recnnForward(weights, tree, x, { replace: { node: k, embedding: plus } }).logit;
 * ```
 */
export interface RecnnForwardOptions {
  /**
   * Replace one node's embedding h_node by `embedding` (H values) before its ancestors are computed: the function of h_node
   * whose gradient {@link recnnBackward} gives (finite-difference checks).
   */
  replace?: { node: number; embedding: ArrayLike<number> };
}

/**
 * Everything the forward pass computed for one jet (row k of an `N × …` array belongs to node k).
 * @example
 * ```ts
 * const t = recnnForward(weights, tree, x);
 * t.h.subarray(tree.root * t.embeddingSize, (tree.root + 1) * t.embeddingSize); // h_J
 * t.probability;
 * ```
 */
export interface RecnnTrace {
  /** The tree. */
  readonly tree: RecnnTreeShape;
  /** H. */
  readonly embeddingSize: number;
  /** The variant. */
  readonly variant: RecnnWeights['variant'];
  /** u_k = ReLU(W_u x_k + b_u), `N × H`. */
  readonly u: Float64Array;
  /** Node embeddings h_k (leaves: u_k), `N × H`. */
  readonly h: Float64Array;
  /** Gated cell: reset gates r (`N × 3H`, internal rows only). */
  readonly r?: Float64Array;
  /** Gated cell: candidate ĥ = ReLU(W_h (r ⊙ [h_L; h_R; u]) + b_h) (`N × H`). */
  readonly hCandidate?: Float64Array;
  /** Gated cell: softmax update gates z (`N × 4H`, gate g of dimension d at `4H·k + g·H + d`). */
  readonly z?: Float64Array;
  /** Head activation ReLU(fc1 h_J) (H values). */
  readonly a1: Float64Array;
  /** Head activation ReLU(fc2 a1) (H values). */
  readonly a2: Float64Array;
  /** The head's logit. */
  readonly logit: number;
  /** sigmoid(logit) = P(signal). */
  readonly probability: number;
}

/** out[o] = b[o] + Σ_i W[o, i] in[inOff + i], written at outOff. */
function dense(layer: DenseLayer, input: ArrayLike<number>, inOff: number, out: Float64Array, outOff: number): void {
  const { weight, bias, in: n, out: m } = layer;
  for (let o = 0; o < m; o++) {
    let s = bias[o]!;
    const row = o * n;
    for (let i = 0; i < n; i++) s += weight[row + i]! * input[inOff + i]!;
    out[outOff + o] = s;
  }
}

/** A numerically safe logistic function. */
function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * Runs a RecNN on one jet's tree in float64, exactly as `training/jets/recnn_model.py` defines it.
 *
 * @remarks
 * u_k = ReLU(W_u x_k + b_u) for every node; a leaf's embedding is h_k = u_k. Internal nodes, children first: the simple
 * cell h_k = ReLU(W_h [h_L; h_R; u_k] + b_h); the gated cell r = σ(W_r c + b_r) with c = [h_L; h_R; u_k],
 * ĥ = ReLU(W_h (r ⊙ c) + b_h), z = softmax over 4 gates per dimension of W_z [ĥ; c] + b_z, h_k = z_H ĥ + z_L h_L +
 * z_R h_R + z_N u_k. The head: logit = out(ReLU(fc2(ReLU(fc1 h_J)))). The parameters are the float32 values of
 * `weights.npz`; the ONNX graphs compute in float32, so the two agree to ~1e-6.
 *
 * @param weights - from {@link readRecnnWeights}
 * @param tree - the jet's tree (children before parents, e.g. {@link buildJetTree})
 * @param x - the scaled node features, `N × 7` row-major (e.g. `model.scaler.transform(nodeFeatures(tree))`)
 * @param options - replace a node's embedding (finite differences)
 * @returns the trace of the forward pass
 * @throws InvalidArgumentError for features of the wrong length or a tree whose children do not precede their parents
 * @example
 * ```ts
 * const tree = model.tree(jet);
 * const x = model.scaler.transform(nodeFeatures(tree));
 * const trace = recnnForward(weights, tree, x);
 * trace.probability; // = model.classify([jet])[0] within ~1e-6
 * ```
 */
export function recnnForward(weights: RecnnWeights, tree: RecnnTreeShape, x: ArrayLike<number>, options: RecnnForwardOptions = {}): RecnnTrace {
  const H = weights.embeddingSize;
  const N = tree.size;
  const W = RECNN_FEATURE_COUNT;
  if (!Number.isInteger(N) || N < 1) throw new InvalidArgumentError('tree', `tree.size must be an integer ≥ 1; received ${String(N)}.`);
  if (!x || x.length !== N * W) throw new InvalidArgumentError('x', `x must hold ${W} scaled features per node: ${N * W} values for ${N} nodes; received ${x?.length}.`);
  const replace = options.replace;
  if (replace !== undefined) {
    if (!Number.isInteger(replace.node) || replace.node < 0 || replace.node >= N) throw new InvalidArgumentError('replace.node', `replace.node must be a node index in 0..${N - 1}; received ${String(replace.node)}.`);
    if (replace.embedding.length !== H) throw new InvalidArgumentError('replace.embedding', `replace.embedding must hold H = ${H} values; received ${replace.embedding.length}.`);
  }
  const { left, right } = tree;
  const u = new Float64Array(N * H);
  const h = new Float64Array(N * H);
  for (let k = 0; k < N; k++) {
    dense(weights.embed, x, k * W, u, k * H);
    for (let d = 0; d < H; d++) if (!(u[k * H + d]! > 0)) u[k * H + d] = 0;
  }
  const gated = weights.variant === 'gated';
  const r = gated ? new Float64Array(N * 3 * H) : undefined;
  const hc = gated ? new Float64Array(N * H) : undefined;
  const z = gated ? new Float64Array(N * 4 * H) : undefined;
  const c = new Float64Array(3 * H);
  const rc = new Float64Array(3 * H);
  const zin = new Float64Array(4 * H);
  const pre = new Float64Array(4 * H);
  for (let k = 0; k < N; k++) {
    const l = left[k]!;
    if (l < 0) {
      h.set(u.subarray(k * H, k * H + H), k * H);
    } else {
      const rr = right[k]!;
      if (!(l < k && rr >= 0 && rr < k)) {
        throw new InvalidArgumentError('tree', `node ${k}: its children (${l}, ${rr}) must come before it; build trees with buildJetTree or model.tree(jet).`);
      }
      c.set(h.subarray(l * H, l * H + H), 0);
      c.set(h.subarray(rr * H, rr * H + H), H);
      c.set(u.subarray(k * H, k * H + H), 2 * H);
      if (!gated) {
        dense(weights.cell.fcH, c, 0, h, k * H);
        for (let d = 0; d < H; d++) if (!(h[k * H + d]! > 0)) h[k * H + d] = 0;
      } else {
        const { fcR, fcH, fcZ } = weights.cell as Required<RecnnWeights['cell']>;
        dense(fcR, c, 0, r!, k * 3 * H);
        for (let i = 0; i < 3 * H; i++) {
          const g = sigmoid(r![k * 3 * H + i]!);
          r![k * 3 * H + i] = g;
          rc[i] = g * c[i]!;
        }
        dense(fcH, rc, 0, hc!, k * H);
        for (let d = 0; d < H; d++) if (!(hc![k * H + d]! > 0)) hc![k * H + d] = 0;
        zin.set(hc!.subarray(k * H, k * H + H), 0);
        zin.set(c, H);
        dense(fcZ, zin, 0, pre, 0);
        const zo = k * 4 * H;
        for (let d = 0; d < H; d++) {
          let m = -Infinity;
          for (let g = 0; g < 4; g++) m = Math.max(m, pre[g * H + d]!);
          let s = 0;
          for (let g = 0; g < 4; g++) {
            const e = Math.exp(pre[g * H + d]! - m);
            z![zo + g * H + d] = e;
            s += e;
          }
          for (let g = 0; g < 4; g++) z![zo + g * H + d]! /= s;
          h[k * H + d] = z![zo + d]! * zin[d]! + z![zo + H + d]! * c[d]! + z![zo + 2 * H + d]! * c[H + d]! + z![zo + 3 * H + d]! * c[2 * H + d]!;
        }
      }
    }
    if (replace !== undefined && replace.node === k) for (let d = 0; d < H; d++) h[k * H + d] = replace.embedding[d]!;
  }
  const a1 = new Float64Array(H);
  const a2 = new Float64Array(H);
  dense(weights.head.fc1, h, tree.root * H, a1, 0);
  for (let d = 0; d < H; d++) if (!(a1[d]! > 0)) a1[d] = 0;
  dense(weights.head.fc2, a1, 0, a2, 0);
  for (let d = 0; d < H; d++) if (!(a2[d]! > 0)) a2[d] = 0;
  const out = new Float64Array(1);
  dense(weights.head.out, a2, 0, out, 0);
  const logit = out[0]!;
  return {
    tree,
    embeddingSize: H,
    variant: weights.variant,
    u,
    h,
    ...(gated ? { r: r!, hCandidate: hc!, z: z! } : {}),
    a1,
    a2,
    logit,
    probability: sigmoid(logit),
  };
}
