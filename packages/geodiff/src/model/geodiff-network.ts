import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DataFormatError,
  InvalidArgumentError,
  type Device,
  type ModelSession,
  Tensor,
  loadModel,
  type LoadModelOptions,
  packageDir,
} from '@lab/tensor-core';
import type { EpsModel, EpsModelInput } from '../diffusion/samplers';
import type { BetaScheduleOptions } from '../diffusion/schedule';
import type { MoleculeGraph } from '../featurize/featurize';
import { type PairGraph, localPairs, radiusPairs } from '../featurize/pair-graph';

/** The network settings a GeoDiff export carries in `geodiff.json` next to its `model.json`. */
export interface GeoDiffConfig {
  /** `'dualenc'`: GeoDiff's dual-encoder ε-network. */
  network: string;
  hidden: number;
  /** SchNet interactions of the global encoder. */
  numConvs: number;
  /** GIN convolutions of the local encoder. */
  numConvsLocal: number;
  /** Radius-graph cut-off (Å). */
  cutoff: number;
  /** Order of the extended bond graph. */
  edgeOrder: number;
  /** Neighbour limit of the radius graph (torch_cluster `max_num_neighbors`). */
  maxNumNeighbors: number;
  /** The β schedule the network was trained with (`geodiff.json` names its length `numTimesteps`). */
  schedule: Required<BetaScheduleOptions>;
}

/** Options of {@link loadGeoDiffNetwork}. */
export interface LoadGeoDiffOptions {
  /** `cpu`, `cuda` or `auto`. @default 'cpu' */
  device?: Device | string;
  /** onnxruntime intra-op threads. @default onnxruntime's choice */
  intraOpThreads?: number;
  /** Called when `device: 'auto'` falls back to CPU. */
  onFallback?: (reason: string) => void;
  /**
   * Extra onnxruntime session options for both graphs (advanced). @default thread spinning off
   * (`{ extra: { session: { intra_op: { allow_spinning: '0' } } } }`): the sampler alternates between the two sessions,
   * and the spinning threads of one steal the cores of the other (measured: a global + local step pair took 50 ms with
   * spinning against 26 ms without, on 2 cores).
   */
  ortOptions?: LoadModelOptions['ortOptions'];
}

/** A loaded GeoDiff network: the ONNX session and its configuration. Release it with {@link GeoDiffNetwork.dispose}. */
export interface GeoDiffNetwork {
  /** The full network: inputs atom_type, pos, local_pairs, local_type, global_pairs, global_type, global_dir; outputs eps_local, eps_global. */
  readonly session: ModelSession;
  /** The local branch alone (`local/model.json`, same weights), used at steps without the global term. */
  readonly localSession: ModelSession;
  readonly config: GeoDiffConfig;
  /** The model directory. */
  readonly dir: string;
  dispose(): Promise<void>;
}

/** The directory of the default model shipped in this package (`models/geodiff-default`). */
export function defaultModelDir(): string {
  return join(packageDir(import.meta.url), 'models', 'geodiff-default');
}

const INPUTS = ['atom_type', 'pos', 'local_pairs', 'local_type', 'global_pairs', 'global_type', 'global_dir'];

/**
 * Loads a GeoDiff network exported by `training/geodiff/train_geodiff.py`: `model.json` (manifest with the sha256 of
 * `model.onnx`, checked on load) and `geodiff.json` (architecture and β schedule).
 *
 * @example
 * ```ts
 * const network = await loadGeoDiffNetwork(); // the shipped default model
 * // ... generateConformers(molecules, { network, numConfs: 10 })
 * await network.dispose();
 * ```
 * @param dir - the model directory @default {@link defaultModelDir}
 * @param options - device and threads
 * @returns the network
 * @throws ModelNotFoundError / ChecksumMismatchError from tensor-core for a missing or altered model;
 *   DataFormatError when `geodiff.json` is missing or malformed or the ONNX inputs are not GeoDiff's
 */
