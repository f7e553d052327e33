// GeoDiff on GEOM test molecules, side by side with RDKit ETKDG: COV-R / MAT-R / COV-P / MAT-P and time per conformer.
//
// GEOM's reference conformers (CREST) cannot be had here: the references are RDKit ETKDGv3 + MMFF94 ensembles built by
// training/geodiff/make_conformers.py (n_conformers of the GEOM list, capped at 16), so the RDKit ETKDG row is scored
// against conformers from its own family and is flattered by it. Every method makes 2x as many conformers as there
// are references (GeoDiff's protocol). Subsets: every 20th GEOM-QM9 test molecule (50) and every 100th GEOM-Drugs one (10).
//
// Rows: our shipped model with DDIM (fast mode) with and without MMFF94 refinement, and RDKit ETKDG; then, on the first
// few QM9 molecules, our model with the full 5000-step Langevin sampler against DDIM 500 and 100 steps.
// Usage: node bench/geodiff/geom-cov-mat.mjs [--quick] [--no-ld]  (needs `npm run build`, ../shared/data/geom-test-smiles and
// Debian python3-rdkit). Writes bench/results/geodiff-geom-cov-mat.{json,md} and the COV curves as SVG.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { covCurveSvg, evaluateConformers, generateConformers, loadGeoDiffNetwork, readSdf, refineConformersWithMmff, writeConformersSdf } from '@lab/geodiff';
import { RESULTS_DIR, writeResult } from '../lib/report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const PYTHON = process.env.LAB_PYTHON ?? '/usr/bin/python3';
const QUICK = process.argv.includes('--quick');
const NO_LD = process.argv.includes('--no-ld'); // skip the 5000-step Langevin rows (about 15 min on 2 cores)
const GEOM = sharedDataPath(['geom-test-smiles']);
const CACHE = join(ROOT, 'training', 'geodiff', 'data', 'bench');
const DDIM_STEPS = 100;
const SETS = [
  { name: 'qm9', file: 'qm9_test_smiles.csv', every: QUICK ? 100 : 20, threshold: 0.5 },
  { name: 'drugs', file: 'drugs_test_smiles.csv', every: QUICK ? 500 : 100, threshold: 1.25 },
];
if (!GEOM) {
  console.log('[skip] ../shared/data/geom-test-smiles not found; set LAB_SHARED_DATA to the shared data directory.');
  process.exit(0);
}
mkdirSync(CACHE, { recursive: true });

