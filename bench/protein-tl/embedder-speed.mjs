// Benchmark: protein embeddings through ONNX (@lab/protein-tl's EsmEmbedder: onnxruntime-node via @lab/tensor-core)
// against the same ESM-2 network in PyTorch eager (training/protein/esm2.py on the checkpoint the export came from),
// CPU, same run, alternating rounds. Target (issue 6): ONNX ≥ 1.5× the sequences/s of PyTorch eager at batch 32.
//
// Sequences: the first --count sequences of ../shared/data/pfam/test_100.csv when present, else SYNTHETIC random
// sequences with Pfam-like lengths (50–300); sorted by length on both sides (the TypeScript embedder buckets by length;
// the Python side gets them in that order and cuts batches of B).
// Timed region, both sides: tokenisation, padding, forward pass, mean pooling over residues.
// Model: --model DIR (an export_esm2.py output) and --checkpoint DIR (its Hugging Face checkpoint). Default: the
// shipped default embedder and training/protein/runs/plm-small/checkpoint when both exist, else the real ESM-2 8M
// configuration at random weights (SYNTHETIC), exported on the fly into a temporary directory.
// Run: node bench/protein-tl/embedder-speed.mjs [--model DIR --checkpoint DIR] [--count 256] [--rounds 5] [--batches 32] [--threads 1,2]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Rng } from '@lab/tensor-core';
import { loadEsmEmbedder } from '@lab/protein-tl';
import { median, writeResult } from '../lib/report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PYTHON = process.env.LAB_PYTHON ?? '/usr/bin/python3';
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const COUNT = Number(arg('count', 256));
const ROUNDS = Number(arg('rounds', 5));
const BATCHES = arg('batches', '32').split(',').map(Number);
const THREADS = arg('threads', '1,2').split(',').map(Number);
const tmp = mkdtempSync(join(os.tmpdir(), 'embedder-speed-'));

let modelDir = arg('model');
let checkpoint = arg('checkpoint');
let synthetic = false;
const shipped = join(ROOT, 'packages', 'protein-tl', 'models', 'plm-small');
const shippedCkpt = join(ROOT, 'training', 'protein', 'runs', 'plm-small', 'checkpoint');
if (!modelDir && existsSync(join(shipped, 'model.json')) && existsSync(join(shippedCkpt, 'config.json'))) {
  modelDir = shipped;
  checkpoint = shippedCkpt;
}
if (!modelDir) {
  synthetic = true;
  const config = join(ROOT, '..', 'shared', 'data', 'vocab', 'esm2_t6_8M_UR50D-config.json');
  modelDir = join(tmp, 'esm2-8m-random');
  checkpoint = join(tmp, 'esm2-8m-random-ckpt');
  console.log('exporting the ESM-2 8M configuration at random weights (SYNTHETIC) …');
  execFileSync(PYTHON, [join(ROOT, 'training', 'protein', 'export_esm2.py'), '--random', '--config', config, '--out', modelDir, '--save-checkpoint', checkpoint], { stdio: ['ignore', 'ignore', 'inherit'] });
}
modelDir = resolve(modelDir);
checkpoint = resolve(checkpoint);

// ---- sequences
const pfam = join(ROOT, '..', 'shared', 'data', 'pfam', 'test_100.csv');
let sequences;
let source;
if (existsSync(pfam)) {
  sequences = readFileSync(pfam, 'utf8').trim().split('\n').slice(1, COUNT + 1).map((l) => l.split(',')[1]);
  source = `first ${sequences.length} sequences of ${pfam}`;
} else {
  const rng = new Rng(5);
  const AA = 'ACDEFGHIKLMNPQRSTVWY';
  sequences = Array.from({ length: COUNT }, () => Array.from({ length: 50 + rng.int(251) }, () => AA[rng.int(20)]).join(''));
  source = `SYNTHETIC: ${COUNT} random sequences, lengths 50–300`;
}
sequences.sort((a, b) => a.length - b.length);
const residues = sequences.reduce((s, x) => s + x.length, 0);
const seqFile = join(tmp, 'sequences.txt');
writeFileSync(seqFile, `${sequences.join('\n')}\n`);
console.log(`${sequences.length} sequences (${residues} residues; ${source}); model ${modelDir}`);

