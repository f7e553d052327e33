// Benchmark: overhead of @lab/tensor-core's run() (feed validation + wrapper) over calling onnxruntime-node directly
// on the same small model (the shipped toy MLP), at batch 1 and batch 256.
//
// Both paths use sessions created from the same bytes with the same options. Calls are interleaved in rounds
// (ours, direct, direct, ours, ...) so that machine noise hits both alike; the figure is the ratio of medians.
// Run: npm run bench -- tensor-core   (writes bench/results/tensor-core-run-overhead.json)
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { bundledModelPath, loadModel, toFloat32Tensor } from '@lab/tensor-core';
import * as ort from 'onnxruntime-node';
import { median, writeResult } from '../lib/report.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 41);
const manifestPath = bundledModelPath('toy-mlp');
const bytes = readFileSync(manifestPath.replace('model.json', 'model.onnx'));
const options = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1 };
const ours = await loadModel(manifestPath, { intraOpThreads: 1, interOpThreads: 1, graphOptimizationLevel: 'all' });
const direct = await ort.InferenceSession.create(bytes, options);

async function timeCalls(fn, calls) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / calls / 1e3; // µs per call
}

const rows = [];
for (const batch of [1, 256]) {
  const x = toFloat32Tensor(Float32Array.from({ length: 2 * batch }, (_, i) => Math.sin(i)), [batch, 2]);
  const feeds = { x };
  const callsPerRound = batch === 1 ? 2000 : 500;
  const runOurs = () => ours.run(feeds);
  const runDirect = () => direct.run(feeds);
  for (let i = 0; i < 3; i++) {
    await timeCalls(runOurs, callsPerRound);
    await timeCalls(runDirect, callsPerRound);
  }
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      a.push(await timeCalls(runOurs, callsPerRound));
      b.push(await timeCalls(runDirect, callsPerRound));
    } else {
      b.push(await timeCalls(runDirect, callsPerRound));
      a.push(await timeCalls(runOurs, callsPerRound));
    }
  }
  const oursUs = median(a);
  const directUs = median(b);
  const overheadPct = (oursUs / directUs - 1) * 100;
  rows.push({ batch, oursUsPerCall: +oursUs.toFixed(3), directUsPerCall: +directUs.toFixed(3), overheadPct: +overheadPct.toFixed(2), target: '<= 5%', pass: overheadPct <= 5, rounds: ROUNDS, callsPerRound });
  console.log(`batch ${String(batch).padStart(3)}: tensor-core ${oursUs.toFixed(2)} µs/call, onnxruntime-node ${directUs.toFixed(2)} µs/call, overhead ${overheadPct.toFixed(2)}% (target ≤ 5%)`);
}
await ours.dispose();
await direct.release();
writeResult('tensor-core-run-overhead', {
  benchmark: 'tensor-core run() vs onnxruntime-node InferenceSession.run, toy MLP (2-16-2), CPU, 1 intra-op thread',
  machine: `${os.cpus()[0]?.model} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, onnxruntime-node ${ort.env.versions?.node ?? ''}`,
  results: rows,
});
if (rows.some((r) => !r.pass)) process.exitCode = 1;
