// Benchmark: @lab/jet-interp's clustering against FastJet 3.4 (Debian libfastjet-dev) on the same events, same run.
//
// FastJet runs in packages/jet-interp/tools/fastjet-driver.cc, compiled here with g++ -O2; it times itself (steady
// clock around ClusterSequence + sorted_by_pt(inclusive_jets(ptmin)), repeated per event). Ours times the same work
// in-process (new ClusterSequence(event, def).inclusiveJets(ptmin), which also sorts by pt), after a warm-up. The two
// alternate in rounds so that machine noise hits both alike; the figure is the ratio of the medians of one pass over
// the events (the minima are reported too). Parsing the input is not timed on either side.
// Events: ../shared/data/fastjet-reference/Pythia-PtMin1000-LHC-10ev.dat (the target: ≤ 2× FastJet, anti-kt R = 0.4)
// and Debian's fastjet-examples events when installed.
// Run: npm run bench -- jet-interp   (writes bench/results/jet-interp-clustering.json)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterSequence, formatFastJetEvents, jetDefinition, parseFastJetEvents } from '@lab/jet-interp';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { median, writeResult } from '../lib/report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DRIVER_SOURCE = join(HERE, '..', '..', 'packages', 'jet-interp', 'tools', 'fastjet-driver.cc');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const PTMIN = 5;

const pythiaPath = sharedDataPath(['fastjet-reference', 'Pythia-PtMin1000-LHC-10ev.dat']);
if (!pythiaPath) {
  console.log('[skip] ../shared/data/fastjet-reference/Pythia-PtMin1000-LHC-10ev.dat not found');
  process.exit(0);
}
const config = spawnSync('fastjet-config', ['--cxxflags', '--libs'], { encoding: 'utf8' });
if (config.error || config.status !== 0) {
  console.log('[skip] fastjet-config not found: install Debian libfastjet-dev (and g++)');
  process.exit(0);
}
const fastjetVersion = spawnSync('fastjet-config', ['--version'], { encoding: 'utf8' }).stdout.trim();
const binary = join(mkdtempSync(join(os.tmpdir(), 'jet-interp-bench-')), 'fastjet-driver');
const cc = spawnSync('g++', ['-O2', '-std=c++11', DRIVER_SOURCE, ...config.stdout.trim().split(/\s+/), '-o', binary], { encoding: 'utf8' });
if (cc.status !== 0) {
  console.log(`[skip] g++ could not build the FastJet driver: ${(cc.stderr || cc.error?.message || '').trim().split('\n')[0]}`);
  process.exit(0);
}

const datasets = [{ name: 'Pythia-PtMin1000-LHC-10ev', events: parseFastJetEvents(readFileSync(pythiaPath, 'utf8')) }];
const EXAMPLES = '/usr/share/doc/fastjet-examples/examples';
for (const file of ['Pythia-Z2jets-lhc-pileup-1ev.dat', 'Pythia-Zp2jets-lhc-pileup-1ev.dat', 'Pythia-dijet-ptmin100-lhc-pileup-1ev.dat', 'boosted_top_event.dat', 'HZ-event-Hmass115.dat']) {
  const path = join(EXAMPLES, file);
  if (existsSync(path)) datasets.push({ name: file.replace(/\.dat$/, ''), events: parseFastJetEvents(readFileSync(path, 'utf8')) });
}
const definitions = [jetDefinition('antikt', 0.4), jetDefinition('antikt', 1.0), jetDefinition('ca', 0.4), jetDefinition('kt', 0.4)];

/** Repetitions per event so that one timed pass takes ~50 ms for FastJet. */
function repsFor(events) {
  const particles = events.reduce((a, e) => a + e.size, 0);
  return Math.max(5, Math.round(5e5 / Math.max(particles, 1)));
}

function fastjetPass(def, input, reps) {
  const r = spawnSync(binary, ['time', '--alg', def.algorithm, '--R', String(def.radius), '--ptmin', String(PTMIN), '--reps', String(reps)], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`FastJet driver failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  const total = Number(lines.at(-1).split(' ')[1]);
  const strategies = [...new Set(lines.filter((l) => l.startsWith('T ')).map((l) => l.split(' ')[4]))];
  return { ms: total * 1e3, strategies };
}

let sink = 0;
function oursPass(def, events, reps) {
  let total = 0;
  for (const event of events) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) {
      const jets = new ClusterSequence(event, def).inclusiveJets(PTMIN);
      if (jets.length) sink += jets[0].pt;
    }
    total += Number(process.hrtime.bigint() - t0) / 1e6 / reps;
  }
  return total;
}

const results = [];
for (const { name, events } of datasets) {
  const input = formatFastJetEvents(events);
  const reps = repsFor(events);
  const particles = events.reduce((a, e) => a + e.size, 0);
  for (const def of definitions) {
    for (let w = 0; w < 3; w++) oursPass(def, events, Math.max(1, reps >> 2)); // warm-up (JIT)
    const ours = [];
    const fastjet = [];
    let strategies = [];
    for (let round = 0; round < ROUNDS; round++) {
      const fj = fastjetPass(def, input, reps);
      fastjet.push(fj.ms);
      strategies = fj.strategies;
      ours.push(oursPass(def, events, reps));
    }
    const row = {
      events: name,
      n_events: events.length,
      particles,
      algorithm: def.algorithm,
      R: def.radius,
      ptmin: PTMIN,
      fastjet_strategies: strategies,
      ms_per_pass: { ours_median: median(ours), fastjet_median: median(fastjet), ours_min: Math.min(...ours), fastjet_min: Math.min(...fastjet) },
      ratio_of_medians: median(ours) / median(fastjet),
      ratio_of_minima: Math.min(...ours) / Math.min(...fastjet),
    };
    results.push(row);
    console.log(`${name} ${def.algorithm} R=${def.radius}: ours ${row.ms_per_pass.ours_median.toFixed(3)} ms, FastJet ${row.ms_per_pass.fastjet_median.toFixed(3)} ms per pass (${strategies.join('/')}); ratio ${row.ratio_of_medians.toFixed(2)} (minima ${row.ratio_of_minima.toFixed(2)})`);
  }
}
const target = results.find((r) => r.events === 'Pythia-PtMin1000-LHC-10ev' && r.algorithm === 'antikt' && r.R === 0.4);
writeResult('jet-interp-clustering', {
  task: 'clustering time per pass over the events (ClusterSequence + inclusive jets above ptmin sorted by pt), @lab/jet-interp vs FastJet in a C++ driver, same run, alternating rounds',
  target: 'anti-kt R = 0.4 on the 10 Pythia events: ratio ≤ 2',
  target_ratio_of_medians: target.ratio_of_medians,
  machine: { cpus: os.availableParallelism(), cpu_model: os.cpus()[0]?.model, node: process.version, fastjet: fastjetVersion, load_average_1m: os.loadavg()[0], rounds: ROUNDS },
  results,
});
if (sink === 42) console.log('');
