/**
 * The inner kernel of the exact 1-NN search, written as one self-contained function (no imports, no outer variables)
 * so that worker threads can run the same code from its source text.
 * @packageDocumentation
 */

/** Candidates kept per query within the rounding tolerance of the best score before falling back to a full scan. */
export const NEAREST_CANDIDATES = 32;

// The helpers below are self-contained too (worker threads receive their source text with the kernels'), and shared by
// every kernel and the ONNX search: the same candidate bookkeeping and the same float64 re-check everywhere.

/**
 * Σ (a − b)² in float64 over `d` values from `a[ao …]` and `b[bo …]` (two interleaved accumulators).
 * @param a - first rows
 * @param ao - first row's offset
 * @param b - second rows
 * @param bo - second row's offset
 * @param d - dimension
 * @returns the squared Euclidean distance
 * @example
 * ```ts
 * exactSquaredDistance(queries, i * d, train, t * d, d);
 * ```
 */
export function exactSquaredDistance(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let p = 0;
  for (; p + 1 < d; p += 2) {
    const x = a[ao + p]! - b[bo + p]!;
    const y = a[ao + p + 1]! - b[bo + p + 1]!;
    s0 += x * x;
    s1 += y * y;
  }
  if (p < d) {
    const x = a[ao + p]! - b[bo + p]!;
    s0 += x * x;
  }
  return s0 + s1;
}

/**
 * Candidate bookkeeping of query slot `r`: a score `s` of training row `t` within `tol[r]` of the best score so far is
 * kept (a new best drops the candidates no longer within tolerance); past `cap` candidates the slot overflows (its
 * query is then scanned in full).
 * @param r - query slot
 * @param t - training row
 * @param s - its score ‖t‖² − 2 q·t
 * @param best - best score per slot
 * @param tol - rounding tolerance per slot
 * @param count - candidates per slot
 * @param cand - candidate rows, `cap` per slot
 * @param candScore - their scores
 * @param overflow - 1 for a slot with more than `cap` candidates
 * @param cap - candidates per slot
 * @example
 * ```ts
 * considerCandidate(0, t, norms[t] - 2 * dot, best, tol, count, cand, candScore, overflow, 32);
 * ```
 */
export function considerCandidate(
  r: number,
  t: number,
  s: number,
  best: Float64Array,
  tol: Float64Array,
  count: Int32Array,
  cand: Int32Array,
  candScore: Float64Array,
  overflow: Uint8Array,
  cap: number,
): void {
  const b = best[r]!;
  if (s < b) {
    best[r] = s;
    // drop candidates no longer within tolerance of the new best
    let k = 0;
    const lim = s + tol[r]!;
    for (let c = 0; c < count[r]!; c++) {
      const cs = candScore[r * cap + c]!;
      if (cs <= lim) {
        cand[r * cap + k] = cand[r * cap + c]!;
        candScore[r * cap + k] = cs;
        k++;
      }
    }
    count[r] = k;
  } else if (s > b + tol[r]!) return;
  const c = count[r]!;
  if (c < cap) {
    cand[r * cap + c] = t;
    candScore[r * cap + c] = s;
    count[r] = c + 1;
  } else overflow[r] = 1;
}

/**
 * The exact nearest training row of one query among its candidates (or among all `n` rows when the slot overflowed):
 * float64 squared distances, ties to the lowest index; written to `outIndex[i]` and `outDist[i]` (the distance).
 * @param queries - the array holding the query
 * @param qo - the query's offset
 * @param train - the array holding the training rows
 * @param trainAt - offset of training row 0
 * @param stride - values between training rows
 * @param d - dimension
 * @param n - training rows
 * @param r - the query's slot in `cand`/`count`/`overflow`
 * @param cand - candidate rows, `cap` per slot
 * @param count - candidates per slot
 * @param overflow - 1 for a slot to scan in full
 * @param cap - candidates per slot
 * @param outIndex - receives the nearest row at `i`
 * @param outDist - receives its distance at `i`
 * @param i - the query's index in the outputs
 * @example
 * ```ts
 * resolveNearest(queries, qi * d, train, 0, d, d, n, qi, cand, count, overflow, 32, index, distance, qi);
 * ```
 */
export function resolveNearest(
  queries: Float32Array,
  qo: number,
  train: Float32Array,
  trainAt: number,
  stride: number,
  d: number,
  n: number,
  r: number,
  cand: Int32Array,
  count: Int32Array,
  overflow: Uint8Array,
  cap: number,
  outIndex: Int32Array,
  outDist: Float64Array,
  i: number,
): void {
  let bi = -1;
  let bd = Infinity;
  const all = overflow[r] === 1;
  const m = all ? n : count[r]!;
  for (let c = 0; c < m; c++) {
    const t = all ? c : cand[r * cap + c]!;
    const e = exactSquaredDistance(queries, qo, train, trainAt + t * stride, d);
    if (e < bd || (e === bd && t < bi)) {
      bd = e;
      bi = t;
    }
  }
  outIndex[i] = bi;
  outDist[i] = Math.sqrt(bd);
}

