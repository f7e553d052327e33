/**
 * A small multilayer perceptron with its own training loop (mini-batch Adam, early stopping): the dense heads that
 * domain packages fit on frozen embeddings (jet-interp's transfer heads, protein-tl's MLP heads).
 * @packageDocumentation
 */
import { InvalidArgumentError, DataFormatError } from '../errors/lab-error';
import { throttleProgress, type WithProgress } from '../progress/progress';
import { Rng } from '../rng/rng';
import { wasmGemm } from './wasm-gemm';

/** Hidden-layer activations of {@link Mlp}. */
export const MLP_ACTIVATIONS = Object.freeze(['relu', 'identity', 'tanh', 'logistic'] as const);
/** One of {@link MLP_ACTIVATIONS}. */
export type MlpActivation = (typeof MLP_ACTIVATIONS)[number];

/**
 * The shape of an {@link Mlp}.
 * @remarks `outputs: 1` is a binary classifier (sigmoid output, binary cross-entropy); `outputs ≥ 2` a multi-class one
 * (softmax output, cross-entropy over integer labels).
 */
export interface MlpSpec {
  /** Input features. */
  inputs: number;
  /** Sizes of the hidden layers (may be empty: logistic/softmax regression). */
  hidden: readonly number[];
  /** 1 (binary) or the number of classes. */
  outputs: number;
  /** Activation of every hidden layer. @default 'relu' */
  activation?: MlpActivation;
}

/** The versioned JSON form of an {@link Mlp} (`format: 'lab-mlp'`). */
export interface MlpJson {
  format: 'lab-mlp';
  version: 1;
  spec: Required<MlpSpec>;
  /** Per layer, `[in × out]` row-major. */
  weights: number[][];
  /** Per layer, `[out]`. */
  biases: number[][];
}

type Rows = Float32Array | Float64Array | readonly number[];

