import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, readNpz } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { generateJets } from '../generator/generate-jets';
import { FourMomentum } from '../particles/four-momentum';
import { ParticleEvent } from '../particles/particle-event';
import { buildJetTree } from './jet-tree';
import { nodeFeatures } from './node-features';
import { RobustScaler } from './robust-scaler';
import { RECNN_SPLITS, recnnTrainingData, splitJets, writeRecnnTrainingData, type RecnnTrainingMeta } from './training-data';

const w = generateJets('w', 20, { seed: 11 });
const q = generateJets('quark', 20, { seed: 12 });
const jets = [...w, ...q].map((j) => j.constituents);
const labels = [...w.map(() => 1), ...q.map(() => 0)];

describe('recnnTrainingData', () => {
  const data = recnnTrainingData(jets, labels, { algorithm: 'kt', seed: 4, signal: 'w', background: 'quark', source: 'test', rawFeatures: true });
  const a = data.arrays;
  const int = (k: string) => Array.from(a[k]!.data as Int32Array);

  it('flattens every tree into contiguous node ranges with global child indices', () => {
    const offset = int('jet_node_offset');
    const left = int('node_left');
    const right = int('node_right');
    const depth = int('node_depth');
    const nodeJet = int('node_jet');
    const root = int('jet_root');
    expect(offset[0]).toBe(0);
    expect(offset.at(-1)).toBe(data.meta.nodes);
    expect(a['node_x']!.shape).toEqual([data.meta.nodes, 7]);
    jets.forEach((jet, j) => {
      const t = buildJetTree(jet, { algorithm: 'kt' });
      const o = offset[j]!;
      expect(offset[j + 1]! - o).toBe(t.size);
      expect(root[j]).toBe(o + t.root);
      for (let k = 0; k < t.size; k++) {
        expect(left[o + k]).toBe(t.left[k]! < 0 ? -1 : o + t.left[k]!);
        expect(right[o + k]).toBe(t.right[k]! < 0 ? -1 : o + t.right[k]!);
        expect(depth[o + k]).toBe(t.depth[k]);
        expect(nodeJet[o + k]).toBe(j);
      }
      // the network input is the scaler applied to the raw features, rounded to float32
      const x = data.scaler.transformToFloat32(nodeFeatures(t));
      expect(Array.from((a['node_x']!.data as Float32Array).subarray(7 * o, 7 * (o + t.size)))).toEqual(Array.from(x));
      expect(Array.from((a['node_features']!.data as Float64Array).subarray(7 * o, 7 * (o + t.size)))).toEqual(Array.from(nodeFeatures(t)));
      // the stored constituents are the jet's
      const c = int('jet_constituent_offset');
      expect(Array.from((a['constituents']!.data as Float64Array).subarray(4 * c[j]!, 4 * c[j + 1]!))).toEqual(Array.from(jet.momenta));
    });
    expect(Math.max(...depth)).toBe(data.meta.maxDepth);
  });

  it('splits each class with the seed and fits the scaler on the training nodes only', () => {
    const split = int('jet_split');
    expect(int('jet_label')).toEqual(labels);
    for (const c of [0, 1]) {
      const s = split.filter((_, j) => labels[j] === c);
      expect(s.filter((v) => v === RECNN_SPLITS.test)).toHaveLength(3); // round(20 · 0.15)
      expect(s.filter((v) => v === RECNN_SPLITS.validation)).toHaveLength(3);
    }
    expect(data.meta.splits).toEqual({ train: 28, validation: 6, test: 6 });
    expect(Array.from(splitJets(labels, 0.15, 0.15, 4))).toEqual(split);
    const offset = int('jet_node_offset');
    const raw = a['node_features']!.data as Float64Array;
    const rows: number[] = [];
    split.forEach((s, j) => {
      if (s === RECNN_SPLITS.train) rows.push(...raw.subarray(7 * offset[j]!, 7 * offset[j + 1]!));
    });
    const ref = RobustScaler.fit(rows, 7);
    expect(Array.from(data.scaler.center)).toEqual(Array.from(ref.center));
    expect(Array.from(data.scaler.scale)).toEqual(Array.from(ref.scale));
    expect(Array.from(a['scaler_center']!.data as Float64Array)).toEqual(Array.from(ref.center));
  });

  it('stores its metadata as JSON bytes', () => {
    const meta = JSON.parse(new TextDecoder().decode(a['meta_json']!.data as Uint8Array)) as RecnnTrainingMeta;
    expect(meta).toEqual(data.meta);
    expect(meta).toMatchObject({ format: 'recnn-train-data', algorithm: 'kt', signal: 'w', background: 'quark', jets: 40, labels: { signal: 20, background: 20 } });
    expect(meta.scaler.features).toEqual(['p', 'eta', 'phi', 'E', 'E/E_J', 'pt', 'theta']);
  });

  it('writes an .npz that reads back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'recnn-data-')), 'sub', 'd.npz');
    const meta = await writeRecnnTrainingData(file, jets.slice(15, 25), labels.slice(15, 25), { constituents: false, validationFraction: 0.2, testFraction: 0.2 });
    const back = await readNpz(file);
    expect(back['constituents']).toBeUndefined();
    expect(back['node_x']!.shape).toEqual([meta.nodes, 7]);
    expect(meta.splits).toEqual({ train: 6, validation: 2, test: 2 });
  });

  it('keeps a one-constituent jet as a single root leaf', () => {
    const single = new ParticleEvent(Float64Array.from([100, 0, 20, Math.hypot(100, 20)]));
    const d = recnnTrainingData([single, ...jets.slice(0, 4), jets[30]!, jets[31]!], [0, 1, 1, 1, 1, 0, 0], { validationFraction: 0, testFraction: 0 });
    expect(Array.from((d.arrays['jet_node_offset']!.data as Int32Array).subarray(0, 2))).toEqual([0, 1]);
    expect((d.arrays['node_left']!.data as Int32Array)[0]).toBe(-1);
    expect((d.arrays['jet_root']!.data as Int32Array)[0]).toBe(0);
  });

  it('throws typed errors naming the problem', () => {
    expect(() => recnnTrainingData(jets, labels.slice(1))).toThrow(/40 jets but 39 labels/);
    expect(() => recnnTrainingData(jets.slice(0, 2), [1, 2])).toThrow(/label 1 is 2/);
    expect(() => recnnTrainingData(jets.slice(0, 2), [1, 1])).toThrow(/both classes/);
    expect(() => recnnTrainingData([jets[0]!, new ParticleEvent(new Float64Array(0))], [1, 0])).toThrow(/jet 1: The jet has no constituents/);
    expect(() => recnnTrainingData(jets, labels, { testFraction: 0.6, validationFraction: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => recnnTrainingData(jets, labels, { algorithm: 'genkt' })).toThrow(InvalidArgumentError);
    expect(() => recnnTrainingData([[new FourMomentum(1, 0, 0, -1)]], [1])).toThrow(/energy|E/);
  });
});
