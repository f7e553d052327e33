/**
 * The binary clustering tree a recursive network reads: a jet's constituents reclustered with C/A, kt or anti-kt,
 * flattened into arrays with children before parents and the harder child on the left.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import type { ClusterNode } from '../cluster/cluster-node';
import { parseJetAlgorithm } from '../cluster/jet-definition';
import { RECLUSTER_RADIUS, reclusterJet, type JetInput } from '../lund/recluster-jet';

/** The reclustering algorithms a RecNN tree can follow. */
export type TreeAlgorithm = 'ca' | 'kt' | 'antikt';

/**
 * Options of {@link buildJetTree}.
 * @example
 * ```ts
 * buildJetTree(jet, { algorithm: 'kt' });
 * ```
 */
export interface JetTreeOptions {
  /** Reclustering algorithm: `ca` (Cambridge/Aachen), `kt` or `antikt` (aliases as {@link parseJetAlgorithm}). @default 'ca' */
  algorithm?: TreeAlgorithm | string;
  /** Reclustering radius, large enough to hold the whole jet in one tree. @default RECLUSTER_RADIUS (1000) */
  radius?: number;
}

/**
 * A jet's binary clustering tree as flat arrays (node `k` of `size`).
 *
 * @remarks
 * Nodes are in post-order with the harder child first: every child comes before its parent and the root is the last
 * node (`root === size − 1`). Leaves are the constituents; an internal node's four-momentum is the E-scheme sum of its
 * two children's. `left[k]` is the child with the larger p⊥ (Louppe et al.'s convention; ties broken by E, then px, py,
 * pz, so the tree does not depend on the constituents' order), `right[k]` the other; both are −1 for leaves. A jet of one
 * constituent is a single leaf that is also the root.
 * @example
 * ```ts
 * const tree = buildJetTree(generateJets('w', 1, { seed: 1 })[0]!.constituents);
 * tree.size;                 // 2 × constituents − 1
 * tree.left[tree.root];      // the harder branch of the last (widest-angle for C/A) merge
 * ```
 */
export interface JetTree {
  /** Number of nodes (2n − 1 for n constituents in the tree). */
  readonly size: number;
  /** Number of leaves (constituents in the tree). */
  readonly leaves: number;
  /** Index of the root node (always `size − 1`). */
  readonly root: number;
  /** Four-momenta `[px, py, pz, E]` of node k at `4k … 4k + 3` (GeV). */
  readonly momenta: Float64Array;
  /** Harder child of node k, −1 for a leaf. */
  readonly left: Int32Array;
  /** Softer child of node k, −1 for a leaf. */
  readonly right: Int32Array;
  /** Parent of node k, −1 for the root. */
  readonly parent: Int32Array;
  /** Distance from the root (the root has depth 0). */
  readonly depth: Int32Array;
  /** For a leaf: the index of its constituent in `jetConstituents(jet)` order; −1 for internal nodes. */
  readonly particle: Int32Array;
  /** The node's index in the history of the reclustering `ClusterSequence` (`reclusterJet(jet, options)` gives the same). */
  readonly historyId: Int32Array;
  /** The reclustering algorithm. */
  readonly algorithm: TreeAlgorithm;
}

/**
 * The reclustering algorithm of a tree, checked.
 * @param name - `ca`, `kt`, `antikt` or an alias ({@link parseJetAlgorithm})
 * @returns the canonical name
 * @throws InvalidArgumentError for genkt or an unknown name
 * @example
 * ```ts
 * parseTreeAlgorithm('cambridge'); // 'ca'
 * ```
 */
export function parseTreeAlgorithm(name: string): TreeAlgorithm {
  const algorithm = parseJetAlgorithm(name);
  if (algorithm === 'genkt') {
    throw new InvalidArgumentError('algorithm', 'RecNN trees follow ca, kt or antikt reclustering; received genkt.');
  }
  return algorithm;
}

