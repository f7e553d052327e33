import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { InvalidArgumentError, throttleProgress, type WithProgress } from '@lab/tensor-core';
import { ProteinFormatError } from '../errors/protein-format-error';
import { formatFasta } from '../io/fasta-writer';
import type { BaselineResult, LabeledSequence, QuerySequence } from './baseline-result';
import { bestHitPerQuery } from './best-hit-per-query';
import { checkThreads } from './check-threads';
import { parseHmmerTblout } from './parse-hmmer-tblout';
import { runTool } from './run-tool';
import { withWorkDir } from './work-dir';

/** How each family's training members are turned into the alignment that `hmmbuild` reads. */
export type HmmerAlignment = 'auto' | 'given' | 'mafft';

/** Options of {@link runHmmerBaseline}. */
export interface HmmerBaselineOptions extends WithProgress {
  /**
   * `'given'`: use each record's `alignedSequence` (the Kaggle layout's seed alignment rows) as a Stockholm MSA;
   * `'mafft'`: align the unaligned members with MAFFT; `'auto'`: `'given'` for a family whose members all carry
   * `alignedSequence`, else `'mafft'`. A family with one member is built from that sequence alone.
   * @default 'auto'
   */
  alignment?: HmmerAlignment;
  /** MAFFT arguments before the input file (`--thread 1 --quiet` are always added). @default ['--auto'] */
  mafftArgs?: readonly string[];
  /** Families built at once, and `hmmscan --cpu`. @default min(4, availableParallelism()) */
  threads?: number;
  /** `hmmscan -E`: report hits up to this full-sequence E-value (HMMER's default). @default 10 */
  evalue?: number;
  /** Work in this directory (kept) instead of a temporary one. */
  workDir?: string;
  /** Keep the temporary directory (its path is not returned; use `workDir` to know it). @default false */
  keepWorkDir?: boolean;
  /** Cancels the child processes. */
  signal?: AbortSignal;
}

/**
 * The profile-HMM baseline of the study: one HMM per training family (`hmmbuild --amino` on the family's alignment),
 * `hmmpress` of the concatenated database, `hmmscan --tblout` of every query, prediction = the family of the best hit
 * (highest full-sequence bit score, ties → lower E-value).
 *
 * @remarks Needs HMMER (`apt-get install hmmer`) and, for unaligned training data, MAFFT (`apt-get install mafft`).
 * Queries with no hit at `evalue` get `null` (count them as errors; {@link baselineMetrics} does). HMM names are the
 * family accessions. Progress: `completed` families during `hmmbuild`, then `completed` queries during `hmmscan`
 * (`label` says which).
 *
 * @param train - training sequences with their families
 * @param queries - sequences to classify
 * @param options - alignment source, threads, E-value, work directory, progress
 * @returns the predicted family (or `null`) of each query, with scores and timings
 * @throws {@link ExternalToolError} when a program is missing (naming the Debian package) or fails
 * @throws InvalidArgumentError for empty inputs or bad options; {@link ProteinFormatError} for ragged given alignments
 * @example
 * ```ts
 * const train = []; for await (const r of readPfamCsv('train_100.csv')) train.push(r);
 * const test = []; for await (const r of readPfamCsv('test_100.csv')) test.push(r);
 * const result = await runHmmerBaseline(train, test, { threads: 2 });
 * console.log(baselineMetrics(test.map((r) => r.familyAccession), result.predictions).errorRatePercent);
 * ```
 */
