import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFormatError, InvalidArgumentError, ModelNotFoundError, readManifest, readNpz } from '@lab/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateJets } from '../generator/generate-jets';
import { FourMomentum } from '../particles/four-momentum';
import { constituentArray } from './constituent-features';
import { jetImage } from './jet-image';
import { PROBE_ARCHS, loadProbeNetwork, type ProbeNetwork } from './probe-network';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');
const fixture = (arch: string) => join(fixtures, `probe-${arch}`);
const jets = [...generateJets('w', 4, { seed: 31 }), ...generateJets('quark', 3, { seed: 32 })].map((j) => j.constituents);

describe.each(PROBE_ARCHS)('loadProbeNetwork: %s fixture', (arch) => {
  let net: ProbeNetwork;
  beforeAll(async () => {
    net = await loadProbeNetwork(fixture(arch), { intraOpThreads: 1 });
  });
  afterAll(async () => {
    await net?.dispose();
  });

  it('is a SYNTHETIC fixture with the three probed layers named in its manifest', async () => {
    expect(net.arch).toBe(arch);
    expect(net.config.synthetic).toBe(true);
    const manifest = await readManifest(join(fixture(arch), 'model.json'));
    expect(manifest.provenance.trainingData).toMatch(/^SYNTHETIC/);
    expect(manifest.opset).toBeGreaterThanOrEqual(16);
    expect(manifest.outputs.map((o) => o.name)).toEqual(['probability', 'logit', 'hidden1', 'hidden2', 'hidden3']);
    expect(manifest.outputs.every((o) => o.shape[0] === 'batch' && typeof o.description === 'string')).toBe(true);
    expect(net.config.hiddenLayers.map((h) => h.output)).toEqual(['hidden1', 'hidden2', 'hidden3']);
    expect(manifest.outputs.slice(2).map((o) => o.shape[1])).toEqual(net.hiddenSizes);
    expect(net.inputShape).toEqual(arch === 'cnn' ? [37, 37] : [30, 4]);
  });

  it('reproduces the PyTorch golden outputs through onnxruntime-node', async () => {
    const report = await net.checkGolden();
    expect(report.outputs.map((o) => o.name).sort()).toEqual(['hidden1', 'hidden2', 'hidden3', 'logit', 'probability']);
    expect(report.ok, JSON.stringify(report.outputs)).toBe(true);
  });

  it('reproduces the golden outputs through runInputs in small batches', async () => {
    const dir = fixture(arch);
    const inputs = await readNpz(join(dir, 'golden-inputs.npz'));
    const expected = await readNpz(join(dir, 'golden-outputs.npz'));
    const x = inputs[net.config.input.name]!;
    const n = x.shape[0]!;
    const r = await net.runInputs(x.data as Float32Array, n, { batchSize: 3 });
    const { atol, rtol } = net.manifest.golden!;
    const close = (got: Float32Array, name: string) => {
      const e = expected[name]!.data as Float32Array;
      expect(got.length).toBe(e.length);
      got.forEach((g, i) => expect(Math.abs(g - e[i]!)).toBeLessThanOrEqual(atol + rtol * Math.abs(e[i]!)));
    };
    close(r.probabilities, 'probability');
    close(r.logits, 'logit');
    r.hidden.forEach((h, k) => close(h, `hidden${k + 1}`));
    expect(r.jets).toBe(n);
  });

  it('featurises jets with the package featurisers and runs them', async () => {
    const x = net.featurize(jets);
    const per = net.inputShape[0] * net.inputShape[1];
    expect(x.length).toBe(jets.length * per);
    const first = arch === 'cnn' ? jetImage(jets[0]!).image : constituentArray(jets[0]!);
    expect(Array.from(x.subarray(0, per))).toEqual(Array.from(first));
    const events: number[] = [];
    const r = await net.run(jets, { batchSize: 2, onProgress: (e) => events.push(e.completed) });
    const whole = await net.runInputs(x, jets.length, { batchSize: 64 });
    expect(Array.from(r.probabilities)).toEqual(Array.from(whole.probabilities));
    r.hidden.forEach((h, k) => expect(h.length).toBe(jets.length * r.hiddenSizes[k]!));
    expect(Array.from(r.hidden[2])).toEqual(Array.from(whole.hidden[2]));
    r.probabilities.forEach((p, j) => expect(p).toBeCloseTo(1 / (1 + Math.exp(-r.logits[j]!)), 5));
    expect(events.at(-1)).toBe(jets.length);
  });

  it('rejects inputs of the wrong size, bad batch sizes and bad jets with typed errors', async () => {
    await expect(net.runInputs(new Float32Array(10), 1)).rejects.toThrow(InvalidArgumentError);
    await expect(net.runInputs(new Float32Array(0), 0, { batchSize: 0 })).rejects.toThrow(/batchSize/);
    expect(() => net.featurize([jets[0]!, [new FourMomentum(0, 0, 3, 3)]])).toThrow(/jet 1/);
    expect((await net.runInputs(new Float32Array(0), 0)).jets).toBe(0);
  });
});

