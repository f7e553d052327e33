import { InvalidArgumentError, type WithProgress, throttleProgress } from '@lab/tensor-core';
import type { Molecule } from '../molecule/molecule';
import { loadedRDKit } from '../molecule/rdkit';
import { AtomMapCache, type AtomMapOptions } from './atom-maps';
import { conformerCoords } from './best-rmsd';
import { type CovThresholdOptions, type MoleculeCovMat, checkThresholds, covMatFromRmsdMatrix, mean, median } from './cov-mat';
import { EmptyConformerSetError, GraphMismatchError } from './errors';
import { type GroupConformersOptions, groupConformers } from './group-conformers';
import { rmsdMatrixWith } from './rmsd-matrix';

/** Options of {@link evaluateConformers}. */
export interface EvaluateConformersOptions extends CovThresholdOptions, AtomMapOptions, GroupConformersOptions, WithProgress {
  /**
   * GeoDiff's `ratio`: evaluate only the first `ceil(ratio × references)` generated conformers of each molecule, and
   * skip (and report) molecules with fewer. GeoDiff's benchmark uses 2.
   * @default undefined: every generated conformer is used
   */
  ratio?: number;
  /**
   * Keep each molecule's RMSD matrix in its row (`rmsd`, rows = references).
   * @default false
   */
  includeMatrices?: boolean;
}

/** One evaluated molecule of a {@link CovMatReport}. COV in %, MAT in Å. */
export interface CovMatRow extends Pick<MoleculeCovMat, 'num_references' | 'num_generated' | 'cov_r' | 'mat_r' | 'cov_p' | 'mat_p'> {
  /** The molecule's key (canonical SMILES without hydrogens and stereo by default). */
  key: string;
  /** Indices of the molecule's reference conformers in the input list. */
  reference_indices: number[];
  /** Indices of the evaluated generated conformers in the input list. */
  generated_indices: number[];
  /** The RMSD matrix (rows = references, columns = generated), with `includeMatrices`. */
  rmsd?: number[][];
}

/** Why a molecule was not evaluated. */
export type SkipReason = 'no-references' | 'no-generated' | 'too-few-generated' | 'graph-mismatch';

/** A molecule of the input that a {@link CovMatReport} does not evaluate, and why. */
export interface SkippedMolecule {
  key: string;
  num_references: number;
  num_generated: number;
  reason: SkipReason;
  /** A sentence saying what is missing or wrong. */
  message: string;
}

/** Mean and median over molecules of COV-R and COV-P (%) at one threshold. */
export interface CovCurvePoint {
  /** Å */
  threshold: number;
  cov_r_mean: number;
  cov_r_median: number;
  cov_p_mean: number;
  cov_p_median: number;
}

/**
 * The result of {@link evaluateConformers}: COV (%) and MAT (Å) aggregated over molecules, the COV curves, and one row
 * per molecule. Plain data: `JSON.stringify` it as it is.
 */
export interface CovMatReport {
  /** δ (Å) of the headline COV values. */
  threshold: number;
  /** The thresholds (Å) of `curve`. */
  thresholds: number[];
  /** Molecules evaluated (rows of `molecules`). */
  num_molecules: number;
  cov_r_mean: number;
  cov_r_median: number;
  mat_r_mean: number;
  mat_r_median: number;
  cov_p_mean: number;
  cov_p_median: number;
  mat_p_mean: number;
  mat_p_median: number;
  /** COV-R / COV-P mean and median over molecules at each of `thresholds`. */
  curve: CovCurvePoint[];
  /** One row per evaluated molecule, in order of first appearance among the references. */
  molecules: CovMatRow[];
  /** Molecules not evaluated (no references, no generated conformers, too few, or graphs that do not match). */
  skipped: SkippedMolecule[];
}

function checkRatio(ratio: number | undefined): void {
  if (ratio === undefined) return;
  if (!(typeof ratio === 'number' && Number.isFinite(ratio) && ratio > 0)) {
    throw new InvalidArgumentError('ratio', `ratio must be a positive number (GeoDiff uses 2), got ${ratio}.`);
  }
}

