/**
 * A float64 matrix product on WebAssembly SIMD (f64x2), hand-assembled from its opcodes (no toolchain, no binary file),
 * used by the MLP's dense layers. Same summation order as the JavaScript kernel (sequential over the inner dimension,
 * multiply then add, no fused multiply-add), so both give bit-identical results.
 * @packageDocumentation
 */
import { singleFunctionWasmModule, uleb128 } from '../wasm/wasm-module';

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/**
 * `gemm(a, aRow, aK, b, bRow, c, n4, m4, k)` (byte addresses and strides): for i < n4, j < m4 (multiples of 4),
 * `C[i·m4 + j] = Σ_s A(i, s)·B(s, j)` with `A(i, s)` the f64 at `a + i·aRow + s·aK` and `B(s, j)` at `b + s·bRow + 8j`.
 * 4 × 4 tiles: 8 f64x2 accumulators, 4 splat loads of A and 2 vector loads of B per step of s.
 */
function body(): number[] {
  // params 0 a, 1 aRow, 2 aK, 3 b, 4 bRow, 5 c, 6 n4, 7 m4, 8 k
  // i32 locals 9 i, 10 j, 11 s, 12 pa, 13 pb, 14 aR2, 15 aR3, 16 pc, 17 cRow
  // v128 locals 18..25 acc (r, h) = 18 + 2r + h, 26 y0, 27 y1, 28 x
  const c: number[] = [];
  const e = (...xs: (number | number[])[]) => xs.forEach((x) => (Array.isArray(x) ? c.push(...x) : c.push(x)));
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (v: number) => [0x41, ...uleb128(v)]; // small non-negative constants only (< 64)
  const add = 0x6a;
  const mul = 0x6c;
  const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb128(op), ...imm];
  e(get(1), get(1), add, set(14), get(14), get(1), add, set(15));
  e(get(7), i32(3), 0x74, set(17)); // cRow = m4·8
  e(i32(0), set(10));
  e(0x03, 0x40); // loop j
  e(i32(0), set(9));
  e(0x03, 0x40); // loop i
  for (let a = 18; a <= 25; a++) e(simd(0x0c, ...new Array(16).fill(0)), set(a));
  e(get(9), get(1), mul, get(0), add, set(12)); // pa = a + i·aRow
  e(get(10), i32(3), 0x74, get(3), add, set(13)); // pb = b + 8j
  e(i32(0), set(11));
  e(0x02, 0x40); // block (k may be 0)
  e(get(11), get(8), 0x4f, 0x0d, 0); // br_if s >= k
  e(0x03, 0x40); // loop s
  e(get(13), simd(0x00, 3, 0), set(26), get(13), simd(0x00, 3, 16), set(27));
  const rowAddr = [[get(12)], [get(12), get(1), add], [get(12), get(14), add], [get(12), get(15), add]];
  for (let r = 0; r < 4; r++) {
    e(...rowAddr[r]!, 0x2b, 3, 0, simd(0x14), set(28)); // x = splat(f64.load)
    for (let h = 0; h < 2; h++) {
      const acc = 18 + 2 * r + h;
      e(get(acc), get(28), get(h === 0 ? 26 : 27), simd(0xf2), simd(0xf0), set(acc));
    }
  }
  e(get(12), get(2), add, set(12), get(13), get(4), add, set(13));
  e(get(11), i32(1), add, tee(11), get(8), 0x49, 0x0d, 0, 0x0b); // s < k → loop
  e(0x0b); // end block
  // store the tile: pc = c + i·cRow + 8j
  e(get(9), get(17), mul, get(5), add, get(10), i32(3), 0x74, add, set(16));
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) e(get(16), get(18 + 2 * r + h), simd(0x0b, 3, h * 16));
    if (r < 3) e(get(16), get(17), add, set(16));
  }
  e(get(9), i32(4), add, tee(9), get(6), 0x49, 0x0d, 0, 0x0b); // i < n4 → loop
  e(get(10), i32(4), add, tee(10), get(7), 0x49, 0x0d, 0, 0x0b); // j < m4 → loop
  e(0x0b);
  const locals = [2, ...uleb128(9), 0x7f, ...uleb128(11), 0x7b];
  const b = [...locals, ...c];
  return b;
}