describe('loadProbeNetwork errors', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'probe-net-'));

  it('names a missing directory or probe.json', async () => {
    await expect(loadProbeNetwork(join(tmp, 'nothing'))).rejects.toThrow(ModelNotFoundError);
    await expect(loadProbeNetwork(join(tmp, 'nothing'))).rejects.toThrow(/probe\.json/);
    await expect(loadProbeNetwork('')).rejects.toThrow(InvalidArgumentError);
  });

  it('names the bad field of a malformed probe.json and how to fix it', async () => {
    const cases: Array<[string, (c: Record<string, any>) => void]> = [
      ['arch', (c) => (c['arch'] = 'transformer')],
      ['input.constituentFeatures', (c) => (c['input']['constituentFeatures'] = ['pt', 'eta', 'phi', 'E'])],
      ['hiddenLayers', (c) => (c['hiddenLayers'] = c['hiddenLayers'].slice(0, 2))],
      ['input.pixels', (c) => (c['input']['pixels'] = 0)],
    ];
    for (const [name, edit] of cases) {
      const dir = join(tmp, name);
      cpSync(fixture('fcn'), dir, { recursive: true });
      const config = JSON.parse(readFileSync(join(dir, 'probe.json'), 'utf8'));
      edit(config);
      writeFileSync(join(dir, 'probe.json'), JSON.stringify(config));
      try {
        await loadProbeNetwork(dir);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(DataFormatError);
        expect((e as DataFormatError).location).toBe(name);
        expect((e as Error).message).toMatch(/train_probes\.py/);
      }
    }
    const dir = join(tmp, 'json');
    cpSync(fixture('fcn'), dir, { recursive: true });
    writeFileSync(join(dir, 'probe.json'), '{');
    await expect(loadProbeNetwork(dir)).rejects.toThrow(/not valid JSON/);
  });

  it('detects a probe.json that disagrees with the graph', async () => {
    const dir = join(tmp, 'sizes');
    cpSync(fixture('lstm'), dir, { recursive: true });
    const config = JSON.parse(readFileSync(join(dir, 'probe.json'), 'utf8'));
    config.hiddenLayers[2].size += 1;
    writeFileSync(join(dir, 'probe.json'), JSON.stringify(config));
    await expect(loadProbeNetwork(dir)).rejects.toThrow(/hidden3/);
    const dir2 = join(tmp, 'kind');
    cpSync(fixture('fcn'), dir2, { recursive: true });
    const c2 = JSON.parse(readFileSync(join(dir2, 'probe.json'), 'utf8'));
    c2.input.maxConstituents = 20;
    writeFileSync(join(dir2, 'probe.json'), JSON.stringify(c2));
    await expect(loadProbeNetwork(dir2)).rejects.toThrow(DataFormatError);
  });
});
