import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/lab-error';
import { accuracy, confusionMatrix, hitAtK, precisionRecallFscore, uniqueLabels } from './classification';
import { rejectionAtEfficiency, rocAuc, rocCurve } from './roc';
import { r2Score } from './regression';

describe('classification metrics (hand-derived cases)', () => {
  it('accuracy and hit@k', () => {
    expect(accuracy(['a', 'b', 'c', 'a'], ['a', 'b', 'a', 'c'])).toBe(0.5);
    expect(accuracy([1, 2], [1, 1], { normalize: false })).toBe(1);
    expect(hitAtK(['A01', 'B02', 'C03'], [['A01', 'X', 'Y'], ['X', 'Y', 'B02'], ['X', 'Y', 'Z']], 3)).toBeCloseTo(2 / 3);
    expect(hitAtK(['A01', 'B02'], [['A01', 'X', 'Y'], ['X', 'Y', 'B02']], 1)).toBe(0.5);
    expect(() => accuracy([1], [1, 2])).toThrow('yTrue has 1 items but yPred has 2');
  });

  it('zero division: a class never predicted', () => {
    const warnings: string[] = [];
    const r = precisionRecallFscore([0, 1, 2], [0, 0, 0], { average: null, onWarning: (w) => warnings.push(w) });
    expect(r.precision).toEqual([1 / 3, 0, 0]);
    expect(r.recall).toEqual([1, 0, 0]);
    expect(r.support).toEqual([1, 1, 1]);
    expect(warnings[0]).toContain('Precision is ill-defined');
    const ones = precisionRecallFscore([0, 1, 2], [0, 0, 0], { average: null, zeroDivision: 1 });
    expect(ones.precision).toEqual([1 / 3, 1, 1]);
  });

  it('metric bounds hold for any labels (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 50 }), (pairs) => {
        const t = pairs.map((p) => p[0]);
        const p = pairs.map((q) => q[1]);
        for (const average of ['micro', 'macro', 'weighted'] as const) {
          const r = precisionRecallFscore(t, p, { average });
          for (const v of [r.precision, r.recall, r.fscore]) expect(v >= 0 && v <= 1).toBe(true);
        }
        // micro-F1 equals accuracy for single-label multiclass
        expect(precisionRecallFscore(t, p, { average: 'micro' }).fscore).toBeCloseTo(accuracy(t, p), 12);
        const cm = confusionMatrix(t, p);
        expect(cm.matrix.flat().reduce((a, b) => a + b, 0)).toBe(t.length);
      }),
    );
  });

  it('refuses mixed label types and a multiclass binary average', () => {
    expect(() => uniqueLabels([1, 'a'])).toThrow(InvalidArgumentError);
    expect(() => precisionRecallFscore([0, 1, 2], [0, 1, 2], { average: 'binary' })).toThrow("average is 'binary'");
  });
});

describe('ROC', () => {
  it('perfect, inverted and random scorers', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])).toBe(0);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(() => rocAuc([1, 1], [0.2, 0.3])).toThrow('Only one class present');
  });

  it('background rejection at 50% signal efficiency', () => {
    // 4 signal, 4 background; at threshold 0.6 half the signal passes and 1 of 4 backgrounds
    const y = [1, 1, 1, 1, 0, 0, 0, 0];
    const s = [0.9, 0.6, 0.5, 0.3, 0.7, 0.2, 0.1, 0.05];
    const curve = rocCurve(y, s, { dropIntermediate: false });
    expect(rejectionAtEfficiency(curve, 0.5)).toBe(4);
    expect(rejectionAtEfficiency(curve, 0.25)).toBe(Infinity);
  });
});

describe('R²', () => {
  it('follows scikit-learn on constant targets', () => {
    expect(r2Score([1, 1, 1], [1, 1, 1])).toBe(1);
    expect(r2Score([1, 1, 1], [1, 2, 1])).toBe(0);
    expect(r2Score([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2Score([[1, 5], [2, 5], [3, 5]], [[1, 5], [2, 5], [3, 6]], 'raw_values')).toEqual([1, 0]);
    expect(Number.isNaN(r2Score([1], [1]))).toBe(true);
  });
});