function checkSpec(spec: MlpSpec): Required<MlpSpec> {
  const pos = (v: number, name: string) => {
    if (!(Number.isInteger(v) && v > 0)) throw new InvalidArgumentError(name, `${name} must be a positive integer; received ${v}.`);
  };
  pos(spec.inputs, 'inputs');
  pos(spec.outputs, 'outputs');
  if (!Array.isArray(spec.hidden)) throw new InvalidArgumentError('hidden', 'hidden must be an array of layer sizes, e.g. [70, 70].');
  spec.hidden.forEach((h, i) => pos(h, `hidden[${i}]`));
  const activation = spec.activation ?? 'relu';
  if (!(MLP_ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new InvalidArgumentError('activation', `Unsupported activation "${activation}". Supported: ${MLP_ACTIVATIONS.join(', ')}.`);
  }
  return { inputs: spec.inputs, hidden: [...spec.hidden], outputs: spec.outputs, activation };
}

/** Multiply-adds from which a product goes to the WebAssembly kernel (below, copying costs more than it saves). */
const WASM_MIN_WORK = 1 << 15;

/**
 * C[i·m + j] = Σ_s L(i, s)·R(s, j) (+ bias[j]) for i < n, j < m, s < k, where L(i, s) = A[i·aRow + s·aK] and
 * R(s, j) = B[s·bK + j·bCol]: one strided kernel for the three products of a dense layer (forward, weight gradient,
 * input gradient). 4 × 4 register tiles (16 accumulators, 8 loads per 16 multiply-adds), the rows of C walked inside
 * one column panel so that the panel of B stays in cache; scalar loops for the edges.
 */
function gemm(
  A: Float64Array, aRow: number, aK: number,
  B: Float64Array, bK: number, bCol: number,
  n: number, m: number, k: number, bias?: Float64Array,
): Float64Array {
  // large products on the WebAssembly SIMD kernel (same summation order, bit-identical results); JavaScript otherwise
  const W = n * m * k >= WASM_MIN_WORK ? wasmGemm(A, aRow, aK, B, bK, bCol, n, m, k) : null;
  if (W) {
    if (bias) for (let i = 0; i < n; i++) for (let j = 0, o = i * m; j < m; j++) W[o + j]! += bias[j]!;
    return W;
  }
  const C = new Float64Array(n * m);
  const n4 = n - (n % 4);
  const m4 = m - (m % 4);
  for (let j = 0; j < m4; j += 4) {
    const b0 = j * bCol;
    const b1 = b0 + bCol;
    const b2 = b1 + bCol;
    const b3 = b2 + bCol;
    for (let i = 0; i < n4; i += 4) {
      const a0 = i * aRow;
      const a1 = a0 + aRow;
      const a2 = a1 + aRow;
      const a3 = a2 + aRow;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let s = 0, sa = 0, sb = 0; s < k; s++, sa += aK, sb += bK) {
        const x0 = A[a0 + sa]!;
        const x1 = A[a1 + sa]!;
        const x2 = A[a2 + sa]!;
        const x3 = A[a3 + sa]!;
        const y0 = B[b0 + sb]!;
        const y1 = B[b1 + sb]!;
        const y2 = B[b2 + sb]!;
        const y3 = B[b3 + sb]!;
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = i * m + j;
      C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03;
      o += m;
      C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13;
      o += m;
      C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23;
      o += m;
      C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33;
    }
  }
  // edges: the last n % 4 rows (all columns) and the last m % 4 columns (first n4 rows)
  const edge = (i: number, j: number) => {
    let c = 0;
    for (let s = 0, sa = i * aRow, sb = j * bCol; s < k; s++, sa += aK, sb += bK) c += A[sa]! * B[sb]!;
    C[i * m + j] = c;
  };
  for (let i = n4; i < n; i++) for (let j = 0; j < m; j++) edge(i, j);
  for (let i = 0; i < n4; i++) for (let j = m4; j < m; j++) edge(i, j);
  if (bias) {
    for (let i = 0; i < n; i++) for (let j = 0, o = i * m; j < m; j++) C[o + j]! += bias[j]!;
  }
  return C;
}

/** C[n×m] = A[n×k]·B[k×m] (+ bias row). */
function matmul(A: Float64Array, B: Float64Array, n: number, k: number, m: number, bias?: Float64Array): Float64Array {
  return gemm(A, k, 1, B, m, 1, n, m, k, bias);
}

/** G[k×m] = A[n×k]ᵀ·D[n×m]. */
function matmulTA(A: Float64Array, D: Float64Array, n: number, k: number, m: number): Float64Array {
  return gemm(A, 1, k, D, m, 1, k, m, n);
}

/** E[n×k] = D[n×m]·B[k×m]ᵀ. */
function matmulTB(D: Float64Array, B: Float64Array, n: number, m: number, k: number): Float64Array {
  return gemm(D, m, 1, B, 1, m, n, k, m);
}

function activate(z: Float64Array, act: MlpActivation): Float64Array {
  if (act === 'identity') return z;
  const a = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    a[i] = act === 'relu' ? (v > 0 ? v : 0) : act === 'tanh' ? Math.tanh(v) : 1 / (1 + Math.exp(-v));
  }
  return a;
}

/** δ ⊙ act'(z), given a = act(z). */
function activationGrad(delta: Float64Array, a: Float64Array, act: MlpActivation): void {
  if (act === 'identity') return;
  for (let i = 0; i < delta.length; i++) {
    const v = a[i]!;
    delta[i]! *= act === 'relu' ? (v > 0 ? 1 : 0) : act === 'tanh' ? 1 - v * v : v * (1 - v);
  }
}

