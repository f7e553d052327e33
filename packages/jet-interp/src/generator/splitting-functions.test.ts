import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import {
  SPLITTING_CHANNELS,
  altarelliParisi,
  dipoleEndAcceptance,
  dipoleEndKernel,
  dipoleEndOverestimate,
  overestimateIntegral,
  sampleOverestimateZ,
} from './splitting-functions';

describe('splitting functions', () => {
  it('has the Altarelli–Parisi values', () => {
    expect(altarelliParisi('q->qg', 0.5)).toBeCloseTo((4 / 3) * 1.25 * 2, 12);
    expect(altarelliParisi('g->gg', 0.5)).toBeCloseTo(3 * (1 + 1 + 0.25), 12);
    expect(altarelliParisi('g->qq', 0.5)).toBeCloseTo(0.25, 12);
  });

  it('splits a gluon’s kernels over its two dipole ends', () => {
    for (const z of [0.01, 0.2, 0.5, 0.73, 0.99]) {
      // g → gg: z·P_gg(z) + (1 − z)·P_gg(1 − z) = P_gg(z)
      expect(dipoleEndKernel('g->gg', z) + dipoleEndKernel('g->gg', 1 - z)).toBeCloseTo(altarelliParisi('g->gg', z), 10);
      // g → qq̄: two ends of nf/2 each
      expect(2 * dipoleEndKernel('g->qq', z, 5)).toBeCloseTo(5 * altarelliParisi('g->qq', z), 12);
      expect(dipoleEndKernel('q->qg', z)).toBeCloseTo(altarelliParisi('q->qg', z), 12);
    }
  });

  it('overestimates every kernel, and acceptance = kernel / overestimate', () => {
    for (const channel of SPLITTING_CHANNELS) {
      let worst = 0;
      let maxRatio = 0;
      for (let z = 0.001; z < 1; z += 0.001) {
        const k = dipoleEndKernel(channel, z);
        const g = dipoleEndOverestimate(channel, z);
        maxRatio = Math.max(maxRatio, k / g);
        worst = Math.max(worst, Math.abs(dipoleEndAcceptance(channel, z, 100) - k / g));
      }
      expect(maxRatio).toBeLessThanOrEqual(1 + 1e-12);
      expect(worst).toBeLessThan(1e-12);
    }
    // the mass correction lowers the q → qg weight (dead cone) and never makes it negative
    expect(dipoleEndAcceptance('q->qg', 0.5, 1, 4.8)).toBe(0);
    expect(dipoleEndAcceptance('q->qg', 0.5, 100, 4.8)).toBeLessThan(dipoleEndAcceptance('q->qg', 0.5, 100, 0));
  });

  it('integrates and samples the overestimates consistently', () => {
    const rng = new Rng(8);
    const zMin = 0.01;
    for (const channel of SPLITTING_CHANNELS) {
      // numerical integral
      let sum = 0;
      const steps = 20000;
      const h = (1 - 2 * zMin) / steps;
      for (let i = 0; i < steps; i++) sum += dipoleEndOverestimate(channel, zMin + (i + 0.5) * h) * h;
      expect(overestimateIntegral(channel, zMin)).toBeCloseTo(sum, 4);
      // the fraction of samples below z = 0.5 equals the integral's
      let below = 0;
      let lo = 1;
      let hi = 0;
      const n = 20000;
      for (let i = 0; i < n; i++) {
        const z = sampleOverestimateZ(channel, zMin, rng);
        lo = Math.min(lo, z);
        hi = Math.max(hi, z);
        if (z < 0.5) below++;
      }
      expect(lo).toBeGreaterThanOrEqual(zMin);
      expect(hi).toBeLessThanOrEqual(1 - zMin);
      let half = 0;
      for (let i = 0; i < steps / 2; i++) half += dipoleEndOverestimate(channel, zMin + (i + 0.5) * ((0.5 - zMin) / (steps / 2))) * ((0.5 - zMin) / (steps / 2));
      const expected = half / sum;
      expect(Math.abs(below / n - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / n) + 1e-3);
    }
    expect(overestimateIntegral('q->qg', 0.5)).toBe(0);
  });

  it('names the supported channels on a bad one', () => {
    expect(() => altarelliParisi('q->qq' as never, 0.5)).toThrow(InvalidArgumentError);
    expect(() => dipoleEndKernel('x' as never, 0.5)).toThrow(/Supported: q->qg, g->gg, g->qq/);
  });
});
