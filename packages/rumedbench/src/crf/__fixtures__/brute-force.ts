/** Brute-force references for tests: every label sequence of a tiny chain enumerated. */

/** Calls `visit` with every label sequence of length `T` over `L` labels. */
export function forEachSequence(T: number, L: number, visit: (seq: readonly number[]) => void): void {
  const seq = new Array<number>(T).fill(0);
  for (;;) {
    visit(seq);
    let t = T - 1;
    while (t >= 0 && seq[t] === L - 1) seq[t--] = 0;
    if (t < 0) return;
    seq[t] = (seq[t] as number) + 1;
  }
}

/** The score of one sequence. */
export function sequenceScore(state: ArrayLike<number>, trans: ArrayLike<number>, L: number, seq: readonly number[]): number {
  let s = 0;
  for (let t = 0; t < seq.length; t++) {
    s += state[t * L + (seq[t] as number)] as number;
    if (t > 0) s += trans[(seq[t - 1] as number) * L + (seq[t] as number)] as number;
  }
  return s;
}

/** log Z, node marginals, summed edge marginals and the argmax by enumeration. */
export function bruteForce(state: ArrayLike<number>, trans: ArrayLike<number>, T: number, L: number) {
  const scores: { seq: number[]; score: number }[] = [];
  forEachSequence(T, L, (seq) => scores.push({ seq: [...seq], score: sequenceScore(state, trans, L, seq) }));
  const max = Math.max(...scores.map((s) => s.score));
  const Z = scores.reduce((acc, s) => acc + Math.exp(s.score - max), 0);
  const logZ = max + Math.log(Z);
  const node = new Float64Array(T * L);
  const edge = new Float64Array(L * L);
  let best = scores[0] as { seq: number[]; score: number };
  for (const s of scores) {
    const p = Math.exp(s.score - logZ);
    for (let t = 0; t < T; t++) {
      const k = t * L + (s.seq[t] as number);
      node[k] = (node[k] as number) + p;
    }
    for (let t = 1; t < T; t++) {
      const k = (s.seq[t - 1] as number) * L + (s.seq[t] as number);
      edge[k] = (edge[k] as number) + p;
    }
    if (s.score > best.score) best = s;
  }
  return { logZ, node, edge, best };
}