function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/**
 * A multilayer perceptron: dense hidden layers with one activation, and a sigmoid (binary) or softmax (multi-class)
 * output. Weights are float64. Train it with {@link trainMlp}; save it with {@link Mlp.toJSON}, load it with
 * {@link Mlp.fromJSON}.
 * @example
 * ```ts
 * const mlp = Mlp.create({ inputs: 70, hidden: [70, 70], outputs: 1 }, new Rng(1));
 * const p = mlp.predictProba(x, rows);  // P(class 1) per row
 * ```
 */
export class Mlp {
  /** The shape. */
  readonly spec: Required<MlpSpec>;
  /** Per layer, `[in × out]` row-major. */
  readonly weights: Float64Array[];
  /** Per layer, `[out]`. */
  readonly biases: Float64Array[];

  /** @internal use {@link Mlp.create} or {@link Mlp.fromJSON} */
  constructor(spec: MlpSpec, weights: Float64Array[], biases: Float64Array[]) {
    this.spec = checkSpec(spec);
    const sizes = this.sizes;
    if (weights.length !== sizes.length - 1 || biases.length !== sizes.length - 1) {
      throw new InvalidArgumentError('weights', `an MLP with layer sizes ${sizes.join('-')} needs ${sizes.length - 1} weight matrices and bias vectors.`);
    }
    weights.forEach((w, l) => {
      if (w.length !== sizes[l]! * sizes[l + 1]!) throw new InvalidArgumentError('weights', `layer ${l} needs ${sizes[l]}×${sizes[l + 1]} weights; received ${w.length}.`);
      if (biases[l]!.length !== sizes[l + 1]!) throw new InvalidArgumentError('biases', `layer ${l} needs ${sizes[l + 1]} biases; received ${biases[l]!.length}.`);
    });
    this.weights = weights;
    this.biases = biases;
  }

