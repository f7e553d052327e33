// Benchmark: RecNN inference through ONNX (@lab/jet-interp's RecnnModel: onnxruntime-node via @lab/tensor-core) against
// the same network in PyTorch eager (training/jets/recnn_model.py with the model's weights.npz), on CPU, same run.
//
// Jets: generateJets, W (signal) and QCD (half quark, half gluon), seeded, interleaved signal/background, written with
// writeRecnnTrainingData to a temporary .npz (with the unscaled node features) that the Python side reads
// (bench/jet-interp/recnn_eager.py, a long-lived process driven over stdin so that both sides alternate per round).
// Model: --model DIR, default packages/jet-interp/models/recnn-w-qcd when present, else training/jets/runs/recnn-w-qcd.
//
// The ONNX side runs the shipped models' tree graph (training/jets/add_tree_graph.py: embed, a Loop over the tree levels
// whose body is the cell, and the head, in one onnxruntime call per batch of jets); `--tree-graph false` times the
// per-level calls instead (embed, one cell call per level — the gather cell for batches of ≥ 512 nodes — and the head).
// Timed region, TypeScript: model.embedTrees(chunk of B trees) for every chunk — trees are built before timing (tree
// building is the featuriser on both sides), but the 7 node features (p, η, φ, E, E/E_J, pt, θ from each node's
// four-momentum), their scaling, the ordering by depth, the embed / per-level cell / head onnxruntime calls and all the
// copies are inside it. PyTorch: LevelBatch (ordering by depth, child positions, gather of the scaled features) +
// embed_batch + head under no_grad — the node features themselves come precomputed from the file, so the TypeScript
// side does strictly more work in its timed region. The like-for-like column (`features precomputed`) gives embedTrees
// the raw node features computed before timing (RecnnRunOptions.nodeFeatures), so both timed regions hold the same
// work: scaling/gather, depth ordering, the network.
// Configurations: jets per call B ∈ {1, 32, 512} × threads T ∈ {1, 2} (onnxruntime intra-op threads = torch threads).
// A call of B jets runs as embedTrees does by default (jets packed into batches of ≤ maxBatchNodes = 16384 nodes, so a
// call of 512 jets is 2 batches); for B ≥ 128 the same call forced into one batch is timed too (`one batch`). PyTorch
// always evaluates the B jets as one LevelBatch.
// B = 1 times the first 500 jets per pass (both sides), the others every jet. Rounds alternate which side goes first;
// the figures are medians over rounds (minima reported too) with the load average noted.
// Correctness: PyTorch's probabilities and logits of every jet against the TypeScript ones (same weights, same scaler).
// Run: node bench/jet-interp/recnn-speed.mjs [--model DIR] [--rounds 7] [--jets 2000] [--tree-graph false] [--label after]
//      (needs `npm run build` in packages/jet-interp; Python: /usr/bin/python3 with torch) → bench/results/jet-interp-recnn-speed.json
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateJets, loadRecnn, nodeFeatures, writeRecnnTrainingData } from '@lab/jet-interp';
import { median, writeResult } from '../lib/report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PYTHON = process.env.LAB_PYTHON ?? '/usr/bin/python3';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const shipped = join(ROOT, 'packages', 'jet-interp', 'models', 'recnn-w-qcd');
const MODEL = resolve(arg('model', existsSync(join(shipped, 'recnn.json')) ? shipped : join(ROOT, 'training', 'jets', 'runs', 'recnn-w-qcd')));
const ROUNDS = Number(arg('rounds', process.env.BENCH_ROUNDS ?? 7));
const PER_CLASS = Number(arg('jets', 2000));
const BATCHES = arg('batches', '1,32,512').split(',').map(Number);
const THREADS = arg('threads', '1,2').split(',').map(Number);
const LABEL = arg('label', '');
const OUT = arg('out', 'jet-interp-recnn-speed');
const TREE_GRAPH = arg('tree-graph', 'true') !== 'false';
const SMALL_BATCH_JETS = 500;

if (!existsSync(join(MODEL, 'recnn.json'))) {
  console.log(`[skip] no RecNN model at ${MODEL} (train one with training/jets/train_recnn.py or pass --model)`);
  process.exit(0);
}

