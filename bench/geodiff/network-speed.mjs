// GeoDiff sampling speed on CPU: the shipped ONNX network against the same network in PyTorch eager (one run: ours
// first, then PyTorch in a child process on the same inputs and thread count), the sampler's overhead beside the network
// time, and the wall time of 10 conformers of a QM9 molecule with all 5000 steps ('ld', GeoDiff's default) and with DDIM.
// Usage: node bench/geodiff/network-speed.mjs [--quick]   (needs `npm run build`; PyTorch: /usr/bin/python3 + python3-torch)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, ndarray, writeNpz } from '@lab/tensor-core';
import { featurize, generateConformers, loadGeoDiffNetwork, localPairs, parseSmiles, radiusPairs } from '@lab/geodiff';
import { median, writeResult } from '../lib/report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.LAB_PYTHON ?? '/usr/bin/python3';
const THREADS = 2;
const QUICK = process.argv.includes('--quick');
// A GEOM-QM9 test molecule (9 heavy atoms, 19 with hydrogens).
const SMILES = 'C#CC(=O)OCCCC';
const NUM_CONFS = 10;

const network = await loadGeoDiffNetwork(undefined, { intraOpThreads: THREADS });
const mol = await parseSmiles(SMILES);
const graph = featurize(mol);
const n = mol.atoms.length;
console.log(`${SMILES}: ${n} atoms, ${NUM_CONFS} conformers per call; ${cpus().length} CPUs visible, ${THREADS} threads`);

// One batched network input: 10 conformers at a small noise level (global term on), in the export's pair form.
const rng = new Rng(1);
const confs = Array.from({ length: NUM_CONFS }, () => rng.normalArray(3 * n).map((v) => 1.2 * v));
const local = localPairs(graph);
const global = confs.map((p) => radiusPairs(p, graph, network.config.cutoff, { maxNumNeighbors: network.config.maxNumNeighbors }));
const cat = (parts, key, width) => {
  const total = parts.reduce((s, p) => s + p.numPairs, 0);
  const out = [];
  if (width === 2) {
    for (const row of [0, 1]) parts.forEach((p, c) => out.push(...Array.from(p[key].subarray(row * p.numPairs, (row + 1) * p.numPairs), (v) => v + c * n)));
  } else parts.forEach((p) => out.push(...p[key]));
  return { total, out };
};
const i64 = (a) => BigInt64Array.from(a, (v) => BigInt(v));
const locals = Array.from({ length: NUM_CONFS }, () => local);
const lp = cat(locals, 'pairs', 2);
const gp = cat(global, 'pairs', 2);
const arrays = {
  atom_type: ndarray('int64', [NUM_CONFS * n], i64(Array.from({ length: NUM_CONFS }, () => Array.from(graph.atomType)).flat())),
  pos: ndarray('float32', [NUM_CONFS * n, 3], Float32Array.from(confs.flatMap((p) => Array.from(p)))),
  local_pairs: ndarray('int64', [2, lp.total], i64(lp.out)),
  local_type: ndarray('int64', [lp.total], i64(cat(locals, 'type', 1).out)),
  global_pairs: ndarray('int64', [2, gp.total], i64(gp.out)),
  global_type: ndarray('int64', [gp.total], i64(cat(global, 'type', 1).out)),
  global_dir: ndarray('float32', [gp.total, 2], Float32Array.from(global.flatMap((p) => Array.from(p.direction)))),
};
console.log(`input: ${NUM_CONFS * n} atoms, ${lp.total} local pairs, ${gp.total} global pairs`);

const { Tensor } = await import('onnxruntime-node');
const feeds = Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, new Tensor(a.dtype, a.data, a.shape)]));
const localFeeds = { atom_type: feeds.atom_type, pos: feeds.pos, local_pairs: feeds.local_pairs, local_type: feeds.local_type };
const REPEATS = QUICK ? 20 : 100;
async function timed(fn) {
  for (let i = 0; i < 5; i++) await fn();
  const out = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}
const onnx = { full_ms: await timed(() => network.session.run(feeds)), local_ms: await timed(() => network.localSession.run(localFeeds)) };
console.log(`onnxruntime: full ${onnx.full_ms.toFixed(2)} ms, local branch ${onnx.local_ms.toFixed(2)} ms per call`);

