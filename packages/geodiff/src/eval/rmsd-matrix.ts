import { type WithProgress, throttleProgress } from '@lab/tensor-core';
import type { Molecule } from '../molecule/molecule';
import { loadedRDKit } from '../molecule/rdkit';
import { AtomMapCache, type AtomMapOptions } from './atom-maps';
import { bestRmsdFromAtomMaps, conformerCoords } from './best-rmsd';
import { EmptyConformerSetError } from './errors';

/** Options of {@link rmsdMatrix}: atom-map options and a progress callback (one unit per reference conformer). */
export interface RmsdMatrixOptions extends AtomMapOptions, WithProgress {}

/** A list of conformers and how each is named in errors. @internal */
export interface LabelledConformers {
  molecules: readonly Molecule[];
  /** e.g. `i => \`generated[${indices[i]}]\`` */
  label: (i: number) => string;
}

/**
 * The RMSD matrix of one molecule with a shared atom-map cache; rows are references, columns generated conformers.
 * @internal
 */
export function rmsdMatrixWith(cache: AtomMapCache, generated: LabelledConformers, references: LabelledConformers, report?: (completed: number) => void): number[][] {
  const gen = generated.molecules.map((m, i) => conformerCoords(m, generated.label(i)));
  const ref = references.molecules.map((m, j) => conformerCoords(m, references.label(j)));
  const rows: number[][] = [];
  references.molecules.forEach((reference, j) => {
    const row = new Array<number>(gen.length);
    generated.molecules.forEach((probe, i) => {
      const maps = cache.get(probe, generated.label(i), reference, references.label(j));
      row[i] = bestRmsdFromAtomMaps(gen[i]!, ref[j]!, maps);
    });
    rows.push(row);
    report?.(j + 1);
  });
  return rows;
}

/**
 * The symmetry-aware heavy-atom RMSD of every generated conformer against every reference conformer of one molecule
 * (GeoDiff's `rmsd_confusion_mat`), each entry equal to RDKit's `GetBestRMS(RemoveHs(gen), RemoveHs(ref))`.
 *
 * @remarks
 * The atom maps are enumerated once per pair of molecular graphs (usually once in all) and reused for every pair of
 * conformers, so the cost is one Kabsch superposition per conformer pair and symmetry-equivalent map. Conformers may
 * come with or without hydrogens and in different atom orders, as long as their heavy-atom graphs agree.
 * @param generated - generated conformers of the molecule (the probes), each with `coords`
 * @param references - reference conformers of the same molecule, each with `coords`
 * @param options - `maxMatches`, `symmetrizeConjugatedTerminalGroups`, `onProgress` (one unit per reference)
 * @returns `matrix[r][g]`: the RMSD (Å) of generated conformer `g` to reference `r`
 * @throws EmptyConformerSetError when either list is empty
 * @throws MissingCoordinatesError when a conformer has no usable coordinates
 * @throws GraphMismatchError when two conformers are not of the same heavy-atom graph
 * @throws RDKitUnavailableError when RDKit MinimalLib cannot be loaded
 * @example
 * ```ts
 * const matrix = await rmsdMatrix(generatedConformers, referenceConformers);
 * const { cov_r, mat_r } = covMatFromRmsdMatrix(matrix, { threshold: 0.5 });
 * ```
 */
export async function rmsdMatrix(generated: readonly Molecule[], references: readonly Molecule[], options: RmsdMatrixOptions = {}): Promise<number[][]> {
  if (generated.length === 0) throw new EmptyConformerSetError('generated', 'generated holds no conformer; pass at least one generated conformer.');
  if (references.length === 0) throw new EmptyConformerSetError('references', 'references holds no conformer; pass at least one reference conformer.');
  const { rdkit, log } = await loadedRDKit();
  const cache = new AtomMapCache(rdkit, log, options);
  const progress = throttleProgress(options.onProgress);
  const total = references.length;
  progress({ completed: 0, total, label: 'RMSD matrix' });
  try {
    return rmsdMatrixWith(
      cache,
      { molecules: generated, label: (i) => `generated[${i}]` },
      { molecules: references, label: (j) => `references[${j}]` },
      (completed) => progress({ completed, total, label: 'RMSD matrix' }),
    );
  } finally {
    cache.dispose();
  }
}
