// The repository demo: `npm run demo [-- --device cuda] [-- --data-dir ../shared/data/rumedbench]`.
// 1. @lab/tensor-core: loads the shipped model, prints its manifest, verifies its golden outputs, classifies points.
// 2. @lab/rumedbench: trains and evaluates the feature-based baseline (tf-idf + logistic regression, CRF for NER) on
//    a SYNTHETIC built-in sample, or on the real benchmark when --data-dir is given.
// 3. @lab/geodiff: generates conformers for four drugs with the shipped GeoDiff model and writes them to an SDF.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledModelPath, checkGolden, loadModel, toFloat32Tensor } from '@lab/tensor-core';
import { createCliProgress } from '@lab/tensor-core/cli-progress';
import { TASK_NAMES, TfidfBaseline, formatMarkdownTable, runBaseline, writeSyntheticSample } from '@lab/rumedbench';

const arg = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const device = arg('--device') ?? 'cpu';
const manifestPath = bundledModelPath('toy-mlp');
const model = await loadModel(manifestPath, { device, onFallback: (r) => console.warn(`note: ${r}`) });
try {
  const m = model.manifest;
  console.log('== @lab/tensor-core: shipped model ==');
  console.log(model.describe());
  console.log(`  opset ${m.opset}; trained on: ${m.provenance.trainingData}`);
  console.log(`  manifest metrics: ${JSON.stringify(m.metrics)}`);

  const golden = await checkGolden(model, m, manifestPath);
  for (const o of golden.outputs) {
    console.log(`  golden ${o.name}: max |Δ| vs PyTorch = ${o.maxAbsDiff.toExponential(2)} (atol ${golden.atol}) ${o.ok ? 'ok' : 'FAILED'}`);
  }

  const points = [
    [0.0, 1.0],
    [1.0, -0.5],
    [-0.8, 0.4],
    [1.9, 0.3],
  ];
  const { probabilities } = await model.run({ x: toFloat32Tensor(points) });
  const p = probabilities.data;
  console.log('\n  point            P(upper moon)  P(lower moon)  prediction');
  points.forEach(([x, y], i) => {
    const [a, b] = [p[2 * i], p[2 * i + 1]];
    console.log(`  (${x.toFixed(2).padStart(5)}, ${y.toFixed(2).padStart(5)})   ${a.toFixed(4).padStart(12)}  ${b.toFixed(4).padStart(13)}  ${a > b ? 'upper' : 'lower'}`);
  });
  if (!golden.ok) process.exitCode = 1;
} finally {
  await model.dispose();
}

console.log('\n== @lab/rumedbench: feature-based baseline (tf-idf + logistic regression; CRF for NER) ==');
const realDir = arg('--data-dir');
const work = mkdtempSync(join(tmpdir(), 'rumedbench-demo-'));
const dataDir = realDir ?? (await writeSyntheticSample(join(work, 'data')));
const predDir = join(work, 'predictions');
console.log(realDir ? `data: ${realDir}` : `data: SYNTHETIC built-in sample (${dataDir}); pass --data-dir <RuMedBench dir> for the real benchmark`);
const bar = createCliProgress('tfidf');
const result = await runBaseline(new TfidfBaseline(), dataDir, TASK_NAMES, { outDir: predDir, onProgress: bar.onProgress });
bar.stop();
for (const s of result.skipped) console.log(`skipped ${s.task}: ${s.reason}`);
console.log(`\nTest set${realDir ? '' : ' (SYNTHETIC)'}:\n${formatMarkdownTable('tf-idf + LR / CRF', result.test)}`);
console.log(`submissions: ${predDir} (score them with: npx rumedbench eval --pred-dir ${predDir} --data-dir ${dataDir})`);

// 3. @lab/geodiff: conformers for well-known drugs with the shipped GeoDiff network (DDIM fast mode), relaxed with
//    MMFF94, stereo checked against the input SMILES, written to an SDF.
console.log('\n== @lab/geodiff: conformers of drug molecules (shipped GeoDiff network) ==');
{
  const { parseSmiles, loadGeoDiffNetwork, generateConformers, refineConformersWithMmff, checkStereo, writeConformersSdf } = await import('@lab/geodiff');
  const drugs = [
    ['aspirin', 'CC(=O)Oc1ccccc1C(=O)O'],
    ['paracetamol', 'CC(=O)Nc1ccc(O)cc1'],
    ['ibuprofen', 'CC(C)Cc1ccc([C@H](C)C(=O)O)cc1'],
    ['caffeine', 'Cn1c(=O)c2c(ncn2C)n(C)c1=O'],
  ];
  const molecules = await Promise.all(drugs.map(([name, smiles]) => parseSmiles(smiles, { name })));
  const network = await loadGeoDiffNetwork(undefined, { device, onFallback: (r) => console.warn(`note: ${r}`) });
  const steps = Number(arg('--geodiff-steps') ?? 200);
  console.log(`model: ${network.session.name} (${network.session.manifest?.provenance.trainingData})`);
  const sampling = createCliProgress('sampling');
  const result = await generateConformers(molecules, { network, numConfs: 3, sampler: 'ddim', steps, seed: 0, onProgress: sampling.onProgress });
  sampling.stop();
  await network.dispose();
  const sets = [];
  for (const g of result.molecules) {
    const refined = await refineConformersWithMmff(g.molecule, g.conformers, { maxIterations: 500 });
    const conformers = refined.map((r) => r.coords);
    const stereo = await checkStereo(g.molecule, conformers);
    const energies = refined.map((r) => r.energyAfter.toFixed(1)).join(', ');
    console.log(`  ${g.molecule.name.padEnd(12)} ${String(g.molecule.atoms.length).padStart(3)} atoms  MMFF94 energies after refinement: ${energies} kcal/mol  stereo: ${stereo.every((s) => s.ok) ? 'ok' : `${stereo.filter((s) => !s.ok).length} mismatch(es)`}`);
    sets.push({ molecule: g.molecule, conformers, seed: 0, sampler: 'ddim', steps, stereo, properties: { REFINED: 'MMFF94' } });
  }
  const sdf = join(work, 'drug-conformers.sdf');
  await writeConformersSdf(sdf, sets);
  console.log(`wrote ${sdf}: ${sets.length * 3} conformers (ddim, ${steps} steps) in ${(result.timing.totalMs / 1000).toFixed(1)} s of sampling`);
  console.log('more: npx geodiff sample --smiles "<SMILES>" --num-confs 10 --out confs.sdf (5000-step Langevin by default)');
}
