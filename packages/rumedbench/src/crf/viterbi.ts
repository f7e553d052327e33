/**
 * Viterbi decoding of a first-order linear chain.
 * @packageDocumentation
 */

/**
 * The highest-scoring label sequence of one sentence, with CRFsuite's tie-breaking (the lowest label index wins).
 * @param state - `length * L` state scores, `state[t * L + y]`
 * @param trans - `L * L` transition scores, `trans[i * L + j]` for `i -> j`
 * @param length - the sentence length `T >= 0`
 * @param numLabels - `L`
 * @returns the label indices and the path's score
 */
export function viterbiDecode(
  state: ArrayLike<number>,
  trans: ArrayLike<number>,
  length: number,
  numLabels: number,
): { path: Int32Array; score: number } {
  const L = numLabels;
  const T = length;
  const path = new Int32Array(T);
  if (T === 0) return { path, score: 0 };
  const delta = new Float64Array(T * L);
  const back = new Int32Array(T * L);
  for (let y = 0; y < L; y++) delta[y] = state[y] as number;
  for (let t = 1; t < T; t++) {
    const o = t * L;
    const p = o - L;
    for (let j = 0; j < L; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < L; i++) {
        const s = (delta[p + i] as number) + (trans[i * L + j] as number);
        if (s > best) {
          best = s;
          arg = i;
        }
      }
      delta[o + j] = best + (state[o + j] as number);
      back[o + j] = arg;
    }
  }
  const last = (T - 1) * L;
  let best = -Infinity;
  let arg = 0;
  for (let y = 0; y < L; y++) {
    const s = delta[last + y] as number;
    if (s > best) {
      best = s;
      arg = y;
    }
  }
  path[T - 1] = arg;
  for (let t = T - 1; t > 0; t--) path[t - 1] = back[t * L + (path[t] as number)] as number;
  return { path, score: best };
}
