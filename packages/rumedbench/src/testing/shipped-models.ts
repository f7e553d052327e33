import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkGolden, loadModel, type GoldenReport } from '@lab/tensor-core';

/** Test support (not part of the package surface): shipped model folders `<prefix>*` under `dir` holding `marker`. */
export function shippedModelDirs(dir: string, prefix: string, marker: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((d) => d.startsWith(prefix) && existsSync(join(dir, d, marker))) : [];
}

/** Loads `<dir>/model.json` and runs its golden inputs through onnxruntime-node. */
export async function runShippedGolden(dir: string): Promise<GoldenReport> {
  const manifest = join(dir, 'model.json');
  const model = await loadModel(manifest);
  try {
    return await checkGolden(model, model.manifest!, manifest);
  } finally {
    await model.dispose();
  }
}
