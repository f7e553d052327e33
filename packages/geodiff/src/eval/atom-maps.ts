import type { Log, Mol } from '@rdkit/rdkit';
import { InvalidArgumentError } from '@lab/tensor-core';
import type { BondKind, Molecule } from '../molecule/molecule';
import { type RDKitModule, loadedRDKit, takeRDKitLog } from '../molecule/rdkit';
import { toMolBlock } from '../molecule/sdf';
import { GraphMismatchError } from './errors';

/**
 * The atom maps between a probe and a reference molecule under which {@link bestRmsdFromAtomMaps} aligns them: the
 * symmetry-equivalent atom orders that RDKit's `GetBestRMS` tries.
 *
 * @remarks
 * Only the atoms that RDKit's `RemoveHs` keeps are compared (heavy atoms, plus the rare hydrogens it keeps). One map
 * pairs `probeAtoms[k]` with `referenceAtoms[m][k]` for every `k`; indices are into `Molecule.atoms` of the probe and
 * the reference, so the maps apply to every conformer of those two molecular graphs (same atoms in the same order).
 */
export interface AtomMaps {
  /** Probe atom indices of the compared atoms. */
  probeAtoms: Int32Array;
  /** One array per map: the reference atom index matched to each entry of `probeAtoms`. At least one map. */
  referenceAtoms: Int32Array[];
  /** True when the search stopped at `maxMatches` maps, so that symmetry-equivalent maps may be missing. */
  truncated: boolean;
}

/** Options of {@link findAtomMaps} and the functions built on it. */
export interface AtomMapOptions {
  /**
   * The most atom maps to enumerate (RDKit `GetBestRMS`'s `maxMatches`).
   * @default 1_000_000
   */
  maxMatches?: number;
  /**
   * Treat the O/N atoms of conjugated terminal groups (carboxylate, nitro, amidine, …) as equivalent regardless of
   * formal charge and single/double bond order, as `GetBestRMS(..., symmetrizeConjugatedTerminalGroups=True)` does.
   * @default true
   */
  symmetrizeConjugatedTerminalGroups?: boolean;
}

/**
 * The default of {@link AtomMapOptions.maxMatches}: RDKit `GetBestRMS`'s default `maxMatches`.
 * @remarks Molecules with many equivalent groups (e.g. several tert-butyls) have many maps, each costing one Kabsch
 * superposition per conformer pair; a smaller cap trades exactness for time, and `AtomMaps.truncated` says when it bit.
 * @example
 * ```ts
 * const maps = await findAtomMaps(probe, reference, { maxMatches: DEFAULT_MAX_MATCHES / 100 });
 * ```
 */
export const DEFAULT_MAX_MATCHES = 1_000_000;

/** A molecular graph as compared here: its kept atoms and the bonds between them. @internal */
interface KeptGraph {
  /** Indices (into `Molecule.atoms`) of the atoms `RemoveHs` keeps, ascending. */
  atoms: number[];
  /** Bonds between kept atoms, as positions into `atoms`. */
  bonds: Array<{ a: number; b: number; type: BondKind }>;
}

const BOND_SMARTS: Record<BondKind, string> = { single: '-', double: '=', triple: '#', aromatic: ':' };

/**
 * The atoms RDKit's `RemoveHs` (default parameters) keeps: all non-hydrogens, and hydrogens that are not bonded to
 * exactly one non-hydrogen atom (bridging hydrogens, H2, isolated H).
 *
 * @remarks
 * `RemoveHs` also keeps isotopic hydrogens and hydrogens that define a double bond's stereo in molecules with
 * perceived E/Z stereo; a {@link Molecule} carries neither isotopes nor bond stereo, and RDKit assigns no E/Z stereo
 * to conformers read from a molblock's 3D coordinates, so those hydrogens are removed here as they are there.
 * @internal
 */
