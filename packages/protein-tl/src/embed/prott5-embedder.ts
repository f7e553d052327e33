/**
 * Protein embeddings from an exported ProtT5 encoder (training/protein/export_prot_t5.py): ProtT5 tokenisation,
 * length-bucketed batches through onnxruntime (one graph, or several stages for models over ONNX's 2 GiB), mean pooling.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  DataFormatError,
  InvalidArgumentError,
  ManifestError,
  ModelNotFoundError,
  loadModel,
  throttleProgress,
  toInt64Tensor,
  type LoadModelOptions,
  type ModelManifest,
  type OnnxModel,
  type Tensor,
  type WithProgress,
} from '@lab/tensor-core';
import { centerCrop } from '../tokenize/center-crop';
import { lengthBuckets } from '../tokenize/length-buckets';
import { ProtT5Tokenizer } from '../tokenize/prott5-tokenizer';
import { describeInput, type EmbedInput } from './esm-embedder';
import type { ProteinEmbedder } from './protein-embedder';
import { SequenceEmbeddingError } from './sequence-embedding-error';

/** The file that marks a ProtT5 model directory (written by training/protein/export_prot_t5.py). */
export const PROTT5_CONFIG_FILE = 'prot_t5.json';

/** The T5 configuration in `prot_t5.json` (Hugging Face T5Config field names). */
export interface ProtT5Config {
  vocab_size: number;
  d_model: number;
  d_kv: number;
  d_ff: number;
  num_layers: number;
  num_heads: number;
  relative_attention_num_buckets: number;
  relative_attention_max_distance: number;
  layer_norm_epsilon: number;
  feed_forward_proj: string;
}

/** One ONNX graph of the encoder: blocks `[start, end)`, from `input` to `output`. */
export interface ProtT5Graph {
  /** Its model.json, relative to the model directory. */
  manifest: string;
  /** The encoder blocks it runs, `[start, end)`. */
  blocks: [number, number];
  /** `'input_ids'` (the first graph) or `'hidden_states'` (a later stage). */
  input: 'input_ids' | 'hidden_states';
  /** `'last_hidden_state'` (the last graph) or `'hidden_states'`. */
  output: 'last_hidden_state' | 'hidden_states';
}

/** The content of `prot_t5.json`. */
export interface ProtT5ModelInfo {
  architecture: 'prot_t5_encoder';
  config: ProtT5Config;
  /** The graphs to run in order: one for models under 2 GiB, consecutive stages otherwise. */
  graphs: ProtT5Graph[];
  /** The `<pad>` id the model was exported with (ProtT5: 0). */
  padId: number;
  /** The `</s>` id (ProtT5: 1). */
  eosId: number;
  /** The tokenizer.json next to prot_t5.json, or null when the export had none. */
  tokenizer: string | null;
  /** True for SYNTHETIC random weights. */
  synthetic: boolean;
}

/** How {@link ProtT5Embedder} turns sequences into vectors and batches them. */
export interface ProtT5EmbedderOptions {
  /** Average the final `</s>` output with the residues (Hugging Face's attention-masked mean over all tokens). @default false */
  includeEos?: boolean;
  /**
   * Crop sequences longer than this many residues to their central `maxLength` ({@link centerCrop}). ProtT5 has no
   * hard limit (relative positions), but memory and time grow with the square of the length.
   * @default no crop
   */
  maxLength?: number;
  /** Longer than `maxLength`: `'crop'` the centre, or `'error'` (a {@link SequenceEmbeddingError}). @default 'crop' */
  long?: 'crop' | 'error';
  /** At most this many sequences per model call; sequences are grouped by length. @default 8 */
  batchSize?: number;
  /** At most this many padded tokens (rows × longest row) per model call. @default unlimited */
  maxTokens?: number;
  /** The rare residues U, Z, O, B: `'x'` maps them to X as ProtT5 was trained; `'keep'` tokenises them as they are. @default 'x' */
  rare?: 'x' | 'keep';
  /** A residue the vocabulary lacks: `'unk'` embeds `<unk>`, `'error'` throws. @default 'unk' */
  unknown?: 'unk' | 'error';
}

/** Options of {@link loadProtT5Embedder}: embedding options, the onnxruntime session options, and the tokeniser. */
export interface LoadProtT5EmbedderOptions
  extends ProtT5EmbedderOptions,
    Pick<LoadModelOptions, 'device' | 'intraOpThreads' | 'interOpThreads' | 'graphOptimizationLevel' | 'onFallback'> {
  /** The tokeniser. @default the model directory's tokenizer.json */
  tokenizer?: ProtT5Tokenizer;
}

