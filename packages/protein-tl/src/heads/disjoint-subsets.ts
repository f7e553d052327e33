/**
 * Seeded split of row indices into disjoint subsets (the ensemble members' training sets).
 * @packageDocumentation
 */
import { InvalidArgumentError, Rng } from '@lab/tensor-core';

/**
 * Shuffles `0 … n-1` with a seeded {@link Rng} and cuts the permutation into `parts` disjoint subsets whose sizes
 * differ by at most one (the first `n mod parts` subsets get the extra row). Each subset is sorted ascending.
 * @param n - number of rows
 * @param parts - number of subsets
 * @param seed - seed of the shuffle @default 0
 * @returns the row indices of each subset
 * @throws InvalidArgumentError when parts is not an integer in 1…n
 * @example
 * ```ts
 * const subsets = disjointSubsets(25_000, 10, 1); // 10 × 2 500 rows
 * ```
 */
export function disjointSubsets(n: number, parts: number, seed = 0): Int32Array[] {
  if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError('n', `n must be a positive integer; received ${n}.`);
  if (!(Number.isInteger(parts) && parts >= 1 && parts <= n)) throw new InvalidArgumentError('parts', `parts must be an integer in 1…${n} (the number of rows); received ${parts}.`);
  const order = new Rng(seed).permutation(n);
  const base = Math.floor(n / parts);
  const extra = n % parts;
  const out: Int32Array[] = [];
  let at = 0;
  for (let k = 0; k < parts; k++) {
    const size = base + (k < extra ? 1 : 0);
    out.push(Int32Array.from(order.slice(at, at + size)).sort());
    at += size;
  }
  return out;
}