  /**
   * A new network with Glorot-uniform weights (bound √(6/(fan_in + fan_out)), ×√2 for logistic layers, as
   * scikit-learn's MLP) and zero biases.
   * @param spec - the shape
   * @param rng - the random generator (seeded: same seed, same network)
   * @returns the network
   * @throws InvalidArgumentError for a bad shape
   * @example
   * ```ts
   * const mlp = Mlp.create({ inputs: 4, hidden: [8], outputs: 3, activation: 'tanh' }, new Rng(0));
   * ```
   */
  static create(spec: MlpSpec, rng: Rng): Mlp {
    const s = checkSpec(spec);
    const sizes = [s.inputs, ...s.hidden, s.outputs];
    const weights: Float64Array[] = [];
    const biases: Float64Array[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l]!;
      const fanOut = sizes[l + 1]!;
      const bound = (s.activation === 'logistic' ? Math.SQRT2 : 1) * Math.sqrt(6 / (fanIn + fanOut));
      const w = new Float64Array(fanIn * fanOut);
      for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * bound;
      weights.push(w);
      biases.push(new Float64Array(fanOut));
    }
    return new Mlp(s, weights, biases);
  }

  /**
   * Reads the JSON form.
   * @param json - from {@link Mlp.toJSON} (parsed)
   * @param source - file name for error messages
   * @returns the network
   * @throws DataFormatError for another format or version, or arrays of the wrong size
   * @example
   * ```ts
   * const mlp = Mlp.fromJSON(JSON.parse(await readFile('head.json', 'utf8')), 'head.json');
   * ```
   */
  static fromJSON(json: unknown, source = 'MLP JSON'): Mlp {
    const j = json as Partial<MlpJson> | null;
    if (!j || j.format !== 'lab-mlp') throw new DataFormatError(source, 'not an MLP file (format "lab-mlp"); save networks with Mlp.toJSON().');
    if (j.version !== 1) throw new DataFormatError(source, `MLP format version ${String(j.version)} is not supported (this library reads version 1); upgrade @lab/tensor-core.`);
    if (!j.spec || !Array.isArray(j.weights) || !Array.isArray(j.biases)) throw new DataFormatError(source, 'the MLP file lacks spec, weights or biases.');
    try {
      return new Mlp(j.spec, j.weights.map((w) => Float64Array.from(w)), j.biases.map((b) => Float64Array.from(b)));
    } catch (e) {
      throw new DataFormatError(source, `the MLP file is inconsistent: ${(e as Error).message}`, undefined, { cause: e });
    }
  }

  /** Layer sizes, input to output. */
  get sizes(): number[] {
    return [this.spec.inputs, ...this.spec.hidden, this.spec.outputs];
  }

  /** Number of parameters. */
  get parameterCount(): number {
    return this.weights.reduce((s, w, l) => s + w.length + this.biases[l]!.length, 0);
  }

  /**
   * The JSON form (versioned; numbers as they are).
   * @returns a plain object for JSON.stringify
   * @example
   * ```ts
   * await writeFile('head.json', JSON.stringify(mlp.toJSON()));
   * ```
   */
  toJSON(): MlpJson {
    return { format: 'lab-mlp', version: 1, spec: { ...this.spec, hidden: [...this.spec.hidden] }, weights: this.weights.map((w) => Array.from(w)), biases: this.biases.map((b) => Array.from(b)) };
  }

  /** A deep copy. */
  clone(): Mlp {
    return new Mlp(this.spec, this.weights.map((w) => w.slice()), this.biases.map((b) => b.slice()));
  }

  /** @internal every layer's activations for `n` rows (index 0: the input; last: the output pre-activations). */
  forwardLayers(x: Float64Array, n: number): Float64Array[] {
    const sizes = this.sizes;
    const acts: Float64Array[] = [x];
    let a = x;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const z = matmul(a, this.weights[l]!, n, sizes[l]!, sizes[l + 1]!, this.biases[l]!);
      a = l + 2 < sizes.length ? activate(z, this.spec.activation) : z;
      acts.push(a);
    }
    return acts;
  }

  /**
   * Output logits (pre-sigmoid/softmax).
   * @param x - `[rows × inputs]` row-major
   * @param rows - number of rows @default x.length / inputs
   * @returns `[rows × outputs]`
   * @throws InvalidArgumentError when x does not hold rows × inputs values
   * @example
   * ```ts
   * mlp.logits(x)[0];
   * ```
   */
  logits(x: Rows, rows?: number): Float64Array {
    const n = rows ?? x.length / this.spec.inputs;
    if (!Number.isInteger(n) || x.length !== n * this.spec.inputs) throw new InvalidArgumentError('x', `x must hold rows × ${this.spec.inputs} values; received ${x.length} values${rows === undefined ? '' : ` for ${rows} rows`}.`);
    const layers = this.forwardLayers(x instanceof Float64Array ? x : Float64Array.from(x), n);
    return layers[layers.length - 1]!;
  }

  /**
   * Class probabilities: P(class 1) per row for a binary network, `[rows × classes]` softmax rows otherwise.
   * @param x - `[rows × inputs]` row-major
   * @param rows - number of rows @default x.length / inputs
   * @returns probabilities
   * @throws InvalidArgumentError as {@link Mlp.logits}
   * @example
   * ```ts
   * const p = mlp.predictProba(x);
   * ```
   */
  predictProba(x: Rows, rows?: number): Float64Array {
    const z = this.logits(x, rows);
    const K = this.spec.outputs;
    if (K === 1) return z.map((v) => 1 / (1 + Math.exp(-v)));
    const out = new Float64Array(z.length);
    for (let i = 0; i < z.length; i += K) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, z[i + k]!);
      let s = 0;
      for (let k = 0; k < K; k++) s += out[i + k] = Math.exp(z[i + k]! - max);
      for (let k = 0; k < K; k++) out[i + k]! /= s;
    }
    return out;
  }

  /**
   * Predicted class per row (0/1 for a binary network at P = 0.5; the arg-max class otherwise).
   * @param x - `[rows × inputs]`
   * @param rows - number of rows
   * @returns class indices
   * @example
   * ```ts
   * mlp.predict(x);
   * ```
   */
  predict(x: Rows, rows?: number): Int32Array {
    const z = this.logits(x, rows);
    const K = this.spec.outputs;
    if (K === 1) return Int32Array.from(z, (v) => (v > 0 ? 1 : 0));
    const out = new Int32Array(z.length / K);
    for (let i = 0; i < out.length; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (z[i * K + k]! > z[i * K + best]!) best = k;
      out[i] = best;
    }
    return out;
  }

  /**
   * Mean loss (binary cross-entropy, or cross-entropy over integer labels) and its gradients for a batch.
   * @param x - `[rows × inputs]` float64
   * @param y - labels (0/1, or class indices)
   * @param rows - number of rows
   * @returns the loss and per-layer gradients (same layout as weights and biases)
   * @throws InvalidArgumentError for a label outside the classes
   * @example
   * ```ts
   * const { loss, gradWeights } = mlp.lossAndGradients(x, y, rows);
   * ```
   */
  lossAndGradients(x: Float64Array, y: ArrayLike<number>, rows: number): { loss: number; gradWeights: Float64Array[]; gradBiases: Float64Array[] } {
    const sizes = this.sizes;
    const L = sizes.length - 1;
    const K = this.spec.outputs;
    const acts = this.forwardLayers(x, rows);
    const z = acts[L]!;
    // δ at the output: (p - onehot(y)) / rows for both sigmoid + BCE and softmax + CE
    const delta = new Float64Array(rows * K);
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      const label = y[i]!;
      if (K === 1) {
        if (label !== 0 && label !== 1) throw new InvalidArgumentError('y', `labels of a binary MLP must be 0 or 1; row ${i} has ${label}.`);
        const v = z[i]!;
        loss -= label === 1 ? logSigmoid(v) : logSigmoid(-v);
        delta[i] = (1 / (1 + Math.exp(-v)) - label) / rows;
      } else {
        if (!(Number.isInteger(label) && label >= 0 && label < K)) throw new InvalidArgumentError('y', `labels must be class indices 0…${K - 1}; row ${i} has ${label}.`);
        let max = -Infinity;
        for (let k = 0; k < K; k++) max = Math.max(max, z[i * K + k]!);
        let s = 0;
        for (let k = 0; k < K; k++) s += Math.exp(z[i * K + k]! - max);
        const logZ = max + Math.log(s);
        loss += logZ - z[i * K + label]!;
        for (let k = 0; k < K; k++) delta[i * K + k] = (Math.exp(z[i * K + k]! - logZ) - (k === label ? 1 : 0)) / rows;
      }
    }
    const gradWeights: Float64Array[] = new Array(L);
    const gradBiases: Float64Array[] = new Array(L);
    let d: Float64Array = delta;
    for (let l = L - 1; l >= 0; l--) {
      const nin = sizes[l]!;
      const nout = sizes[l + 1]!;
      gradWeights[l] = matmulTA(acts[l]!, d, rows, nin, nout);
      const gb = new Float64Array(nout);
      for (let i = 0; i < rows; i++) for (let j = 0; j < nout; j++) gb[j]! += d[i * nout + j]!;
      gradBiases[l] = gb;
      if (l > 0) {
        const prev = matmulTB(d, this.weights[l]!, rows, nout, nin);
        activationGrad(prev, acts[l]!, this.spec.activation);
        d = prev;
      }
    }
    return { loss: loss / rows, gradWeights, gradBiases };
  }
}

