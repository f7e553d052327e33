import { describe, expect, it } from 'vitest';
import { expectArgumentError } from '../diffusion/expect-argument-error';
import { covMatFromRmsdMatrix } from './cov-mat';
import { covCurveSpec, covCurveSvg } from './cov-plot';
import { InvalidThresholdError } from './errors';
import { type CovMatReport, aggregateCovMat } from './evaluate-conformers';
import { formatCovMatMarkdown } from './format-cov-mat';

// A report built from two hand-made RMSD matrices (no molecules needed).
const THRESHOLDS = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5];
const a = covMatFromRmsdMatrix([[0.3, 1.2], [0.9, 0.45]], { threshold: 0.5, thresholds: THRESHOLDS });
const b = covMatFromRmsdMatrix([[1.1, 0.6, 2]], { threshold: 0.5, thresholds: THRESHOLDS });
const REPORT: CovMatReport = {
  ...aggregateCovMat([a, b], 0.5, THRESHOLDS),
  molecules: [
    { key: 'CC(C)C', num_references: 2, num_generated: 2, cov_r: a.cov_r, mat_r: a.mat_r, cov_p: a.cov_p, mat_p: a.mat_p, reference_indices: [0, 1], generated_indices: [0, 1] },
    { key: 'C|C', num_references: 1, num_generated: 3, cov_r: b.cov_r, mat_r: b.mat_r, cov_p: b.cov_p, mat_p: b.mat_p, reference_indices: [2], generated_indices: [2, 3, 4] },
  ],
  skipped: [{ key: 'c1ccccc1', num_references: 0, num_generated: 4, reason: 'no-references', message: 'c1ccccc1: 4 generated conformer(s) but no reference conformer' }],
};

describe('formatCovMatMarkdown', () => {
  it('writes the summary table, and on request per-molecule, curve and skipped tables', () => {
    const md = formatCovMatMarkdown(REPORT, { perMolecule: true, curve: [0.5, 1] });
    // a: minR [0.3, 0.45] -> COV-R 100, MAT-R 0.375; minP [0.3, 0.45] -> COV-P 100, MAT-P 0.375
    // b: minR [0.6] -> COV-R 0, MAT-R 0.6; minP [1.1, 0.6, 2] -> COV-P 0, MAT-P 1.2333
    expect(md).toBe(
      [
        'COV/MAT over 2 molecules at δ = 0.5 Å, 1 skipped',
        '',
        '| metric | mean | median |',
        '| --- | ---: | ---: |',
        '| COV-R (%) | 50.00 | 50.00 |',
        '| MAT-R (Å) | 0.4875 | 0.4875 |',
        '| COV-P (%) | 50.00 | 50.00 |',
        '| MAT-P (Å) | 0.8042 | 0.8042 |',
        '',
        '| δ (Å) | COV-R mean (%) | COV-R median (%) | COV-P mean (%) | COV-P median (%) |',
        '| ---: | ---: | ---: | ---: | ---: |',
        '| 0.5 | 50.00 | 50.00 | 50.00 | 50.00 |',
        '| 1 | 100.00 | 100.00 | 66.67 | 66.67 |',
        '',
        '| molecule | refs | gen | COV-R (%) | MAT-R (Å) | COV-P (%) | MAT-P (Å) |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        '| CC(C)C | 2 | 2 | 100.00 | 0.3750 | 100.00 | 0.3750 |',
        '| C\\|C | 1 | 3 | 0.00 | 0.6000 | 0.00 | 1.2333 |',
        '',
        '| skipped molecule | refs | gen | reason |',
        '| --- | ---: | ---: | --- |',
        '| c1ccccc1 | 0 | 4 | no-references |',
        '',
      ].join('\n'),
    );
    expect(formatCovMatMarkdown(REPORT, { skipped: false, covDigits: 1, matDigits: 2 }).split('\n').slice(4, 8)).toEqual([
      '| COV-R (%) | 50.0 | 50.0 |',
      '| MAT-R (Å) | 0.49 | 0.49 |',
      '| COV-P (%) | 50.0 | 50.0 |',
      '| MAT-P (Å) | 0.80 | 0.80 |',
    ]);
    expect(formatCovMatMarkdown(REPORT, { curve: true }).match(/^\| \d/gm)).toHaveLength(THRESHOLDS.length);
    expectArgumentError(() => formatCovMatMarkdown(REPORT, { curve: [0.6] }), 'curve');
    expectArgumentError(() => formatCovMatMarkdown(REPORT, { covDigits: -1 }), 'covDigits');
  });
});

describe('covCurveSvg', () => {
  it('renders COV-R and COV-P against the threshold with axes, ticks, legend and a marker at δ', async () => {
    const svg = await covCurveSvg(REPORT);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const text of ['RMSD threshold δ (Å)', 'COV (%, mean over molecules)', 'COV-R', 'COV-P', 'δ = 0.5 Å', 'COV vs threshold (mean over 2 molecules)']) {
      expect(svg).toContain(text);
    }
    expect(svg).toMatch(/role-axis-tick/);
    expect(svg).toMatch(/role-legend/);
    expect(svg).toMatch(/stroke-dasharray="6,4"/);
    expect((svg.match(/class="mark-line role-mark/g) ?? []).length).toBe(2); // one line per series
    const median = await covCurveSvg(REPORT, { statistic: 'median', width: 300, height: 200, title: 'QM9' });
    expect(median).toContain('COV (%, median over molecules)');
    expect(median).toContain('>QM9<');
  });

  it('plots the curve values', () => {
    const spec = covCurveSpec(REPORT) as { layer: Array<{ data: { values: Array<{ threshold: number; coverage: number; series: string }> } }> };
    const values = spec.layer[0]!.data.values;
    expect(values).toHaveLength(2 * THRESHOLDS.length);
    expect(values.filter((v) => v.series === 'COV-R').map((v) => v.coverage)).toEqual(REPORT.curve.map((p) => p.cov_r_mean));
    expect(values.filter((v) => v.series === 'COV-P').map((v) => v.coverage)).toEqual(REPORT.curve.map((p) => p.cov_p_mean));
  });

  it('rejects bad options', async () => {
    await expect(covCurveSvg(REPORT, { width: 10 })).rejects.toThrow(/width must be between 50 and 10000 px/);
    await expect(covCurveSvg(REPORT, { statistic: 'max' as never })).rejects.toThrow(/statistic/);
    await expect(covCurveSvg({ ...REPORT, curve: [] })).rejects.toThrow(/report.curve is empty/);
    await expect(covCurveSvg({ ...REPORT, threshold: -2 })).rejects.toThrow(InvalidThresholdError);
  });
});
