import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkGolden, loadModel } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { loadEsmEmbedder } from './esm-embedder';

// The REAL ESM-2 8M configuration (6 layers, hidden 320, 20 heads) at SYNTHETIC random weights: ~30 MB, so it is not
// committed. The test runs when the export exists (training/protein/runs/ is gitignored) and prints how to make it.
const ROOT = resolve(__dirname, '../../../..');
const DIR = join(ROOT, 'training/protein/runs/esm2-8m-random');
const COMMAND =
  '/usr/bin/python3 training/protein/export_esm2.py --random --config ../shared/data/vocab/esm2_t6_8M_UR50D-config.json --logits --out training/protein/runs/esm2-8m-random';
const present = existsSync(join(DIR, 'model.json'));
if (!present) console.log(`skipping the ESM-2 8M parity test: ${DIR} does not exist. Create it from the repository root with:\n  ${COMMAND}`);

describe.skipIf(!present)('ESM-2 8M configuration, random weights (training/protein/runs/esm2-8m-random)', () => {
  it('reproduces the PyTorch golden outputs through onnxruntime-node (atol 1e-4)', async () => {
    const manifestPath = join(DIR, 'model.json');
    const model = await loadModel(manifestPath, { intraOpThreads: 2 });
    try {
      expect(model.manifest!.provenance?.trainingData).toMatch(/^SYNTHETIC/);
      expect(model.outputs.find((o) => o.name === 'last_hidden_state')?.shape).toEqual(['batch', 'length', 320]);
      const report = await checkGolden(model, model.manifest!, manifestPath);
      console.log(`ESM-2 8M (random) golden: ${report.outputs.map((o) => `${o.name} max |diff| ${o.maxAbsDiff.toExponential(2)} over ${o.size} values`).join(', ')}`);
      expect(report.ok).toBe(true);
      for (const o of report.outputs) expect(o.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    } finally {
      await model.dispose();
    }
  }, 60_000);

  it('embeds padding-invariantly', async () => {
    const embedder = await loadEsmEmbedder(DIR, { intraOpThreads: 2 });
    try {
      const short = 'MKTAYIAKQRQISFVKSHFSRQ';
      const long = 'MSDNEKTLLEQLKAGDKEAFEKLYVQYKSRLYRFAYGMTRNEEDAEDLVQETFIKAYRALSSFRGESSFYTWLYRIA';
      const alone = await embedder.embed([short]);
      const batched = await embedder.embed([long, short], { batchSize: 2 });
      let d = 0;
      for (let h = 0; h < 320; h++) d = Math.max(d, Math.abs(alone.pooled![h]! - batched.pooled![320 + h]!));
      console.log(`padding invariance (8M): pooled max |diff| ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-5);
    } finally {
      await embedder.dispose();
    }
  }, 60_000);
});
