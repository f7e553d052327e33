/**
 * Training arrays for training/jets/train_recnn.py: the trees of many jets flattened into node and jet arrays.
 * @packageDocumentation
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DataFormatError, InvalidArgumentError, LabError, Rng, ndarray, readNpz, throttleProgress, writeNpz, type NdArray, type WithProgress } from '@lab/tensor-core';
import { version } from '../../package.json';
import { RECLUSTER_RADIUS, type JetInput } from '../lund/recluster-jet';
import { ParticleEvent } from '../particles/particle-event';
import { buildJetTree, parseTreeAlgorithm, type JetTree, type JetTreeOptions, type TreeAlgorithm } from './jet-tree';
import { RECNN_FEATURE_COUNT, RECNN_FEATURES, nodeFeatures } from './node-features';
import { RobustScaler, type RobustScalerJson } from './robust-scaler';

/** Split codes of `jet_split`. */
export const RECNN_SPLITS = Object.freeze({ train: 0, validation: 1, test: 2 } as const);

/**
 * Options of {@link recnnTrainingData} and {@link writeRecnnTrainingData}.
 * @example
 * ```ts
 * recnnTrainingData(jets, labels, { algorithm: 'kt', seed: 3, signal: 'w', background: 'quark' });
 * ```
 */
export interface RecnnTrainingDataOptions extends JetTreeOptions, WithProgress {
  /** Fraction of each class held out for validation (early stopping). @default 0.15 */
  validationFraction?: number;
  /** Fraction of each class held out for the test metrics. @default 0.15 */
  testFraction?: number;
  /** Seed of the split. @default 0 */
  seed?: number;
  /** Store the jets' constituents (float64 four-momenta) for golden files and later studies. @default true */
  constituents?: boolean;
  /** Also store the unscaled float64 features (`node_features`). @default false */
  rawFeatures?: boolean;
  /** Name of the label-1 class (e.g. `w`, `top`, `quark`), recorded in the metadata. */
  signal?: string;
  /** Name of the label-0 class (e.g. `quark`, `gluon`). */
  background?: string;
  /** Where the jets came from, recorded in the metadata. */
  source?: string;
}

/** The metadata stored (as UTF-8 JSON in the uint8 array `meta_json`) with the training arrays. */
export interface RecnnTrainingMeta {
  format: 'recnn-train-data';
  version: 1;
  /** Writer, e.g. `@lab/jet-interp 0.1.0`. */
  createdBy: string;
  algorithm: TreeAlgorithm;
  radius: number;
  features: string[];
  signal?: string;
  background?: string;
  source?: string;
  jets: number;
  nodes: number;
  /** The deepest node (root depth 0). */
  maxDepth: number;
  /** Jets per class: `signal` has label 1, `background` label 0. */
  labels: { signal: number; background: number };
  splits: { train: number; validation: number; test: number };
  validationFraction: number;
  testFraction: number;
  seed: number;
  /** The scaler fitted on every node of the training split. */
  scaler: RobustScalerJson;
}

/** What {@link recnnTrainingData} builds. */
export interface RecnnTrainingData {
  /** The arrays of the .npz (see {@link recnnTrainingData}). */
  arrays: Record<string, NdArray>;
  /** The scaler fitted on the training split's nodes. */
  scaler: RobustScaler;
  meta: RecnnTrainingMeta;
}

function checkFraction(name: string, v: number): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new InvalidArgumentError(name, `${name} must be in [0, 1); received ${String(v)}.`);
  return v;
}

/**
 * Stratified split codes ({@link RECNN_SPLITS}): per class, a seeded shuffle puts the first `round(n·test)` jets in test,
 * the next `round(n·validation)` in validation and the rest in train.
 * @param labels - 0/1 labels
 * @param validationFraction - fraction per class for validation
 * @param testFraction - fraction per class for test
 * @param seed - seed of the shuffle
 * @returns one code per jet
 * @throws InvalidArgumentError for bad fractions (their sum must stay below 1)
 * @example
 * ```ts
 * splitJets([0, 1, 0, 1], 0.25, 0.25, 0); // Uint8Array of 0/1/2 codes
 * ```
 */
