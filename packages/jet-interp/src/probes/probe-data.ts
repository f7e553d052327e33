/**
 * Training arrays of the comparison networks (FCN, LSTM, CNN) of the linear-probing study, featurised from the jets of a
 * `jet-interp train-data` file, with the same labels and train/validation/test split as the RecNN.
 * @packageDocumentation
 */
import { basename } from 'node:path';
import { DataFormatError, InvalidArgumentError, LabError, ndarray, readNpz, throttleProgress, writeNpz, type NdArray, type WithProgress } from '@lab/tensor-core';
import { version } from '../../package.json';
import { CONSTITUENT_FEATURES, CONSTITUENT_FEATURE_COUNT, checkMaxConstituents, fillConstituentArray } from './constituent-features';
import { momentaFrame } from './jet-frame';
import { checkImageOptions, fillFrameImage, type JetImageOptions } from './jet-image';

/**
 * Options of {@link probeTrainingData} and {@link writeProbeTrainingData}.
 * @example
 * ```ts
 * probeTrainingData(arrays, { file: 'w-qcd.npz', maxConstituents: 30, image: { pixels: 37, halfWidth: 0.8 } });
 * ```
 */
export interface ProbeTrainingDataOptions extends WithProgress {
  /** Rows of the constituent array. @default 30 */
  maxConstituents?: number;
  /** Image geometry. @default { pixels: 37, halfWidth: 0.8 } */
  image?: JetImageOptions;
  /** Name of the source file, for error messages and the metadata. @default '<train-data>' */
  file?: string;
}

/** The metadata stored (UTF-8 JSON in the uint8 array `meta_json`) with the probe training arrays. */
export interface ProbeTrainingMeta {
  format: 'probe-train-data';
  version: 1;
  /** Writer, e.g. `@lab/jet-interp 0.1.0`. */
  createdBy: string;
  /** The train-data file the jets came from (base name). */
  from: string;
  /** From the train-data metadata, when present. */
  signal?: string;
  background?: string;
  source?: string;
  /** Seed of the split (copied from the train-data file). */
  splitSeed?: number;
  jets: number;
  labels: { signal: number; background: number };
  splits: { train: number; validation: number; test: number };
  /** Rows of `fcn_x` and their feature columns. */
  maxConstituents: number;
  constituentFeatures: string[];
  /** Image geometry and preprocessing (see {@link jetImage}). */
  image: { pixels: number; halfWidth: number; preprocessing: string };
  /** Mean over jets of the p⊥ fraction outside the image window. */
  meanImageOutside: number;
  /** Jets with more constituents than `maxConstituents` (their softest ones are cut). */
  truncatedJets: number;
}

/** What {@link probeTrainingData} builds. */
export interface ProbeTrainingData {
  arrays: Record<string, NdArray>;
  meta: ProbeTrainingMeta;
}

const IMAGE_PREPROCESSING = 'p⊥-weighted centroid at the centre; principal axis of the p⊥-weighted second moments along the rows; flips so the harder half is at u > 0 (rows) and v > 0 (columns); p⊥ fractions of the in-window p⊥';

function need(arrays: Record<string, NdArray>, file: string, key: string, fix: string): NdArray {
  const a = arrays[key];
  if (!a) throw new DataFormatError(file, `lacks the array "${key}" (has ${Object.keys(arrays).join(', ') || 'nothing'}); ${fix}`, key);
  return a;
}

function intArray(a: NdArray, file: string, key: string, shape: number[]): Int32Array {
  if (a.shape.length !== shape.length || a.shape.some((d, i) => shape[i]! >= 0 && d !== shape[i])) {
    throw new DataFormatError(file, `"${key}" has shape [${a.shape.join(', ')}], expected [${shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]; rewrite the file with jet-interp train-data.`, key);
  }
  if (a.dtype === 'int32') return a.data as Int32Array;
  if (a.dtype === 'int64') return Int32Array.from(a.data as BigInt64Array, Number);
  if (a.dtype === 'int8' || a.dtype === 'int16' || a.dtype === 'uint8' || a.dtype === 'uint16') return Int32Array.from(a.data as ArrayLike<number>);
  throw new DataFormatError(file, `"${key}" has dtype ${a.dtype}; an integer array is expected. Rewrite the file with jet-interp train-data.`, key);
}

function readMeta(arrays: Record<string, NdArray>, file: string): Record<string, unknown> {
  const m = arrays['meta_json'];
  if (!m) return {};
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(m.data as Uint8Array));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch (e) {
    throw new DataFormatError(file, `"meta_json" is not UTF-8 JSON (${(e as Error).message}); rewrite the file with jet-interp train-data.`, 'meta_json', { cause: e });
  }
}

