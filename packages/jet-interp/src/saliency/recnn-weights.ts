/**
 * The raw parameters of a RecNN (`weights.npz`), for exact gradients in TypeScript.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ChecksumMismatchError, DataFormatError, InvalidArgumentError, decodeNpz, sha256Bytes, type NdArray } from '@lab/tensor-core';
import { RECNN_FEATURE_COUNT } from '../recnn/node-features';
import type { RecnnVariant } from '../recnn/recnn-config';

/**
 * A dense layer `y = W x + b` in PyTorch's layout: `weight` is `[out × in]` row-major.
 * @example
 * ```ts
 * const { fc1 } = (await readRecnnWeights(dir)).head;
 * fc1.weight[o * fc1.in + i]; // W[o, i]
 * ```
 */
export interface DenseLayer {
  /** Output size. */
  readonly out: number;
  /** Input size. */
  readonly in: number;
  /** `out × in` values, row-major (row o holds the weights of output o). */
  readonly weight: Float64Array;
  /** `out` values. */
  readonly bias: Float64Array;
}

/**
 * Every parameter of a RecNN (float32 values of `weights.npz`, widened to float64), by module.
 *
 * @remarks
 * The names follow `training/jets/recnn_model.py`: `embed.fc` (u = ReLU(W_u x + b_u)); the simple cell's `cell.fc_h`; the
 * gated cell's `cell.fc_r` (reset gates), `cell.fc_h` and `cell.fc_z` (4 update gates per dimension); the head's `head.fc1`,
 * `head.fc2` and `head.out`.
 * @example
 * ```ts
 * const w = await readRecnnWeights(model.dir);
 * w.variant;             // 'simple' | 'gated'
 * w.cell.fcH.weight;     // H × 3H, row-major
 * ```
 */
export interface RecnnWeights {
  /** The cell variant. */
  readonly variant: RecnnVariant;
  /** Embedding size H. */
  readonly embeddingSize: number;
  /** `embed.fc`: 7 → H. */
  readonly embed: DenseLayer;
  /** The recursive cell: `fcH` (3H → H); for `gated` also `fcR` (3H → 3H) and `fcZ` (4H → 4H). */
  readonly cell: { readonly fcH: DenseLayer; readonly fcR?: DenseLayer; readonly fcZ?: DenseLayer };
  /** The head: `fc1` (H → H), `fc2` (H → H), `out` (H → 1). */
  readonly head: { readonly fc1: DenseLayer; readonly fc2: DenseLayer; readonly out: DenseLayer };
  /** The file the parameters came from. */
  readonly file: string;
}

/**
 * Options of {@link readRecnnWeights}.
 * @example
 * ```ts
 * await readRecnnWeights(dir, { verifyChecksum: false });
 * ```
 */
export interface ReadRecnnWeightsOptions {
  /** Check the file's sha256 against `recnn.json`. @default true */
  verifyChecksum?: boolean;
}

const REEXPORT = 're-export the model with training/jets/train_recnn.py, which writes weights.npz and its sha256 into recnn.json';

/**
 * Builds {@link RecnnWeights} from the arrays of a `weights.npz` (PyTorch state_dict names).
 * @param arrays - the decoded arrays
 * @param variant - the cell variant
 * @param embeddingSize - H
 * @param file - the file, for errors
 * @returns the weights
 * @throws DataFormatError naming the missing or misshapen array
 * @example
 * ```ts
 * const w = recnnWeightsFromArrays(await readNpz('weights.npz'), 'simple', 70, 'weights.npz');
 * ```
 * @internal
 */
export function recnnWeightsFromArrays(arrays: Record<string, NdArray>, variant: RecnnVariant, embeddingSize: number, file: string): RecnnWeights {
  const H = embeddingSize;
  const layer = (name: string, out: number, inp: number): DenseLayer => {
    const w = arrays[`${name}.weight`];
    const b = arrays[`${name}.bias`];
    if (!w || !b) throw new DataFormatError(file, `array "${!w ? `${name}.weight` : `${name}.bias`}" is missing (the ${variant} RecNN needs it); ${REEXPORT}.`);
    const shapeOk = (a: NdArray, s: number[]) => a.shape.length === s.length && a.shape.every((d, i) => d === s[i]);
    if (!shapeOk(w, [out, inp])) throw new DataFormatError(file, `array "${name}.weight" has shape [${w.shape.join(', ')}], expected [${out}, ${inp}] for a ${variant} RecNN with embedding ${H}.`);
    if (!shapeOk(b, [out])) throw new DataFormatError(file, `array "${name}.bias" has shape [${b.shape.join(', ')}], expected [${out}].`);
    for (const [n, a] of [[`${name}.weight`, w], [`${name}.bias`, b]] as const) {
      if (a.dtype !== 'float32' && a.dtype !== 'float64') throw new DataFormatError(file, `array "${n}" has dtype ${a.dtype}; expected float32.`);
    }
    const weight = Float64Array.from(w.data as Float32Array);
    const bias = Float64Array.from(b.data as Float32Array);
    if (!weight.every(Number.isFinite) || !bias.every(Number.isFinite)) throw new DataFormatError(file, `layer "${name}" holds non-finite values.`);
    return { out, in: inp, weight, bias };
  };
  const embed = layer('embed.fc', H, RECNN_FEATURE_COUNT);
  const cell = variant === 'simple' ? { fcH: layer('cell.fc_h', H, 3 * H) } : { fcR: layer('cell.fc_r', 3 * H, 3 * H), fcH: layer('cell.fc_h', H, 3 * H), fcZ: layer('cell.fc_z', 4 * H, 4 * H) };
  const head = { fc1: layer('head.fc1', H, H), fc2: layer('head.fc2', H, H), out: layer('head.out', 1, H) };
  return { variant, embeddingSize: H, embed, cell, head, file };
}