export function keptGraph(molecule: Molecule): KeptGraph {
  const n = molecule.atoms.length;
  const neighbours: number[][] = Array.from({ length: n }, () => []);
  for (const { i, j } of molecule.bonds) {
    neighbours[i]?.push(j);
    neighbours[j]?.push(i);
  }
  const keep = molecule.atoms.map((atom, a) => {
    if (atom.atomicNumber !== 1) return true;
    const nbrs = neighbours[a] ?? [];
    return !(nbrs.length === 1 && molecule.atoms[nbrs[0]!]!.atomicNumber !== 1);
  });
  const position = new Int32Array(n).fill(-1);
  const atoms: number[] = [];
  keep.forEach((k, a) => {
    if (k) {
      position[a] = atoms.length;
      atoms.push(a);
    }
  });
  const bonds = molecule.bonds
    .filter((bond) => keep[bond.i] && keep[bond.j])
    .map((bond) => ({ a: position[bond.i]!, b: position[bond.j]!, type: bond.type }));
  return { atoms, bonds };
}

/**
 * The terminal O/N atoms (positions into `graph.atoms`) that RDKit's `symmetrizeConjugatedTerminalGroups` relaxes,
 * and the bonds (indices into `graph.bonds`) that become "single or double": a terminal (degree 1) O or N singly
 * bonded to an atom that is doubly bonded to another terminal O or N, or doubly bonded to one singly bonded to one.
 * @internal
 */
export function conjugatedTerminalGroups(molecule: Molecule, graph: KeptGraph): { atoms: Set<number>; bonds: Set<number> } {
  const incident: number[][] = graph.atoms.map(() => []);
  graph.bonds.forEach((bond, index) => {
    incident[bond.a]!.push(index);
    incident[bond.b]!.push(index);
  });
  const z = (p: number): number => molecule.atoms[graph.atoms[p]!]!.atomicNumber;
  const isTerminalON = (p: number): boolean => (z(p) === 7 || z(p) === 8) && incident[p]!.length === 1;
  const other = (bondIndex: number, p: number): number => {
    const bond = graph.bonds[bondIndex]!;
    return bond.a === p ? bond.b : bond.a;
  };
  const atoms = new Set<number>();
  const bonds = new Set<number>();
  graph.atoms.forEach((_, p) => {
    if (!isTerminalON(p)) return;
    const own = incident[p]![0]!;
    const ownType = graph.bonds[own]!.type;
    if (ownType !== 'single' && ownType !== 'double') return;
    const centre = other(own, p);
    const wanted: BondKind = ownType === 'single' ? 'double' : 'single';
    const partner = incident[centre]!.some((b) => b !== own && graph.bonds[b]!.type === wanted && isTerminalON(other(b, centre)));
    if (partner) {
      atoms.add(p);
      bonds.add(own);
    }
  });
  return { atoms, bonds };
}

/**
 * A SMARTS query for the kept graph of the probe that matches a target atom the way RDKit's `Atom::Match` matches a
 * plain query atom (same element; same formal charge when the query atom is charged; in at least as many rings) and a
 * bond the way `Bond::Match` does (same bond type), with relaxed terminal groups. `order[k]` is the position (into
 * `graph.atoms`) of the k-th atom of the SMARTS.
 * @internal
 */
