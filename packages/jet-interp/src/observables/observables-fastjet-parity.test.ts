/**
 * The observables against libfastjet (tools/lund-driver.cc): the exclusive-kt axes (kt at max_allowable_R,
 * exclusive_jets_up_to(n)), τ_N summed in C++ over those axes with PseudoJet distances (β = 1 and 2), and angularities
 * about the jet's four-momentum with R = 0.8. Skips, saying why, without g++ or libfastjet-dev.
 */
import { describe, expect, it } from 'vitest';
import { buildLundDriver, parityJets, runLundDriver } from '../testing/lund-reference';
import { angularity } from './angularity';
import { exclusiveKtAxes, nSubjettinessUpTo } from './n-subjettiness';

const REL_TOL = 1e-10;

const driver = buildLundDriver();
if (!driver.ok) console.warn(`[skip] observables parity with libfastjet: ${driver.reason}`);

const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));
const dphi = (a: number, b: number): number => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));

describe.skipIf(!driver.ok)('observables against libfastjet', () => {
  const jets = parityJets();
  const ref = driver.ok ? runLundDriver(driver.binary, jets) : [];

  it('exclusive-kt axes and τ_1, τ_2, τ_3 (both measures, β = 1 and 2)', () => {
    const worst = { axis: 0, tau: 0 };
    let compared = 0;
    jets.forEach((jet, j) => {
      const r = ref[j]!;
      for (let n = 1; n <= 3; n++) {
        const axes = exclusiveKtAxes(jet, n);
        const theirs = r.axes.get(n)!;
        expect(axes, `jet ${j} n ${n}`).toHaveLength(theirs.length);
        axes.forEach((a, k) => {
          const [rap, phi, pt] = theirs[k]!;
          worst.axis = Math.max(worst.axis, Math.abs(a.rapidity - rap), dphi(a.phi, phi), rel(a.pt, pt));
        });
      }
      const un1 = nSubjettinessUpTo(jet, 3, { measure: 'unnormalized' });
      const un2 = nSubjettinessUpTo(jet, 3, { measure: 'unnormalized', beta: 2 });
      const norm1 = nSubjettinessUpTo(jet, 3);
      for (let n = 1; n <= 3; n++) {
        const [t1, t2, pts] = r.tau.get(n)!;
        expect(pts).toBeGreaterThan(0);
        const err = (ours: number, theirs: number): number => Math.abs(ours - theirs) / Math.max(theirs, 1e-12 * pts);
        worst.tau = Math.max(worst.tau, err(un1[n - 1]!, t1), err(un2[n - 1]!, t2), err(norm1[n - 1]!, t1 / (pts * 0.8)));
        compared += 3;
      }
    });
    console.log(`[parity] N-subjettiness vs libfastjet: ${jets.length} jets, ${compared} τ values; max axis difference ${worst.axis.toExponential(1)}, max relative τ difference ${worst.tau.toExponential(1)}`);
    expect(worst.axis).toBeLessThan(REL_TOL);
    expect(worst.tau).toBeLessThan(REL_TOL);
  });

  it('angularities about the jet axis', () => {
    let worst = 0;
    let compared = 0;
    jets.forEach((jet, j) => {
      for (const [kappa, beta, value] of ref[j]!.angularities) {
        worst = Math.max(worst, rel(angularity(jet, kappa, beta, { radius: 0.8 }), value));
        compared++;
      }
    });
    console.log(`[parity] angularities vs libfastjet: ${compared} values; max relative difference ${worst.toExponential(1)}`);
    expect(compared).toBe(6 * jets.length);
    expect(worst).toBeLessThan(REL_TOL);
  });
});
