/**
 * Majority vote of ensemble members.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';

/**
 * Per query, the class most members predicted. Ties go to the smallest class index among the tied classes (as
 * `numpy.argmax(numpy.bincount(votes))` and `scipy.stats.mode`).
 * @param votes - one prediction array per member, all of the same length
 * @returns the voted class per query
 * @throws InvalidArgumentError for no members, members of different lengths, or a vote that is not a class index ≥ 0
 * @example
 * ```ts
 * majorityVote([Int32Array.of(1, 2), Int32Array.of(1, 0), Int32Array.of(3, 0)]); // Int32Array [1, 0]
 * ```
 */
export function majorityVote(votes: readonly ArrayLike<number>[]): Int32Array {
  if (!Array.isArray(votes) || votes.length === 0) throw new InvalidArgumentError('votes', 'majorityVote needs at least one member’s predictions.');
  const m = votes[0]!.length;
  votes.forEach((v, k) => {
    if (v.length !== m) throw new InvalidArgumentError('votes', `member ${k} has ${v.length} predictions; member 0 has ${m}.`);
  });
  const out = new Int32Array(m);
  const seen: number[] = [];
  const counts = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    counts.clear();
    seen.length = 0;
    for (let k = 0; k < votes.length; k++) {
      const c = votes[k]![i]!;
      if (!(Number.isInteger(c) && c >= 0)) throw new InvalidArgumentError('votes', `member ${k} votes ${c} for query ${i}; votes must be class indices ≥ 0.`);
      const prev = counts.get(c);
      if (prev === undefined) seen.push(c);
      counts.set(c, (prev ?? 0) + 1);
    }
    let best = -1;
    let bestCount = 0;
    for (const c of seen) {
      const n = counts.get(c)!;
      if (n > bestCount || (n === bestCount && c < best)) {
        best = c;
        bestCount = n;
      }
    }
    out[i] = best;
  }
  return out;
}
