import type { Tensor } from 'onnxruntime-common';
import type { TensorDType, TensorSpec } from './manifest';
import { InvalidArgumentError, ModelInputError } from '../errors/lab-error';

/** Named input tensors for one call. */
export type Feeds = Readonly<Record<string, Tensor>>;
/** Named output tensors of one call. */
export type Outputs = Record<string, Tensor>;

/** Options of one `run()` call. */
export interface RunOptions {
  /** Output names to compute; all outputs when omitted. */
  outputs?: readonly string[];
  /**
   * Pre-allocated CPU tensors, by output name, that the outputs are written into (no copy on the caller's side):
   * e.g. a `subarray` view of a larger scratch buffer. Only these outputs are returned. Note that onnxruntime-node
   * (1.30) still copies each output into a new JavaScript buffer inside `run` — measured with perf — so large outputs
   * cost that copy (and its fresh pages) either way; keep big intermediates inside one graph instead. Each must have the
   * output's dtype and the exact shape the call produces. The memory must not be read by this call's feeds unless the
   * graph has consumed them before its last node writes the output.
   * Combined with `outputs`, every name of `outputs` must have a tensor here.
   */
  into?: Readonly<Record<string, Tensor>>;
}

/**
 * Checks `options.into` against the model's outputs (name, dtype, rank, fixed sizes) and `options.outputs`.
 * @internal
 * @throws InvalidArgumentError naming the output
 */
export function checkRunInto(model: string, outputs: readonly TensorSpec[], options: RunOptions | undefined): void {
  const into = options?.into;
  if (!into) return;
  const names = Object.keys(into);
  if (names.length === 0) throw new InvalidArgumentError('into', `Model "${model}": options.into is empty; name at least one output (${outputs.map((o) => o.name).join(', ')}) or drop the option.`);
  for (const name of names) {
    const spec = outputs.find((o) => o.name === name);
    if (!spec) throw new InvalidArgumentError('into', `Model "${model}" has no output "${name}"; its outputs are ${outputs.map((o) => o.name).join(', ')}.`);
    const t = into[name]!;
    if (t.type !== spec.dtype) throw new InvalidArgumentError('into', `Model "${model}": options.into.${name} is ${t.type}, but the output is ${spec.dtype}; allocate a ${spec.dtype} tensor.`);
    if (t.dims.length !== spec.shape.length || spec.shape.some((d, a) => typeof d === 'number' && d !== t.dims[a])) {
      throw new InvalidArgumentError('into', `Model "${model}": options.into.${name} has shape [${t.dims.join(', ')}], but the output is ${formatShape(spec.shape)}.`);
    }
  }
  for (const name of options?.outputs ?? []) {
    if (!(name in into)) throw new InvalidArgumentError('into', `Model "${model}": output "${name}" is in options.outputs but has no tensor in options.into; add one or drop it from outputs.`);
  }
}

/**
 * The interface every model session implements: the real onnxruntime-backed {@link OnnxModel} and the
 * `FakeModelSession` of `@lab/tensor-core/testing`. Domain packages program against this.
 */
export interface ModelSession {
  /** The model's name (from its manifest, or its file name). */
  readonly name: string;
  /** What each input must look like. */
  readonly inputs: readonly TensorSpec[];
  /** What each output looks like. */
  readonly outputs: readonly TensorSpec[];
  /**
   * Runs the model after checking every feed against {@link ModelSession.inputs}.
   * @throws ModelInputError naming the input, the expected and the received value
   */
  run(feeds: Feeds, options?: RunOptions): Promise<Outputs>;
  /** Releases native resources. Further `run()` calls throw. */
  dispose(): Promise<void>;
}

interface InputCheck {
  readonly name: string;
  readonly dtype: TensorDType;
  readonly rank: number;
  /** Fixed size per axis, -1 where the axis is symbolic. */
  readonly fixed: Int32Array;
  readonly shapeText: string;
}

interface SymbolCheck {
  readonly symbol: string;
  /** (input index, axis) pairs that share this symbol. */
  readonly uses: ReadonlyArray<readonly [number, number]>;
}

/**
 * Precompiled validation of feeds against input specs; built once per session so that `run()` does no
 * allocation beyond what onnxruntime needs.
 */
export class FeedValidator {
  private readonly checks: readonly InputCheck[];
  private readonly symbols: readonly SymbolCheck[];
  private readonly names: ReadonlySet<string>;

  constructor(
    private readonly model: string,
    inputs: readonly TensorSpec[],
  ) {
    this.checks = inputs.map((spec) => ({
      name: spec.name,
      dtype: spec.dtype,
      rank: spec.shape.length,
      fixed: Int32Array.from(spec.shape, (d) => (typeof d === 'number' ? d : -1)),
      shapeText: formatShape(spec.shape),
    }));
    this.names = new Set(inputs.map((s) => s.name));
    const uses = new Map<string, Array<readonly [number, number]>>();
    inputs.forEach((spec, i) =>
      spec.shape.forEach((d, axis) => {
        if (typeof d === 'string') uses.set(d, [...(uses.get(d) ?? []), [i, axis] as const]);
      }),
    );
    this.symbols = [...uses].filter(([, u]) => u.length > 1).map(([symbol, u]) => ({ symbol, uses: u }));
  }

  /**
   * Checks names, dtypes, ranks, fixed dimensions and shared symbolic dimensions.
   * @throws ModelInputError on the first problem found
   */
  validate(feeds: Feeds): void {
    const checks = this.checks;
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i]!;
      const t = feeds[c.name];
      if (t === undefined) {
        throw new ModelInputError(this.model, c.name, `a ${c.dtype} tensor of shape ${c.shapeText}`, 'nothing', `Pass every input: ${[...this.names].join(', ')}.`);
      }
      if (t.type !== c.dtype) {
        throw new ModelInputError(this.model, c.name, `dtype ${c.dtype}`, `dtype ${t.type}`, dtypeHint(c.dtype));
      }
      const dims = t.dims;
      let ok = dims.length === c.rank;
      for (let a = 0; ok && a < c.rank; a++) {
        const f = c.fixed[a]!;
        if (f >= 0 && dims[a] !== f) ok = false;
      }
      if (!ok) throw new ModelInputError(this.model, c.name, `shape ${c.shapeText}`, `shape [${dims.join(', ')}]`);
    }
    for (const key in feeds) {
      if (!this.names.has(key)) {
        throw new ModelInputError(this.model, key, `one of the inputs ${[...this.names].join(', ')}`, `an unknown input "${key}"`, 'Check the spelling or remove it.');
      }
    }
    for (const s of this.symbols) {
      const [i0, a0] = s.uses[0]!;
      const size = feeds[checks[i0]!.name]!.dims[a0];
      for (let k = 1; k < s.uses.length; k++) {
        const [i, a] = s.uses[k]!;
        const name = checks[i]!.name;
        const got = feeds[name]!.dims[a];
        if (got !== size) {
          throw new ModelInputError(
            this.model,
            name,
            `dimension "${s.symbol}" (axis ${a}) equal to ${size}, as in input "${checks[i0]!.name}"`,
            `${got}`,
          );
        }
      }
    }
  }
}

/** Renders a shape such as `[batch, 2]`. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

function dtypeHint(dtype: TensorDType): string {
  switch (dtype) {
    case 'int64':
      return 'Build it from a BigInt64Array (see toInt64Tensor).';
    case 'float32':
      return 'Build it from a Float32Array (see toFloat32Tensor).';
    default:
      return '';
  }
}