export function splitJets(labels: ArrayLike<number>, validationFraction: number, testFraction: number, seed: number): Uint8Array {
  checkFraction('validationFraction', validationFraction);
  checkFraction('testFraction', testFraction);
  if (validationFraction + testFraction >= 1) {
    throw new InvalidArgumentError('validationFraction', `validationFraction + testFraction must be < 1; received ${validationFraction} + ${testFraction}.`);
  }
  const rng = new Rng(seed);
  const split = new Uint8Array(labels.length);
  for (const c of [0, 1]) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === c) members.push(i);
    const order = rng.permutation(members.length);
    const nTest = Math.round(members.length * testFraction);
    const nVal = Math.round(members.length * validationFraction);
    order.forEach((o, r) => (split[members[o]!] = r < nTest ? RECNN_SPLITS.test : r < nTest + nVal ? RECNN_SPLITS.validation : RECNN_SPLITS.train));
  }
  return split;
}

/**
 * Builds the RecNN training arrays of labelled jets.
 *
 * @remarks
 * Each jet is reclustered ({@link buildJetTree}: C/A by default) and its nodes' features ({@link RECNN_FEATURES}) are
 * computed; a stratified seeded split assigns train/validation/test; a {@link RobustScaler} is fitted on every node of the
 * training jets and applied to all. Nodes of jet j are the contiguous range `[jet_node_offset[j], jet_node_offset[j+1])`
 * in the tree's post-order (children first, root last). The arrays (indices are int32 and global over all jets):
 *
 * | name | dtype, shape | content |
 * | --- | --- | --- |
 * | `node_x` | float32 [N, 7] | scaled features, the network's input |
 * | `node_left`, `node_right` | int32 [N] | harder / softer child, −1 for leaves |
 * | `node_depth` | int32 [N] | distance from the root (batches are formed per depth) |
 * | `node_jet` | int32 [N] | the jet of the node |
 * | `jet_node_offset` | int32 [J + 1] | first node of each jet |
 * | `jet_root` | int32 [J] | the root node (`jet_node_offset[j+1] − 1`) |
 * | `jet_label` | int32 [J] | 1 signal, 0 background |
 * | `jet_split` | int32 [J] | 0 train, 1 validation, 2 test |
 * | `jet_momentum` | float64 [J, 4] | the tree's total four-momentum (px, py, pz, E) |
 * | `constituents`, `jet_constituent_offset` | float64 [C, 4], int32 [J + 1] | the jets' constituents (option) |
 * | `node_features` | float64 [N, 7] | unscaled features (option `rawFeatures`) |
 * | `scaler_center`, `scaler_scale` | float64 [7] | the fitted scaler |
 * | `meta_json` | uint8 [bytes] | {@link RecnnTrainingMeta} as UTF-8 JSON |
 *
 * @param jets - the jets (constituents or clustering nodes)
 * @param labels - 1 for signal, 0 for background, one per jet
 * @param options - reclustering, split, metadata, progress
 * @returns arrays, scaler and metadata
 * @throws InvalidArgumentError for mismatched lengths, labels other than 0/1, an empty training split of a class, a bad
 *   option or a jet without constituents (naming the jet)
 * @example
 * ```ts
 * const w = generateJets('w', 500, { seed: 1 });
 * const q = generateJets('quark', 500, { seed: 2 });
 * const data = recnnTrainingData([...w, ...q].map((j) => j.constituents), [...w.map(() => 1), ...q.map(() => 0)], { signal: 'w', background: 'quark' });
 * data.meta.splits; // { train: 700, validation: 150, test: 150 }
 * ```
 */
