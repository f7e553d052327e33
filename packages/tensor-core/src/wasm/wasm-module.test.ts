import { describe, expect, it } from 'vitest';
import { singleFunctionWasmModule, uleb128 } from './wasm-module';

interface Wasm {
  Module: new (b: Uint8Array) => object;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBuffer };
  Instance: new (m: object, i: object) => { exports: Record<string, unknown> };
}
const wa = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

describe('WebAssembly module assembly', () => {
  it('encodes unsigned LEB128', () => {
    expect(uleb128(0)).toEqual([0]);
    expect(uleb128(127)).toEqual([0x7f]);
    expect(uleb128(128)).toEqual([0x80, 0x01]);
    expect(uleb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
  });

  it('assembles a module whose exported function writes into the imported memory (plain and shared memories)', () => {
    // store(addr, value): i32.store at addr
    const body = [0, 0x20, 0, 0x20, 1, 0x36, 2, 0, 0x0b];
    for (const memory of [{ min: 1 }, { min: 1, max: 2, shared: true }]) {
      const bytes = singleFunctionWasmModule({ params: 2, memory, exportName: 'store', body });
      const mem = new wa.Memory(memory.max === undefined ? { initial: 1 } : { initial: 1, maximum: memory.max, shared: true });
      const store = new wa.Instance(new wa.Module(bytes), { env: { mem } }).exports.store as (a: number, v: number) => void;
      store(8, 123456);
      expect(new Int32Array(mem.buffer)[2]).toBe(123456);
    }
  });
});
