import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTools } from '../baselines/find-tools';
import { parsePfamCsv } from '../io/pfam-csv';
import { buildClusteredSplit } from './build-clustered-split';
import { clusterSequences } from './cluster-sequences';

// SYNTHETIC data: 3 made-up families of noisy copies of one random sequence each + 1 unrelated random sequence
const FIX = join(__dirname, '..', 'baselines', '__fixtures__');
const records = [
  ...(await parsePfamCsv(readFileSync(join(FIX, 'synthetic-train.csv'), 'utf8'))),
  ...(await parsePfamCsv(readFileSync(join(FIX, 'synthetic-test.csv'), 'utf8'))),
];
const mmseqs = findTools(['mmseqs']);
if (!mmseqs.ok) console.log(`skipping the MMseqs2 clustered split tests: ${mmseqs.reason}`);

describe.skipIf(!mmseqs.ok)('clustered split with MMseqs2 (SYNTHETIC, 3 families)', () => {
  // easy-linclust keeps this test to about a second; easy-cluster (the default) has ~10 s of fixed cost per run
  it('clusters each family copy set together, the random sequence alone', async () => {
    const clusters = await clusterSequences(
      records.map((r) => r.sequence),
      { method: 'linclust', threads: 1 },
    );
    const fam = (i: number): string => `${records[i]!.familyAccession}${i === records.length - 1 ? '*' : ''}`;
    const sets = clusters.map((c) => new Set(c.map(fam)));
    for (const s of sets) expect(s.size).toBe(1);
    // linclust merges most copies (10 clusters for 22 sequences with MMseqs2 14); never across families
    expect(clusters.length).toBeGreaterThanOrEqual(4);
    expect(clusters.length).toBeLessThan(records.length - 5);
    expect(clusters.flat().sort((a, b) => a - b)).toEqual([...records.keys()]);
    expect(sets.some((s) => s.has('PF90001.1*'))).toBe(true);
  });
  it('writes family_accession,sequence shards and a report; whole clusters per side', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'split-test-'));
    try {
      const report = await buildClusteredSplit(records, { method: 'linclust', threads: 1, outDir: dir, seed: 2, minSeqId: 0.5 });
      const sides = ['train', 'dev', 'test'] as const;
      const shards = await Promise.all(sides.map(async (s) => parsePfamCsv(readFileSync(join(dir, `${s}.csv`), 'utf8'))));
      expect(shards.map((x) => x.length)).toEqual(sides.map((s) => report.sides[s].sequences));
      expect(shards.flat().map((r) => r.sequence).sort()).toEqual(records.map((r) => r.sequence).sort());
      expect(report.sequences).toBe(records.length);
      expect(report.families).toBe(3);
      expect(report.clustering).toEqual({ method: 'linclust', minSeqId: 0.5, coverage: 0.8, covMode: 0 });
      expect(report.familiesMissingFromTrain).toEqual([]);
      const json = JSON.parse(readFileSync(join(dir, 'split-report.json'), 'utf8'));
      expect(json.clusters).toBe(report.clusters);
      expect(json.recordSides).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
