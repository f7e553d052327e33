/**
 * Helpers shared by the embedder tests (not part of the package's surface).
 * @packageDocumentation
 */
import { checkGolden, loadModel } from '@lab/tensor-core';
import { expect } from 'vitest';

/** Largest |a − b| (the lengths must match). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Deterministic pseudo-random protein of length n (SYNTHETIC). */
export function protein(n: number, seed: number): string {
  const aa = 'ACDEFGHIKLMNPQRSTVWY';
  let x = seed * 2654435761 + 1;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += aa[x % 20];
  }
  return s;
}

/** Loads a model.json and expects its golden outputs to be reproduced. */
export async function expectGolden(manifestPath: string): Promise<void> {
  const model = await loadModel(manifestPath, { intraOpThreads: 1 });
  try {
    const report = await checkGolden(model, model.manifest!, manifestPath);
    expect(report.ok, `${manifestPath}: ${JSON.stringify(report.outputs)}`).toBe(true);
  } finally {
    await model.dispose();
  }
}
