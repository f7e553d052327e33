import type { Molecule } from '../molecule/molecule';
import { parseSmiles } from '../molecule/parse-smiles';

/**
 * Test support for src/eval: small molecules with hand-written coordinates (SYNTHETIC, not from any dataset) and rigid
 * motions. Not exported from the package.
 */

/** A copy of `molecule` with the given coordinates (atom-major, 3 per atom). */
export function withCoords<M extends Molecule>(molecule: M, coords: ArrayLike<number>): M {
  if (coords.length !== 3 * molecule.atoms.length) throw new Error(`test setup: ${coords.length} coordinates for ${molecule.atoms.length} atoms`);
  return { ...molecule, coords: Float64Array.from(coords) };
}

/** Row-major rotation matrix of the unit quaternion `q` (normalised here; q must not be zero). */
export function rotationFromQuaternion(q: readonly [number, number, number, number]): number[] {
  const n = Math.hypot(...q);
  const [w, x, y, z] = q.map((v) => v / n) as [number, number, number, number];
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

/** `R p + t` for every point of `coords`. */
export function moveRigidly(coords: ArrayLike<number>, rotation: readonly number[], translation: readonly number[]): Float64Array {
  const out = new Float64Array(coords.length);
  for (let i = 0; i < coords.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      out[i + a] = rotation[3 * a]! * coords[i]! + rotation[3 * a + 1]! * coords[i + 1]! + rotation[3 * a + 2]! * coords[i + 2]! + translation[a]!;
    }
  }
  return out;
}

/** Coordinates with the points of atoms `i` and `j` exchanged. */
export function swapAtoms(coords: ArrayLike<number>, i: number, j: number): Float64Array {
  const out = Float64Array.from(coords);
  for (let a = 0; a < 3; a++) {
    out[3 * i + a] = coords[3 * j + a]!;
    out[3 * j + a] = coords[3 * i + a]!;
  }
  return out;
}

/**
 * Propanoate `CCC(=O)[O-]`, heavy atoms only (C0 C1 C2 O3 O4), with the methyl out of the carboxylate plane so that
 * exchanging the two oxygens is not a rigid motion. SYNTHETIC coordinates.
 */
export async function propanoate(): Promise<Molecule> {
  const m = await parseSmiles('CCC(=O)[O-]', { addHs: false });
  return withCoords(m, [
    -2.03, 0.72, 1.25, // C0 methyl, out of plane
    -1.52, 0, 0, // C1
    0, 0, 0, // C2 carboxyl carbon
    0.62, 1.08, 0, // O3 (=O)
    0.62, -1.08, 0, // O4 (-)
  ]);
}

/**
 * Isobutane `CC(C)C` with hydrogens (4 C then 10 H, RDKit AddHs order): C1 is the centre, C0, C2, C3 its methyls on
 * tetrahedral directions. Exchanging two methyls (a mirror image of the heavy atoms) is not a rigid motion.
 * SYNTHETIC coordinates; the hydrogens sit 1.09 Å from their carbons along made-up directions.
 */
export async function isobutane(): Promise<Molecule> {
  const m = await parseSmiles('CC(C)C');
  const s = 1.53 / Math.sqrt(3);
  const carbons = [
    [s, s, s], // C0
    [0, 0, 0], // C1
    [s, -s, -s], // C2
    [-s, s, -s], // C3
  ];
  const coords: number[] = carbons.flat();
  const hOffsets = [
    [0.63, 0.63, -0.63], [0.63, -0.63, 0.63], [-0.63, 0.63, 0.63], [0.63, -0.63, 0.63],
  ];
  // Hydrogens follow the heavy atoms in the order of the carbon they are bonded to.
  const carbonOfH: number[] = [];
  m.bonds.forEach((b) => {
    if (m.atoms[b.j]!.element === 'H') carbonOfH[b.j] = b.i;
    if (m.atoms[b.i]!.element === 'H') carbonOfH[b.i] = b.j;
  });
  const seen = new Map<number, number>();
  for (let a = 4; a < m.atoms.length; a++) {
    const c = carbonOfH[a]!;
    const k = seen.get(c) ?? 0;
    seen.set(c, k + 1);
    const base = carbons[c]!;
    const off = hOffsets[(k + c) % 4]!;
    coords.push(base[0]! + off[0]! * (1 + 0.1 * k), base[1]! + off[1]!, base[2]! + off[2]! - 0.2 * k);
  }
  return withCoords(m, coords);
}

/** Benzene, heavy atoms only, as a regular hexagon (C–C 1.39 Å) in the xy-plane. SYNTHETIC coordinates. */
export async function benzene(): Promise<Molecule> {
  const m = await parseSmiles('c1ccccc1', { addHs: false });
  const coords: number[] = [];
  for (let i = 0; i < 6; i++) coords.push(1.39 * Math.cos((Math.PI / 3) * i), 1.39 * Math.sin((Math.PI / 3) * i), 0);
  return withCoords(m, coords);
}
