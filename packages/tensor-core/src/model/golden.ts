import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, ManifestError } from '../errors/lab-error';
import { ndarrayToTensor, readNpz, type NdArray } from '../io/npy';
import { numericData } from '../tensor/tensors';
import type { ModelSession } from './model-session';
import type { ModelManifest } from './manifest';

/** Per-output comparison of a model's outputs with its golden files. */
export interface GoldenReport {
  /** True when every output is within `atol + rtol·|expected|` everywhere. */
  ok: boolean;
  atol: number;
  rtol: number;
  outputs: Array<{ name: string; maxAbsDiff: number; size: number; ok: boolean }>;
}

/**
 * Runs a model on the golden inputs named in its manifest and compares with the golden outputs (the tolerances
 * live in the manifest, next to the fixture).
 * @param model - a loaded session of the manifest's model
 * @param manifest - its manifest (with a `golden` entry)
 * @param manifestPath - path of model.json, to resolve the golden files
 */
export async function checkGolden(model: ModelSession, manifest: ModelManifest, manifestPath: string): Promise<GoldenReport> {
  if (!manifest.golden) throw new ManifestError(manifestPath, 'golden', 'is missing; export the model with golden files to check it.');
  const dir = dirname(manifestPath);
  const inputs = await readNpz(resolve(dir, manifest.golden.inputs));
  const expected = await readNpz(resolve(dir, manifest.golden.outputs));
  const feeds = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, ndarrayToTensor(v)]));
  const got = await model.run(feeds);
  const { atol, rtol } = manifest.golden;
  const outputs = Object.entries(expected).map(([name, exp]) => {
    const t = got[name];
    if (!t) throw new InvalidArgumentError('golden', `golden output "${name}" is not an output of ${manifest.name}.`);
    return compare(name, numericData(t), exp, atol, rtol);
  });
  return { ok: outputs.every((o) => o.ok), atol, rtol, outputs };
}

function compare(name: string, got: ArrayLike<number>, exp: NdArray, atol: number, rtol: number) {
  const e = exp.data instanceof BigInt64Array ? Array.from(exp.data, Number) : (exp.data as ArrayLike<number>);
  let maxAbsDiff = 0;
  let ok = got.length === e.length;
  for (let i = 0; ok && i < e.length; i++) {
    const d = Math.abs(got[i]! - e[i]!);
    if (!(d <= atol + rtol * Math.abs(e[i]!))) ok = false;
    if (d > maxAbsDiff || Number.isNaN(d)) maxAbsDiff = d;
  }
  return { name, maxAbsDiff: ok ? maxAbsDiff : Math.max(maxAbsDiff, got.length === e.length ? maxAbsDiff : Infinity), size: e.length, ok };
}
