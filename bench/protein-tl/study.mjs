// The study's Table 1 / Table 2 on our data: embeddings (our shipped default embedder, one-hot, 3-mer counts) with the
// study's heads, against HMMER and BLAST, on the random split (../shared/data/pfam train_100 → test_100, early stopping
// on validation_100) and on the clustered split (MMseqs2 over train_100 + validation_100 + test_100 at ≥ 30 % identity,
// ≥ 80 % coverage, whole clusters per side, seed 1: its train → its test, early stopping on its dev side).
// Each (split, embedder) runs through @lab/protein-tl's evaluateCommand — the same code as `protein-tl evaluate`.
// Run after `npm run build`:
//   node bench/protein-tl/study.mjs --split random|clustered [--rows default:knn,knn-ensemble,mlp,mlp-ensemble;kmer:knn;onehot:mlp]
//        [--baselines hmmer,blast] [--threads 1]
//   → bench/results/protein-tl-table-<split>.{json,md} (rows are merged into an existing file, replacing same method × embedding)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { buildClusteredSplit, evaluateCommand, formatEvaluation, readPfamCsv } from '@lab/protein-tl';
import { RESULTS_DIR } from '../lib/report.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const SPLIT = arg('split', 'random');
const ROWS = arg('rows', 'default:knn,knn-ensemble,mlp,mlp-ensemble;kmer:knn;onehot:mlp');
const BASELINES = arg('baselines', '');
const THREADS = Number(arg('threads', '1'));
const pfam = sharedDataPath(['pfam']);
if (!pfam) {
  console.log('[skip] ../shared/data/pfam is not available');
  process.exit(0);
}

let files;
if (SPLIT === 'random') {
  files = { train: join(pfam, 'train_100.csv'), dev: join(pfam, 'validation_100.csv'), test: join(pfam, 'test_100.csv') };
} else if (SPLIT === 'clustered') {
  const dir = join(import.meta.dirname, '..', '..', 'training', 'protein', 'data', 'clustered-split');
  if (!existsSync(join(dir, 'test.csv'))) {
    const all = [];
    for (const f of ['train_100.csv', 'validation_100.csv', 'test_100.csv']) for await (const r of readPfamCsv(join(pfam, f))) all.push(r);
    const t0 = performance.now();
    const report = await buildClusteredSplit(all, { outDir: dir, seed: 1, threads: 2, minSeqId: 0.3, coverage: 0.8 });
    console.log(`clustered split: ${report.clusters} clusters; train/dev/test ${report.sides.train.sequences}/${report.sides.dev.sequences}/${report.sides.test.sequences} in ${((performance.now() - t0) / 1e3).toFixed(1)} s → ${dir}`);
  }
  files = { train: join(dir, 'train.csv'), dev: join(dir, 'dev.csv'), test: join(dir, 'test.csv') };
} else throw new Error(`--split must be random or clustered, not ${SPLIT}`);

const out = join(RESULTS_DIR, `protein-tl-table-${SPLIT}.json`);
const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { rows: [], seconds: {} };
const key = (r) => `${r.method} | ${r.embedding}`;
const merged = new Map(previous.rows.map((r) => [key(r), r]));
const seconds = previous.seconds ?? {};
const jobs = ROWS.split(';').filter(Boolean).map((part) => {
  const [embedder, heads] = part.split(':');
  return { embedder, heads: heads.split(',') };
});
if (BASELINES) jobs.push({ embedder: 'none', heads: [], baselines: BASELINES.split(',') });
for (const job of jobs) {
  const t0 = performance.now();
  const r = await evaluateCommand({
    train: files.train,
    test: files.test,
    dev: files.dev,
    embedder: job.embedder,
    heads: job.heads,
    baselines: job.baselines ?? [],
    threads: THREADS,
    format: 'json',
    onProgress: (p) => process.stderr.write(`\r${job.embedder} ${p.label ?? ''} ${p.total ? ((100 * p.completed) / p.total).toFixed(0) : p.completed}%   `),
  });
  process.stderr.write('\n');
  const rows = r.rows;
  for (const row of rows) merged.set(key(row), row);
  for (const [k, v] of Object.entries(r.seconds)) seconds[`${job.embedder} ${k}`] = v;
  console.log(`${SPLIT} ${job.embedder} [${[...job.heads, ...(job.baselines ?? [])].join(', ')}]: ${rows.map((x) => `${x.method} ${x.error_rate.toFixed(2)}% (${x.errors})`).join('; ')} in ${((performance.now() - t0) / 1e3).toFixed(0)} s`);
}
const order = ['1-NN', 'kNN ensemble', 'MLP', 'MLP ensemble', 'HMMER', 'BLAST'];
const rows = [...merged.values()].sort((a, b) => a.embedding.localeCompare(b.embedding) || order.indexOf(a.method) - order.indexOf(b.method));
const testSequences = (readFileSync(files.test, 'utf8').trim().split('\n').length - 1);
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), split: SPLIT, files, testSequences, machine: { cpus: os.availableParallelism(), cpu_model: os.cpus()[0]?.model, node: process.version }, rows, seconds }, null, 2)}\n`);
writeFileSync(out.replace(/\.json$/, '.md'), formatEvaluation(rows, 'md', { title: `${SPLIT} split`, testSequences }));
console.log(`wrote ${out} and .md`);
