import { InvalidArgumentError, kabsch } from '@lab/tensor-core';
import type { Molecule } from '../molecule/molecule';
import { loadedRDKit } from '../molecule/rdkit';
import { AtomMapCache, type AtomMapOptions, type AtomMaps, describeMolecule } from './atom-maps';
import { MissingCoordinatesError } from './errors';

/** Options of {@link bestRmsd}: those of {@link findAtomMaps}. */
export type BestRmsdOptions = AtomMapOptions;

/**
 * The coordinates of a conformer, checked: present, 3 per atom, finite.
 * @internal
 */
export function conformerCoords(molecule: Molecule, label: string): Float64Array {
  const coords = molecule.coords;
  const n = molecule.atoms.length;
  if (coords === undefined) throw new MissingCoordinatesError(describeMolecule(molecule, label), 'missing', 'coords is not set');
  if (coords.length !== 3 * n) {
    throw new MissingCoordinatesError(describeMolecule(molecule, label), 'wrong-length', `coords has ${coords.length} values for ${n} atoms (expected ${3 * n})`);
  }
  for (let i = 0; i < coords.length; i++) {
    if (!Number.isFinite(coords[i]!)) {
      throw new MissingCoordinatesError(describeMolecule(molecule, label), 'non-finite', `atom ${Math.floor(i / 3)} has coordinate ${coords[i]}`);
    }
  }
  return coords;
}

/**
 * The smallest RMSD (Å) between two conformers over the atom maps of {@link findAtomMaps}, each after optimal
 * superposition (Kabsch, proper rotations only): the inner loop of {@link bestRmsd} and {@link rmsdMatrix}.
 *
 * @remarks
 * Equal to RDKit's `GetBestRMS` for the same maps (RDKit also tries every map and keeps the smallest RMSD; it
 * superimposes with a quaternion method that reaches the same optimum). The coordinates are not modified.
 * @param probeCoords - the probe conformer, `[x0, y0, z0, x1, …]` over all atoms of the probe molecule
 * @param referenceCoords - the reference conformer, over all atoms of the reference molecule
 * @param maps - from {@link findAtomMaps} for these two molecular graphs
 * @returns the best RMSD in the coordinates' unit (Å)
 * @throws InvalidArgumentError when a map points past the end of the coordinates
 * @example
 * ```ts
 * const maps = await findAtomMaps(generated[0], reference);
 * const rmsds = generated.map((g) => bestRmsdFromAtomMaps(g.coords!, reference.coords!, maps));
 * ```
 */
export function bestRmsdFromAtomMaps(probeCoords: ArrayLike<number>, referenceCoords: ArrayLike<number>, maps: AtomMaps): number {
  const n = maps.probeAtoms.length;
  const p = new Float64Array(3 * n);
  gather(probeCoords, maps.probeAtoms, p, 'probeCoords');
  const q = new Float64Array(3 * n);
  let best = Infinity;
  for (const map of maps.referenceAtoms) {
    gather(referenceCoords, map, q, 'referenceCoords');
    const { rmsd } = kabsch(p, q);
    if (rmsd < best) best = rmsd;
  }
  return best;
}

function gather(coords: ArrayLike<number>, atoms: Int32Array, out: Float64Array, name: string): void {
  for (let k = 0; k < atoms.length; k++) {
    const a = atoms[k]!;
    if (3 * a + 2 >= coords.length) {
      throw new InvalidArgumentError(name, `${name} has ${coords.length / 3} atoms, but the atom map refers to atom ${a}; pass the coordinates of the molecules the maps were computed for.`);
    }
    out[3 * k] = coords[3 * a]!;
    out[3 * k + 1] = coords[3 * a + 1]!;
    out[3 * k + 2] = coords[3 * a + 2]!;
  }
}

/**
 * Symmetry-aware heavy-atom RMSD between two conformers of one molecule, as GeoDiff evaluates conformers:
 * RDKit's `rdMolAlign.GetBestRMS(RemoveHs(probe), RemoveHs(reference))`.
 *
 * @remarks
 * Hydrogens are dropped, every symmetry-equivalent atom map of the heavy-atom graph is enumerated
 * ({@link findAtomMaps}), the probe is superimposed on the reference by Kabsch for each map, and the smallest RMSD is
 * returned. Conjugated terminal groups (carboxylate, nitro) count as symmetric, stereo is ignored. For many pairs of
 * the same molecule use {@link rmsdMatrix}, which enumerates the maps once.
 * @param probe - the generated conformer (with `coords`)
 * @param reference - the reference conformer (with `coords`)
 * @param options - `maxMatches` (default 1e6) and `symmetrizeConjugatedTerminalGroups` (default true)
 * @returns the RMSD in Å
 * @throws MissingCoordinatesError when either molecule has no usable 3D coordinates
 * @throws GraphMismatchError when the heavy-atom graphs differ
 * @throws RDKitUnavailableError when RDKit MinimalLib cannot be loaded
 * @example
 * ```ts
 * const { molecules } = await readSdf(readFileSync('pair.sdf', 'utf8'));
 * const rmsd = await bestRmsd(molecules[0]!, molecules[1]!); // Å
 * ```
 */
export async function bestRmsd(probe: Molecule, reference: Molecule, options: BestRmsdOptions = {}): Promise<number> {
  const p = conformerCoords(probe, 'probe');
  const r = conformerCoords(reference, 'reference');
  const { rdkit, log } = await loadedRDKit();
  const cache = new AtomMapCache(rdkit, log, options);
  try {
    return bestRmsdFromAtomMaps(p, r, cache.get(probe, 'probe', reference, 'reference'));
  } finally {
    cache.dispose();
  }
}
