import fc from 'fast-check';
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/lab-error';
import { batchRanges, matrixToTensor, padBatch, tensorToMatrix, tensorToNested, toFloat32Tensor, toInt64Tensor } from './tensors';

describe('tensor helpers', () => {
  it('builds float32 tensors from rows or flat data', () => {
    const t = toFloat32Tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.dims).toEqual([2, 3]);
    expect(Array.from(t.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toFloat32Tensor(new Float32Array(6), [3, 2]).dims).toEqual([3, 2]);
    expect(() => toFloat32Tensor([1, 2, 3], [2, 2])).toThrow('dims [2, 2] hold 4 values but the data has 3.');
    expect(() => toFloat32Tensor([[1, 2], [3]])).toThrow(InvalidArgumentError);
  });

  it('builds int64 tensors and rejects unsafe integers', () => {
    const t = toInt64Tensor([1, 2, 3, 4], [2, 2]);
    expect(t.type).toBe('int64');
    expect(Array.from(t.data as BigInt64Array)).toEqual([1n, 2n, 3n, 4n]);
    expect(() => toInt64Tensor([1.5])).toThrow('not a safe integer');
  });

  it('round-trips ml-matrix matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (r, c, seed) => {
        const m = Matrix.rand(r, c, { random: mulberry(seed) });
        const back = tensorToMatrix(matrixToTensor(m));
        for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) expect(back.get(i, j)).toBeCloseTo(m.get(i, j), 6);
      }),
    );
    expect(tensorToNested(toFloat32Tensor([[1, 2], [3, 4]]))).toEqual([[1, 2], [3, 4]]);
  });

  it('pads variable-length batches with masks', () => {
    const { values, mask, lengths } = padBatch([[5, 6, 7], [8], []], { dtype: 'int64', padValue: 1 });
    expect(values.dims).toEqual([3, 3]);
    expect(Array.from(values.data as BigInt64Array)).toEqual([5n, 6n, 7n, 8n, 1n, 1n, 1n, 1n, 1n]);
    expect(Array.from(mask.data as Float32Array)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(lengths).toEqual([3, 1, 0]);
    const feats = padBatch([[1, 2, 3, 4], [5, 6]], { featureSize: 2, maxLength: 3, maskDtype: 'int64' });
    expect(feats.values.dims).toEqual([2, 3, 2]);
    expect(Array.from(feats.values.data as Float32Array)).toEqual([1, 2, 3, 4, 0, 0, 5, 6, 0, 0, 0, 0]);
    expect(feats.mask.type).toBe('int64');
    expect(() => padBatch([[1, 2, 3]], { maxLength: 2 })).toThrow('longer than maxLength 2');
    expect(() => padBatch([[1, 2, 3]], { featureSize: 2 })).toThrow('not a multiple of featureSize 2');
  });

  it('splits work into batches that cover every item once', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.integer({ min: 1, max: 64 }), (n, b) => {
        const ranges = batchRanges(n, b);
        let next = 0;
        for (const [s, e] of ranges) {
          expect(s).toBe(next);
          expect(e - s).toBeLessThanOrEqual(b);
          expect(e).toBeGreaterThan(s);
          next = e;
        }
        expect(next).toBe(n);
      }),
    );
    expect(() => batchRanges(3, 0)).toThrow(InvalidArgumentError);
  });
});

function mulberry(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
