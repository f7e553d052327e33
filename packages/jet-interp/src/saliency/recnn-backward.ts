/**
 * Reverse-mode gradients of a RecNN's loss with respect to every node embedding.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import type { RecnnTrace } from './recnn-forward';
import type { DenseLayer, RecnnWeights } from './recnn-weights';

/**
 * The gradients of the binary cross-entropy of one jet.
 * @example
 * ```ts
 * const g = recnnBackward(weights, trace, 1);
 * g.embeddings.subarray(k * H, k * H + H); // dL/dh_k
 * ```
 */
export interface RecnnGradients {
  /** L = BCE(sigmoid(logit), label) = softplus(logit) − label·logit. */
  readonly loss: number;
  /** dL/dlogit = sigmoid(logit) − label. */
  readonly logit: number;
  /** dL/dh_k for every node, `N × H` row-major (row `root` is dL/dh_J). */
  readonly embeddings: Float64Array;
}

/** gIn[inOff + i] += Σ_o W[o, i] gOut[o] (the transpose of a dense layer). */
function denseT(layer: DenseLayer, gOut: ArrayLike<number>, gIn: Float64Array, inOff: number): void {
  const { weight, in: n, out: m } = layer;
  for (let o = 0; o < m; o++) {
    const g = gOut[o]!;
    if (g === 0) continue;
    const row = o * n;
    for (let i = 0; i < n; i++) gIn[inOff + i]! += weight[row + i]! * g;
  }
}

/**
 * Backpropagates the binary cross-entropy of a jet's label through the head and down the tree, giving dL/dh_k for every
 * node embedding h_k.
 *
 * @remarks
 * h_k is treated as the intermediate value it is in the network: it reaches the loss only through its parent's cell (as
 * h_L or h_R), so dL/dh_k is the gradient flowing down from the root through all of k's ancestors (for a leaf, h_k = u_k
 * and this is the gradient with respect to its u as an input of its parent). The root's row is dL/dh_J. ReLU has
 * derivative 0 at 0 (PyTorch's convention). Exact up to float64 rounding: it equals PyTorch's autograd on the same
 * weights (see `training/jets/saliency_golden.py`) and central finite differences of {@link recnnForward}.
 *
 * @param weights - the weights the trace was computed with
 * @param trace - from {@link recnnForward}
 * @param label - the jet's true label, 1 (signal) or 0 (background)
 * @returns loss, dL/dlogit and dL/dh per node
 * @throws InvalidArgumentError for a label other than 0 or 1 or weights that do not fit the trace
 * @example
 * ```ts
 * const trace = recnnForward(weights, tree, x);
 * const grads = recnnBackward(weights, trace, label);
 * const H = weights.embeddingSize;
 * const norm = (k: number) => Math.hypot(...grads.embeddings.subarray(k * H, k * H + H));
 * const saliency = norm(k) / norm(tree.root);
 * ```
 */
