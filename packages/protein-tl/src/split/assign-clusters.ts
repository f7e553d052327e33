import { InvalidArgumentError, Rng } from '@lab/tensor-core';

/** The three sides of a split. */
export type SplitSide = 'train' | 'dev' | 'test';

/** The order of {@link SplitSide}s; ties in {@link assignClusters} go to the earlier one. */
export const SPLIT_SIDES: readonly SplitSide[] = Object.freeze(['train', 'dev', 'test']);

/** Target fraction of sequences per side (normalised to sum 1). */
export type SplitFractions = Readonly<Record<SplitSide, number>>;

/** Options of {@link assignClusters}. */
export interface AssignClustersOptions {
  /** Target fractions of each family's sequences. @default { train: 0.8, dev: 0.1, test: 0.1 } */
  fractions?: SplitFractions;
  /** Seed of the cluster order inside each family. @default 0 */
  seed?: number;
}

/** Result of {@link assignClusters}. */
export interface ClusterAssignment {
  /** Side of each item (index = item). */
  sides: SplitSide[];
  /** Side of each cluster (index = cluster). */
  clusterSides: SplitSide[];
  /** Family each cluster was stratified under (its most frequent family, ties → smallest name). */
  clusterFamilies: string[];
  /** Clusters whose members come from more than one family. */
  mixedClusters: number;
}

/**
 * Assigns whole clusters to train / dev / test, stratified by family: each cluster belongs to its majority family;
 * inside a family the clusters are visited in a seeded random order and each goes to the side furthest below its
 * target (`fraction × family size`, in sequences; ties → train, dev, test). No cluster is ever split across sides.
 * The result depends only on the partition and the seed, not on the order of `clusters`.
 *
 * @remarks With the default fractions the first cluster of every family goes to train, so every family with a dev or
 * test cluster also has training sequences (mixed-family clusters aside); a family that forms a single cluster is
 * train-only. Sizes per side therefore approach the targets only as far as the cluster sizes allow.
 *
 * @param clusters - member item indices of each cluster (every item in exactly one cluster)
 * @param families - family of each item
 * @param options - fractions and seed
 * @returns the side of every item and cluster
 * @throws InvalidArgumentError when an item is missing, repeated or out of range, or the fractions are invalid
 * @example
 * ```ts
 * const a = assignClusters([[0, 1], [2], [3]], ['PF1', 'PF1', 'PF1', 'PF1'], { seed: 1 });
 * console.log(a.sides); // e.g. ['train', 'train', 'dev', 'test']
 * ```
 */
export function assignClusters(clusters: readonly (readonly number[])[], families: readonly string[], options: AssignClustersOptions = {}): ClusterAssignment {
  const fractions = normaliseFractions(options.fractions ?? { train: 0.8, dev: 0.1, test: 0.1 });
  const n = families.length;
  const owner = new Int32Array(n).fill(-1);
  clusters.forEach((members, c) => {
    if (members.length === 0) throw new InvalidArgumentError('clusters', `Cluster ${c} is empty.`);
    for (const m of members) {
      if (!Number.isInteger(m) || m < 0 || m >= n) throw new InvalidArgumentError('clusters', `Cluster ${c} has member ${m}, outside 0..${n - 1}.`);
      if (owner[m] !== -1) throw new InvalidArgumentError('clusters', `Item ${m} is in clusters ${owner[m]} and ${c}; each item must be in exactly one cluster.`);
      owner[m] = c;
    }
  });
  const orphan = owner.indexOf(-1);
  if (orphan >= 0) throw new InvalidArgumentError('clusters', `Item ${orphan} is in no cluster; each item must be in exactly one cluster.`);

  const clusterFamilies: string[] = [];
  let mixedClusters = 0;
  const byFamily = new Map<string, number[]>();
  clusters.forEach((members, c) => {
    const counts = new Map<string, number>();
    for (const m of members) counts.set(families[m]!, (counts.get(families[m]!) ?? 0) + 1);
    if (counts.size > 1) mixedClusters++;
    let fam = '';
    let best = -1;
    for (const [f, k] of counts) if (k > best || (k === best && f < fam)) [fam, best] = [f, k];
    clusterFamilies.push(fam);
    const list = byFamily.get(fam);
    if (list) list.push(c);
    else byFamily.set(fam, [c]);
  });

  const rng = new Rng(options.seed ?? 0);
  const clusterSides: SplitSide[] = new Array<SplitSide>(clusters.length);
  for (const fam of [...byFamily.keys()].sort()) {
    // canonical order (by smallest member) first, so the result depends on the partition only, not on the order in
    // which the clustering tool listed the clusters
    const list = byFamily.get(fam)!.sort((x, y) => minOf(clusters[x]!) - minOf(clusters[y]!));
    const total = list.reduce((s, c) => s + clusters[c]!.length, 0);
    const assigned = [0, 0, 0];
    for (const p of rng.permutation(list.length)) {
      const c = list[p]!;
      let side = 0;
      let deficit = -Infinity;
      SPLIT_SIDES.forEach((s, k) => {
        const d = fractions[s] * total - assigned[k]!;
        if (d > deficit) [side, deficit] = [k, d];
      });
      clusterSides[c] = SPLIT_SIDES[side]!;
      assigned[side]! += clusters[c]!.length;
    }
  }
  const sides = Array.from(owner, (c) => clusterSides[c]!);
  return { sides, clusterSides, clusterFamilies, mixedClusters };
}

function minOf(members: readonly number[]): number {
  let m = Infinity;
  for (const x of members) if (x < m) m = x;
  return m;
}

function normaliseFractions(f: SplitFractions): SplitFractions {
  const values = SPLIT_SIDES.map((s) => f[s]);
  if (values.some((v) => !(v >= 0) || !Number.isFinite(v)) || values.every((v) => v === 0)) {
    throw new InvalidArgumentError('fractions', `fractions must be finite, >= 0 and not all 0; received ${JSON.stringify(f)}.`);
  }
  const sum = values.reduce((a, b) => a + b, 0);
  return { train: f.train / sum, dev: f.dev / sum, test: f.test / sum };
}
