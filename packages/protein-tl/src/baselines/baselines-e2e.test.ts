import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePfamCsv } from '../io/pfam-csv';
import { baselineMetrics } from './baseline-metrics';
import { runBlastBaseline } from './blast-baseline';
import { findTools } from './find-tools';
import { runHmmerBaseline } from './hmmer-baseline';

// SYNTHETIC data: 3 made-up families x 5 training / 2 test noisy copies + 1 random query (see __fixtures__/README.md)
const FIX = join(__dirname, '__fixtures__');
const train = await parsePfamCsv(readFileSync(join(FIX, 'synthetic-train.csv'), 'utf8'));
const test = await parsePfamCsv(readFileSync(join(FIX, 'synthetic-test.csv'), 'utf8'));
const truth = test.map((r) => r.familyAccession);

const hmmer = findTools(['mafft', 'hmmbuild', 'hmmpress', 'hmmscan']);
if (!hmmer.ok) console.log(`skipping the HMMER baseline end-to-end test: ${hmmer.reason}`);
const blast = findTools(['makeblastdb', 'blastp']);
if (!blast.ok) console.log(`skipping the BLAST baseline end-to-end test: ${blast.reason}`);

describe('homology baselines end to end (SYNTHETIC, 3 families)', () => {
  it.skipIf(!hmmer.ok)('HMMER: mafft + hmmbuild + hmmscan classifies the family copies, the random query has no hit', async () => {
    const events: string[] = [];
    const r = await runHmmerBaseline(train, test, { threads: 2, onProgress: (e) => events.push(`${e.label}:${e.completed}/${e.total}`) });
    expect(r.predictions).toEqual([...truth.slice(0, 6), null]);
    expect(r.noHit).toBe(1);
    expect(r.scores[0]).toBeGreaterThan(50);
    expect(events).toContain('hmmbuild:3/3');
    expect(events).toContain('hmmscan:7/7');
    const m = baselineMetrics(truth, r.predictions);
    expect(m).toMatchObject({ errors: 1, noHit: 1 });
    expect(m.errorRatePercent).toBeCloseTo(100 / 7, 10);
  });
  it.skipIf(!hmmer.ok)("HMMER: 'given' alignments (Kaggle layout) and one-member families", async () => {
    // the SYNTHETIC copies have substitutions only, so the unaligned sequences are already an alignment
    const aligned = train.map((r) => ({ ...r, alignedSequence: r.sequence }));
    const single = [...aligned.filter((r) => r.familyAccession !== 'PF90003.1'), train.find((r) => r.familyAccession === 'PF90003.1')!];
    const r = await runHmmerBaseline(single, test.slice(0, 6), { threads: 1 });
    expect(r.predictions).toEqual(truth.slice(0, 6));
    await expect(runHmmerBaseline(train, test, { alignment: 'given' })).rejects.toThrow(/needs alignedSequence/);
  });
  it.skipIf(!blast.ok)('BLAST: makeblastdb + blastp best hit classifies the family copies', async () => {
    const r = await runBlastBaseline(train, test, { threads: 1 });
    expect(r.predictions.slice(0, 6)).toEqual(truth.slice(0, 6));
    // the random query only gets chance hits (E > 1) at BLAST's default E-value 10; at 1e-3 it has none
    expect(r.evalues[6]).toBeGreaterThan(1);
    const strict = await runBlastBaseline(train, test, { threads: 1, evalue: 1e-3 });
    expect(strict.predictions[6]).toBeNull();
    expect(baselineMetrics(truth, strict.predictions).errors).toBe(1);
  });
});