/**
 * Reads the parameters of a RecNN model directory (`weights.npz`, written by training/jets/train_recnn.py next to the
 * ONNX graphs) and checks them against `recnn.json`.
 *
 * @remarks
 * `recnn.json` names the file and its sha256 under `"weights": { "file", "sha256" }`; the variant and embedding size
 * come from `recnn.json` too, and every array's shape is checked against them. The ONNX graphs cannot be
 * differentiated by onnxruntime, so saliency runs the network again in TypeScript from these parameters
 * ({@link recnnForward}, {@link recnnBackward}).
 *
 * @param dir - the model directory (holding `recnn.json`)
 * @param options - checksum verification
 * @returns the weights
 * @throws DataFormatError when recnn.json has no `weights` entry, the file is missing, or an array is missing or
 *   misshapen (the message says to re-export with training/jets/train_recnn.py); ChecksumMismatchError when the sha256
 *   differs; InvalidArgumentError for a bad `dir`
 * @example
 * ```ts
 * const weights = await readRecnnWeights('models/recnn-w-qcd-gated');
 * weights.head.out.weight.length; // H
 * ```
 */
export async function readRecnnWeights(dir: string, options: ReadRecnnWeightsOptions = {}): Promise<RecnnWeights> {
  if (typeof dir !== 'string' || dir === '') throw new InvalidArgumentError('dir', 'dir must be a RecNN model directory (holding recnn.json).');
  const configPath = join(dir, 'recnn.json');
  if (!existsSync(configPath)) throw new DataFormatError(configPath, `is missing; ${dir} is not a RecNN model directory (export one with training/jets/train_recnn.py).`);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new DataFormatError(configPath, `is not valid JSON: ${(e as Error).message}`, undefined, { cause: e });
  }
  const entry = config['weights'] as Record<string, unknown> | undefined;
  if (entry === undefined) {
    throw new DataFormatError(configPath, `has no "weights" entry, so the model's parameters (weights.npz) are unknown and gradients cannot be computed; ${REEXPORT}.`, 'weights');
  }
  if (typeof entry !== 'object' || entry === null || typeof entry['file'] !== 'string' || typeof entry['sha256'] !== 'string') {
    throw new DataFormatError(configPath, `field "weights" must be {"file": string, "sha256": string}; received ${JSON.stringify(entry)}; ${REEXPORT}.`, 'weights');
  }
  const variant = config['variant'];
  if (variant !== 'simple' && variant !== 'gated') throw new DataFormatError(configPath, `field "variant" must be "simple" or "gated"; received ${JSON.stringify(variant)}.`, 'variant');
  const H = config['embeddingSize'];
  if (typeof H !== 'number' || !Number.isInteger(H) || H < 1) throw new DataFormatError(configPath, `field "embeddingSize" must be an integer ≥ 1; received ${JSON.stringify(H)}.`, 'embeddingSize');
  const file = resolve(dir, entry['file']);
  if (!existsSync(file)) throw new DataFormatError(file, `is missing (recnn.json lists it under "weights"); ${REEXPORT}.`);
  const bytes = new Uint8Array(await readFile(file));
  if (options.verifyChecksum ?? true) {
    const actual = sha256Bytes(bytes);
    if (actual !== entry['sha256'].toLowerCase()) throw new ChecksumMismatchError(file, entry['sha256'], actual);
  }
  let arrays: Record<string, NdArray>;
  try {
    arrays = decodeNpz(bytes, file);
  } catch (e) {
    throw new DataFormatError(file, `is not a readable .npz (${(e as Error).message}); ${REEXPORT}.`, undefined, { cause: e });
  }
  return recnnWeightsFromArrays(arrays, variant, H, file);
}
