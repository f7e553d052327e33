import type { Tensor } from 'onnxruntime-common';
import type { TensorDType, TensorSpec } from './manifest';
import { ModelInputError } from '../errors/lab-error';

/** Named input tensors for one call. */
export type Feeds = Readonly<Record<string, Tensor>>;
/** Named output tensors of one call. */
export type Outputs = Record<string, Tensor>;

/** Options of one `run()` call. */
export interface RunOptions {
  /** Output names to compute; all outputs when omitted. */
  outputs?: readonly string[];
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