/** Adam's state for an {@link Mlp} (PyTorch's update: bias-corrected moments, ε outside the square root). */
export class AdamState {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  /** Steps taken. */
  step = 0;

  /**
   * @param mlp - the network whose parameters this state updates
   * @param options - learning rate, betas, ε, and an L2 weight decay on the weights only (not the biases), added to the
   *   gradient as torch.optim.Adam's `weight_decay`
   */
  constructor(
    mlp: Mlp,
    readonly options: { learningRate: number; beta1: number; beta2: number; epsilon: number; weightDecay: number },
  ) {
    const params = [...mlp.weights, ...mlp.biases];
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  /**
   * One update of every parameter.
   * @param mlp - the network
   * @param gradWeights - gradients of the weights
   * @param gradBiases - gradients of the biases
   */
  update(mlp: Mlp, gradWeights: Float64Array[], gradBiases: Float64Array[]): void {
    const { learningRate: lr, beta1, beta2, epsilon, weightDecay } = this.options;
    this.step++;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    const params = [...mlp.weights, ...mlp.biases];
    const grads = [...gradWeights, ...gradBiases];
    params.forEach((p, k) => {
      const g = grads[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      const decay = k < mlp.weights.length ? weightDecay : 0;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]! + decay * p[i]!;
        m[i] = beta1 * m[i]! + (1 - beta1) * gi;
        v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
        p[i]! -= (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + epsilon);
      }
    });
  }
}

