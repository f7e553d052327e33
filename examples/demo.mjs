// The repository demo: `npm run demo [-- --device cuda] [-- --data-dir ../shared/data/rumedbench]`.
// 1. @lab/tensor-core: loads the shipped model, prints its manifest, verifies its golden outputs, classifies points.
// 2. @lab/rumedbench: trains and evaluates the feature-based baseline (tf-idf + logistic regression, CRF for NER) on
//    a SYNTHETIC built-in sample, or on the real benchmark when --data-dir is given.
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
