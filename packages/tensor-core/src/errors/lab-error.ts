const MARKER = Symbol.for('@lab/tensor-core.error');

/** Options shared by every {@link LabError}. */
export interface LabErrorOptions {
  /** The underlying error, if this one wraps another. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by the `@lab/*` packages.
 *
 * @remarks
 * Each subclass has a stable `name` and a machine-readable `code`. Use {@link LabError.isInstance} rather than
 * `instanceof`: it works when two copies of `@lab/tensor-core` are installed side by side.
 *
 * @example
 * ```ts
 * try { await loadModel('missing.onnx'); }
 * catch (e) { if (LabError.isInstance(e)) console.error(e.code, e.message); }
 * ```
 */
export class LabError extends Error {
  /** A stable machine-readable code, e.g. `MODEL_NOT_FOUND`. */
  readonly code: string;
  private readonly [MARKER] = true;

  constructor(code: string, message: string, options: LabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LabError';
    this.code = code;
  }

  /**
   * True when `error` is a {@link LabError} from any installed copy of `@lab/tensor-core`.
   * @param error - any thrown value
   */
  static isInstance(error: unknown): error is LabError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** A function argument or option is outside what the function accepts. */
export class InvalidArgumentError extends LabError {
  /** The argument or option name. */
  readonly argument: string;
  constructor(argument: string, message: string, options?: LabErrorOptions) {
    super('INVALID_ARGUMENT', message, options);
    this.name = 'InvalidArgumentError';
    this.argument = argument;
  }
}

/** The requested device name is not one of the supported ones. */
export class UnsupportedDeviceError extends LabError {
  readonly device: string;
  readonly supported: readonly string[];
  constructor(device: string, supported: readonly string[]) {
    super(
      'UNSUPPORTED_DEVICE',
      `Unsupported device "${device}". Supported: ${supported.join(', ')}.`,
    );
    this.name = 'UnsupportedDeviceError';
    this.device = device;
    this.supported = supported;
  }
}

/** The requested device is known but cannot be used on this machine (e.g. CUDA provider not installed). */
export class DeviceUnavailableError extends LabError {
  readonly device: string;
  /** What was tried and why each attempt failed. */
  readonly attempts: readonly string[];
  constructor(device: string, attempts: readonly string[], fix: string, options?: LabErrorOptions) {
    super(
      'DEVICE_UNAVAILABLE',
      `Device "${device}" is not available: ${attempts.join('; ')}. ${fix}`,
      options,
    );
    this.name = 'DeviceUnavailableError';
    this.device = device;
    this.attempts = attempts;
  }
}

/** A model or manifest file does not exist. */
export class ModelNotFoundError extends LabError {
  readonly path: string;
  constructor(path: string, what = 'model file', options?: LabErrorOptions) {
    super('MODEL_NOT_FOUND', `${capitalize(what)} not found: ${path}. Check the path, or pass a model.json manifest next to its .onnx file.`, options);
    this.name = 'ModelNotFoundError';
    this.path = path;
  }
}

/** The bytes are not a loadable ONNX model (truncated, corrupt, or another format). */
export class InvalidModelError extends LabError {
  readonly source: string;
  constructor(source: string, reason: string, options?: LabErrorOptions) {
    super(
      'INVALID_MODEL',
      `Cannot load ONNX model from ${source}: ${reason}. The file may be truncated or not an ONNX model; re-export it or download it again.`,
      options,
    );
    this.name = 'InvalidModelError';
    this.source = source;
  }
}

/** The model.json manifest is malformed, or does not describe the model it points to. */
export class ManifestError extends LabError {
  readonly path: string;
  /** The offending manifest field, as a dotted path (e.g. `inputs[0].shape`). */
  readonly field: string;
  constructor(path: string, field: string, problem: string, options?: LabErrorOptions) {
    super('INVALID_MANIFEST', `Manifest ${path}: field "${field}" ${problem}`, options);
    this.name = 'ManifestError';
    this.path = path;
    this.field = field;
  }
}

/** The model file's sha256 differs from the one its manifest (or the caller) expects. */
export class ChecksumMismatchError extends LabError {
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
  constructor(path: string, expected: string, actual: string) {
    super(
      'CHECKSUM_MISMATCH',
      `sha256 of ${path} is ${actual}, but ${expected} was expected. The file is corrupt or is a different model than the manifest describes; replace the file or regenerate the manifest.`,
    );
    this.name = 'ChecksumMismatchError';
    this.path = path;
    this.expected = expected;
    this.actual = actual;
  }
}

/** An input passed to `run()` has the wrong name, dtype, rank or dimension. */
export class ModelInputError extends LabError {
  /** The input's name. */
  readonly input: string;
  /** What the model expects (names, dtype or shape, as text). */
  readonly expected: string;
  /** What was received. */
  readonly received: string;
  constructor(model: string, input: string, expected: string, received: string, hint = '') {
    super(
      'MODEL_INPUT',
      `Model "${model}" input "${input}": expected ${expected}, received ${received}.${hint ? ` ${hint}` : ''}`,
    );
    this.name = 'ModelInputError';
    this.input = input;
    this.expected = expected;
    this.received = received;
  }
}

/** onnxruntime failed while running a model whose inputs passed validation. */
export class InferenceError extends LabError {
  constructor(model: string, options?: LabErrorOptions) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super('INFERENCE_FAILED', `Model "${model}" failed in onnxruntime: ${reason}`, options);
    this.name = 'InferenceError';
  }
}

/** A data file (npy/npz/jsonl/...) is malformed. */
export class DataFormatError extends LabError {
  readonly file: string;
  /** Where in the file (line, record, key), when known. */
  readonly location: string | undefined;
  constructor(file: string, problem: string, location?: string, options?: LabErrorOptions) {
    super('DATA_FORMAT', `${file}${location ? ` (${location})` : ''}: ${problem}`, options);
    this.name = 'DataFormatError';
    this.file = file;
    this.location = location;
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
