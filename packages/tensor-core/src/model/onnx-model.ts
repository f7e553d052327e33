import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { InferenceSession } from 'onnxruntime-common';
import { resolveDevice, type Device, type DeviceResolution } from '../device/devices';
import {
  ChecksumMismatchError,
  DeviceUnavailableError,
  InferenceError,
  InvalidArgumentError,
  InvalidModelError,
  LabError,
  ManifestError,
  ModelNotFoundError,
} from '../errors/lab-error';
import { readManifest, type ModelManifest, type TensorDType, type TensorSpec } from './manifest';
import { FeedValidator, checkRunInto, formatShape, type Feeds, type ModelSession, type Outputs, type RunOptions } from './model-session';
import { sha256Bytes } from './sha256';

/** onnxruntime graph optimisation levels. */
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** @default 'cpu' */
  device?: Device | string;
  /**
   * Expected sha256 (hex) of the .onnx bytes. Taken from the manifest when loading a model.json; a value given here
   * must then agree with it.
   */
  sha256?: string;
  /** Threads used inside one operator. @default onnxruntime's choice (the number of physical cores) */
  intraOpThreads?: number;
  /** Threads used across independent operators. @default onnxruntime's choice */
  interOpThreads?: number;
  /** @default 'all' */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Name used in error messages when there is no manifest. @default the file name */
  name?: string;
  /** Called when `device: 'auto'` falls back to CPU. */
  onFallback?: (reason: string) => void;
  /** Extra onnxruntime session options, merged last (advanced). */
  ortOptions?: InferenceSession.SessionOptions;
}

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort> | undefined;
/** The loaded module, once {@link ort} has resolved (every session was made through it). */
let ortLoaded: Ort | undefined;
/** Loads onnxruntime-node on first use, so that importing tensor-core for metrics alone never loads native code. */
function ort(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').then((m) => (ortLoaded = ((m as { default?: Ort }).default ?? m) as Ort));
  return ortModule;
}

/**
 * A model running in onnxruntime-node. Create it with {@link loadModel}; release it with {@link OnnxModel.dispose}.
 */
export class OnnxModel implements ModelSession {
  readonly name: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** The manifest, when the model was loaded from one. */
  readonly manifest: ModelManifest | undefined;
  /** The device actually used. */
  readonly device: DeviceResolution;
  /** sha256 of the loaded .onnx bytes. */
  readonly sha256: string;
  private readonly validator: FeedValidator;
  private session: InferenceSession | undefined;

  /** @internal use {@link loadModel} */
  constructor(init: {
    name: string;
    session: InferenceSession;
    inputs: readonly TensorSpec[];
    outputs: readonly TensorSpec[];
    manifest: ModelManifest | undefined;
    device: DeviceResolution;
    sha256: string;
  }) {
    this.name = init.name;
    this.session = init.session;
    this.inputs = init.inputs;
    this.outputs = init.outputs;
    this.manifest = init.manifest;
    this.device = init.device;
    this.sha256 = init.sha256;
    this.validator = new FeedValidator(init.name, init.inputs);
  }

  /**
   * Checks feeds against the model's inputs without running it.
   * @throws ModelInputError
   */
  validate(feeds: Feeds): void {
    this.validator.validate(feeds);
  }

  /**
   * Validates the feeds, then runs the model.
   * @param feeds - one tensor per model input, by name
   * @param options - which outputs to fetch
   * @returns output tensors by name
   * @throws ModelInputError before calling onnxruntime; InferenceError if onnxruntime fails
   * @example
   * ```ts
   * const { logits } = await model.run({ x: toFloat32Tensor([[0.1, 0.2]]) });
   * ```
   */
  async run(feeds: Feeds, options?: RunOptions): Promise<Outputs> {
    const session = this.session;
    if (session === undefined) throw disposedError(this.name);
    this.validator.validate(feeds);
    checkRunInto(this.name, this.outputs, options);
    try {
      if (options?.into) {
        // onnxruntime-common recognises pre-allocated outputs by `instanceof` its own Tensor class; the caller's
        // tensors may come from the other module format's copy (ESM vs CJS) and would be silently taken for run
        // options, so they are re-wrapped (no copy: the same typed array) in onnxruntime-node's Tensor.
        const OrtTensor = (ortLoaded ?? (await ort())).Tensor;
        const fetches: Record<string, InstanceType<Ort['Tensor']>> = {};
        for (const [name, t] of Object.entries(options.into)) {
          fetches[name] = t instanceof OrtTensor ? t : new OrtTensor(t.type as 'float32', t.data as Float32Array, t.dims);
        }
        const all = await session.run(feeds, fetches as InferenceSession.FetchesType);
        const picked: Outputs = {};
        for (const name of Object.keys(options.into)) picked[name] = all[name]!;
        return picked;
      }
      return options?.outputs ? await session.run(feeds, options.outputs as string[]) : await session.run(feeds);
    } catch (e) {
      throw new InferenceError(this.name, { cause: e });
    }
  }

