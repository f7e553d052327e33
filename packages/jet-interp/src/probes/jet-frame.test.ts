import { InvalidArgumentError, LabError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { FourMomentum } from '../particles/four-momentum';
import { jetFrame, wrapDeltaPhi } from './jet-frame';

describe('wrapDeltaPhi', () => {
  it('wraps into [-π, π) and is odd (symmetric) away from ±π', () => {
    for (const d of [0, 0.3, -0.3, 1, 3, -3, 3.2, -3.2, 6, -6, 7.5, -7.5, 100.25, -100.25, 2 * Math.PI - 1e-9]) {
      const w = wrapDeltaPhi(d);
      expect(w).toBeGreaterThanOrEqual(-Math.PI);
      expect(w).toBeLessThan(Math.PI);
      expect(Math.abs(Math.sin(w) - Math.sin(d))).toBeLessThan(1e-9);
      expect(Math.abs(Math.cos(w) - Math.cos(d))).toBeLessThan(1e-9);
      expect(wrapDeltaPhi(-d)).toBeCloseTo(-w, 12);
    }
    expect(wrapDeltaPhi(Math.PI)).toBe(-Math.PI);
    expect(wrapDeltaPhi(-Math.PI)).toBe(-Math.PI);
    expect(wrapDeltaPhi(0.1 - (2 * Math.PI - 0.1))).toBeCloseTo(0.2, 12);
  });
});

describe('jetFrame', () => {
  it('gives the same Δφ for a jet straddling φ = 0 as for the same jet at φ = 1 (symmetric wrapping)', () => {
    const offsets = [-0.25, -0.05, 0.02, 0.3];
    const frameAt = (phi0: number) => jetFrame(offsets.map((d, i) => FourMomentum.fromPtYPhiM(50 + 10 * i, 0.2 * i - 0.2, phi0 + d)));
    const a = frameAt(0);
    const b = frameAt(1);
    const c = frameAt(2 * Math.PI - 0.01);
    for (let i = 0; i < offsets.length; i++) {
      expect(a.dphi[i]).toBeCloseTo(b.dphi[i]!, 10);
      expect(c.dphi[i]).toBeCloseTo(b.dphi[i]!, 10);
      expect(a.deta[i]).toBeCloseTo(b.deta[i]!, 10);
    }
    expect(Math.abs(a.phiJet)).toBeLessThan(0.2);
  });

  it('computes p⊥_J, E_J and a massless constituent\'s Δη from the summed four-momentum', () => {
    const p = [FourMomentum.fromPtYPhiM(100, 0.5, 1), FourMomentum.fromPtYPhiM(100, 0.5, 1.2)];
    const f = jetFrame(p);
    expect(f.ptJet).toBeCloseTo(200 * Math.cos(0.1), 9);
    expect(f.eJet).toBeCloseTo(p[0]!.e + p[1]!.e, 9);
    // Σ p⃗ points at η_J = asinh(Σ pz / p⊥_J), a little more forward than the constituents (the vector sum shortens p⊥)
    const etaJ = Math.asinh(Math.sinh(0.5) / Math.cos(0.1));
    expect(f.etaJet).toBeCloseTo(etaJ, 9);
    expect(f.dphi[0]).toBeCloseTo(-0.1, 9);
    expect(f.dphi[1]).toBeCloseTo(0.1, 9);
    expect(f.deta[0]).toBeCloseTo(0.5 - etaJ, 9);
    expect(f.deta[1]).toBeCloseTo(0.5 - etaJ, 9);
  });

  it('rejects a jet without constituents or without transverse momentum with a typed error', () => {
    expect(() => jetFrame([])).toThrow(InvalidArgumentError);
    try {
      jetFrame([new FourMomentum(0, 0, 5, 5)]);
      expect.unreachable();
    } catch (e) {
      expect(LabError.isInstance(e) && e.code).toBe('INVALID_ARGUMENT');
      expect((e as InvalidArgumentError).argument).toBe('jet');
      expect((e as Error).message).toMatch(/p⊥ > 0/);
    }
  });
});