export function recnnBackward(weights: RecnnWeights, trace: RecnnTrace, label: number): RecnnGradients {
  if (label !== 0 && label !== 1) throw new InvalidArgumentError('label', `label must be 0 (background) or 1 (signal); received ${String(label)}.`);
  const H = weights.embeddingSize;
  if (trace.embeddingSize !== H || trace.variant !== weights.variant) {
    throw new InvalidArgumentError('trace', `the trace comes from a ${trace.variant} RecNN with H = ${trace.embeddingSize}, not these ${weights.variant} weights with H = ${H}.`);
  }
  const { tree, h, u } = trace;
  const N = tree.size;
  const s = trace.logit;
  const loss = Math.max(s, 0) - label * s + Math.log1p(Math.exp(-Math.abs(s)));
  const gLogit = trace.probability - label;
  const g = new Float64Array(N * H);
  // head: logit = out·a2 + b; a2 = ReLU(fc2 a1); a1 = ReLU(fc1 h_J)
  const g2 = new Float64Array(H);
  for (let d = 0; d < H; d++) g2[d] = trace.a2[d]! > 0 ? weights.head.out.weight[d]! * gLogit : 0;
  const g1 = new Float64Array(H);
  denseT(weights.head.fc2, g2, g1, 0);
  for (let d = 0; d < H; d++) if (!(trace.a1[d]! > 0)) g1[d] = 0;
  denseT(weights.head.fc1, g1, g, tree.root * H);

  const gc = new Float64Array(3 * H);
  const gPre = new Float64Array(4 * H);
  const gHc = new Float64Array(H);
  const gRc = new Float64Array(3 * H);
  const gPreR = new Float64Array(3 * H);
  const gZin = new Float64Array(4 * H);
  const gated = weights.variant === 'gated';
  // parents come after their children: going down the indices, a node's gradient is complete when it is reached
  for (let k = N - 1; k >= 0; k--) {
    const l = tree.left[k]!;
    if (l < 0) continue;
    const r = tree.right[k]!;
    const gh = g.subarray(k * H, k * H + H);
    gc.fill(0);
    if (!gated) {
      for (let d = 0; d < H; d++) gPre[d] = h[k * H + d]! > 0 ? gh[d]! : 0;
      denseT(weights.cell.fcH, gPre.subarray(0, H), gc, 0);
    } else {
      const { fcR, fcH, fcZ } = weights.cell as Required<RecnnWeights['cell']>;
      const zr = trace.z!;
      const hc = trace.hCandidate!;
      const rg = trace.r!;
      const zo = k * 4 * H;
      // c = [h_L; h_R; u_k]
      const cAt = (i: number): number => (i < H ? h[l * H + i]! : i < 2 * H ? h[r * H + i - H]! : u[k * H + i - 2 * H]!);
      // h = Σ_g z_g v_g with v = (ĥ, h_L, h_R, u): direct terms and the softmax
      for (let d = 0; d < H; d++) {
        const gd = gh[d]!;
        gHc[d] = gd * zr[zo + d]!;
        gc[d]! += gd * zr[zo + H + d]!;
        gc[H + d]! += gd * zr[zo + 2 * H + d]!;
        gc[2 * H + d]! += gd * zr[zo + 3 * H + d]!;
        const v0 = hc[k * H + d]!;
        const v1 = h[l * H + d]!;
        const v2 = h[r * H + d]!;
        const v3 = u[k * H + d]!;
        const gz0 = gd * v0;
        const gz1 = gd * v1;
        const gz2 = gd * v2;
        const gz3 = gd * v3;
        const z0 = zr[zo + d]!;
        const z1 = zr[zo + H + d]!;
        const z2 = zr[zo + 2 * H + d]!;
        const z3 = zr[zo + 3 * H + d]!;
        const dot = z0 * gz0 + z1 * gz1 + z2 * gz2 + z3 * gz3;
        gPre[d] = z0 * (gz0 - dot);
        gPre[H + d] = z1 * (gz1 - dot);
        gPre[2 * H + d] = z2 * (gz2 - dot);
        gPre[3 * H + d] = z3 * (gz3 - dot);
      }
      // z_pre = W_z [ĥ; c] + b_z
      gZin.fill(0);
      denseT(fcZ, gPre, gZin, 0);
      for (let d = 0; d < H; d++) gHc[d]! += gZin[d]!;
      for (let i = 0; i < 3 * H; i++) gc[i]! += gZin[H + i]!;
      // ĥ = ReLU(W_h (r ⊙ c) + b_h)
      for (let d = 0; d < H; d++) if (!(hc[k * H + d]! > 0)) gHc[d] = 0;
      gRc.fill(0);
      denseT(fcH, gHc, gRc, 0);
      // r ⊙ c, r = σ(W_r c + b_r)
      for (let i = 0; i < 3 * H; i++) {
        const ri = rg[k * 3 * H + i]!;
        gc[i]! += gRc[i]! * ri;
        gPreR[i] = gRc[i]! * cAt(i) * ri * (1 - ri);
      }
      denseT(fcR, gPreR, gc, 0);
    }
    for (let d = 0; d < H; d++) {
      g[l * H + d]! += gc[d]!;
      g[r * H + d]! += gc[H + d]!;
    }
  }
  return { loss, logit: gLogit, embeddings: g };
}