// ---- jets → .npz
const loadAverage = [os.loadavg()[0]];
const t0 = performance.now();
const sig = generateJets('w', PER_CLASS, { seed: 101 }).map((j) => j.constituents);
const bkg = [...generateJets('quark', Math.ceil(PER_CLASS / 2), { seed: 102 }), ...generateJets('gluon', Math.floor(PER_CLASS / 2), { seed: 103 })].map((j) => j.constituents);
const jets = [];
const labels = [];
for (let i = 0; i < PER_CLASS; i++) {
  jets.push(sig[i], bkg[i]);
  labels.push(1, 0);
}
const probe = await loadRecnn(MODEL, { intraOpThreads: 1, treeGraph: TREE_GRAPH });
const { algorithm, radius } = probe.config;
const tmp = mkdtempSync(join(os.tmpdir(), 'recnn-speed-'));
const dataPath = join(tmp, 'jets.npz');
const meta = await writeRecnnTrainingData(dataPath, jets, labels, { algorithm, radius, rawFeatures: true, constituents: false, seed: 1, signal: 'w', background: 'qcd' });
const trees = jets.map((j) => probe.tree(j));
// the raw node features, computed before timing like the Python side's (which reads them from the file): the
// `features precomputed` column passes them to embedTrees (RecnnRunOptions.nodeFeatures)
const features = trees.map((t) => nodeFeatures(t));
const nodes = trees.reduce((a, t) => a + t.size, 0);
const internal = trees.reduce((a, t) => a + (t.size - 1) / 2, 0);
console.log(`${jets.length} jets (${nodes} nodes, ${internal} internal, max depth ${meta.maxDepth}) in ${((performance.now() - t0) / 1e3).toFixed(1)} s; model ${MODEL} (${probe.config.variant}, H = ${probe.embeddingSize})`);

