import { alignedRmsd, InvalidArgumentError, LabError } from '@lab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSmiles } from '../molecule/parse-smiles';
import { findAtomMaps } from './atom-maps';
import { bestRmsd, bestRmsdFromAtomMaps } from './best-rmsd';
import { GraphMismatchError, MissingCoordinatesError } from './errors';
import { benzene, isobutane, moveRigidly, propanoate, rotationFromQuaternion, swapAtoms, withCoords } from './test-molecules';

const heavy = (coords: ArrayLike<number>, atoms: readonly number[]): number[] => atoms.flatMap((a) => [coords[3 * a]!, coords[3 * a + 1]!, coords[3 * a + 2]!]);

describe('bestRmsd', () => {
  it('is 0 for a rotated and translated copy', async () => {
    const ref = await isobutane();
    const R = rotationFromQuaternion([0.3, -0.5, 0.7, 0.2]);
    const probe = withCoords(ref, moveRigidly(ref.coords!, R, [3, -4, 12]));
    expect(await bestRmsd(probe, ref)).toBeLessThan(1e-9);
  });

  it('finds the symmetry that naive atom order misses: two methyls of isobutane exchanged', async () => {
    const ref = await isobutane();
    const probe = withCoords(ref, swapAtoms(ref.coords!, 0, 2)); // a mirror image of the heavy atoms
    const naive = alignedRmsd(heavy(probe.coords!, [0, 1, 2, 3]), heavy(ref.coords!, [0, 1, 2, 3]));
    expect(naive).toBeGreaterThan(0.4); // 0.44 Å: no proper rotation undoes a mirror image
    expect(await bestRmsd(probe, ref)).toBeLessThan(1e-9);
  });

  it('treats the oxygens of a carboxylate as equivalent despite their charge and bond order, as GetBestRMS does', async () => {
    const ref = await propanoate();
    const probe = withCoords(ref, swapAtoms(ref.coords!, 3, 4));
    const naive = alignedRmsd(probe.coords!, ref.coords!);
    expect(naive).toBeGreaterThan(0.3);
    expect(await bestRmsd(probe, ref)).toBeLessThan(1e-9);
    // Without symmetrisation O= and O- differ, so the identity is the only map.
    expect(await bestRmsd(probe, ref, { symmetrizeConjugatedTerminalGroups: false })).toBeCloseTo(naive, 12);
    expect((await findAtomMaps(ref, ref)).referenceAtoms).toHaveLength(2);
    expect((await findAtomMaps(ref, ref, { symmetrizeConjugatedTerminalGroups: false })).referenceAtoms).toHaveLength(1);
  });

  it('enumerates all 12 automorphisms of benzene, without uniquifying, and caps them at maxMatches', async () => {
    const b = await benzene();
    const maps = await findAtomMaps(b, b);
    expect(maps.referenceAtoms).toHaveLength(12);
    expect(new Set(maps.referenceAtoms.map((m) => Array.from(m).join())).size).toBe(12);
    expect(maps.truncated).toBe(false);
    const capped = await findAtomMaps(b, b, { maxMatches: 5 });
    expect(capped.referenceAtoms).toHaveLength(5);
    expect(capped.truncated).toBe(true);
    // Labels moved one position round the ring: unaligned, every atom is 1.39 Å off; the best RMSD is 0.
    const shifted = withCoords(b, [...b.coords!.slice(3), ...b.coords!.slice(0, 3)]);
    expect(Math.sqrt(heavy(shifted.coords!, [0, 1, 2, 3, 4, 5]).reduce((s, v, i) => s + (v - b.coords![i]!) ** 2, 0) / 6)).toBeCloseTo(1.39, 10);
    expect(bestRmsdFromAtomMaps(shifted.coords!, b.coords!, maps)).toBeLessThan(1e-9);
  });

  it('compares heavy atoms only, whatever the hydrogens and the atom order', async () => {
    const ref = await isobutane();
    // the same conformer without hydrogens
    const noH = withCoords(await parseSmiles('CC(C)C', { addHs: false }), ref.coords!.slice(0, 12));
    expect(await bestRmsd(noH, ref)).toBeLessThan(1e-9);
    expect(await bestRmsd(ref, noH)).toBeLessThan(1e-9);
    // hydrogens moved: no effect
    const movedH = withCoords(ref, ref.coords!.map((v, i) => (i >= 12 ? v + 0.7 : v)));
    expect(await bestRmsd(movedH, ref)).toBeLessThan(1e-9);
    // atoms written in another order (SMILES C(C)(C)C puts the centre first)
    const reordered = await parseSmiles('C(C)(C)C');
    const order = [1, 0, 2, 3]; // reordered atom k is isobutane atom order[k]
    const coords = [...order.flatMap((a) => heavy(ref.coords!, [a])), ...ref.coords!.slice(12)];
    expect(await bestRmsd(withCoords(reordered, coords), ref)).toBeLessThan(1e-9);
  });

  it('handles molecules written without hydrogens whose aromatic rings RDKit cannot kekulise from bonds alone', async () => {
    const pyrrole = await parseSmiles('c1cc[nH]c1', { addHs: false }); // 5 atoms, the N-H implicit
    const coords: number[] = [];
    for (let i = 0; i < 5; i++) coords.push(1.2 * Math.cos((2 * Math.PI * i) / 5), 1.2 * Math.sin((2 * Math.PI * i) / 5), 0.1 * i);
    const ref = withCoords(pyrrole, coords);
    expect((await findAtomMaps(ref, ref)).referenceAtoms).toHaveLength(2); // identity and the mirror through N
    const probe = withCoords(ref, moveRigidly(coords, rotationFromQuaternion([0.2, 0.1, -0.9, 0.4]), [1, 2, 3]));
    expect(await bestRmsd(probe, ref)).toBeLessThan(1e-9);
    // and against the same molecule with explicit hydrogens
    const withH = await parseSmiles('c1cc[nH]c1');
    const full = withCoords(withH, [...coords, ...new Array(3 * (withH.atoms.length - 5)).fill(0).map((_, i) => i * 0.31)]);
    expect(await bestRmsd(full, ref)).toBeLessThan(1e-9);
  });

  it('matches a hand computation for a displaced atom', async () => {
    const ref = await propanoate();
    const coords = Float64Array.from(ref.coords!);
    coords[0] = coords[0]! + 1; // move the methyl carbon 1 Å
    const best = await bestRmsd(withCoords(ref, coords), ref);
    expect(best).toBeCloseTo(alignedRmsd(coords, ref.coords!), 12); // the identity map is the best one here
    expect(best).toBeGreaterThan(0);
    expect(best).toBeLessThan(1 / Math.sqrt(5)); // alignment can only improve on the unaligned 1/sqrt(5)
  });

  it('throws typed errors for mismatched graphs and missing coordinates', async () => {
    const ref = await propanoate();
    const amide = withCoords(await parseSmiles('CCC(N)=O', { addHs: false }), ref.coords!);
    await expect(bestRmsd(amide, ref)).rejects.toThrow(GraphMismatchError);
    await expect(bestRmsd(amide, ref)).rejects.toThrow(/heavy-atom formula C3N1O1 vs C3O2/);
    const pentane = withCoords(await parseSmiles('CCCCC', { addHs: false }), new Array(15).fill(0).map((_, i) => i * 0.37));
    const cyclopentane = withCoords(await parseSmiles('C1CCCC1', { addHs: false }), new Array(15).fill(0).map((_, i) => Math.sin(i)));
    await expect(bestRmsd(pentane, cyclopentane)).rejects.toThrow(/4 bonds between heavy atoms vs 5/);
    const e = await bestRmsd(withCoords(await parseSmiles('CC[N+](C)(C)C', { addHs: false }), new Array(18).fill(1)), withCoords(await parseSmiles('CC(C)(C)CC', { addHs: false }), new Array(18).fill(1))).catch((x: unknown) => x);
    expect(LabError.isInstance(e) && e.code).toBe('GRAPH_MISMATCH');

    const { coords: _drop, ...bare } = ref;
    await expect(bestRmsd(bare, ref)).rejects.toThrow(MissingCoordinatesError);
    await expect(bestRmsd(bare, ref)).rejects.toThrow(/probe .*coords is not set/);
    await expect(bestRmsd(ref, withCoords(ref, [...ref.coords!.slice(0, 14), Number.NaN]))).rejects.toMatchObject({ problem: 'non-finite', code: 'MISSING_COORDINATES' });
    await expect(bestRmsd(ref, { ...ref, coords: new Float64Array(3) })).rejects.toMatchObject({ problem: 'wrong-length' });
    await expect(bestRmsd(ref, ref, { maxMatches: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(bestRmsd(ref, ref, { maxMatches: 0 })).rejects.toThrow(/maxMatches/);
  });
});

describe('bestRmsd properties', () => {
  const quaternion = fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })).filter((q) => Math.hypot(...q) > 0.1);
  const translation = fc.tuple(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }));

  it('is invariant to rigid motions of either conformer', async () => {
    // pivalate: 3! x 2 symmetric maps of the heavy atoms; random (not chemical) coordinates
    const pivalate = await parseSmiles('CC(C)(C)C(=O)[O-]');
    const maps = await findAtomMaps(pivalate, pivalate);
    expect(maps.referenceAtoms).toHaveLength(12);
    const coords = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 3 * pivalate.atoms.length, maxLength: 3 * pivalate.atoms.length });
    fc.assert(
      fc.property(coords, coords, quaternion, translation, quaternion, translation, (p, r, q1, t1, q2, t2) => {
        const base = bestRmsdFromAtomMaps(p, r, maps);
        const movedProbe = bestRmsdFromAtomMaps(moveRigidly(p, rotationFromQuaternion(q1), t1), r, maps);
        const movedRef = bestRmsdFromAtomMaps(p, moveRigidly(r, rotationFromQuaternion(q2), t2), maps);
        expect(movedProbe).toBeCloseTo(base, 7);
        expect(movedRef).toBeCloseTo(base, 7);
        expect(base).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 60, seed: 42 },
    );
  });

  it('is symmetric in probe and reference and 0 for any symmetry-equivalent relabelling', async () => {
    const pivalate = await parseSmiles('CC(C)(C)C(=O)[O-]', { addHs: false });
    const maps = await findAtomMaps(pivalate, pivalate);
    const coords = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 3 * pivalate.atoms.length, maxLength: 3 * pivalate.atoms.length });
    fc.assert(
      fc.property(coords, coords, fc.nat({ max: maps.referenceAtoms.length - 1 }), (p, r, k) => {
        expect(bestRmsdFromAtomMaps(p, r, maps)).toBeCloseTo(bestRmsdFromAtomMaps(r, p, maps), 7);
        // relabel p by the k-th automorphism: still the same conformer
        const map = maps.referenceAtoms[k]!;
        const relabelled = new Array<number>(p.length);
        maps.probeAtoms.forEach((a, i) => {
          for (let d = 0; d < 3; d++) relabelled[3 * map[i]! + d] = p[3 * a + d]!;
        });
        expect(bestRmsdFromAtomMaps(relabelled, p, maps)).toBeLessThan(1e-6);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
