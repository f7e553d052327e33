/**
 * Mini-batch Adam for a softmax {@link Mlp} inside onnxruntime: a graph built at run time for the network's shape runs
 * many Adam steps per call (an ONNX Loop whose carried state is every weight, bias and moment), so the matrix products
 * run on onnxruntime's sgemm and only the final state of a call comes back to JavaScript.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '../errors/lab-error';
import { loadModel, type OnnxModel } from '../model/onnx-model';
import { Tensor } from '../tensor/tensors';
import { Mlp, type MlpActivation } from './mlp';
import { OnnxGraphBuilder, OnnxType, float, onnxModelBytes } from './onnx-builder';

/** Hidden activations the onnxruntime trainer supports. */
export const ONNX_MLP_ACTIVATIONS: readonly MlpActivation[] = Object.freeze(['identity', 'relu']);

/** Adam's settings (as {@link AdamState}). */
export interface OnnxAdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L2 penalty added to the weight gradients (not the biases). */
  weightDecay: number;
}

/** Options of {@link OnnxMlpTrainer.create}. */
export interface OnnxMlpTrainerOptions {
  /** onnxruntime intra-op threads. @default onnxruntime's choice */
  threads?: number;
}

/**
 * The Adam-steps graph for layer sizes `sizes` (input … classes).
 * Inputs: x [n, d], y [n] int32, rows [S, B] int32, weights [S, B] (1/m for a step's m real rows, 0 for padding),
 * step_a [S] (lr / (1 − β1^t)), step_c2 [S] (1 − β2^t), then per layer w, b, and per parameter (weights first, then
 * biases) m and v. Outputs: the same parameters and moments updated, and loss [S] (each step's mean cross-entropy
 * before its update).
 */
/** One tensor of the trainer's state: a parameter (weights first, then biases) or one of its moments. */
interface StateTensor {
  name: string;
  dims: number[];
  /** A weight matrix (weight decay applies), not a bias. */
  weight: boolean;
}

/** The parameters of layer sizes `sizes` (w0 … w{L−1}, b0 … b{L−1}), then their first moments (m_), then second (v_). */
function adamState(sizes: readonly number[]): { params: StateTensor[]; state: StateTensor[] } {
  const L = sizes.length - 1;
  const params: StateTensor[] = [];
  for (let l = 0; l < L; l++) params.push({ name: `w${l}`, dims: [sizes[l]!, sizes[l + 1]!], weight: true });
  for (let l = 0; l < L; l++) params.push({ name: `b${l}`, dims: [sizes[l + 1]!], weight: false });
  return { params, state: [...params, ...params.map((p) => ({ ...p, name: `m_${p.name}` })), ...params.map((p) => ({ ...p, name: `v_${p.name}` }))] };
}