interface CheckedProtT5Options {
  includeEos: boolean;
  maxLength: number | undefined;
  long: 'crop' | 'error';
  batchSize: number;
  maxTokens: number | undefined;
  rare: 'x' | 'keep';
  unknown: 'unk' | 'error';
}

const EXPORT_FIX = 'Re-export the model with training/protein/export_prot_t5.py.';

/**
 * A ProtT5 encoder as a {@link ProteinEmbedder}: mean-pooled `last_hidden_state` over each sequence's residue tokens
 * (padding and the final `</s>` left out unless `includeEos`). Create it with {@link loadProtT5Embedder}; release it
 * with {@link ProtT5Embedder.dispose}.
 *
 * @remarks `id` is `prott5:<sha256>:` followed by the settings that change a vector: `eos` (includeEos), `maxLength`
 * (`none` without a crop), `long`, `rare`, `unknown`, and the first 12 hex digits of the tokenizer.json's sha256.
 * `<sha256>` is the graph's manifest sha256, or for a staged model the sha256 of the stages' sha256s joined by commas.
 * `batchSize` and `maxTokens` only change float rounding (T5's positions are relative, and padded keys are masked, so a
 * sequence's vector does not depend on its batch) and are left out.
 */
export class ProtT5Embedder implements ProteinEmbedder {
  readonly id: string;
  readonly dim: number;
  readonly name: string;
  /** The onnxruntime sessions, in the order they run (their manifests' sha256 were checked on load). */
  readonly models: readonly OnnxModel[];
  /** The tokeniser. */
  readonly tokenizer: ProtT5Tokenizer;
  /** The content of prot_t5.json. */
  readonly info: ProtT5ModelInfo;
  /** The settings, defaults filled in. */
  readonly options: Readonly<CheckedProtT5Options>;

  /** @internal use {@link loadProtT5Embedder} */
  constructor(models: readonly OnnxModel[], tokenizer: ProtT5Tokenizer, info: ProtT5ModelInfo, options: CheckedProtT5Options, name: string) {
    this.models = models;
    this.tokenizer = tokenizer;
    this.info = info;
    this.options = Object.freeze({ ...options });
    this.dim = info.config.d_model;
    this.name = name;
    const sha = models.length === 1 ? models[0]!.sha256 : createHash('sha256').update(models.map((m) => m.sha256).join(',')).digest('hex');
    const o = options;
    const parts = [
      'mean',
      `eos=${o.includeEos ? 1 : 0}`,
      `maxLength=${o.maxLength ?? 'none'}`,
      `long=${o.long}`,
      `rare=${o.rare}`,
      `unknown=${o.unknown}`,
      `tokenizer=${tokenizer.sha256.slice(0, 12)}`,
    ];
    this.id = `prott5:${sha}:${parts.join(';')}`;
  }

  /** The manifests of the graphs, in order. */
  get manifests(): ModelManifest[] {
    return this.models.map((m) => m.manifest!);
  }

  /** True when prot_t5.json or a manifest marks the weights as SYNTHETIC (random, for tests): their vectors carry no signal. */
  get synthetic(): boolean {
    if (this.info.synthetic) return true;
    return this.models.some((m) => {
      const p = m.manifest?.provenance as Record<string, unknown> | undefined;
      return p?.synthetic === true || /SYNTHETIC/.test(String(p?.trainingData ?? ''));
    });
  }

