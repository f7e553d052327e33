import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  InvalidArgumentError,
  ManifestError,
  loadModel,
  throttleProgress,
  toInt64Tensor,
  type LoadModelOptions,
  type ModelManifest,
  type OnnxModel,
  type WithProgress,
} from '@lab/tensor-core';
import { EsmTokenizer, type EsmEncodeOptions } from '../tokenize/esm-tokenizer';
import { ESM2_MAX_RESIDUES } from '../tokenize/esm-vocab';
import { lengthBuckets } from '../tokenize/length-buckets';
import { slidingWindows, type SequenceWindow } from '../tokenize/sliding-windows';
import { SequenceEmbeddingError } from './sequence-embedding-error';

/** How per-token outputs become one vector per protein: `'mean'` over the residues (see `includeSpecial`), or none. */
export type EsmPooling = 'mean' | 'none';

/**
 * What to do with a sequence longer than `maxLength` residues: `'crop'` keeps the central `maxLength` residues
 * ({@link centerCrop}); `'windows'` embeds overlapping windows ({@link slidingWindows}) and averages each residue over
 * the windows that contain it; `'error'` throws a {@link SequenceEmbeddingError}.
 */
export type LongSequencePolicy = 'crop' | 'windows' | 'error';

/** A sequence to embed: the residues, or a record with a name (used in error messages), e.g. a `FastaRecord`. */
export type EmbedInput = string | { readonly name?: string; readonly sequence: string };

/** Options of {@link loadEsmEmbedder}. */
export interface LoadEsmEmbedderOptions
  extends Pick<LoadModelOptions, 'device' | 'intraOpThreads' | 'interOpThreads' | 'graphOptimizationLevel' | 'onFallback'> {
  /** The tokeniser. @default one over the model directory's `vocab.txt`, else the ESM-2 alphabet */
  tokenizer?: EsmTokenizer;
}

/** Options of {@link EsmEmbedder.embed}. */
export interface EsmEmbedOptions extends WithProgress, Pick<EsmEncodeOptions, 'mode' | 'lowercase' | 'unknown'> {
  /** `'mean'`: one vector per protein in `pooled`; `'none'`: no pooling (per-residue outputs only). @default 'mean' */
  pooling?: EsmPooling;
  /** Return each protein's per-residue outputs in `perResidue`. @default true when `pooling` is `'none'` */
  perResidue?: boolean;
  /**
   * Include the `<cls>` and `<eos>` outputs: in the mean (which is then Hugging Face's attention-masked mean over all
   * tokens) and as the first and last rows of `perResidue`. With windows, the `<cls>` (`<eos>`) row is the average of
   * the windows' `<cls>` (`<eos>`) outputs.
   * @default false
   */
  includeSpecial?: boolean;
  /** The most residues (tokens without `<cls>`/`<eos>`) per model call. @default 1022 (ESM-2's 1024 positions) */
  maxLength?: number;
  /** Sequences longer than `maxLength`. @default 'crop' */
  long?: LongSequencePolicy;
  /** Residues between window starts with `long: 'windows'` (1..maxLength). @default floor(maxLength / 2) */
  windowStride?: number;
  /** At most this many rows per model call; rows are grouped by length to keep padding small. @default 8 */
  batchSize?: number;
  /** At most this many padded tokens (rows × longest row) per model call; a longer row runs alone. @default unlimited */
  maxTokens?: number;
}

/** Output of {@link EsmEmbedder.embed}, in input order. */
export interface EsmEmbeddings {
  /** Number of sequences. */
  count: number;
  /** Width of every vector (the model's hidden size). */
  hiddenSize: number;
  /** `[count × hiddenSize]` row-major mean-pooled vectors (pooling `'mean'`). */
  pooled?: Float32Array;
  /**
   * Per protein, `[rows × hiddenSize]` row-major outputs: one row per embedded residue of `spans[i]`, plus `<cls>`
   * first and `<eos>` last with `includeSpecial`.
   */
  perResidue?: Float32Array[];
  /** Per protein, the residues that were embedded, `[start, end)` in token positions (the whole sequence unless cropped). */
  spans: SequenceWindow[];
  /** Per protein, the number of model windows (1 unless `long: 'windows'` split it). */
  windows: number[];
}