/**
 * Exact nearest training row (squared Euclidean distance) of queries `q0 … q1-1`.
 *
 * Scores `‖t‖² − 2 q·t` are computed tile by tile (4 queries × 2 training rows share every load; training rows in
 * blocks that stay in cache); every training row whose score lies within a rounding tolerance of the best is kept as a
 * candidate, and the candidates' squared distances are then recomputed directly (`Σ (q − t)²` in float64), so the
 * answer is the exact nearest row, ties going to the lowest index.
 *
 * @param train - `[n × d]` row-major training rows
 * @param trainNorms - `‖t‖²` per training row (float64)
 * @param n - training rows
 * @param queries - `[m × d]` row-major queries
 * @param q0 - first query to answer
 * @param q1 - one past the last query to answer
 * @param d - dimension
 * @param outIndex - receives the nearest training row of query `i` at `i`
 * @param outDist - receives its Euclidean distance at `i`
 * @param maxNorm - `max ‖t‖²` (scales the tolerance)
 * @example
 * ```ts
 * nearestKernel(train, norms, n, queries, 0, m, d, index, dist, Math.max(...norms));
 * ```
 */
export function nearestKernel(
  train: Float32Array,
  trainNorms: Float64Array,
  n: number,
  queries: Float32Array,
  q0: number,
  q1: number,
  d: number,
  outIndex: Int32Array,
  outDist: Float64Array,
  maxNorm: number,
): void {
  const CAP = 32;
  const TB = Math.max(2, Math.min(n, Math.floor(262144 / (4 * d)) & ~1));
  const best = new Float64Array(4);
  const tol = new Float64Array(4);
  const count = new Int32Array(4);
  const overflow = new Uint8Array(4);
  const cand = new Int32Array(4 * CAP);
  const candScore = new Float64Array(4 * CAP);
  const consider = (r: number, t: number, s: number): void => considerCandidate(r, t, s, best, tol, count, cand, candScore, overflow, CAP);
  for (let qb = q0; qb < q1; qb += 4) {
    const rows = Math.min(4, q1 - qb);
    for (let r = 0; r < 4; r++) {
      best[r] = Infinity;
      count[r] = 0;
      overflow[r] = 0;
      let qq = 0;
      if (r < rows) for (let p = 0; p < d; p++) qq += queries[(qb + r) * d + p]! * queries[(qb + r) * d + p]!;
      // relative rounding bound of the expansion, generous (float32 inputs, float64 sums)
      tol[r] = 1e-6 * (qq + maxNorm) + 1e-30;
    }
    // pad a short group with its first query (results of padded rows are ignored)
    const o0 = qb * d;
    const o1 = (rows > 1 ? qb + 1 : qb) * d;
    const o2 = (rows > 2 ? qb + 2 : qb) * d;
    const o3 = (rows > 3 ? qb + 3 : qb) * d;
    for (let tb = 0; tb < n; tb += TB) {
      const te = Math.min(n, tb + TB);
      let t = tb;
      for (; t + 1 < te; t += 2) {
        const a = t * d;
        const b = a + d;
        let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
        for (let p = 0; p < d; p++) {
          const x = train[a + p]!;
          const y = train[b + p]!;
          const v0 = queries[o0 + p]!;
          const v1 = queries[o1 + p]!;
          const v2 = queries[o2 + p]!;
          const v3 = queries[o3 + p]!;
          c00 += v0 * x;
          c01 += v0 * y;
          c10 += v1 * x;
          c11 += v1 * y;
          c20 += v2 * x;
          c21 += v2 * y;
          c30 += v3 * x;
          c31 += v3 * y;
        }
        const na = trainNorms[t]!;
        const nb = trainNorms[t + 1]!;
        consider(0, t, na - 2 * c00);
        consider(0, t + 1, nb - 2 * c01);
        if (rows > 1) {
          consider(1, t, na - 2 * c10);
          consider(1, t + 1, nb - 2 * c11);
        }
        if (rows > 2) {
          consider(2, t, na - 2 * c20);
          consider(2, t + 1, nb - 2 * c21);
        }
        if (rows > 3) {
          consider(3, t, na - 2 * c30);
          consider(3, t + 1, nb - 2 * c31);
        }
      }
      if (t < te) {
        const a = t * d;
        let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        for (let p = 0; p < d; p++) {
          const x = train[a + p]!;
          c0 += queries[o0 + p]! * x;
          c1 += queries[o1 + p]! * x;
          c2 += queries[o2 + p]! * x;
          c3 += queries[o3 + p]! * x;
        }
        const na = trainNorms[t]!;
        consider(0, t, na - 2 * c0);
        if (rows > 1) consider(1, t, na - 2 * c1);
        if (rows > 2) consider(2, t, na - 2 * c2);
        if (rows > 3) consider(3, t, na - 2 * c3);
      }
    }
    for (let r = 0; r < rows; r++) resolveNearest(queries, (qb + r) * d, train, 0, d, d, n, r, cand, count, overflow, CAP, outIndex, outDist, qb + r);
  }
}