/**
 * GeoDiff's COV/MAT benchmark for flat lists of generated and reference conformers: groups them by molecule, computes
 * each molecule's symmetry-aware RMSD matrix ({@link rmsdMatrix}), its COV-R, MAT-R, COV-P and MAT-P
 * ({@link covMatFromRmsdMatrix}), and their mean and median over molecules.
 *
 * @remarks
 * Conformers are grouped by canonical SMILES without hydrogens and stereo ({@link groupConformers}). A molecule with
 * no reference or no generated conformer, with fewer than `ratio × references` generated conformers, or whose
 * conformers do not share one heavy-atom graph, is listed in `skipped` with the reason, never dropped silently.
 * Atom maps are enumerated once per molecular graph. COV uses `RMSD <= δ`, as GeoDiff does; use δ = 0.5 Å for
 * GEOM-QM9 and 1.25 Å for GEOM-Drugs ({@link GEODIFF_COV_THRESHOLD}). Progress is reported once per molecule.
 * @param generated - generated conformers (e.g. `readSdf` of the sampler's output), each with `coords`
 * @param references - reference conformers (e.g. `readSdf` of the test set), each with `coords`
 * @param options - `threshold` (required), `thresholds`, `ratio`, `key`, `includeMatrices`, `maxMatches`,
 *   `symmetrizeConjugatedTerminalGroups`, `onProgress`
 * @returns the report: `cov_r_mean`, `cov_r_median`, `mat_r_mean`, … , `curve`, `molecules`, `skipped`
 * @throws EmptyConformerSetError when a list is empty or no molecule has both reference and generated conformers
 * @throws InvalidThresholdError for a bad `threshold` or `thresholds`
 * @throws MissingCoordinatesError when a conformer has no usable 3D coordinates
 * @throws RDKitUnavailableError when RDKit MinimalLib cannot be loaded
 * @example
 * ```ts
 * const gen = await readSdf(readFileSync('generated.sdf', 'utf8'), { file: 'generated.sdf' });
 * const ref = await readSdf(readFileSync('test.sdf', 'utf8'), { file: 'test.sdf' });
 * const report = await evaluateConformers(gen.molecules, ref.molecules, { threshold: 1.25, ratio: 2 });
 * console.log(formatCovMatMarkdown(report));
 * writeFileSync('covmat.json', JSON.stringify(report, null, 2));
 * ```
 */
