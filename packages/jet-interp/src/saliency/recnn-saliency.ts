/**
 * Gradient saliency of every clustering node of a jet for a RecNN tagger.
 * @packageDocumentation
 */
import { DataFormatError, InvalidArgumentError, LabError, throttleProgress, type WithProgress } from '@lab/tensor-core';
import type { JetInput } from '../lund/recluster-jet';
import type { JetTree } from '../recnn/jet-tree';
import { nodeFeatures } from '../recnn/node-features';
import type { RecnnModel } from '../recnn/recnn-model';
import { recnnBackward } from './recnn-backward';
import { recnnForward } from './recnn-forward';
import { readRecnnWeights, type RecnnWeights } from './recnn-weights';
import { treeLundCoordinates } from './tree-lund-coordinates';

/**
 * Options of {@link recnnSaliency}.
 * @example
 * ```ts
 * await recnnSaliency(model, jets, labels, { checkOnnx: 1e-5, keepGradients: true, onProgress: bar.onProgress });
 * ```
 */
export interface RecnnSaliencyOptions extends WithProgress {
  /** The parameters; read from the model directory's `weights.npz` when omitted ({@link readRecnnWeights}). */
  weights?: RecnnWeights;
  /**
   * Check that the TypeScript forward pass reproduces the ONNX graphs: the largest |ΔP(signal)| over the jets must stay
   * below this (false: no check). A failure means weights.npz and the graphs come from different trainings.
   * @default 1e-4
   */
  checkOnnx?: number | false;
  /** Also keep every dL/dh_k (`N × H` per jet). @default false */
  keepGradients?: boolean;
}

/**
 * The saliency of every node of one jet.
 * @example
 * ```ts
 * const s = result.jets[0]!;
 * s.saliency[s.tree.root];          // 1
 * s.lnInvDelta[k], s.lnKt[k];       // where internal node k sits in the Lund plane
 * ```
 */
export interface JetSaliency {
  /** The jet's index in the input. */
  readonly index: number;
  /** Its true label (1 signal, 0 background). */
  readonly label: 0 | 1;
  /** The tree (node k of every per-node array is node k of this tree). */
  readonly tree: JetTree;
  /** The network's logit (TypeScript forward pass, float64). */
  readonly logit: number;
  /** P(signal) = sigmoid(logit). */
  readonly probability: number;
  /** The binary cross-entropy L of the true label. */
  readonly loss: number;
  /** ||dL/dh_k||₂ per node. */
  readonly gradientNorm: Float64Array;
  /**
   * ||dL/dh_k||₂ / ||dL/dh_J||₂ per node (the root's is 1). All NaN when dL/dh_J = 0 (every path through the head is
   * switched off by its ReLUs, or the loss is saturated to 0): the ratio is then undefined.
   */
  readonly saliency: Float64Array;
  /** ln(1/Δ) of each internal node's splitting into its two children; NaN for leaves (no splitting). */
  readonly lnInvDelta: Float64Array;
  /** ln(k_t/GeV) of each internal node's splitting; NaN for leaves. */
  readonly lnKt: Float64Array;
  /** With `keepGradients`: dL/dh_k, `N × H` row-major. */
  readonly gradients?: Float64Array;
}

/**
 * What {@link recnnSaliency} returns.
 * @example
 * ```ts
 * const r = await recnnSaliency(model, jets, labels);
 * r.jets.filter((j) => j.label === 1).length;
 * ```
 */
export interface RecnnSaliencyResult {
  /** One entry per input jet, in input order. */
  readonly jets: JetSaliency[];
  /** The model's cell variant. */
  readonly variant: RecnnWeights['variant'];
  /** The model's embedding size H. */
  readonly embeddingSize: number;
  /** Name of label 1 (recnn.json's `signal`, else `signal`). */
  readonly signal: string;
  /** Name of label 0 (recnn.json's `background`, else `background`). */
  readonly background: string;
  /** Largest |P_TypeScript − P_ONNX| over the jets (when checked). */
  readonly onnxMaxAbsDiff?: number;
}

/**
 * Gradient saliency of a RecNN jet tagger (Cheng, "Interpretability Study on Deep Learning for Jet Physics at the LHC"):
 * for each clustering node i, saliency_i = ||dL/dh_i||₂ / ||dL/dh_J||₂, with h_i the node's embedding, h_J the jet
 * embedding (the root's) and L the binary cross-entropy of the jet's true label on the network's logit.
 *
 * @remarks
 * Each jet is reclustered as the model was trained ({@link RecnnModel.tree}), its 7 node features are scaled with the
 * model's scaler (rounded to float32, as the ONNX graphs see them) and the network is run forward and backward in
 * float64 from `weights.npz` ({@link recnnForward}, {@link recnnBackward}): the gradients are exact, not finite
 * differences. By default the TypeScript probabilities are first checked against the ONNX graphs. Each internal node also
 * gets the Lund coordinates of its splitting ({@link treeLundCoordinates}); leaves keep their saliency but have NaN
 * coordinates, so Lund-plane maps ({@link saliencyLundMaps}) leave them out.
 *
 * @param model - from {@link loadRecnn}
 * @param jets - constituents or clustering nodes
 * @param labels - the true label of each jet: 1 signal, 0 background
 * @param options - weights, ONNX check, gradients, progress (`label: 'saliency'`, one unit per jet)
 * @returns per jet and node: saliency, gradient norm, Lund coordinates
 * @throws InvalidArgumentError for misaligned or non-binary labels or a jet without constituents; DataFormatError when
 *   weights.npz is missing or does not reproduce the ONNX graphs
 * @example
 * ```ts
 * const model = await loadRecnn('models/recnn-w-qcd-simple');
 * const jets = [...generateJets('w', 50, { seed: 1 }), ...generateJets('quark', 50, { seed: 2 })].map((j) => j.constituents);
 * const labels = jets.map((_, i) => (i < 50 ? 1 : 0));
 * const result = await recnnSaliency(model, jets, labels, { onProgress: (e) => console.log(e.completed, e.total) });
 * const maps = saliencyLundMaps(result.jets);
 * await model.dispose();
 * ```
 */
