/**
 * A hand-assembled WebAssembly SIMD kernel (f32x4) for blocks of dot products, the hot loop of the exact 1-NN search.
 * The module is built from its opcodes here (no toolchain, no binary file), imports a shared memory, and is compiled
 * once per process.
 * @packageDocumentation
 */
import { singleFunctionWasmModule, uleb128 } from '@lab/tensor-core';

/** A WebAssembly memory (the project's TypeScript libraries do not declare the WebAssembly JS API). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
/** A compiled WebAssembly module (opaque). */
export type WasmModule = object;
/** The parts of the WebAssembly JS API used by the heads. */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
}
/** `globalThis.WebAssembly`, typed. */
export function wasmApi(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
}

/** Wasm opcodes used below. */
const OP = {
  block: 0x02, loop: 0x03, brIf: 0x0d, end: 0x0b, localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Const: 0x41, i32Add: 0x6a, i32Mul: 0x6c, i32LtU: 0x49, i32Shl: 0x74, f32Store: 0x38, f32Add: 0x92, simd: 0xfd,
} as const;
/** SIMD sub-opcodes (after 0xfd, LEB128). */
const SIMD = { v128Load: 0x00, v128Const: 0x0c, f32x4ExtractLane: 0x1f, f32x4Add: 0xe4, f32x4Mul: 0xe6 } as const;

/**
 * The kernel `dots(q, t, nt, rowBytes, out)` (byte addresses): for the 4 query rows at `q` (stride `rowBytes`) and the
 * `nt` (even) training rows at `t` (same stride), `out[r·nt + c] = q_r · t_c` as float32, computed 4 queries × 2 rows
 * at a time with f32x4 multiply-adds over the features (`rowBytes` a positive multiple of 16).
 */
function kernelBody(): number[] {
  // params 0 q, 1 t, 2 nt, 3 rowBytes, 4 out; i32 locals 5 c, 6 p, 7 t0, 8 t1, 9 q1, 10 q2, 11 q3, 12 o1, 13 o2, 14 o3;
  // v128 locals 15..22 acc (r, c) = 15 + 2r + c, 23 x, 24 y, 25 v
  const g = (i: number) => [OP.localGet, i];
  const set = (i: number) => [OP.localSet, i];
  const simd = (op: number, ...imm: number[]) => [OP.simd, ...uleb128(op), ...imm];
  const add = [OP.i32Add];
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => code.push(...p));
  // q1..q3, o1..o3 (out rows: out + r·nt·4)
  emit(g(0), g(3), add, set(9), g(9), g(3), add, set(10), g(10), g(3), add, set(11));
  emit(g(2), [OP.i32Const, 2, OP.i32Shl], g(4), add, set(12));
  emit(g(12), g(2), [OP.i32Const, 2, OP.i32Shl], add, set(13));
  emit(g(13), g(2), [OP.i32Const, 2, OP.i32Shl], add, set(14));
  emit([OP.i32Const, 0], set(5));
  emit([OP.loop, 0x40]); // over c (pairs of training rows)
  emit(g(5), g(3), [OP.i32Mul], g(1), add, [OP.localTee, 7], g(3), add, set(8));
  for (let a = 15; a <= 22; a++) emit(simd(SIMD.v128Const, ...new Array(16).fill(0)), set(a));
  emit([OP.i32Const, 0], set(6));
  emit([OP.loop, 0x40]); // over p (16 bytes = 4 features)
  emit(g(7), g(6), add, simd(SIMD.v128Load, 4, 0), set(23));
  emit(g(8), g(6), add, simd(SIMD.v128Load, 4, 0), set(24));
  const qBase = [0, 9, 10, 11];
  for (let r = 0; r < 4; r++) {
    emit(g(qBase[r]!), g(6), add, simd(SIMD.v128Load, 4, 0), set(25));
    for (let c = 0; c < 2; c++) {
      const acc = 15 + 2 * r + c;
      emit(g(acc), g(25), g(c === 0 ? 23 : 24), simd(SIMD.f32x4Mul), simd(SIMD.f32x4Add), set(acc));
    }
  }
  emit(g(6), [OP.i32Const, 16], add, [OP.localTee, 6], g(3), [OP.i32LtU], [OP.brIf, 0], [OP.end]);
  // horizontal sums → out[r·nt + c], out[r·nt + c + 1]
  const oBase = [4, 12, 13, 14];
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 2; c++) {
      const acc = 15 + 2 * r + c;
      emit(g(oBase[r]!), g(5), [OP.i32Const, 2, OP.i32Shl], add);
      emit(g(acc), simd(SIMD.f32x4ExtractLane, 0), g(acc), simd(SIMD.f32x4ExtractLane, 1), [OP.f32Add]);
      emit(g(acc), simd(SIMD.f32x4ExtractLane, 2), g(acc), simd(SIMD.f32x4ExtractLane, 3), [OP.f32Add], [OP.f32Add]);
      emit([OP.f32Store, 2, ...uleb128(c * 4)]);
    }
  }
  emit(g(5), [OP.i32Const, 2], add, [OP.localTee, 5], g(2), [OP.i32LtU], [OP.brIf, 0], [OP.end]);
  emit([OP.end]);
  const locals = [2, ...uleb128(10), 0x7f, ...uleb128(11), 0x7b];
  const body = [...locals, ...code];
  return body;
}

/** Bytes of the module (imports `env.mem`, a shared memory of at least 1 page; exports `dots`). */
export function simdDotsModuleBytes(maxPages = 65536): Uint8Array {
  return singleFunctionWasmModule({ params: 5, memory: { min: 1, max: maxPages, shared: true }, exportName: 'dots', body: kernelBody() });
}

let compiled: WasmModule | null | undefined;

/**
 * The compiled module, or `null` when this runtime has no WebAssembly SIMD or no shared memories (callers then use the
 * JavaScript kernel).
 * @returns the module or null
 * @example
 * ```ts
 * const mod = simdDotsModule();
 * ```
 */
export function simdDotsModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    const wa = wasmApi();
    const mod = new wa.Module(simdDotsModuleBytes());
    const mem = new wa.Memory({ initial: 1, maximum: 1, shared: true });
    const { dots } = new wa.Instance(mod, { env: { mem } }).exports as unknown as { dots: (q: number, t: number, nt: number, rowBytes: number, out: number) => void };
    // self-check: 4 queries × 2 rows of 4 features
    const f = new Float32Array(mem.buffer);
    f.set([1, 2, 3, 4, 0, 1, 0, 0, 0, 0, 2, 0, 1, 1, 1, 1, 5, 6, 7, 8, 1, 0, 0, 1]);
    dots(0, 64, 2, 16, 128);
    const want = [70, 5, 6, 0, 14, 0, 26, 2];
    compiled = want.every((w, i) => f[32 + i] === w) ? mod : null;
  } catch {
    compiled = null;
  }
  return compiled ?? null;
}