/**
 * {@link nearestKernel} on the WebAssembly SIMD dot kernel (`simd-dots.ts`): training rows and queries live in one
 * shared wasm memory with rows padded to `rowBytes` (a multiple of 16 bytes, zero padding); for every block of `tb`
 * training rows (sized to stay in cache) every group of 4 queries gets its float32 dot products from the kernel, and
 * the scores `‖t‖² − 2 q·t` feed the same candidate bookkeeping and exact float64 re-check as the JavaScript kernel.
 * @param layout - the wasm module, its memory and byte addresses: `train` (`nPad` = n rounded up to even rows),
 *   `queries` (rows rounded up to a multiple of 4; `q0` a multiple of 4), `out` (4 × tb float32 scratch of this caller)
 * @param trainNorms - `‖t‖²` per training row
 * @param n - training rows
 * @param q0 - first query to answer
 * @param q1 - one past the last query to answer
 * @param d - dimension
 * @param outIndex - receives the nearest training row of query `i` at `i`
 * @param outDist - receives its Euclidean distance at `i`
 * @param maxNorm - `max ‖t‖²`
 * @example
 * ```ts
 * nearestKernelSimd({ module, memory, rowBytes, train: 0, queries, out, tb: 64 }, norms, n, 0, m, d, index, dist, maxNorm);
 * ```
 */
export function nearestKernelSimd(
  layout: { module: object; memory: { readonly buffer: ArrayBuffer | SharedArrayBuffer }; rowBytes: number; train: number; queries: number; out: number; tb: number },
  trainNorms: Float64Array,
  n: number,
  q0: number,
  q1: number,
  d: number,
  outIndex: Int32Array,
  outDist: Float64Array,
  maxNorm: number,
): void {
  const CAP = 32;
  const wasm = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } } }).WebAssembly;
  const dots = (new wasm.Instance(layout.module, { env: { mem: layout.memory } }).exports as { dots: (q: number, t: number, nt: number, rowBytes: number, out: number) => void }).dots;
  const heap = new Float32Array(layout.memory.buffer);
  const rowBytes = layout.rowBytes;
  const stride = rowBytes >> 2;
  const trainAt = layout.train >> 2;
  const queriesAt = layout.queries >> 2;
  const outAt = layout.out >> 2;
  const nPad = n + (n & 1);
  const len = q1 - q0;
  const best = new Float64Array(len).fill(Infinity);
  const tol = new Float64Array(len);
  const count = new Int32Array(len);
  const overflow = new Uint8Array(len);
  const cand = new Int32Array(len * CAP);
  const candScore = new Float64Array(len * CAP);
  // float32 sums of d/4 products per lane: relative error ≤ (d/4 + 3)·2⁻²⁴ of Σ|q_p t_p| ≤ (‖q‖² + ‖t‖²)/2; doubled
  const rel = (stride / 4 + 16) * 2 ** -23;
  for (let i = 0; i < len; i++) {
    let qq = 0;
    const qo = queriesAt + (q0 + i) * stride;
    for (let p = 0; p < d; p++) qq += heap[qo + p]! * heap[qo + p]!;
    tol[i] = rel * (qq + maxNorm) + 1e-30;
  }
  for (let tb = 0; tb < nPad; tb += layout.tb) {
    const tl = Math.min(layout.tb, nPad - tb);
    const tEnd = Math.min(tl, n - tb);
    for (let qg = q0; qg < q1; qg += 4) {
      dots(layout.queries + qg * rowBytes, layout.train + tb * rowBytes, tl, rowBytes, layout.out);
      const rows = Math.min(4, q1 - qg);
      for (let r = 0; r < rows; r++) {
        const o = outAt + r * tl;
        const qi = qg + r - q0;
        let lim = best[qi]! + tol[qi]!;
        for (let c = 0; c < tEnd; c++) {
          const s = trainNorms[tb + c]! - 2 * heap[o + c]!;
          if (s <= lim) {
            considerCandidate(qi, tb + c, s, best, tol, count, cand, candScore, overflow, CAP);
            lim = best[qi]! + tol[qi]!;
          }
        }
      }
    }
  }
  for (let i = 0; i < len; i++) resolveNearest(heap, queriesAt + (q0 + i) * stride, heap, trainAt, stride, d, n, i, cand, count, overflow, CAP, outIndex, outDist, q0 + i);
}
