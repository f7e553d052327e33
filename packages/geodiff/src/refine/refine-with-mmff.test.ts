import fc from 'fast-check';
import { Rng, alignedRmsd } from '@lab/tensor-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSmiles } from '../molecule/parse-smiles';
import { checkStereo } from '../output/check-stereo';
import { ForceFieldError } from './errors';
import { mmffEnergies, refineConformersWithMmff, refineWithMmff } from './refine-with-mmff';
import { type MmffReference, bondLengths, committedMmffReferences, heavyBonds, perceivedHeavyBonds, renumbered } from './test-fixtures';

// Tolerances against RDKit 2022.09.3 on the committed fixture (RDKit ETKDGv3 conformers, see
// __fixtures__/rdkit-mmff-reference.py). Energies agree to ~1e-6 kcal/mol (openchemlib's MMFF94 is a port of RDKit's);
// minima to ~1e-3 kcal/mol and a few 1e-3 Å (different BFGS stopping points on a flat surface).
const ENERGY_ATOL = 1e-4;
const MINIMUM_ENERGY_ATOL = 0.01;
const MINIMUM_RMSD_MAX = 0.05;

let refs: MmffReference[];
const ref = (name: string): MmffReference => refs.find((r) => r.name === name)!;

beforeAll(async () => {
  refs = await committedMmffReferences();
});

function noisy(coords: Float64Array, seed: number, sigma: number, scale = 1): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from(coords, (v) => scale * v + sigma * rng.normal());
}

describe('mmffEnergies', () => {
  it("equals RDKit's MMFF94 and MMFF94s energies of the same coordinates", async () => {
    for (const r of refs) {
      const [e94] = await mmffEnergies(r.molecule, [r.start]);
      const [e94s] = await mmffEnergies(r.molecule, r.start, { variant: 'MMFF94s' });
      expect(Math.abs(e94! - r.rdkitMmff94), `${r.name} MMFF94 ${e94} vs RDKit ${r.rdkitMmff94}`).toBeLessThan(ENERGY_ATOL);
      expect(Math.abs(e94s! - r.rdkitMmff94s), `${r.name} MMFF94s ${e94s} vs RDKit ${r.rdkitMmff94s}`).toBeLessThan(ENERGY_ATOL);
    }
    const caffeine = ref('caffeine');
    expect(caffeine.rdkitMmff94s).not.toBeCloseTo(caffeine.rdkitMmff94, 1); // the variants differ for sp2 nitrogens
  });

  it('does not depend on the atom order (openchemlib renumbers atoms; coordinates are mapped back)', async () => {
    const r = ref('sulfanilamide');
    const order = new Rng(5).permutation(r.molecule.atoms.length);
    const shuffled = renumbered(r.molecule, r.start, order);
    expect(shuffled.molecule.atoms.map((a) => a.element).join('')).not.toBe(r.molecule.atoms.map((a) => a.element).join(''));
    const [e] = await mmffEnergies(shuffled.molecule, [shuffled.coords]);
    expect(e).toBeCloseTo(r.rdkitMmff94, 4);
  });
});