export async function evaluateConformers(generated: readonly Molecule[], references: readonly Molecule[], options: EvaluateConformersOptions): Promise<CovMatReport> {
  if (options === undefined || options === null) {
    throw new InvalidArgumentError('options', 'evaluateConformers needs options with a threshold, e.g. { threshold: 1.25 } (GEOM-Drugs) or { threshold: 0.5 } (GEOM-QM9).');
  }
  const thresholds = checkThresholds(options);
  checkRatio(options.ratio);
  if (generated.length === 0) throw new EmptyConformerSetError('generated', 'generated holds no conformer; pass the generated conformers to evaluate.');
  if (references.length === 0) throw new EmptyConformerSetError('references', 'references holds no conformer; pass the reference conformers.');
  generated.forEach((m, i) => conformerCoords(m, `generated[${i}]`));
  references.forEach((m, j) => conformerCoords(m, `references[${j}]`));

  const groups = await groupConformers(generated, references, options.key !== undefined ? { key: options.key } : {});
  const { rdkit, log } = await loadedRDKit();
  const cache = new AtomMapCache(rdkit, log, options);
  const progress = throttleProgress(options.onProgress);
  const rows: CovMatRow[] = [];
  const skipped: SkippedMolecule[] = [];
  const perMolecule: MoleculeCovMat[] = [];
  const total = groups.length;
  progress({ completed: 0, total, label: 'COV/MAT' });
  try {
    groups.forEach((group, index) => {
      const skip = (reason: SkipReason, message: string, numGenerated = group.generated.length): void => {
        skipped.push({ key: group.key, num_references: group.references.length, num_generated: numGenerated, reason, message });
      };
      let gen = group.generated;
      if (group.references.length === 0) {
        skip('no-references', `${group.key}: ${gen.length} generated conformer(s) but no reference conformer`);
      } else if (gen.length === 0) {
        skip('no-generated', `${group.key}: ${group.references.length} reference conformer(s) but no generated conformer`);
      } else if (options.ratio !== undefined && gen.length < Math.ceil(options.ratio * group.references.length)) {
        const need = Math.ceil(options.ratio * group.references.length);
        skip('too-few-generated', `${group.key}: ${gen.length} generated conformer(s), fewer than ratio ${options.ratio} x ${group.references.length} references = ${need}`);
      } else {
        if (options.ratio !== undefined) gen = gen.slice(0, Math.ceil(options.ratio * group.references.length));
        try {
          const matrix = rmsdMatrixWith(
            cache,
            { molecules: gen.map((i) => generated[i]!), label: (k) => `generated[${gen[k]}]` },
            { molecules: group.references.map((j) => references[j]!), label: (k) => `references[${group.references[k]}]` },
          );
          const m = covMatFromRmsdMatrix(matrix, { threshold: options.threshold, thresholds });
          perMolecule.push(m);
          const row: CovMatRow = {
            key: group.key,
            num_references: m.num_references,
            num_generated: m.num_generated,
            cov_r: m.cov_r,
            mat_r: m.mat_r,
            cov_p: m.cov_p,
            mat_p: m.mat_p,
            reference_indices: [...group.references],
            generated_indices: [...gen],
          };
          if (options.includeMatrices) row.rmsd = matrix;
          rows.push(row);
        } catch (e) {
          if (!(GraphMismatchError.isInstance(e) && e.code === 'GRAPH_MISMATCH')) throw e;
          skip('graph-mismatch', e.message, gen.length);
        }
      }
      progress({ completed: index + 1, total, label: `COV/MAT: ${group.key}` });
    });
  } finally {
    cache.dispose();
  }
  if (rows.length === 0) {
    const reasons = skipped.slice(0, 5).map((s) => s.message);
    throw new EmptyConformerSetError(
      'references',
      `No molecule has both reference and generated conformers to compare (${skipped.length} skipped: ${reasons.join('; ')}${skipped.length > 5 ? '; ...' : ''}). ` +
        'Check that both files hold conformers of the same molecules (grouped by canonical SMILES), or pass a key option.',
    );
  }
  return { ...aggregateCovMat(perMolecule, options.threshold, thresholds), molecules: rows, skipped };
}

/**
 * Mean and median over molecules of COV and MAT, and the COV curves, from per-molecule results.
 * @internal
 */
export function aggregateCovMat(
  perMolecule: readonly MoleculeCovMat[],
  threshold: number,
  thresholds: readonly number[],
): Omit<CovMatReport, 'molecules' | 'skipped'> {
  const col = (f: (m: MoleculeCovMat) => number): number[] => perMolecule.map(f);
  const covR = col((m) => m.cov_r);
  const matR = col((m) => m.mat_r);
  const covP = col((m) => m.cov_p);
  const matP = col((m) => m.mat_p);
  return {
    threshold,
    thresholds: [...thresholds],
    num_molecules: perMolecule.length,
    cov_r_mean: mean(covR),
    cov_r_median: median(covR),
    mat_r_mean: mean(matR),
    mat_r_median: median(matR),
    cov_p_mean: mean(covP),
    cov_p_median: median(covP),
    mat_p_mean: mean(matP),
    mat_p_median: median(matP),
    curve: thresholds.map((t, k) => {
      const r = col((m) => m.cov_r_curve[k]!);
      const p = col((m) => m.cov_p_curve[k]!);
      return { threshold: t, cov_r_mean: mean(r), cov_r_median: median(r), cov_p_mean: mean(p), cov_p_median: median(p) };
    }),
  };
}
