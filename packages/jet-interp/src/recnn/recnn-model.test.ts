import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChecksumMismatchError, DataFormatError, InvalidArgumentError, ModelNotFoundError, Rng, Tensor, checkGolden, rocAuc, type ModelManifest, type ModelSession } from '@lab/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateJets } from '../generator/generate-jets';
import { FourMomentum } from '../particles/four-momentum';
import { ParticleEvent } from '../particles/particle-event';
import { buildJetTree, type JetTree } from './jet-tree';
import { nodeFeatures } from './node-features';
import { loadRecnn, type RecnnModel } from './recnn-model';
import { SHIPPED_RECNN_TASKS, shippedRecnnDir } from './shipped-models';
import type { TrainDataKind } from '../cli/train-data-command';

const FIXTURES = fileURLToPath(new URL('./__fixtures__/', import.meta.url));
// The committed fixtures (H = 16, trained for 2 epochs on 120 generated jets); RECNN_MODEL_DIR adds another export of
// training/jets/train_recnn.py (e.g. a full-size model) to the same tests.
const dirs = ['recnn-simple', 'recnn-gated'].map((d) => join(FIXTURES, d));
if (process.env['RECNN_MODEL_DIR']) dirs.push(process.env['RECNN_MODEL_DIR']);

const jets = [...generateJets('w', 6, { seed: 21 }), ...generateJets('gluon', 6, { seed: 22 })].map((j) => j.constituents);

