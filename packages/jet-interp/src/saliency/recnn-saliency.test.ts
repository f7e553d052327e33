import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFormatError, InvalidArgumentError, type ProgressEvent } from '@lab/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSaliencyCommand } from '../cli/saliency-command';
import type { ClusterNode } from '../cluster/cluster-node';
import { generateJets } from '../generator/generate-jets';
import { LUND_IMAGE_DEFAULTS } from '../lund/lund-image';
import { lundSplitting } from '../lund/lund-splitting';
import { reclusterJet } from '../lund/recluster-jet';
import { FourMomentum } from '../particles/four-momentum';
import { loadRecnn, type RecnnModel } from '../recnn/recnn-model';
import { writeRecnnTrainingData } from '../recnn/training-data';
import { recnnSaliency } from './recnn-saliency';
import { readRecnnWeights } from './recnn-weights';
import { saliencyHeatmapPng } from './saliency-heatmap-png';
import { saliencyHeatmapSvg } from './saliency-heatmap-svg';
import { saliencyLundMaps, type SaliencyPoints } from './saliency-lund-maps';
import { treeLundCoordinates } from './tree-lund-coordinates';

const FIXTURES = fileURLToPath(new URL('../recnn/__fixtures__/', import.meta.url));
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const out = mkdtempSync(join(tmpdir(), 'jet-interp-saliency-'));

const jets = [...generateJets('w', 4, { seed: 41 }), ...generateJets('gluon', 4, { seed: 42 })].map((j) => j.constituents);
const labels = [1, 1, 1, 1, 0, 0, 0, 0];