  /**
   * One mean-pooled vector per sequence.
   *
   * @remarks Each sequence is upper-cased, the rare residues mapped to X (`rare: 'x'`), centre-cropped to `maxLength`
   * residues when set, and tokenised with the model's tokenizer.json (one token per residue, then `</s>`). Rows are
   * sorted into batches of similar length and right-padded with `<pad>`; the mean runs over the sequence's tokens
   * without `</s>` (with it when `includeEos`), never over padding.
   *
   * @param inputs - residues as strings, or records `{ name, sequence }`
   * @param options - progress
   * @returns `[inputs.length × dim]` row-major float32
   * @throws SequenceEmbeddingError naming the sequence: empty, not a string, characters that are not residue letters,
   *   a residue the vocabulary lacks with `unknown: 'error'`, longer than `maxLength` with `long: 'error'`
   * @example
   * ```ts
   * const embedder = await loadProtT5Embedder('models/prot_t5_xl_uniref50', { maxLength: 1000, batchSize: 4 });
   * const x = await embedder.embedPooled(['MKTAYIAKQR', 'MSDNEKTLLE']); // [2 × 1024]
   * await embedder.dispose();
   * ```
   */
  async embedPooled(inputs: readonly EmbedInput[], options: WithProgress = {}): Promise<Float32Array> {
    if (!Array.isArray(inputs)) throw new InvalidArgumentError('inputs', `embedPooled takes an array of sequences, received ${typeof inputs}.`);
    const o = this.options;
    const H = this.dim;
    const rows: Int32Array[] = inputs.map((input, s) => this.tokenize(input, s));
    const out = new Float32Array(inputs.length * H);
    const progress = throttleProgress(options.onProgress);
    progress({ completed: 0, total: rows.length, label: 'embedding' });
    if (rows.length === 0) return out;
    const batches = lengthBuckets(rows.map((r) => r.length), { batchSize: o.batchSize, ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}) });
    const eos = o.includeEos ? 0 : 1;
    const mean = new Float64Array(H);
    let done = 0;
    for (const batch of batches) {
      const T = Math.max(...batch.map((k) => rows[k]!.length));
      const B = batch.length;
      const ids = new Int32Array(B * T).fill(this.info.padId);
      const mask = new Int32Array(B * T);
      batch.forEach((k, r) => {
        ids.set(rows[k]!, r * T);
        mask.fill(1, r * T, r * T + rows[k]!.length);
      });
      const hidden = (await this.run(ids, mask, B, T)).data as Float32Array;
      batch.forEach((k, r) => {
        const n = rows[k]!.length - eos;
        mean.fill(0);
        for (let t = 0; t < n; t++) {
          const src = (r * T + t) * H;
          for (let h = 0; h < H; h++) mean[h]! += hidden[src + h]!;
        }
        for (let h = 0; h < H; h++) out[k * H + h] = mean[h]! / n;
      });
      done += B;
      progress({ completed: done, total: rows.length, label: 'embedding' });
    }
    return out;
  }

  /** The token ids of one input (residues then `</s>`), cropped to `maxLength` residues, or a SequenceEmbeddingError. */
  private tokenize(input: EmbedInput, s: number): Int32Array {
    const o = this.options;
    const { name, sequence } = describeInput(input, s);
    if (sequence.length === 0) {
      throw new SequenceEmbeddingError(s, name, 'empty', 'the sequence is empty, so it has no residues to average. Drop it before embedding.');
    }
    const wrap = (e: unknown): SequenceEmbeddingError => {
      const reason = e instanceof Error ? e.message : String(e);
      return new SequenceEmbeddingError(s, name, 'invalid-sequence', `${reason} Clean the sequence or relax the option.`, { cause: e });
    };
    try {
      this.tokenizer.prepare(sequence, { rare: o.rare }); // checks the whole sequence before any crop
    } catch (e) {
      throw wrap(e);
    }
    let residues = sequence;
    if (o.maxLength !== undefined && sequence.length > o.maxLength) {
      if (o.long === 'error') {
        throw new SequenceEmbeddingError(s, name, 'too-long', `${sequence.length} residues, more than maxLength = ${o.maxLength}. Pass long: 'crop' (central ${o.maxLength} residues) or a larger maxLength.`);
      }
      residues = centerCrop(sequence, o.maxLength).sequence;
    }
    let ids: Int32Array;
    try {
      ids = this.tokenizer.encode(residues, { rare: o.rare, unknown: o.unknown });
    } catch (e) {
      throw wrap(e);
    }
    if (ids.length < 2 || ids[ids.length - 1] !== this.info.eosId) {
      throw new SequenceEmbeddingError(s, name, 'invalid-sequence', `the tokenizer did not end the tokens with </s> (${this.info.eosId}). Use the model's own tokenizer.json.`);
    }
    return ids;
  }

  /** Runs the graphs in order on one padded batch; returns `last_hidden_state` `[B, T, dim]`. */
  private async run(ids: Int32Array, mask: Int32Array, B: number, T: number): Promise<Tensor> {
    const attention = toInt64Tensor(mask, [B, T]);
    let x: Tensor = toInt64Tensor(ids, [B, T]);
    for (let g = 0; g < this.models.length; g++) {
      const graph = this.info.graphs[g]!;
      const out = await this.models[g]!.run({ [graph.input]: x, attention_mask: attention }, { outputs: [graph.output] });
      x = out[graph.output]!;
    }
    return x;
  }

  /** Releases the onnxruntime sessions. Safe to call twice. */
  async dispose(): Promise<void> {
    for (const m of this.models) await m.dispose();
  }
}