/**
 * Featurises the jets of a `jet-interp train-data` file (its decoded arrays) for the comparison networks.
 *
 * @remarks
 * Reads `constituents` float64 [C, 4] (px, py, pz, E) with `jet_constituent_offset` int32 [J + 1], `jet_label` and
 * `jet_split` (and `jet_momentum`, `meta_json` when present), and builds:
 *
 * | name | dtype, shape | content |
 * | --- | --- | --- |
 * | `fcn_x` | float32 [J, 30, 4] | {@link constituentArray}: the 30 hardest constituents (p⊥/p⊥_J, Δη, Δφ, E/E_J), zero padded; the FCN and LSTM input |
 * | `image` | float32 [J, 37, 37] | {@link jetImage}: centred, rotated, flipped p⊥-fraction image; the CNN input |
 * | `label` | int32 [J] | 1 signal, 0 background (= `jet_label`) |
 * | `split` | int32 [J] | 0 train, 1 validation, 2 test (= `jet_split`, the RecNN's split) |
 * | `n_constituents` | int32 [J] | constituents of the jet (before the cut to 30) |
 * | `image_outside` | float32 [J] | p⊥ fraction outside the image window |
 * | `jet_momentum` | float64 [J, 4] | copied from the source when present |
 * | `meta_json` | uint8 [bytes] | {@link ProbeTrainingMeta} as UTF-8 JSON |
 *
 * Jet j of the output is jet j of the source, so per-jet observables computed from the source file line up row by row.
 *
 * @param source - the arrays of a train-data .npz (e.g. from `readNpz`)
 * @param options - constituent rows, image geometry, source name, progress
 * @returns the arrays and their metadata
 * @throws DataFormatError naming the missing or malformed array (e.g. a file written with `--no-constituents`), or the
 *   jet without constituents / with p⊥ = 0; InvalidArgumentError for bad options
 * @example
 * ```ts
 * const data = probeTrainingData(await readNpz('training/jets/data/w-qcd.npz'), { file: 'w-qcd.npz' });
 * data.arrays['fcn_x']!.shape; // [40000, 30, 4]
 * ```
 */
