import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ChecksumMismatchError,
  DataFormatError,
  DeviceUnavailableError,
  InvalidModelError,
  LabError,
  ManifestError,
  ModelInputError,
  ModelNotFoundError,
  UnsupportedDeviceError,
} from '../errors/lab-error';
import { ndarrayToTensor, readNpz } from '../io/npy';
import { Tensor, toFloat32Tensor, toInt64Tensor } from '../tensor/tensors';
import { bundledModelPath } from './bundled';
import { checkGolden } from './golden';
import { loadModel } from './onnx-model';

const MANIFEST = bundledModelPath('toy-mlp');
const ONNX = MANIFEST.replace('model.json', 'model.onnx');
const tmp = mkdtempSync(join(tmpdir(), 'tc-model-'));

function code(e: unknown): string | undefined {
  return LabError.isInstance(e) ? e.code : undefined;
}

describe('loadModel on the shipped toy MLP', () => {
  const models: Array<{ dispose(): Promise<void> }> = [];
  afterAll(async () => Promise.all(models.map((m) => m.dispose())));

  it('reproduces the PyTorch golden outputs through onnxruntime-node (atol 1e-5)', async () => {
    const model = await loadModel(MANIFEST);
    models.push(model);
    const report = await checkGolden(model, model.manifest!, MANIFEST);
    expect(report.atol).toBe(1e-5);
    expect(report.outputs.map((o) => o.name).sort()).toEqual(['logits', 'probabilities']);
    for (const o of report.outputs) {
      expect(o.size).toBe(128);
      expect(o.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    }
    expect(report.ok).toBe(true);
  });

  it('is a real classifier: golden probabilities sum to 1 and argmax matches PyTorch', async () => {
    const model = await loadModel(MANIFEST);
    models.push(model);
    const inputs = await readNpz(MANIFEST.replace('model.json', 'golden-inputs.npz'));
    const expected = await readNpz(MANIFEST.replace('model.json', 'golden-outputs.npz'));
    const out = await model.run({ x: ndarrayToTensor(inputs.x!) });
    const p = out.probabilities!.data as Float32Array;
    const e = expected.probabilities!.data as Float32Array;
    for (let i = 0; i < p.length / 2; i++) {
      expect(p[2 * i]! + p[2 * i + 1]!).toBeCloseTo(1, 5);
      expect(p[2 * i]! > p[2 * i + 1]!).toBe(e[2 * i]! > e[2 * i + 1]!);
    }
  });

  it('writes outputs into pre-allocated views of a larger buffer (options.into), equal to a plain run', async () => {
    const model = await loadModel(MANIFEST);
    models.push(model);
    const inputs = await readNpz(MANIFEST.replace('model.json', 'golden-inputs.npz'));
    const x = ndarrayToTensor(inputs.x!);
    const plain = await model.run({ x });
    const p = plain.probabilities!;
    const scratch = new Float32Array(p.size + 8).fill(-7);
    const view = new Tensor('float32', scratch.subarray(4, 4 + p.size), [...p.dims]);
    const out = await model.run({ x }, { into: { probabilities: view } });
    expect(Object.keys(out)).toEqual(['probabilities']);
    expect(Array.from(scratch.subarray(4, 4 + p.size))).toEqual(Array.from(p.data as Float32Array));
    expect(Array.from(out.probabilities!.data as Float32Array)).toEqual(Array.from(p.data as Float32Array));
    // the memory around the view is untouched
    expect([...scratch.subarray(0, 4), ...scratch.subarray(4 + p.size)]).toEqual(new Array(8).fill(-7));
    const wrongShape = new Tensor('float32', new Float32Array(p.size), [p.size]);
    await expect(model.run({ x }, { into: { probabilities: wrongShape } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'into' });
    await expect(model.run({ x }, { into: { nope: view } })).rejects.toThrow('has no output "nope"');
    await expect(model.run({ x }, { into: { probabilities: new Tensor('int32', new Int32Array(p.size), [...p.dims]) } })).rejects.toThrow('is int32, but the output is float32');
    await expect(model.run({ x }, { outputs: ['logits'], into: { probabilities: view } })).rejects.toThrow('"logits" is in options.outputs but has no tensor');
  });

  it('loads the same model from a path and from bytes, with the manifest sha256', async () => {
    const fromPath = await loadModel(ONNX);
    const fromBytes = await loadModel(readFileSync(ONNX), { name: 'bytes' });
    models.push(fromPath, fromBytes);
    expect(fromPath.sha256).toBe(JSON.parse(readFileSync(MANIFEST, 'utf8')).sha256);
    expect(fromBytes.sha256).toBe(fromPath.sha256);
    // without a manifest the specs come from onnxruntime's metadata
    expect(fromPath.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 2] }]);
    const x = toFloat32Tensor([[0.5, 0.25], [-1, 0.5], [2, 0]]);
    const a = await fromPath.run({ x });
    const b = await fromBytes.run({ x }, { outputs: ['logits'] });
    expect(Object.keys(b)).toEqual(['logits']);
    expect(Array.from(b.logits!.data as Float32Array)).toEqual(Array.from(a.logits!.data as Float32Array));
    expect(a.logits!.dims).toEqual([3, 2]);
  });

  it('exposes session options (threads, optimisation level) and reports its device', async () => {
    const model = await loadModel(MANIFEST, { intraOpThreads: 1, interOpThreads: 1, graphOptimizationLevel: 'disabled', device: 'cpu' });
    models.push(model);
    expect(model.device).toMatchObject({ requested: 'cpu', device: 'cpu', executionProviders: ['cpu'] });
    expect(model.describe()).toContain('tensor-core-toy-mlp v1.0.0 on cpu');
    await expect(loadModel(MANIFEST, { intraOpThreads: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'intraOpThreads' });
  });

  it('auto falls back to CPU when CUDA is not installed, and says why', async () => {
    const reasons: string[] = [];
    const model = await loadModel(MANIFEST, { device: 'auto', onFallback: (r) => reasons.push(r) });
    models.push(model);
    if (model.device.device === 'cpu') {
      expect(reasons).toHaveLength(1);
      expect(model.device.fallbackReason).toMatch(/CUDA unavailable|CUDA execution provider failed/);
    } else {
      expect(reasons).toHaveLength(0);
    }
  });
});

