/** Index of the largest of `n` values starting at `offset` (the first on ties). */
export function argmax(a: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (a[offset + j]! > a[offset + best]!) best = j;
  return best;
}

/** Indices of the k largest of `n` values starting at `offset`, best first; among equal values the higher index first (as numpy's reversed argsort). */
export function topK(a: ArrayLike<number>, offset: number, n: number, k: number): number[] {
  return Array.from({ length: n }, (_, j) => j)
    .sort((x, y) => a[offset + y]! - a[offset + x]! || y - x)
    .slice(0, k);
}