  /** True until {@link OnnxModel.dispose} is called. */
  get loaded(): boolean {
    return this.session !== undefined;
  }

  /** Releases the onnxruntime session. Safe to call twice. */
  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }

  /** A one-paragraph text description (name, version, device, inputs, outputs). */
  describe(): string {
    const io = (specs: readonly TensorSpec[]) => specs.map((s) => `${s.name}: ${s.dtype}${formatShape(s.shape)}`).join(', ');
    const version = this.manifest ? ` v${this.manifest.version}` : '';
    return `${this.name}${version} on ${this.device.device} (sha256 ${this.sha256.slice(0, 12)}…)\n  inputs:  ${io(this.inputs)}\n  outputs: ${io(this.outputs)}`;
  }
}

function disposedError(name: string): LabError {
  return new LabError('MODEL_DISPOSED', `Model "${name}" was disposed; load it again with loadModel().`);
}

/**
 * Loads an ONNX model from a `.onnx` path, a `model.json` manifest path, or the model's bytes.
 *
 * @param source - path to `.onnx` or `model.json`, or the `.onnx` bytes
 * @param options - device, expected sha256, threads, optimisation level
 * @returns a model ready to `run()`; call `dispose()` when done
 * @throws ModelNotFoundError, ChecksumMismatchError, ManifestError, InvalidModelError, UnsupportedDeviceError,
 *   DeviceUnavailableError
 * @remarks With `device: 'cuda'` the CUDA execution provider must be installed
 *   (`ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci`); `auto` falls back to CPU and reports why through `onFallback`.
 * @example
 * ```ts
 * const model = await loadModel('models/toy-mlp/model.json', { device: 'auto' });
 * console.log(model.describe());
 * await model.dispose();
 * ```
 */
export async function loadModel(source: string | Uint8Array, options: LoadModelOptions = {}): Promise<OnnxModel> {
  const device = resolveDevice(options.device ?? 'cpu', options.onFallback ? { onFallback: options.onFallback } : {});
  let manifest: ModelManifest | undefined;
  let bytes: Uint8Array;
  let label: string;
  let expected = options.sha256?.toLowerCase();

  if (typeof source === 'string') {
    if (source.toLowerCase().endsWith('.json')) {
      manifest = await readManifest(source);
      const modelPath = resolve(dirname(source), manifest.file);
      if (expected !== undefined && expected !== manifest.sha256) {
        throw new InvalidArgumentError('sha256', `options.sha256 (${expected}) differs from the manifest's sha256 (${manifest.sha256}) in ${source}; drop the option or fix the manifest.`);
      }
      expected = manifest.sha256;
      bytes = await readModelFile(modelPath);
      label = modelPath;
    } else {
      bytes = await readModelFile(source);
      label = source;
    }
  } else if (source instanceof Uint8Array) {
    bytes = source;
    label = '<buffer>';
  } else {
    throw new InvalidArgumentError('source', `loadModel() takes a path or a Uint8Array, received ${typeof source}.`);
  }

  const sha256 = sha256Bytes(bytes);
  if (expected !== undefined && expected !== sha256) throw new ChecksumMismatchError(label, expected, sha256);
  if (bytes.byteLength === 0) throw new InvalidModelError(label, 'the file is empty');

  const { session, resolution } = await createSession(bytes, label, device, options);
  const name = manifest?.name ?? options.name ?? (typeof source === 'string' ? basename(source) : 'model');
  const sessionInputs = session.inputMetadata.map((m) => toSpec(m));
  const sessionOutputs = session.outputMetadata.map((m) => toSpec(m));
  if (manifest) {
    const where = typeof source === 'string' ? source : label;
    checkAgainstManifest(where, 'inputs', manifest.inputs, sessionInputs);
    checkAgainstManifest(where, 'outputs', manifest.outputs, sessionOutputs);
  }
  return new OnnxModel({
    name,
    session,
    inputs: manifest?.inputs ?? sessionInputs,
    outputs: manifest?.outputs ?? sessionOutputs,
    manifest,
    device: resolution,
    sha256,
  });
}