interface Piece {
  seq: number;
  ids: Int32Array; // <cls> tokens <eos>
  start: number; // first residue (token position) of the window
}

interface Accumulator {
  sum: Float32Array; // rows × H
  count: Uint32Array; // rows
  pending: number;
  span: SequenceWindow;
}

const OUTPUT = 'last_hidden_state';

/**
 * Protein embeddings from an exported ESM-2 model (training/protein/export_esm2.py): tokenisation, length-bucketed
 * batches through onnxruntime, cropping or windows for long sequences, mean pooling. Create it with
 * {@link loadEsmEmbedder}; release it with {@link EsmEmbedder.dispose}.
 */
export class EsmEmbedder {
  /** The onnxruntime session (its manifest's sha256 was checked on load). */
  readonly model: OnnxModel;
  /** The tokeniser. */
  readonly tokenizer: EsmTokenizer;
  /** Width of the output vectors. */
  readonly hiddenSize: number;
  /** The model's manifest. */
  readonly manifest: ModelManifest;

  /** @internal use {@link loadEsmEmbedder} */
  constructor(model: OnnxModel, tokenizer: EsmTokenizer, hiddenSize: number, manifest: ModelManifest) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.hiddenSize = hiddenSize;
    this.manifest = manifest;
  }

  /** True when the manifest marks the weights as SYNTHETIC (random, for tests): their vectors carry no signal. */
  get synthetic(): boolean {
    const p = this.manifest.provenance as Record<string, unknown> | undefined;
    return p?.synthetic === true || /SYNTHETIC/.test(String(p?.trainingData ?? ''));
  }

  /**
   * Embeds protein sequences.
   *
   * @remarks Each sequence is tokenised once (one token per residue in the default `'residue'` mode) and framed as
   * `<cls> ... <eos>`; positions in `spans` count tokens. Rows are sorted into batches of similar length and
   * right-padded; a sequence's output does not depend on what it is batched with (up to float rounding). The mean
   * leaves out `<cls>`/`<eos>` unless `includeSpecial`. ESM-2 was trained on at most 1022 residues; `maxLength` may be
   * larger, but outputs beyond that length are untested territory for the model.
   *
   * @param sequences - residues as strings, or records `{ name, sequence }`
   * @param options - pooling, special tokens, long-sequence policy, batching, progress
   * @returns pooled vectors and/or per-residue outputs, in input order
   * @throws SequenceEmbeddingError naming the sequence (empty sequence without `includeSpecial`, too long with
   * `long: 'error'`, characters refused by `lowercase`/`unknown: 'error'`); InvalidArgumentError for bad options
   * @example
   * ```ts
   * const embedder = await loadEsmEmbedder('models/esm2_t6_8M_UR50D');
   * const { pooled, hiddenSize } = await embedder.embed(['MKTAYIAKQR', 'MSDNE'], { batchSize: 16 });
   * const first = pooled!.subarray(0, hiddenSize);
   * await embedder.dispose();
   * ```
   */
  async embed(sequences: readonly EmbedInput[], options: EsmEmbedOptions = {}): Promise<EsmEmbeddings> {
    const o = checkOptions(options);
    const H = this.hiddenSize;
    const pieces: Piece[] = [];
    const acc: Accumulator[] = [];
    const windows: number[] = [];
    const special = o.includeSpecial ? 1 : 0;

    sequences.forEach((input, s) => {
      const { name, sequence } = describeInput(input, s);
      let ids: Int32Array;
      try {
        ids = this.tokenizer.encode(sequence, { mode: o.mode, lowercase: o.lowercase, unknown: o.unknown, addSpecialTokens: false });
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        throw new SequenceEmbeddingError(s, name, 'invalid-sequence', `${reason} Clean the sequence or relax the option.`, { cause: e });
      }
      const L = ids.length;
      if (L === 0 && !o.includeSpecial) {
        throw new SequenceEmbeddingError(s, name, 'empty', 'the sequence is empty, so it has no residues to average. Drop it, or pass includeSpecial: true to average <cls> and <eos>.');
      }
      let span: SequenceWindow = { start: 0, end: L };
      let wins: SequenceWindow[] = [span];
      if (L > o.maxLength) {
        if (o.long === 'error') {
          throw new SequenceEmbeddingError(s, name, 'too-long', `${L} residues, more than maxLength = ${o.maxLength}. Pass long: 'crop' (central ${o.maxLength} residues) or long: 'windows' (overlapping windows averaged per residue).`);
        }
        if (o.long === 'crop') {
          const start = Math.floor((L - o.maxLength) / 2); // as centerCrop: the odd residue goes at the end
          span = { start, end: start + o.maxLength };
          wins = [span];
        } else {
          wins = slidingWindows(L, { window: o.maxLength, stride: o.windowStride ?? Math.max(1, Math.floor(o.maxLength / 2)) });
        }
      }
      const rows = span.end - span.start + 2 * special;
      acc.push({ sum: new Float32Array(rows * H), count: new Uint32Array(rows), pending: wins.length, span });
      windows.push(wins.length);
      for (const w of wins) {
        const framed = new Int32Array(w.end - w.start + 2);
        framed[0] = this.tokenizer.clsId;
        framed.set(ids.subarray(w.start, w.end), 1);
        framed[framed.length - 1] = this.tokenizer.eosId;
        pieces.push({ seq: s, ids: framed, start: w.start });
      }
    });

    const count = sequences.length;
    const pooled = o.pooling === 'mean' ? new Float32Array(count * H) : undefined;
    const perResidue: Float32Array[] | undefined = o.perResidue ? new Array<Float32Array>(count) : undefined;
    const batches = pieces.length === 0 ? [] : lengthBuckets(pieces.map((p) => p.ids.length), { batchSize: o.batchSize, ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}) });
    const progress = throttleProgress(options.onProgress);
    let done = 0;
    progress({ completed: 0, total: pieces.length, label: 'embedding' });

    for (const batch of batches) {
      const T = Math.max(...batch.map((k) => pieces[k]!.ids.length));
      const B = batch.length;
      const idsFlat = new Int32Array(B * T).fill(this.tokenizer.padId);
      const mask = new Int32Array(B * T);
      batch.forEach((k, r) => {
        const p = pieces[k]!;
        idsFlat.set(p.ids, r * T);
        mask.fill(1, r * T, r * T + p.ids.length);
      });
      const out = await this.model.run(
        { input_ids: toInt64Tensor(idsFlat, [B, T]), attention_mask: toInt64Tensor(mask, [B, T]) },
        { outputs: [OUTPUT] },
      );
      const hidden = out[OUTPUT]!.data as Float32Array;
      batch.forEach((k, r) => {
        const p = pieces[k]!;
        const a = acc[p.seq]!;
        const n = p.ids.length;
        const spanLen = a.span.end - a.span.start;
        for (let t = 0; t < n; t++) {
          let row: number;
          if (t === 0) row = special ? 0 : -1;
          else if (t === n - 1) row = special ? spanLen + 1 : -1;
          else row = p.start + t - 1 - a.span.start + special;
          if (row < 0) continue;
          const src = (r * T + t) * H;
          const dst = row * H;
          for (let h = 0; h < H; h++) a.sum[dst + h]! += hidden[src + h]!;
          a.count[row]!++;
        }
        if (--a.pending === 0) this.finish(p.seq, a, pooled, perResidue);
      });
      done += B;
      progress({ completed: done, total: pieces.length, label: 'embedding' });
    }
    return {
      count,
      hiddenSize: H,
      ...(pooled ? { pooled } : {}),
      ...(perResidue ? { perResidue } : {}),
      spans: acc.map((a) => a.span),
      windows,
    };
  }

  private finish(s: number, a: Accumulator, pooled: Float32Array | undefined, perResidue: Float32Array[] | undefined): void {
    const H = this.hiddenSize;
    const rows = a.count.length;
    for (let row = 0; row < rows; row++) {
      const c = a.count[row]!;
      if (c > 1) for (let h = 0; h < H; h++) a.sum[row * H + h]! /= c;
    }
    if (pooled) {
      const mean = new Float64Array(H);
      for (let row = 0; row < rows; row++) for (let h = 0; h < H; h++) mean[h]! += a.sum[row * H + h]!;
      for (let h = 0; h < H; h++) pooled[s * H + h] = mean[h]! / rows;
    }
    if (perResidue) perResidue[s] = a.sum;
    a.sum = new Float32Array(0); // release the accumulator; perResidue keeps its own reference
  }

  /** Releases the onnxruntime session. Safe to call twice. */
  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

