/**
 * `recnn.json`: what a RecNN model directory holds besides its ONNX graphs.
 * @packageDocumentation
 */
import { DataFormatError } from '@lab/tensor-core';
import { RECLUSTER_RADIUS } from '../lund/recluster-jet';
import { parseTreeAlgorithm, type TreeAlgorithm } from './jet-tree';
import { RECNN_FEATURES } from './node-features';

/** The two recursive cells of Louppe et al. */
export type RecnnVariant = 'simple' | 'gated';

/**
 * The configuration of a RecNN model (`recnn.json`, written by training/jets/train_recnn.py).
 * @example
 * ```ts
 * const model = await loadRecnn(dir);
 * model.config.variant;        // 'simple' or 'gated'
 * model.config.embeddingSize;  // 70
 * ```
 */
export interface RecnnConfig {
  /** `simple`: h = ReLU(W_h [h_L; h_R; u] + b_h); `gated`: with reset and update gates. */
  variant: RecnnVariant;
  /** Size of every node embedding and of the jet embedding h_J. */
  embeddingSize: number;
  /** The node features, in input order (must equal {@link RECNN_FEATURES}). */
  features: string[];
  /** Reclustering algorithm of the trees. */
  algorithm: TreeAlgorithm;
  /** Reclustering radius. */
  radius: number;
  /** Name of the label-1 class (the probability is P(signal)). */
  signal?: string;
  /** Name of the label-0 class. */
  background?: string;
  /**
   * Manifest paths of the graphs, relative to the directory: node embedding, recursive cell, head, and (models exported
   * since jet-interp 0.2) the cell with its children's gathers inside, and (since 0.3) the whole-tree graph (embed, a Loop
   * over the levels, head: one call per batch), which inference prefers when present.
   */
  graphs: { embed: string; cell: string; head: string; cellGather?: string; tree?: string };
  /** The scaler file, relative to the directory. */
  scaler: string;
  /** End-to-end golden file (jets' constituents and PyTorch's outputs) and its tolerances, when exported. */
  golden?: { file: string; atol: number; rtol: number };
  /** Held-out metrics of the training run (AUC, rejection at 50 % signal efficiency, …). */
  metrics: Record<string, unknown>;
}

/**
 * Checks a parsed `recnn.json`.
 * @param raw - the parsed JSON
 * @param path - the file, for errors
 * @returns the configuration, with defaults filled in
 * @throws DataFormatError naming the bad field (including features other than this package's)
 * @example
 * ```ts
 * parseRecnnConfig(JSON.parse(readFileSync('recnn.json', 'utf8')), 'recnn.json');
 * ```
 */
export function parseRecnnConfig(raw: unknown, path: string): RecnnConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DataFormatError(path, 'expected a JSON object.');
  const v = raw as Record<string, unknown>;
  if (v['format'] !== undefined && v['format'] !== 'recnn') throw new DataFormatError(path, `field "format" must be "recnn"; received ${JSON.stringify(v['format'])}.`);
  const variant = v['variant'];
  if (variant !== 'simple' && variant !== 'gated') throw new DataFormatError(path, `field "variant" must be "simple" or "gated"; received ${JSON.stringify(variant)}.`);
  const size = v['embeddingSize'];
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new DataFormatError(path, `field "embeddingSize" must be an integer ≥ 1; received ${JSON.stringify(size)}.`);
  const features = v['features'];
  if (!Array.isArray(features) || features.length !== RECNN_FEATURES.length || features.some((f, i) => f !== RECNN_FEATURES[i])) {
    throw new DataFormatError(path, `field "features" is ${JSON.stringify(features)}, but this package computes ${JSON.stringify(RECNN_FEATURES)}; retrain the model on arrays from \`jet-interp train-data\`.`);
  }
  let algorithm: TreeAlgorithm;
  try {
    algorithm = parseTreeAlgorithm(String(v['algorithm'] ?? 'ca'));
  } catch (e) {
    throw new DataFormatError(path, `field "algorithm": ${(e as Error).message}`, undefined, { cause: e });
  }
  const radius = v['radius'] ?? RECLUSTER_RADIUS;
  if (typeof radius !== 'number' || !(radius > 0) || !Number.isFinite(radius)) throw new DataFormatError(path, `field "radius" must be a finite number > 0; received ${JSON.stringify(radius)}.`);
  const str = (key: string, fallback?: string): string | undefined => {
    const s = v[key];
    if (s === undefined) return fallback;
    if (typeof s !== 'string') throw new DataFormatError(path, `field "${key}" must be a string; received ${JSON.stringify(s)}.`);
    return s;
  };
  const graphsRaw = (v['graphs'] ?? {}) as Record<string, unknown>;
  if (typeof graphsRaw !== 'object' || graphsRaw === null) throw new DataFormatError(path, 'field "graphs" must be an object {embed, cell, head}.');
  const graph = (key: 'embed' | 'cell' | 'head' | 'cellGather' | 'tree', fallback: string): string => {
    const g = graphsRaw[key] ?? fallback;
    if (typeof g !== 'string') throw new DataFormatError(path, `field "graphs.${key}" must be a path string.`);
    return g;
  };
  let golden: RecnnConfig['golden'];
  if (v['golden'] !== undefined) {
    const g = v['golden'] as Record<string, unknown>;
    if (typeof g !== 'object' || g === null || typeof g['file'] !== 'string' || typeof g['atol'] !== 'number' || typeof g['rtol'] !== 'number') {
      throw new DataFormatError(path, 'field "golden" must be {file: string, atol: number, rtol: number}.');
    }
    golden = { file: g['file'], atol: g['atol'], rtol: g['rtol'] };
  }
  const metrics = v['metrics'] ?? {};
  if (typeof metrics !== 'object' || metrics === null) throw new DataFormatError(path, 'field "metrics" must be an object.');
  const signal = str('signal');
  const background = str('background');
  return {
    variant,
    embeddingSize: size,
    features: [...RECNN_FEATURES],
    algorithm,
    radius,
    ...(signal !== undefined ? { signal } : {}),
    ...(background !== undefined ? { background } : {}),
    graphs: {
      embed: graph('embed', 'embed/model.json'),
      cell: graph('cell', 'model.json'),
      head: graph('head', 'head/model.json'),
      ...(graphsRaw['cellGather'] !== undefined ? { cellGather: graph('cellGather', '') } : {}),
      ...(graphsRaw['tree'] !== undefined ? { tree: graph('tree', '') } : {}),
    },
    scaler: str('scaler', 'scaler.json')!,
    ...(golden ? { golden } : {}),
    metrics: metrics as Record<string, unknown>,
  };
}
