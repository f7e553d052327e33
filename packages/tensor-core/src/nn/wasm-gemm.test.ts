import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng';
import { wasmGemm, wasmGemmAvailable } from './wasm-gemm';

/** The definition, summed in the same order (sequential over s, multiply then add). */
function reference(A: Float64Array, aRow: number, aK: number, B: Float64Array, bK: number, bCol: number, n: number, m: number, k: number): Float64Array {
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let v = 0;
      for (let s = 0; s < k; s++) v += A[i * aRow + s * aK]! * B[s * bK + j * bCol]!;
      C[i * m + j] = v;
    }
  }
  return C;
}

describe('wasmGemm (f64x2 kernel)', () => {
  if (!wasmGemmAvailable()) console.log('[skip] wasmGemm: no WebAssembly SIMD in this runtime (the MLP uses its JavaScript kernel)');
  it.skipIf(!wasmGemmAvailable())('equals the definition bit for bit for every layout and edge size', () => {
    const rng = new Rng(3);
    for (const [n, m, k] of [[1, 1, 1], [4, 4, 4], [5, 3, 7], [13, 9, 1], [33, 17, 64], [8, 12, 0]] as const) {
      const A = rng.normalArray(n * Math.max(k, 1));
      const D = rng.normalArray(Math.max(k, 1) * m);
      // plain, A transposed (weight gradient), B transposed (input gradient)
      expect(wasmGemm(A, k, 1, D, m, 1, n, m, k)).toEqual(reference(A, k, 1, D, m, 1, n, m, k));
      const At = rng.normalArray(k * n);
      expect(wasmGemm(At, 1, n, D, m, 1, n, m, k)).toEqual(reference(At, 1, n, D, m, 1, n, m, k));
      const Bt = rng.normalArray(m * k);
      expect(wasmGemm(A, k, 1, Bt, 1, k, n, m, k)).toEqual(reference(A, k, 1, Bt, 1, k, n, m, k));
    }
  });
});