/** RDKit ensembles through training/geodiff/make_conformers.py, cached by their arguments. */
function rdkitSet(set, kind) {
  const args = kind === 'reference' ? ['--factor', '1', '--seed', '0'] : ['--factor', '2', '--no-mmff', '--seed', '100000'];
  const out = join(CACHE, `${set.name}-every${set.every}-${kind}.sdf`);
  if (!existsSync(out) || !existsSync(`${out}.json`)) {
    console.log(`building ${out} with RDKit...`);
    const r = spawnSync(PYTHON, [join(ROOT, 'training', 'geodiff', 'make_conformers.py'), 'reference', '--input', join(GEOM, set.file), '--out', out, '--every', String(set.every), '--max-confs', '16', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`make_conformers.py failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  }
  return { file: out, meta: JSON.parse(readFileSync(`${out}.json`, 'utf8')) };
}

async function readMolecules(file) {
  const { molecules, skipped } = await readSdf(readFileSync(file, 'utf8'));
  if (skipped.length) console.log(`  ${skipped.length} records of ${file} skipped`);
  return molecules;
}

/** One molecule (with hydrogens, first reference conformer's graph) and its reference count, per input SMILES. */
function byInput(references) {
  const groups = new Map();
  for (const m of references) {
    const key = m.properties?.smiles ?? m.smiles;
    if (!groups.has(key)) groups.set(key, { molecule: m, count: 0 });
    groups.get(key).count++;
  }
  return [...groups.values()];
}

const network = await loadGeoDiffNetwork(undefined, { intraOpThreads: 2 });
const results = { machine: { cpus: cpus().length, model: cpus()[0]?.model }, model: network.session.name, modelSha256: network.session.sha256, sets: {} };
const table = [];

async function ours(set, groups, references, options, label, limit) {
  const use = groups.slice(0, limit ?? groups.length);
  const molecules = use.map((g) => ({ ...g.molecule, coords: undefined }));
  const t0 = performance.now();
  const gen = await generateConformers(molecules, {
    network,
    numConfs: use.map((g) => 2 * g.count),
    seed: 0,
    onProgress: (e) => e.completed % Math.max(1, Math.round(e.total / 10)) === 0 && console.log(`  ${label}: ${e.completed}/${e.total} steps`),
    ...options,
  });
  const genMs = performance.now() - t0;
  const nConfs = use.reduce((s, g) => s + 2 * g.count, 0);
  const keep = new Set(use.map((g) => g.molecule.properties?.smiles ?? g.molecule.smiles));
  const refs = references.filter((m) => keep.has(m.properties?.smiles ?? m.smiles));
  const asMolecules = (confs) => confs.flatMap((g, i) => g.map((coords) => ({ ...use[i].molecule, coords })));
  const rows = [];
  const raw = await evaluateConformers(asMolecules(gen.molecules.map((g) => g.conformers)), refs, { threshold: set.threshold });
  rows.push({ method: `GeoDiff (ours) ${label}`, report: raw, msPerConformer: genMs / nConfs, conformers: nConfs, molecules: use.length });
  if (options.refine) {
    const t1 = performance.now();
    const refined = [];
    for (const g of gen.molecules) refined.push((await refineConformersWithMmff(g.molecule, g.conformers)).map((r) => r.coords));
    const ffMs = performance.now() - t1;
    const report = await evaluateConformers(asMolecules(refined), refs, { threshold: set.threshold });
    rows.push({ method: `GeoDiff (ours) ${label} + FF`, report, msPerConformer: (genMs + ffMs) / nConfs, conformers: nConfs, molecules: use.length });
    await writeConformersSdf(join(CACHE, `${set.name}-every${set.every}-geodiff-${label.replace(/\W+/g, '-')}-ff.sdf`), gen.molecules.map((g, i) => ({ molecule: g.molecule, conformers: refined[i], seed: 0, sampler: gen.settings.sampler, steps: gen.settings.steps })));
  }
  await writeConformersSdf(join(CACHE, `${set.name}-every${set.every}-geodiff-${label.replace(/\W+/g, '-')}.sdf`), gen.molecules.map((g) => ({ molecule: g.molecule, conformers: g.conformers, seed: 0, sampler: gen.settings.sampler, steps: gen.settings.steps })));
  return rows;
}

for (const set of SETS) {
  console.log(`\n== ${set.name}: every ${set.every}th test molecule, threshold ${set.threshold} Å ==`);
  const ref = rdkitSet(set, 'reference');
  const base = rdkitSet(set, 'etkdg');
  const references = await readMolecules(ref.file);
  const groups = byInput(references);
  console.log(`  ${groups.length} molecules, ${references.length} reference conformers (${ref.meta.skipped.length} molecules RDKit could not embed)`);
  const rows = [];
  const etkdg = await evaluateConformers(await readMolecules(base.file), references, { threshold: set.threshold });
  rows.push({ method: 'RDKit ETKDG', report: etkdg, msPerConformer: 1000 * base.meta.seconds_per_conformer, conformers: base.meta.conformers, molecules: base.meta.molecules });
  rows.push(...(await ours(set, groups, references, { sampler: 'ddim', steps: DDIM_STEPS, refine: true }, `DDIM ${DDIM_STEPS}`)));
  if (set.name === 'qm9' && !NO_LD) {
    const few = QUICK ? 2 : 4;
    for (const [sampler, steps] of [['ld', 5000], ['ddim', 500], ['ddim', 100]]) {
      rows.push(...(await ours(set, groups, references, { sampler, steps }, `${sampler} ${steps} (first ${few})`, few)));
    }
  }
  results.sets[set.name] = {
    threshold: set.threshold,
    every: set.every,
    references: { file: ref.file.replace(ROOT + '/', ''), ...ref.meta },
    rows: rows.map((r) => ({
      method: r.method,
      molecules: r.molecules,
      scored: r.report.num_molecules,
      conformers: r.conformers,
      ms_per_conformer: r.msPerConformer,
      ...Object.fromEntries(['cov_r_mean', 'cov_r_median', 'mat_r_mean', 'mat_r_median', 'cov_p_mean', 'cov_p_median', 'mat_p_mean', 'mat_p_median'].map((k) => [k, r.report[k]])),
      skipped: r.report.skipped.length,
    })),
  };
  for (const r of rows) {
    table.push(
      `| ${set.name} | ${r.method} | ${r.report.num_molecules} | ${r.report.cov_r_mean.toFixed(2)} / ${r.report.cov_r_median.toFixed(2)} | ${r.report.mat_r_mean.toFixed(4)} / ${r.report.mat_r_median.toFixed(4)} | ` +
        `${r.report.cov_p_mean.toFixed(2)} / ${r.report.cov_p_median.toFixed(2)} | ${r.report.mat_p_mean.toFixed(4)} / ${r.report.mat_p_median.toFixed(4)} | ${r.msPerConformer.toFixed(0)} |`,
    );
    console.log(table.at(-1));
  }
  const main = rows.find((r) => r.method.startsWith('GeoDiff'));
  writeFileSync(join(RESULTS_DIR, `geodiff-geom-${set.name}-cov.svg`), await covCurveSvg(main.report, { title: `${main.method} on GEOM-${set.name} test subset (RDKit references)` }));
}
await network.dispose();

const md = [
  '| set | method | molecules scored | COV-R mean / median (%) | MAT-R mean / median (Å) | COV-P mean / median (%) | MAT-P mean / median (Å) | ms per conformer |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...table,
].join('\n');
console.log(`\n${md}`);
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(join(RESULTS_DIR, 'geodiff-geom-cov-mat.md'), `${md}\n\nReferences: RDKit ETKDGv3 + MMFF94 ensembles (not GEOM's CREST conformers). Machine: ${cpus().length} × ${cpus()[0]?.model}.\n`);
writeResult('geodiff-geom-cov-mat', { ...results, quick: QUICK });