function moduleBytes(): Uint8Array {
  return singleFunctionWasmModule({ params: 9, memory: { min: 1 }, exportName: 'gemm', body: body() });
}

type GemmFn = (a: number, aRow: number, aK: number, b: number, bRow: number, c: number, n4: number, m4: number, k: number) => void;

let state: { memory: WasmMemory; gemm: GemmFn; heap: Float64Array } | null | undefined;

function instance(): typeof state {
  if (state !== undefined) return state;
  try {
    const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wa) return (state = null);
    const memory = new wa.Memory({ initial: 16 });
    const gemm = new wa.Instance(new wa.Module(moduleBytes()), { env: { mem: memory } }).exports.gemm as GemmFn;
    const s = { memory, gemm, heap: new Float64Array(memory.buffer) };
    // self-check on a 4×4 · 4×4 product against the definition
    const A = Float64Array.from({ length: 16 }, (_, i) => i + 1);
    const B = Float64Array.from({ length: 16 }, (_, i) => (i % 5) - 2);
    s.heap.set(A, 0);
    s.heap.set(B, 16);
    gemm(0, 32, 8, 128, 32, 256, 4, 4, 4);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        let v = 0;
        for (let p = 0; p < 4; p++) v += A[i * 4 + p]! * B[p * 4 + j]!;
        if (s.heap[32 + i * 4 + j] !== v) return (state = null);
      }
    }
    return (state = s);
  } catch {
    return (state = null);
  }
}

/** Whether the WebAssembly kernel is usable in this runtime. */
export function wasmGemmAvailable(): boolean {
  return !!instance();
}

/**
 * C[i·m + j] = Σ_s L(i, s)·R(s, j) with L(i, s) = A[i·aRow + s·aK] and R(s, j) = B[s·bK + j·bCol] on the wasm kernel:
 * both operands are copied into wasm memory (A rows padded to a multiple of 4 with zeros, R laid out row-major with
 * columns padded to a multiple of 4), the padded product computed, the valid part copied out.
 * @returns C (n × m), or null when the kernel is unavailable
 */
export function wasmGemm(
  A: Float64Array, aRow: number, aK: number,
  B: Float64Array, bK: number, bCol: number,
  n: number, m: number, k: number,
): Float64Array | null {
  const s = instance();
  if (!s) return null;
  const n4 = Math.ceil(n / 4) * 4;
  const m4 = Math.ceil(m / 4) * 4;
  const aLen = n4 * k;
  const bLen = k * m4;
  const cLen = n4 * m4;
  const bytes = (aLen + bLen + cLen) * 8;
  if (bytes > s.memory.buffer.byteLength) {
    const pages = Math.ceil((bytes - s.memory.buffer.byteLength) / 65536);
    try {
      s.memory.grow(pages);
    } catch {
      return null;
    }
    s.heap = new Float64Array(s.memory.buffer);
  }
  const heap = s.heap;
  // A → [n4 × k] row-major (zero rows at the end)
  if (aK === 1 && aRow === k) heap.set(A.subarray(0, n * k), 0);
  else for (let i = 0; i < n; i++) for (let p = 0, o = i * k; p < k; p++) heap[o + p] = A[i * aRow + p * aK]!;
  heap.fill(0, n * k, aLen);
  // R → [k × m4] row-major (zero columns at the end)
  const bAt = aLen;
  if (bCol === 1 && m4 === m && bK === m) heap.set(B.subarray(0, k * m), bAt);
  else {
    for (let p = 0; p < k; p++) {
      const o = bAt + p * m4;
      for (let j = 0; j < m; j++) heap[o + j] = B[p * bK + j * bCol]!;
      for (let j = m; j < m4; j++) heap[o + j] = 0;
    }
  }
  const cAt = bAt + bLen;
  s.gemm(0, k * 8, 8, bAt * 8, m4 * 8, cAt * 8, n4, m4, k);
  if (m4 === m) return heap.slice(cAt, cAt + n * m);
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) C.set(heap.subarray(cAt + i * m4, cAt + i * m4 + m), i * m);
  return C;
}
