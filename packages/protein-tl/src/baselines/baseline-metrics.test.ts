import { InvalidArgumentError, precisionRecallFscore } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { baselineMetrics } from './baseline-metrics';

describe('baselineMetrics', () => {
  it('counts no-hit queries as errors and never as a class', () => {
    const m = baselineMetrics(['A', 'A', 'B', 'B'], ['A', null, 'B', 'A']);
    expect(m).toMatchObject({ n: 4, errors: 2, noHit: 1, errorRatePercent: 50, accuracy: 0.5, recall: 0.5 });
    // A: precision 1/2, recall 1/2; B: precision 1, recall 1/2; weighted by support 2/2
    expect(m.precision).toBeCloseTo(0.75, 12);
    expect(m.f1).toBeCloseTo((0.5 + 2 / 3) / 2, 12);
  });
  it('equals precisionRecallFscore weighted when every query has a prediction', () => {
    const t = ['A', 'B', 'C', 'A', 'B', 'C', 'C'];
    const p = ['A', 'C', 'C', 'A', 'B', 'B', 'C'];
    const ref = precisionRecallFscore(t, p, { average: 'weighted' });
    const m = baselineMetrics(t, p);
    expect(m.precision).toBeCloseTo(ref.precision, 12);
    expect(m.f1).toBeCloseTo(ref.fscore, 12);
    expect(m.errors).toBe(2);
  });
  it('rejects mismatched lengths and empty input', () => {
    expect(() => baselineMetrics(['A'], [])).toThrow(InvalidArgumentError);
    expect(() => baselineMetrics([], [])).toThrow(/No queries/);
  });
});
