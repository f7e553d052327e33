import { Tensor } from 'onnxruntime-common';
import { Matrix } from 'ml-matrix';
import { InvalidArgumentError } from '../errors/lab-error';

export { Tensor };

/** Row-major nested arrays, or a flat typed array with explicit dims. */
export type NumericData = ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;

function flatten(data: NumericData, dims: readonly number[] | undefined, name: string): { flat: ArrayLike<number>; dims: number[] } {
  const first = (data as ArrayLike<unknown>)[0];
  if (typeof first === 'object' && first !== null) {
    const rows = data as ReadonlyArray<ArrayLike<number>>;
    const cols = rows[0]!.length;
    const flat = new Float64Array(rows.length * cols);
    rows.forEach((row, i) => {
      if (row.length !== cols) throw new InvalidArgumentError(name, `${name}: row ${i} has ${row.length} values, row 0 has ${cols}; rows must be equally long.`);
      for (let j = 0; j < cols; j++) flat[i * cols + j] = row[j]!;
    });
    return { flat, dims: dims ? [...dims] : [rows.length, cols] };
  }
  const flat = data as ArrayLike<number>;
  const d = dims ? [...dims] : [flat.length];
  const size = d.reduce((a, b) => a * b, 1);
  if (size !== flat.length) throw new InvalidArgumentError('dims', `dims [${d.join(', ')}] hold ${size} values but the data has ${flat.length}.`);
  return { flat, dims: d };
}

/**
 * A float32 tensor from nested rows or flat data.
 * @param data - `number[][]` (dims inferred) or a flat array
 * @param dims - required shape for flat data (defaults to 1-D)
 * @example
 * ```ts
 * const x = toFloat32Tensor([[0, 1], [2, 3]]); // dims [2, 2]
 * ```
 */
export function toFloat32Tensor(data: NumericData, dims?: readonly number[]): Tensor {
  const { flat, dims: d } = flatten(data, dims, 'data');
  const arr = flat instanceof Float32Array ? flat : Float32Array.from(flat);
  return new Tensor('float32', arr, d);
}

/**
 * An int64 tensor (token ids, indices) from numbers or bigints.
 * @param data - flat numbers, bigints, or a BigInt64Array
 * @param dims - shape (defaults to 1-D)
 * @throws InvalidArgumentError when a value is not a safe integer
 */
export function toInt64Tensor(data: ArrayLike<number> | ArrayLike<bigint> | BigInt64Array, dims?: readonly number[]): Tensor {
  let arr: BigInt64Array;
  if (data instanceof BigInt64Array) arr = data;
  else {
    arr = new BigInt64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (typeof v === 'number' && !Number.isSafeInteger(v)) {
        throw new InvalidArgumentError('data', `int64 tensor value at ${i} is ${v}, not a safe integer.`);
      }
      arr[i] = BigInt(v);
    }
  }
  const d = dims ? [...dims] : [arr.length];
  const size = d.reduce((a, b) => a * b, 1);
  if (size !== arr.length) throw new InvalidArgumentError('dims', `dims [${d.join(', ')}] hold ${size} values but the data has ${arr.length}.`);
  return new Tensor('int64', arr, d);
}

/**
 * A float32 `[rows, columns]` tensor from an ml-matrix Matrix.
 * @param matrix - the matrix
 */
export function matrixToTensor(matrix: Matrix): Tensor {
  const { rows, columns } = matrix;
  const out = new Float32Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    const row = matrix.getRow(i);
    for (let j = 0; j < columns; j++) out[i * columns + j] = row[j]!;
  }
  return new Tensor('float32', out, [rows, columns]);
}

/**
 * An ml-matrix Matrix from a numeric 2-D tensor (any float or int dtype).
 * @param tensor - a rank-2 tensor
 * @throws InvalidArgumentError for other ranks or non-numeric data
 */
export function tensorToMatrix(tensor: Tensor): Matrix {
  if (tensor.dims.length !== 2) {
    throw new InvalidArgumentError('tensor', `tensorToMatrix needs a rank-2 tensor, received shape [${tensor.dims.join(', ')}].`);
  }
  const [rows, cols] = tensor.dims as [number, number];
  const data = numericData(tensor);
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, data[i * cols + j]!);
  return m;
}

/**
 * A tensor's values as plain numbers (int64 converted with Number()).
 * @param tensor - a numeric tensor
 */
export function numericData(tensor: Tensor): ArrayLike<number> {
  const data = tensor.data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Array.from(data, Number);
  if (Array.isArray(data)) throw new InvalidArgumentError('tensor', `tensor of type ${tensor.type} has no numeric data.`);
  return data as ArrayLike<number>;
}