export function queryForGraph(
  molecule: Molecule,
  graph: KeptGraph,
  ringCounts: ArrayLike<number> | undefined,
  relaxed: { atoms: Set<number>; bonds: Set<number> },
): { smarts: string; order: number[] } {
  const n = graph.atoms.length;
  const adjacency: Array<Array<{ to: number; bond: number }>> = Array.from({ length: n }, () => []);
  graph.bonds.forEach((bond, index) => {
    adjacency[bond.a]!.push({ to: bond.b, bond: index });
    adjacency[bond.b]!.push({ to: bond.a, bond: index });
  });
  // Pass 1: depth-first spanning forest; non-tree bonds become ring closures opened at the ancestor.
  const seen = new Uint8Array(n);
  const usedBond = new Uint8Array(graph.bonds.length);
  const children: Array<Array<{ to: number; bond: number }>> = Array.from({ length: n }, () => []);
  const opens: number[][] = Array.from({ length: n }, () => []);
  const closes: number[][] = Array.from({ length: n }, () => []);
  const visit = (u: number): void => {
    seen[u] = 1;
    for (const edge of adjacency[u]!) {
      if (usedBond[edge.bond]) continue;
      usedBond[edge.bond] = 1;
      if (!seen[edge.to]) {
        children[u]!.push(edge);
        visit(edge.to);
      } else {
        opens[edge.to]!.push(edge.bond);
        closes[u]!.push(edge.bond);
      }
    }
  };
  const roots: number[] = [];
  for (let a = 0; a < n; a++) {
    if (!seen[a]) {
      roots.push(a);
      visit(a);
    }
  }
  // Pass 2: write atoms in the same depth-first order.
  const bondSmarts = (bond: number): string => (relaxed.bonds.has(bond) ? '-,=' : BOND_SMARTS[graph.bonds[bond]!.type]);
  const atomSmarts = (p: number): string => {
    const atom = molecule.atoms[graph.atoms[p]!]!;
    let s = `[#${atom.atomicNumber}`;
    const charge = relaxed.atoms.has(p) ? 0 : atom.formalCharge;
    if (charge !== 0) s += `;${charge > 0 ? '+' : '-'}${Math.abs(charge)}`;
    const rings = ringCounts?.[graph.atoms[p]!] ?? 0;
    if (rings > 0) s += `;R{${rings}-}`;
    return `${s}]`;
  };
  const digitOf = new Map<number, number>();
  const inUse = new Set<number>();
  const ringLabel = (d: number): string => (d < 10 ? `${d}` : d < 100 ? `%${d}` : `%(${d})`);
  const order: number[] = [];
  const parts: string[] = [];
  const write = (u: number): void => {
    order.push(u);
    parts.push(atomSmarts(u));
    for (const bond of closes[u]!) parts.push(ringLabel(digitOf.get(bond)!));
    for (const bond of opens[u]!) {
      let d = 1;
      while (inUse.has(d)) d++;
      inUse.add(d);
      digitOf.set(bond, d);
      parts.push(`${bondSmarts(bond)}${ringLabel(d)}`);
    }
    for (const bond of closes[u]!) inUse.delete(digitOf.get(bond)!);
    const kids = children[u]!;
    kids.forEach((edge, i) => {
      const last = i === kids.length - 1;
      if (!last) parts.push('(');
      parts.push(bondSmarts(edge.bond));
      write(edge.to);
      if (!last) parts.push(')');
    });
  };
  roots.forEach((root, i) => {
    if (i > 0) parts.push('.');
    write(root);
  });
  return { smarts: parts.join(''), order };
}

/**
 * A key that is equal for two molecules exactly when they have the same atoms (element, charge, aromaticity) in the
 * same order and the same bonds, so that atom maps computed for one pair apply to the other.
 * @internal
 */
export function graphKey(molecule: Molecule): string {
  const atoms = molecule.atoms.map((a) => `${a.atomicNumber}${a.formalCharge === 0 ? '' : a.formalCharge > 0 ? `+${a.formalCharge}` : a.formalCharge}${a.aromatic ? 'a' : ''}`);
  const bonds = molecule.bonds.map((b) => `${b.i}${BOND_SMARTS[b.type]}${b.j}`);
  return `${atoms.join(',')}|${bonds.join(',')}`;
}

/**
 * How a molecule is named in errors: its label (e.g. `generated[3]`), name and SMILES.
 * @internal
 */
export function describeMolecule(molecule: Molecule, label: string): string {
  const name = molecule.name !== undefined && molecule.name !== '' ? ` "${molecule.name}"` : '';
  return `${label}${name} (${molecule.smiles || 'no SMILES'})`;
}

/**
 * Finds atom maps for many molecule pairs, reusing RDKit molecules and maps per pair of molecular graphs.
 * Call {@link AtomMapCache.dispose} when done.
 * @internal
 */
export class AtomMapCache {
  private readonly mols = new Map<string, { mol: Mol; ringCounts: Int32Array | undefined }>();
  private readonly maps = new Map<string, AtomMaps>();
  private readonly maxMatches: number;
  private readonly symmetrize: boolean;

  constructor(
    private readonly rdkit: RDKitModule,
    private readonly log: Log | null,
    options: AtomMapOptions = {},
  ) {
    this.maxMatches = checkMaxMatches(options.maxMatches);
    this.symmetrize = options.symmetrizeConjugatedTerminalGroups ?? true;
  }

