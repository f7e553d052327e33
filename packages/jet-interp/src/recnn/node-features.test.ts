import { describe, expect, it } from 'vitest';
import { generateJets } from '../generator/generate-jets';
import { FourMomentum } from '../particles/four-momentum';
import { buildJetTree } from './jet-tree';
import { RECNN_FEATURES, RECNN_FEATURE_COUNT, momentumFeatures, nodeFeatures } from './node-features';

function features(px: number, py: number, pz: number, e: number, ej: number): number[] {
  const f = new Float64Array(7);
  momentumFeatures(px, py, pz, e, ej, f);
  return Array.from(f);
}

describe('RecNN node features', () => {
  it('lists p, eta, phi, E, E/E_J, pt, theta', () => {
    expect(RECNN_FEATURES).toEqual(['p', 'eta', 'phi', 'E', 'E/E_J', 'pt', 'theta']);
    expect(RECNN_FEATURE_COUNT).toBe(RECNN_FEATURES.length);
  });

  it('match hand-derived values', () => {
    // transverse: p = pt = 5, eta = 0, theta = pi/2
    const a = features(3, 4, 0, 5, 10);
    expect(a[0]).toBe(5);
    expect(a[1]).toBe(0);
    expect(a[2]).toBeCloseTo(Math.atan2(4, 3), 15);
    expect(a[3]).toBe(5);
    expect(a[4]).toBe(0.5);
    expect(a[5]).toBe(5);
    expect(a[6]).toBeCloseTo(Math.PI / 2, 15);
    // pz = pt·sinh(1): eta = 1, p = pt·cosh(1), theta = 2 arctan(e^-1)
    const pt = 7;
    const b = features(0, -pt, pt * Math.sinh(1), 20, 40);
    expect(b[0]).toBeCloseTo(pt * Math.cosh(1), 12);
    expect(b[1]).toBeCloseTo(1, 14);
    expect(b[2]).toBeCloseTo(-Math.PI / 2, 15); // atan2 convention (−π, π], not FastJet's [0, 2π)
    expect(b[5]).toBeCloseTo(pt, 14);
    expect(b[6]).toBeCloseTo(2 * Math.atan(Math.exp(-1)), 14);
    expect(features(-1, 0, 0, 1, 1)[2]).toBeCloseTo(Math.PI, 15);
  });

  it('eta equals asinh(pz / pt) over 20 orders of magnitude of pz / pt, both signs', () => {
    let worst = 0;
    for (let i = 0; i < 2000; i++) {
      const pt = Math.exp(((i % 37) / 37 - 0.5) * 10);
      const pz = (i % 2 ? -1 : 1) * pt * Math.exp(((i * 7919) % 1000) / 1000 * 46 - 23);
      const eta = features(pt * 0.6, pt * 0.8, pz, 2 * Math.hypot(pt, pz), 1)[1]!;
      const ref = Math.asinh(pz / pt);
      worst = Math.max(worst, Math.abs(eta - ref) / (1 + Math.abs(ref)));
      expect(Math.sign(eta)).toBe(Math.sign(pz));
    }
    expect(worst).toBeLessThan(1e-15);
  });

  it('follow the reference along the beam and at rest: eta 0, theta 0 or pi', () => {
    expect(features(0, 0, 5, 5, 10)).toEqual([5, 0, 0, 5, 0.5, 0, 0]);
    expect(features(0, 0, -5, 5, 10)).toEqual([5, 0, 0, 5, 0.5, 0, Math.PI]);
    expect(features(0, 0, 0, 0, 0)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('theta = 2 arctan(exp(−eta)) on generated jets, and the root has E/E_J = 1', () => {
    const [w] = generateJets('w', 1, { seed: 3 });
    const t = buildJetTree(w!.constituents);
    const x = nodeFeatures(t);
    expect(x.length).toBe(7 * t.size);
    for (let k = 0; k < t.size; k++) expect(x[7 * k + 6]).toBeCloseTo(2 * Math.atan(Math.exp(-x[7 * k + 1]!)), 12);
    expect(x[7 * t.root + 4]).toBe(1);
    expect(x[7 * t.root + 3]).toBeCloseTo(w!.momentum.e, 9);
    // internal nodes carry the summed momentum: their pt is the pt of the sum
    const l = t.left[t.root]!;
    const r = t.right[t.root]!;
    const sum = new FourMomentum(
      t.momenta[4 * l]! + t.momenta[4 * r]!,
      t.momenta[4 * l + 1]! + t.momenta[4 * r + 1]!,
      t.momenta[4 * l + 2]! + t.momenta[4 * r + 2]!,
      t.momenta[4 * l + 3]! + t.momenta[4 * r + 3]!,
    );
    expect(x[7 * t.root + 5]).toBeCloseTo(sum.pt, 9);
    // written at an offset into a larger array
    const out = new Float64Array(7 * t.size + 3);
    nodeFeatures(t, out, 3);
    expect(Array.from(out.subarray(3))).toEqual(Array.from(x));
  });
});
