/**
 * The few WebAssembly binary-format pieces that the packages' hand-assembled SIMD kernels share: unsigned LEB128 integers and a
 * module that imports one memory and exports one function of i32 parameters.
 * @packageDocumentation
 */

/**
 * Unsigned LEB128 encoding of a non-negative integer (< 2³²).
 * @param n - the integer
 * @returns its bytes
 * @example
 * ```ts
 * uleb128(624485); // [0xe5, 0x8e, 0x26]
 * ```
 */
export function uleb128(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** What {@link singleFunctionWasmModule} assembles. */
export interface SingleFunctionWasmModule {
  /** Number of i32 parameters of the function (it returns nothing). */
  params: number;
  /** The imported memory `env.mem`: minimum pages, and a maximum (required for a shared memory). */
  memory: { min: number; max?: number; shared?: boolean };
  /** Export name of the function. */
  exportName: string;
  /** The function body: local declarations, instructions and the final `end` (without its size prefix). */
  body: readonly number[];
}

function section(id: number, body: readonly number[]): number[] {
  return [id, ...uleb128(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb128(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/**
 * The bytes of a module that imports one memory as `env.mem` and exports one function `(i32 × params) → ()`.
 * @param spec - parameters, memory limits, export name and body
 * @returns the module's bytes, for `new WebAssembly.Module(bytes)`
 * @example
 * ```ts
 * const bytes = singleFunctionWasmModule({ params: 0, memory: { min: 1 }, exportName: 'nop', body: [0, 0x0b] });
 * ```
 */
export function singleFunctionWasmModule(spec: SingleFunctionWasmModule): Uint8Array {
  const { min, max, shared } = spec.memory;
  const limits = max === undefined ? [0x00, ...uleb128(min)] : [shared ? 0x03 : 0x01, ...uleb128(min), ...uleb128(max)];
  const type = section(1, [1, 0x60, ...uleb128(spec.params), ...new Array<number>(spec.params).fill(0x7f), 0]);
  const imp = section(2, [1, ...name('env'), ...name('mem'), 0x02, ...limits]);
  const func = section(3, [1, 0]);
  const exp = section(7, [1, ...name(spec.exportName), 0x00, 0]);
  const code = section(10, [1, ...uleb128(spec.body.length), ...spec.body]);
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imp, ...func, ...exp, ...code]);
}