export async function recnnSaliency(model: RecnnModel, jets: readonly JetInput[], labels: ArrayLike<number>, options: RecnnSaliencyOptions = {}): Promise<RecnnSaliencyResult> {
  if (!Array.isArray(jets)) throw new InvalidArgumentError('jets', `jets must be an array of jets; received ${typeof jets}.`);
  if (!labels || labels.length !== jets.length) throw new InvalidArgumentError('labels', `labels must hold one label per jet: ${jets.length} jets, ${labels?.length} labels.`);
  for (let j = 0; j < labels.length; j++) {
    if (labels[j] !== 0 && labels[j] !== 1) throw new InvalidArgumentError('labels', `labels[${j}] is ${String(labels[j])}; labels must be 1 (signal) or 0 (background).`);
  }
  const checkOnnx = options.checkOnnx ?? 1e-4;
  if (checkOnnx !== false && !(typeof checkOnnx === 'number' && checkOnnx > 0)) throw new InvalidArgumentError('checkOnnx', `checkOnnx must be a tolerance > 0 or false; received ${String(checkOnnx)}.`);
  const weights = options.weights ?? (await readRecnnWeights(model.dir));
  if (weights.variant !== model.config.variant || weights.embeddingSize !== model.embeddingSize) {
    throw new InvalidArgumentError('weights', `the weights are a ${weights.variant} RecNN with H = ${weights.embeddingSize}, but the model is ${model.config.variant} with H = ${model.embeddingSize}; read them from the same directory.`);
  }
  const trees = jets.map((jet, j) => {
    try {
      return model.tree(jet);
    } catch (e) {
      if (LabError.isInstance(e) && e.code === 'INVALID_ARGUMENT') throw new InvalidArgumentError('jets', `jet ${j}: ${e.message}`, { cause: e });
      throw e;
    }
  });
  const tolerance = checkOnnx === false ? Infinity : checkOnnx;
  let onnx: Float32Array | undefined;
  if (checkOnnx !== false && trees.length > 0) {
    onnx = (await model.embedTrees(trees, options.onProgress ? { onProgress: options.onProgress } : {})).probabilities;
  }
  const H = weights.embeddingSize;
  const progress = throttleProgress(options.onProgress);
  const label = 'saliency';
  progress({ completed: 0, total: trees.length, label });
  const out: JetSaliency[] = [];
  let maxDiff = 0;
  for (let j = 0; j < trees.length; j++) {
    const tree = trees[j]!;
    const x = Float64Array.from(model.scaler.transformToFloat32(nodeFeatures(tree)));
    const trace = recnnForward(weights, tree, x);
    if (onnx) {
      const d = Math.abs(trace.probability - onnx[j]!);
      if (!(d <= maxDiff)) maxDiff = d;
      if (!(d <= tolerance)) {
        throw new DataFormatError(weights.file, `does not reproduce the ONNX graphs of ${model.dir}: jet ${j} has P(signal) ${trace.probability} in TypeScript but ${onnx[j]} from ONNX (tolerance ${tolerance}); re-export the model with training/jets/train_recnn.py so that weights.npz and the graphs come from the same training.`);
      }
    }
    const y = labels[j] as 0 | 1;
    const grads = recnnBackward(weights, trace, y);
    const N = tree.size;
    const gradientNorm = new Float64Array(N);
    for (let k = 0; k < N; k++) {
      let s = 0;
      for (let d = 0; d < H; d++) s += grads.embeddings[k * H + d]! ** 2;
      gradientNorm[k] = Math.sqrt(s);
    }
    const rootNorm = gradientNorm[tree.root]!;
    const saliency = rootNorm > 0 ? gradientNorm.map((v) => v / rootNorm) : new Float64Array(N).fill(NaN);
    const lund = treeLundCoordinates(tree);
    out.push({
      index: j,
      label: y,
      tree,
      logit: trace.logit,
      probability: trace.probability,
      loss: grads.loss,
      gradientNorm,
      saliency,
      lnInvDelta: lund.lnInvDelta,
      lnKt: lund.lnKt,
      ...(options.keepGradients ? { gradients: grads.embeddings } : {}),
    });
    progress({ completed: j + 1, total: trees.length, label });
  }
  return {
    jets: out,
    variant: weights.variant,
    embeddingSize: H,
    signal: model.config.signal ?? 'signal',
    background: model.config.background ?? 'background',
    ...(onnx ? { onnxMaxAbsDiff: maxDiff } : {}),
  };
}