export async function loadGeoDiffNetwork(dir: string = defaultModelDir(), options: LoadGeoDiffOptions = {}): Promise<GeoDiffNetwork> {
  const configPath = join(dir, 'geodiff.json');
  if (!existsSync(configPath)) {
    throw new DataFormatError(configPath, `no geodiff.json in ${dir}; a GeoDiff model directory holds model.json, model.onnx and geodiff.json as written by training/geodiff/train_geodiff.py.`);
  }
  const config = parseConfig(JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>, configPath);
  const loadOptions = {
    device: options.device ?? 'cpu',
    ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
    ...(options.onFallback ? { onFallback: options.onFallback } : {}),
    ortOptions: options.ortOptions ?? { extra: { session: { intra_op: { allow_spinning: '0' } } } },
  };
  const session = await loadModel(join(dir, 'model.json'), loadOptions);
  let localSession: ModelSession;
  try {
    checkInputs(session, INPUTS, join(dir, 'model.json'));
    localSession = await loadModel(join(dir, 'local', 'model.json'), loadOptions);
    checkInputs(localSession, INPUTS.slice(0, 4), join(dir, 'local', 'model.json'));
  } catch (e) {
    await session.dispose();
    throw e;
  }
  return {
    session,
    localSession,
    config,
    dir,
    dispose: async () => {
      await session.dispose();
      await localSession.dispose();
    },
  };
}

function checkInputs(session: ModelSession, expected: readonly string[], path: string): void {
  const names = session.inputs.map((s) => s.name);
  const missing = expected.filter((n) => !names.includes(n));
  if (missing.length > 0) {
    void session.dispose();
    throw new DataFormatError(path, `the model lacks the inputs ${missing.join(', ')} of a GeoDiff network (it has ${names.join(', ')}); export it with training/geodiff/train_geodiff.py.`);
  }
}

