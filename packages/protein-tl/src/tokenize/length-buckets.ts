import { InvalidArgumentError, type Rng } from '@lab/tensor-core';

/** Options of {@link lengthBuckets}. */
export interface LengthBucketOptions {
  /** At most this many items per batch. */
  batchSize?: number;
  /**
   * At most this many padded tokens per batch (rows × longest row). An item longer than this alone forms its own batch.
   */
  maxTokens?: number;
  /** Shuffle the order of the batches (not their contents) with this generator, e.g. for training. */
  rng?: Rng;
}

/**
 * Groups items of similar length into batches, so that little padding is computed.
 *
 * @remarks Items are sorted by length (ties keep input order) and cut greedily into batches that respect both limits;
 * at least one limit is required. Batches come in increasing length unless `rng` shuffles them.
 *
 * @param lengths - each item's length (e.g. token count)
 * @param options - batch size, token budget, shuffling
 * @returns batches of item indices; every index appears exactly once
 * @throws InvalidArgumentError when no limit is given, a limit is not a positive integer, or a length is negative
 * @example
 * ```ts
 * lengthBuckets([5, 100, 7, 98], { batchSize: 2 }); // [[0, 2], [3, 1]]
 * ```
 */
export function lengthBuckets(lengths: ArrayLike<number>, options: LengthBucketOptions): number[][] {
  const { batchSize = Infinity, maxTokens = Infinity, rng } = options;
  if (options.batchSize === undefined && options.maxTokens === undefined) {
    throw new InvalidArgumentError('options', 'lengthBuckets needs batchSize, maxTokens, or both.');
  }
  for (const [name, v] of [['batchSize', options.batchSize], ['maxTokens', options.maxTokens]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new InvalidArgumentError(name, `${name} must be a positive integer, received ${v}.`);
  }
  const order = Array.from({ length: lengths.length }, (_, i) => i);
  for (let i = 0; i < lengths.length; i++) {
    const l = lengths[i]!;
    if (!Number.isFinite(l) || l < 0) throw new InvalidArgumentError('lengths', `Length ${i} is ${l}; lengths are non-negative numbers.`);
  }
  order.sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const len = lengths[i]!;
    if (current.length > 0 && (current.length + 1 > batchSize || (current.length + 1) * len > maxTokens)) {
      batches.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) batches.push(current);
  return rng ? rng.permutation(batches.length).map((k) => batches[k]!) : batches;
}
