// Benchmark: the study's homology baselines (HMMER profile HMMs, BLASTp best hit) on the real Pfam random split
// (../shared/data/pfam: train_100 → test_100, 100 families), and the clustered split built with MMseqs2 over
// train_100 + validation_100 + test_100 (≥ 30% identity, ≥ 80% coverage of both sequences, seed 1, 80/10/10).
// Then both baselines are run again on the clustered split (its train → its test).
// Run after `npm run build` (needs Debian hmmer, ncbi-blast+, mmseqs2, mafft):
//   node bench/protein-tl/baselines.mjs [--threads 2] [--skip-clustered-baselines]
//   → bench/results/protein-tl-baselines.json
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { baselineMetrics, buildClusteredSplit, readPfamCsv, runBlastBaseline, runHmmerBaseline } from '@lab/protein-tl';
import { writeResult } from '../lib/report.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const THREADS = Number(arg('threads', String(os.availableParallelism())));
const SEED = Number(arg('seed', '1'));
const pfam = sharedDataPath(['pfam']);
if (!pfam) throw new Error('../shared/data/pfam is not available');

async function load(file) {
  const rows = [];
  for await (const r of readPfamCsv(join(pfam, file))) rows.push(r);
  return rows;
}
function version(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').find((l) => /\d/.test(l))?.trim() ?? 'unknown';
}

async function evaluate(name, train, test) {
  const truth = test.map((r) => r.familyAccession);
  const out = { train: train.length, test: test.length };
  for (const [tool, run] of [
    ['hmmer', () => runHmmerBaseline(train, test, { threads: THREADS })],
    ['blast', () => runBlastBaseline(train, test, { threads: THREADS })],
  ]) {
    const t0 = performance.now();
    const r = await run();
    const wall = (performance.now() - t0) / 1e3;
    const m = baselineMetrics(truth, r.predictions);
    out[tool] = { ...m, wallSeconds: wall, buildSeconds: r.seconds.build, searchSeconds: r.seconds.search };
    console.log(`${name} ${tool}: error ${m.errorRatePercent.toFixed(2)}% (${m.errors}/${m.n}, no hit ${m.noHit}), weighted P ${m.precision.toFixed(4)} R ${m.recall.toFixed(4)} F1 ${m.f1.toFixed(4)}, ${wall.toFixed(1)} s`);
  }
  return out;
}

const train = await load('train_100.csv');
const validation = await load('validation_100.csv');
const test = await load('test_100.csv');
const load1 = os.loadavg()[0];
const random = await evaluate('random split', train, test);

const dir = mkdtempSync(join(os.tmpdir(), 'clustered-split-'));
const t0 = performance.now();
const all = [...train, ...validation, ...test];
const report = await buildClusteredSplit(all, { outDir: dir, seed: SEED, threads: THREADS, minSeqId: 0.3, coverage: 0.8 });
const splitSeconds = (performance.now() - t0) / 1e3;
const { recordSides, files: _files, ...splitSummary } = report;
console.log(`clustered split: ${report.clusters} clusters, train/dev/test ${report.sides.train.sequences}/${report.sides.dev.sequences}/${report.sides.test.sequences}, ${splitSeconds.toFixed(1)} s`);
let clustered;
if (!process.argv.includes('--skip-clustered-baselines')) {
  const cTrain = all.filter((_, i) => recordSides[i] === 'train');
  const cTest = all.filter((_, i) => recordSides[i] === 'test');
  clustered = await evaluate('clustered split', cTrain, cTest);
}
rmSync(dir, { recursive: true, force: true });

writeResult('protein-tl-baselines', {
  machine: { cpus: os.cpus()[0]?.model, cores: os.availableParallelism(), note: '2 shared cores', memoryGiB: Math.round(os.totalmem() / 2 ** 30), loadAvgAtStart: load1, platform: `${os.platform()} ${os.release()}` },
  tools: { hmmer: version('hmmscan', ['-h']), blast: version('blastp', ['-version']), mmseqs: version('mmseqs', ['version']), mafft: version('mafft', ['--version']) },
  data: 'shared/data/pfam (Kaggle Pfam seed random split subset, 100 families): train_100.csv → test_100.csv',
  settings: {
    threads: THREADS,
    hmmer: 'per family: mafft --auto (unaligned data) → hmmbuild --amino; hmmpress; hmmscan -E 10 --tblout; best = highest full-sequence bit score; no hit = error',
    blast: 'makeblastdb -dbtype prot; blastp -outfmt 6 -max_target_seqs 10 -evalue 10; best = highest bit score; no hit = error',
    clusteredSplit: `mmseqs easy-cluster --min-seq-id 0.3 -c 0.8 --cov-mode 0 over train_100+validation_100+test_100; whole clusters to train/dev/test 0.8/0.1/0.1 per family, seed ${SEED}`,
  },
  randomSplit: random,
  clusteredSplit: { ...splitSummary, wallSeconds: splitSeconds, baselines: clustered },
});
