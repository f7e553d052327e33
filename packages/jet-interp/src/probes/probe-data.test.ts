import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, InvalidArgumentError, LabError, ndarray, readNpz, writeNpz, type NdArray } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { probeDataCommand, runProbeDataCommand } from '../cli/probe-data-command';
import { generateJets } from '../generator/generate-jets';
import { recnnTrainingData } from '../recnn/training-data';
import { constituentArray } from './constituent-features';
import { jetImage } from './jet-image';
import { probeTrainingData, writeProbeTrainingData, type ProbeTrainingMeta } from './probe-data';

const w = generateJets('w', 12, { seed: 21 });
const q = generateJets('gluon', 12, { seed: 22 });
const jets = [...w, ...q].map((j) => j.constituents);
const labels = [...w.map(() => 1), ...q.map(() => 0)];
const train = recnnTrainingData(jets, labels, { seed: 5, signal: 'w', background: 'gluon', source: 'test jets' });
const dir = mkdtempSync(join(tmpdir(), 'probe-data-'));

function expectDataError(f: () => unknown, location: string, message: RegExp): void {
  try {
    f();
    expect.unreachable();
  } catch (e) {
    expect(LabError.isInstance(e)).toBe(true);
    expect(e).toBeInstanceOf(DataFormatError);
    expect((e as DataFormatError).location).toBe(location);
    expect((e as Error).message).toMatch(message);
  }
}

