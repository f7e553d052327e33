import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, type ProgressEvent } from '@lab/tensor-core';
import { parseSmiles } from '../molecule/parse-smiles';
import type { Molecule } from '../molecule/molecule';
import { type GeoDiffNetwork, defaultModelDir, loadGeoDiffNetwork } from '../model/geodiff-network';
import { generateConformers } from './generate-conformers';

const dir = process.env['GEODIFF_MODEL_DIR'] ?? defaultModelDir();
let network: GeoDiffNetwork;
let ethanol: Molecule;
let pyridine: Molecule;

beforeAll(async () => {
  network = await loadGeoDiffNetwork(dir, { intraOpThreads: 1 });
  ethanol = await parseSmiles('CCO');
  pyridine = await parseSmiles('c1ccncc1');
});
afterAll(async () => {
  await network?.dispose();
});

const fast = { sampler: 'ddim' as const, steps: 30 };

describe('generateConformers', () => {
  it('returns the asked number of centred, finite conformers per molecule, in input order', async () => {
    const { molecules, settings } = await generateConformers([ethanol, pyridine], { network, numConfs: [2, 3], ...fast });
    expect(molecules.map((m) => m.conformers.length)).toEqual([2, 3]);
    expect(molecules[0]!.molecule).toBe(ethanol);
    molecules.forEach((m) => {
      for (const c of m.conformers) {
        expect(c.length).toBe(3 * m.molecule.atoms.length);
        expect(c.every(Number.isFinite)).toBe(true);
        for (let d = 0; d < 3; d++) {
          let s = 0;
          for (let a = d; a < c.length; a += 3) s += c[a]!;
          expect(Math.abs(s / m.molecule.atoms.length)).toBeLessThan(1e-9);
        }
      }
    });
    expect(settings).toMatchObject({ seed: 0, sampler: 'ddim', steps: 30, spacing: 'skip', numTimesteps: 5000, batches: 1 });
  });

  it('same seed, same conformers; another seed, other conformers', async () => {
    const a = await generateConformers([ethanol], { network, numConfs: 2, seed: 7, ...fast });
    const b = await generateConformers([ethanol], { network, numConfs: 2, seed: 7, ...fast });
    const c = await generateConformers([ethanol], { network, numConfs: 2, seed: 8, ...fast });
    expect(Array.from(a.molecules[0]!.conformers[1]!)).toEqual(Array.from(b.molecules[0]!.conformers[1]!));
    expect(Array.from(a.molecules[0]!.conformers[1]!)).not.toEqual(Array.from(c.molecules[0]!.conformers[1]!));
  });

  it('packs conformers into batches of at most maxBatchAtoms atoms and reports progress over all of them', async () => {
    const events: ProgressEvent[] = [];
    const r = await generateConformers([ethanol, pyridine], { network, numConfs: 3, ...fast, maxBatchAtoms: 2 * 11, onProgress: (e) => events.push(e) });
    // ethanol 9 atoms, pyridine 11, at most 22 per batch, in input order: [e, e] (18), [e, p] (20), [p, p] (22)
    expect(r.settings.batches).toBe(3);
    expect(r.molecules.map((m) => m.conformers.length)).toEqual([3, 3]);
    // DDIM 30 steps over 5000 timesteps with 'skip' spacing: floor(5000 / 30) = 166 apart, ceil(5000 / 166) = 31 updates
    expect(r.settings.updates).toBe(31);
    expect(events.at(-1)).toMatchObject({ completed: 3 * 31, total: 3 * 31 });
    expect(r.timing.networkMs).toBeGreaterThan(0);
  });

  it('keeps trajectories when asked', async () => {
    const r = await generateConformers([ethanol], { network, numConfs: 1, trajectory: true, ...fast });
    const traj = r.molecules[0]!.trajectories![0]!;
    expect(traj.length).toBe(r.settings.updates);
    expect(Array.from(traj.at(-1)!)).toEqual(Array.from(r.molecules[0]!.conformers[0]!));
  });

  it('rejects bad counts and batch sizes, naming the option', async () => {
    await expect(generateConformers([ethanol], { network, numConfs: [1, 2] })).rejects.toThrow(InvalidArgumentError);
    await expect(generateConformers([ethanol], { network, numConfs: -1 })).rejects.toThrow(/numConfs\[0\]/);
    await expect(generateConformers([ethanol], { network, numConfs: 1, maxBatchAtoms: 0 })).rejects.toThrow(/maxBatchAtoms/);
  });
});
