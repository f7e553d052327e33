import { InvalidArgumentError } from '@lab/tensor-core';
import type { BondKind } from '../molecule/molecule';

/**
 * Edge-type ids of bonds, as GeoDiff numbers them: the value of RDKit's `BondType` enum.
 *
 * @remarks
 * GeoDiff's `utils/chem.py` defines `BOND_TYPES = {t: i for i, t in enumerate(BondType.names.values())}`; the enum
 * is listed in value order (UNSPECIFIED = 0, SINGLE = 1, DOUBLE = 2, TRIPLE = 3, ..., AROMATIC = 12, ..., ZERO = 21),
 * so a bond's edge type is its RDKit enum value and aromatic bonds are 12, not 4. `utils/datasets.py`
 * (`rdmol_to_data`) assigns `BOND_TYPES[bond.GetBondType()]` to both directions of every bond, on RDKit molecules
 * with aromatic flags (not kekulised).
 */
export const BOND_TYPE_IDS: Readonly<Record<BondKind, number>> = Object.freeze({ single: 1, double: 2, triple: 3, aromatic: 12 });

/**
 * `len(BOND_TYPES)` in GeoDiff: the number of RDKit `BondType` values in RDKit 2020.09 (GeoDiff's env.yml), 22.
 * Extended (k-hop) edge types are offset past it; `models/encoder/edge.py` notes `NUM_BOND_TYPES = 22` and embeds
 * edge types with `Embedding(100, ...)`.
 */
export const NUM_BOND_TYPES = 22;

/** The edge type of radius-graph edges that are not already bond or k-hop edges (GeoDiff `unspecified_type_number`). */
export const RADIUS_EDGE_TYPE = 0;

/** GeoDiff's default `edge_order` (configs `qm9_default.yml`, `drugs_default.yml`): bonds, angles, dihedrals. */
export const DEFAULT_EDGE_ORDER = 3;

/** GeoDiff's default radius-graph cutoff in Å (configs: `cutoff: 10.0`). */
export const DEFAULT_CUTOFF = 10;

/**
 * The edge type of a pair of atoms `k` bonds apart (k ≥ 2) in GeoDiff's order-extended graph: `NUM_BOND_TYPES + k - 1`
 * (23 for 2-hop "angle" edges, 24 for 3-hop "dihedral" edges), from `_extend_graph_order`:
 * `type_highorder = torch.where(adj_order > 1, num_types + adj_order - 1, 0)`.
 * @param hops - the shortest-path distance in bonds, an integer ≥ 2
 */
export function extendedEdgeType(hops: number): number {
  if (!Number.isInteger(hops) || hops < 2) throw new InvalidArgumentError('hops', `hops must be an integer >= 2 (bonds keep their bond type), got ${hops}.`);
  return NUM_BOND_TYPES + hops - 1;
}