describe('bad input to run()', () => {
  it('names the input, the expected and the received value', async () => {
    const model = await loadModel(MANIFEST);
    try {
      const err = (f: () => Promise<unknown>) => f().then(() => undefined, (e: unknown) => e);
      const wrongDtype = (await err(() => model.run({ x: new Tensor('float64', new Float64Array(4), [2, 2]) }))) as ModelInputError;
      expect(wrongDtype).toBeInstanceOf(ModelInputError);
      expect(wrongDtype).toMatchObject({ input: 'x', expected: 'dtype float32', received: 'dtype float64' });

      const wrongShape = (await err(() => model.run({ x: toFloat32Tensor(new Float32Array(6), [2, 3]) }))) as ModelInputError;
      expect(wrongShape).toMatchObject({ code: 'MODEL_INPUT', input: 'x', expected: 'shape [batch, 2]', received: 'shape [2, 3]' });
      expect(wrongShape.message).toBe('Model "tensor-core-toy-mlp" input "x": expected shape [batch, 2], received shape [2, 3].');

      const wrongRank = (await err(() => model.run({ x: toFloat32Tensor([1, 2]) }))) as ModelInputError;
      expect(wrongRank.received).toBe('shape [2]');

      const missing = (await err(() => model.run({}))) as ModelInputError;
      expect(missing).toMatchObject({ input: 'x', received: 'nothing' });

      const extra = (await err(() => model.run({ x: toFloat32Tensor([[1, 2]]), y: toInt64Tensor([1]) }))) as ModelInputError;
      expect(extra).toMatchObject({ input: 'y' });
      expect(extra.message).toContain('unknown input "y"');
    } finally {
      await model.dispose();
    }
  });

  it('refuses to run after dispose', async () => {
    const model = await loadModel(MANIFEST);
    await model.dispose();
    await model.dispose();
    expect(model.loaded).toBe(false);
    await expect(model.run({ x: toFloat32Tensor([[1, 2]]) })).rejects.toMatchObject({ code: 'MODEL_DISPOSED' });
  });
});

