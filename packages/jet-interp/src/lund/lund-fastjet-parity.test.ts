/**
 * Parity of the primary Lund declustering with libfastjet (tools/lund-driver.cc: C/A reclustering at
 * JetDefinition::max_allowable_R, `has_parents` along the harder branch, FastJet contrib's LundDeclustering formulas) on
 * generated and random jets: the same nodes (history indices) and the same (Δ, k_t, z, ψ, m). Skips, saying why, without
 * g++ or libfastjet-dev.
 */
import { describe, expect, it } from 'vitest';
import { buildLundDriver, parityJets, runLundDriver } from '../testing/lund-reference';
import { primaryLundDeclusterings } from './primary-lund-declusterings';

/** Tolerances against libfastjet (same double arithmetic up to operation order). */
const REL_TOL = 1e-10;
const PSI_TOL = 1e-10;

const driver = buildLundDriver();
if (!driver.ok) console.warn(`[skip] Lund parity with libfastjet: ${driver.reason}`);

describe.skipIf(!driver.ok)('primary Lund declustering against libfastjet', () => {
  it('gives the same splittings, node for node', () => {
    const jets = parityJets();
    const ref = runLundDriver((driver as { binary: string }).binary, jets);
    expect(ref).toHaveLength(jets.length);
    let splittings = 0;
    const worst = { delta: 0, kt: 0, z: 0, m: 0, psi: 0 };
    jets.forEach((jet, j) => {
      const ours = primaryLundDeclusterings(jet);
      const theirs = ref[j]!.primary;
      expect(ours.map((s) => [s.pair.id, s.harder.id, s.softer.id]), `jet ${j}`).toEqual(theirs.map((s) => [s.pair, s.harder, s.softer]));
      ours.forEach((s, i) => {
        const t = theirs[i]!;
        for (const k of ['delta', 'kt', 'z', 'm'] as const) {
          worst[k] = Math.max(worst[k], Math.abs(s[k] - t[k]) / Math.max(Math.abs(t[k]), 1e-300));
        }
        worst.psi = Math.max(worst.psi, Math.abs(s.psi - t.psi));
        splittings++;
      });
    });
    console.log(
      `[parity] Lund vs libfastjet: ${jets.length} jets, ${splittings} primary splittings; max relative difference Δ ${worst.delta.toExponential(1)}, ` +
        `k_t ${worst.kt.toExponential(1)}, z ${worst.z.toExponential(1)}, m ${worst.m.toExponential(1)}; max |Δψ| ${worst.psi.toExponential(1)}`,
    );
    expect(splittings).toBeGreaterThan(100);
    expect(Math.max(worst.delta, worst.kt, worst.z, worst.m)).toBeLessThan(REL_TOL);
    expect(worst.psi).toBeLessThan(PSI_TOL);
  });
});
