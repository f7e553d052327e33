/**
 * Checks shared by the classification heads: embeddings `[rows × dim]` and integer class labels.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';

/** Embedding rows accepted by the heads (row-major). */
export type EmbeddingRows = Float32Array | Float64Array | readonly number[];

/**
 * Validates `[rows × dim]` row-major embeddings and returns them as float32 (the same array when it already is one).
 * @param x - the values
 * @param dim - columns per row
 * @param name - argument name for errors
 * @returns the rows as float32 and the row count
 * @throws InvalidArgumentError for a bad dimension, a partial row, no rows, or a non-finite value
 * @example
 * ```ts
 * const { data, rows } = checkEmbeddings(x, 1280, 'x');
 * ```
 */
export function checkEmbeddings(x: EmbeddingRows, dim: number, name: string): { data: Float32Array; rows: number } {
  if (!(Number.isInteger(dim) && dim > 0)) throw new InvalidArgumentError('dim', `dim must be a positive integer; received ${dim}.`);
  if (!(x instanceof Float32Array || x instanceof Float64Array || Array.isArray(x))) {
    throw new InvalidArgumentError(name, `${name} must be a Float32Array, Float64Array or number[] of rows × ${dim} values.`);
  }
  const rows = x.length / dim;
  if (!Number.isInteger(rows) || rows === 0) {
    throw new InvalidArgumentError(name, `${name} must hold a positive whole number of rows of ${dim} values; received ${x.length} values.`);
  }
  const data = x instanceof Float32Array ? x : Float32Array.from(x);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new InvalidArgumentError(name, `${name} has a non-finite value (${data[i]}) at row ${Math.floor(i / dim)}, column ${i % dim}.`);
    }
  }
  return { data, rows };
}

/**
 * Validates integer class labels (`0 … classes-1`) for `rows` rows.
 * @param y - labels
 * @param rows - expected count
 * @param name - argument name for errors
 * @returns the labels as Int32Array and the number of classes (max label + 1)
 * @throws InvalidArgumentError for a wrong count or a label that is not a non-negative integer
 * @example
 * ```ts
 * const { labels, classes } = checkLabels(y, rows, 'y');
 * ```
 */
export function checkLabels(y: ArrayLike<number>, rows: number, name: string): { labels: Int32Array; classes: number } {
  if (!y || typeof y.length !== 'number') throw new InvalidArgumentError(name, `${name} must be an array of class indices.`);
  if (y.length !== rows) throw new InvalidArgumentError(name, `${name} has ${y.length} labels for ${rows} rows.`);
  const labels = new Int32Array(rows);
  let max = -1;
  for (let i = 0; i < rows; i++) {
    const v = y[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v <= 0x7fffffff)) {
      throw new InvalidArgumentError(name, `${name} must hold class indices (integers ≥ 0, e.g. from LabelIndex); row ${i} has ${v}.`);
    }
    labels[i] = v;
    if (v > max) max = v;
  }
  return { labels, classes: max + 1 };
}