// ---- the Python side
const py = spawn(PYTHON, [join(HERE, 'embedder_eager.py'), checkpoint, seqFile], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' } });
const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
async function ask(cmd) {
  if (cmd) py.stdin.write(`${JSON.stringify(cmd)}\n`);
  for (;;) {
    const { value, done } = await lines.next();
    if (done) throw new Error('the Python side exited');
    if (!value.startsWith('{')) continue; // load_checkpoint's notes
    const r = JSON.parse(value);
    if (r.error) throw new Error(r.error);
    return r;
  }
}
const hello = await ask(null);
console.log(`torch ${hello.torch}: hidden ${hello.hidden}, ${hello.layers} layers`);

// ---- correctness
const probe = await loadEsmEmbedder(modelDir, { intraOpThreads: 1 });
const ref = (await ask({ cmd: 'embed' })).pooled;
const mine = await probe.embed(sequences, { batchSize: 32 });
const H = mine.hiddenSize;
let maxDiff = 0;
for (let i = 0; i < sequences.length; i++) for (let j = 0; j < H; j++) maxDiff = Math.max(maxDiff, Math.abs(mine.pooled[i * H + j] - ref[i][j]));
const correctness = { max_abs_diff_pooled_vs_torch: maxDiff, tolerance: 1e-4, ok: maxDiff <= 1e-4 };
console.log(`correctness: ${JSON.stringify(correctness)}`);
await probe.dispose();

// ---- timing
const results = [];
for (const threads of THREADS) {
  const model = await loadEsmEmbedder(modelDir, { intraOpThreads: threads });
  for (const batch of BATCHES) {
    const pass = async () => {
      const t = performance.now();
      await model.embed(sequences, { batchSize: batch });
      return (performance.now() - t) / 1e3;
    };
    await pass();
    const onnx = [];
    const torch = [];
    const load = [];
    for (let r = 0; r < ROUNDS; r++) {
      load.push(os.loadavg()[0]);
      if (r % 2 === 0) {
        onnx.push(sequences.length / (await pass()));
        torch.push(sequences.length / (await ask({ cmd: 'time', batch, threads })).seconds);
      } else {
        torch.push(sequences.length / (await ask({ cmd: 'time', batch, threads })).seconds);
        onnx.push(sequences.length / (await pass()));
      }
    }
    const row = {
      threads,
      batch,
      onnx_sequences_per_s: { median: median(onnx), rounds: onnx.map((v) => Number(v.toFixed(1))) },
      torch_sequences_per_s: { median: median(torch), rounds: torch.map((v) => Number(v.toFixed(1))) },
      ratio_of_medians: median(onnx) / median(torch),
      load_average_1m: { min: Math.min(...load), max: Math.max(...load) },
    };
    results.push(row);
    console.log(`threads ${threads}, batch ${batch}: ONNX ${row.onnx_sequences_per_s.median.toFixed(1)} seq/s, PyTorch ${row.torch_sequences_per_s.median.toFixed(1)} seq/s, ratio ${row.ratio_of_medians.toFixed(2)}; load ${row.load_average_1m.min.toFixed(1)}–${row.load_average_1m.max.toFixed(1)}`);
  }
  await model.dispose();
}
await ask({ cmd: 'quit' }).catch(() => undefined);
py.stdin.end();
rmSync(tmp, { recursive: true, force: true });
writeResult(arg('out', 'protein-tl-embedder-speed'), {
  task: 'protein embeddings (mean-pooled ESM-2 family network), sequences/s: @lab/protein-tl EsmEmbedder through onnxruntime-node vs the same network and weights in PyTorch eager, CPU, same run, alternating rounds',
  target: 'ONNX ≥ 1.5× the sequences/s of PyTorch eager at batch 32',
  model: { dir: synthetic ? 'ESM-2 8M configuration, random weights (SYNTHETIC), exported by training/protein/export_esm2.py' : modelDir, hidden: hello.hidden, layers: hello.layers },
  data: { sequences: sequences.length, residues, source },
  timed_region: 'tokenisation + padding + forward + mean pooling over residues, both sides; length-sorted batches',
  machine: { cpus: os.availableParallelism(), cpu_model: os.cpus()[0]?.model, node: process.version, torch: hello.torch, rounds: ROUNDS },
  correctness,
  results,
});
