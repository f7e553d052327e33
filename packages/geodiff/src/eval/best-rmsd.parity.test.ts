import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readSdf } from '../molecule/sdf';
import { bestRmsd } from './best-rmsd';
import { rmsdMatrix } from './rmsd-matrix';

// Parity with RDKit's rdMolAlign.GetBestRMS(RemoveHs(probe), RemoveHs(ref)) (GeoDiff's get_best_rmsd), run by
// Debian's python3-rdkit on ETKDG conformers of molecules from RDKit's NCI sample (Debian rdkit-data).
// The Python script only computes reference values; see __fixtures__/best_rms_parity.py.
const PYTHON = '/usr/bin/python3';
const NCI_SMILES = '/usr/share/RDKit/Data/NCI/first_5K.smi';
const SCRIPT = fileURLToPath(new URL('./__fixtures__/best_rms_parity.py', import.meta.url));
/** Largest |RMSD(TypeScript) - RMSD(RDKit)| accepted, in Å. Both read the same 4-decimal SD file. */
const PARITY_ATOL = 1e-4;
/** The fewest pairs and molecules the comparison must cover. */
const MIN_PAIRS = 200;
const MIN_MOLECULES = 60;

function unavailable(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  try {
    execFileSync(PYTHON, ['-c', 'import rdkit.Chem.rdMolAlign'], { stdio: 'pipe' });
  } catch {
    return `${PYTHON} has no rdkit module (Debian: apt-get install python3-rdkit)`;
  }
  if (!existsSync(NCI_SMILES)) return `${NCI_SMILES} is missing (Debian: apt-get install rdkit-data)`;
  return undefined;
}

const skipReason = unavailable();
if (skipReason !== undefined) console.log(`[skipped] GetBestRMS parity test: ${skipReason}.`);

interface ParityOutput {
  rdkit: string;
  molecules: Array<{ smiles: string; kind: 'symmetric' | 'terminal' | 'plain'; automorphisms: number; records: number[] }>;
  pairs: Array<[probe: number, reference: number, rms: number]>;
}

describe.skipIf(skipReason !== undefined)('bestRmsd parity with RDKit GetBestRMS (python3-rdkit)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geodiff-best-rms-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`agrees within ${PARITY_ATOL} Å on ${MIN_PAIRS}+ conformer pairs of ${MIN_MOLECULES}+ NCI molecules`, async () => {
    const t0 = performance.now();
    const out = JSON.parse(execFileSync(PYTHON, [SCRIPT, NCI_SMILES, dir, '72'], { encoding: 'utf8', maxBuffer: 64 << 20 })) as ParityOutput;
    const tPython = performance.now() - t0;
    const sdf = readFileSync(join(dir, 'conformers.sdf'), 'utf8');
    const { molecules, skipped } = await readSdf(sdf, { file: 'conformers.sdf' });
    expect(skipped).toEqual([]);
    const numRecords = out.molecules.reduce((s, m) => s + m.records.length, 0);
    expect(molecules).toHaveLength(numRecords);
    expect(out.molecules.length).toBeGreaterThanOrEqual(MIN_MOLECULES);
    expect(out.pairs.length).toBeGreaterThanOrEqual(MIN_PAIRS);
    expect(out.molecules.filter((m) => m.kind === 'symmetric').length).toBeGreaterThanOrEqual(20);
    expect(out.molecules.filter((m) => m.kind === 'terminal').length).toBeGreaterThanOrEqual(10);

    // TypeScript: one RMSD matrix per molecule, atom maps enumerated once per pair of atom orders.
    const t1 = performance.now();
    const ours = new Map<string, number>();
    for (const m of out.molecules) {
      const confs = m.records.map((r) => molecules[r]!);
      const matrix = await rmsdMatrix(confs, confs); // [reference][probe]
      m.records.forEach((ref, j) => m.records.forEach((probe, i) => ours.set(`${probe}:${ref}`, matrix[j]![i]!)));
    }
    const tOurs = performance.now() - t1;

    let maxDiff = 0;
    let worst = '';
    const bad: string[] = [];
    for (const [probe, ref, rms] of out.pairs) {
      const mine = ours.get(`${probe}:${ref}`);
      expect(mine, `pair ${probe}:${ref}`).toBeDefined();
      const diff = Math.abs(mine! - rms);
      if (diff > maxDiff) {
        maxDiff = diff;
        worst = `${molecules[probe]!.name} vs ${molecules[ref]!.name}: ours ${mine} RDKit ${rms}`;
      }
      if (diff >= PARITY_ATOL) bad.push(`${molecules[probe]!.name} -> ${molecules[ref]!.name} (${molecules[ref]!.smiles}): ours ${mine}, RDKit ${rms}`);
    }
    console.log(
      `GetBestRMS parity (RDKit ${out.rdkit}): ${out.pairs.length} pairs over ${out.molecules.length} molecules ` +
        `(${out.molecules.filter((m) => m.kind === 'symmetric').length} symmetric, ${out.molecules.filter((m) => m.kind === 'terminal').length} with conjugated terminal groups), ` +
        `max |Δ| = ${maxDiff.toExponential(2)} Å (${worst}); python ${(tPython / 1000).toFixed(1)} s, TypeScript ${(tOurs / 1000).toFixed(1)} s`,
    );
    expect(bad, bad.slice(0, 10).join('\n')).toEqual([]);
    expect(maxDiff).toBeLessThan(PARITY_ATOL);

    // The single-pair entry point gives the same values.
    for (const [probe, ref, rms] of out.pairs.slice(0, 12)) {
      expect(Math.abs((await bestRmsd(molecules[probe]!, molecules[ref]!)) - rms)).toBeLessThan(PARITY_ATOL);
    }
  });
});
