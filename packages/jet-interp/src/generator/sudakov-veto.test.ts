import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { RunningCoupling } from './running-coupling';
import { QCD_COLOUR } from './splitting-functions';
import { vetoAlgorithm, type VetoChannel } from './sudakov-veto';

const { CF } = QCD_COLOUR;

/** ∫_{zMin}^{1−zMin} (1 + z²)/(1 − z) dz, from the antiderivative −2 ln(1 − z) − z − z²/2. */
function pqqIntegral(zMin: number): number {
  const f = (z: number) => -2 * Math.log(1 - z) - z - (z * z) / 2;
  return f(1 - zMin) - f(zMin);
}

/** The channel of P_qq on a fixed z range, overestimated by 2CF/(1 − z). */
function pqqChannel(coupling: RunningCoupling, zMin: number): VetoChannel {
  return {
    coupling,
    overestimate: 2 * CF * Math.log((1 - zMin) / zMin),
    sampleZ: (rng) => 1 - zMin * Math.pow((1 - zMin) / zMin, rng.uniform()),
    acceptance: (_t, z) => (1 + z * z) / 2,
  };
}

/** Fraction of first emissions below t (i.e. no emission between t and tStart), with its binomial error. */
function survival(scales: readonly number[], t: number): number {
  return scales.filter((s) => s < t).length / scales.length;
}

describe('vetoAlgorithm', () => {
  const tStart = 1e4;
  const tCut = 1;
  const zMin = 0.05;
  const n = 20000;

  it('reproduces the analytic no-emission probability with fixed αs', () => {
    const alpha = 0.2;
    const channel = pqqChannel(RunningCoupling.fixed(alpha), zMin);
    const rng = new Rng(21);
    const scales = Array.from({ length: n }, () => vetoAlgorithm(channel, tStart, tCut, rng)?.t ?? 0);
    // Δ(tStart, t) = exp(−(α/2π) CF I ln(tStart/t))
    const rate = (alpha / (2 * Math.PI)) * CF * pqqIntegral(zMin);
    for (const t of [5000, 1000, 100, 10, tCut]) {
      const expected = Math.exp(-rate * Math.log(tStart / t));
      const sigma = Math.sqrt((expected * (1 - expected)) / n);
      expect(Math.abs(survival(scales, t) - expected)).toBeLessThan(4 * sigma + 1e-3);
    }
  });

  it('reproduces the analytic no-emission probability with one-loop running αs', () => {
    const coupling = RunningCoupling.oneLoop(0.118);
    const channel = pqqChannel(coupling, zMin);
    const rng = new Rng(22);
    const scales = Array.from({ length: n }, () => vetoAlgorithm(channel, tStart, tCut, rng)?.t ?? 0);
    // Δ = (ln(t/Λ²) / ln(tStart/Λ²))^(CF I / (2π b0))
    const power = (CF * pqqIntegral(zMin)) / (2 * Math.PI * coupling.b0);
    const l0 = Math.log(tStart / coupling.lambda2);
    for (const t of [5000, 1000, 100, 10, tCut]) {
      const expected = Math.pow(Math.log(t / coupling.lambda2) / l0, power);
      const sigma = Math.sqrt((expected * (1 - expected)) / n);
      expect(Math.abs(survival(scales, t) - expected)).toBeLessThan(4 * sigma + 1e-3);
    }
  });

  it('samples z from the true kernel once vetoes are applied', () => {
    const channel = pqqChannel(RunningCoupling.fixed(0.5), zMin);
    const rng = new Rng(23);
    const zs: number[] = [];
    while (zs.length < n) {
      const e = vetoAlgorithm(channel, tStart, tCut, rng);
      if (e) zs.push(e.z);
    }
    // P(z < 0.5) = ∫_{zMin}^{0.5} P_qq / ∫_{zMin}^{1−zMin} P_qq
    const f = (z: number) => -2 * Math.log(1 - z) - z - (z * z) / 2;
    const expected = (f(0.5) - f(zMin)) / pqqIntegral(zMin);
    const observed = zs.filter((z) => z < 0.5).length / n;
    expect(Math.abs(observed - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / n));
  });

  it('reports an overestimate that is too small', () => {
    const channel: VetoChannel = { ...pqqChannel(RunningCoupling.fixed(0.2), zMin), acceptance: () => 1.5 };
    expect(() => vetoAlgorithm(channel, tStart, tCut, new Rng(1))).toThrow(InvalidArgumentError);
  });
});
