// Benchmark: MLP head training (@lab/protein-tl MlpHead.fit: by default float32 Adam steps inside onnxruntime through
// tensor-core's OnnxMlpTrainer, on as many intra-op threads as sklearn has BLAS threads; `--engine js` times the float64
// JavaScript trainer, one thread) against scikit-learn MLPClassifier (float64, numpy BLAS) with the same protocol: the study's architecture
// (hidden 500-100-100-1000, identity activations, softmax cross-entropy), Adam lr 1e-3, no L2 (alpha = 0), training by
// partial fits on 1 % chunks of a fresh shuffle each epoch, mini-batches of ≤ 200 rows, a fixed number of epochs (no
// early stopping on either side), then accuracy on held-out rows.
// Data: SYNTHETIC Gaussian class clusters in 1024-D (seeded tensor-core Rng): K centres ~ N(0, s²I), rows = centre + N(0, I).
// Timed: the training (ours: MlpHead.fit, including building and loading the graph; sklearn: the partial_fit loop in
// bench/protein-tl/mlp_sklearn.py). sklearn's BLAS threads = OPENBLAS_NUM_THREADS (default: all cores) = our threads.
// Run (after npm run build): node bench/protein-tl/mlp-train.mjs [--n 10000] [--classes 50] [--epochs 3] [--engine onnx|js]
//      → bench/results/protein-tl-mlp-train.json
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, encodeNpy, ndarray } from '@lab/tensor-core';
import { MlpHead, STUDY_MLP_HIDDEN } from '@lab/protein-tl';
import { writeResult } from '../lib/report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.LAB_PYTHON ?? '/usr/bin/python3';
function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const N = Number(arg('n', 10000));
const NT = Number(arg('test', 2000));
const D = Number(arg('d', 1024));
const K = Number(arg('classes', 50));
const EPOCHS = Number(arg('epochs', 3));
const SPREAD = Number(arg('spread', 0.12));
const BATCH = 200;
const OUT = arg('out', 'protein-tl-mlp-train');
const HIDDEN = arg('hidden', STUDY_MLP_HIDDEN.join(',')).split(',').map(Number);

const rng = new Rng(4242);
const centres = Float64Array.from(rng.normalArray(K * D), (v) => v * SPREAD);
function rows(count) {
  const x = new Float32Array(count * D);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = rng.int(K);
    y[i] = c;
    for (let p = 0; p < D; p++) x[i * D + p] = centres[c * D + p] + rng.normal();
  }
  return { x, y };
}
const train = rows(N);
const test = rows(NT);
const chunk = Math.ceil(N * 0.01);
const tmp = mkdtempSync(join(os.tmpdir(), 'mlp-train-'));
const files = { x: join(tmp, 'x.npy'), y: join(tmp, 'y.npy'), xTest: join(tmp, 'xt.npy'), yTest: join(tmp, 'yt.npy') };
writeFileSync(files.x, encodeNpy(ndarray('float32', [N, D], train.x)));
writeFileSync(files.y, encodeNpy(ndarray('int32', [N], train.y)));
writeFileSync(files.xTest, encodeNpy(ndarray('float32', [NT, D], test.x)));
writeFileSync(files.yTest, encodeNpy(ndarray('int32', [NT], test.y)));

const load = [os.loadavg()[0]];
const threads = String(os.availableParallelism());
const sk = spawnSync(PYTHON, [join(HERE, 'mlp_sklearn.py')], {
  input: JSON.stringify({ ...files, hidden: HIDDEN, epochs: EPOCHS, chunk, batch: BATCH, seed: 0, classes: K }),
  encoding: 'utf8',
  env: { ...process.env, OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? threads, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? threads },
});
if (sk.status !== 0) throw new Error(`sklearn side failed: ${sk.stderr}`);
const sklearn = JSON.parse(sk.stdout);
load.push(os.loadavg()[0]);
console.log(`sklearn: ${sklearn.seconds.toFixed(1)} s, accuracy ${sklearn.accuracy.toFixed(4)}`);

const ENGINE = arg('engine', 'onnx');
const oursThreads = ENGINE === 'js' ? 1 : Number(process.env.OPENBLAS_NUM_THREADS ?? threads);
const t0 = performance.now();
const head = await MlpHead.fit(train.x, train.y, D, { hidden: HIDDEN, classes: K, maxEpochs: EPOCHS, patience: EPOCHS + 1, batchSize: BATCH, chunkFraction: 0.01, seed: 0, engine: ENGINE, threads: oursThreads });
const oursSeconds = (performance.now() - t0) / 1e3;
load.push(os.loadavg()[0]);
const pred = head.predict(test.x);
let ok = 0;
for (let i = 0; i < NT; i++) if (pred[i] === test.y[i]) ok++;
const oursAccuracy = ok / NT;
console.log(`ours: ${oursSeconds.toFixed(1)} s, accuracy ${oursAccuracy.toFixed(4)} (epochs ${head.history.length}, best ${head.bestEpoch})`);
rmSync(tmp, { recursive: true, force: true });
writeResult(OUT, {
  data: `SYNTHETIC: ${K} Gaussian class centres ~ N(0, ${SPREAD}²I) in ${D}-D, rows = centre + N(0, I); tensor-core Rng seed 4242`,
  shape: { train: [N, D], test: [NT, D], classes: K },
  protocol: { hidden: HIDDEN, activation: 'identity', optimizer: 'adam lr 1e-3, betas 0.9/0.999, eps 1e-8, no L2', chunk: `1 % (${chunk} rows) per partial fit`, batchSize: BATCH, epochs: EPOCHS, earlyStopping: 'off (fixed epochs on both sides)' },
  sklearn: { python: PYTHON, blasThreads: Number(process.env.OPENBLAS_NUM_THREADS ?? threads), ...sklearn },
  ours: { threads: oursThreads, engine: ENGINE, kernel: ENGINE === 'js' ? 'tensor-core Mlp, float64, wasm f64x2 GEMM' : 'tensor-core OnnxMlpTrainer, float32, onnxruntime (MLAS sgemm), one call per tenth of an epoch', seconds: oursSeconds, accuracy: oursAccuracy, bestEpoch: head.bestEpoch, history: head.history },
  timeRatio: oursSeconds / sklearn.seconds,
  accuracyDifferencePoints: 100 * (oursAccuracy - sklearn.accuracy),
  target: 'ours ≤ sklearn time; accuracy within 1 point',
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model,
  loadAverage: load,
});