export function recnnTrainingData(jets: readonly JetInput[], labels: ArrayLike<number>, options: RecnnTrainingDataOptions = {}): RecnnTrainingData {
  if (jets.length !== labels.length) throw new InvalidArgumentError('labels', `${jets.length} jets but ${labels.length} labels.`);
  if (jets.length === 0) throw new InvalidArgumentError('jets', 'give at least one jet of each class.');
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new InvalidArgumentError('labels', `label ${i} is ${String(labels[i])}; labels must be 0 (background) or 1 (signal).`);
  }
  const algorithm = parseTreeAlgorithm(options.algorithm ?? 'ca');
  const radius = options.radius ?? RECLUSTER_RADIUS;
  const validationFraction = options.validationFraction ?? 0.15;
  const testFraction = options.testFraction ?? 0.15;
  const seed = options.seed ?? 0;
  const split = splitJets(labels, validationFraction, testFraction, seed);
  const progress = throttleProgress(options.onProgress);
  const label = 'building trees';
  const J = jets.length;
  progress({ completed: 0, total: J, label });
  const trees: JetTree[] = new Array<JetTree>(J);
  let N = 0;
  for (let j = 0; j < J; j++) {
    try {
      trees[j] = buildJetTree(jets[j]!, { algorithm, radius });
    } catch (e) {
      if (LabError.isInstance(e) && e.code === 'INVALID_ARGUMENT' && (e as InvalidArgumentError).argument === 'jet') throw new InvalidArgumentError('jets', `jet ${j}: ${e.message}`, { cause: e });
      throw e;
    }
    N += trees[j]!.size;
    progress({ completed: j + 1, total: J, label });
  }
  const W = RECNN_FEATURE_COUNT;
  const raw = new Float64Array(W * N);
  const left = new Int32Array(N);
  const right = new Int32Array(N);
  const depth = new Int32Array(N);
  const nodeJet = new Int32Array(N);
  const offset = new Int32Array(J + 1);
  const root = new Int32Array(J);
  const momentum = new Float64Array(4 * J);
  let maxDepth = 0;
  let trainRows = 0;
  for (let j = 0; j < J; j++) {
    const t = trees[j]!;
    const o = offset[j]!;
    nodeFeatures(t, raw, W * o);
    for (let k = 0; k < t.size; k++) {
      left[o + k] = t.left[k]! < 0 ? -1 : o + t.left[k]!;
      right[o + k] = t.right[k]! < 0 ? -1 : o + t.right[k]!;
      depth[o + k] = t.depth[k]!;
      nodeJet[o + k] = j;
      if (t.depth[k]! > maxDepth) maxDepth = t.depth[k]!;
    }
    offset[j + 1] = o + t.size;
    root[j] = o + t.root;
    momentum.set(t.momenta.subarray(4 * t.root, 4 * t.root + 4), 4 * j);
    if (split[j] === RECNN_SPLITS.train) trainRows += t.size;
  }
  const counts = { train: 0, validation: 0, test: 0 };
  const perClass = { signal: 0, background: 0 };
  const trainPerClass = [0, 0];
  for (let j = 0; j < J; j++) {
    const s = split[j]!;
    if (s === RECNN_SPLITS.train) {
      counts.train++;
      trainPerClass[labels[j]!]!++;
    } else if (s === RECNN_SPLITS.validation) counts.validation++;
    else counts.test++;
    if (labels[j] === 1) perClass.signal++;
    else perClass.background++;
  }
  if (trainPerClass[0] === 0 || trainPerClass[1] === 0) {
    throw new InvalidArgumentError('labels', `the training split needs jets of both classes; it has ${trainPerClass[1]} signal and ${trainPerClass[0]} background jets.`);
  }
  // the scaler sees every node of the training jets
  const trainFeatures = new Float64Array(W * trainRows);
  let r = 0;
  for (let j = 0; j < J; j++) {
    if (split[j] !== RECNN_SPLITS.train) continue;
    const a = W * offset[j]!;
    const b = W * offset[j + 1]!;
    trainFeatures.set(raw.subarray(a, b), r);
    r += b - a;
  }
  const scaler = RobustScaler.fit(trainFeatures, W, { features: RECNN_FEATURES });
  const x = scaler.transformToFloat32(raw);

  const meta: RecnnTrainingMeta = {
    format: 'recnn-train-data',
    version: 1,
    createdBy: `@lab/jet-interp ${version}`,
    algorithm,
    radius,
    features: [...RECNN_FEATURES],
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.background !== undefined ? { background: options.background } : {}),
    ...(options.source !== undefined ? { source: options.source } : {}),
    jets: J,
    nodes: N,
    maxDepth,
    labels: perClass,
    splits: counts,
    validationFraction,
    testFraction,
    seed,
    scaler: scaler.toJSON(),
  };
  const arrays: Record<string, NdArray> = {
    node_x: ndarray('float32', [N, W], x),
    node_left: ndarray('int32', [N], left),
    node_right: ndarray('int32', [N], right),
    node_depth: ndarray('int32', [N], depth),
    node_jet: ndarray('int32', [N], nodeJet),
    jet_node_offset: ndarray('int32', [J + 1], offset),
    jet_root: ndarray('int32', [J], root),
    jet_label: ndarray('int32', [J], Int32Array.from(labels)),
    jet_split: ndarray('int32', [J], Int32Array.from(split)),
    jet_momentum: ndarray('float64', [J, 4], momentum),
    scaler_center: ndarray('float64', [W], Float64Array.from(scaler.center)),
    scaler_scale: ndarray('float64', [W], Float64Array.from(scaler.scale)),
  };
  const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
  arrays['meta_json'] = ndarray('uint8', [metaBytes.length], metaBytes);
  if (options.rawFeatures) arrays['node_features'] = ndarray('float64', [N, W], raw);
  if (options.constituents ?? true) {
    const cOffset = new Int32Array(J + 1);
    for (let j = 0; j < J; j++) cOffset[j + 1] = cOffset[j]! + trees[j]!.leaves;
    const C = cOffset[J]!;
    const constituents = new Float64Array(4 * C);
    for (let j = 0; j < J; j++) {
      // the tree's leaves in particle order (all constituents but the ones reclustering left outside)
      const t = trees[j]!;
      const leaves: number[] = [];
      for (let k = 0; k < t.size; k++) if (t.particle[k]! >= 0) leaves.push(k);
      leaves.sort((a, b) => t.particle[a]! - t.particle[b]!);
      leaves.forEach((k, i) => constituents.set(t.momenta.subarray(4 * k, 4 * k + 4), 4 * (cOffset[j]! + i)));
    }
    arrays['constituents'] = ndarray('float64', [C, 4], constituents);
    arrays['jet_constituent_offset'] = ndarray('int32', [J + 1], cOffset);
  }
  return { arrays, scaler, meta };
}

