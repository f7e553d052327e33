import { InvalidArgumentError, type ProgressEvent } from '@lab/tensor-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Molecule } from '../molecule/molecule';
import { parseSmiles } from '../molecule/parse-smiles';
import { bestRmsd } from './best-rmsd';
import { covMatFromRmsdMatrix } from './cov-mat';
import { EmptyConformerSetError, InvalidThresholdError, MissingCoordinatesError } from './errors';
import { evaluateConformers } from './evaluate-conformers';
import { groupConformers } from './group-conformers';
import { rmsdMatrix } from './rmsd-matrix';
import { benzene, isobutane, moveRigidly, propanoate, rotationFromQuaternion, swapAtoms, withCoords } from './test-molecules';

let isoRef: Molecule[];
let isoGen: Molecule[];
let propRef: Molecule;
let benzGen: Molecule;
let alanolRef: Molecule;
let alanolGen: Molecule;

beforeAll(async () => {
  const iso = await isobutane();
  const bent = Float64Array.from(iso.coords!);
  bent[0] = bent[0]! + 0.6; // methyl C0 moved 0.6 Å
  isoRef = [iso, withCoords(iso, bent)];
  isoGen = [
    withCoords(iso, moveRigidly(iso.coords!, rotationFromQuaternion([1, 2, 3, 4]), [5, 0, -1])), // = ref 0
    withCoords(iso, swapAtoms(iso.coords!, 0, 3)), // = ref 0 up to symmetry
    withCoords(iso, iso.coords!.map((v, i) => (i < 12 ? v * 1.8 : v))), // stretched
  ];
  propRef = await propanoate();
  benzGen = await benzene();
  // (S)- and (R)-2-aminopropanol written with opposite stereo: still one molecule for COV/MAT
  const s = await parseSmiles('C[C@H](N)O', { addHs: false });
  const r = await parseSmiles('C[C@@H](N)O', { addHs: false });
  alanolRef = withCoords(s, [0, 0, 0, 1.5, 0, 0, 2, 1.4, 0, 2, -0.7, 1.2]);
  alanolGen = withCoords(r, [0, 0, 0, 1.5, 0, 0, 2, 1.4, 0, 2, -0.7, -1.2]);
});

describe('groupConformers', () => {
  it('groups by canonical SMILES without hydrogens and stereo, in order of first appearance', async () => {
    const groups = await groupConformers([benzGen, ...isoGen, alanolGen], [...isoRef, propRef, alanolRef]);
    expect(groups).toEqual([
      { key: 'CC(C)C', references: [0, 1], generated: [1, 2, 3] },
      { key: 'CCC(=O)[O-]', references: [2], generated: [] },
      { key: 'CC(N)O', references: [3], generated: [4] },
      { key: 'c1ccccc1', references: [], generated: [0] },
    ]);
    expect(alanolRef.smiles).not.toBe(alanolGen.smiles);
  });

  it('accepts a custom key', async () => {
    const groups = await groupConformers(isoGen, isoRef, { key: (m) => m.atoms.length.toString() });
    expect(groups).toEqual([{ key: '14', references: [0, 1], generated: [0, 1, 2] }]);
    await expect(groupConformers(isoGen, isoRef, { key: () => 3 as unknown as string })).rejects.toThrow(InvalidArgumentError);
  });
});

