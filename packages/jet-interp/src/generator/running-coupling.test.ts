import { Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { RunningCoupling } from './running-coupling';

describe('RunningCoupling', () => {
  it('runs at one loop from αs(M_Z)', () => {
    const as = RunningCoupling.oneLoop(0.118);
    expect(as.value(91.1876 ** 2)).toBeCloseTo(0.118, 12);
    expect(as.value(10 ** 2)).toBeGreaterThan(0.118);
    expect(as.value(1e6)).toBeLessThan(0.118);
    expect(as.value(as.lambda2 / 2)).toBe(Number.POSITIVE_INFINITY);
    expect(as.b0).toBeCloseTo(23 / (12 * Math.PI), 12);
    // the closed-form integral matches a numerical one
    let sum = 0;
    const steps = 20000;
    const [a, b] = [Math.log(4), Math.log(1e4)];
    for (let i = 0; i < steps; i++) sum += as.value(Math.exp(a + ((i + 0.5) * (b - a)) / steps)) / (2 * Math.PI);
    expect(as.logIntegral(4, 1e4)).toBeCloseTo((sum * (b - a)) / steps, 6);
  });

  it('checks its arguments', () => {
    expect(() => RunningCoupling.oneLoop(1.2)).toThrow(/alphaSMZ/);
    expect(() => RunningCoupling.oneLoop(0.118, 7)).toThrow(/nf/);
    expect(() => RunningCoupling.fixed(0)).toThrow(/alphaS/);
    expect(RunningCoupling.fixed(0.3).nextTrialScale(100, 0, new Rng(1))).toBe(0);
  });
});
