import { InvalidArgumentError } from '@lab/tensor-core';

/**
 * A compressed sparse row (CSR) matrix of float64 values, laid out as `scipy.sparse.csr_matrix`: the entries of row
 * `r` are `data[indptr[r] .. indptr[r+1])` at columns `indices[...]`, columns sorted ascending within a row.
 *
 * @example
 * ```ts
 * const m = CsrMatrix.fromDense([[1, 0], [0, 2]]);
 * m.get(1, 1); // 2
 * ```
 */
export class CsrMatrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Stored values. */
  readonly data: Float64Array;
  /** Column of each stored value. */
  readonly indices: Int32Array;
  /** Row pointers, `rows + 1` long. */
  readonly indptr: Int32Array;

  /**
   * Wraps CSR arrays (not copied).
   * @throws InvalidArgumentError when the arrays are inconsistent
   */
  constructor(rows: number, cols: number, data: Float64Array, indices: Int32Array, indptr: Int32Array) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) throw new InvalidArgumentError('shape', `CsrMatrix: bad shape ${rows}x${cols}.`);
    if (indptr.length !== rows + 1) throw new InvalidArgumentError('indptr', `CsrMatrix: indptr has ${indptr.length} entries; ${rows + 1} expected.`);
    const nnz = indptr[rows]!;
    if (indptr[0] !== 0 || data.length < nnz || indices.length < nnz) throw new InvalidArgumentError('indptr', `CsrMatrix: indptr must start at 0 and end at most at data.length (${data.length}).`);
    this.rows = rows;
    this.cols = cols;
    this.data = data;
    this.indices = indices;
    this.indptr = indptr;
  }

  /** Number of stored entries. */
  get nnz(): number {
    return this.indptr[this.rows]!;
  }

  /**
   * Builds a CSR matrix from dense rows, keeping the non-zeros.
   * @param dense - rows of equal length
   */
  static fromDense(dense: ReadonlyArray<ArrayLike<number>>): CsrMatrix {
    const rows = dense.length;
    const cols = rows ? dense[0]!.length : 0;
    const data: number[] = [];
    const indices: number[] = [];
    const indptr = new Int32Array(rows + 1);
    for (let r = 0; r < rows; r++) {
      const row = dense[r]!;
      if (row.length !== cols) throw new InvalidArgumentError('dense', `CsrMatrix.fromDense: row ${r} has ${row.length} columns; ${cols} expected.`);
      for (let c = 0; c < cols; c++) {
        const v = row[c]!;
        if (v !== 0) {
          data.push(v);
          indices.push(c);
        }
      }
      indptr[r + 1] = data.length;
    }
    return new CsrMatrix(rows, cols, Float64Array.from(data), Int32Array.from(indices), indptr);
  }

  /** Value at (row, col), 0 when not stored. */
  get(row: number, col: number): number {
    let lo = this.indptr[row]!;
    let hi = this.indptr[row + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.indices[mid]!;
      if (c === col) return this.data[mid]!;
      if (c < col) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Dense copy, one Float64Array per row. */
  toDense(): Float64Array[] {
    const out: Float64Array[] = [];
    for (let r = 0; r < this.rows; r++) {
      const row = new Float64Array(this.cols);
      for (let k = this.indptr[r]!; k < this.indptr[r + 1]!; k++) row[this.indices[k]!] = this.data[k]!;
      out.push(row);
    }
    return out;
  }

  /**
   * The rows `[start, end)` as a new matrix (arrays copied).
   * @param start - first row
   * @param end - one past the last row
   */
  sliceRows(start: number, end: number): CsrMatrix {
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= this.rows)) {
      throw new InvalidArgumentError('start', `CsrMatrix.sliceRows: bad range [${start}, ${end}) for ${this.rows} rows.`);
    }
    const a = this.indptr[start]!;
    const b = this.indptr[end]!;
    const indptr = new Int32Array(end - start + 1);
    for (let r = start; r <= end; r++) indptr[r - start] = this.indptr[r]! - a;
    return new CsrMatrix(end - start, this.cols, this.data.slice(a, b), this.indices.slice(a, b), indptr);
  }

  /**
   * Matrix-vector product `A x`.
   * @param x - `cols` long
   * @param out - optional output, `rows` long
   */
  multiply(x: ArrayLike<number>, out: Float64Array = new Float64Array(this.rows)): Float64Array {
    const { data, indices, indptr } = this;
    for (let r = 0; r < this.rows; r++) {
      let s = 0;
      const end = indptr[r + 1]!;
      for (let k = indptr[r]!; k < end; k++) s += data[k]! * x[indices[k]!]!;
      out[r] = s;
    }
    return out;
  }

  /**
   * Transposed product `Aᵀ v`.
   * @param v - `rows` long
   * @param out - optional output, `cols` long (overwritten)
   */
  multiplyTransposed(v: ArrayLike<number>, out: Float64Array = new Float64Array(this.cols)): Float64Array {
    const { data, indices, indptr } = this;
    out.fill(0);
    for (let r = 0; r < this.rows; r++) {
      const vr = v[r]!;
      if (vr === 0) continue;
      const end = indptr[r + 1]!;
      for (let k = indptr[r]!; k < end; k++) {
        const c = indices[k]!;
        out[c] = out[c]! + vr * data[k]!;
      }
    }
    return out;
  }
}
