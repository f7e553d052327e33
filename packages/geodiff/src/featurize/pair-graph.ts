import { InvalidArgumentError } from '@lab/tensor-core';
import { DEFAULT_CUTOFF, RADIUS_EDGE_TYPE } from './edge-types';
import type { MoleculeGraph } from './featurize';
import { type RadiusEdgesOptions, forEachRadiusEdge } from './radius-edges';

/**
 * A molecule's edges as unordered atom pairs, the form the exported network reads: GeoDiff's edges come in both
 * directions and everything the network computes on an edge except its messages is symmetric, so each pair is
 * evaluated once.
 */
export interface PairGraph {
  /** Flat `[2, P]`: first atoms (all `<` their partner), then second atoms; sorted by (first, second). */
  pairs: Int32Array;
  /** Edge type of each pair (bond type, 23/24 for 2/3 bonds apart, 0 for radius-only pairs). */
  type: Int32Array;
  /**
   * Flat `[P, 2]` 0/1 flags: whether the directed edge first → second and second → first exists. Local pairs have both;
   * a radius graph with a neighbour limit can hold one direction only. Absent for {@link localPairs}.
   */
  direction?: Float32Array;
  /** P. */
  numPairs: number;
}

/**
 * The order-extended bond graph of {@link featurize} as unordered pairs (every local edge has both directions).
 * @example
 * ```ts
 * const { pairs, type, numPairs } = localPairs(featurize(await parseSmiles('CCO')));
 * ```
 * @param graph - the molecule graph
 * @returns the pairs (i < j) and their types
 */
export function localPairs(graph: MoleculeGraph): PairGraph {
  const E = graph.numEdges;
  let P = 0;
  for (let e = 0; e < E; e++) if (graph.edgeIndex[e]! < graph.edgeIndex[E + e]!) P++;
  const pairs = new Int32Array(2 * P);
  const type = new Int32Array(P);
  let p = 0;
  for (let e = 0; e < E; e++) {
    const s = graph.edgeIndex[e]!;
    const t = graph.edgeIndex[E + e]!;
    if (s >= t) continue;
    pairs[p] = s;
    pairs[P + p] = t;
    type[p] = graph.edgeType[e]!;
    p++;
  }
  return { pairs, type, numPairs: P };
}

/** Per-molecule scratch of {@link radiusPairs}: the local edge types as an n × n matrix. */
const localTypeCache = new WeakMap<MoleculeGraph, Int32Array>();

function localTypeMatrix(graph: MoleculeGraph): Int32Array {
  let m = localTypeCache.get(graph);
  if (m === undefined) {
    const n = graph.numAtoms;
    m = new Int32Array(n * n).fill(-1);
    const E = graph.numEdges;
    for (let e = 0; e < E; e++) m[graph.edgeIndex[e]! * n + graph.edgeIndex[E + e]!] = graph.edgeType[e]!;
    localTypeCache.set(graph, m);
  }
  return m;
}

/**
 * The global (radius) graph of {@link radiusEdges} as unordered pairs with direction flags: the same edges, computed
 * in O(n²) typed-array work per molecule with no maps or sorting, for the sampler's per-step use.
 *
 * @remarks
 * A pair is present when it is a local edge (both directions, its local type) or when at least one of its directed
 * radius edges exists (type 0). Directed radius edges follow {@link radiusEdges}: for each centre atom i, the first
 * `maxNumNeighbors + 1` atoms in index order closer than `cutoff` (i itself among them) give the edges j → i.
 * @example
 * ```ts
 * const g = featurize(mol);
 * const global = radiusPairs(mol.coords!, g); // pairs, type, direction
 * ```
 * @param coords - atom-major coordinates (3 per atom of `graph`)
 * @param graph - the molecule graph from {@link featurize}
 * @param cutoff - radius in Å @default 10
 * @param options - `maxNumNeighbors` (default 32)
 * @returns pairs, types and direction flags
 * @throws InvalidArgumentError when the coordinates do not match the graph or the cutoff is not positive
 */
export function radiusPairs(coords: ArrayLike<number>, graph: MoleculeGraph, cutoff: number = DEFAULT_CUTOFF, options: RadiusEdgesOptions = {}): PairGraph & { direction: Float32Array } {
  const n = graph.numAtoms;
  if (coords.length !== 3 * n) throw new InvalidArgumentError('coords', `coords must hold 3 values for each of the ${n} atoms; got ${coords.length}.`);
  if (!(Number.isFinite(cutoff) && cutoff > 0)) throw new InvalidArgumentError('cutoff', `cutoff must be a positive number of Å, got ${cutoff}.`);
  const maxNeighbours = options.maxNumNeighbors ?? 32;
  const local = localTypeMatrix(graph);
  // edge[j * n + i] = 1 when the directed radius edge j -> i exists
  const edge = new Uint8Array(n * n);
  forEachRadiusEdge(coords, n, cutoff, maxNeighbours, (j, i) => {
    edge[j * n + i] = 1;
  });
  let P = 0;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (local[a * n + b]! >= 0 || edge[a * n + b] || edge[b * n + a]) P++;
  const pairs = new Int32Array(2 * P);
  const type = new Int32Array(P);
  const direction = new Float32Array(2 * P);
  let p = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const lt = local[a * n + b]!;
      const fwd = edge[a * n + b]!;
      const bwd = edge[b * n + a]!;
      if (lt < 0 && !fwd && !bwd) continue;
      pairs[p] = a;
      pairs[P + p] = b;
      type[p] = lt >= 0 ? lt : RADIUS_EDGE_TYPE;
      direction[2 * p] = lt >= 0 || fwd ? 1 : 0;
      direction[2 * p + 1] = lt >= 0 || bwd ? 1 : 0;
      p++;
    }
  }
  return { pairs, type, direction, numPairs: P };
}