  /** The atom maps from `probe` onto `reference`, computed once per pair of graphs. */
  get(probe: Molecule, probeLabel: string, reference: Molecule, referenceLabel: string): AtomMaps {
    const pk = graphKey(probe);
    const rk = graphKey(reference);
    const key = `${pk}\u0000${rk}`;
    let maps = this.maps.get(key);
    if (maps === undefined) {
      maps = this.compute(probe, pk, describeMolecule(probe, probeLabel), reference, rk, describeMolecule(reference, referenceLabel));
      this.maps.set(key, maps);
    }
    return maps;
  }

  /** Frees the RDKit molecules. */
  dispose(): void {
    for (const { mol } of this.mols.values()) mol.delete();
    this.mols.clear();
  }

  private compute(probe: Molecule, pk: string, probeName: string, reference: Molecule, rk: string, referenceName: string): AtomMaps {
    const pg = keptGraph(probe);
    const rg = keptGraph(reference);
    if (pg.atoms.length !== rg.atoms.length) {
      throw new GraphMismatchError(probeName, referenceName, `${pg.atoms.length} heavy atoms vs ${rg.atoms.length}`);
    }
    if (pg.bonds.length !== rg.bonds.length) {
      throw new GraphMismatchError(probeName, referenceName, `${pg.bonds.length} bonds between heavy atoms vs ${rg.bonds.length}`);
    }
    const pf = formula(probe, pg);
    const rf = formula(reference, rg);
    if (pf !== rf) throw new GraphMismatchError(probeName, referenceName, `heavy-atom formula ${pf} vs ${rf}`);
    const target = this.mol(reference, rk, referenceName);
    const probeMol = pk === rk ? target : this.mol(probe, pk, probeName);
    const relaxed = this.symmetrize ? conjugatedTerminalGroups(probe, pg) : { atoms: new Set<number>(), bonds: new Set<number>() };
    const { smarts, order } = queryForGraph(probe, pg, probeMol.ringCounts, relaxed);
    const query = this.rdkit.get_qmol(smarts);
    if (query === null || !query.is_valid()) {
      query?.delete();
      throw new Error(`internal error: RDKit rejected the generated query ${smarts}: ${takeRDKitLog(this.log)}`);
    }
    let matches: number[][];
    try {
      matches = parseMatches(target.mol.get_substruct_matches(query, JSON.stringify({ uniquify: false, maxMatches: this.maxMatches })));
    } finally {
      query.delete();
    }
    if (matches.length === 0) {
      throw new GraphMismatchError(probeName, referenceName, 'no atom map preserves elements, formal charges, ring membership and bond orders');
    }
    return {
      probeAtoms: Int32Array.from(order, (p) => pg.atoms[p]!),
      referenceAtoms: matches.map((m) => Int32Array.from(m)),
      truncated: matches.length >= this.maxMatches,
    };
  }

  /** The RDKit molecule of a graph (all atoms, no coordinates) and the SSSR ring count of each atom. */
  private mol(molecule: Molecule, key: string, name: string): { mol: Mol; ringCounts: Int32Array | undefined } {
    const cached = this.mols.get(key);
    if (cached !== undefined) return cached;
    const graphOnly: Molecule = { smiles: molecule.smiles, atoms: molecule.atoms, bonds: molecule.bonds };
    const block = toMolBlock(graphOnly);
    takeRDKitLog(this.log);
    let mol = this.rdkit.get_mol(block, JSON.stringify({ removeHs: false }));
    let sanitized = true;
    if (mol === null || !mol.is_valid()) {
      // e.g. an aromatic ring with an [nH] written without its hydrogen cannot be kekulised from bond orders alone;
      // matching needs only elements, charges and bond types, which an unsanitised molecule has.
      mol?.delete();
      sanitized = false;
      mol = this.rdkit.get_mol(block, JSON.stringify({ removeHs: false, sanitize: false }));
      if (mol === null || !mol.is_valid()) {
        mol?.delete();
        throw new InvalidArgumentError('molecule', `${name}: RDKit cannot read its graph (${takeRDKitLog(this.log) || 'unknown error'}); check its atoms, charges and bonds.`);
      }
    }
    takeRDKitLog(this.log);
    const entry = { mol, ringCounts: sanitized ? ringCounts(this.rdkit, mol) : undefined };
    this.mols.set(key, entry);
    return entry;
  }
}

