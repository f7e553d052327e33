/**
 * The MLP head of the study: a dense network on frozen embeddings trained in 1 % chunks (partial fits) with Adam and
 * early stopping.
 * @packageDocumentation
 */
import { AdamState, InvalidArgumentError, Mlp, ONNX_MLP_ACTIVATIONS, OnnxMlpTrainer, Rng, throttleProgress, type MlpActivation, type MlpEpoch, type WithProgress } from '@lab/tensor-core';
import { checkEmbeddings, checkLabels, type EmbeddingRows } from './embedding-matrix';

/** The study's hidden layers. */
export const STUDY_MLP_HIDDEN: readonly number[] = Object.freeze([500, 100, 100, 1000]);

/** Options of {@link MlpHead.train}. */
export interface MlpHeadOptions extends WithProgress {
  /** Hidden layer sizes. @default [500, 100, 100, 1000] (the study) */
  hidden?: readonly number[];
  /** Hidden activation. @default 'identity' (the study) */
  activation?: MlpActivation;
  /** Number of classes (softmax outputs; at least 2). @default max(2, max label + 1) */
  classes?: number;
  /** Adam's learning rate. @default 1e-3 */
  learningRate?: number;
  /** Rows per Adam step inside a chunk (scikit-learn's `batch_size='auto'` is min(200, rows)). @default 200 */
  batchSize?: number;
  /** Fraction of the training rows per partial fit. @default 0.01 */
  chunkFraction?: number;
  /** Passes over the training rows at most. @default 25 */
  maxEpochs?: number;
  /** Epochs without improvement of the watched quantity before stopping (best epoch's weights kept). @default 10 */
  patience?: number;
  /** Watched after each epoch: validation loss (lower is better) or accuracy (higher is better). @default 'loss' */
  monitor?: 'loss' | 'accuracy';
  /** Development rows watched for early stopping; without them the training loss is watched. */
  validation?: { x: EmbeddingRows; y: ArrayLike<number> };
  /** L2 penalty (Adam weight decay on the weights). @default 0 */
  weightDecay?: number;
  /** Seed of the initialisation and the shuffles. @default 0 */
  seed?: number;
  /**
   * {@link MlpHead.fit}'s trainer: `onnx` (float32 Adam steps inside onnxruntime — a graph built for the network's
   * shape, one call per tenth of an epoch; identity and ReLU hidden layers), `js` (tensor-core's float64 trainer, as
   * {@link MlpHead.train}), or `auto` (onnx when the activation allows it). @default 'auto'
   */
  engine?: 'auto' | 'onnx' | 'js';
  /** onnxruntime intra-op threads of the `onnx` trainer. @default onnxruntime's choice */
  threads?: number;
}

/** One epoch of {@link MlpHead.train}. */
export type MlpHeadEpoch = MlpEpoch;

/** Rows per evaluation pass (bounds the memory of the float64 activations). */
const EVAL_ROWS = 4096;

function toF64Rows(x: Float32Array, lo: number, hi: number, dim: number): Float64Array {
  const out = new Float64Array((hi - lo) * dim);
  for (let i = 0, j = lo * dim; i < out.length; i++, j++) out[i] = x[j]!;
  return out;
}

/**
 * A dense classifier over embeddings (tensor-core's {@link Mlp}: float64, softmax cross-entropy).
 * @remarks Training follows the study (scikit-learn `MLPClassifier.partial_fit` on 1 % chunks): each epoch shuffles the
 * rows, cuts them into chunks of 1 %, and runs mini-batch Adam over each chunk with one optimiser state for the whole
 * run; after each epoch the development rows are scored and training stops after `patience` epochs without improvement
 * (or after `maxEpochs`), keeping the best epoch's weights.
 * @example
 * ```ts
 * const head = MlpHead.train(trainX, trainY, 1280, { validation: { x: devX, y: devY }, seed: 1 });
 * const yHat = head.predict(testX);
 * ```
 */
export class MlpHead {
  /** The network. */
  readonly model: Mlp;
  /** Per-epoch losses (empty for a loaded head). */
  readonly history: MlpHeadEpoch[];
  /** The epoch (1-based) whose weights were kept (0 for a loaded head). */
  readonly bestEpoch: number;

  /** @internal use {@link MlpHead.train} or {@link MlpHead.fromModel} */
  constructor(model: Mlp, history: MlpHeadEpoch[] = [], bestEpoch = 0) {
    this.model = model;
    this.history = history;
    this.bestEpoch = bestEpoch;
  }

