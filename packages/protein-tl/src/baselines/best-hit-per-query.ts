/**
 * Keeps the best hit of each query: the highest bit score, ties broken by the lower E-value, then by the first seen.
 *
 * @param hits - hits of any search tool (HMMER, BLAST, ...)
 * @param key - how to read the query name, bit score and E-value of a hit
 * @returns query name → its best hit
 * @example
 * ```ts
 * const best = bestHitPerQuery(parseBlastTabular(text), (h) => ({ query: h.query, score: h.bitScore, evalue: h.evalue }));
 * ```
 */
export function bestHitPerQuery<H>(hits: Iterable<H>, key: (hit: H) => { query: string; score: number; evalue: number }): Map<string, H> {
  const best = new Map<string, { hit: H; score: number; evalue: number }>();
  for (const hit of hits) {
    const k = key(hit);
    const cur = best.get(k.query);
    if (!cur || k.score > cur.score || (k.score === cur.score && k.evalue < cur.evalue)) best.set(k.query, { hit, score: k.score, evalue: k.evalue });
  }
  return new Map([...best].map(([q, v]) => [q, v.hit]));
}