/** True when `a` goes left of `b`: larger pt², then larger E, px, py, pz. */
function harderFirst(a: ClusterNode, b: ClusterNode): boolean {
  const pa = a.pt2;
  const pb = b.pt2;
  if (pa !== pb) return pa > pb;
  if (a.e !== b.e) return a.e > b.e;
  if (a.px !== b.px) return a.px > b.px;
  if (a.py !== b.py) return a.py > b.py;
  return a.pz >= b.pz;
}

/**
 * Reclusters a jet's constituents and flattens the tree for a recursive network.
 *
 * @remarks
 * The constituents are reclustered with {@link reclusterJet} (C/A by default, at R = 1000 so that the jet is one tree).
 * Particles that such a radius still leaves outside (only zero-p⊥ particles along the beam, at rapidity ±1e5) are not in
 * the tree: `leaves` is then smaller than the number of constituents. The result depends on the constituents, not on
 * their order (up to exactly equal clustering distances).
 *
 * @param jet - the jet's constituents (a ParticleEvent or four-momenta) or a clustering node
 * @param options - reclustering algorithm (default `ca`) and radius
 * @returns the flattened tree
 * @throws InvalidArgumentError for a jet without constituents or a bad option; InvalidParticleError for an unphysical
 * four-momentum in an array
 * @example
 * ```ts
 * const [top] = generateJets('top', 1, { seed: 2 });
 * const tree = buildJetTree(top!.constituents, { algorithm: 'kt' });
 * console.log(tree.size, Math.max(...tree.depth));
 * ```
 */
export function buildJetTree(jet: JetInput, options: JetTreeOptions = {}): JetTree {
  const algorithm = parseTreeAlgorithm(options.algorithm ?? 'ca');
  const root = reclusterJet(jet, { algorithm, radius: options.radius ?? RECLUSTER_RADIUS });
  const leaves = root.constituentCount;
  const size = 2 * leaves - 1;
  // Pre-order visiting a node, then its right (softer) subtree, then its left one; reversed, it is the post-order with
  // the harder child first.
  const pre: ClusterNode[] = new Array<ClusterNode>(size);
  const preParent = new Int32Array(size);
  const preDepth = new Int32Array(size);
  const stack: ClusterNode[] = [root];
  const stackParent: number[] = [-1];
  const stackDepth: number[] = [0];
  let n = 0;
  while (stack.length) {
    const node = stack.pop()!;
    const parent = stackParent.pop()!;
    const depth = stackDepth.pop()!;
    pre[n] = node;
    preParent[n] = parent;
    preDepth[n] = depth;
    const children = node.children;
    if (children) {
      const [a, b] = children;
      const [hard, soft] = harderFirst(a, b) ? [a, b] : [b, a];
      // pushed last is visited first: right (soft) before left (hard)
      stack.push(hard, soft);
      stackParent.push(n, n);
      stackDepth.push(depth + 1, depth + 1);
    }
    n++;
  }
  const momenta = new Float64Array(4 * size);
  const left = new Int32Array(size).fill(-1);
  const right = new Int32Array(size).fill(-1);
  const parent = new Int32Array(size).fill(-1);
  const depth = new Int32Array(size);
  const particle = new Int32Array(size).fill(-1);
  const historyId = new Int32Array(size);
  // post-order index of pre-order entry i is size − 1 − i
  for (let i = 0; i < size; i++) {
    const k = size - 1 - i;
    const node = pre[i]!;
    momenta[4 * k] = node.px;
    momenta[4 * k + 1] = node.py;
    momenta[4 * k + 2] = node.pz;
    momenta[4 * k + 3] = node.e;
    depth[k] = preDepth[i]!;
    historyId[k] = node.id;
    if (node.isParticle) particle[k] = node.particleIndex;
    const p = preParent[i]!;
    if (p >= 0) {
      const pk = size - 1 - p;
      parent[k] = pk;
      // the soft child is visited right after its parent in pre-order; the hard one later
      if (i === p + 1) right[pk] = k;
      else left[pk] = k;
    }
  }
  return { size, leaves, root: size - 1, momenta, left, right, parent, depth, particle, historyId, algorithm };
}
