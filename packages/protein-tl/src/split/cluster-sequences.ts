import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, type WithProgress } from '@lab/tensor-core';
import { checkThreads } from '../baselines/check-threads';
import { runTool } from '../baselines/run-tool';
import { withWorkDir } from '../baselines/work-dir';
import { formatFasta } from '../io/fasta-writer';
import { parseClusterTsv } from './parse-cluster-tsv';

/** Options of {@link clusterSequences}. */
export interface ClusterSequencesOptions extends WithProgress {
  /** `--min-seq-id`: minimum sequence identity between a member and its representative. @default 0.3 */
  minSeqId?: number;
  /** `-c`: minimum alignment coverage. @default 0.8 */
  coverage?: number;
  /** `--cov-mode`: 0 = coverage of both query and target (MMseqs2's default), 1 = target, 2 = query. @default 0 */
  covMode?: 0 | 1 | 2;
  /**
   * `'cluster'`: `mmseqs easy-cluster` (cascaded, sensitive; the default and the one to report); `'linclust'`:
   * `mmseqs easy-linclust` (linear time, finds fewer remote pairs, so fewer merges at low identity). @default 'cluster'
   */
  method?: 'cluster' | 'linclust';
  /** `--threads`. @default min(4, availableParallelism()) */
  threads?: number;
  /** Work in this directory (kept) instead of a temporary one. */
  workDir?: string;
  /** Keep the temporary directory. @default false */
  keepWorkDir?: boolean;
  /** Cancels MMseqs2. */
  signal?: AbortSignal;
}

/**
 * Clusters protein sequences with MMseqs2 (`easy-cluster` or `easy-linclust`) at low identity, the basis of the study's
 * clustered split.
 *
 * @remarks Needs MMseqs2 (`apt-get install mmseqs2`). Defaults: `--min-seq-id 0.3 -c 0.8 --cov-mode 0`, i.e. members
 * share ≥ 30% identity with their representative over ≥ 80% of both sequences. Progress: one event at the start and
 * one at the end (MMseqs2 reports no machine-readable progress).
 *
 * @param sequences - the residues of each item
 * @param options - identity, coverage, method, threads, work directory
 * @returns member indices of each cluster, representative first
 * @throws {@link ExternalToolError} when `mmseqs` is missing (naming `mmseqs2`) or fails; InvalidArgumentError for bad
 * options or no sequences
 * @example
 * ```ts
 * const clusters = await clusterSequences(records.map((r) => r.sequence), { minSeqId: 0.3, coverage: 0.8 });
 * console.log(clusters.length);
 * ```
 */
export async function clusterSequences(sequences: readonly string[], options: ClusterSequencesOptions = {}): Promise<number[][]> {
  const minSeqId = options.minSeqId ?? 0.3;
  const coverage = options.coverage ?? 0.8;
  const covMode = options.covMode ?? 0;
  const method = options.method ?? 'cluster';
  if (!(minSeqId >= 0 && minSeqId <= 1)) throw new InvalidArgumentError('minSeqId', `minSeqId must be in [0, 1], received ${minSeqId}.`);
  if (!(coverage >= 0 && coverage <= 1)) throw new InvalidArgumentError('coverage', `coverage must be in [0, 1], received ${coverage}.`);
  if (![0, 1, 2].includes(covMode)) throw new InvalidArgumentError('covMode', `covMode must be 0, 1 or 2, received ${covMode}.`);
  if (method !== 'cluster' && method !== 'linclust') throw new InvalidArgumentError('method', `Unknown method "${String(method)}". Supported: cluster, linclust.`);
  if (sequences.length === 0) throw new InvalidArgumentError('sequences', 'No sequences to cluster.');
  const threads = checkThreads(options.threads);
  options.onProgress?.({ completed: 0, total: 1, label: `mmseqs easy-${method}` });
  return withWorkDir(
    'mmseqs-',
    async (dir) => {
      const input = join(dir, 'input.fa');
      await writeFile(input, formatFasta(sequences.map((s, i) => ({ name: `s${i}`, description: '', sequence: s })), { lineWidth: 0 }));
      const prefix = join(dir, 'clu');
      await runTool(
        'mmseqs',
        [`easy-${method}`, input, prefix, join(dir, 'tmp'), '--min-seq-id', String(minSeqId), '-c', String(coverage), '--cov-mode', String(covMode), '--threads', String(threads), '-v', '1'],
        { signal: options.signal },
      );
      const tsv = `${prefix}_cluster.tsv`;
      const clusters = parseClusterTsv(await readFile(tsv, 'utf8'), tsv).map((c) => c.members.map((m) => Number(m.slice(1))));
      options.onProgress?.({ completed: 1, total: 1, label: `mmseqs easy-${method}` });
      return clusters;
    },
    { ...(options.workDir !== undefined ? { dir: options.workDir } : {}), keep: options.keepWorkDir ?? false },
  );
}
