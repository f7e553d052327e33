import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChecksumMismatchError, DataFormatError, readNpz } from '@lab/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateJets } from '../generator/generate-jets';
import { ParticleEvent } from '../particles/particle-event';
import { nodeFeatures } from '../recnn/node-features';
import { loadRecnn, type RecnnModel } from '../recnn/recnn-model';
import { recnnBackward } from './recnn-backward';
import { recnnForward } from './recnn-forward';
import { readRecnnWeights, type RecnnWeights } from './recnn-weights';

const FIXTURES = fileURLToPath(new URL('../recnn/__fixtures__/', import.meta.url));
const dirs = ['recnn-simple', 'recnn-gated'].map((d) => join(FIXTURES, d));

const jets = [...generateJets('w', 3, { seed: 31 }), ...generateJets('quark', 3, { seed: 32 })].map((j) => j.constituents);
const labels: number[] = [1, 1, 1, 0, 0, 0];

describe.each(dirs)('RecNN gradients %s', (dir) => {
  let model: RecnnModel;
  let weights: RecnnWeights;
  beforeAll(async () => {
    model = await loadRecnn(dir);
    weights = await readRecnnWeights(dir);
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('reads weights.npz with the shapes of recnn.json', () => {
    const H = model.embeddingSize;
    expect(weights.variant).toBe(model.config.variant);
    expect(weights.embeddingSize).toBe(H);
    expect(weights.embed.weight.length).toBe(H * 7);
    expect(weights.cell.fcH.weight.length).toBe(H * 3 * H);
    expect(weights.head.out.weight.length).toBe(H);
    if (weights.variant === 'gated') {
      expect(weights.cell.fcR!.weight.length).toBe(9 * H * H);
      expect(weights.cell.fcZ!.weight.length).toBe(16 * H * H);
    } else expect(weights.cell.fcR).toBeUndefined();
  });

  it('the TypeScript forward pass equals the ONNX graphs: node embeddings, logits and probabilities within 1e-5', async () => {
    const r = await model.embedJets(jets, { nodeEmbeddings: true });
    let maxEmb = 0;
    let maxP = 0;
    let maxLogit = 0;
    r.trees.forEach((tree, j) => {
      const x = Float64Array.from(model.scaler.transformToFloat32(nodeFeatures(tree)));
      const t = recnnForward(weights, tree, x);
      const onnx = r.nodeEmbeddings![j]!;
      for (let i = 0; i < onnx.length; i++) maxEmb = Math.max(maxEmb, Math.abs(t.h[i]! - onnx[i]!) / (1 + Math.abs(onnx[i]!)));
      maxP = Math.max(maxP, Math.abs(t.probability - r.probabilities[j]!));
      maxLogit = Math.max(maxLogit, Math.abs(t.logit - r.logits[j]!));
    });
    console.log(`${dir}: TS vs ONNX max rel |Δh| ${maxEmb.toExponential(2)}, |Δlogit| ${maxLogit.toExponential(2)}, |ΔP| ${maxP.toExponential(2)}`);
    expect(maxEmb).toBeLessThanOrEqual(1e-5);
    expect(maxLogit).toBeLessThanOrEqual(1e-5);
    expect(maxP).toBeLessThanOrEqual(1e-5);
  });

  it('dL/dh_i equals central finite differences of the forward pass through the ancestors', () => {
    const H = weights.embeddingSize;
    const eps = 1e-5;
    let worst = 0;
    let worstAbs = 0;
    let checked = 0;
    for (let j = 0; j < jets.length; j++) {
      const tree = model.tree(jets[j]!);
      const x = Float64Array.from(model.scaler.transformToFloat32(nodeFeatures(tree)));
      const trace = recnnForward(weights, tree, x);
      const y = labels[j]!;
      const grads = recnnBackward(weights, trace, y);
      const lossOf = (logit: number) => Math.max(logit, 0) - y * logit + Math.log1p(Math.exp(-Math.abs(logit)));
      expect(grads.loss).toBeCloseTo(lossOf(trace.logit), 12);
      // the root, its children, some deeper internal nodes and some leaves
      const nodes = new Set<number>([tree.root, tree.left[tree.root]!, tree.right[tree.root]!]);
      for (let k = 0; k < tree.size && nodes.size < 10; k += Math.max(1, Math.floor(tree.size / 7))) nodes.add(k);
      for (const k of nodes) {
        if (k < 0) continue;
        const base = trace.h.slice(k * H, k * H + H);
        const g = grads.embeddings.subarray(k * H, k * H + H);
        const fd = new Float64Array(H);
        for (let d = 0; d < H; d++) {
          const plus = base.slice();
          plus[d]! += eps;
          const minus = base.slice();
          minus[d]! -= eps;
          const lp = lossOf(recnnForward(weights, tree, x, { replace: { node: k, embedding: plus } }).logit);
          const lm = lossOf(recnnForward(weights, tree, x, { replace: { node: k, embedding: minus } }).logit);
          fd[d] = (lp - lm) / (2 * eps);
        }
        let err = 0;
        let scale = 0;
        for (let d = 0; d < H; d++) {
          err = Math.max(err, Math.abs(fd[d]! - g[d]!));
          scale = Math.max(scale, Math.abs(g[d]!));
        }
        // relative to the node's largest component, floored at 1 % of dL/dh_J's (nodes far down can have tiny gradients,
        // below the finite differences' rounding noise)
        const rootScale = Math.max(...Array.from(grads.embeddings.subarray(tree.root * H, tree.root * H + H), Math.abs));
        const rel = err / Math.max(scale, 1e-2 * rootScale, 1e-12);
        worst = Math.max(worst, rel);
        worstAbs = Math.max(worstAbs, err);
        checked++;
      }
    }
    console.log(`${dir}: finite differences, ${checked} nodes: max relative error ${worst.toExponential(2)}, max absolute error ${worstAbs.toExponential(2)}`);
    expect(checked).toBeGreaterThan(20);
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('reproduces PyTorch autograd (training/jets/saliency_golden.py, float64) on the golden jets', async () => {
    const golden = await readNpz(join(dir, 'golden-saliency.npz'));
    const g = await readNpz(join(dir, 'golden-jets.npz'));
    const H = weights.embeddingSize;
    const nodeX = g['node_x']!.data as Float32Array;
    const cOffset = Array.from(g['jet_constituent_offset']!.data as Int32Array);
    const constituents = g['constituents']!.data as Float64Array;
    const offset = Array.from(golden['node_offset']!.data as Int32Array);
    const gradGolden = golden['node_grad']!.data as Float64Array;
    const salGolden = golden['saliency']!.data as Float64Array;
    const logitGolden = golden['logit']!.data as Float64Array;
    const lossGolden = golden['loss']!.data as Float64Array;
    const label = g['label']!.data as Int32Array;
    let maxGrad = 0;
    let maxGradScale = 0;
    let maxSal = 0;
    let maxLogit = 0;
    for (let j = 0; j < label.length; j++) {
      // the tree rebuilt from the constituents has the golden file's node order (checkGolden compares node embeddings)
      const tree = model.tree(new ParticleEvent(constituents.slice(4 * cOffset[j]!, 4 * cOffset[j + 1]!)));
      expect(tree.size).toBe(offset[j + 1]! - offset[j]!);
      const x = Float64Array.from(nodeX.subarray(7 * offset[j]!, 7 * offset[j + 1]!));
      const trace = recnnForward(weights, tree, x);
      const grads = recnnBackward(weights, trace, label[j]!);
      maxLogit = Math.max(maxLogit, Math.abs(trace.logit - logitGolden[j]!));
      expect(grads.loss).toBeCloseTo(lossGolden[j]!, 10);
      const base = offset[j]! * H;
      for (let i = 0; i < tree.size * H; i++) {
        maxGrad = Math.max(maxGrad, Math.abs(grads.embeddings[i]! - gradGolden[base + i]!));
        maxGradScale = Math.max(maxGradScale, Math.abs(gradGolden[base + i]!));
      }
      const rootNorm = Math.hypot(...grads.embeddings.subarray(tree.root * H, tree.root * H + H));
      for (let k = 0; k < tree.size; k++) {
        const s = Math.hypot(...grads.embeddings.subarray(k * H, k * H + H)) / rootNorm;
        maxSal = Math.max(maxSal, Math.abs(s - salGolden[offset[j]! + k]!));
      }
    }
    console.log(`${dir}: vs PyTorch autograd: max |Δ dL/dh| ${maxGrad.toExponential(2)} (largest |dL/dh| ${maxGradScale.toExponential(2)}), max |Δ saliency| ${maxSal.toExponential(2)}, max |Δ logit| ${maxLogit.toExponential(2)}`);
    expect(maxLogit).toBeLessThanOrEqual(1e-10);
    expect(maxGrad).toBeLessThanOrEqual(1e-10);
    expect(maxSal).toBeLessThanOrEqual(1e-9);
  });
});

describe('readRecnnWeights errors', () => {
  const src = join(FIXTURES, 'recnn-simple');
  const copy = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'recnn-weights-'));
    cpSync(src, d, { recursive: true });
    return d;
  };
  const editConfig = (d: string, f: (v: Record<string, unknown>) => void) => {
    const file = join(d, 'recnn.json');
    const v = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    f(v);
    writeFileSync(file, JSON.stringify(v));
  };

  it('tells the user to re-export when weights.npz or its entry is missing', async () => {
    const a = copy();
    editConfig(a, (v) => delete v['weights']);
    await expect(readRecnnWeights(a)).rejects.toThrow(DataFormatError);
    await expect(readRecnnWeights(a)).rejects.toThrow(/no "weights" entry.*training\/jets\/train_recnn\.py/);
    const b = copy();
    editConfig(b, (v) => (v['weights'] = { file: 'nope.npz', sha256: '00' }));
    await expect(readRecnnWeights(b)).rejects.toThrow(/nope\.npz: is missing.*re-export the model with training\/jets\/train_recnn\.py/);
  });

  it('checks the sha256 and the shapes', async () => {
    const a = copy();
    editConfig(a, (v) => (v['weights'] = { file: 'weights.npz', sha256: 'f'.repeat(64) }));
    await expect(readRecnnWeights(a)).rejects.toThrow(ChecksumMismatchError);
    const w = await readRecnnWeights(a, { verifyChecksum: false });
    expect(w.embeddingSize).toBe(16);
    const b = copy();
    editConfig(b, (v) => (v['variant'] = 'gated'));
    await expect(readRecnnWeights(b)).rejects.toThrow(/"cell\.fc_r\.weight" is missing/);
    const c = copy();
    editConfig(c, (v) => (v['embeddingSize'] = 8));
    await expect(readRecnnWeights(c)).rejects.toThrow(/"embed\.fc\.weight" has shape \[16, 7\], expected \[8, 7\]/);
  });
});
