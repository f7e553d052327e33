import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@lab/tensor-core';
import type { LabeledSequence } from '../baselines/baseline-result';
import { SPLIT_SIDES, assignClusters, type AssignClustersOptions, type SplitFractions, type SplitSide } from './assign-clusters';
import { clusterSequences, type ClusterSequencesOptions } from './cluster-sequences';
import { formatPfamCsv } from './format-pfam-csv';

/** Options of {@link buildClusteredSplit}. */
export interface ClusteredSplitOptions extends ClusterSequencesOptions, AssignClustersOptions {
  /** Write `train.csv`, `dev.csv`, `test.csv` (`family_accession,sequence`) and `split-report.json` here. */
  outDir?: string;
}

/** Counts of one side of a {@link ClusteredSplitReport}. */
export interface SplitSideReport {
  /** Sequences. */
  sequences: number;
  /** Whole clusters. */
  clusters: number;
  /** Distinct families. */
  families: number;
}

/** What {@link buildClusteredSplit} did. */
export interface ClusteredSplitReport {
  /** Input sequences. */
  sequences: number;
  /** Input families. */
  families: number;
  /** Clustering parameters. */
  clustering: { method: 'cluster' | 'linclust'; minSeqId: number; coverage: number; covMode: number };
  /** Assignment parameters (fractions as given, before normalisation). */
  assignment: { seed: number; fractions: SplitFractions };
  /** Number of clusters. */
  clusters: number;
  /** Cluster size statistics. */
  clusterSizes: { max: number; median: number; mean: number; singletons: number };
  /** Clusters with members of more than one family. */
  mixedClusters: number;
  /** Per side. */
  sides: Record<SplitSide, SplitSideReport>;
  /** Families with sequences in dev or test but none in train (mixed clusters only). */
  familiesMissingFromTrain: string[];
  /** Families whose sequences all went to train (they formed too few clusters). */
  trainOnlyFamilies: number;
  /** Side of each input record, in input order. */
  recordSides: SplitSide[];
  /** Files written, when `outDir` was given. */
  files?: Record<SplitSide, string>;
  /** Seconds spent clustering. */
  clusterSeconds: number;
}

/**
 * Builds the study's clustered split: clusters all sequences with MMseqs2 at low identity ({@link clusterSequences},
 * default ≥ 30% identity over ≥ 80% coverage), then gives whole clusters to train / dev / test, seeded and stratified
 * by family ({@link assignClusters}), so that no dev or test sequence has a member of its cluster in train.
 *
 * @remarks Needs MMseqs2 (`apt-get install mmseqs2`). Clustering is transitive only through representatives: a dev/test
 * sequence can still be somewhat similar to a training one, but not a member of the same cluster. Families that form a
 * single cluster land entirely in train.
 *
 * @param records - every sequence to split (e.g. train_100 + validation_100 + test_100 of the random split)
 * @param options - clustering, fractions, seed, output directory
 * @returns the report, with the side of every record
 * @throws {@link ExternalToolError} when `mmseqs` is missing or fails; InvalidArgumentError for bad options
 * @example
 * ```ts
 * const all = [];
 * for (const f of ['train_100.csv', 'validation_100.csv', 'test_100.csv']) for await (const r of readPfamCsv(f)) all.push(r);
 * const report = await buildClusteredSplit(all, { outDir: 'clustered', seed: 1, threads: 2 });
 * console.log(report.clusters, report.sides.test.sequences);
 * ```
 */
export async function buildClusteredSplit(records: readonly LabeledSequence[], options: ClusteredSplitOptions = {}): Promise<ClusteredSplitReport> {
  if (records.length === 0) throw new InvalidArgumentError('records', 'No records to split.');
  const t0 = performance.now();
  const clusters = await clusterSequences(
    records.map((r) => r.sequence),
    options,
  );
  const clusterSeconds = (performance.now() - t0) / 1e3;
  const families = records.map((r) => r.familyAccession);
  const fractions = options.fractions ?? { train: 0.8, dev: 0.1, test: 0.1 };
  const seed = options.seed ?? 0;
  const a = assignClusters(clusters, families, { fractions, seed });

  const sizes = clusters.map((c) => c.length).sort((x, y) => x - y);
  const mid = sizes.length >> 1;
  const sides = {} as Record<SplitSide, SplitSideReport>;
  const famSets = {} as Record<SplitSide, Set<string>>;
  for (const s of SPLIT_SIDES) {
    famSets[s] = new Set(families.filter((_, i) => a.sides[i] === s));
    sides[s] = { sequences: a.sides.filter((x) => x === s).length, clusters: a.clusterSides.filter((x) => x === s).length, families: famSets[s].size };
  }
  const allFamilies = new Set(families);
  const report: ClusteredSplitReport = {
    sequences: records.length,
    families: allFamilies.size,
    clustering: { method: options.method ?? 'cluster', minSeqId: options.minSeqId ?? 0.3, coverage: options.coverage ?? 0.8, covMode: options.covMode ?? 0 },
    assignment: { seed, fractions },
    clusters: clusters.length,
    clusterSizes: {
      max: sizes[sizes.length - 1]!,
      median: sizes.length % 2 ? sizes[mid]! : (sizes[mid - 1]! + sizes[mid]!) / 2,
      mean: records.length / clusters.length,
      singletons: sizes.filter((k) => k === 1).length,
    },
    mixedClusters: a.mixedClusters,
    sides,
    familiesMissingFromTrain: [...new Set([...famSets.dev, ...famSets.test])].filter((f) => !famSets.train.has(f)).sort(),
    trainOnlyFamilies: [...allFamilies].filter((f) => !famSets.dev.has(f) && !famSets.test.has(f)).length,
    recordSides: a.sides,
    clusterSeconds,
  };
  if (options.outDir !== undefined) {
    await mkdir(options.outDir, { recursive: true });
    const files = {} as Record<SplitSide, string>;
    for (const s of SPLIT_SIDES) {
      files[s] = join(options.outDir, `${s}.csv`);
      await writeFile(files[s], formatPfamCsv(records.filter((_, i) => a.sides[i] === s)));
    }
    report.files = files;
    const { recordSides: _omit, ...summary } = report;
    await writeFile(join(options.outDir, 'split-report.json'), `${JSON.stringify(summary, null, 2)}\n`);
  }
  return report;
}
