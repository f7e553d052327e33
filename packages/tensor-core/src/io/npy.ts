import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { Tensor } from 'onnxruntime-common';
import { DataFormatError, InvalidArgumentError } from '../errors/lab-error';

/** Element types that .npy files written and read here may hold. */
export type NpyDType = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'bool';

type TypedArrayOf = {
  float32: Float32Array;
  float64: Float64Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  bool: Uint8Array;
};

/** A C-ordered n-dimensional array as stored in a .npy file. */
export interface NdArray<D extends NpyDType = NpyDType> {
  dtype: D;
  shape: number[];
  data: TypedArrayOf[D];
}

const DESCR: Record<NpyDType, string> = {
  float32: '<f4',
  float64: '<f8',
  int8: '|i1',
  int16: '<i2',
  int32: '<i4',
  int64: '<i8',
  uint8: '|u1',
  uint16: '<u2',
  uint32: '<u4',
  bool: '|b1',
};
const FROM_DESCR: Record<string, NpyDType> = Object.fromEntries(
  Object.entries(DESCR).flatMap(([k, v]) => [
    [v, k],
    [v.replace('<', '|'), k],
    [v.replace('|', '<'), k],
  ]),
) as Record<string, NpyDType>;
const CTOR = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  bool: Uint8Array,
} as const;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('@lab/tensor-core npy I/O needs a little-endian platform');
}

/**
 * Creates an {@link NdArray}, checking that the data fills the shape.
 * @example
 * ```ts
 * const x = ndarray('float32', [2, 3], new Float32Array(6));
 * ```
 */
export function ndarray<D extends NpyDType>(dtype: D, shape: readonly number[], data: TypedArrayOf[D]): NdArray<D> {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new InvalidArgumentError('data', `shape [${shape.join(', ')}] holds ${size} values but data has ${data.length}.`);
  return { dtype, shape: [...shape], data };
}

/** Encodes an array as .npy (format 1.0) bytes. */
export function encodeNpy(arr: NdArray): Uint8Array {
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '${DESCR[arr.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
  const out = new Uint8Array(10 + header.length + bytes.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(bytes, 10 + header.length);
  return out;
}

/**
 * Decodes .npy bytes (format 1.0–3.0, little-endian, C order).
 * @param source - file name for error messages
 * @throws DataFormatError for another format, big-endian or Fortran-ordered data, or truncated bytes
 */
export function decodeNpy(bytes: Uint8Array, source = '<npy>'): NdArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) throw new DataFormatError(source, 'not a .npy file (bad magic string)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start + headerLen) throw new DataFormatError(source, 'truncated .npy header');
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new DataFormatError(source, `malformed .npy header: ${header.trim()}`);
  const dtype = FROM_DESCR[descr];
  if (!dtype) throw new DataFormatError(source, `unsupported dtype '${descr}'; supported: ${Object.values(DESCR).join(', ')} (little-endian)`);
  if (fortran === 'True') throw new DataFormatError(source, "Fortran-ordered arrays are not supported; save with np.ascontiguousarray(a)");
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const ctor = CTOR[dtype];
  const offset = start + headerLen;
  const byteLength = size * ctor.BYTES_PER_ELEMENT;
  if (bytes.length < offset + byteLength) {
    throw new DataFormatError(source, `truncated data: shape (${shape.join(', ')}) needs ${byteLength} bytes, file has ${bytes.length - offset}`);
  }
  // an aligned copy: TypedArray.prototype.slice copies (a Node Buffer's own slice would return a view of the whole file)
  const copy = Uint8Array.prototype.slice.call(bytes, offset, offset + byteLength);
  const data = new ctor(copy.buffer, 0, size);
  return { dtype, shape, data } as NdArray;
}

/** Encodes named arrays as .npz (zip) bytes; `compress` uses deflate like `np.savez_compressed`. */
export function encodeNpz(arrays: Readonly<Record<string, NdArray>>, options: { compress?: boolean } = {}): Uint8Array {
  const files: Zippable = {};
  for (const [name, arr] of Object.entries(arrays)) files[`${name}.npy`] = [encodeNpy(arr), { level: options.compress ? 6 : 0 }];
  return zipSync(files);
}

/**
 * Decodes .npz bytes into named arrays.
 * @throws DataFormatError when the zip or one of its arrays is malformed
 */
export function decodeNpz(bytes: Uint8Array, source = '<npz>'): Record<string, NdArray> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new DataFormatError(source, `not a valid .npz (zip) file: ${(e as Error).message}`, undefined, { cause: e });
  }
  const out: Record<string, NdArray> = {};
  for (const [name, data] of Object.entries(files)) {
    if (!name.endsWith('.npy')) continue;
    const key = name.slice(0, -4);
    out[key] = decodeNpy(data, `${source}:${name}`);
  }
  return out;
}

async function atomicWrite(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new DataFormatError(path, `cannot read file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, undefined, { cause: e });
  }
}

/** Writes a .npy file (atomically: temp file, then rename). */
export async function writeNpy(path: string, arr: NdArray): Promise<void> {
  await atomicWrite(path, encodeNpy(arr));
}

/** Reads a .npy file. */
export async function readNpy(path: string): Promise<NdArray> {
  return decodeNpy(await readBytes(path), path);
}

/** Writes named arrays as a .npz file (atomically). */
export async function writeNpz(path: string, arrays: Readonly<Record<string, NdArray>>, options: { compress?: boolean } = {}): Promise<void> {
  await atomicWrite(path, encodeNpz(arrays, options));
}

/** Reads a .npz file into named arrays. */
export async function readNpz(path: string): Promise<Record<string, NdArray>> {
  return decodeNpz(await readBytes(path), path);
}

/** An onnxruntime tensor viewing an array's data (bool becomes ORT bool, others keep their type). */
export function ndarrayToTensor(arr: NdArray): Tensor {
  if (arr.dtype === 'float64') return new Tensor('float64', arr.data as Float64Array, arr.shape);
  return new Tensor(arr.dtype as 'float32', arr.data as Float32Array, arr.shape);
}

/** An {@link NdArray} viewing a numeric tensor's data. */
export function tensorToNdarray(t: Tensor): NdArray {
  const dtype = t.type as NpyDType;
  if (!(dtype in CTOR)) throw new InvalidArgumentError('tensor', `tensor dtype ${t.type} cannot be stored in .npy here.`);
  return { dtype, shape: [...t.dims], data: t.data as NdArray['data'] };
}