function adamStepsGraph(sizes: readonly number[], activation: MlpActivation, adam: OnnxAdamOptions): Uint8Array {
  const L = sizes.length - 1;
  const K = sizes[L]!;
  const g = new OnnxGraphBuilder('mlp_adam');
  g.input('x', OnnxType.float, ['n', sizes[0]!]);
  g.input('y', OnnxType.int32, ['n']);
  g.input('rows', OnnxType.int32, ['steps', 'batch']);
  g.input('weights', OnnxType.float, ['steps', 'batch']);
  g.input('step_a', OnnxType.float, ['steps']);
  g.input('step_c2', OnnxType.float, ['steps']);
  const { params, state } = adamState(sizes);
  for (const s of state) g.input(s.name, OnnxType.float, s.dims);

  // ---- the loop body: one Adam step
  const b = new OnnxGraphBuilder('step');
  b.input('i', OnnxType.int64, []);
  b.input('cond', OnnxType.bool, []);
  for (const s of state) b.input(`${s.name}_in`, OnnxType.float, s.dims);
  const at = (name: string) => b.op('Gather', [name, 'i'], { axis: 0 });
  const rows = at('rows');
  const rowWeight = at('weights');
  const a = at('step_a');
  const c2inv = b.op('Reciprocal', [at('step_c2')]);
  const acts: string[] = [b.op('Gather', ['x', rows], { axis: 0 })];
  const yb = b.op('Gather', ['y', rows], { axis: 0 });
  let z = '';
  for (let l = 0; l < L; l++) {
    z = b.op('Gemm', [acts[l]!, `w${l}_in`, `b${l}_in`]);
    if (l < L - 1) acts.push(activation === 'relu' ? b.op('Relu', [z]) : z);
  }
  const logp = b.op('LogSoftmax', [z], { axis: 1 });
  const axis1 = b.constInt64([1]);
  const classes = b.constInt32(Array.from({ length: K }, (_, k) => k));
  const onehot = b.op('Cast', [b.op('Equal', [b.op('Unsqueeze', [yb, axis1]), classes])], { to: OnnxType.float });
  const axis0 = b.constInt64([0]);
  const nll = b.op('Neg', [b.op('ReduceSum', [b.op('Mul', [onehot, logp]), axis1], { keepdims: 0 })]);
  const loss = b.op('ReduceSum', [b.op('Mul', [nll, rowWeight])], { keepdims: 0 });
  let delta = b.op('Mul', [b.op('Sub', [b.op('Exp', [logp]), onehot]), b.op('Unsqueeze', [rowWeight, axis1])]);
  const grads = new Map<string, string>();
  const zero = activation === 'relu' ? b.constFloat([0], []) : '';
  for (let l = L - 1; l >= 0; l--) {
    grads.set(`w${l}`, b.op('Gemm', [acts[l]!, delta], { transA: 1 }));
    grads.set(`b${l}`, b.op('ReduceSum', [delta, axis0], { keepdims: 0 }));
    if (l > 0) {
      let prev = b.op('Gemm', [delta, `w${l}_in`], { transB: 1 });
      if (activation === 'relu') prev = b.op('Mul', [prev, b.op('Cast', [b.op('Greater', [acts[l]!, zero])], { to: OnnxType.float })]);
      delta = prev;
    }
  }
  const oneMinusB1 = b.constFloat([1 - adam.beta1], []);
  const oneMinusB2 = b.constFloat([1 - adam.beta2], []);
  const eps = b.constFloat([adam.epsilon], []);
  const decay = adam.weightDecay !== 0 ? b.constFloat([adam.weightDecay], []) : '';
  const outs: Record<string, string> = {};
  for (const p of params) {
    let grad = grads.get(p.name)!;
    if (p.weight && adam.weightDecay !== 0) grad = b.op('Add', [grad, b.op('Mul', [`${p.name}_in`, decay])]);
    // m += (1 − β1)(g − m);  v += (1 − β2)(g² − v);  p −= a·m / (sqrt(v / c2) + ε)
    const mIn = `m_${p.name}_in`;
    const vIn = `v_${p.name}_in`;
    const m = b.op('Add', [mIn, b.op('Mul', [b.op('Sub', [grad, mIn]), oneMinusB1])]);
    const v = b.op('Add', [vIn, b.op('Mul', [b.op('Sub', [b.op('Mul', [grad, grad]), vIn]), oneMinusB2])]);
    const denom = b.op('Add', [b.op('Sqrt', [b.op('Mul', [v, c2inv])]), eps]);
    outs[p.name] = b.op('Sub', [`${p.name}_in`, b.op('Div', [b.op('Mul', [m, a]), denom])]);
    outs[`m_${p.name}`] = m;
    outs[`v_${p.name}`] = v;
  }
  b.output(b.op('Identity', ['cond']), OnnxType.bool, [], 'cond_out');
  for (const s of state) b.output(outs[s.name]!, OnnxType.float, s.dims, `${s.name}_out`);
  b.output(loss, OnnxType.float, [], 'loss_out');

  const steps = g.op('Gather', [g.op('Shape', ['rows']), g.constInt64([0], [])], { axis: 0 });
  const loopOut = g.node('Loop', [steps, g.constBool(true), ...state.map((s) => s.name)], [...state.map((s) => `${s.name}_new`), 'loss'], { body: { graph: b.build() } });
  state.forEach((s, k) => g.output(loopOut[k]!, OnnxType.float, s.dims));
  g.output('loss', OnnxType.float, ['steps']);
  return onnxModelBytes(g.build(), '@lab/tensor-core OnnxMlpTrainer');
}

/**
 * Trains a softmax {@link Mlp} (identity or ReLU hidden layers) with mini-batch Adam inside onnxruntime, in float32.
 * The caller decides the schedule (which rows make each step); a call runs any number of steps and keeps the state.
 * @example
 * ```ts
 * const trainer = await OnnxMlpTrainer.create(Mlp.create({ inputs: 1280, hidden: [500], outputs: 10, activation: 'identity' }, rng),
 *   { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
 * const losses = await trainer.steps(x, y, rows, 2, 100);   // two steps of 100 rows
 * const mlp = trainer.toMlp();
 * await trainer.dispose();
 * ```
 */
export class OnnxMlpTrainer {
  /** Adam steps taken. */
  step = 0;
  /** The graph's state tensors (names, shapes), in the order of `values`. */
  private readonly state: StateTensor[];
  /** Parameters (weights, then biases), then first moments, then second moments, as `state`. */
  private values: Float32Array[];

