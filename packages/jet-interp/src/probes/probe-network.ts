/**
 * The comparison networks of the linear-probing study (FCN, LSTM, CNN) through onnxruntime: jets → constituent arrays or
 * jet images → P(signal) and the activations of the last three hidden layers.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DataFormatError,
  InvalidArgumentError,
  LabError,
  ModelNotFoundError,
  Tensor,
  checkGolden,
  loadModel,
  numericData,
  throttleProgress,
  type Device,
  type GoldenReport,
  type ModelManifest,
  type OnnxModel,
  type WithProgress,
} from '@lab/tensor-core';
import type { JetInput } from '../lund/recluster-jet';
import { CONSTITUENT_FEATURES, CONSTITUENT_FEATURE_COUNT, fillConstituentArray } from './constituent-features';
import { jetFrame } from './jet-frame';
import { fillFrameImage } from './jet-image';

/** The comparison architectures. */
export const PROBE_ARCHS = Object.freeze(['fcn', 'lstm', 'cnn'] as const);
/** A comparison architecture: `fcn`, `lstm` or `cnn`. */
export type ProbeArch = (typeof PROBE_ARCHS)[number];

/** The outputs every probe network has: `probability`, `logit`, and `hidden1`…`hidden3` (hidden3 the last hidden layer). */
export const PROBE_OUTPUTS = Object.freeze(['probability', 'logit', 'hidden1', 'hidden2', 'hidden3'] as const);

/** One of the three probed hidden layers, as probe.json describes it. */
export interface ProbeHiddenLayer {
  /** Graph output: `hidden1`, `hidden2` or `hidden3`. */
  output: string;
  /** The PyTorch module it comes from (e.g. `fc2`, `lstm`, `conv3`). */
  module: string;
  /** What the layer is, e.g. `Dense 128 -> 64 + ReLU`. */
  layer: string;
  /** Number of activations per jet. */
  size: number;
}

/**
 * `probe.json`, written by training/jets/train_probes.py next to the model.
 * @example
 * ```ts
 * const net = await loadProbeNetwork('training/jets/runs/probe-w-qcd-cnn');
 * net.config.hiddenLayers.map((h) => h.layer);
 * ```
 */
export interface ProbeNetworkConfig {
  format: 'probe-network';
  version: 1;
  name: string;
  arch: ProbeArch;
  /** True for networks trained on generated jets only (the unit-test fixtures). */
  synthetic: boolean;
  signal?: string;
  background?: string;
  input: {
    /** Graph input name: `constituents` (fcn, lstm) or `image` (cnn). */
    name: string;
    kind: 'constituents' | 'image';
    maxConstituents: number;
    constituentFeatures: string[];
    pixels: number;
    halfWidth: number;
  };
  /** hidden1, hidden2, hidden3, in that order. */
  hiddenLayers: ProbeHiddenLayer[];
  metrics: Record<string, unknown>;
}

/** Options of {@link loadProbeNetwork}. */
export interface LoadProbeNetworkOptions {
  /** `cpu`, `cuda` or `auto`. @default 'cpu' */
  device?: Device | string;
  /** onnxruntime intra-op threads. @default onnxruntime's choice */
  intraOpThreads?: number;
  /** Called when `device: 'auto'` falls back to CPU. */
  onFallback?: (reason: string) => void;
}

/** Options of {@link ProbeNetwork.run} and {@link ProbeNetwork.runInputs}. */
export interface ProbeRunOptions extends WithProgress {
  /** Jets per onnxruntime call. @default 512 */
  batchSize?: number;
}

/**
 * What a probe network computes for a list of jets.
 * @example
 * ```ts
 * const r = await net.run(jets);
 * r.hidden[2].subarray(0, r.hiddenSizes[2]); // last hidden layer of jet 0
 * ```
 */
export interface ProbeRunResult {
  /** Number of jets. */
  jets: number;
  /** P(signal) per jet. */
  probabilities: Float32Array;
  /** The output unit per jet. */
  logits: Float32Array;
  /** Activations of hidden1, hidden2, hidden3, each `[jets × size]` row-major (hidden3 is the last hidden layer). */
  hidden: [Float32Array, Float32Array, Float32Array];
  /** Sizes of the three hidden layers. */
  hiddenSizes: [number, number, number];
}

