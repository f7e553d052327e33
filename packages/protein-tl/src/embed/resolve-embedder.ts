/**
 * One place that turns an embedder spec (`default`, `onehot`, `kmer`, or a model directory) into a {@link ProteinEmbedder}.
 * @packageDocumentation
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, ModelNotFoundError, packageDir, type Device } from '@lab/tensor-core';
import { loadEsmEmbedder } from './esm-embedder';
import { esmProteinEmbedder, type EsmProteinEmbedderOptions } from './esm-protein-embedder';
import { KmerEmbedder } from './kmer-embedder';
import { OneHotEmbedder } from './one-hot-embedder';
import type { ProteinEmbedder } from './protein-embedder';
import { isProtT5Dir, loadProtT5Embedder, type ProtT5EmbedderOptions } from './prott5-embedder';

/** The directory name (under the package's `models/`) of the shipped default embedder. */
export const DEFAULT_EMBEDDER_NAME = 'plm-small';

/**
 * The directory of the default embedder shipped in the package: our own small protein language model (ESM-2
 * architecture), pretrained by masked language modelling on Debian's Swiss-Prot and UniProt example sequences with every
 * labelled Pfam sequence left out (see training/protein/README.md).
 * @returns the model directory inside the installed package
 * @example
 * ```ts
 * const esm = await loadEsmEmbedder(defaultEmbedderDir());
 * ```
 */
export function defaultEmbedderDir(): string {
  return join(packageDir(import.meta.url), 'models', DEFAULT_EMBEDDER_NAME);
}

/** Options of {@link resolveEmbedder}. */
export interface ResolveEmbedderOptions extends EsmProteinEmbedderOptions {
  /** Device of a model embedder. @default 'cpu' */
  device?: Device | string;
  /** onnxruntime intra-op threads of a model embedder. */
  intraOpThreads?: number;
}

/**
 * Makes the embedder that a spec names:
 * - `default`: the shipped protein language model ({@link defaultEmbedderDir}), mean-pooled;
 * - `onehot` or `onehot:L`: {@link OneHotEmbedder} (the study's input without transfer learning), window length L;
 * - `kmer` or `kmer:K`: {@link KmerEmbedder}, L2-normalised K-mer counts (K = 3 by default);
 * - anything else: a model directory, mean-pooled: a ProtT5 encoder when it holds `prot_t5.json`
 *   (training/protein/export_prot_t5.py; {@link loadProtT5Embedder}), else an ESM-2 model
 *   (training/protein/export_esm2.py; {@link loadEsmEmbedder}).
 *
 * For a ProtT5 directory the pooling options map as follows: `includeSpecial` includes the final `</s>`
 * (`includeEos`), `maxLength` crops to the central residues (no crop unless given), `long` is `'crop'` or `'error'`,
 * `batchSize`, `maxTokens` and `unknown` (`'unk'` or `'error'`) mean the same; ESM-only options (`long: 'windows'`,
 * `windowStride`, `mode`, `lowercase`) are refused with an InvalidArgumentError.
 * @param spec - the spec
 * @param options - device, threads, and the model embedder's pooling options (batch size, crop length, …)
 * @returns the embedder; call `dispose()` when done
 * @throws ModelNotFoundError for a directory without a model; InvalidArgumentError for a bad spec
 * @example
 * ```ts
 * const embedder = await resolveEmbedder('onehot:128');
 * const x = await embedder.embedPooled(['MKTAYIAKQR']);
 * await embedder.dispose();
 * ```
 */
export async function resolveEmbedder(spec: string, options: ResolveEmbedderOptions = {}): Promise<ProteinEmbedder> {
  if (typeof spec !== 'string' || spec.trim() === '') throw new InvalidArgumentError('embedder', 'The embedder spec is empty; use default, onehot[:L], kmer[:K] or a model directory.');
  const [kind, arg] = spec.split(':', 2) as [string, string | undefined];
  const int = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const v = Number(text);
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError('embedder', `"${spec}": ${name} must be a positive integer; received "${text}".`);
    return v;
  };
  if (kind === 'onehot') {
    const length = int('the window length L', arg);
    return new OneHotEmbedder(length !== undefined ? { length } : {});
  }
  if (kind === 'kmer') {
    const k = int('K', arg);
    return new KmerEmbedder(k !== undefined ? { k } : {});
  }
  const dir = spec === 'default' ? defaultEmbedderDir() : spec;
  const { device, intraOpThreads, ...pooling } = options;
  if (spec !== 'default' && isProtT5Dir(dir)) {
    return loadProtT5Embedder(dir, {
      ...protT5Options(pooling),
      ...(device !== undefined ? { device } : {}),
      ...(intraOpThreads !== undefined ? { intraOpThreads } : {}),
    });
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory() || !existsSync(join(dir, 'model.json'))) {
    const what = spec === 'default'
      ? 'default protein language model (shipped in @lab/protein-tl)'
      : 'embedder (a model directory from training/protein/export_esm2.py or export_prot_t5.py, or default, onehot[:L], kmer[:K])';
    throw new ModelNotFoundError(join(dir, 'model.json'), what);
  }
  const esm = await loadEsmEmbedder(dir, { ...(device !== undefined ? { device } : {}), ...(intraOpThreads !== undefined ? { intraOpThreads } : {}) });
  return esmProteinEmbedder(esm, pooling);
}

/** The ESM-style pooling options of {@link resolveEmbedder} as ProtT5 options; ESM-only settings are refused. */
function protT5Options(pooling: EsmProteinEmbedderOptions): ProtT5EmbedderOptions {
  const { includeSpecial, maxLength, long, batchSize, maxTokens, unknown, windowStride, mode, lowercase, ...other } = pooling;
  const refuse = (name: string, value: unknown, fix: string): void => {
    if (value !== undefined) throw new InvalidArgumentError(name, `${name} ${JSON.stringify(value)} applies to ESM-2 embedders, not to a ProtT5 model directory; ${fix}`);
  };
  if (long === 'windows') refuse('long', long, "ProtT5 has no window mode (relative positions, no length limit): use long: 'crop' with maxLength, or no maxLength.");
  refuse('windowStride', windowStride, 'drop it (ProtT5 has no windows).');
  refuse('mode', mode, 'drop it (ProtT5 always tokenises one residue per token).');
  refuse('lowercase', lowercase, 'drop it (ProtT5 upper-cases every sequence).');
  return {
    ...(other as ProtT5EmbedderOptions), // anything else: loadProtT5Embedder refuses it by name
    ...(includeSpecial !== undefined ? { includeEos: includeSpecial } : {}),
    ...(maxLength !== undefined ? { maxLength } : {}),
    ...(long !== undefined ? { long: long as 'crop' | 'error' } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(unknown !== undefined ? { unknown } : {}),
  };
}
