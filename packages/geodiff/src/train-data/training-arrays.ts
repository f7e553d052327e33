import { InvalidArgumentError, type NdArray, type WithProgress, ndarray, throttleProgress, writeNpz } from '@lab/tensor-core';
import { featurize } from '../featurize/featurize';
import type { Molecule } from '../molecule/molecule';

/** Options of {@link trainingArrays}. */
export interface TrainingArraysOptions extends WithProgress {
  /** Edge order of the local graph (GeoDiff `edge_order`). @default 3 */
  order?: number;
}

/** What {@link trainingArrays} returns: the arrays for `training/geodiff/train_geodiff.py`, and counts. */
export interface TrainingArrays {
  /**
   * `atom_type` int64 [N], `pos` float32 [N, 3], `num_atoms` int64 [C], `edge_index` int64 [2, E] (order-extended
   * local edges, atom indices local to their conformer), `edge_type` int64 [E], `num_edges` int64 [C], `mol_index`
   * int64 [C] (conformers of the same molecule share an index, numbered in order of first appearance; the molecule is
   * the record's `smiles` data item when present, else its canonical SMILES — which carries the stereo perceived
   * from the 3D coordinates, so conformers of a molecule with unspecified stereocentres would otherwise split).
   */
  arrays: Record<string, NdArray>;
  numConformers: number;
  numMolecules: number;
  numAtoms: number;
  numEdges: number;
}

/**
 * Turns conformers (molecules with 3D coordinates, e.g. read from an SDF with {@link readSdf}) into the training arrays
 * of GeoDiff's network: one featuriser for training and sampling, here in TypeScript.
 *
 * @remarks
 * Each conformer is featurised with {@link featurize} (atom types, order-3 extended bond edges with their types);
 * radius edges are not stored because training draws them from the perturbed positions. Coordinates are stored as
 * given (the trainer centres them). Write the result with {@link writeTrainingArrays} or `geodiff featurize`.
 *
 * @example
 * ```ts
 * const { molecules } = await readSdf(await readFile('train.sdf', 'utf8'));
 * const { arrays } = trainingArrays(molecules);
 * ```
 * @param conformers - molecules with `coords`
 * @param options - `order`, `onProgress`
 * @returns the arrays and their counts
 * @throws InvalidArgumentError when the list is empty or a conformer has no coordinates
 */
export function trainingArrays(conformers: readonly Molecule[], options: TrainingArraysOptions = {}): TrainingArrays {
  if (conformers.length === 0) throw new InvalidArgumentError('conformers', 'no conformers to featurise; pass molecules with 3D coordinates (e.g. an SDF from training/geodiff/make_conformers.py).');
  const progress = throttleProgress(options.onProgress);
  const graphs = conformers.map((m, c) => {
    if (m.coords === undefined || m.coords.length !== 3 * m.atoms.length) {
      throw new InvalidArgumentError('conformers', `conformer ${c} (${m.name ?? m.smiles}) has no 3D coordinates; training needs one conformer per record.`);
    }
    progress?.({ completed: c + 1, total: conformers.length, label: 'featurise' });
    return featurize(m, options.order === undefined ? {} : { order: options.order });
  });
  const numAtoms = graphs.reduce((s, g) => s + g.numAtoms, 0);
  const numEdges = graphs.reduce((s, g) => s + g.numEdges, 0);
  const C = conformers.length;
  const atomType = new BigInt64Array(numAtoms);
  const pos = new Float32Array(3 * numAtoms);
  const edgeIndex = new BigInt64Array(2 * numEdges);
  const edgeType = new BigInt64Array(numEdges);
  const nAtoms = new BigInt64Array(C);
  const nEdges = new BigInt64Array(C);
  const molIndex = new BigInt64Array(C);
  const molecules = new Map<string, number>();
  let a0 = 0;
  let e0 = 0;
  graphs.forEach((g, c) => {
    const m = conformers[c]!;
    for (let a = 0; a < g.numAtoms; a++) atomType[a0 + a] = BigInt(g.atomType[a]!);
    pos.set(m.coords!, 3 * a0);
    for (let e = 0; e < g.numEdges; e++) {
      edgeIndex[e0 + e] = BigInt(g.edgeIndex[e]!);
      edgeIndex[numEdges + e0 + e] = BigInt(g.edgeIndex[g.numEdges + e]!);
      edgeType[e0 + e] = BigInt(g.edgeType[e]!);
    }
    nAtoms[c] = BigInt(g.numAtoms);
    nEdges[c] = BigInt(g.numEdges);
    const key = m.properties?.['smiles'] ?? m.smiles;
    if (!molecules.has(key)) molecules.set(key, molecules.size);
    molIndex[c] = BigInt(molecules.get(key)!);
    a0 += g.numAtoms;
    e0 += g.numEdges;
  });
  return {
    arrays: {
      atom_type: ndarray('int64', [numAtoms], atomType),
      pos: ndarray('float32', [numAtoms, 3], pos),
      num_atoms: ndarray('int64', [C], nAtoms),
      edge_index: ndarray('int64', [2, numEdges], edgeIndex),
      edge_type: ndarray('int64', [numEdges], edgeType),
      num_edges: ndarray('int64', [C], nEdges),
      mol_index: ndarray('int64', [C], molIndex),
    },
    numConformers: C,
    numMolecules: molecules.size,
    numAtoms,
    numEdges,
  };
}

/**
 * Featurises conformers with {@link trainingArrays} and writes them as one `.npz` (compressed) for
 * `training/geodiff/train_geodiff.py`.
 * @param path - the `.npz` file to write
 * @param conformers - molecules with `coords`
 * @param options - `order`, `onProgress`
 * @returns the counts written
 * @example
 * ```ts
 * await writeTrainingArrays('train.npz', molecules);
 * ```
 */
export async function writeTrainingArrays(path: string, conformers: readonly Molecule[], options: TrainingArraysOptions = {}): Promise<Omit<TrainingArrays, 'arrays'>> {
  const { arrays, ...counts } = trainingArrays(conformers, options);
  await writeNpz(path, arrays, { compress: true });
  return counts;
}