/**
 * Nested arrays from a tensor of any rank (for printing and JSON).
 * @param tensor - a numeric tensor
 */
export function tensorToNested(tensor: Tensor): unknown {
  const data = numericData(tensor);
  const dims = tensor.dims;
  const build = (axis: number, offset: number): unknown => {
    if (axis === dims.length) return data[offset];
    const stride = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: dims[axis]! }, (_, i) => build(axis + 1, offset + i * stride));
  };
  return build(0, 0);
}

/** A padded batch: values `[batch, maxLength, ...feature]`, a 0/1 mask `[batch, maxLength]`, and each length. */
export interface PaddedBatch {
  values: Tensor;
  mask: Tensor;
  lengths: number[];
}

/** Options of {@link padBatch}. */
export interface PadBatchOptions {
  /** Values per position (1 for token ids, d for d-dim feature vectors). @default 1 */
  featureSize?: number;
  /** @default 0 */
  padValue?: number;
  /** Pad (and require) to this length instead of the longest sequence. */
  maxLength?: number;
  /** @default 'float32' */
  dtype?: 'float32' | 'int64';
  /** @default 'float32' — dtype of the mask (some exported models take int64 masks) */
  maskDtype?: 'float32' | 'int64' | 'bool';
}

/**
 * Pads variable-length sequences into one batch with a mask.
 * @param sequences - each a flat array of `length × featureSize` values
 * @param options - feature size, pad value, target length, dtypes
 * @returns values `[batch, L]` (featureSize 1) or `[batch, L, featureSize]`, mask `[batch, L]`, lengths
 * @throws InvalidArgumentError when a sequence is longer than `maxLength` or not a multiple of `featureSize`
 * @example
 * ```ts
 * const { values, mask } = padBatch([[5, 6, 7], [8]], { dtype: 'int64' }); // values [[5,6,7],[8,0,0]]
 * ```
 */
export function padBatch(sequences: ReadonlyArray<ArrayLike<number>>, options: PadBatchOptions = {}): PaddedBatch {
  const f = options.featureSize ?? 1;
  if (!Number.isInteger(f) || f < 1) throw new InvalidArgumentError('featureSize', `featureSize must be a positive integer, received ${f}.`);
  const lengths = sequences.map((s, i) => {
    if (s.length % f !== 0) throw new InvalidArgumentError('sequences', `sequence ${i} has ${s.length} values, not a multiple of featureSize ${f}.`);
    return s.length / f;
  });
  const longest = lengths.reduce((a, b) => Math.max(a, b), 0);
  const L = options.maxLength ?? longest;
  if (longest > L) {
    const i = lengths.findIndex((l) => l > L);
    throw new InvalidArgumentError('maxLength', `sequence ${i} has length ${lengths[i]}, longer than maxLength ${L}; crop it first.`);
  }
  const B = sequences.length;
  const pad = options.padValue ?? 0;
  const dtype = options.dtype ?? 'float32';
  const dims = f === 1 ? [B, L] : [B, L, f];
  let values: Tensor;
  if (dtype === 'int64') {
    const out = new BigInt64Array(B * L * f).fill(BigInt(pad));
    sequences.forEach((s, b) => {
      for (let k = 0; k < s.length; k++) out[b * L * f + k] = BigInt(s[k]!);
    });
    values = new Tensor('int64', out, dims);
  } else {
    const out = new Float32Array(B * L * f).fill(pad);
    sequences.forEach((s, b) => {
      for (let k = 0; k < s.length; k++) out[b * L * f + k] = s[k]!;
    });
    values = new Tensor('float32', out, dims);
  }
  const maskDtype = options.maskDtype ?? 'float32';
  const maskVals = new Uint8Array(B * L);
  lengths.forEach((len, b) => maskVals.fill(1, b * L, b * L + len));
  const mask =
    maskDtype === 'int64'
      ? new Tensor('int64', BigInt64Array.from(maskVals, (v) => BigInt(v)), [B, L])
      : maskDtype === 'bool'
        ? new Tensor('bool', maskVals, [B, L])
        : new Tensor('float32', Float32Array.from(maskVals), [B, L]);
  return { values, mask, lengths };
}

/**
 * Splits `0..n-1` into consecutive batches.
 * @param n - number of items
 * @param batchSize - items per batch (the last may be smaller)
 * @returns `[start, end)` pairs
 */
export function batchRanges(n: number, batchSize: number): Array<[number, number]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', `batchSize must be a positive integer, received ${batchSize}.`);
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += batchSize) out.push([s, Math.min(n, s + batchSize)]);
  return out;
}