/** Largest |a − b| relative to 1 + |b|. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return m;
}

describe.each(dirs)('RecNN model %s', (dir) => {
  let model: RecnnModel;
  beforeAll(async () => {
    model = await loadRecnn(dir);
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('each graph reproduces its PyTorch golden outputs', async () => {
    const graphs: Array<readonly [ModelSession, string]> = [[model.embedSession, 'embed/model.json'], [model.cellSession, 'model.json'], [model.headSession, 'head/model.json']];
    if (model.cellGatherSession) graphs.push([model.cellGatherSession, model.config.graphs.cellGather!]);
    if (model.treeSession) graphs.push([model.treeSession, model.config.graphs.tree!]);
    for (const [session, rel] of graphs) {
      const manifest = (session as { manifest?: ModelManifest }).manifest!;
      const report = await checkGolden(session, manifest, join(dir, rel));
      expect(report.ok, `${rel}: ${JSON.stringify(report.outputs)}`).toBe(true);
    }
  });

  it('reproduces PyTorch end to end within 1e-4: probabilities, jet embeddings and node embeddings from the constituents', async () => {
    const report = await model.checkGolden();
    console.log(`${dir}: golden ${JSON.stringify(report)}`);
    expect(report.jets).toBeGreaterThan(0);
    expect(report.ok).toBe(true);
    expect(report.atol).toBeLessThanOrEqual(1e-4);
    for (const name of ['probability', 'embedding', 'node_embedding', 'probability (per level)']) expect(report.maxAbsDiff[name], name).toBeLessThanOrEqual(1e-4);
  });

  it('the tree graph (embed, a Loop over the levels and the head in one call) equals one call per level', async () => {
    expect(model.config.graphs.tree, 'the fixture has a tree graph (training/jets/add_tree_graph.py)').toBeDefined();
    expect(model.treeSession).toBeDefined();
    const perLevel = await loadRecnn(dir, { treeGraph: false });
    try {
      expect(perLevel.treeSession).toBeUndefined();
      // single-constituent jets make a batch whose roots are not level 0's first rows in jet order; a batch of them
      // alone has one level (the Loop runs zero times)
      const single = (pt: number) => [FourMomentum.fromPtYPhiM(pt, 0.3, 1.2, 0.14)];
      const mixed = [jets[0]!, single(550), jets[5]!, jets[9]!, single(610), jets[11]!];
      for (const [label, set, options] of [
        ['all jets, one batch', jets, {}],
        ['all jets, batches of ≤ 200 nodes', jets, { maxBatchNodes: 200 }],
        ['one jet per batch', jets.slice(0, 3), { maxBatchNodes: 1 }],
        ['with single-constituent jets', mixed, {}],
        ['only single-constituent jets', [single(500), single(700)], {}],
      ] as const) {
        const a = await model.embedJets(set, options);
        const b = await perLevel.embedJets(set, options);
        expect(maxRelDiff(a.probabilities, b.probabilities), label).toBeLessThanOrEqual(1e-6);
        expect(maxRelDiff(a.logits, b.logits), label).toBeLessThanOrEqual(1e-5);
        expect(maxRelDiff(a.embeddings, b.embeddings), label).toBeLessThanOrEqual(1e-6);
      }
      // node embeddings are per-level output: asking for them takes the per-level path with the same jet outputs
      const withNodes = await model.embedJets(mixed, { nodeEmbeddings: true });
      const tree = await model.embedJets(mixed);
      expect(withNodes.nodeEmbeddings).toHaveLength(mixed.length);
      expect(maxRelDiff(withNodes.embeddings, tree.embeddings)).toBeLessThanOrEqual(1e-6);
    } finally {
      await perLevel.dispose();
    }
  });

  it('the gather cell (children gathered inside onnxruntime, outputs written in place) equals the plain cell with JavaScript copies', async () => {
    expect(model.config.graphs.cellGather, 'the fixture has a gather cell (training/jets/add_gather_cell.py)').toBeDefined();
    expect(model.cellGatherSession).toBeDefined();
    const plain = await loadRecnn(dir, { gatherCell: false });
    try {
      expect(plain.cellGatherSession).toBeUndefined();
      const options = { nodeEmbeddings: true, maxBatchNodes: 200 };
      const a = await model.embedJets(jets, { ...options, gatherMinNodes: 0 });
      const b = await plain.embedJets(jets, options);
      expect(maxRelDiff(a.probabilities, b.probabilities)).toBeLessThanOrEqual(1e-6);
      expect(maxRelDiff(a.embeddings, b.embeddings)).toBeLessThanOrEqual(1e-6);
      a.nodeEmbeddings!.forEach((e, j) => expect(maxRelDiff(e, b.nodeEmbeddings![j]!), `jet ${j}`).toBeLessThanOrEqual(1e-6));
    } finally {
      await plain.dispose();
    }
  });

  it('the level-batched run equals a node-by-node recursion through the three graphs', async () => {
    const tree = model.tree(jets[7]!);
    const H = model.embeddingSize;
    const x = model.scaler.transformToFloat32(nodeFeatures(tree));
    const u = (await model.embedSession.run({ x: new Tensor('float32', x, [tree.size, 7]) }))['u']!.data as Float32Array;
    const h = new Array<Float32Array>(tree.size);
    const visit = async (k: number): Promise<Float32Array> => {
      const own = u.slice(k * H, k * H + H);
      if (tree.left[k]! < 0) return (h[k] = own);
      const hl = await visit(tree.left[k]!);
      const hr = await visit(tree.right[k]!);
      const out = await model.cellSession.run({ h_left: new Tensor('float32', hl, [1, H]), h_right: new Tensor('float32', hr, [1, H]), u: new Tensor('float32', own, [1, H]) });
      return (h[k] = out['h']!.data as Float32Array);
    };
    const root = await visit(tree.root);
    const r = await model.embedTrees([tree], { nodeEmbeddings: true });
    expect(maxRelDiff(r.embeddings, root)).toBeLessThanOrEqual(1e-5);
    const flat = new Float32Array(tree.size * H);
    h.forEach((v, k) => flat.set(v, k * H));
    expect(maxRelDiff(r.nodeEmbeddings![0]!, flat)).toBeLessThanOrEqual(1e-5);
    const head = await model.headSession.run({ h_jet: new Tensor('float32', root, [1, H]) });
    expect(r.probabilities[0]).toBeCloseTo((head['probability']!.data as Float32Array)[0]!, 6);
  });

  it('a jet with one constituent: h_J is that particle\'s node embedding u, with no recursion', async () => {
    const single = [FourMomentum.fromPtYPhiM(550, 0.3, 1.2, 0.14)];
    const r = await model.embedJets([single], { nodeEmbeddings: true });
    const tree = buildJetTree(single, { algorithm: model.config.algorithm });
    const x = model.scaler.transformToFloat32(nodeFeatures(tree));
    const u = (await model.embedSession.run({ x: new Tensor('float32', x, [1, 7]) }))['u']!.data as Float32Array;
    expect(Array.from(r.embeddings)).toEqual(Array.from(u));
    expect(Array.from(r.nodeEmbeddings![0]!)).toEqual(Array.from(u));
    expect(r.trees[0]!.size).toBe(1);
    expect(r.probabilities[0]).toBeGreaterThan(0);
    expect(r.probabilities[0]).toBeLessThan(1);
    expect(r.logits[0]).toBeCloseTo(Math.log(r.probabilities[0]! / (1 - r.probabilities[0]!)), 4);
  });

  it('does not depend on the order of the constituents', async () => {
    const a = await model.embedJets(jets.slice(0, 4));
    const reversed = jets.slice(0, 4).map((jet) => jet.select(Array.from({ length: jet.size }, (_, i) => jet.size - 1 - i)));
    const b = await model.embedJets(reversed);
    expect(Array.from(b.probabilities)).toEqual(Array.from(a.probabilities));
    expect(Array.from(b.embeddings)).toEqual(Array.from(a.embeddings));
  });

  it('many jets in one batch equal one jet at a time', async () => {
    const all = await model.embedJets(jets, { nodeEmbeddings: true });
    const progress: number[] = [];
    const oneByOne = await model.embedJets(jets, { maxBatchNodes: 1, nodeEmbeddings: true, onProgress: (e) => progress.push(e.completed) });
    expect(progress.at(-1)).toBe(jets.length);
    expect(all.jets).toBe(jets.length);
    expect(all.embeddings.length).toBe(jets.length * model.embeddingSize);
    expect(maxRelDiff(oneByOne.probabilities, all.probabilities)).toBeLessThanOrEqual(1e-5);
    expect(maxRelDiff(oneByOne.embeddings, all.embeddings)).toBeLessThanOrEqual(1e-5);
    all.nodeEmbeddings!.forEach((e, j) => {
      expect(e.length).toBe(all.trees[j]!.size * model.embeddingSize);
      expect(maxRelDiff(oneByOne.nodeEmbeddings![j]!, e)).toBeLessThanOrEqual(1e-5);
      // the root's node embedding is the jet embedding
      const H = model.embeddingSize;
      const root = all.trees[j]!.root;
      expect(Array.from(e.subarray(root * H, root * H + H))).toEqual(Array.from(all.embeddings.subarray(j * H, j * H + H)));
    });
    expect(Array.from(await model.classify(jets))).toEqual(Array.from(all.probabilities));
  });

  it('takes precomputed node features (nodeFeatures(tree)) with the same result, and checks them', async () => {
    const trees = jets.map((j) => model.tree(j));
    const features = trees.map((t) => nodeFeatures(t));
    const a = await model.embedTrees(trees);
    const b = await model.embedTrees(trees, { nodeFeatures: features });
    expect(Array.from(b.probabilities)).toEqual(Array.from(a.probabilities));
    expect(Array.from(b.embeddings)).toEqual(Array.from(a.embeddings));
    const c = await model.embedTrees(trees, { nodeFeatures: features, nodeEmbeddings: true });
    expect(Array.from(c.probabilities)).toEqual(Array.from((await model.embedTrees(trees, { nodeEmbeddings: true })).probabilities));
    // features that differ change the result: they are really read
    const shifted = features.map((f) => f.map((v, i) => (i % 7 === 0 ? v * 2 : v)));
    const d = await model.embedTrees(trees, { nodeFeatures: shifted });
    expect(maxRelDiff(d.embeddings, a.embeddings)).toBeGreaterThan(1e-3);
    await expect(model.embedTrees(trees, { nodeFeatures: features.slice(1) })).rejects.toThrow(/one Float64Array per tree/);
    await expect(model.embedTrees(trees.slice(0, 2), { nodeFeatures: [features[0]!, features[0]!] })).rejects.toThrow(/nodeFeatures\[1\] must be a Float64Array of/);
  });

  it('rejects bad inputs with typed errors', async () => {
    await expect(model.embedJets([jets[0]!, new ParticleEvent(new Float64Array(0))])).rejects.toThrow(/jet 1: The jet has no constituents/);
    await expect(model.embedJets([jets[0]!], { maxBatchNodes: 0 })).rejects.toThrow(InvalidArgumentError);
    const other: JetTree = buildJetTree(jets[0]!, { algorithm: model.config.algorithm === 'kt' ? 'ca' : 'kt' });
    await expect(model.embedTrees([other])).rejects.toThrow(/trained on/);
    const empty = await model.embedJets([]);
    expect(empty.jets).toBe(0);
    expect(empty.probabilities.length).toBe(0);
  });
});

describe('loadRecnn errors', () => {
  const src = join(FIXTURES, 'recnn-simple');
  const copy = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'recnn-bad-'));
    cpSync(src, d, { recursive: true });
    return d;
  };
  const edit = (file: string, f: (v: Record<string, unknown>) => void) => {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    f(v);
    writeFileSync(file, JSON.stringify(v));
  };

  it('names what is missing or wrong', async () => {
    await expect(loadRecnn(join(tmpdir(), 'no-such-recnn'))).rejects.toThrow(ModelNotFoundError);
    const a = copy();
    const onnx = join(a, 'embed', 'model.onnx');
    const bytes = readFileSync(onnx);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(onnx, bytes);
    await expect(loadRecnn(a)).rejects.toThrow(ChecksumMismatchError);
    const b = copy();
    edit(join(b, 'recnn.json'), (v) => (v['variant'] = 'lstm'));
    await expect(loadRecnn(b)).rejects.toThrow(/"variant" must be "simple" or "gated"/);
    const c = copy();
    edit(join(c, 'recnn.json'), (v) => (v['features'] = ['pt', 'eta', 'phi']));
    await expect(loadRecnn(c)).rejects.toThrow(DataFormatError);
    const d = copy();
    edit(join(d, 'recnn.json'), (v) => (v['embeddingSize'] = 70));
    await expect(loadRecnn(d)).rejects.toThrow(/columns, but recnn.json says 70/);
    const e = copy();
    edit(join(e, 'scaler.json'), (v) => (v['scale'] = [1, 1, 0, 1, 1, 1, 1]));
    await expect(loadRecnn(e)).rejects.toThrow(/must not contain 0/);
    const f = copy();
    edit(join(f, 'recnn.json'), (v) => (v['graphs'] = { embed: 'head/model.json', cell: 'model.json', head: 'head/model.json' }));
    await expect(loadRecnn(f)).rejects.toThrow(/lacks x, u/);
    const g = copy();
    writeFileSync(join(g, 'recnn.json'), '{ not json');
    await expect(loadRecnn(g)).rejects.toThrow(DataFormatError);
  });
});

// The trained default models shipped in the package (models/recnn-<task>): golden outputs, and their tagging quality on
// freshly generated jets (seeds the training never used) — an untrained or broken model fails the AUC bounds.
describe('shipped RecNN models', () => {
  const bounds: Record<string, { kinds: [TrainDataKind, TrainDataKind]; auc: number }> = {
    'w-qcd': { kinds: ['w', 'qcd'], auc: 0.93 },
    'top-qcd': { kinds: ['top', 'qcd'], auc: 0.93 },
    'quark-gluon': { kinds: ['quark', 'gluon'], auc: 0.83 },
  };
  it.each(SHIPPED_RECNN_TASKS)('%s reproduces its PyTorch golden outputs end to end and tags new generated jets', async (task) => {
    const model = await loadRecnn(shippedRecnnDir(task));
    try {
      const report = await model.checkGolden();
      expect(report.ok, JSON.stringify(report)).toBe(true);
      expect(model.config.metrics['testAuc']).toBeGreaterThan(bounds[task]!.auc);
      const rng = new Rng(2026);
      const [sig, bkg] = bounds[task]!.kinds;
      const gen = (k: TrainDataKind, n: number) =>
        k === 'qcd' ? [...generateJets('quark', n / 2, { rng }), ...generateJets('gluon', n / 2, { rng })] : generateJets(k, n, { rng });
      const jets = [...gen(sig, 200), ...gen(bkg, 200)].map((j) => j.constituents);
      const labels = jets.map((_, i) => (i < 200 ? 1 : 0));
      const auc = rocAuc(labels, await model.classify(jets));
      expect(auc).toBeGreaterThan(bounds[task]!.auc);
    } finally {
      await model.dispose();
    }
  }, 60_000);
  it('names the shipped tasks when asked for another', () => {
    expect(() => shippedRecnnDir('z-qcd')).toThrow(/Shipped: w-qcd, top-qcd, quark-gluon/);
  });
});
