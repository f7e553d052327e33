import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from '@lab/tensor-core';

/**
 * Resolves the `threads` option of the baselines and the split builder.
 * @param threads - requested count, or undefined for the default
 * @returns a positive integer, by default `min(4, availableParallelism())`
 * @throws InvalidArgumentError when `threads` is not a positive integer
 * @example
 * ```ts
 * checkThreads(2); // 2
 * ```
 */
export function checkThreads(threads: number | undefined): number {
  const t = threads ?? Math.min(4, availableParallelism());
  if (!Number.isInteger(t) || t < 1) throw new InvalidArgumentError('threads', `threads must be a positive integer, received ${t}.`);
  return t;
}