// ---- the Python side
const py = spawn(PYTHON, [join(HERE, 'recnn_eager.py'), MODEL, dataPath, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' } });
const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
async function ask(cmd) {
  if (cmd) py.stdin.write(`${JSON.stringify(cmd)}\n`);
  const { value, done } = await lines.next();
  if (done) throw new Error('the Python side exited');
  const r = JSON.parse(value);
  if (r.error) throw new Error(r.error);
  return r;
}
const hello = await ask(null);
console.log(`torch ${hello.torch}: ${hello.jets} jets, ${hello.nodes} nodes; ${hello.features}`);
if (hello.jets !== jets.length || hello.nodes !== nodes) throw new Error('the Python side reads other trees');

// ---- correctness: same probabilities on both sides
const ref = await ask({ cmd: 'probs' });
const mine = await probe.embedTrees(trees, { maxBatchNodes: 1 << 30 });
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const single = [];
for (let j = 0; j < SMALL_BATCH_JETS; j++) single.push(...(await probe.embedTrees([trees[j]])).probabilities);
const correctness = {
  jets: jets.length,
  max_abs_diff_probability_vs_torch: maxDiff(mine.probabilities, ref.probability),
  max_abs_diff_logit_vs_torch: maxDiff(mine.logits, ref.logit),
  max_abs_diff_probability_batch1_vs_batch_all: maxDiff(single, mine.probabilities.subarray(0, SMALL_BATCH_JETS)),
  tolerance: 1e-5,
};
correctness.ok = correctness.max_abs_diff_probability_vs_torch <= 1e-5 && correctness.max_abs_diff_probability_batch1_vs_batch_all <= 1e-5;
console.log(`correctness: ${JSON.stringify(correctness)}`);
await probe.dispose();

// ---- timing
let sink = 0;
async function tsPass(model, batch, count, options = {}, precomputed = false) {
  const t = performance.now();
  for (let s = 0; s < count; s += batch) {
    const e = Math.min(count, s + batch);
    const r = await model.embedTrees(trees.slice(s, e), precomputed ? { ...options, nodeFeatures: features.slice(s, e) } : options);
    sink += r.probabilities[0];
  }
  return (performance.now() - t) / 1e3;
}

const results = [];
for (const threads of THREADS) {
  const model = await loadRecnn(MODEL, { intraOpThreads: threads, treeGraph: TREE_GRAPH });
  for (const batch of BATCHES) {
    const count = batch === 1 ? SMALL_BATCH_JETS : jets.length;
    await tsPass(model, batch, count); // warm-up
    await tsPass(model, batch, count);
    await ask({ cmd: 'time', batch, threads, jets: count, warmup: 2 });
    // the ONNX side's call also as one single batch of `batch` jets (no packing by maxBatchNodes), for batches that
    // the default packing splits
    const single = batch >= 128;
    if (single) await tsPass(model, batch, count, { maxBatchNodes: 1 << 30 });
    const ts = [];
    const tsPre = [];
    const tsSingle = [];
    const torch = [];
    const load = [];
    const onnxRounds = async () => {
      ts.push(count / (await tsPass(model, batch, count)));
      tsPre.push(count / (await tsPass(model, batch, count, {}, true)));
      if (single) tsSingle.push(count / (await tsPass(model, batch, count, { maxBatchNodes: 1 << 30 })));
    };
    for (let round = 0; round < ROUNDS; round++) {
      load.push(os.loadavg()[0]);
      if (round % 2 === 0) {
        await onnxRounds();
        torch.push(count / (await ask({ cmd: 'time', batch, threads, jets: count })).seconds);
      } else {
        torch.push(count / (await ask({ cmd: 'time', batch, threads, jets: count })).seconds);
        await onnxRounds();
      }
    }
    const row = {
      threads,
      batch_jets: batch,
      jets_per_pass: count,
      onnx_jets_per_s: { median: median(ts), max: Math.max(...ts), rounds: ts.map((v) => Math.round(v)) },
      onnx_features_precomputed_jets_per_s: { median: median(tsPre), max: Math.max(...tsPre), rounds: tsPre.map((v) => Math.round(v)) },
      ratio_of_medians_features_precomputed: median(tsPre) / median(torch),
      ...(single ? { onnx_one_batch_jets_per_s: { median: median(tsSingle), max: Math.max(...tsSingle), rounds: tsSingle.map((v) => Math.round(v)) }, ratio_of_medians_one_batch: median(tsSingle) / median(torch) } : {}),
      torch_jets_per_s: { median: median(torch), max: Math.max(...torch), rounds: torch.map((v) => Math.round(v)) },
      ratio_of_medians: median(ts) / median(torch),
      ratio_of_maxima: Math.max(...ts) / Math.max(...torch),
      load_average_1m: { min: Math.min(...load), max: Math.max(...load) },
    };
    results.push(row);
    const one = single ? ` (one batch: ${median(tsSingle).toFixed(0)}, ratio ${row.ratio_of_medians_one_batch.toFixed(2)})` : '';
    const pre = `; features precomputed ${median(tsPre).toFixed(0)} (ratio ${row.ratio_of_medians_features_precomputed.toFixed(2)})`;
    console.log(`threads ${threads}, ${batch} jets/call: ONNX ${row.onnx_jets_per_s.median.toFixed(0)} jets/s${one}${pre}, PyTorch ${row.torch_jets_per_s.median.toFixed(0)} jets/s, ratio ${row.ratio_of_medians.toFixed(2)} (best rounds ${row.ratio_of_maxima.toFixed(2)}); load ${row.load_average_1m.min.toFixed(1)}–${row.load_average_1m.max.toFixed(1)}`);
  }
  await model.dispose();
}
await ask({ cmd: 'quit' }).catch(() => undefined);
py.stdin.end();
rmSync(tmp, { recursive: true, force: true });
loadAverage.push(os.loadavg()[0]);

writeResult(OUT, {
  task: 'RecNN (Louppe et al.) inference, jets/s: @lab/jet-interp RecnnModel.embedTrees through onnxruntime-node vs the same network and weights in PyTorch eager (LevelBatch + embed_batch + head), CPU, same run, alternating rounds',
  target: 'ONNX ≥ 1.5× the jets/s of PyTorch eager',
  ...(LABEL ? { label: LABEL } : {}),
  timed_region: {
    onnx: 'embedTrees on prebuilt trees: node features from the four-momenta + scaling + depth ordering + the onnxruntime call(s) + copies',
    onnx_features_precomputed: 'the same with the raw node features computed before timing (RecnnRunOptions.nodeFeatures), as on the PyTorch side: scaling + depth ordering + onnxruntime call(s) + copies',
    torch: 'LevelBatch (depth ordering + feature gather) + embed_batch + head under no_grad; node features precomputed in the file',
  },
  model: { dir: MODEL, name: probe.config.name, variant: probe.config.variant, embeddingSize: probe.embeddingSize, onnx_path: probe.treeSession ? 'tree graph: one onnxruntime call per batch' : 'per-level calls: embed, one cell call per tree level, head' },
  data: { jets: jets.length, signal: `${PER_CLASS} W`, background: `${Math.ceil(PER_CLASS / 2)} quark + ${Math.floor(PER_CLASS / 2)} gluon`, seeds: [101, 102, 103], nodes, internal_nodes: internal, max_depth: meta.maxDepth, algorithm, radius },
  machine: { cpus: os.availableParallelism(), cpu_model: os.cpus()[0]?.model, node: process.version, torch: hello.torch, load_average_1m_start_end: loadAverage, rounds: ROUNDS },
  correctness,
  results,
});
if (sink === 42) console.log('');
