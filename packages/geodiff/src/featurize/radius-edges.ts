import { InvalidArgumentError } from '@lab/tensor-core';
import { DEFAULT_CUTOFF, RADIUS_EDGE_TYPE } from './edge-types';

/** Edges to extend: flat `[2, E]` indices (sources, then targets) and their types, e.g. from {@link featurize}. */
export interface TypedEdges {
  edgeIndex: Int32Array;
  edgeType: Int32Array;
}

/** The result of {@link radiusEdges}: the given edges plus the new radius edges, sorted by (source, target). */
export interface RadiusGraph extends TypedEdges {
  /** E, the number of directed edges. */
  numEdges: number;
  /** How many of them are new radius edges (type {@link RADIUS_EDGE_TYPE}). */
  numRadiusEdges: number;
}

/** Options of {@link radiusEdges}. */
export interface RadiusEdgesOptions {
  /**
   * At most this many radius neighbours per atom, as torch_cluster's `radius_graph(max_num_neighbors=32)` that GeoDiff
   * calls with its default. Default 32; pass `Infinity` for every pair within the cutoff.
   */
  maxNumNeighbors?: number;
}

/**
 * Adds GeoDiff's radius-graph edges for the global (SchNet) encoder to a molecule's edges, from the current
 * coordinates: every ordered pair of distinct atoms closer than `cutoff` that is not already an edge becomes an edge of
 * type {@link RADIUS_EDGE_TYPE} (0); the given edges keep their types, even when longer than the cutoff.
 *
 * @remarks
 * Follows `_extend_to_radius_graph` in GeoDiff's `models/common.py`: `radius_graph(pos, r=cutoff)` (torch_geometric
 * over torch_cluster) gives pairs with distance < cutoff (strict), no self loops; they are added to the sparse
 * adjacency of the given edges with value `unspecified_type_number = 0` and `coalesce()`d, so existing pairs keep their
 * type (type + 0) and the result is sorted by (source, target). In the network, `edgeType > 0` marks local edges
 * (`is_local_edge`) and `edgeType === 0` radius edges (`is_radius_edge`).
 *
 * `radius_graph` keeps at most `max_num_neighbors` (default 32) neighbours per atom. This follows torch_cluster's CUDA
 * kernel, on which GeoDiff was trained: for each centre atom i the candidates j are scanned in index order, the first
 * `maxNumNeighbors + 1` within the cutoff are taken (i itself included, as it is at distance 0), then i is dropped; each
 * kept j gives the edge j → i (`flow='source_to_target'`). The pairs are therefore symmetric unless some atom has more
 * than `maxNumNeighbors` atoms within the cutoff; torch_cluster's CPU kernel picks the kept neighbours in kd-tree order
 * instead. Distances are computed in float64 here (float32 in PyTorch), which can only matter for a pair within
 * rounding of the cutoff.
 *
 * @example
 * ```ts
 * const g = featurize(molecule);
 * const global = radiusEdges(molecule.coords!, g); // cutoff 10 Å
 * ```
 * @param coords - atom-major coordinates `[x0, y0, z0, x1, ...]` in Å (length 3N)
 * @param existing - the edges to keep (indices < N, no repeated pair), e.g. `featurize(mol)`
 * @param cutoff - the radius in Å (default 10, GeoDiff's `cutoff`)
 * @param options - `maxNumNeighbors` (default 32)
 * @throws InvalidArgumentError for coordinates that are not 3N finite numbers, a non-positive cutoff, malformed or
 *   repeated edges, or an invalid `maxNumNeighbors`
 */
export function radiusEdges(coords: ArrayLike<number>, existing: TypedEdges, cutoff: number = DEFAULT_CUTOFF, options: RadiusEdgesOptions = {}): RadiusGraph {
  if (coords.length % 3 !== 0) throw new InvalidArgumentError('coords', `coords must hold 3 values per atom; got ${coords.length} values.`);
  for (let k = 0; k < coords.length; k++) {
    if (!Number.isFinite(coords[k])) throw new InvalidArgumentError('coords', `coords[${k}] is ${coords[k]}; coordinates must be finite.`);
  }
  if (!(Number.isFinite(cutoff) && cutoff > 0)) throw new InvalidArgumentError('cutoff', `cutoff must be a positive number of Å, got ${cutoff}.`);
  const maxNeighbours = options.maxNumNeighbors ?? 32;
  if (!(maxNeighbours === Infinity || (Number.isInteger(maxNeighbours) && maxNeighbours >= 1))) {
    throw new InvalidArgumentError('maxNumNeighbors', `maxNumNeighbors must be a positive integer or Infinity, got ${maxNeighbours}.`);
  }
  const n = coords.length / 3;
  const e0 = existing.edgeType.length;
  if (existing.edgeIndex.length !== 2 * e0) {
    throw new InvalidArgumentError('existing', `edgeIndex must hold 2 x ${e0} indices (one [2, E] array for ${e0} edge types); it holds ${existing.edgeIndex.length}.`);
  }

  const typeOf = new Map<number, number>();
  for (let e = 0; e < e0; e++) {
    const s = existing.edgeIndex[e]!;
    const t = existing.edgeIndex[e0 + e]!;
    if (s < 0 || t < 0 || s >= n || t >= n) throw new InvalidArgumentError('existing', `edge ${e} (${s} -> ${t}) refers to an atom outside 0..${n - 1}.`);
    const key = s * n + t;
    if (typeOf.has(key)) throw new InvalidArgumentError('existing', `edge ${e} (${s} -> ${t}) is repeated.`);
    typeOf.set(key, existing.edgeType[e]!);
  }

  let numRadiusEdges = 0;
  forEachRadiusEdge(coords, n, cutoff, maxNeighbours, (j, i) => {
    const key = j * n + i;
    if (!typeOf.has(key)) {
      typeOf.set(key, RADIUS_EDGE_TYPE);
      numRadiusEdges++;
    }
  });

  const keys = [...typeOf.keys()].sort((a, b) => a - b);
  const numEdges = keys.length;
  const edgeIndex = new Int32Array(2 * numEdges);
  const edgeType = new Int32Array(numEdges);
  keys.forEach((key, e) => {
    edgeIndex[e] = Math.floor(key / n);
    edgeIndex[numEdges + e] = key % n;
    edgeType[e] = typeOf.get(key)!;
  });
  return { edgeIndex, edgeType, numEdges, numRadiusEdges };
}

/**
 * Calls `visit(j, i)` for every directed radius edge j → i of torch_cluster's `radius_graph` (CUDA order): for each
 * centre atom i, the first `maxNeighbours + 1` atoms in index order closer than `cutoff` (i itself among them, then
 * dropped).
 * @internal
 */
export function forEachRadiusEdge(coords: ArrayLike<number>, n: number, cutoff: number, maxNeighbours: number, visit: (j: number, i: number) => void): void {
  const r2 = cutoff * cutoff;
  const take = maxNeighbours + 1; // the centre atom counts among the candidates, then is dropped
  for (let i = 0; i < n; i++) {
    const xi = coords[3 * i]!;
    const yi = coords[3 * i + 1]!;
    const zi = coords[3 * i + 2]!;
    let found = 0;
    for (let j = 0; j < n && found < take; j++) {
      const dx = coords[3 * j]! - xi;
      const dy = coords[3 * j + 1]! - yi;
      const dz = coords[3 * j + 2]! - zi;
      if (dx * dx + dy * dy + dz * dz >= r2) continue;
      found++;
      if (j !== i) visit(j, i);
    }
  }
}