/**
 * Builds the RecNN training arrays ({@link recnnTrainingData}) and writes them as one compressed .npz, the input of
 * `training/jets/train_recnn.py` (the `jet-interp train-data` command calls this).
 * @param file - the .npz to write (parent folders are created; written atomically)
 * @param jets - the jets
 * @param labels - 1 signal, 0 background
 * @param options - reclustering, split, metadata, progress
 * @returns the metadata written with the arrays
 * @throws as {@link recnnTrainingData}
 * @example
 * ```ts
 * await writeRecnnTrainingData('training/jets/data/w-quark.npz', jets, labels, { signal: 'w', background: 'quark' });
 * ```
 */
export async function writeRecnnTrainingData(file: string, jets: readonly JetInput[], labels: ArrayLike<number>, options: RecnnTrainingDataOptions = {}): Promise<RecnnTrainingMeta> {
  const data = recnnTrainingData(jets, labels, options);
  await mkdir(dirname(file), { recursive: true });
  await writeNpz(file, data.arrays, { compress: true });
  return data.meta;
}

/** The labelled jets stored in a `jet-interp train-data` file (see {@link readTrainingJets}). */
export interface TrainingJets {
  /** Each jet's constituents (the leaves of its tree, in the original particle order). */
  jets: ParticleEvent[];
  /** 1 signal, 0 background. */
  labels: Int32Array;
  /** {@link RECNN_SPLITS} code per jet. */
  split: Int32Array;
  /** The file's metadata. */
  meta: RecnnTrainingMeta;
}