export function probeTrainingData(source: Record<string, NdArray>, options: ProbeTrainingDataOptions = {}): ProbeTrainingData {
  if (typeof source !== 'object' || source === null) throw new InvalidArgumentError('source', `source must be the arrays of a train-data .npz (readNpz's result); received ${String(source)}.`);
  const file = options.file ?? '<train-data>';
  const rows = checkMaxConstituents(options.maxConstituents);
  const { pixels, halfWidth } = checkImageOptions(options.image);
  const fix = 'write the file with `jet-interp train-data` (without --no-constituents).';
  const cons = need(source, file, 'constituents', fix);
  if (cons.dtype !== 'float64' && cons.dtype !== 'float32') throw new DataFormatError(file, `"constituents" has dtype ${cons.dtype}; float64 four-momenta are expected. ${fix}`, 'constituents');
  if (cons.shape.length !== 2 || cons.shape[1] !== 4) throw new DataFormatError(file, `"constituents" has shape [${cons.shape.join(', ')}]; [C, 4] (px, py, pz, E) is expected. ${fix}`, 'constituents');
  const momenta = cons.data instanceof Float64Array ? cons.data : Float64Array.from(cons.data as Float32Array);
  const C = cons.shape[0]!;
  const labelsIn = intArray(need(source, file, 'jet_label', fix), file, 'jet_label', [-1]);
  const J = labelsIn.length;
  const offset = intArray(need(source, file, 'jet_constituent_offset', fix), file, 'jet_constituent_offset', [J + 1]);
  const split = intArray(need(source, file, 'jet_split', fix), file, 'jet_split', [J]);
  if (offset[0] !== 0 || offset[J] !== C) {
    throw new DataFormatError(file, `"jet_constituent_offset" must start at 0 and end at the ${C} constituents; it runs from ${offset[0]} to ${offset[J]}. ${fix}`, 'jet_constituent_offset');
  }
  const counts = { train: 0, validation: 0, test: 0 };
  const perClass = { signal: 0, background: 0 };
  for (let j = 0; j < J; j++) {
    if (labelsIn[j] !== 0 && labelsIn[j] !== 1) throw new DataFormatError(file, `jet ${j} has label ${labelsIn[j]}; labels must be 0 (background) or 1 (signal).`, 'jet_label');
    const s = split[j]!;
    if (s === 0) counts.train++;
    else if (s === 1) counts.validation++;
    else if (s === 2) counts.test++;
    else throw new DataFormatError(file, `jet ${j} has split code ${s}; codes are 0 (train), 1 (validation), 2 (test).`, 'jet_split');
    if (labelsIn[j] === 1) perClass.signal++;
    else perClass.background++;
    if (offset[j + 1]! <= offset[j]!) {
      throw new DataFormatError(file, `jet ${j} has ${offset[j + 1]! - offset[j]!} constituents (offsets ${offset[j]}..${offset[j + 1]}); every jet needs at least one and offsets must increase. ${fix}`, 'jet_constituent_offset');
    }
  }
  const F = CONSTITUENT_FEATURE_COUNT;
  const fcn = new Float32Array(J * rows * F);
  const image = new Float32Array(J * pixels * pixels);
  const outside = new Float32Array(J);
  const nCons = new Int32Array(J);
  const progress = throttleProgress(options.onProgress);
  const label = 'featurising jets';
  progress({ completed: 0, total: J, label });
  let outsideSum = 0;
  let truncated = 0;
  for (let j = 0; j < J; j++) {
    const n = offset[j + 1]! - offset[j]!;
    let frame;
    try {
      frame = momentaFrame(momenta, offset[j]!, n, `jet ${j}`);
    } catch (e) {
      if (LabError.isInstance(e) && e.code === 'INVALID_ARGUMENT') throw new DataFormatError(file, `${e.message} Remove the jet or regenerate the file.`, 'constituents', { cause: e });
      throw e;
    }
    nCons[j] = n;
    if (n > rows) truncated++;
    fillConstituentArray(frame, rows, fcn, j * rows * F);
    const o = fillFrameImage(frame, pixels, halfWidth, image, j * pixels * pixels);
    outside[j] = o;
    outsideSum += o;
    progress({ completed: j + 1, total: J, label });
  }
  const src = readMeta(source, file);
  const str = (k: string) => (typeof src[k] === 'string' ? { [k]: src[k] as string } : {});
  const meta: ProbeTrainingMeta = {
    format: 'probe-train-data',
    version: 1,
    createdBy: `@lab/jet-interp ${version}`,
    from: basename(file),
    ...str('signal'),
    ...str('background'),
    ...str('source'),
    ...(typeof src['seed'] === 'number' ? { splitSeed: src['seed'] } : {}),
    jets: J,
    labels: perClass,
    splits: counts,
    maxConstituents: rows,
    constituentFeatures: [...CONSTITUENT_FEATURES],
    image: { pixels, halfWidth, preprocessing: IMAGE_PREPROCESSING },
    meanImageOutside: J ? outsideSum / J : 0,
    truncatedJets: truncated,
  };
  const arrays: Record<string, NdArray> = {
    fcn_x: ndarray('float32', [J, rows, F], fcn),
    image: ndarray('float32', [J, pixels, pixels], image),
    label: ndarray('int32', [J], Int32Array.from(labelsIn)),
    split: ndarray('int32', [J], Int32Array.from(split)),
    n_constituents: ndarray('int32', [J], nCons),
    image_outside: ndarray('float32', [J], outside),
  };
  const jm = source['jet_momentum'];
  if (jm && jm.dtype === 'float64' && jm.shape.length === 2 && jm.shape[0] === J && jm.shape[1] === 4) arrays['jet_momentum'] = ndarray('float64', [J, 4], Float64Array.from(jm.data as Float64Array));
  const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
  arrays['meta_json'] = ndarray('uint8', [metaBytes.length], metaBytes);
  return { arrays, meta };
}

/**
 * Reads a `jet-interp train-data` .npz, featurises its jets ({@link probeTrainingData}) and writes one compressed .npz,
 * the input of `training/jets/train_probes.py` (the `jet-interp probe-data` command calls this).
 * @param out - the .npz to write (parent folders are created; written atomically)
 * @param from - path of the train-data .npz, or its decoded arrays
 * @param options - constituent rows, image geometry, progress
 * @returns the metadata written with the arrays
 * @throws DataFormatError for an unreadable or malformed source file; InvalidArgumentError for bad options
 * @example
 * ```ts
 * await writeProbeTrainingData('training/jets/data/w-qcd-probe.npz', 'training/jets/data/w-qcd.npz');
 * ```
 */
export async function writeProbeTrainingData(out: string, from: string | Record<string, NdArray>, options: ProbeTrainingDataOptions = {}): Promise<ProbeTrainingMeta> {
  if (typeof out !== 'string' || out === '') throw new InvalidArgumentError('out', 'out must be the path of the .npz to write.');
  const progress = options.onProgress;
  let arrays: Record<string, NdArray>;
  let file = options.file;
  if (typeof from === 'string') {
    progress?.({ completed: 0, total: 1, label: 'reading' });
    arrays = await readNpz(from);
    file ??= from;
  } else arrays = from;
  const data = probeTrainingData(arrays, { ...options, ...(file !== undefined ? { file } : {}) });
  progress?.({ completed: 0, total: 1, label: 'writing' });
  await writeNpz(out, data.arrays, { compress: true });
  progress?.({ completed: 1, total: 1, label: 'writing' });
  return data.meta;
}