/**
 * True when `dir` holds a ProtT5 export (`prot_t5.json`), so {@link resolveEmbedder} should load it with
 * {@link loadProtT5Embedder}.
 * @param dir - a model directory
 * @returns whether `dir/prot_t5.json` exists
 * @example
 * ```ts
 * isProtT5Dir('models/prot_t5_xl_uniref50'); // true after export_prot_t5.py
 * ```
 */
export function isProtT5Dir(dir: string): boolean {
  return typeof dir === 'string' && existsSync(join(dir, PROTT5_CONFIG_FILE));
}

/**
 * Loads an exported ProtT5 encoder for embedding: `dir/prot_t5.json`, each graph's model.json (sha256-checked by
 * tensor-core's `loadModel`) and `dir/tokenizer.json`.
 *
 * @remarks Export a model with `training/protein/export_prot_t5.py` (`--checkpoint` for real Hugging Face ProtT5
 * weights, `--random` for SYNTHETIC test models). Options are checked before any model is loaded.
 *
 * @param dir - the model directory, or the path of its prot_t5.json
 * @param options - pooling and cropping, batching, device and threads, tokeniser
 * @returns the embedder; call `dispose()` when done
 * @throws ModelNotFoundError (no prot_t5.json, graph or tokenizer.json), DataFormatError (a malformed prot_t5.json or a
 *   tokenizer.json that does not fit the model), ManifestError (a graph without the expected inputs or output),
 *   InvalidArgumentError (bad options), ChecksumMismatchError, InvalidModelError, DeviceUnavailableError
 * @example
 * ```ts
 * const embedder = await loadProtT5Embedder('models/prot_t5_xl_uniref50', { intraOpThreads: 2, maxLength: 1000 });
 * const x = await embedder.embedPooled(['MKTAYIAKQR']);
 * await embedder.dispose();
 * ```
 */
export async function loadProtT5Embedder(dir: string, options: LoadProtT5EmbedderOptions = {}): Promise<ProtT5Embedder> {
  if (typeof dir !== 'string' || dir.trim() === '') throw new InvalidArgumentError('dir', 'The model directory is empty; pass a directory written by training/protein/export_prot_t5.py.');
  const isJson = basename(dir) === PROTT5_CONFIG_FILE;
  const modelDir = isJson ? dirname(dir) : dir;
  if (!isJson && existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new InvalidArgumentError('dir', `${dir} is a file; pass the ProtT5 model directory (with ${PROTT5_CONFIG_FILE}) or the ${PROTT5_CONFIG_FILE} path.`);
  }
  const { tokenizer: given, device, intraOpThreads, interOpThreads, graphOptimizationLevel, onFallback, ...rest } = options;
  const checked = checkProtT5Options(rest);
  const infoPath = join(modelDir, PROTT5_CONFIG_FILE);
  const info = await readProtT5Info(infoPath);
  const looksLikeTokenizer = (t: unknown): boolean =>
    t !== null && typeof t === 'object' && typeof (t as ProtT5Tokenizer).encode === 'function' && typeof (t as ProtT5Tokenizer).sha256 === 'string';
  if (given !== undefined && !looksLikeTokenizer(given)) { // duck-typed: the ESM and CJS builds have separate classes
    throw new InvalidArgumentError('tokenizer', 'options.tokenizer must be a ProtT5Tokenizer (ProtT5Tokenizer.fromFile(path)).');
  }
  const tokenizerPath = join(modelDir, info.tokenizer ?? 'tokenizer.json');
  if (given === undefined && !existsSync(tokenizerPath)) {
    throw new ModelNotFoundError(tokenizerPath, `tokenizer.json of the ProtT5 model (copy the checkpoint's tokenizer.json next to ${PROTT5_CONFIG_FILE}, re-export with --tokenizer, or pass options.tokenizer)`);
  }
  const tokenizer = given ?? (await ProtT5Tokenizer.fromFile(tokenizerPath));
  checkTokenizer(tokenizer, info, given ? '<options.tokenizer>' : tokenizerPath);

  const loadOptions: LoadModelOptions = {
    ...(device !== undefined ? { device } : {}),
    ...(intraOpThreads !== undefined ? { intraOpThreads } : {}),
    ...(interOpThreads !== undefined ? { interOpThreads } : {}),
    ...(graphOptimizationLevel !== undefined ? { graphOptimizationLevel } : {}),
    ...(onFallback !== undefined ? { onFallback } : {}),
  };
  const models: OnnxModel[] = [];
  try {
    for (const graph of info.graphs) {
      const manifestPath = join(modelDir, graph.manifest);
      const model = await loadModel(manifestPath, loadOptions);
      models.push(model);
      checkGraph(model, graph, info.config.d_model, manifestPath);
    }
  } catch (e) {
    for (const m of models) await m.dispose();
    throw e;
  }
  const first = models[0]!.manifest!.name;
  const name = models.length > 1 ? first.replace(/-stage-0$/, '') : first;
  return new ProtT5Embedder(models, tokenizer, info, checked, name);
}