  /**
   * Wraps a trained network.
   * @param model - a multi-class {@link Mlp}
   * @returns the head
   * @throws InvalidArgumentError for a binary (1-output) network
   * @example
   * ```ts
   * const head = MlpHead.fromModel(Mlp.fromJSON(json));
   * ```
   */
  static fromModel(model: Mlp): MlpHead {
    if (model.spec.outputs < 2) throw new InvalidArgumentError('model', 'an MLP head needs a softmax network (outputs ≥ 2).');
    return new MlpHead(model);
  }

  /**
   * Trains a head.
   * @param x - `[rows × dim]` training embeddings
   * @param y - class index per row
   * @param dim - embedding dimension
   * @param options - architecture, optimiser, chunking, early stopping, seed, progress (one unit per partial fit)
   * @returns the trained head (best epoch's weights)
   * @throws InvalidArgumentError for bad sizes, labels or options
   * @example
   * ```ts
   * const head = MlpHead.train(x, y, 1280, { hidden: [500, 100, 100, 1000], validation: { x: devX, y: devY } });
   * ```
   */
  static train(x: EmbeddingRows, y: ArrayLike<number>, dim: number, options: MlpHeadOptions = {}): MlpHead {
    const { data, n, labels, batch, maxEpochs, patience, monitor, val, rng, model, chunk, chunks } = prepareTraining(x, y, dim, options);
    const adam = new AdamState(model, { learningRate: options.learningRate ?? 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: options.weightDecay ?? 0 });
    const progress = throttleProgress(options.onProgress);
    const xb = new Float64Array(batch * dim);
    const yb = new Int32Array(batch);
    const watch = new EpochWatch(model.clone(), monitor, patience);
    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      const order = rng.permutation(n);
      let sum = 0;
      for (let c = 0; c < chunks; c++) {
        const c0 = c * chunk;
        const c1 = Math.min(n, c0 + chunk);
        // one partial fit: mini-batches over this chunk's rows
        for (let b0 = c0; b0 < c1; b0 += batch) {
          const m = Math.min(batch, c1 - b0);
          for (let r = 0; r < m; r++) {
            const i = order[b0 + r]!;
            for (let p = 0, src = i * dim, dst = r * dim; p < dim; p++) xb[dst + p] = data[src + p]!;
            yb[r] = labels[i]!;
          }
          const g = model.lossAndGradients(m === batch ? xb : xb.subarray(0, m * dim), m === batch ? yb : yb.subarray(0, m), m);
          sum += g.loss * m;
          adam.update(model, g.gradWeights, g.gradBiases);
        }
        progress({ completed: (epoch - 1) * chunks + c + 1, total: maxEpochs * chunks, label: `epoch ${epoch}` });
      }
      if (watch.record(endEpoch(epoch, sum / n, model, val, dim), () => model.clone())) break;
    }
    return watch.head();
  }

  /**
   * Trains a head as {@link MlpHead.train} does (same schedule: shuffled 1 % chunks of mini-batch Adam steps, early
   * stopping on the development rows), by default inside onnxruntime in float32 (`engine`), which is several times
   * faster than the float64 JavaScript trainer on the study's architecture.
   * @param x - `[rows × dim]` training embeddings
   * @param y - class index per row
   * @param dim - embedding dimension
   * @param options - as {@link MlpHead.train}, plus `engine` and `threads`
   * @returns the trained head (best epoch's weights)
   * @throws InvalidArgumentError for bad sizes, labels or options, or `engine: 'onnx'` with an activation it lacks
   * @example
   * ```ts
   * const head = await MlpHead.fit(x, y, 1280, { validation: { x: devX, y: devY }, threads: 2 });
   * ```
   */
  static async fit(x: EmbeddingRows, y: ArrayLike<number>, dim: number, options: MlpHeadOptions = {}): Promise<MlpHead> {
    const engine = options.engine ?? 'auto';
    if (engine !== 'auto' && engine !== 'onnx' && engine !== 'js') throw new InvalidArgumentError('engine', `engine must be "auto", "onnx" or "js"; received "${String(engine)}".`);
    const activation = options.activation ?? 'identity';
    if (engine === 'js' || (engine === 'auto' && !ONNX_MLP_ACTIVATIONS.includes(activation))) return MlpHead.train(x, y, dim, options);
    const { data, n, labels, batch, maxEpochs, patience, monitor, val, rng, model, chunk, chunks } = prepareTraining(x, y, dim, options);
    const trainer = await OnnxMlpTrainer.create(
      model,
      { learningRate: options.learningRate ?? 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: options.weightDecay ?? 0 },
      options.threads !== undefined ? { threads: options.threads } : {},
    );
    try {
      const progress = throttleProgress(options.onProgress);
      const slots = Math.min(batch, chunk);
      // steps of one epoch: every chunk cut into mini-batches of ≤ batch rows (as train)
      const stepsPerChunk = Math.ceil(chunk / batch);
      const rows = new Int32Array(chunks * stepsPerChunk * slots);
      const counts = new Int32Array(chunks * stepsPerChunk);
      const chunkEnd = new Int32Array(chunks); // steps up to the end of chunk c
      const watch = new EpochWatch(model.clone(), monitor, patience);
      const groups = Math.min(chunks, 10);
      for (let epoch = 1; epoch <= maxEpochs; epoch++) {
        const order = rng.permutation(n);
        let S = 0;
        for (let c = 0; c < chunks; c++) {
          const c1 = Math.min(n, (c + 1) * chunk);
          for (let b0 = c * chunk; b0 < c1; b0 += batch) {
            const m = Math.min(batch, c1 - b0);
            for (let r = 0; r < m; r++) rows[S * slots + r] = order[b0 + r]!;
            counts[S++] = m;
          }
          chunkEnd[c] = S;
        }
        let sum = 0;
        // one onnxruntime call per group of chunks (progress after each)
        for (let k = 0; k < groups; k++) {
          const cLo = Math.floor((k * chunks) / groups);
          const cHi = Math.floor(((k + 1) * chunks) / groups);
          const s0 = cLo === 0 ? 0 : chunkEnd[cLo - 1]!;
          const s1 = chunkEnd[cHi - 1]!;
          const losses = await trainer.steps(data, labels, rows.subarray(s0 * slots, s1 * slots), counts.subarray(s0, s1), slots);
          for (let s = s0; s < s1; s++) sum += losses[s - s0]! * counts[s]!;
          progress({ completed: (epoch - 1) * chunks + cHi, total: maxEpochs * chunks, label: `epoch ${epoch}` });
        }
        const current = trainer.toMlp();
        if (watch.record(endEpoch(epoch, sum / n, current, val, dim), () => current)) break;
      }
      return watch.head();
    } finally {
      await trainer.dispose();
    }
  }

  /** Embedding dimension. */
  get dim(): number {
    return this.model.spec.inputs;
  }

  /** Number of classes. */
  get classes(): number {
    return this.model.spec.outputs;
  }

  /**
   * Predicted class per row (arg-max of the logits; ties to the lowest class).
   * @param x - `[rows × dim]` embeddings
   * @returns class indices
   * @throws InvalidArgumentError for another dimension or non-finite values
   * @example
   * ```ts
   * const yHat = head.predict(testX);
   * ```
   */
  predict(x: EmbeddingRows): Int32Array {
    const { data, rows } = checkEmbeddings(x, this.dim, 'x');
    const out = new Int32Array(rows);
    for (let lo = 0; lo < rows; lo += EVAL_ROWS) {
      const hi = Math.min(rows, lo + EVAL_ROWS);
      out.set(this.model.predict(toF64Rows(data, lo, hi, this.dim), hi - lo), lo);
    }
    return out;
  }

  /**
   * Softmax probabilities `[rows × classes]`.
   * @param x - `[rows × dim]` embeddings
   * @returns probabilities
   * @throws InvalidArgumentError as {@link MlpHead.predict}
   * @example
   * ```ts
   * const p = head.predictProba(testX);
   * ```
   */
  predictProba(x: EmbeddingRows): Float64Array {
    const { data, rows } = checkEmbeddings(x, this.dim, 'x');
    const out = new Float64Array(rows * this.classes);
    for (let lo = 0; lo < rows; lo += EVAL_ROWS) {
      const hi = Math.min(rows, lo + EVAL_ROWS);
      out.set(this.model.predictProba(toF64Rows(data, lo, hi, this.dim), hi - lo), lo * this.classes);
    }
    return out;
  }
}

