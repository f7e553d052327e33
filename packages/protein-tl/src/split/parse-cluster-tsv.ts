import { ProteinFormatError } from '../errors/protein-format-error';

/** One cluster: its representative and every member (the representative included, first). */
export interface SequenceCluster {
  /** Name of the representative sequence. */
  representative: string;
  /** Member names, representative first, then in file order. */
  members: string[];
}

/**
 * Parses MMseqs2's cluster TSV (`easy-cluster` / `easy-linclust` `*_cluster.tsv`, or `createtsv` of a clustering):
 * `representative<TAB>member` per line. Clusters come out in order of first appearance. `#` lines are skipped.
 *
 * @param text - the file's contents
 * @param source - file name for error messages @default '<cluster tsv>'
 * @returns the clusters
 * @throws {@link ProteinFormatError} `field-count` for a line without two columns, `duplicate-name` when a member
 * appears twice
 * @example
 * ```ts
 * parseClusterTsv('a\ta\na\tb\nc\tc\n'); // [{ representative: 'a', members: ['a', 'b'] }, { representative: 'c', members: ['c'] }]
 * ```
 */
export function parseClusterTsv(text: string, source = '<cluster tsv>'): SequenceCluster[] {
  const byRep = new Map<string, SequenceCluster>();
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split('\t');
    if (f.length !== 2 || !f[0] || !f[1]) {
      throw new ProteinFormatError(source, 'field-count', `expected "representative<TAB>member", found ${f.length} column(s).`, { line: i + 1 });
    }
    const [rep, member] = f as [string, string];
    if (seen.has(member)) throw new ProteinFormatError(source, 'duplicate-name', `member "${member}" is listed twice.`, { line: i + 1, record: member });
    seen.add(member);
    let c = byRep.get(rep);
    if (!c) {
      c = { representative: rep, members: [] };
      byRep.set(rep, c);
    }
    if (member === rep) c.members.unshift(member);
    else c.members.push(member);
  }
  return [...byRep.values()];
}