/**
 * Loads an exported ESM-2 model for embedding: `dir/model.json` (sha256-checked by tensor-core's `loadModel`) and
 * `dir/model.onnx`, with `dir/vocab.txt` when present.
 *
 * @remarks Export a model with `training/protein/export_esm2.py` (`--checkpoint` for real Hugging Face ESM-2 weights,
 * `--random` for SYNTHETIC test models). The model must take `input_ids` and `attention_mask` (int64
 * `[batch, length]`) and return `last_hidden_state` (float32 `[batch, length, H]`).
 *
 * @param dir - the model directory, or the path of its model.json
 * @param options - device, threads, tokeniser
 * @returns the embedder; call `dispose()` when done
 * @throws ModelNotFoundError, ChecksumMismatchError, ManifestError (also when the model lacks the inputs or output
 *   above), InvalidModelError, DeviceUnavailableError
 * @example
 * ```ts
 * const embedder = await loadEsmEmbedder('training/protein/runs/esm2-8m', { intraOpThreads: 2 });
 * const { pooled } = await embedder.embed(['MKTAYIAKQR']);
 * await embedder.dispose();
 * ```
 */
export async function loadEsmEmbedder(dir: string, options: LoadEsmEmbedderOptions = {}): Promise<EsmEmbedder> {
  const isJson = dir.toLowerCase().endsWith('.json');
  const manifestPath = isJson ? dir : join(dir, 'model.json');
  const modelDir = isJson ? join(dir, '..') : dir;
  if (!isJson && existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new InvalidArgumentError('dir', `${dir} is a file; pass the model directory (with model.json) or the model.json path.`);
  }
  const { tokenizer: given, ...loadOptions } = options;
  const model = await loadModel(manifestPath, loadOptions);
  try {
    const manifest = model.manifest!;
    const fix = 'Export the model with training/protein/export_esm2.py.';
    for (const name of ['input_ids', 'attention_mask']) {
      const spec = model.inputs.find((s) => s.name === name);
      if (!spec || spec.dtype !== 'int64' || spec.shape.length !== 2) {
        throw new ManifestError(manifestPath, 'inputs', `lacks "${name}" int64 [batch, length] (has ${model.inputs.map((s) => `${s.name}: ${s.dtype}`).join(', ')}). ${fix}`);
      }
    }
    const out = model.outputs.find((s) => s.name === OUTPUT);
    const H = out?.shape[2];
    if (!out || out.dtype !== 'float32' || out.shape.length !== 3 || typeof H !== 'number' || !Number.isInteger(H) || H < 1) {
      throw new ManifestError(manifestPath, 'outputs', `lacks "${OUTPUT}" float32 [batch, length, H] with a fixed H. ${fix}`);
    }
    const vocabPath = join(modelDir, 'vocab.txt');
    const tokenizer = given ?? (existsSync(vocabPath) ? await EsmTokenizer.fromVocabFile(vocabPath) : new EsmTokenizer());
    const logits = model.outputs.find((s) => s.name === 'logits');
    const V = logits?.shape[2];
    if (typeof V === 'number' && V !== tokenizer.vocabSize) {
      throw new ManifestError(manifestPath, 'outputs', `"logits" has ${V} classes but the tokeniser has ${tokenizer.vocabSize} tokens; pass the model's own vocabulary (vocab.txt next to model.json).`);
    }
    return new EsmEmbedder(model, tokenizer, H, manifest);
  } catch (e) {
    await model.dispose();
    throw e;
  }
}