export async function runHmmerBaseline(train: readonly LabeledSequence[], queries: readonly QuerySequence[], options: HmmerBaselineOptions = {}): Promise<BaselineResult> {
  const threads = checkThreads(options.threads);
  const alignment = options.alignment ?? 'auto';
  if (!['auto', 'given', 'mafft'].includes(alignment)) {
    throw new InvalidArgumentError('alignment', `Unknown alignment "${String(alignment)}". Supported: auto, given, mafft.`);
  }
  const evalue = options.evalue ?? 10;
  if (!(evalue > 0)) throw new InvalidArgumentError('evalue', `evalue must be > 0, received ${evalue}.`);
  if (train.length === 0) throw new InvalidArgumentError('train', 'No training sequences.');
  if (queries.length === 0) throw new InvalidArgumentError('queries', 'No query sequences.');
  const families = new Map<string, LabeledSequence[]>();
  for (const r of train) {
    if (!r.familyAccession || /\s/.test(r.familyAccession)) {
      throw new InvalidArgumentError('train', `Family accession "${r.familyAccession}" must be non-empty without whitespace (it names the HMM).`);
    }
    const members = families.get(r.familyAccession);
    if (members) members.push(r);
    else families.set(r.familyAccession, [r]);
  }
  const names = [...families.keys()].sort();
  if (alignment === 'given') {
    const bad = train.findIndex((r) => !r.alignedSequence);
    if (bad >= 0) throw new InvalidArgumentError('alignment', `alignment 'given' needs alignedSequence on every training record; record ${bad} has none.`);
  }
  const progress = throttleProgress(options.onProgress);
  const mafftArgs = options.mafftArgs ?? ['--auto'];

  return withWorkDir(
    'hmmer-',
    async (dir) => {
      const t0 = performance.now();
      let built = 0;
      progress({ completed: 0, total: names.length, label: 'hmmbuild' });
      await forEachConcurrent(names, threads, async (family, f) => {
        const members = families.get(family)!;
        const useGiven = alignment === 'given' || (alignment === 'auto' && members.every((m) => !!m.alignedSequence));
        const hmm = join(dir, `f${f}.hmm`);
        let msa: string;
        let format: string;
        if (useGiven) {
          msa = join(dir, `f${f}.sto`);
          format = 'stockholm';
          await writeFile(msa, stockholmOf(family, members));
        } else if (members.length === 1) {
          msa = join(dir, `f${f}.afa`);
          format = 'afa';
          await writeFile(msa, formatFasta([{ name: 's0', description: '', sequence: members[0]!.sequence }], { lineWidth: 0 }));
        } else {
          const fasta = join(dir, `f${f}.fa`);
          msa = join(dir, `f${f}.afa`);
          format = 'afa';
          await writeFile(fasta, formatFasta(members.map((m, i) => ({ name: `s${i}`, description: '', sequence: m.sequence })), { lineWidth: 0 }));
          await runTool('mafft', [...mafftArgs, '--thread', '1', '--quiet', fasta], { stdoutFile: msa, signal: options.signal });
        }
        await runTool('hmmbuild', ['--amino', '--cpu', '1', '--informat', format, '-n', family, hmm, msa], { signal: options.signal });
        built++;
        progress({ completed: built, total: names.length, label: 'hmmbuild' });
      });
      const db = join(dir, 'families.hmm');
      const out = createWriteStream(db);
      for (let f = 0; f < names.length; f++) {
        const src = createReadStream(join(dir, `f${f}.hmm`));
        src.pipe(out, { end: false });
        await finished(src);
      }
      out.end();
      await finished(out);
      await runTool('hmmpress', ['-f', db], { signal: options.signal });
      const t1 = performance.now();

      const queryFile = join(dir, 'queries.fa');
      await writeFile(queryFile, formatFasta(queries.map((q, i) => ({ name: `q${i}`, description: '', sequence: q.sequence })), { lineWidth: 0 }));
      const tbl = join(dir, 'scan.tbl');
      let scanned = 0;
      progress({ completed: 0, total: queries.length, label: 'hmmscan' });
      await runTool('hmmscan', ['--cpu', String(threads), '--noali', '-E', String(evalue), '--tblout', tbl, db, queryFile], {
        signal: options.signal,
        onStdoutLine: (line) => {
          if (line === '//') progress({ completed: ++scanned, total: queries.length, label: 'hmmscan' });
        },
      });
      const best = bestHitPerQuery(parseHmmerTblout(await readFile(tbl, 'utf8'), tbl), (h) => ({ query: h.query, score: h.score, evalue: h.evalue }));
      const t2 = performance.now();
      const result: BaselineResult = { predictions: [], scores: [], evalues: [], noHit: 0, seconds: { build: (t1 - t0) / 1e3, search: (t2 - t1) / 1e3 } };
      for (let i = 0; i < queries.length; i++) {
        const hit = best.get(`q${i}`);
        result.predictions.push(hit ? hit.target : null);
        result.scores.push(hit ? hit.score : null);
        result.evalues.push(hit ? hit.evalue : null);
        if (!hit) result.noHit++;
      }
      return result;
    },
    { ...(options.workDir !== undefined ? { dir: options.workDir } : {}), keep: options.keepWorkDir ?? false },
  );
}

function stockholmOf(family: string, members: readonly LabeledSequence[]): string {
  const rows = members.map((m) => m.alignedSequence!);
  const width = rows[0]!.length;
  const ragged = rows.findIndex((r) => r.length !== width);
  if (ragged >= 0) {
    throw new ProteinFormatError('<training records>', 'length-mismatch', `family ${family}: aligned sequence ${ragged} has ${rows[ragged]!.length} columns, the first has ${width}.`, { record: family });
  }
  return `# STOCKHOLM 1.0\n${rows.map((r, i) => `s${i} ${r}`).join('\n')}\n//\n`;
}

async function forEachConcurrent<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await work(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