/**
 * Reads back the jets of a `jet-interp train-data` file (written with constituents, the default), with their labels and
 * split, so that every later stage (probing, transfer, saliency, the probe networks' arrays) sees the same jets and the
 * same held-out test set as the RecNN's training.
 * @param file - the .npz
 * @param options - `split`: keep only the jets of this split; `limit`: at most this many jets (after the split filter)
 * @returns jets, labels, split codes and metadata
 * @throws DataFormatError when the file is not RecNN training arrays or was written without constituents
 * @example
 * ```ts
 * const { jets, labels } = await readTrainingJets('training/jets/data/w-qcd.npz', { split: 'test' });
 * ```
 */
export async function readTrainingJets(file: string, options: { split?: keyof typeof RECNN_SPLITS; limit?: number } = {}): Promise<TrainingJets> {
  if (options.split === undefined) return takeJets(await readTrainingFile(file), -1, options.limit);
  return (await readTrainingSplits(file, [options.split], options))[options.split]!;
}

/**
 * Several splits of a `jet-interp train-data` file from one read of it (the file holds every split; reading it once per
 * split would decompress it again each time).
 * @param file - the .npz
 * @param splits - which splits
 * @param options - `limit`: at most this many jets per split
 * @returns split name → its jets, labels and metadata
 * @throws DataFormatError as {@link readTrainingJets}; InvalidArgumentError for an unknown split
 * @example
 * ```ts
 * const { validation, test } = await readTrainingSplits('w-qcd.npz', ['validation', 'test'], { limit: 3000 });
 * ```
 */
export async function readTrainingSplits<S extends keyof typeof RECNN_SPLITS>(
  file: string,
  splits: readonly S[],
  options: { limit?: number } = {},
): Promise<Record<S, TrainingJets>> {
  for (const name of splits) {
    if (RECNN_SPLITS[name] === undefined) throw new InvalidArgumentError('split', `split must be one of ${Object.keys(RECNN_SPLITS).join(', ')}; received "${String(name)}".`);
  }
  const stored = await readTrainingFile(file);
  return Object.fromEntries(splits.map((name) => [name, takeJets(stored, RECNN_SPLITS[name], options.limit)])) as Record<S, TrainingJets>;
}

interface StoredJets {
  file: string;
  meta: RecnnTrainingMeta;
  labels: Int32Array;
  split: Int32Array;
  offsets: Int32Array;
  momenta: Float64Array;
}

async function readTrainingFile(file: string): Promise<StoredJets> {
  const arrays = await readNpz(file);
  const metaBytes = arrays['meta_json'];
  let meta: RecnnTrainingMeta | undefined;
  try {
    meta = metaBytes ? (JSON.parse(new TextDecoder().decode(metaBytes.data as Uint8Array)) as RecnnTrainingMeta) : undefined;
  } catch {
    meta = undefined;
  }
  if (!meta || meta.format !== 'recnn-train-data') throw new DataFormatError(file, 'not RecNN training arrays (no meta_json of format recnn-train-data); write them with `jet-interp train-data`.');
  const constituents = arrays['constituents'];
  const cOffset = arrays['jet_constituent_offset'];
  if (!constituents || !cOffset) throw new DataFormatError(file, 'the file holds no constituents; write it again with `jet-interp train-data` without --no-constituents.');
  return {
    file,
    meta,
    labels: Int32Array.from(arrays['jet_label']!.data as ArrayLike<number>),
    split: Int32Array.from(arrays['jet_split']!.data as ArrayLike<number>),
    offsets: cOffset.data as Int32Array,
    momenta: constituents.data as Float64Array,
  };
}

/** The stored jets of one split code (−1: all), at most `limit`. */
function takeJets(stored: StoredJets, want: number, limit = Infinity): TrainingJets {
  const { file, offsets: offs, momenta: p } = stored;
  const jets: ParticleEvent[] = [];
  const labels: number[] = [];
  const split: number[] = [];
  for (let j = 0; j < stored.labels.length && jets.length < limit; j++) {
    if (want >= 0 && stored.split[j] !== want) continue;
    jets.push(new ParticleEvent(p.slice(4 * offs[j]!, 4 * offs[j + 1]!), { source: { event: j, file } }));
    labels.push(stored.labels[j]!);
    split.push(stored.split[j]!);
  }
  return { jets, labels: Int32Array.from(labels), split: Int32Array.from(split), meta: stored.meta };
}