  private constructor(
    private readonly session: OnnxModel,
    private readonly template: Mlp,
    private readonly adam: OnnxAdamOptions,
  ) {
    this.state = adamState(template.sizes).state;
    const params = [...template.weights, ...template.biases].map((p) => Float32Array.from(p));
    this.values = [...params, ...[...params, ...params].map((p) => new Float32Array(p.length))];
  }

  /**
   * Builds the graph for the network's shape and loads it; the network's weights are the starting point.
   * @param mlp - a multi-class network (outputs ≥ 2) with identity or ReLU hidden layers
   * @param adam - Adam's settings
   * @param options - threads
   * @returns the trainer
   * @throws InvalidArgumentError for a binary network or another activation
   */
  static async create(mlp: Mlp, adam: OnnxAdamOptions, options: OnnxMlpTrainerOptions = {}): Promise<OnnxMlpTrainer> {
    if (mlp.spec.outputs < 2) throw new InvalidArgumentError('mlp', 'the onnxruntime trainer trains softmax networks (outputs ≥ 2); use trainMlp for a binary one.');
    if (!ONNX_MLP_ACTIVATIONS.includes(mlp.spec.activation!)) {
      throw new InvalidArgumentError('activation', `the onnxruntime trainer supports ${ONNX_MLP_ACTIVATIONS.join(' and ')} hidden layers, not "${mlp.spec.activation}"; train it with the JavaScript trainer.`);
    }
    const bytes = adamStepsGraph(mlp.sizes, mlp.spec.activation!, adam);
    const session = await loadModel(bytes, {
      name: `mlp-adam-${mlp.sizes.join('-')}`,
      ...(options.threads !== undefined ? { intraOpThreads: options.threads } : {}),
      ortOptions: { extra: { session: { intra_op: { allow_spinning: '0' } } } },
    });
    return new OnnxMlpTrainer(session, mlp, adam);
  }

  /**
   * Runs `steps` Adam steps: step s uses rows `rows[s·batch …]` of `x`/`y` (the first `counts[s]` of its `batch` slots;
   * the others are padding).
   * @param x - `[n × inputs]` float32 training rows (passed to onnxruntime without a copy)
   * @param y - class index per row
   * @param rows - `[steps × batch]` row indices
   * @param counts - real rows per step (1 … batch)
   * @param batch - slots per step
   * @returns each step's mean cross-entropy (before its update)
   * @throws InvalidArgumentError for inconsistent sizes
   */
  async steps(x: Float32Array, y: Int32Array, rows: Int32Array, counts: Int32Array, batch: number): Promise<Float32Array> {
    const inputs = this.template.spec.inputs;
    const n = y.length;
    const S = counts.length;
    if (x.length !== n * inputs) throw new InvalidArgumentError('x', `x holds ${x.length} values for ${n} labels × ${inputs} inputs.`);
    if (rows.length !== S * batch) throw new InvalidArgumentError('rows', `rows holds ${rows.length} indices for ${S} steps × ${batch}.`);
    if (S === 0) return new Float32Array(0);
    const { learningRate, beta1, beta2 } = this.adam;
    const weights = new Float32Array(S * batch);
    const stepA = new Float32Array(S);
    const stepC2 = new Float32Array(S);
    for (let s = 0; s < S; s++) {
      const m = counts[s]!;
      if (!(m >= 1 && m <= batch)) throw new InvalidArgumentError('counts', `step ${s} has ${m} rows; each step needs 1 … ${batch}.`);
      weights.fill(1 / m, s * batch, s * batch + m);
      const t = this.step + s + 1;
      stepA[s] = learningRate / (1 - beta1 ** t);
      stepC2[s] = 1 - beta2 ** t;
    }
    const feeds: Record<string, Tensor> = {
      x: new Tensor('float32', x, [n, inputs]),
      y: new Tensor('int32', y, [n]),
      rows: new Tensor('int32', rows, [S, batch]),
      weights: new Tensor('float32', weights, [S, batch]),
      step_a: new Tensor('float32', stepA, [S]),
      step_c2: new Tensor('float32', stepC2, [S]),
    };
    this.state.forEach((t, k) => (feeds[t.name] = new Tensor('float32', this.values[k]!, t.dims)));
    const out = await this.session.run(feeds);
    this.values = this.state.map((t) => out[`${t.name}_new`]!.data as Float32Array);
    this.step += S;
    return out['loss']!.data as Float32Array;
  }

  /** The current weights as a float64 {@link Mlp}. */
  toMlp(): Mlp {
    const L = this.template.weights.length;
    return new Mlp(
      this.template.spec,
      this.values.slice(0, L).map((p) => Float64Array.from(p)),
      this.values.slice(L, 2 * L).map((p) => Float64Array.from(p)),
    );
  }

  /** Releases the onnxruntime session. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