/** @internal {@link EsmEmbedOptions} with every default filled in. */
export interface CheckedOptions {
  pooling: EsmPooling;
  perResidue: boolean;
  includeSpecial: boolean;
  maxLength: number;
  long: LongSequencePolicy;
  windowStride: number | undefined;
  batchSize: number;
  maxTokens: number | undefined;
  mode: NonNullable<EsmEncodeOptions['mode']>;
  lowercase: NonNullable<EsmEncodeOptions['lowercase']>;
  unknown: NonNullable<EsmEncodeOptions['unknown']>;
}

/**
 * Validates {@link EsmEmbedOptions} and fills in the defaults.
 * @internal shared with the {@link ProteinEmbedder} adapter (esm-protein-embedder.ts)
 */
export function checkOptions(options: EsmEmbedOptions): CheckedOptions {
  const pooling = options.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'none') throw new InvalidArgumentError('pooling', `Unsupported pooling "${String(pooling)}". Supported: mean, none.`);
  const long = options.long ?? 'crop';
  if (!['crop', 'windows', 'error'].includes(long)) throw new InvalidArgumentError('long', `Unsupported long "${String(long)}". Supported: crop, windows, error.`);
  const positive = (name: string, v: number | undefined): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new InvalidArgumentError(name, `${name} must be a positive integer, received ${String(v)}.`);
  };
  const maxLength = options.maxLength ?? ESM2_MAX_RESIDUES;
  positive('maxLength', maxLength);
  positive('batchSize', options.batchSize);
  positive('maxTokens', options.maxTokens);
  positive('windowStride', options.windowStride);
  if (options.windowStride !== undefined && options.windowStride > maxLength) {
    throw new InvalidArgumentError('windowStride', `windowStride (${options.windowStride}) must not exceed maxLength (${maxLength}); a larger stride would skip residues.`);
  }
  const perResidue = options.perResidue ?? pooling === 'none';
  if (pooling === 'none' && !perResidue) {
    throw new InvalidArgumentError('perResidue', "pooling: 'none' with perResidue: false would return nothing; pass pooling: 'mean' or perResidue: true.");
  }
  return {
    pooling,
    perResidue,
    includeSpecial: options.includeSpecial ?? false,
    maxLength,
    long,
    windowStride: options.windowStride,
    batchSize: options.batchSize ?? 8,
    maxTokens: options.maxTokens,
    mode: options.mode ?? 'residue',
    lowercase: options.lowercase ?? 'unk',
    unknown: options.unknown ?? 'unk',
  };
}

/** @internal the residues and the name of one input, or a SequenceEmbeddingError ('not-a-string'). */
export function describeInput(input: EmbedInput, index: number): { name: string | undefined; sequence: string } {
  if (typeof input === 'string') return { name: undefined, sequence: input };
  if (input !== null && typeof input === 'object' && typeof input.sequence === 'string') {
    return { name: input.name, sequence: input.sequence };
  }
  const name = input !== null && typeof input === 'object' && typeof (input as { name?: unknown }).name === 'string' ? (input as { name: string }).name : undefined;
  throw new SequenceEmbeddingError(index, name, 'not-a-string', `expected a string or { name, sequence }, received ${input === null ? 'null' : typeof input}. Pass the residues as a string.`);
}