function checkProtT5Options(options: ProtT5EmbedderOptions): CheckedProtT5Options {
  const positive = (key: string, v: unknown): void => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
      throw new InvalidArgumentError(key, `${key} must be a positive integer, received ${String(v)}.`);
    }
  };
  positive('maxLength', options.maxLength);
  positive('batchSize', options.batchSize);
  positive('maxTokens', options.maxTokens);
  const oneOf = <T extends string>(key: string, v: unknown, allowed: readonly T[], fallback: T): T => {
    if (v === undefined) return fallback;
    if (!allowed.includes(v as T)) throw new InvalidArgumentError(key, `Unsupported ${key} "${String(v)}". Supported: ${allowed.join(', ')}.`);
    return v as T;
  };
  if (options.includeEos !== undefined && typeof options.includeEos !== 'boolean') {
    throw new InvalidArgumentError('includeEos', `includeEos must be true or false, received ${String(options.includeEos)}.`);
  }
  const known = new Set(['includeEos', 'maxLength', 'long', 'batchSize', 'maxTokens', 'rare', 'unknown']);
  for (const key of Object.keys(options)) {
    if (!known.has(key) && (options as Record<string, unknown>)[key] !== undefined) {
      throw new InvalidArgumentError(key, `ProtT5 embedders have no option "${key}"; supported: ${[...known].join(', ')}, and the session options device, intraOpThreads, interOpThreads, graphOptimizationLevel, onFallback, tokenizer.`);
    }
  }
  return {
    includeEos: options.includeEos ?? false,
    maxLength: options.maxLength,
    long: oneOf('long', options.long, ['crop', 'error'] as const, 'crop'),
    batchSize: options.batchSize ?? 8,
    maxTokens: options.maxTokens,
    rare: oneOf('rare', options.rare, ['x', 'keep'] as const, 'x'),
    unknown: oneOf('unknown', options.unknown, ['unk', 'error'] as const, 'unk'),
  };
}