function field(path: string, name: string, problem: string): DataFormatError {
  return new DataFormatError(path, `field "${name}" ${problem} Re-export the network with training/jets/train_probes.py.`, name);
}

/**
 * Validates a parsed probe.json.
 * @param raw - parsed JSON
 * @param path - its path, for errors
 * @returns the typed configuration
 * @throws DataFormatError naming the bad field (and features or geometry this package cannot produce)
 * @example
 * ```ts
 * parseProbeNetworkConfig(JSON.parse(text), 'probe.json').arch; // 'fcn'
 * ```
 */
export function parseProbeNetworkConfig(raw: unknown, path: string): ProbeNetworkConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DataFormatError(path, 'expected a JSON object. Re-export the network with training/jets/train_probes.py.');
  const v = raw as Record<string, unknown>;
  if (v['format'] !== 'probe-network') throw field(path, 'format', `must be "probe-network"; received ${JSON.stringify(v['format'])}.`);
  if (v['version'] !== 1) throw field(path, 'version', `must be 1; received ${JSON.stringify(v['version'])}.`);
  const arch = v['arch'];
  if (typeof arch !== 'string' || !(PROBE_ARCHS as readonly string[]).includes(arch)) throw field(path, 'arch', `must be one of ${PROBE_ARCHS.join(', ')}; received ${JSON.stringify(arch)}.`);
  const input = v['input'] as Record<string, unknown> | undefined;
  if (typeof input !== 'object' || input === null) throw field(path, 'input', 'must be an object {name, kind, maxConstituents, constituentFeatures, pixels, halfWidth}.');
  const kind = input['kind'];
  if (kind !== 'constituents' && kind !== 'image') throw field(path, 'input.kind', `must be "constituents" or "image"; received ${JSON.stringify(kind)}.`);
  if ((arch === 'cnn') !== (kind === 'image')) throw field(path, 'input.kind', `is "${kind}", but a ${arch} reads ${arch === 'cnn' ? 'images' : 'constituent arrays'}.`);
  if (typeof input['name'] !== 'string' || input['name'] === '') throw field(path, 'input.name', 'must be the graph input name.');
  const int = (k: string) => {
    const x = input[k];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) throw field(path, `input.${k}`, `must be an integer ≥ 1; received ${JSON.stringify(x)}.`);
    return x;
  };
  const maxConstituents = int('maxConstituents');
  const pixels = int('pixels');
  const halfWidth = input['halfWidth'];
  if (typeof halfWidth !== 'number' || !(halfWidth > 0) || !Number.isFinite(halfWidth)) throw field(path, 'input.halfWidth', `must be a finite number > 0; received ${JSON.stringify(halfWidth)}.`);
  const features = input['constituentFeatures'];
  if (!Array.isArray(features) || features.length !== CONSTITUENT_FEATURES.length || features.some((f, i) => f !== CONSTITUENT_FEATURES[i])) {
    throw field(path, 'input.constituentFeatures', `is ${JSON.stringify(features)}, but this package computes ${JSON.stringify(CONSTITUENT_FEATURES)}; retrain on arrays from \`jet-interp probe-data\`.`);
  }
  const hidden = v['hiddenLayers'];
  if (!Array.isArray(hidden) || hidden.length !== 3) throw field(path, 'hiddenLayers', 'must list the three probed layers hidden1, hidden2, hidden3.');
  const hiddenLayers = hidden.map((h: unknown, i): ProbeHiddenLayer => {
    const o = h as Record<string, unknown>;
    const want = `hidden${i + 1}`;
    if (typeof o !== 'object' || o === null || o['output'] !== want) throw field(path, `hiddenLayers[${i}].output`, `must be "${want}".`);
    if (typeof o['size'] !== 'number' || !Number.isInteger(o['size']) || o['size'] < 1) throw field(path, `hiddenLayers[${i}].size`, `must be an integer ≥ 1; received ${JSON.stringify(o['size'])}.`);
    return { output: want, module: String(o['module'] ?? ''), layer: String(o['layer'] ?? ''), size: o['size'] };
  });
  if (typeof v['name'] !== 'string' || v['name'] === '') throw field(path, 'name', 'must be a non-empty string.');
  const metrics = v['metrics'] ?? {};
  if (typeof metrics !== 'object' || metrics === null) throw field(path, 'metrics', 'must be an object.');
  return {
    format: 'probe-network',
    version: 1,
    name: v['name'],
    arch: arch as ProbeArch,
    synthetic: v['synthetic'] === true,
    ...(typeof v['signal'] === 'string' ? { signal: v['signal'] } : {}),
    ...(typeof v['background'] === 'string' ? { background: v['background'] } : {}),
    input: { name: input['name'], kind, maxConstituents, constituentFeatures: [...CONSTITUENT_FEATURES], pixels, halfWidth },
    hiddenLayers,
    metrics: metrics as Record<string, unknown>,
  };
}