/** Options of {@link trainMlp}. */
export interface TrainMlpOptions extends WithProgress {
  /** Hidden layer sizes. @default [100] */
  hidden?: readonly number[];
  /** Hidden activation. @default 'relu' */
  activation?: MlpActivation;
  /** Number of classes (1 = binary with labels 0/1). @default 1 when the labels are 0/1, else max label + 1 */
  outputs?: number;
  /** Passes over the training rows at most. @default 25 */
  epochs?: number;
  /** Rows per Adam step. @default 256 */
  batchSize?: number;
  /** Adam's learning rate. @default 1e-3 */
  learningRate?: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  epsilon?: number;
  /** L2 penalty added to the weight gradients (torch.optim.Adam's weight_decay). @default 0 */
  weightDecay?: number;
  /** Held-out rows for early stopping (their mean loss after each epoch); without them the training loss is watched. */
  validation?: { x: Rows; y: ArrayLike<number> };
  /** Epochs without a better watched loss before stopping; the best epoch's weights are restored. @default 10 */
  patience?: number;
  /** Seed of the initialisation and the shuffling. @default 0 */
  seed?: number;
  /** Start from these weights instead of a fresh network (partial fit). */
  init?: Mlp;
}

/** One epoch of {@link trainMlp}. */
export interface MlpEpoch {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Mean validation loss, when validation rows were given. */
  validationLoss?: number;
  /** Validation accuracy, when validation rows were given. */
  validationAccuracy?: number;
}

/** What {@link trainMlp} returns. */
export interface TrainMlpResult {
  /** The network with the best epoch's weights. */
  model: Mlp;
  /** Per-epoch losses. */
  history: MlpEpoch[];
  /** The epoch (1-based) whose weights were kept. */
  bestEpoch: number;
}