describe('refineWithMmff', () => {
  it("reaches RDKit's MMFF94 minimum from the same ETKDG start (energy and geometry)", async () => {
    for (const r of refs) {
      const out = await refineWithMmff(r.molecule, r.start);
      expect(out.converged).toBe(true);
      expect(out.status).toBe('converged');
      expect(out.energyBefore).toBeCloseTo(r.rdkitMmff94, 4);
      expect(out.energyAfter).toBeLessThan(out.energyBefore);
      expect(Math.abs(out.energyAfter - r.rdkitMinimisedEnergy), `${r.name}: ${out.energyAfter} vs RDKit ${r.rdkitMinimisedEnergy}`).toBeLessThan(MINIMUM_ENERGY_ATOL);
      expect(alignedRmsd(out.coords, r.rdkitMinimised), r.name).toBeLessThan(MINIMUM_RMSD_MAX);
      const [check] = await mmffEnergies(r.molecule, out.coords);
      expect(check).toBeCloseTo(out.energyAfter, 6);
    }
  });

  it('returns coordinates in the molecule atom order even when openchemlib reorders the atoms', async () => {
    const r = ref('(S)-ibuprofen');
    const order = new Rng(11).permutation(r.molecule.atoms.length); // hydrogens interleaved with heavy atoms
    const shuffled = renumbered(r.molecule, r.start, order);
    const direct = await refineWithMmff(r.molecule, r.start);
    const viaShuffled = await refineWithMmff(shuffled.molecule, shuffled.coords);
    expect(viaShuffled.energyBefore).toBeCloseTo(direct.energyBefore, 8);
    expect(viaShuffled.energyAfter).toBeCloseTo(direct.energyAfter, 3);
    const back = new Float64Array(direct.coords.length);
    order.forEach((old, k) => back.set(viaShuffled.coords.subarray(3 * k, 3 * k + 3), 3 * old));
    expect(alignedRmsd(back, direct.coords)).toBeLessThan(0.01);
    expect(alignedRmsd(back, r.rdkitMinimised)).toBeLessThan(MINIMUM_RMSD_MAX);
  });

  it('pulls the bond lengths of a distorted conformer back to normal values, keeping graph and stereo', async () => {
    const r = ref('(S)-ibuprofen');
    const distorted = noisy(r.start, 3, 0.08, 1.12); // every bond ~12% too long, plus 0.08 Å noise
    const normal = bondLengths(r.molecule, r.rdkitMinimised);
    const deviation = (coords: Float64Array): number =>
      bondLengths(r.molecule, coords).reduce((s, d, b) => s + Math.abs(d - normal[b]!), 0) / normal.length;
    const out = await refineWithMmff(r.molecule, distorted);
    expect(out.converged).toBe(true);
    expect(out.energyAfter).toBeLessThan(out.energyBefore / 10);
    expect(deviation(distorted)).toBeGreaterThan(0.1);
    expect(deviation(out.coords)).toBeLessThan(0.005);
    expect(perceivedHeavyBonds(r.molecule, out.coords)).toEqual(heavyBonds(r.molecule));
    const [stereo] = await checkStereo(r.molecule, out.coords);
    expect(stereo!.ok).toBe(true);
  });

  it('stops at maxIterations and still returns the minimiser positions (not the start)', async () => {
    const r = ref('aspirin');
    const out = await refineWithMmff(r.molecule, r.start, { maxIterations: 3 });
    expect(out.status).toBe('max-iterations');
    expect(out.converged).toBe(false);
    expect(out.energyAfter).toBeLessThan(out.energyBefore);
    expect(alignedRmsd(out.coords, r.start)).toBeGreaterThan(1e-3);
    const [check] = await mmffEnergies(r.molecule, out.coords);
    expect(check).toBeCloseTo(out.energyAfter, 6);
  });

  it('throws typed errors: untypable atoms, implicit hydrogens, coincident atoms, bad arguments', async () => {
    const boronic = await parseSmiles('OB(O)c1ccccc1', { name: 'phenylboronic acid' });
    const random = (n: number): Float64Array => noisy(new Float64Array(3 * n), 1, 1.5);
    const typing = await refineWithMmff(boronic, random(boronic.atoms.length)).catch((e: unknown) => e);
    expect(typing).toBeInstanceOf(ForceFieldError);
    expect(typing).toMatchObject({ code: 'MMFF_ATOM_TYPING', atomIndex: 1, element: 'B' });
    expect((typing as Error).message).toMatch(/^SMILES 'OB\(O\)c1ccccc1' \("phenylboronic acid"\): MMFF94 has no atom type for atom 1 \(B\)/);

    const heavyOnly = await parseSmiles('CCO', { addHs: false });
    await expect(refineWithMmff(heavyOnly, random(3))).rejects.toMatchObject({ code: 'MMFF_IMPLICIT_HYDROGENS', atomIndex: 0 });

    const r = ref('aspirin');
    const collapsed = Float64Array.from(r.start);
    collapsed.set(collapsed.subarray(0, 3), 3); // atoms 0 and 1 on top of each other
    await expect(refineConformersWithMmff(r.molecule, [r.start, collapsed])).rejects.toMatchObject({ code: 'MMFF_NON_FINITE_ENERGY', conformer: 1 });

    await expect(refineWithMmff(r.molecule, r.start.subarray(3))).rejects.toMatchObject({ argument: 'coords' });
    await expect(refineWithMmff(r.molecule, r.start, { variant: 'UFF' as never })).rejects.toThrow(/Unsupported MMFF variant "UFF". Supported: MMFF94, MMFF94s/);
    await expect(refineWithMmff(r.molecule, r.start, { maxIterations: 0 })).rejects.toMatchObject({ argument: 'maxIterations' });
    await expect(refineWithMmff(r.molecule, r.start, { gradientTolerance: -1 })).rejects.toMatchObject({ argument: 'gradientTolerance' });
    await expect(refineWithMmff(r.molecule, r.start, { energyTolerance: Number.NaN })).rejects.toMatchObject({ argument: 'energyTolerance' });
  });
});