describe('probeTrainingData', () => {
  const { arrays, meta } = probeTrainingData(train.arrays, { file: 'w-gluon.npz' });

  it('featurises every jet of a train-data file, in its order, with its labels and split', () => {
    const J = jets.length;
    expect(arrays['fcn_x']!.shape).toEqual([J, 30, 4]);
    expect(arrays['image']!.shape).toEqual([J, 37, 37]);
    expect(Array.from(arrays['label']!.data as Int32Array)).toEqual(Array.from(train.arrays['jet_label']!.data as Int32Array));
    expect(Array.from(arrays['split']!.data as Int32Array)).toEqual(Array.from(train.arrays['jet_split']!.data as Int32Array));
    // the train-data file stores the tree leaves (here: every constituent), so the rows equal the featurisers' output
    const offs = train.arrays['jet_constituent_offset']!.data as Int32Array;
    const cons = train.arrays['constituents']!.data as Float64Array;
    for (let j = 0; j < J; j++) {
      const momenta = Array.from({ length: offs[j + 1]! - offs[j]! }, (_, k) => {
        const o = 4 * (offs[j]! + k);
        return { px: cons[o]!, py: cons[o + 1]!, pz: cons[o + 2]!, e: cons[o + 3]! };
      });
      const x = (arrays['fcn_x']!.data as Float32Array).subarray(j * 120, (j + 1) * 120);
      expect(Array.from(x)).toEqual(Array.from(constituentArray(momenta)));
      const img = (arrays['image']!.data as Float32Array).subarray(j * 37 * 37, (j + 1) * 37 * 37);
      expect(Array.from(img)).toEqual(Array.from(jetImage(momenta).image));
      expect((arrays['n_constituents']!.data as Int32Array)[j]).toBe(momenta.length);
    }
    expect(meta).toMatchObject({ format: 'probe-train-data', version: 1, from: 'w-gluon.npz', signal: 'w', background: 'gluon', source: 'test jets', splitSeed: 5, jets: J, maxConstituents: 30 });
    expect(meta.splits).toEqual(train.meta.splits);
    expect(meta.labels).toEqual({ signal: 12, background: 12 });
    expect(meta.image).toMatchObject({ pixels: 37, halfWidth: 0.8 });
    expect(JSON.parse(new TextDecoder().decode(arrays['meta_json']!.data as Uint8Array))).toEqual(meta);
  });

  it('round-trips through writeProbeTrainingData and readNpz', async () => {
    const from = join(dir, 'train.npz');
    const out = join(dir, 'sub', 'probe.npz');
    await writeNpz(from, train.arrays, { compress: true });
    const events: string[] = [];
    const written = await writeProbeTrainingData(out, from, { onProgress: (e) => events.push(e.label ?? '') });
    expect(events).toContain('featurising jets');
    expect(events.at(-1)).toBe('writing');
    const back = await readNpz(out);
    expect(Object.keys(back).sort()).toEqual(['fcn_x', 'image', 'image_outside', 'jet_momentum', 'label', 'meta_json', 'n_constituents', 'split']);
    for (const k of Object.keys(arrays).filter((k) => k !== 'meta_json')) {
      expect(back[k]!.dtype).toBe(arrays[k]!.dtype);
      expect(back[k]!.shape).toEqual(arrays[k]!.shape);
      expect(Array.from(back[k]!.data as Float32Array)).toEqual(Array.from(arrays[k]!.data as Float32Array));
    }
    const m = JSON.parse(new TextDecoder().decode(back['meta_json']!.data as Uint8Array)) as ProbeTrainingMeta;
    expect(m).toEqual({ ...written });
    expect(m.from).toBe('train.npz');
  });

  it('the probe-data command writes the same file', async () => {
    const from = join(dir, 'train-cli.npz');
    await writeNpz(from, train.arrays, { compress: true });
    const out = join(dir, 'cli.npz');
    const meta2 = await runProbeDataCommand({ from, out, constituents: '30', pixels: '37', halfWidth: '0.8', quiet: true });
    expect(meta2.jets).toBe(jets.length);
    const back = await readNpz(out);
    expect(Array.from(back['fcn_x']!.data as Float32Array)).toEqual(Array.from(arrays['fcn_x']!.data as Float32Array));
    const cmd = probeDataCommand();
    expect(cmd.name()).toBe('probe-data');
    const out2 = join(dir, 'cli2.npz');
    await cmd.parseAsync(['--from', from, '--out', out2, '--constituents', '10', '--pixels', '15', '-q'], { from: 'user' });
    const small = await readNpz(out2);
    expect(small['fcn_x']!.shape).toEqual([jets.length, 10, 4]);
    expect(small['image']!.shape).toEqual([jets.length, 15, 15]);
    await expect(runProbeDataCommand({ from, out: out2, constituents: 'many', pixels: '37', halfWidth: '0.8', quiet: true })).rejects.toThrow(InvalidArgumentError);
  });

  it('names the missing array and the fix for a file written without constituents', () => {
    const { constituents: _c, ...rest } = train.arrays;
    expectDataError(() => probeTrainingData(rest, { file: 'x.npz' }), 'constituents', /lacks the array "constituents".*without --no-constituents/);
    const { jet_split: _s, ...noSplit } = train.arrays;
    expectDataError(() => probeTrainingData(noSplit, { file: 'x.npz' }), 'jet_split', /lacks the array "jet_split"/);
  });

  it('rejects malformed arrays with DataFormatError naming the field', () => {
    const patch = (k: string, v: NdArray) => ({ ...train.arrays, [k]: v });
    const J = jets.length;
    expectDataError(() => probeTrainingData(patch('constituents', ndarray('float64', [6], new Float64Array(6))), { file: 'x.npz' }), 'constituents', /\[C, 4\]/);
    const badLabel = Int32Array.from(train.arrays['jet_label']!.data as Int32Array);
    badLabel[3] = 2;
    expectDataError(() => probeTrainingData(patch('jet_label', ndarray('int32', [J], badLabel))), 'jet_label', /jet 3 has label 2/);
    const badSplit = Int32Array.from(train.arrays['jet_split']!.data as Int32Array);
    badSplit[0] = 7;
    expectDataError(() => probeTrainingData(patch('jet_split', ndarray('int32', [J], badSplit))), 'jet_split', /split code 7/);
    expectDataError(() => probeTrainingData(patch('jet_split', ndarray('int32', [J - 1], new Int32Array(J - 1)))), 'jet_split', /shape/);
    const offs = Int32Array.from(train.arrays['jet_constituent_offset']!.data as Int32Array);
    offs[2] = offs[1]!; // jet 1 empty
    expectDataError(() => probeTrainingData(patch('jet_constituent_offset', ndarray('int32', [J + 1], offs))), 'jet_constituent_offset', /jet 1 has 0 constituents/);
    const zeroPt = Float64Array.from(train.arrays['constituents']!.data as Float64Array);
    const o0 = train.arrays['jet_constituent_offset']!.data as Int32Array;
    for (let k = o0[0]!; k < o0[1]!; k++) {
      zeroPt[4 * k] = 0;
      zeroPt[4 * k + 1] = 0;
    }
    expectDataError(() => probeTrainingData(patch('constituents', ndarray('float64', train.arrays['constituents']!.shape, zeroPt))), 'constituents', /jet 0 has transverse momentum 0/);
    expectDataError(() => probeTrainingData(patch('meta_json', ndarray('uint8', [3], new Uint8Array([123, 0, 1])))), 'meta_json', /not UTF-8 JSON/);
  });

  it('rejects bad options and unreadable files with typed errors', async () => {
    expect(() => probeTrainingData(train.arrays, { maxConstituents: 0 })).toThrow(InvalidArgumentError);
    expect(() => probeTrainingData(train.arrays, { image: { pixels: -1 } })).toThrow(InvalidArgumentError);
    await expect(writeProbeTrainingData(join(dir, 'never.npz'), join(dir, 'missing.npz'))).rejects.toThrow(DataFormatError);
  });
});