/**
 * A loaded comparison network. Create it with {@link loadProbeNetwork}; release it with {@link ProbeNetwork.dispose}.
 *
 * @remarks
 * {@link ProbeNetwork.run} featurises jets with this package's featurisers ({@link constituentArray} for fcn/lstm,
 * {@link jetImage} for cnn, with the geometry in probe.json) and runs them in batches; {@link ProbeNetwork.runInputs} takes
 * inputs already featurised (e.g. the `fcn_x` or `image` array of a `jet-interp probe-data` file).
 *
 * The three probed layers (training/jets/probe_models.py; probe.json's `hiddenLayers` and model.json's output descriptions
 * say the same): fcn — Dense 120→128, 128→64, 64→32 (+ ReLU); lstm — the LSTM's final hidden state (64; it reads the 30
 * rows softest first, zero padding first, so the hardest constituent is read last), Dense 64→64, 64→32 (+ ReLU); cnn — the
 * last conv block flattened (8 channels × 3 × 3 = 72, channel-major), Dense 72→64, 64→32 (+ ReLU). Each network starts
 * with a fixed input scale fitted on its training split, inside the graph, so it takes the featurisers' output unscaled.
 */
export class ProbeNetwork {
  /** The model directory. */
  readonly dir: string;
  /** probe.json. */
  readonly config: ProbeNetworkConfig;
  /** model.json. */
  readonly manifest: ModelManifest;
  /** The onnxruntime session. */
  readonly session: OnnxModel;

  /** @internal use {@link loadProbeNetwork} */
  constructor(init: { dir: string; config: ProbeNetworkConfig; session: OnnxModel }) {
    this.dir = init.dir;
    this.config = init.config;
    this.session = init.session;
    this.manifest = init.session.manifest!;
  }

  /** The architecture. */
  get arch(): ProbeArch {
    return this.config.arch;
  }

  /** Shape of one jet's input: `[maxConstituents, 4]` or `[pixels, pixels]`. */
  get inputShape(): [number, number] {
    const c = this.config.input;
    return c.kind === 'image' ? [c.pixels, c.pixels] : [c.maxConstituents, CONSTITUENT_FEATURE_COUNT];
  }

  /** Sizes of hidden1, hidden2, hidden3. */
  get hiddenSizes(): [number, number, number] {
    const h = this.config.hiddenLayers;
    return [h[0]!.size, h[1]!.size, h[2]!.size];
  }