describe('refineConformersWithMmff', () => {
  it('refines stacked conformers in order and reports progress', async () => {
    const r = ref('4-nitrophenol');
    const starts = [r.start, noisy(r.start, 1, 0.05), noisy(r.start, 2, 0.05)];
    const stacked = new Float64Array(starts.length * r.start.length);
    starts.forEach((c, k) => stacked.set(c, k * r.start.length));
    const events: Array<[number, number | undefined]> = [];
    const out = await refineConformersWithMmff(r.molecule, stacked, { onProgress: (e) => events.push([e.completed, e.total]) });
    expect(out).toHaveLength(3);
    for (const [k, res] of out.entries()) {
      const [before] = await mmffEnergies(r.molecule, starts[k]!);
      expect(res.energyBefore).toBeCloseTo(before!, 8);
      expect(res.converged).toBe(true);
      expect(res.energyAfter).toBeCloseTo(r.rdkitMinimisedEnergy, 1);
    }
    expect(events[0]).toEqual([0, 3]);
    expect(events.at(-1)).toEqual([3, 3]);
    expect(await refineConformersWithMmff(r.molecule, [])).toEqual([]);
  });

  it('stops between conformers when the signal aborts', async () => {
    const r = ref('4-nitrophenol');
    const controller = new AbortController();
    let completed = 0;
    const run = refineConformersWithMmff(r.molecule, [r.start, r.start, r.start], {
      signal: controller.signal,
      onProgress: (e) => (completed = e.completed),
    });
    setImmediate(() => controller.abort(new Error('user stop'))); // runs while the batch yields after conformer 0
    await expect(run).rejects.toThrow('user stop');
    expect(completed).toBeLessThan(3);
    await expect(refineConformersWithMmff(r.molecule, [r.start], { signal: AbortSignal.abort(new Error('before')) })).rejects.toThrow('before');
  });
});

describe('mmffEnergies invariances (property)', () => {
  it('is unchanged by translations, rotations and atom renumbering', async () => {
    const r = ref('aspirin');
    const angle = fc.double({ min: -Math.PI, max: Math.PI, noNaN: true });
    const shift = fc.double({ min: -50, max: 50, noNaN: true });
    await fc.assert(
      fc.asyncProperty(angle, angle, fc.tuple(shift, shift, shift), fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (a, b, t, seed) => {
        const [ca, sa, cb, sb] = [Math.cos(a), Math.sin(a), Math.cos(b), Math.sin(b)];
        const moved = new Float64Array(r.start.length);
        for (let i = 0; i < moved.length; i += 3) {
          const [x, y, z] = [r.start[i]!, r.start[i + 1]!, r.start[i + 2]!];
          const x1 = ca * x - sa * y;
          const y1 = sa * x + ca * y; // about z, then about x
          moved.set([x1 + t[0], cb * y1 - sb * z + t[1], sb * y1 + cb * z + t[2]], i);
        }
        const shuffled = renumbered(r.molecule, moved, new Rng(seed).permutation(r.molecule.atoms.length));
        const [e] = await mmffEnergies(shuffled.molecule, shuffled.coords);
        expect(e).toBeCloseTo(r.rdkitMmff94, 6);
      }),
      { numRuns: 10 },
    );
  });
});
