import { CsrMatrix } from './sparse-matrix';

/** Identical columns of a matrix, merged (see {@link groupDuplicateColumns}). */
export interface ColumnGroups {
  /** One column per group: the shared column times `sqrt(group size)`. */
  reduced: CsrMatrix;
  /** Group of each original column; groups are numbered in the order of their first column. */
  group: Int32Array;
  /** `sqrt(group size)` of each group. */
  scale: Float64Array;
}

/**
 * Merges columns that are exactly equal (same rows, same values), which tf-idf n-gram features often are: every
 * n-gram seen only in one sentence gives the same column.
 *
 * @remarks
 * For an L2-penalised linear model this is an exact reformulation: with `k` equal columns `u`, the penalised optimum
 * gives each of them the weight `θ / sqrt(k)`, where `θ` is the weight of the single column `sqrt(k)·u` under the same
 * penalty. Gradient methods started from zero even follow the same path, because the map from `θ` to the original
 * weights preserves inner products.
 * @param X - the matrix
 */
export function groupDuplicateColumns(X: CsrMatrix): ColumnGroups {
  const { rows, cols, data, indices, indptr } = X;
  const nnz = X.nnz;
  // column-major copy
  const colPtr = new Int32Array(cols + 1);
  for (let k = 0; k < nnz; k++) {
    const c = indices[k]! + 1;
    colPtr[c] = colPtr[c]! + 1;
  }
  for (let j = 0; j < cols; j++) colPtr[j + 1] = colPtr[j + 1]! + colPtr[j]!;
  const fill = colPtr.slice(0, cols);
  const rowOf = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  for (let r = 0; r < rows; r++) {
    for (let k = indptr[r]!; k < indptr[r + 1]!; k++) {
      const j = indices[k]!;
      const at = fill[j]!;
      fill[j] = at + 1;
      rowOf[at] = r;
      val[at] = data[k]!;
    }
  }
  const bits = new Int32Array(val.buffer);
  const hash = new Int32Array(cols);
  for (let j = 0; j < cols; j++) {
    let h = 0x811c9dc5;
    for (let k = colPtr[j]!; k < colPtr[j + 1]!; k++) {
      h = Math.imul(h ^ rowOf[k]!, 0x01000193);
      h = Math.imul(h ^ bits[2 * k]!, 0x01000193);
      h = Math.imul(h ^ bits[2 * k + 1]!, 0x01000193);
    }
    hash[j] = h;
  }
  const compare = (a: number, b: number): number => {
    if (hash[a] !== hash[b]) return hash[a]! < hash[b]! ? -1 : 1;
    const la = colPtr[a + 1]! - colPtr[a]!;
    const lb = colPtr[b + 1]! - colPtr[b]!;
    if (la !== lb) return la - lb;
    const oa = colPtr[a]!;
    const ob = colPtr[b]!;
    for (let k = 0; k < la; k++) {
      const d = rowOf[oa + k]! - rowOf[ob + k]!;
      if (d !== 0) return d;
    }
    for (let k = 0; k < la; k++) {
      const d = val[oa + k]! - val[ob + k]!;
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return 0;
  };
  const order = Int32Array.from({ length: cols }, (_, j) => j).sort(compare);
  const provisional = new Int32Array(cols);
  let nGroups = 0;
  for (let i = 0; i < cols; i++) {
    if (i > 0 && compare(order[i - 1]!, order[i]!) !== 0) nGroups++;
    provisional[order[i]!] = nGroups;
  }
  if (cols > 0) nGroups++;
  // renumber groups by their first column, so that rows of the reduced matrix stay sorted
  const renumber = new Int32Array(nGroups).fill(-1);
  const group = new Int32Array(cols);
  const isFirst = new Uint8Array(cols);
  const size = new Float64Array(nGroups);
  let q = 0;
  for (let j = 0; j < cols; j++) {
    const g = provisional[j]!;
    if (renumber[g]! < 0) {
      renumber[g] = q++;
      isFirst[j] = 1;
    }
    const ng = renumber[g]!;
    group[j] = ng;
    size[ng] = size[ng]! + 1;
  }
  const scale = size.map(Math.sqrt);
  const rIndptr = new Int32Array(rows + 1);
  let rn = 0;
  for (let r = 0; r < rows; r++) {
    for (let k = indptr[r]!; k < indptr[r + 1]!; k++) if (isFirst[indices[k]!]) rn++;
    rIndptr[r + 1] = rn;
  }
  const rIndices = new Int32Array(rn);
  const rData = new Float64Array(rn);
  let p = 0;
  for (let r = 0; r < rows; r++) {
    for (let k = indptr[r]!; k < indptr[r + 1]!; k++) {
      const j = indices[k]!;
      if (!isFirst[j]) continue;
      const g = group[j]!;
      rIndices[p] = g;
      rData[p++] = data[k]! * scale[g]!;
    }
  }
  return { reduced: new CsrMatrix(rows, q, rData, rIndices, rIndptr), group, scale };
}
