/**
 * The full Lund tree: every splitting of a jet's C/A tree with its place in the primary/secondary/… hierarchy.
 * @packageDocumentation
 */
import type { LundSplitting } from './lund-splitting';
import { lundSplitting } from './lund-splitting';
import { lundRoot, type LundDeclusteringOptions } from './primary-lund-declusterings';
import type { JetInput } from './recluster-jet';

/**
 * A splitting of the full Lund tree.
 * @example
 * ```ts
 * const tree = lundTree(jet);
 * tree.filter((s) => s.level === 1 && tree[s.parent]!.level === 0); // the secondary planes
 * ```
 */
export interface LundTreeSplitting extends LundSplitting {
  /** Lund plane it lives on: 0 for the primary plane, 1 for a plane opened by a primary emission, and so on. */
  readonly level: number;
  /** Index (in the returned list) of the splitting whose branch this one declusters; −1 for the root. */
  readonly parent: number;
  /** True when this splitting declusters the parent's softer branch (it opens a new Lund plane). */
  readonly fromSofter: boolean;
}

/**
 * Every splitting of a jet's Cambridge/Aachen tree, i.e. the primary Lund plane and all secondary, tertiary … planes.
 *
 * @remarks
 * Each internal node of the C/A tree (reclustered as in {@link primaryLundDeclusterings}) gives one splitting. Following
 * the harder branch stays on the same plane; following the softer branch opens a plane one level higher. The list is in
 * depth-first order, harder branch first, so the `level` 0 entries are exactly {@link primaryLundDeclusterings}, in
 * the same order. A jet of n particles has n − 1 splittings.
 *
 * @param jet - the jet's constituents or a clustering node
 * @param options - reclustering choice and radius
 * @returns all splittings, root first
 * @throws InvalidArgumentError for an empty jet or a bad option
 * @example
 * ```ts
 * const tree = lundTree(generateJets('gluon', 1, { seed: 4 })[0]!.constituents);
 * const secondary = tree.filter((s) => s.level === 1);
 * ```
 */
export function lundTree(jet: JetInput, options: LundDeclusteringOptions = {}): LundTreeSplitting[] {
  const out: LundTreeSplitting[] = [];
  const stack: { node: ReturnType<typeof lundRoot>; level: number; parent: number; fromSofter: boolean }[] = [
    { node: lundRoot(jet, options), level: 0, parent: -1, fromSofter: false },
  ];
  while (stack.length) {
    const { node, level, parent, fromSofter } = stack.pop()!;
    const s = lundSplitting(node);
    if (!s) continue;
    const index = out.length;
    out.push({ ...s, level, parent, fromSofter });
    // softer pushed first so that the harder branch (same plane) is visited first
    stack.push({ node: s.softer, level: level + 1, parent: index, fromSofter: true });
    stack.push({ node: s.harder, level, parent: index, fromSofter: false });
  }
  return out;
}