async function readProtT5Info(path: string): Promise<ProtT5ModelInfo> {
  if (!existsSync(path)) {
    throw new ModelNotFoundError(path, `ProtT5 model description (${PROTT5_CONFIG_FILE}, written by training/protein/export_prot_t5.py)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new DataFormatError(path, `is not valid JSON (${(e as Error).message}). ${EXPORT_FIX}`, undefined, { cause: e });
  }
  const bad = (field: string, problem: string): DataFormatError => new DataFormatError(path, `${problem} ${EXPORT_FIX}`, field);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('(top level)', 'must be a JSON object.');
  const o = raw as Record<string, unknown>;
  if (o.architecture !== 'prot_t5_encoder') throw bad('architecture', `must be "prot_t5_encoder", found ${JSON.stringify(o.architecture)}.`);
  const config = o.config as Record<string, unknown> | undefined;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw bad('config', 'must be an object with the T5 configuration.');
  for (const key of ['vocab_size', 'd_model', 'd_kv', 'd_ff', 'num_layers', 'num_heads'] as const) {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw bad(`config.${key}`, `must be a positive integer, found ${JSON.stringify(v)}.`);
  }
  const intField = (key: 'padId' | 'eosId', fallback: number): number => {
    const v = o[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(key, `must be a non-negative integer, found ${JSON.stringify(v)}.`);
    return v;
  };
  const graphs = o.graphs;
  if (!Array.isArray(graphs) || graphs.length === 0) throw bad('graphs', 'must be a non-empty list of the model graphs.');
  const numLayers = config.num_layers as number;
  let next = 0;
  const checkedGraphs = graphs.map((g: unknown, i: number): ProtT5Graph => {
    const field = `graphs[${i}]`;
    if (g === null || typeof g !== 'object') throw bad(field, 'must be an object { manifest, blocks, input, output }.');
    const e = g as Record<string, unknown>;
    if (typeof e.manifest !== 'string' || e.manifest === '' || e.manifest.includes('..')) throw bad(`${field}.manifest`, 'must be a model.json path inside the model directory.');
    const blocks = e.blocks;
    if (!Array.isArray(blocks) || blocks.length !== 2 || blocks[0] !== next || !Number.isInteger(blocks[1]) || (blocks[1] as number) <= next || (blocks[1] as number) > numLayers) {
      throw bad(`${field}.blocks`, `must be [${next}, end] with ${next} < end <= num_layers (${numLayers}), found ${JSON.stringify(blocks)}.`);
    }
    next = blocks[1] as number;
    const last = i === graphs.length - 1;
    const input = i === 0 ? 'input_ids' : 'hidden_states';
    const output = last ? 'last_hidden_state' : 'hidden_states';
    if (e.input !== input) throw bad(`${field}.input`, `must be "${input}", found ${JSON.stringify(e.input)}.`);
    if (e.output !== output) throw bad(`${field}.output`, `must be "${output}", found ${JSON.stringify(e.output)}.`);
    return { manifest: e.manifest, blocks: [blocks[0] as number, next], input, output };
  });
  if (next !== numLayers) throw bad('graphs', `cover blocks 0..${next - 1}, but config.num_layers is ${numLayers}.`);
  const tokenizer = o.tokenizer ?? null;
  if (tokenizer !== null && (typeof tokenizer !== 'string' || tokenizer.includes('..'))) throw bad('tokenizer', 'must be a file name inside the model directory, or null.');
  return {
    architecture: 'prot_t5_encoder',
    config: config as unknown as ProtT5Config,
    graphs: checkedGraphs,
    padId: intField('padId', 0),
    eosId: intField('eosId', 1),
    tokenizer: tokenizer as string | null,
    synthetic: o.synthetic === true,
  };
}

function checkTokenizer(tokenizer: ProtT5Tokenizer, info: ProtT5ModelInfo, source: string): void {
  const fix = `Use the tokenizer.json of the checkpoint the model was exported from (${PROTT5_CONFIG_FILE} expects <pad> = ${info.padId}, </s> = ${info.eosId}, at most ${info.config.vocab_size} ids).`;
  if (tokenizer.padId !== info.padId) throw new DataFormatError(source, `has <pad> = ${tokenizer.padId}, but the model pads with ${info.padId}. ${fix}`);
  if (tokenizer.eosId !== info.eosId) throw new DataFormatError(source, `has </s> = ${tokenizer.eosId}, but the model's </s> is ${info.eosId}. ${fix}`);
  if (tokenizer.vocabSize > info.config.vocab_size) {
    throw new DataFormatError(source, `has ids up to ${tokenizer.vocabSize - 1}, more than the model's vocab_size ${info.config.vocab_size} embedding rows. ${fix}`);
  }
  const probe = tokenizer.encode('A');
  if (probe[probe.length - 1] !== info.eosId) throw new DataFormatError(source, `does not append </s> to a sequence (its post_processor should, as ProtT5's does). ${fix}`);
}

function checkGraph(model: OnnxModel, graph: ProtT5Graph, dModel: number, manifestPath: string): void {
  const inputs: Array<[string, string, number]> = [
    [graph.input, graph.input === 'input_ids' ? 'int64' : 'float32', graph.input === 'input_ids' ? 2 : 3],
    ['attention_mask', 'int64', 2],
  ];
  for (const [name, dtype, rank] of inputs) {
    const spec = model.inputs.find((s) => s.name === name);
    if (!spec || spec.dtype !== dtype || spec.shape.length !== rank) {
      throw new ManifestError(manifestPath, 'inputs', `lacks "${name}" ${dtype} of rank ${rank} (has ${model.inputs.map((s) => `${s.name}: ${s.dtype}`).join(', ')}). ${EXPORT_FIX}`);
    }
  }
  const out = model.outputs.find((s) => s.name === graph.output);
  if (!out || out.dtype !== 'float32' || out.shape.length !== 3 || out.shape[2] !== dModel) {
    throw new ManifestError(manifestPath, 'outputs', `lacks "${graph.output}" float32 [batch, length, ${dModel}] (d_model of ${PROTT5_CONFIG_FILE}). ${EXPORT_FIX}`);
  }
}
