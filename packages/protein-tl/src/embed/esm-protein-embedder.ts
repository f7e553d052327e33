/**
 * {@link EsmEmbedder} as a {@link ProteinEmbedder}: mean-pooled vectors, with a cache id made of the model's sha256 and
 * the options that change the vectors.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError, type WithProgress } from '@lab/tensor-core';
import { checkOptions, type EmbedInput, type EsmEmbedOptions, type EsmEmbedder } from './esm-embedder';
import type { ProteinEmbedder } from './protein-embedder';

/** Options of {@link esmProteinEmbedder}: those of {@link EsmEmbedder.embed} that apply to mean-pooled vectors. */
export type EsmProteinEmbedderOptions = Omit<EsmEmbedOptions, 'pooling' | 'perResidue' | 'onProgress'>;

/**
 * Adapts a loaded {@link EsmEmbedder} to {@link ProteinEmbedder}: `embedPooled` is `embed(..., { pooling: 'mean' })`
 * with the options given here.
 *
 * @remarks `id` is `esm:<manifest sha256>:` followed by every option that changes a vector, defaults filled in:
 * `special` (includeSpecial), `maxLength`, `long` (and `stride` with windows), the tokeniser's `mode`, `lowercase`,
 * `unknown`, and the first 12 hex digits of the sha256 of the tokeniser's vocabulary. `batchSize` and `maxTokens` only
 * change float rounding (padding invariance) and are left out. `dispose()` disposes the wrapped embedder.
 *
 * @param esm - a loaded embedder ({@link loadEsmEmbedder})
 * @param options - pooling-relevant options and batching
 * @returns the adapter; its `dim` is the model's hidden size
 * @throws InvalidArgumentError for bad options (checked here, not at the first call)
 * @example
 * ```ts
 * const esm = await loadEsmEmbedder('training/protein/runs/esm2-8m', { intraOpThreads: 2 });
 * const embedder = esmProteinEmbedder(esm, { maxLength: 1022, batchSize: 16 });
 * const x = await embedder.embedPooled(['MKTAYIAKQR', 'MSDNEKTLLE']); // [2 × 320]
 * await embedder.dispose();
 * ```
 */
export function esmProteinEmbedder(esm: EsmEmbedder, options: EsmProteinEmbedderOptions = {}): ProteinEmbedder {
  const given = options as EsmEmbedOptions;
  for (const key of ['pooling', 'perResidue'] as const) {
    if (given[key] !== undefined) {
      throw new InvalidArgumentError(key, `esmProteinEmbedder always mean-pools (one vector per protein); drop "${key}", or call EsmEmbedder.embed for per-residue outputs.`);
    }
  }
  const o = checkOptions({ ...options, pooling: 'mean', perResidue: false });
  const vocab = createHash('sha256').update(esm.tokenizer.vocab.join('\n')).digest('hex').slice(0, 12);
  const parts = [
    'mean',
    `special=${o.includeSpecial ? 1 : 0}`,
    `maxLength=${o.maxLength}`,
    `long=${o.long}`,
    ...(o.long === 'windows' ? [`stride=${o.windowStride ?? Math.max(1, Math.floor(o.maxLength / 2))}`] : []),
    `mode=${o.mode}`,
    `lowercase=${o.lowercase}`,
    `unknown=${o.unknown}`,
    `vocab=${vocab}`,
  ];
  const id = `esm:${esm.manifest.sha256}:${parts.join(';')}`;
  const embedOptions: EsmEmbedOptions = { ...options, pooling: 'mean', perResidue: false };
  return {
    id,
    dim: esm.hiddenSize,
    name: esm.manifest.name,
    async embedPooled(inputs: readonly EmbedInput[], progress: WithProgress = {}): Promise<Float32Array> {
      if (inputs.length === 0) return new Float32Array(0);
      const out = await esm.embed(inputs, { ...embedOptions, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
      return out.pooled!;
    },
    dispose: () => esm.dispose(),
  };
}
