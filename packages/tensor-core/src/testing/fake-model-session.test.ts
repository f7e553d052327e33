import { describe, expect, it } from 'vitest';
import { ModelInputError } from '../errors/lab-error';
import { toFloat32Tensor, toInt64Tensor } from '../tensor/tensors';
import { FakeModelSession } from './fake-model-session';

describe('FakeModelSession', () => {
  const spec = {
    inputs: [
      { name: 'ids', dtype: 'int64' as const, shape: ['batch', 'seq'] },
      { name: 'mask', dtype: 'float32' as const, shape: ['batch', 'seq'] },
    ],
    outputs: [{ name: 'logits', dtype: 'float32' as const, shape: ['batch', 'seq', 7] }],
  };

  it('returns outputs shaped from the inputs\' symbolic dimensions and records calls', async () => {
    const fake = new FakeModelSession({ ...spec, fill: 0.5 });
    const out = await fake.run({ ids: toInt64Tensor([1, 2, 3, 4, 5, 6], [2, 3]), mask: toFloat32Tensor(new Float32Array(6), [2, 3]) });
    expect(out.logits!.dims).toEqual([2, 3, 7]);
    expect((out.logits!.data as Float32Array)[41]).toBe(0.5);
    expect(fake.calls).toHaveLength(1);
  });

  it('validates exactly like a real session, including shared symbolic dimensions', async () => {
    const fake = new FakeModelSession(spec);
    await expect(fake.run({ ids: toInt64Tensor([1, 2], [1, 2]), mask: toFloat32Tensor(new Float32Array(3), [1, 3]) })).rejects.toThrow(
      'input "mask": expected dimension "seq" (axis 1) equal to 2, as in input "ids", received 3.',
    );
    await expect(fake.run({ ids: toFloat32Tensor([[1, 2]]), mask: toFloat32Tensor([[1, 1]]) })).rejects.toBeInstanceOf(ModelInputError);
  });

  it('uses a custom compute and picks requested outputs', async () => {
    const fake = new FakeModelSession({
      inputs: [{ name: 'x', dtype: 'float32', shape: [2] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: [2] }, { name: 'z', dtype: 'float32', shape: [1] }],
      compute: (f) => ({ y: f.x!, z: toFloat32Tensor([1]) }),
    });
    const out = await fake.run({ x: toFloat32Tensor([3, 4]) }, { outputs: ['y'] });
    expect(Object.keys(out)).toEqual(['y']);
    await expect(fake.run({ x: toFloat32Tensor([3, 4]) }, { outputs: ['nope'] })).rejects.toThrow('has no output "nope"');
    const target = toFloat32Tensor(new Float32Array(2), [2]);
    const into = await fake.run({ x: toFloat32Tensor([3, 4]) }, { into: { y: target } });
    expect(Array.from(target.data as Float32Array)).toEqual([3, 4]);
    expect(into.y).toBe(target);
    await expect(fake.run({ x: toFloat32Tensor([3, 4]) }, { into: { y: toFloat32Tensor(new Float32Array(3), [3]) } })).rejects.toMatchObject({ argument: 'into' });
    await fake.dispose();
    await expect(fake.run({ x: toFloat32Tensor([3, 4]) })).rejects.toMatchObject({ code: 'MODEL_DISPOSED' });
  });
});
