import { InvalidArgumentError, type Rng } from '@lab/tensor-core';

/** A validated batch vector: atom → molecule, with each molecule's atom count. */
export interface BatchLayout {
  /** `batch[a]` is the molecule of atom a (0 … numMolecules − 1), as PyTorch Geometric's `batch`. */
  batch: Int32Array;
  numMolecules: number;
  /** Atoms per molecule. */
  counts: Int32Array;
}

/**
 * Checks a batch vector: integers 0 … G − 1 with every molecule present (G = max + 1).
 * @param batch - atom → molecule
 * @param field - the argument name to report
 * @throws InvalidArgumentError naming `field`
 */
export function batchLayout(batch: ArrayLike<number>, field = 'batch'): BatchLayout {
  const n = batch.length;
  if (n === 0) throw new InvalidArgumentError(field, `${field} is empty; give at least one atom (batch[a] = molecule of atom a).`);
  let max = -1;
  for (let a = 0; a < n; a++) {
    const m = batch[a]!;
    if (!(Number.isInteger(m) && m >= 0 && m < 2 ** 31)) {
      throw new InvalidArgumentError(field, `${field}[${a}] is ${m}; molecule indices must be integers ≥ 0.`);
    }
    if (m > max) max = m;
  }
  const numMolecules = max + 1;
  const counts = new Int32Array(numMolecules);
  for (let a = 0; a < n; a++) {
    const m = batch[a]!;
    counts[m] = counts[m]! + 1;
  }
  const missing = counts.indexOf(0);
  if (missing >= 0) {
    throw new InvalidArgumentError(field, `${field} has no atom in molecule ${missing} of 0..${max}; number the molecules 0..G-1 without gaps.`);
  }
  return { batch: batch instanceof Int32Array ? batch : Int32Array.from(batch), numMolecules, counts };
}

/**
 * The batch vector of molecules stored one after another: `[3, 2]` → `[0, 0, 0, 1, 1]`.
 * @param numAtoms - atoms per molecule, each a positive integer
 * @throws InvalidArgumentError naming `numAtoms`
 */
export function batchFromNumAtoms(numAtoms: ArrayLike<number>): Int32Array {
  if (numAtoms.length === 0) throw new InvalidArgumentError('numAtoms', 'numAtoms is empty; give the atom count of at least one molecule.');
  let total = 0;
  for (let m = 0; m < numAtoms.length; m++) {
    const k = numAtoms[m]!;
    if (!(Number.isSafeInteger(k) && k >= 1)) throw new InvalidArgumentError('numAtoms', `numAtoms[${m}] is ${k}; each molecule needs a positive integer number of atoms.`);
    total += k;
  }
  const batch = new Int32Array(total);
  let a = 0;
  for (let m = 0; m < numAtoms.length; m++) for (let k = 0; k < numAtoms[m]!; k++) batch[a++] = m;
  return batch;
}

/** Subtracts each molecule's centroid in place; `pos` and `layout` are assumed consistent. */
export function centerInPlace(pos: Float64Array, layout: BatchLayout): Float64Array {
  const { batch, numMolecules, counts } = layout;
  const sums = new Float64Array(3 * numMolecules);
  for (let a = 0; a < batch.length; a++) {
    const m = 3 * batch[a]!;
    sums[m] = sums[m]! + pos[3 * a]!;
    sums[m + 1] = sums[m + 1]! + pos[3 * a + 1]!;
    sums[m + 2] = sums[m + 2]! + pos[3 * a + 2]!;
  }
  for (let m = 0; m < numMolecules; m++) {
    const c = counts[m]!;
    sums[3 * m] = sums[3 * m]! / c;
    sums[3 * m + 1] = sums[3 * m + 1]! / c;
    sums[3 * m + 2] = sums[3 * m + 2]! / c;
  }
  for (let a = 0; a < batch.length; a++) {
    const m = 3 * batch[a]!;
    pos[3 * a] = pos[3 * a]! - sums[m]!;
    pos[3 * a + 1] = pos[3 * a + 1]! - sums[m + 1]!;
    pos[3 * a + 2] = pos[3 * a + 2]! - sums[m + 2]!;
  }
  return pos;
}

function checkPositions(pos: ArrayLike<number>, numAtoms: number, field: string): void {
  if (pos.length !== 3 * numAtoms) {
    throw new InvalidArgumentError(field, `${field} must hold 3 coordinates per atom: ${3 * numAtoms} values for the ${numAtoms} atoms of batch, got ${pos.length}.`);
  }
}

/**
 * Moves every molecule's centroid to the origin, GeoDiff's `center_pos(pos, batch)`:
 * `pos - scatter_mean(pos, batch)[batch]`.
 * @param pos - atom-major coordinates `[x0, y0, z0, x1, …]`, 3 per atom
 * @param batch - atom → molecule (0 … G − 1, every molecule present); omit it for a single molecule
 * @returns a new Float64Array
 * @throws InvalidArgumentError for a malformed batch or a `pos` that is not 3 values per atom
 */
export function centerPositions(pos: ArrayLike<number>, batch?: ArrayLike<number>): Float64Array {
  if (batch === undefined) {
    if (pos.length === 0 || pos.length % 3 !== 0) throw new InvalidArgumentError('pos', `pos must hold 3 coordinates per atom (a non-zero multiple of 3), got ${pos.length} values.`);
    batch = new Int32Array(pos.length / 3);
  }
  const layout = batchLayout(batch);
  checkPositions(pos, batch.length, 'pos');
  return centerInPlace(Float64Array.from(pos), layout);
}

/**
 * Centre-of-mass-free Gaussian noise: i.i.d. N(0, std²) draws for every coordinate, minus each molecule's mean over its
 * atoms. Each molecule's noise is a standard Gaussian on the 3(n − 1)-dimensional subspace of zero-centroid
 * configurations, so a single coordinate has variance std² · (n − 1)/n for a molecule of n atoms.
 *
 * @example
 * ```ts
 * const eps = comFreeNoise(batchFromNumAtoms([9, 12]), new Rng(1)); // 63 values, both centroids at 0
 * ```
 * @param batch - atom → molecule (0 … G − 1, every molecule present)
 * @param rng - the generator; 3 · atoms normal draws are taken from it, atom-major
 * @param std - @default 1
 * @throws InvalidArgumentError for a malformed batch or a negative or non-finite std
 */
export function comFreeNoise(batch: ArrayLike<number>, rng: Rng, std = 1): Float64Array {
  const layout = batchLayout(batch);
  if (!(Number.isFinite(std) && std >= 0)) throw new InvalidArgumentError('std', `std must be a finite number ≥ 0, got ${std}.`);
  return centerInPlace(rng.fillNormal(new Float64Array(3 * layout.batch.length), 0, std), layout);
}