  /**
   * The network's input for jets, with this package's featuriser.
   * @param jets - constituents (ParticleEvent or four-momenta) or clustering nodes
   * @returns float32 `[jets × inputShape]` row-major
   * @throws InvalidArgumentError naming the jet without constituents or with p⊥ = 0
   * @example
   * ```ts
   * const x = net.featurize(jets); // feed to runInputs, or keep for later
   * ```
   */
  featurize(jets: readonly JetInput[]): Float32Array {
    if (!Array.isArray(jets)) throw new InvalidArgumentError('jets', `jets must be an array of jets; received ${typeof jets}.`);
    const [a, b] = this.inputShape;
    const per = a * b;
    const out = new Float32Array(jets.length * per);
    const c = this.config.input;
    jets.forEach((jet, j) => {
      let frame;
      try {
        frame = jetFrame(jet);
      } catch (e) {
        if (LabError.isInstance(e) && e.code === 'INVALID_ARGUMENT') throw new InvalidArgumentError('jets', `jet ${j}: ${e.message}`, { cause: e });
        throw e;
      }
      if (c.kind === 'image') fillFrameImage(frame, c.pixels, c.halfWidth, out, j * per);
      else fillConstituentArray(frame, c.maxConstituents, out, j * per);
    });
    return out;
  }

  /**
   * Featurises jets and runs the network.
   * @param jets - constituents (ParticleEvent or four-momenta) or clustering nodes
   * @param options - batch size, progress
   * @returns probabilities, logits and the three hidden layers' activations
   * @throws InvalidArgumentError for a bad jet or option
   * @example
   * ```ts
   * const net = await loadProbeNetwork('training/jets/runs/probe-w-qcd-fcn');
   * const { probabilities, hidden } = await net.run(generateJets('w', 10, { seed: 1 }).map((j) => j.constituents));
   * await net.dispose();
   * ```
   */
  async run(jets: readonly JetInput[], options: ProbeRunOptions = {}): Promise<ProbeRunResult> {
    return this.runInputs(this.featurize(jets), jets.length, options);
  }

  /**
   * Runs the network on featurised inputs.
   * @param inputs - float32 `[jets × inputShape]` row-major (e.g. a probe-data file's `fcn_x` or `image` data)
   * @param jets - number of jets in `inputs`
   * @param options - batch size, progress
   * @returns probabilities, logits and the three hidden layers' activations
   * @throws InvalidArgumentError when `inputs` does not hold `jets` inputs of {@link ProbeNetwork.inputShape}, or for a bad
   *   batch size
   * @example
   * ```ts
   * const data = await readNpz('training/jets/data/w-qcd-probe.npz');
   * const r = await net.runInputs(data['fcn_x']!.data as Float32Array, data['fcn_x']!.shape[0]!);
   * ```
   */
  async runInputs(inputs: Float32Array, jets: number, options: ProbeRunOptions = {}): Promise<ProbeRunResult> {
    const batchSize = options.batchSize ?? 512;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', `batchSize must be an integer ≥ 1; received ${String(batchSize)}.`);
    if (!(inputs instanceof Float32Array)) throw new InvalidArgumentError('inputs', `inputs must be a Float32Array; received ${Object.prototype.toString.call(inputs)}. Featurise jets with net.featurize(jets).`);
    if (!Number.isInteger(jets) || jets < 0) throw new InvalidArgumentError('jets', `jets must be an integer ≥ 0; received ${String(jets)}.`);
    const [a, b] = this.inputShape;
    const per = a * b;
    if (inputs.length !== jets * per) {
      throw new InvalidArgumentError('inputs', `${jets} jets of ${this.config.input.kind === 'image' ? `${a}×${b} images` : `${a}×${b} constituent arrays`} need ${jets * per} values; received ${inputs.length}. Featurise with this network's featurize() (or jet-interp probe-data of the same geometry).`);
    }
    const sizes = this.hiddenSizes;
    const result: ProbeRunResult = {
      jets,
      probabilities: new Float32Array(jets),
      logits: new Float32Array(jets),
      hidden: [new Float32Array(jets * sizes[0]), new Float32Array(jets * sizes[1]), new Float32Array(jets * sizes[2])],
      hiddenSizes: sizes,
    };
    const progress = throttleProgress(options.onProgress);
    const label = this.config.name;
    progress({ completed: 0, total: jets, label });
    for (let start = 0; start < jets; start += batchSize) {
      const end = Math.min(jets, start + batchSize);
      const n = end - start;
      const feed = new Tensor('float32', inputs.subarray(start * per, end * per), [n, a, b]);
      const out = await this.session.run({ [this.config.input.name]: feed });
      result.probabilities.set(numericData(out['probability']!) as Float32Array, start);
      result.logits.set(numericData(out['logit']!) as Float32Array, start);
      for (let k = 0; k < 3; k++) result.hidden[k]!.set(numericData(out[`hidden${k + 1}`]!) as Float32Array, start * sizes[k]!);
      progress({ completed: end, total: jets, label });
    }
    return result;
  }