/** Number of SSSR rings of each atom (RDKit's `RingInfo.NumAtomRings`), read with `[R{k-}]` queries. */
function ringCounts(rdkit: RDKitModule, mol: Mol): Int32Array {
  const counts = new Int32Array(mol.get_num_atoms());
  for (let k = 1; ; k++) {
    const query = rdkit.get_qmol(`[R{${k}-}]`);
    if (query === null) break;
    let hits: number[][];
    try {
      hits = parseMatches(mol.get_substruct_matches(query));
    } finally {
      query.delete();
    }
    if (hits.length === 0) break;
    for (const [a] of hits) counts[a!] = k;
  }
  return counts;
}

/** MinimalLib's matches JSON: an array of `{atoms, bonds}`, or `{}` when there is none. */
function parseMatches(json: string): number[][] {
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed)) return [];
  return parsed.map((m: { atoms: number[] }) => m.atoms);
}

function formula(molecule: Molecule, graph: KeptGraph): string {
  const counts = new Map<string, number>();
  for (const a of graph.atoms) {
    const el = molecule.atoms[a]!.element;
    counts.set(el, (counts.get(el) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([el, c]) => `${el}${c}`)
    .join('');
}

/** @internal */
export function checkMaxMatches(maxMatches: number | undefined): number {
  if (maxMatches === undefined) return DEFAULT_MAX_MATCHES;
  if (!(Number.isInteger(maxMatches) && maxMatches >= 1)) {
    throw new InvalidArgumentError('maxMatches', `maxMatches must be a positive integer (RDKit's default is ${DEFAULT_MAX_MATCHES}), got ${maxMatches}.`);
  }
  return maxMatches;
}

/**
 * Enumerates the atom maps under which {@link bestRmsdFromAtomMaps} compares two conformers, exactly as RDKit's
 * `rdMolAlign.GetBestRMS(RemoveHs(probe), RemoveHs(reference))` enumerates them: every substructure match of the
 * (symmetrised) probe graph in the reference, not uniquified, up to `maxMatches`.
 *
 * @remarks
 * Hydrogens are left out as `RemoveHs` leaves them out. Atoms match when they have the same element, the same formal
 * charge where the probe atom is charged, and the reference atom is in at least as many SSSR rings; bonds match when
 * they have the same type (single, double, triple, aromatic). With `symmetrizeConjugatedTerminalGroups` (default) the
 * terminal O/N atoms of groups such as `C(=O)[O-]` or `[N+](=O)[O-]` match regardless of charge and single/double bond,
 * so swapping them is a symmetry. Stereo is ignored (`useChirality=False`). Unlike `GetBestRMS`, which also aligns a
 * probe onto a larger reference that contains it, the two graphs must have the same numbers of atoms and bonds here.
 *
 * The maps depend only on the two molecular graphs: compute them once and reuse them for every conformer pair (this
 * is what {@link rmsdMatrix} does).
 *
 * @param probe - the generated (mobile) molecule
 * @param reference - the reference molecule
 * @param options - `maxMatches` (default 1e6) and `symmetrizeConjugatedTerminalGroups` (default true)
 * @returns the probe atoms compared and one reference atom order per map
 * @throws GraphMismatchError when the heavy-atom graphs differ (atom or bond counts, formula, or no map exists)
 * @throws RDKitUnavailableError when RDKit MinimalLib cannot be loaded
 * @example
 * ```ts
 * const benzene = await parseSmiles('c1ccccc1');
 * const maps = await findAtomMaps(benzene, benzene);
 * maps.referenceAtoms.length; // 12: 6 rotations x 2 reflections of the ring
 * ```
 */
export async function findAtomMaps(probe: Molecule, reference: Molecule, options: AtomMapOptions = {}): Promise<AtomMaps> {
  const { rdkit, log } = await loadedRDKit();
  const cache = new AtomMapCache(rdkit, log, options);
  try {
    return cache.get(probe, 'probe', reference, 'reference');
  } finally {
    cache.dispose();
  }
}