describe('bad model files', () => {
  it('missing file', async () => {
    const e = await loadModel(join(tmp, 'nope.onnx')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelNotFoundError);
    expect((e as Error).message).toContain('nope.onnx');
    await expect(loadModel(join(tmp, 'nope.json'))).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('truncated, empty and non-ONNX files', async () => {
    const bytes = readFileSync(ONNX);
    writeFileSync(join(tmp, 'truncated.onnx'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    writeFileSync(join(tmp, 'text.onnx'), 'this is not a model');
    writeFileSync(join(tmp, 'empty.onnx'), '');
    for (const f of ['truncated.onnx', 'text.onnx', 'empty.onnx']) {
      const e = await loadModel(join(tmp, f)).catch((x: unknown) => x);
      expect(e, f).toBeInstanceOf(InvalidModelError);
      expect((e as Error).message).toContain(f);
      expect((e as Error).message).toContain('re-export it');
    }
  });

  it('checksum mismatch from the manifest and from options', async () => {
    const dir = mkdtempSync(join(tmp, 'sha-'));
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    copyFileSync(ONNX, join(dir, 'model.onnx'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...manifest, sha256: '0'.repeat(64) }));
    const e = (await loadModel(join(dir, 'model.json')).catch((x: unknown) => x)) as ChecksumMismatchError;
    expect(e).toBeInstanceOf(ChecksumMismatchError);
    expect(e.expected).toBe('0'.repeat(64));
    expect(e.actual).toBe(manifest.sha256);
    await expect(loadModel(ONNX, { sha256: 'f'.repeat(64) })).rejects.toBeInstanceOf(ChecksumMismatchError);
  });

  it('a manifest that does not describe its model', async () => {
    const dir = mkdtempSync(join(tmp, 'mismatch-'));
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    copyFileSync(ONNX, join(dir, 'model.onnx'));
    const write = (m: unknown) => writeFileSync(join(dir, 'model.json'), JSON.stringify(m));

    write({ ...manifest, inputs: [{ ...manifest.inputs[0], name: 'features' }] });
    let e = (await loadModel(join(dir, 'model.json')).catch((x: unknown) => x)) as ManifestError;
    expect(e).toBeInstanceOf(ManifestError);
    expect(e.field).toBe('inputs');
    expect(e.message).toContain('[features]');

    write({ ...manifest, inputs: [{ ...manifest.inputs[0], shape: ['batch', 3] }] });
    e = (await loadModel(join(dir, 'model.json')).catch((x: unknown) => x)) as ManifestError;
    expect(e.field).toBe('inputs[0].shape');

    write({ ...manifest, outputs: [manifest.outputs[0], { ...manifest.outputs[1], dtype: 'int64' }] });
    e = (await loadModel(join(dir, 'model.json')).catch((x: unknown) => x)) as ManifestError;
    expect(e.field).toBe('outputs[1].dtype');

    write({ ...manifest, sha256: 'not-a-hash' });
    e = (await loadModel(join(dir, 'model.json')).catch((x: unknown) => x)) as ManifestError;
    expect(e.field).toBe('sha256');

    const { provenance: _p, ...noProvenance } = manifest;
    write(noProvenance);
    e = (await loadModel(join(dir, 'model.json')).catch((x: unknown) => x)) as ManifestError;
    expect(e.field).toBe('provenance');

    writeFileSync(join(dir, 'model.json'), '{ not json');
    await expect(loadModel(join(dir, 'model.json'))).rejects.toBeInstanceOf(DataFormatError);
  });

  it('unknown device and unavailable CUDA', async () => {
    const e = await loadModel(MANIFEST, { device: 'tpu' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnsupportedDeviceError);
    expect((e as Error).message).toBe('Unsupported device "tpu". Supported: cpu, cuda, auto.');
    const cuda = await loadModel(MANIFEST, { device: 'cuda' }).then(
      async (m) => {
        await m.dispose();
        return undefined;
      },
      (x: unknown) => x,
    );
    if (cuda !== undefined) {
      expect(cuda).toBeInstanceOf(DeviceUnavailableError);
      expect(code(cuda)).toBe('DEVICE_UNAVAILABLE');
      expect((cuda as Error).message).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci|LD_LIBRARY_PATH/);
    }
  });
});
