import { Tensor } from 'onnxruntime-common';
import { InvalidArgumentError, LabError } from '../errors/lab-error';
import type { TensorSpec } from '../model/manifest';
import { FeedValidator, checkRunInto, type Feeds, type ModelSession, type Outputs, type RunOptions } from '../model/model-session';

/** Options of {@link FakeModelSession}. */
export interface FakeModelSessionOptions {
  name?: string;
  inputs: readonly TensorSpec[];
  outputs: readonly TensorSpec[];
  /**
   * Computes the outputs; by default each output is filled with `fill` in the shape of its spec, symbolic dimensions
   * taking the size they have in the inputs.
   */
  compute?: (feeds: Feeds) => Outputs | Promise<Outputs>;
  /** Value of default outputs. @default 0 */
  fill?: number;
}

/**
 * A {@link ModelSession} without onnxruntime: validates feeds exactly like a real model and returns fixed-shape
 * outputs. For unit tests of code that drives models.
 * @example
 * ```ts
 * const fake = new FakeModelSession({
 *   inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 2] }],
 *   outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 3] }],
 * });
 * const { logits } = await fake.run({ x }); // zeros [batch, 3]
 * ```
 */
export class FakeModelSession implements ModelSession {
  readonly name: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Every feed passed to `run()`, in order. */
  readonly calls: Feeds[] = [];
  private readonly validator: FeedValidator;
  private disposed = false;

  constructor(private readonly options: FakeModelSessionOptions) {
    this.name = options.name ?? 'fake-model';
    this.inputs = options.inputs;
    this.outputs = options.outputs;
    this.validator = new FeedValidator(this.name, options.inputs);
  }

  async run(feeds: Feeds, options?: RunOptions): Promise<Outputs> {
    if (this.disposed) throw new LabError('MODEL_DISPOSED', `Model "${this.name}" was disposed.`);
    this.validator.validate(feeds);
    checkRunInto(this.name, this.outputs, options);
    this.calls.push(feeds);
    const all = this.options.compute ? await this.options.compute(feeds) : this.defaultOutputs(feeds);
    if (options?.into) {
      const written: Outputs = {};
      for (const [name, target] of Object.entries(options.into)) {
        const t = all[name];
        if (!t) throw new InvalidArgumentError('into', `Model "${this.name}" has no output "${name}".`);
        if (t.size !== target.size) throw new InvalidArgumentError('into', `Model "${this.name}": output "${name}" has ${t.size} values, options.into.${name} holds ${target.size}.`);
        (target.data as Float32Array).set(t.data as Float32Array);
        written[name] = target;
      }
      return written;
    }
    if (!options?.outputs) return all;
    const picked: Outputs = {};
    for (const name of options.outputs) {
      const t = all[name];
      if (!t) throw new InvalidArgumentError('outputs', `Model "${this.name}" has no output "${name}".`);
      picked[name] = t;
    }
    return picked;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  private defaultOutputs(feeds: Feeds): Outputs {
    const symbols = new Map<string, number>();
    this.inputs.forEach((spec) =>
      spec.shape.forEach((d, a) => {
        if (typeof d === 'string') symbols.set(d, feeds[spec.name]!.dims[a]!);
      }),
    );
    const out: Outputs = {};
    for (const spec of this.outputs) {
      const dims = spec.shape.map((d) => {
        if (typeof d === 'number') return d;
        const size = symbols.get(d);
        if (size === undefined) throw new InvalidArgumentError('outputs', `Fake output "${spec.name}" has dimension "${d}" that no input defines; pass compute().`);
        return size;
      });
      const size = dims.reduce((a, b) => a * b, 1);
      const fill = this.options.fill ?? 0;
      out[spec.name] =
        spec.dtype === 'int64'
          ? new Tensor('int64', new BigInt64Array(size).fill(BigInt(fill)), dims)
          : new Tensor('float32', new Float32Array(size).fill(fill), dims);
    }
    return out;
  }
}
