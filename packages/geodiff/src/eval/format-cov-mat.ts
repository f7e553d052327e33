import { InvalidArgumentError } from '@lab/tensor-core';
import type { CovMatReport } from './evaluate-conformers';

/** Options of {@link formatCovMatMarkdown}. */
export interface FormatCovMatOptions {
  /**
   * Decimals of COV values (%).
   * @default 2
   */
  covDigits?: number;
  /**
   * Decimals of MAT values (Å).
   * @default 4
   */
  matDigits?: number;
  /**
   * Add a table with one row per molecule.
   * @default false
   */
  perMolecule?: boolean;
  /**
   * Add a COV curve table at these thresholds (Å; each must be one of `report.thresholds`), or at all of them with
   * `true`.
   * @default false
   */
  curve?: boolean | readonly number[];
  /**
   * Add a table of the skipped molecules and why.
   * @default true
   */
  skipped?: boolean;
}

function checkDigits(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value >= 0 && value <= 12)) throw new InvalidArgumentError(name, `${name} must be an integer from 0 to 12, got ${value}.`);
  return value;
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/**
 * Formats a {@link CovMatReport} as Markdown: a summary table (COV-R, MAT-R, COV-P, MAT-P; mean and median over
 * molecules), and optionally per-molecule, COV-curve and skipped-molecule tables.
 *
 * @remarks
 * The layout follows the GeoDiff paper's tables: COV in %, MAT in Å, δ in the caption line.
 * @param report - from {@link evaluateConformers}
 * @param options - decimals, and which extra tables to add
 * @returns Markdown text ending in a newline
 * @throws InvalidArgumentError for bad decimals, or curve thresholds that are not in `report.thresholds`
 * @example
 * ```ts
 * const report = await evaluateConformers(generated, references, { threshold: 1.25 });
 * process.stdout.write(formatCovMatMarkdown(report, { curve: [0.5, 1, 1.25, 1.5] }));
 * ```
 */
export function formatCovMatMarkdown(report: CovMatReport, options: FormatCovMatOptions = {}): string {
  const covDigits = checkDigits('covDigits', options.covDigits, 2);
  const matDigits = checkDigits('matDigits', options.matDigits, 4);
  const cov = (v: number): string => v.toFixed(covDigits);
  const mat = (v: number): string => v.toFixed(matDigits);
  const out: string[] = [];
  const skippedNote = report.skipped.length > 0 ? `, ${report.skipped.length} skipped` : '';
  out.push(`COV/MAT over ${report.num_molecules} molecule${report.num_molecules === 1 ? '' : 's'} at δ = ${report.threshold} Å${skippedNote}`);
  out.push('');
  out.push('| metric | mean | median |');
  out.push('| --- | ---: | ---: |');
  out.push(`| COV-R (%) | ${cov(report.cov_r_mean)} | ${cov(report.cov_r_median)} |`);
  out.push(`| MAT-R (Å) | ${mat(report.mat_r_mean)} | ${mat(report.mat_r_median)} |`);
  out.push(`| COV-P (%) | ${cov(report.cov_p_mean)} | ${cov(report.cov_p_median)} |`);
  out.push(`| MAT-P (Å) | ${mat(report.mat_p_mean)} | ${mat(report.mat_p_median)} |`);

  if (options.curve !== undefined && options.curve !== false) {
    let points = report.curve;
    if (options.curve !== true) {
      const wanted = options.curve;
      points = wanted.map((t) => {
        const p = report.curve.find((c) => Math.abs(c.threshold - t) < 1e-9);
        if (p === undefined) {
          throw new InvalidArgumentError('curve', `curve threshold ${t} Å is not one of the report's thresholds (${report.thresholds.slice(0, 8).join(', ')}${report.thresholds.length > 8 ? ', ...' : ''}).`);
        }
        return p;
      });
    }
    out.push('');
    out.push('| δ (Å) | COV-R mean (%) | COV-R median (%) | COV-P mean (%) | COV-P median (%) |');
    out.push('| ---: | ---: | ---: | ---: | ---: |');
    for (const p of points) out.push(`| ${p.threshold} | ${cov(p.cov_r_mean)} | ${cov(p.cov_r_median)} | ${cov(p.cov_p_mean)} | ${cov(p.cov_p_median)} |`);
  }

  if (options.perMolecule) {
    out.push('');
    out.push('| molecule | refs | gen | COV-R (%) | MAT-R (Å) | COV-P (%) | MAT-P (Å) |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of report.molecules) {
      out.push(`| ${cell(r.key)} | ${r.num_references} | ${r.num_generated} | ${cov(r.cov_r)} | ${mat(r.mat_r)} | ${cov(r.cov_p)} | ${mat(r.mat_p)} |`);
    }
  }

  if ((options.skipped ?? true) && report.skipped.length > 0) {
    out.push('');
    out.push('| skipped molecule | refs | gen | reason |');
    out.push('| --- | ---: | ---: | --- |');
    for (const s of report.skipped) out.push(`| ${cell(s.key)} | ${s.num_references} | ${s.num_generated} | ${s.reason} |`);
  }
  return `${out.join('\n')}\n`;
}