const dir = mkdtempSync(join(tmpdir(), 'geodiff-bench-'));
await writeNpz(join(dir, 'inputs.npz'), arrays);
const py = spawnSync(PYTHON, [join(HERE, 'torch_eager.py'), join(dir, 'inputs.npz'), String(THREADS), String(REPEATS)], { encoding: 'utf8' });
rmSync(dir, { recursive: true, force: true });
let torch = null;
if (py.status !== 0) console.log(`[skip] PyTorch eager reference failed or is missing: ${(py.stderr || py.error?.message || '').trim().split('\n').pop()}`);
else {
  torch = JSON.parse(py.stdout.trim().split('\n').pop());
  console.log(`PyTorch eager, pairwise form (the ONNX graph's computation): full ${torch.pairwise_full_ms.toFixed(2)} ms, local ${torch.pairwise_local_ms.toFixed(2)} ms`);
  console.log(`PyTorch eager, earlier pairwise form (PairwiseDualEncoder): full ${torch.pairwise_v1_full_ms?.toFixed(2)} ms, local ${torch.pairwise_v1_local_ms?.toFixed(2)} ms`);
  console.log(`PyTorch eager, directed-edge form (as trained): full ${torch.directed_full_ms.toFixed(2)} ms, local ${torch.directed_local_ms.toFixed(2)} ms`);
}

// Whole sampling runs: sampler overhead = wall time not spent inside onnxruntime, over the network time.
async function run(sampler, steps) {
  const t = performance.now();
  const r = await generateConformers([mol], { network, numConfs: NUM_CONFS, sampler, steps, seed: 0 });
  const wall = performance.now() - t;
  const outside = wall - r.timing.networkMs;
  const row = {
    sampler,
    steps,
    wall_s: wall / 1000,
    network_s: r.timing.networkMs / 1000,
    inputs_s: r.timing.featurizeMs / 1000,
    overhead_fraction: outside / r.timing.networkMs,
    ms_per_step: wall / steps,
    retried: r.settings.retried,
  };
  console.log(`${sampler} ${steps} steps: ${row.wall_s.toFixed(1)} s wall, network ${row.network_s.toFixed(1)} s, overhead ${(100 * row.overhead_fraction).toFixed(2)}% of network time`);
  return row;
}
// warm-up (first-call allocations of both sessions), not reported
await generateConformers([mol], { network, numConfs: NUM_CONFS, sampler: 'ddim', steps: 20, seed: 1 });
const runs = [];
runs.push(await run('ddim', 100));
if (!QUICK) {
  runs.push(await run('ddim', 500));
  runs.push(await run('ld', 5000));
}
await network.dispose();

const ratios = torch
  ? {
      onnx_speedup_full: torch.pairwise_full_ms / onnx.full_ms,
      onnx_speedup_local: torch.pairwise_local_ms / onnx.local_ms,
      onnx_speedup_full_vs_directed_eager: torch.directed_full_ms / onnx.full_ms,
      onnx_speedup_local_vs_directed_eager: torch.directed_local_ms / onnx.local_ms,
    }
  : null;
const targets = {
  onnx_faster_than_eager_1_5x: ratios ? ratios.onnx_speedup_full >= 1.5 && ratios.onnx_speedup_local >= 1.5 : null,
  sampler_overhead_le_5pct: runs.every((r) => r.overhead_fraction <= 0.05),
  ld_5000_steps_10_confs_lt_60s: QUICK ? null : runs.find((r) => r.sampler === 'ld').wall_s < 60,
};
console.log('ratios', JSON.stringify(ratios), 'targets', JSON.stringify(targets));
writeResult('geodiff-network-speed', {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, threads: THREADS },
  molecule: { smiles: SMILES, atoms: n, conformers: NUM_CONFS },
  input: { atoms: NUM_CONFS * n, local_pairs: lp.total, global_pairs: gp.total },
  onnx,
  torch_eager: torch,
  ratios,
  runs,
  targets,
  quick: QUICK,
});