function parseConfig(raw: Record<string, unknown>, path: string): GeoDiffConfig {
  const num = (key: string): number => {
    const v = raw[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new DataFormatError(path, `field "${key}" must be a number, got ${JSON.stringify(v)}.`);
    return v;
  };
  const schedule = raw['schedule'] as Record<string, unknown> | undefined;
  if (typeof schedule !== 'object' || schedule === null) throw new DataFormatError(path, 'field "schedule" must be an object { type, betaStart, betaEnd, numTimesteps }.');
  return {
    network: String(raw['network'] ?? 'dualenc'),
    hidden: num('hidden'),
    numConvs: num('num_convs' in raw ? 'num_convs' : 'numConvs'),
    numConvsLocal: num('num_convs_local' in raw ? 'num_convs_local' : 'numConvsLocal'),
    cutoff: num('cutoff'),
    edgeOrder: num('edgeOrder'),
    maxNumNeighbors: num('maxNumNeighbors'),
    schedule: {
      type: schedule['type'] as GeoDiffConfig['schedule']['type'],
      betaStart: Number(schedule['betaStart']),
      betaEnd: Number(schedule['betaEnd']),
      steps: Number(schedule['numTimesteps']),
    },
  };
}

/** An int64 tensor from non-negative int32 values, written through the low words (little-endian). */
function int64Tensor(values: Int32Array, dims: number[]): Tensor {
  const big = new BigInt64Array(values.length);
  const words = new Int32Array(big.buffer);
  for (let k = 0; k < values.length; k++) words[2 * k] = values[k]!;
  return new Tensor('int64', big, dims);
}

/** The pairs of many molecules as one `[2, P]` set, atom indices offset per molecule. */
function concatPairs(parts: readonly PairGraph[], offsets: Int32Array): { pairs: Tensor; type: Tensor; direction: Tensor | undefined } {
  const total = parts.reduce((s, p) => s + p.numPairs, 0);
  const pairs = new Int32Array(2 * total);
  const type = new Int32Array(total);
  const direction = parts[0]?.direction ? new Float32Array(2 * total) : undefined;
  let p0 = 0;
  parts.forEach((part, g) => {
    const P = part.numPairs;
    const off = offsets[g]!;
    for (let p = 0; p < P; p++) {
      pairs[p0 + p] = part.pairs[p]! + off;
      pairs[total + p0 + p] = part.pairs[P + p]! + off;
    }
    type.set(part.type, p0);
    if (direction) direction.set(part.direction!, 2 * p0);
    p0 += P;
  });
  return {
    pairs: int64Tensor(pairs, [2, total]),
    type: int64Tensor(type, [total]),
    direction: direction ? new Tensor('float32', direction, [total, 2]) : undefined,
  };
}

/** Per-step work counters of a {@link createEpsModel} model, for benchmarks. */
export interface EpsModelStats {
  /** Calls so far. */
  calls: number;
  /** Milliseconds inside onnxruntime. */
  networkMs: number;
  /** Milliseconds building radius graphs and tensors. */
  featurizeMs: number;
}

/**
 * Wraps a {@link GeoDiffNetwork} as the {@link EpsModel} the samplers call, for one batch of molecules.
 *
 * @remarks
 * `graphs[g]` describes molecule g of the batch (atoms stored one molecule after another, as {@link sample} lays them
 * out). The local (order-extended bond) edges are fixed and built once; at every step that needs the global term the
 * radius graph is recomputed from the current positions with {@link radiusPairs} (the model's cut-off and neighbour
 * limit), and one network call serves every molecule of the batch. Steps that do not use the global term
 * (σ ≥ `globalStartSigma`) run the local branch alone ({@link GeoDiffNetwork.localSession}).
 * @example
 * ```ts
 * const model = createEpsModel(network, [featurize(mol), featurize(mol)]);
 * const { pos } = await sample({ model, numAtoms: [mol.atoms.length, mol.atoms.length], rng: new Rng(0) });
 * ```
 * @param network - the loaded network
 * @param graphs - the molecules of the batch, in order
 * @returns the noise model, with `stats` counting its work
 */
export function createEpsModel(network: GeoDiffNetwork, graphs: readonly MoleculeGraph[]): EpsModel & { stats: EpsModelStats } {
  if (graphs.length === 0) throw new InvalidArgumentError('graphs', 'give at least one molecule graph.');
  const offsets = new Int32Array(graphs.length + 1);
  graphs.forEach((g, i) => (offsets[i + 1] = offsets[i]! + g.numAtoms));
  const numAtoms = offsets[graphs.length]!;
  const atomTypes = new Int32Array(numAtoms);
  graphs.forEach((g, i) => atomTypes.set(g.atomType, offsets[i]!));
  const atomType = int64Tensor(atomTypes, [numAtoms]);
  const local = concatPairs(graphs.map(localPairs), offsets);
  const { cutoff, maxNumNeighbors } = network.config;
  const stats: EpsModelStats = { calls: 0, networkMs: 0, featurizeMs: 0 };
  const model = async (input: EpsModelInput) => {
    const t0 = performance.now();
    if (input.pos.length !== 3 * numAtoms) {
      throw new InvalidArgumentError('pos', `the batch has ${numAtoms} atoms (${graphs.length} molecules) but the sampler passed ${input.pos.length / 3}.`);
    }
    const pos32 = Float32Array.from(input.pos);
    const feeds: Record<string, Tensor> = {
      atom_type: atomType,
      pos: new Tensor('float32', pos32, [numAtoms, 3]),
      local_pairs: local.pairs,
      local_type: local.type,
    };
    if (input.needGlobal) {
      const parts = graphs.map((g, i) => radiusPairs(input.pos.subarray(3 * offsets[i]!, 3 * offsets[i + 1]!), g, cutoff, { maxNumNeighbors }));
      const global = concatPairs(parts, offsets);
      feeds['global_pairs'] = global.pairs;
      feeds['global_type'] = global.type;
      feeds['global_dir'] = global.direction!;
    }
    const t1 = performance.now();
    const out = await (input.needGlobal ? network.session : network.localSession).run(feeds);
    const t2 = performance.now();
    stats.calls++;
    stats.featurizeMs += t1 - t0;
    stats.networkMs += t2 - t1;
    const epsLocal = out['eps_local']!.data as Float32Array;
    return input.needGlobal ? { epsLocal, epsGlobal: out['eps_global']!.data as Float32Array } : { epsLocal };
  };
  return Object.assign(model, { stats });
}