/** Checked options, data and the initial network of a training run (shared by MlpHead.train and MlpHead.fit). */
function prepareTraining(x: EmbeddingRows, y: ArrayLike<number>, dim: number, options: MlpHeadOptions) {
  const { data, rows: n } = checkEmbeddings(x, dim, 'x');
  const { labels, classes: seen } = checkLabels(y, n, 'y');
  const classes = options.classes ?? Math.max(2, seen);
  if (!(Number.isInteger(classes) && classes >= Math.max(2, seen))) throw new InvalidArgumentError('classes', `classes must be an integer ≥ max(2, max label + 1) = ${Math.max(2, seen)}; received ${classes}.`);
  const batch = options.batchSize ?? 200;
  const maxEpochs = options.maxEpochs ?? 25;
  const patience = options.patience ?? 10;
  for (const [name, v] of [['batchSize', batch], ['maxEpochs', maxEpochs], ['patience', patience]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new InvalidArgumentError(name, `${name} must be a positive integer; received ${v}.`);
  }
  const fraction = options.chunkFraction ?? 0.01;
  if (!(fraction > 0 && fraction <= 1)) throw new InvalidArgumentError('chunkFraction', `chunkFraction must be in (0, 1]; received ${fraction}.`);
  const monitor = options.monitor ?? 'loss';
  if (monitor !== 'loss' && monitor !== 'accuracy') throw new InvalidArgumentError('monitor', `monitor must be "loss" or "accuracy"; received "${String(monitor)}".`);
  let val: { x: Float32Array; y: Int32Array; rows: number } | undefined;
  if (options.validation) {
    const v = checkEmbeddings(options.validation.x, dim, 'validation.x');
    const vl = checkLabels(options.validation.y, v.rows, 'validation.y');
    if (vl.classes > classes) throw new InvalidArgumentError('validation.y', `validation labels go up to ${vl.classes - 1} but the head has ${classes} classes.`);
    val = { x: v.data, y: vl.labels, rows: v.rows };
  }
  const rng = new Rng(options.seed ?? 0);
  const model = Mlp.create({ inputs: dim, hidden: options.hidden ?? STUDY_MLP_HIDDEN, outputs: classes, activation: options.activation ?? 'identity' }, rng);
  const chunk = Math.max(1, Math.ceil(n * fraction));
  const chunks = Math.ceil(n / chunk);
  return { data, n, labels, batch, maxEpochs, patience, monitor, val, rng, model, chunk, chunks };
}

/**
 * The epochs of a training run and the best one by the watched quantity — validation loss (lower is better), or
 * accuracy (higher is better) when asked and available, else the training loss — with patience (shared by
 * MlpHead.train and MlpHead.fit).
 */
class EpochWatch {
  private readonly history: MlpHeadEpoch[] = [];
  private bestScore = Infinity;
  private bestEpoch = 0;

  constructor(
    private bestModel: Mlp,
    private readonly monitor: 'loss' | 'accuracy',
    private readonly patience: number,
  ) {}

  /** Records an epoch; `keep` gives the network to keep when it is the best so far. True when training should stop. */
  record(entry: MlpHeadEpoch, keep: () => Mlp): boolean {
    this.history.push(entry);
    const score = this.monitor === 'accuracy' && entry.validationAccuracy !== undefined ? -entry.validationAccuracy : (entry.validationLoss ?? entry.loss);
    if (score < this.bestScore) {
      this.bestScore = score;
      this.bestEpoch = entry.epoch;
      this.bestModel = keep();
      return false;
    }
    return entry.epoch - this.bestEpoch >= this.patience;
  }

  /** The head with the best epoch's weights and the whole history. */
  head(): MlpHead {
    return new MlpHead(this.bestModel, this.history, this.bestEpoch);
  }
}

/** An epoch's history entry: the mean training loss, and the development rows' loss and accuracy when given. */
function endEpoch(epoch: number, loss: number, model: Mlp, val: { x: Float32Array; y: Int32Array; rows: number } | undefined, dim: number): MlpHeadEpoch {
  const entry: MlpHeadEpoch = { epoch, loss };
  if (val) {
    const e = evaluate(model, val.x, val.y, val.rows, dim);
    entry.validationLoss = e.loss;
    entry.validationAccuracy = e.accuracy;
  }
  return entry;
}

function evaluate(model: Mlp, x: Float32Array, y: Int32Array, rows: number, dim: number): { loss: number; accuracy: number } {
  let loss = 0;
  let ok = 0;
  for (let lo = 0; lo < rows; lo += EVAL_ROWS) {
    const hi = Math.min(rows, lo + EVAL_ROWS);
    const xs = toF64Rows(x, lo, hi, dim);
    const z = model.logits(xs, hi - lo);
    const K = model.spec.outputs;
    for (let i = 0; i < hi - lo; i++) {
      let max = -Infinity;
      let arg = 0;
      for (let k = 0; k < K; k++) {
        const v = z[i * K + k]!;
        if (v > max) {
          max = v;
          arg = k;
        }
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(z[i * K + k]! - max);
      const label = y[lo + i]!;
      loss += max + Math.log(s) - z[i * K + label]!;
      if (arg === label) ok++;
    }
  }
  return { loss: loss / rows, accuracy: ok / rows };
}