  /**
   * Reproduces the golden outputs (PyTorch's, written at export) within the manifest's tolerances.
   * @returns the per-output comparison
   * @example
   * ```ts
   * (await net.checkGolden()).ok; // true
   * ```
   */
  async checkGolden(): Promise<GoldenReport> {
    return checkGolden(this.session, this.manifest, join(this.dir, 'model.json'));
  }

  /** Releases the onnxruntime session. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}

/**
 * Loads a comparison network exported by training/jets/train_probes.py: `model.json` (+ its .onnx, checked against the
 * manifest's sha256) and `probe.json`.
 * @param dir - the run directory (e.g. `training/jets/runs/probe-w-qcd-cnn`)
 * @param options - device, threads
 * @returns the network
 * @throws ModelNotFoundError for a missing probe.json or model.json; DataFormatError for a malformed probe.json or a
 *   graph that lacks the probe outputs or disagrees with probe.json; tensor-core's model errors for a bad .onnx
 * @example
 * ```ts
 * const net = await loadProbeNetwork('training/jets/runs/probe-top-qcd-lstm');
 * net.hiddenSizes; // [64, 64, 32]
 * ```
 */
export async function loadProbeNetwork(dir: string, options: LoadProbeNetworkOptions = {}): Promise<ProbeNetwork> {
  if (typeof dir !== 'string' || dir === '') throw new InvalidArgumentError('dir', 'dir must be the directory of a network exported by training/jets/train_probes.py.');
  const configPath = join(dir, 'probe.json');
  if (!existsSync(configPath)) throw new ModelNotFoundError(configPath, 'probe network configuration (probe.json)');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (e) {
    throw new DataFormatError(configPath, `is not valid JSON: ${(e as Error).message}`, undefined, { cause: e });
  }
  const config = parseProbeNetworkConfig(raw, configPath);
  const manifestPath = join(dir, 'model.json');
  if (!existsSync(manifestPath)) throw new ModelNotFoundError(manifestPath, 'probe network manifest (model.json)');
  const session = await loadModel(manifestPath, {
    device: options.device ?? 'cpu',
    ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
    ...(options.onFallback ? { onFallback: options.onFallback } : {}),
  });
  try {
    const inputs = session.inputs.map((s) => s.name);
    const outputs = session.outputs.map((s) => s.name);
    const missing = [...(inputs.includes(config.input.name) ? [] : [config.input.name]), ...PROBE_OUTPUTS.filter((o) => !outputs.includes(o))];
    if (missing.length) {
      throw new DataFormatError(manifestPath, `the graph lacks ${missing.join(', ')} (inputs ${inputs.join(', ')}; outputs ${outputs.join(', ')}); export it with training/jets/train_probes.py.`);
    }
    const spec = session.inputs.find((s) => s.name === config.input.name)!;
    const want = config.input.kind === 'image' ? [config.input.pixels, config.input.pixels] : [config.input.maxConstituents, CONSTITUENT_FEATURE_COUNT];
    if (spec.shape.length !== 3 || spec.shape[1] !== want[0] || spec.shape[2] !== want[1]) {
      throw new DataFormatError(manifestPath, `input "${spec.name}" has shape [${spec.shape.join(', ')}], but probe.json says [batch, ${want.join(', ')}].`);
    }
    config.hiddenLayers.forEach((h) => {
      const o = session.outputs.find((s) => s.name === h.output)!;
      const last = o.shape.at(-1);
      if (typeof last === 'number' && last !== h.size) throw new DataFormatError(manifestPath, `output "${h.output}" has ${last} columns, but probe.json says ${h.size}.`);
    });
    return new ProbeNetwork({ dir, config, session });
  } catch (e) {
    await session.dispose();
    throw e;
  }
}
