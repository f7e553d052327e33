import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNpz } from '@lab/tensor-core';
import { readSdf } from './molecule/sdf';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
// RDKit ETKDG conformers of six drug-like molecules with explicit hydrogens (see refine/__fixtures__).
const FIXTURE = fileURLToPath(new URL('./refine/__fixtures__/mmff-etkdg.sdf', import.meta.url));
const MODEL = process.env['GEODIFF_MODEL_DIR'] ? ['--model', process.env['GEODIFF_MODEL_DIR']] : [];
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });

describe('geodiff CLI', () => {
  it('featurize writes the training arrays of an SDF', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'geodiff-cli-'));
    const out = join(dir, 'train.npz');
    const r = run('featurize', '-i', FIXTURE, '-o', out, '-q');
    expect(r.status, r.stderr).toBe(0);
    const { molecules } = await readSdf(readFileSync(FIXTURE, 'utf8'));
    const arrays = await readNpz(out);
    expect(Object.keys(arrays).sort()).toEqual(['atom_type', 'edge_index', 'edge_type', 'mol_index', 'num_atoms', 'num_edges', 'pos']);
    expect(arrays['num_atoms']!.shape).toEqual([molecules.length]);
    expect(Array.from(arrays['num_atoms']!.data as BigInt64Array, Number)).toEqual(molecules.map((m) => m.atoms.length));
    expect(r.stdout).toContain(`${molecules.length} conformers`);
  });

  it('sample writes one SDF record per conformer with provenance, and eval scores it (json + svg)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'geodiff-cli-'));
    const csv = join(dir, 'mols.csv');
    writeFileSync(csv, 'smiles,n_conformers\nCCO,1\nC1CC,2\nc1ccncc1,1\n');
    const out = join(dir, 'gen.sdf');
    const r = run('sample', '-i', csv, '-n', '2x', '--sampler', 'ddim', '--steps', '20', '--seed', '3', ...MODEL, '-o', out, '--xyz', join(dir, 'gen.xyz'), '--trajectory', join(dir, 'traj.xyz'), '--trajectory-every', '10', '-q');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('skipped'); // the invalid SMILES on line 3, reported and skipped
    const { molecules } = await readSdf(readFileSync(out, 'utf8'));
    expect(molecules.length).toBe(4); // 2 x 1 for ethanol, 2 x 1 for pyridine
    expect(molecules[0]!.properties).toMatchObject({ SMILES: 'CCO', SEED: '3', SAMPLER: 'ddim', STEPS: '20', CONFORMER_INDEX: '0' });
    expect(readFileSync(join(dir, 'gen.xyz'), 'utf8').split('\n')[0]!.trim()).toBe('9');
    // DDIM 20 steps spread over 5000 timesteps: 20 updates; frames after steps 10 and 20 for each of the 4 conformers
    const traj = readFileSync(join(dir, 'traj.xyz'), 'utf8');
    expect(traj.match(/STEP=/g)?.length).toBe(4 * 2);
    expect(traj).toContain('STEP=20');

    const plot = join(dir, 'cov.svg');
    const e = run('eval', '-g', out, '-r', out, '-t', '0.5', '-f', 'json', '--plot', plot, '-q');
    expect(e.status, e.stderr).toBe(0);
    const report = JSON.parse(e.stdout);
    // each conformer is its own reference: full coverage at zero RMSD
    expect(report.cov_r_mean).toBe(100);
    expect(report.mat_r_mean).toBeLessThan(1e-6);
    for (const key of ['cov_r_median', 'mat_r_median', 'cov_p_mean', 'cov_p_median', 'mat_p_mean', 'mat_p_median']) expect(report).toHaveProperty(key);
    expect(readFileSync(plot, 'utf8')).toMatch(/^<svg/);
  });

  it('exits 1 with a typed error naming the option', () => {
    const r = run('sample', '--smiles', 'CCO', '-n', '2', '--sampler', 'euler', '-o', '/tmp/x.sdf');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error \[INVALID_ARGUMENT\]: --sampler must be one of ld, ddpm, ddim/);
    const n = run('sample', '--smiles', 'CCO', '-n', '2x', '-o', '/tmp/x.sdf');
    expect(n.stderr).toMatch(/--num-confs 2x needs an n_conformers column/);
  });
});