function toF64(x: Rows): Float64Array<ArrayBufferLike> {
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/**
 * Trains an {@link Mlp} with mini-batch Adam on shuffled rows, watching the validation loss (or the training loss) for
 * early stopping and keeping the best epoch's weights.
 * @param x - training rows `[n × inputs]` row-major
 * @param y - labels (0/1 for binary, class indices otherwise)
 * @param inputs - columns per row
 * @param options - architecture, optimiser, early stopping, seed, progress (one unit per batch)
 * @returns the trained network, its history and the best epoch
 * @throws InvalidArgumentError for mismatched sizes, bad labels or options
 * @example
 * ```ts
 * const { model } = trainMlp(xTrain, yTrain, 70, { hidden: [70, 70], validation: { x: xVal, y: yVal }, seed: 1 });
 * const p = model.predictProba(xTest);
 * ```
 */
export function trainMlp(x: Rows, y: ArrayLike<number>, inputs: number, options: TrainMlpOptions = {}): TrainMlpResult {
  if (!(Number.isInteger(inputs) && inputs > 0)) throw new InvalidArgumentError('inputs', `inputs must be a positive integer; received ${inputs}.`);
  const n = x.length / inputs;
  if (!Number.isInteger(n) || n === 0) throw new InvalidArgumentError('x', `x must hold a positive whole number of rows of ${inputs} values; received ${x.length} values.`);
  if (y.length !== n) throw new InvalidArgumentError('y', `y has ${y.length} labels for ${n} rows.`);
  let maxLabel = 0;
  for (let i = 0; i < n; i++) maxLabel = Math.max(maxLabel, y[i]!);
  const outputs = options.outputs ?? (maxLabel <= 1 ? 1 : maxLabel + 1);
  const epochs = options.epochs ?? 25;
  const batch = options.batchSize ?? 256;
  const patience = options.patience ?? 10;
  for (const [name, v] of [['epochs', epochs], ['batchSize', batch], ['patience', patience]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new InvalidArgumentError(name, `${name} must be a positive integer; received ${v}.`);
  }
  const rng = new Rng(options.seed ?? 0);
  const model = options.init ? options.init.clone() : Mlp.create({ inputs, hidden: options.hidden ?? [100], outputs, activation: options.activation ?? 'relu' }, rng);
  if (model.spec.inputs !== inputs || model.spec.outputs !== outputs) throw new InvalidArgumentError('init', `the initial network is ${model.sizes.join('-')} but the data need ${inputs} inputs and ${outputs} outputs.`);
  const adam = new AdamState(model, {
    learningRate: options.learningRate ?? 1e-3,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    epsilon: options.epsilon ?? 1e-8,
    weightDecay: options.weightDecay ?? 0,
  });
  const X: Float64Array<ArrayBufferLike> = toF64(x);
  const val = options.validation ? { x: toF64(options.validation.x), y: options.validation.y } : undefined;
  if (val && (val.x.length !== val.y.length * inputs)) throw new InvalidArgumentError('validation', `validation x holds ${val.x.length} values for ${val.y.length} labels × ${inputs} inputs.`);
  const progress = throttleProgress(options.onProgress);
  const batches = Math.ceil(n / batch);
  const history: MlpEpoch[] = [];
  let best = { loss: Infinity, epoch: 0, model: model.clone() };
  const xb = new Float64Array(batch * inputs);
  const yb = new Float64Array(batch);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = rng.permutation(n);
    let sum = 0;
    for (let b = 0; b < batches; b++) {
      const lo = b * batch;
      const m = Math.min(batch, n - lo);
      for (let r = 0; r < m; r++) {
        const i = order[lo + r]!;
        xb.set(X.subarray(i * inputs, (i + 1) * inputs), r * inputs);
        yb[r] = y[i]!;
      }
      const g = model.lossAndGradients(m === batch ? xb : xb.subarray(0, m * inputs), m === batch ? yb : yb.subarray(0, m), m);
      sum += g.loss * m;
      adam.update(model, g.gradWeights, g.gradBiases);
      progress({ completed: (epoch - 1) * batches + b + 1, total: epochs * batches, label: `epoch ${epoch}`, metrics: { loss: g.loss } });
    }
    const entry: MlpEpoch = { epoch, loss: sum / n };
    if (val) {
      const vr = model.lossAndGradients(val.x, val.y, val.y.length);
      entry.validationLoss = vr.loss;
      const pred = model.predict(val.x, val.y.length);
      let ok = 0;
      for (let i = 0; i < pred.length; i++) if (pred[i] === val.y[i]) ok++;
      entry.validationAccuracy = ok / pred.length;
    }
    history.push(entry);
    const watched = entry.validationLoss ?? entry.loss;
    if (watched < best.loss) best = { loss: watched, epoch, model: model.clone() };
    else if (epoch - best.epoch >= patience) break;
  }
  return { model: best.model, history, bestEpoch: best.epoch };
}