describe.each(['recnn-simple', 'recnn-gated'])('recnnSaliency %s', (name) => {
  let model: RecnnModel;
  beforeAll(async () => {
    model = await loadRecnn(join(FIXTURES, name));
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('gives every node a saliency, 1 at the root, with Lund coordinates on internal nodes only', async () => {
    const events: ProgressEvent[] = [];
    const r = await recnnSaliency(model, jets, labels, { onProgress: (e) => events.push(e), keepGradients: true });
    expect(r.jets.length).toBe(jets.length);
    expect(r.variant).toBe(model.config.variant);
    expect(r.signal).toBe('w');
    expect(r.onnxMaxAbsDiff!).toBeLessThanOrEqual(1e-5);
    expect(events.filter((e) => e.label === 'saliency').at(-1)).toMatchObject({ completed: jets.length, total: jets.length });
    const probs = await model.classify(jets);
    for (const s of r.jets) {
      const { tree } = s;
      expect(s.label).toBe(labels[s.index]);
      expect(s.probability).toBeCloseTo(probs[s.index]!, 5);
      expect(s.saliency[tree.root]).toBe(1);
      expect(s.saliency.length).toBe(tree.size);
      expect(s.gradients!.length).toBe(tree.size * r.embeddingSize);
      for (let k = 0; k < tree.size; k++) {
        expect(s.saliency[k]).toBeGreaterThanOrEqual(0);
        expect(Number.isNaN(s.lnInvDelta[k]!)).toBe(tree.left[k]! < 0);
        expect(Number.isNaN(s.lnKt[k]!)).toBe(tree.left[k]! < 0);
      }
      expect(s.loss).toBeCloseTo(s.label === 1 ? -Math.log(s.probability) : -Math.log(1 - s.probability), 10);
    }
  });

  it('rejects bad labels and a model without weights.npz with typed errors', async () => {
    await expect(recnnSaliency(model, jets, labels.slice(1))).rejects.toThrow(InvalidArgumentError);
    await expect(recnnSaliency(model, jets.slice(0, 1), [2])).rejects.toThrow(/labels\[0\] is 2/);
    const weights = await readRecnnWeights(join(FIXTURES, name));
    const other = await readRecnnWeights(join(FIXTURES, name === 'recnn-simple' ? 'recnn-gated' : 'recnn-simple'));
    await expect(recnnSaliency(model, jets.slice(0, 1), [1], { weights: other })).rejects.toThrow(/read them from the same directory/);
    // weights that do not reproduce the graphs
    const perturbed = { ...weights, head: { ...weights.head, out: { ...weights.head.out, bias: Float64Array.from(weights.head.out.bias, (b) => b + 1) } } };
    await expect(recnnSaliency(model, jets.slice(0, 1), [1], { weights: perturbed })).rejects.toThrow(DataFormatError);
    const r = await recnnSaliency(model, jets.slice(0, 1), [1], { weights: perturbed, checkOnnx: false });
    expect(r.onnxMaxAbsDiff).toBeUndefined();
  });
});

describe('treeLundCoordinates', () => {
  it('equals lundSplitting of the same clustering nodes', async () => {
    const model = await loadRecnn(join(FIXTURES, 'recnn-simple'));
    try {
      const jet = jets[0]!;
      const tree = model.tree(jet);
      const c = treeLundCoordinates(tree);
      const byId = new Map<number, ClusterNode>();
      const visit = (n: ClusterNode) => {
        byId.set(n.id, n);
        n.children?.forEach(visit);
      };
      visit(reclusterJet(jet, { algorithm: model.config.algorithm, radius: model.config.radius }));
      let internal = 0;
      for (let k = 0; k < tree.size; k++) {
        const s = lundSplitting(byId.get(tree.historyId[k]!)!);
        if (!s) {
          expect(Number.isNaN(c.lnKt[k]!)).toBe(true);
          continue;
        }
        internal++;
        expect(c.lnInvDelta[k]).toBeCloseTo(s.lnInvDelta, 10);
        expect(c.lnKt[k]).toBeCloseTo(s.lnKt, 10);
        expect(c.z[k]).toBeCloseTo(s.z, 12);
      }
      expect(internal).toBe(tree.size - tree.leaves);
    } finally {
      await model.dispose();
    }
  });

  it('a two-particle jet: Δ = 0.5, k_t = 50 GeV', () => {
    const root = reclusterJet([FourMomentum.fromPtYPhiM(300, 0, 0), FourMomentum.fromPtYPhiM(100, 0.3, 0.4)]);
    const [a, b] = root.children!;
    const momenta = Float64Array.from([a.px, a.py, a.pz, a.e, b.px, b.py, b.pz, b.e, root.px, root.py, root.pz, root.e]);
    const c = treeLundCoordinates({ size: 3, left: Int32Array.from([-1, -1, 1]), right: Int32Array.from([-1, -1, 0]), momenta });
    expect(c.delta[2]).toBeCloseTo(0.5, 12);
    expect(c.kt[2]).toBeCloseTo(50, 9);
    expect(c.z[2]).toBeCloseTo(0.25, 12);
    expect(c.lnKt[2]).toBeCloseTo(Math.log(50), 9);
    expect(Number.isNaN(c.lnInvDelta[0]!)).toBe(true);
  });
});

describe('saliencyLundMaps', () => {
  // 2 × 2 bins over ln 1/Δ ∈ [0, 2), ln k_t ∈ [0, 2)
  const binning = { lnInvDeltaBins: 2, lnKtBins: 2, lnInvDeltaRange: [0, 2] as const, lnKtRange: [0, 2] as const };
  const hand: SaliencyPoints[] = [
    // signal jet 1: root (1) in bin (0, 0), a splitting (0.5) in bin (1, 1), one outside, two leaves
    { label: 1, saliency: [0.2, 0.4, 0.5, 0.9, 1], lnInvDelta: [NaN, NaN, 1.5, 5, 0.5], lnKt: [NaN, NaN, 1.2, 1, 0.1] },
    // signal jet 2: root (1) in (0, 0), a splitting (0.25) in (0, 0), one leaf
    { label: 1, saliency: [0.3, 0.25, 1], lnInvDelta: [NaN, 0.9, 0.2], lnKt: [NaN, 0.99, 0.4] },
    // background: one splitting in (1, 0), and a jet with undefined saliency
    { label: 0, saliency: [0.1, 1], lnInvDelta: [NaN, 1], lnKt: [NaN, 0] },
    { label: 0, saliency: [NaN, NaN], lnInvDelta: [NaN, 1], lnKt: [NaN, 0] },
  ];

  it('averages per bin over splittings, counts, and sets leaves and undefined jets apart', () => {
    const { signal, background } = saliencyLundMaps(hand, { ...binning, signal: 'w', background: 'qcd', task: 'w vs qcd' });
    expect(signal.className).toBe('w');
    expect(signal.task).toBe('w vs qcd');
    expect(signal.jets).toBe(2);
    expect(signal.counts.get(0, 0)).toBe(3);
    expect(signal.mean.get(0, 0)).toBeCloseTo((1 + 1 + 0.25) / 3, 15);
    expect(signal.counts.get(1, 1)).toBe(1);
    expect(signal.mean.get(1, 1)).toBe(0.5);
    expect(Number.isNaN(signal.mean.get(1, 0))).toBe(true);
    expect(signal.counts.get(1, 0)).toBe(0);
    expect(signal.entries).toBe(4);
    expect(signal.outside).toBe(1);
    expect(signal.splittingMeanSaliency).toBeCloseTo((0.5 + 0.9 + 1 + 0.25 + 1) / 5, 15);
    expect(signal.leaves).toEqual({ nodes: 3, meanSaliency: (0.2 + 0.4 + 0.3) / 3 });
    expect(background.className).toBe('qcd');
    expect(background.jets).toBe(1);
    expect(background.undefinedJets).toBe(1);
    expect(background.mean.get(1, 0)).toBe(1);
    expect(background.counts.total()).toBe(1);
    expect(signal.mean.lnInvDeltaBins).toBe(2);
  });

  it('uses the Lund-image binning defaults and rejects bad input', () => {
    const { signal } = saliencyLundMaps(hand);
    expect(signal.mean.lnInvDeltaBins).toBe(LUND_IMAGE_DEFAULTS.lnInvDeltaBins);
    expect(signal.mean.lnKtRange).toEqual(LUND_IMAGE_DEFAULTS.lnKtRange);
    expect(signal.className).toBe('signal');
    expect(() => saliencyLundMaps([{ ...hand[0]!, label: 2 }])).toThrow(/jets\[0\]\.label is 2/);
    expect(() => saliencyLundMaps([{ ...hand[0]!, lnKt: [1] }])).toThrow(InvalidArgumentError);
    expect(() => saliencyLundMaps(hand, { lnKtBins: 0 })).toThrow(/lnKtBins/);
  });

  it('renders titled heat maps as SVG and PNG', async () => {
    const { signal, background } = saliencyLundMaps(hand, { ...binning, signal: 'w', background: 'qcd', task: 'w vs qcd' });
    const svg = await saliencyHeatmapSvg(signal);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('w vs qcd: mean gradient saliency, w jets');
    expect(svg).toContain('ln(k_t / GeV)');
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(2);
    const png = await saliencyHeatmapPng(background, { scale: 1 });
    expect(png.length).toBeGreaterThan(1000);
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    await expect(saliencyHeatmapSvg(signal, { width: 10 })).rejects.toThrow(InvalidArgumentError);
    await expect(saliencyHeatmapPng(signal, { scale: 0 })).rejects.toThrow(/scale/);
  });
});

describe('jet-interp saliency (runSaliencyCommand)', () => {
  it('writes per-class SVG and PNG heat maps and a JSON summary', async () => {
    const data = join(out, 'wq.npz');
    const gen = [...generateJets('w', 10, { seed: 51 }), ...generateJets('quark', 10, { seed: 52 })].map((j) => j.constituents);
    await writeRecnnTrainingData(data, gen, gen.map((_, i) => (i < 10 ? 1 : 0)), { signal: 'w', background: 'quark', testFraction: 0.3 });
    const prefix = join(out, 'plots', 'wq');
    const report = await runSaliencyCommand({ model: join(FIXTURES, 'recnn-gated'), data, split: 'test', jets: '2', out: prefix, bins: '10', quiet: true });
    expect(report.jets).toEqual({ signal: 2, background: 2 });
    expect(report.task).toBe('w vs quark');
    for (const cls of ['signal', 'background']) {
      const svg = readFileSync(`${prefix}-${cls}.svg`, 'utf8');
      expect(svg).toContain(`w vs quark: mean gradient saliency, ${cls === 'signal' ? 'w' : 'quark'} jets`);
      const png = readFileSync(`${prefix}-${cls}.png`);
      expect(statSync(`${prefix}-${cls}.png`).size).toBeGreaterThan(1000);
      expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    }
    const json = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as Record<string, any>;
    expect(json['split']).toBe('test');
    expect(json['jets']).toEqual({ signal: 2, background: 2 });
    expect(json['binning'].lnInvDeltaBins).toBe(10);
    expect(json['maps'].signal.meanSaliency.length).toBe(10);
    expect(json['maps'].signal.counts.flat().reduce((a: number, b: number) => a + b, 0)).toBe(json['maps'].signal.entries);
    expect(json['onnxMaxAbsDiff']).toBeLessThanOrEqual(1e-5);
    await expect(runSaliencyCommand({ model: join(FIXTURES, 'recnn-gated'), data, split: 'dev', out: prefix, quiet: true })).rejects.toThrow(/--split must be/);
    const noConst = join(out, 'nc.npz');
    await writeRecnnTrainingData(noConst, gen, gen.map((_, i) => (i < 10 ? 1 : 0)), { constituents: false });
    await expect(runSaliencyCommand({ model: join(FIXTURES, 'recnn-gated'), data: noConst, out: prefix, quiet: true })).rejects.toThrow(/holds no constituents.*without --no-constituents/);
  });
});
