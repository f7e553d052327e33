// The repository demo: `npm run demo`. Loads the model shipped in @lab/tensor-core, prints its manifest,
// verifies its golden outputs, and classifies a few points.
import { bundledModelPath, checkGolden, loadModel, toFloat32Tensor } from '@lab/tensor-core';

const device = process.argv.includes('--device') ? process.argv[process.argv.indexOf('--device') + 1] : 'cpu';
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
