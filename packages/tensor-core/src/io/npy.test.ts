import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors/lab-error';
import { findPython, runPythonJson } from '../testing/python-reference';
import { decodeNpy, decodeNpz, encodeNpy, encodeNpz, ndarray, readNpy, readNpz, writeNpy, writeNpz } from './npy';

const dir = mkdtempSync(join(tmpdir(), 'npy-'));
const probe = findPython(['numpy']);
if (!probe.ok) console.warn(`[skip] numpy interoperability test: ${probe.reason}`);

describe('.npy / .npz', () => {
  it('round-trips every dtype through bytes', () => {
    const arrays = {
      a: ndarray('float32', [2, 2], Float32Array.of(1.5, -2, 3, 4)),
      b: ndarray('int64', [3], BigInt64Array.of(-1n, 0n, 2n ** 40n)),
      c: ndarray('uint8', [2], Uint8Array.of(0, 255)),
      d: ndarray('float64', [], Float64Array.of(Math.PI)),
    };
    for (const compress of [false, true]) {
      const back = decodeNpz(encodeNpz(arrays, { compress }));
      expect(Object.keys(back).sort()).toEqual(['a', 'b', 'c', 'd']);
      for (const [k, v] of Object.entries(arrays)) {
        expect(back[k]!.dtype).toBe(v.dtype);
        expect(back[k]!.shape).toEqual(v.shape);
        expect(Array.from(back[k]!.data as ArrayLike<unknown>)).toEqual(Array.from(v.data as ArrayLike<unknown>));
      }
    }
    const bytes = encodeNpy(arrays.a);
    expect((10 + bytes[8]! + 256 * bytes[9]!) % 64).toBe(0); // header padded to 64 bytes as numpy does
  });

  it('rejects malformed input with the file named', () => {
    expect(() => decodeNpy(new TextEncoder().encode('hello world'), 'x.npy')).toThrow(DataFormatError);
    const good = encodeNpy(ndarray('float32', [4], new Float32Array(4)));
    expect(() => decodeNpy(good.subarray(0, good.length - 3), 'cut.npy')).toThrow(/cut\.npy.*truncated data/);
    expect(() => decodeNpz(Uint8Array.of(1, 2, 3), 'bad.npz')).toThrow(/bad\.npz: not a valid \.npz/);
    expect(() => ndarray('float32', [3], new Float32Array(2))).toThrow('shape [3] holds 3 values but data has 2.');
  });

  it.skipIf(!probe.ok)('interoperates with numpy both ways', async () => {
    const ours = join(dir, 'ours.npz');
    await writeNpz(ours, {
      x: ndarray('float32', [2, 3], Float32Array.of(0, 1, 2, 3, 4, 5.5)),
      ids: ndarray('int64', [2], BigInt64Array.of(7n, -9n)),
      flags: ndarray('bool', [3], Uint8Array.of(1, 0, 1)),
    }, { compress: true });
    const theirs = join(dir, 'theirs.npz');
    const fortran = join(dir, 'fortran.npy');
    const script = fileURLToPath(new URL('./__fixtures__/npy_roundtrip.py', import.meta.url));
    const report = runPythonJson<Record<string, { dtype: string; shape: number[]; equal: boolean }>>(
      (probe as { python: string }).python,
      script,
      { x: { values: [0, 1, 2, 3, 4, 5.5] }, ids: { values: [7, -9] }, flags: { values: [1, 0, 1] } },
      [ours, theirs, fortran],
    );
    expect(report).toEqual({
      x: { dtype: 'float32', shape: [2, 3], equal: true },
      ids: { dtype: 'int64', shape: [2], equal: true },
      flags: { dtype: 'bool', shape: [3], equal: true },
    });
    const back = await readNpz(theirs);
    expect(back.f4!.shape).toEqual([2, 3]);
    expect(Array.from(back.f4!.data as Float32Array)).toEqual(Array.from({ length: 6 }, (_, i) => Math.fround(i / 7)));
    expect(Array.from(back.f8!.data as Float64Array)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(Array.from(back.i8!.data as BigInt64Array)).toEqual([-(2n ** 40n), 0n, 1n, 2n ** 40n]);
    expect(Array.from(back.i4!.data as Int32Array)).toEqual([-3, 7]);
    expect(Array.from(back.u1!.data as Uint8Array)).toEqual([0, 255]);
    expect(back.b1!.dtype).toBe('bool');
    expect(back.scalar!.shape).toEqual([]);
    await expect(readNpy(fortran)).rejects.toThrow(/Fortran-ordered arrays are not supported/);
    expect(readFileSync(ours).length).toBeGreaterThan(0);
  });

  it('reads a .npy file back from disk (a Node Buffer is a view: the data must be copied, not re-viewed)', async () => {
    const path = join(dir, 'round.npy');
    await writeNpy(path, ndarray('float64', [3], Float64Array.of(1, 2, 3)));
    expect(Array.from((await readNpy(path)).data as Float64Array)).toEqual([1, 2, 3]);
    await writeNpy(path, ndarray('int32', [2, 2], Int32Array.of(-1, 5, 7, 9)));
    const back = await readNpy(path);
    expect(back.shape).toEqual([2, 2]);
    expect(Array.from(back.data as Int32Array)).toEqual([-1, 5, 7, 9]);
  });

  it('names a missing file', async () => {
    await expect(readNpy(join(dir, 'missing.npy'))).rejects.toThrow(/missing\.npy: cannot read file \(ENOENT\)/);
    writeFileSync(join(dir, 'z.npz'), 'zz');
    await expect(readNpz(join(dir, 'z.npz'))).rejects.toBeInstanceOf(DataFormatError);
  });
});