describe('evaluateConformers', () => {
  it('computes COV/MAT per molecule and reports molecules without references or generated conformers', async () => {
    const events: ProgressEvent[] = [];
    const generated = [benzGen, ...isoGen, alanolGen];
    const references = [...isoRef, propRef, alanolRef];
    const report = await evaluateConformers(generated, references, { threshold: 0.5, onProgress: (e) => events.push(e), includeMatrices: true });

    expect(report.num_molecules).toBe(2);
    expect(report.molecules.map((m) => [m.key, m.num_references, m.num_generated, m.reference_indices, m.generated_indices])).toEqual([
      ['CC(C)C', 2, 3, [0, 1], [1, 2, 3]],
      ['CC(N)O', 1, 1, [3], [4]],
    ]);
    expect(report.skipped.map((s) => [s.key, s.reason, s.num_references, s.num_generated])).toEqual([
      ['CCC(=O)[O-]', 'no-generated', 1, 0],
      ['c1ccccc1', 'no-references', 0, 1],
    ]);
    expect(report.skipped[0]!.message).toMatch(/1 reference conformer\(s\) but no generated conformer/);

    // the isobutane row agrees with pairwise bestRmsd and covMatFromRmsdMatrix
    const iso = report.molecules[0]!;
    const expected: number[][] = [];
    for (const ref of isoRef) expected.push(await Promise.all(isoGen.map((g) => bestRmsd(g, ref))));
    iso.rmsd!.forEach((row, j) => row.forEach((v, i) => expect(v).toBeCloseTo(expected[j]![i]!, 12)));
    expect(iso.rmsd![0]![0]).toBeLessThan(1e-9);
    expect(iso.rmsd![0]![1]).toBeLessThan(1e-9);
    const m = covMatFromRmsdMatrix(expected, { threshold: 0.5 });
    expect(iso).toMatchObject({ cov_r: m.cov_r, cov_p: m.cov_p });
    expect(iso.mat_r).toBeCloseTo(m.mat_r, 12);
    expect(iso.cov_p).toBeCloseTo((2 / 3) * 100, 10); // the stretched conformer is > 0.5 Å from both references
    // two molecules: the mean and the median coincide
    expect(report.cov_r_mean).toBeCloseTo((iso.cov_r + report.molecules[1]!.cov_r) / 2, 10);
    expect(report.cov_r_median).toBeCloseTo(report.cov_r_mean, 10);
    expect(report.mat_p_mean).toBeCloseTo((iso.mat_p + report.molecules[1]!.mat_p) / 2, 10);
    expect(report.curve).toHaveLength(61);
    expect(report.curve[10]).toMatchObject({ threshold: 0.5, cov_r_mean: report.cov_r_mean, cov_p_mean: report.cov_p_mean });

    expect(events.at(-1)).toMatchObject({ completed: 4, total: 4 });
    expect(events[0]).toMatchObject({ completed: 0, total: 4 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['cov_r_mean', 'cov_r_median', 'mat_r_mean', 'mat_r_median', 'cov_p_mean', 'cov_p_median', 'mat_p_mean', 'mat_p_median']),
    );
  });

  it("applies GeoDiff's ratio: truncates to ratio x references generated conformers, skips molecules with fewer", async () => {
    const report = await evaluateConformers(isoGen, isoRef, { threshold: 0.5, ratio: 1, includeMatrices: true });
    expect(report.molecules[0]!.generated_indices).toEqual([0, 1]);
    expect(report.molecules[0]!.rmsd![0]).toHaveLength(2);
    await expect(evaluateConformers(isoGen, isoRef, { threshold: 0.5, ratio: 2 })).rejects.toThrow(EmptyConformerSetError);
    await expect(evaluateConformers(isoGen, isoRef, { threshold: 0.5, ratio: 2 })).rejects.toThrow(/fewer than ratio 2 x 2 references = 4/);
    await expect(evaluateConformers(isoGen, isoRef, { threshold: 0.5, ratio: 0 })).rejects.toThrow(/ratio must be a positive number/);
  });

  it('reports molecules whose conformers do not share one graph (custom key)', async () => {
    const report = await evaluateConformers([...isoGen, benzGen], [...isoRef, propRef], { threshold: 0.5, key: (m) => (m.smiles === 'CC(C)C' ? 'iso' : 'other') });
    expect(report.molecules.map((m) => m.key)).toEqual(['iso']);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]).toMatchObject({ key: 'other', reason: 'graph-mismatch' });
    expect(report.skipped[0]!.message).toMatch(/do not have the same heavy-atom graph/);
  });

  it('rejects empty sets, bad thresholds and missing coordinates with typed errors', async () => {
    await expect(evaluateConformers([], isoRef, { threshold: 0.5 })).rejects.toThrow(EmptyConformerSetError);
    await expect(evaluateConformers(isoGen, [], { threshold: 0.5 })).rejects.toMatchObject({ argument: 'references' });
    await expect(evaluateConformers(isoGen, isoRef, { threshold: -1 })).rejects.toThrow(InvalidThresholdError);
    await expect(evaluateConformers(isoGen, isoRef, undefined as never)).rejects.toThrow(/needs options with a threshold/);
    await expect(evaluateConformers(isoGen, isoRef, { threshold: 1, thresholds: [1, Number.NaN] })).rejects.toMatchObject({ argument: 'thresholds[1]' });
    const { coords: _c, ...bare } = isoGen[1]!;
    await expect(evaluateConformers([isoGen[0]!, bare], isoRef, { threshold: 0.5 })).rejects.toThrow(MissingCoordinatesError);
    await expect(evaluateConformers([isoGen[0]!, bare], isoRef, { threshold: 0.5 })).rejects.toThrow(/^generated\[1\] \(CC\(C\)C\) has no usable 3D coordinates/);
    await expect(evaluateConformers([benzGen], isoRef, { threshold: 0.5 })).rejects.toThrow(/No molecule has both reference and generated conformers/);
    await expect(rmsdMatrix([], isoRef)).rejects.toThrow(EmptyConformerSetError);
  });

  it('does not depend on the order of the reference list', async () => {
    const refs = [...isoRef, withCoords(isoRef[0]!, moveRigidly(isoRef[1]!.coords!, rotationFromQuaternion([0, 1, 0, 1]), [1, 1, 1]))];
    const base = await evaluateConformers(isoGen, refs, { threshold: 0.5, includeMatrices: true });
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }), async (perm) => {
        const shuffled = await evaluateConformers(isoGen, perm.map((k) => refs[k]!), { threshold: 0.5, includeMatrices: true });
        const row = shuffled.molecules[0]!;
        const b = base.molecules[0]!;
        for (const f of ['cov_r', 'mat_r', 'cov_p', 'mat_p'] as const) expect(row[f]).toBeCloseTo(b[f], 12);
        perm.forEach((k, j) => row.rmsd![j]!.forEach((v, i) => expect(v).toBeCloseTo(b.rmsd![k]![i]!, 12)));
      }),
      { numRuns: 6, seed: 11 },
    );
  });
});