async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelNotFoundError(path, 'model file', { cause: e });
    throw new InvalidModelError(path, (e as Error).message, { cause: e });
  }
}

async function createSession(
  bytes: Uint8Array,
  label: string,
  device: DeviceResolution,
  options: LoadModelOptions,
): Promise<{ session: InferenceSession; resolution: DeviceResolution }> {
  const threads = {
    ...(options.intraOpThreads !== undefined ? { intraOpNumThreads: checkThreads('intraOpThreads', options.intraOpThreads) } : {}),
    ...(options.interOpThreads !== undefined ? { interOpNumThreads: checkThreads('interOpThreads', options.interOpThreads) } : {}),
  };
  const { InferenceSession } = await ort();
  const sessionOptions = (providers: readonly string[]): InferenceSession.SessionOptions => ({
    executionProviders: [...providers],
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    ...threads,
    ...options.ortOptions,
  });
  try {
    return { session: await InferenceSession.create(bytes, sessionOptions(device.executionProviders)), resolution: device };
  } catch (first) {
    if (device.device === 'cpu') throw new InvalidModelError(label, firstLine(first), { cause: first });
    // The model failed on CUDA: find out whether the model or the device is at fault.
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(bytes, sessionOptions(['cpu']));
    } catch (second) {
      throw new InvalidModelError(label, firstLine(second), { cause: second });
    }
    const reason = `the CUDA execution provider failed to start (${firstLine(first)})`;
    if (device.requested === 'cuda') {
      await session.release();
      throw new DeviceUnavailableError('cuda', [reason], 'Check that CUDA 12 and cuDNN 9 libraries are on LD_LIBRARY_PATH, or use --device cpu.', { cause: first });
    }
    options.onFallback?.(`${reason}; using CPU`);
    return {
      session,
      resolution: { requested: device.requested, device: 'cpu', executionProviders: ['cpu'], fallbackReason: `${reason}; using CPU` },
    };
  }
}

function checkThreads(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(name, `${name} must be a non-negative integer (0 lets onnxruntime choose), received ${value}.`);
  }
  return value;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
}

function toSpec(m: InferenceSession.ValueMetadata): TensorSpec {
  if (!m.isTensor) return { name: m.name, dtype: 'float32', shape: [] };
  return { name: m.name, dtype: m.type as TensorDType, shape: [...m.shape].map((d) => (typeof d === 'number' && d < 0 ? `d${d}` : d)) };
}

function checkAgainstManifest(path: string, kind: 'inputs' | 'outputs', declared: readonly TensorSpec[], actual: readonly TensorSpec[]): void {
  const actualNames = actual.map((s) => s.name);
  const declaredNames = declared.map((s) => s.name);
  if (actualNames.length !== declaredNames.length || declaredNames.some((n) => !actualNames.includes(n))) {
    throw new ManifestError(path, kind, `lists [${declaredNames.join(', ')}] but the model has [${actualNames.join(', ')}]. The manifest does not belong to this model; regenerate it.`);
  }
  declared.forEach((spec, i) => {
    const real = actual.find((a) => a.name === spec.name)!;
    if (real.dtype !== spec.dtype) {
      throw new ManifestError(path, `${kind}[${i}].dtype`, `is ${spec.dtype} but the model's "${spec.name}" is ${real.dtype}.`);
    }
    if (real.shape.length === 0) return; // onnxruntime does not know the shape
    const mismatch =
      real.shape.length !== spec.shape.length ||
      spec.shape.some((d, a) => typeof d === 'number' && typeof real.shape[a] === 'number' && real.shape[a] !== d);
    if (mismatch) {
      throw new ManifestError(path, `${kind}[${i}].shape`, `is ${formatShape(spec.shape)} but the model's "${spec.name}" is ${formatShape(real.shape)}.`);
    }
  });
}
