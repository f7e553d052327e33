import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, throttleProgress, type WithProgress } from '@lab/tensor-core';
import { formatFasta } from '../io/fasta-writer';
import type { BaselineResult, LabeledSequence, QuerySequence } from './baseline-result';
import { checkThreads } from './check-threads';
import { parseBlastTabular, type BlastHit } from './parse-blast-tabular';
import { runTool } from './run-tool';
import { withWorkDir } from './work-dir';

/** Options of {@link runBlastBaseline}. */
export interface BlastBaselineOptions extends WithProgress {
  /** `blastp -num_threads`. @default min(4, availableParallelism()) */
  threads?: number;
  /**
   * `blastp -max_target_seqs`: hits kept per query, of which the best bit score wins. More than 1 because BLAST's
   * limit is applied during the search, so `1` does not guarantee the best-scoring subject. @default 10
   */
  maxTargetSeqs?: number;
  /** `blastp -evalue`: report hits up to this E-value (BLAST's default). @default 10 */
  evalue?: number;
  /** Work in this directory (kept) instead of a temporary one. */
  workDir?: string;
  /** Keep the temporary directory. @default false */
  keepWorkDir?: boolean;
  /** Cancels the child processes. */
  signal?: AbortSignal;
}

/**
 * The BLASTp nearest-sequence baseline of the study: `makeblastdb -dbtype prot` of the training sequences,
 * `blastp -outfmt 6` of every query, prediction = the family of the best hit (highest bit score, ties → lower
 * E-value, the same rule as {@link bestHitPerQuery}).
 *
 * @remarks Needs BLAST+ (`apt-get install ncbi-blast+`). Queries with no hit at `evalue` get `null` (an error for
 * {@link baselineMetrics}). The tabular output is parsed as it streams, keeping only each query's best hit. Progress:
 * `completed` = queries with at least one hit reported so far (queries without hits are never reported by BLAST, so
 * the last event may stay below `total`).
 *
 * @param train - training sequences with their families
 * @param queries - sequences to classify
 * @param options - threads, max target sequences, E-value, work directory, progress
 * @returns the predicted family (or `null`) of each query, with scores and timings
 * @throws {@link ExternalToolError} when `makeblastdb` / `blastp` are missing (naming `ncbi-blast+`) or fail
 * @throws InvalidArgumentError for empty inputs or bad options
 * @example
 * ```ts
 * const result = await runBlastBaseline(train, test, { threads: 2 });
 * console.log(baselineMetrics(test.map((r) => r.familyAccession), result.predictions).errors);
 * ```
 */
export async function runBlastBaseline(train: readonly LabeledSequence[], queries: readonly QuerySequence[], options: BlastBaselineOptions = {}): Promise<BaselineResult> {
  const threads = checkThreads(options.threads);
  const maxTargetSeqs = options.maxTargetSeqs ?? 10;
  if (!Number.isInteger(maxTargetSeqs) || maxTargetSeqs < 1) {
    throw new InvalidArgumentError('maxTargetSeqs', `maxTargetSeqs must be a positive integer, received ${maxTargetSeqs}.`);
  }
  const evalue = options.evalue ?? 10;
  if (!(evalue > 0)) throw new InvalidArgumentError('evalue', `evalue must be > 0, received ${evalue}.`);
  if (train.length === 0) throw new InvalidArgumentError('train', 'No training sequences.');
  if (queries.length === 0) throw new InvalidArgumentError('queries', 'No query sequences.');
  const progress = throttleProgress(options.onProgress);

  return withWorkDir(
    'blast-',
    async (dir) => {
      const t0 = performance.now();
      const trainFile = join(dir, 'train.fa');
      await writeFile(trainFile, formatFasta(train.map((r, i) => ({ name: `train_${i}`, description: '', sequence: r.sequence })), { lineWidth: 0 }));
      const db = join(dir, 'train');
      await runTool('makeblastdb', ['-in', trainFile, '-dbtype', 'prot', '-parse_seqids', '-out', db], { signal: options.signal });
      const t1 = performance.now();

      const queryFile = join(dir, 'queries.fa');
      await writeFile(queryFile, formatFasta(queries.map((q, i) => ({ name: `query_${i}`, description: '', sequence: q.sequence })), { lineWidth: 0 }));
      // ids must not look like database accessions: BLAST rewrites those (t12449 → T12449, q12345 → Q12345)
      const best = new Map<number, BlastHit>();
      let seen = 0;
      let lastQuery = '';
      progress({ completed: 0, total: queries.length, label: 'blastp' });
      await runTool(
        'blastp',
        ['-query', queryFile, '-db', db, '-outfmt', '6', '-max_target_seqs', String(maxTargetSeqs), '-evalue', String(evalue), '-num_threads', String(threads)],
        {
          signal: options.signal,
          onStdoutLine: (line) => {
            const [hit] = parseBlastTabular(line, 'blastp output');
            if (!hit) return;
            if (hit.query !== lastQuery) {
              lastQuery = hit.query;
              progress({ completed: ++seen, total: queries.length, label: 'blastp' });
            }
            const q = idNumber(hit.query, 'query');
            const cur = best.get(q);
            if (!cur || hit.bitScore > cur.bitScore || (hit.bitScore === cur.bitScore && hit.evalue < cur.evalue)) best.set(q, hit);
          },
        },
      );
      const t2 = performance.now();
      const result: BaselineResult = { predictions: [], scores: [], evalues: [], noHit: 0, seconds: { build: (t1 - t0) / 1e3, search: (t2 - t1) / 1e3 } };
      for (let i = 0; i < queries.length; i++) {
        const hit = best.get(i);
        const family = hit ? train[idNumber(hit.subject, 'train')]?.familyAccession : undefined;
        result.predictions.push(family ?? null);
        result.scores.push(family !== undefined ? hit!.bitScore : null);
        result.evalues.push(family !== undefined ? hit!.evalue : null);
        if (family === undefined) result.noHit++;
      }
      return result;
    },
    { ...(options.workDir !== undefined ? { dir: options.workDir } : {}), keep: options.keepWorkDir ?? false },
  );
}

/** The index in `query_12` / `lcl|train_7` (any case), or -1. */
const ID_PATTERNS = { query: /^(?:lcl\|)?query_(\d+)$/i, train: /^(?:lcl\|)?train_(\d+)$/i };
function idNumber(id: string, prefix: 'query' | 'train'): number {
  const m = ID_PATTERNS[prefix].exec(id);
  return m ? Number(m[1]) : -1;
}
