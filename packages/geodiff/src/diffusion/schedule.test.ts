import { expectArgumentError } from './expect-argument-error';
import { InvalidArgumentError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BETA_SCHEDULE, alphasCumprod, betaSchedule, sigmas } from './schedule';

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));


describe('betaSchedule', () => {
  it('defaults to GeoDiff QM9/Drugs: sigmoid over linspace(-6, 6), 1e-7 to 2e-3, 5000 steps', () => {
    const b = betaSchedule();
    expect(b).toBeInstanceOf(Float64Array);
    expect(b.length).toBe(5000);
    expect(DEFAULT_BETA_SCHEDULE).toEqual({ type: 'sigmoid', betaStart: 1e-7, betaEnd: 2e-3, steps: 5000 });
    const range = 2e-3 - 1e-7;
    // ends: sigmoid(∓6), not betaStart / betaEnd themselves
    expect(b[0]).toBeCloseTo(1e-7 + range / (1 + Math.exp(6)), 17);
    expect(b[4999]).toBeCloseTo(1e-7 + range / (1 + Math.exp(-6)), 17);
    expect(b[0]! / 1e-7).toBeCloseTo(1 + (range / 1e-7) * 0.0024726231566347743, 9);
    // index 2500 sits at x = 2500 · 12/4999 − 6
    expect(b[2500]).toBeCloseTo(1e-7 + range * logistic((2500 * 12) / 4999 - 6), 17);
    for (let t = 1; t < b.length; t++) expect(b[t]!).toBeGreaterThan(b[t - 1]!);
  });

  it('puts the sigmoid midpoint at (betaStart + betaEnd) / 2 for an odd number of steps', () => {
    const b = betaSchedule({ steps: 5001 });
    expect(b[2500]).toBeCloseTo((1e-7 + 2e-3) / 2, 18);
    // symmetry of the logistic: β_k + β_{T−1−k} = betaStart + betaEnd
    for (const k of [0, 17, 1234]) expect(b[k]! + b[5000 - k]!).toBeCloseTo(1e-7 + 2e-3, 17);
  });

  it('builds linear, quad, const and jsd schedules as get_beta_schedule', () => {
    const lin = betaSchedule({ type: 'linear', betaStart: 1e-4, betaEnd: 0.02, steps: 1000 });
    expect(lin[0]).toBe(1e-4);
    expect(lin[999]).toBe(0.02);
    expect(lin[500]).toBeCloseTo(1e-4 + (500 * (0.02 - 1e-4)) / 999, 16);

    const quad = betaSchedule({ type: 'quad', betaStart: 1e-4, betaEnd: 0.04, steps: 3 });
    const mid = (0.01 + 0.2) / 2; // linspace of the square roots
    expect(quad[0]).toBeCloseTo(1e-4, 18);
    expect(quad[1]).toBeCloseTo(mid * mid, 16);
    expect(quad[2]).toBeCloseTo(0.04, 16);

    expect(Array.from(betaSchedule({ type: 'const', betaEnd: 0.3, steps: 4 }))).toEqual([0.3, 0.3, 0.3, 0.3]);
    expect(Array.from(betaSchedule({ type: 'jsd', steps: 4 }))).toEqual([1 / 4, 1 / 3, 1 / 2, 1]);
    expect(Array.from(betaSchedule({ type: 'linear', betaStart: 0.1, betaEnd: 0.2, steps: 1 }))).toEqual([0.1]);
  });

  it('names the bad option', () => {
    expectArgumentError(() => betaSchedule({ type: 'cosine' as never }), 'type');
    expectArgumentError(() => betaSchedule({ steps: 0 }), 'steps');
    expectArgumentError(() => betaSchedule({ steps: 2.5 }), 'steps');
    expectArgumentError(() => betaSchedule({ betaStart: -1e-3 }), 'betaStart');
    expectArgumentError(() => betaSchedule({ betaEnd: 1.5 }), 'betaEnd');
    expectArgumentError(() => betaSchedule({ betaEnd: Number.NaN }), 'betaEnd');
  });
});

describe('alphasCumprod and sigmas', () => {
  it('give ᾱ_t = ∏(1 − β_s) and σ_t = √((1 − ᾱ_t)/ᾱ_t)', () => {
    const betas = betaSchedule();
    const a = alphasCumprod(betas);
    const s = sigmas(betas);
    expect(a.length).toBe(5000);
    expect(s.length).toBe(5000);
    // independent route: ᾱ_t = exp(Σ log(1 − β_s))
    let logSum = 0;
    for (let t = 0; t < 5000; t++) {
      logSum += Math.log1p(-betas[t]!);
      if (t % 499 === 0 || t === 4999) {
        expect(a[t]! / Math.exp(logSum)).toBeCloseTo(1, 11);
        expect(s[t]! / Math.sqrt(-Math.expm1(logSum) / Math.exp(logSum))).toBeCloseTo(1, 9);
      }
    }
    expect(a[0]).toBe(1 - betas[0]!);
    expect(s[0]! / Math.sqrt(betas[0]! / (1 - betas[0]!))).toBeCloseTo(1, 10); // 1 − ᾱ₀ loses ~4 digits to cancellation
    expect(s[4999]).toBeCloseTo(12.1685, 3); // σ_max of GeoDiff's default schedule
    for (let t = 1; t < 5000; t++) {
      expect(a[t]!).toBeLessThan(a[t - 1]!);
      expect(s[t]!).toBeGreaterThan(s[t - 1]!);
    }
  });

  it('rejects an empty schedule or a β outside [0, 1]', () => {
    expectArgumentError(() => alphasCumprod([]), 'betas');
    expectArgumentError(() => alphasCumprod([0.1, 1.2]), 'betas');
    expectArgumentError(() => sigmas([0.1, Number.NaN]), 'betas');
  });
});
