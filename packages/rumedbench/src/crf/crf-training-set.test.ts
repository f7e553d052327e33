import { InvalidArgumentError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { buildTrainingSet } from './crf-training-set';

describe('buildTrainingSet', () => {
  const X = [
    [{ w: 'a', up: true }, { w: 'b', up: false }],
    [{ w: 'b', up: false }],
  ];
  const y = [['B', 'O'], ['O']];

  it('interns labels and attributes in order of first appearance', () => {
    const { space } = buildTrainingSet(X, y);
    expect(space.labels).toEqual(['B', 'O']);
    expect(space.attributes).toEqual(['w:a', 'up', 'w:b']);
  });

  it('generates state features for seen (attribute, label) pairs, zero-valued ones included, like CRFsuite', () => {
    const { space, empirical, data } = buildTrainingSet(X, y);
    // w:a -> B; up -> B (value 1) and up -> O (value 0, still a feature); w:b -> O.
    expect(space.numStateFeatures).toBe(4);
    expect([...space.featStart]).toEqual([0, 1, 3, 4]);
    expect([...space.featLabel]).toEqual([0, 0, 1, 1]);
    expect([...empirical.subarray(0, 4)]).toEqual([1, 1, 0, 2]);
    // All 4 transitions, with the one observed B -> O counted once.
    expect([...space.transFeature]).toEqual([4, 5, 6, 7]);
    expect([...empirical.subarray(4)]).toEqual([0, 1, 0, 0]);
    // Zero values are dropped from the compiled items.
    expect([...data.itemAttr]).toEqual([0, 1, 2, 2]);
    expect([...data.itemStart]).toEqual([0, 2, 3, 4]);
  });

  it('keeps only observed transitions without allPossibleTransitions', () => {
    const { space } = buildTrainingSet(X, y, { allPossibleTransitions: false });
    expect([...space.transFeature]).toEqual([-1, 4, -1, -1]);
    expect(space.numFeatures).toBe(5);
  });

  it('accepts attribute lists as items', () => {
    const { space } = buildTrainingSet([[[{ name: 'f', value: 2 }]]], [['X']]);
    expect(space.attributes).toEqual(['f']);
  });

  it('rejects misaligned input with typed errors', () => {
    expect(() => buildTrainingSet(X, [['B', 'O']])).toThrow(InvalidArgumentError);
    expect(() => buildTrainingSet(X, [['B'], ['O']])).toThrow(/2 items but 1 labels/);
    expect(() => buildTrainingSet([], [])).toThrow(InvalidArgumentError);
    expect(() => buildTrainingSet([[{ x: Number.NaN }]], [['O']])).toThrow(/non-finite/);
  });
});
