import { checkGolden, loadModel, Tensor } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EMBEDDER_NAME, defaultEmbedderDir, resolveEmbedder } from './resolve-embedder';
import { EsmTokenizer } from '../tokenize/esm-tokenizer';
import { join } from 'node:path';

// The shipped default embedder (models/plm-small): our own small protein language model, pretrained by masked language
// modelling (training/protein/pretrain_mlm.py) on Debian's Swiss-Prot 2014 and UniProt example sequences, with every
// protein that shares a 20-mer with a labelled Pfam sequence left out.
const DIR = defaultEmbedderDir();
const MANIFEST = join(DIR, 'model.json');

// Well-known proteins (public sequences): human ubiquitin and hen egg-white lysozyme.
const PROTEINS = [
  'MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG',
  'KVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRTPGSRNLCNIPCSALLSSDITASVNCAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL',
];

describe(`the shipped default embedder (${DEFAULT_EMBEDDER_NAME})`, () => {
  it('is our pretrained model (not SYNTHETIC), records its corpus and leakage filter, and reproduces its PyTorch golden outputs', async () => {
    const model = await loadModel(MANIFEST, { intraOpThreads: 1 });
    try {
      const m = model.manifest!;
      expect(m.provenance?.trainingData).not.toMatch(/^SYNTHETIC/);
      expect(m.provenance?.trainingData).toMatch(/20-mer/);
      expect(m.provenance?.trainingData).toMatch(/no labelled Pfam sequence/);
      expect(Number(m.metrics?.['validMaskedAccuracy'])).toBeGreaterThan(0.15);
      const report = await checkGolden(model, m, MANIFEST);
      expect(report.ok, JSON.stringify(report.outputs)).toBe(true);
    } finally {
      await model.dispose();
    }
  });

  it('uses context: a masked residue is likelier given the rest of the protein than with the whole protein masked', async () => {
    const model = await loadModel(MANIFEST, { intraOpThreads: 1 });
    const tok = new EsmTokenizer();
    // mean negative log-likelihood of the true residues at `positions`, each masked in its own row; `blind` masks every
    // residue of the row (the model's context-free guess)
    const nll = async (protein: string, positions: number[], blind: boolean): Promise<number> => {
      const L = protein.length + 2;
      const ids = new BigInt64Array(positions.length * L);
      const base = tok.encode(protein);
      positions.forEach((p, r) => {
        for (let t = 0; t < L; t++) ids[r * L + t] = BigInt(blind && t > 0 && t < L - 1 ? tok.maskId : base[t]!);
        ids[r * L + p + 1] = BigInt(tok.maskId);
      });
      const mask = new BigInt64Array(positions.length * L).fill(1n);
      const out = await model.run({ input_ids: new Tensor('int64', ids, [positions.length, L]), attention_mask: new Tensor('int64', mask, [positions.length, L]) });
      const logits = out['logits']!.data as Float32Array;
      const V = out['logits']!.dims[2]!;
      let sum = 0;
      positions.forEach((p, r) => {
        const row = logits.subarray((r * L + p + 1) * V, (r * L + p + 2) * V);
        let max = -Infinity;
        for (const v of row) max = Math.max(max, v);
        let z = 0;
        for (const v of row) z += Math.exp(v - max);
        sum += -(row[base[p + 1]!]! - max - Math.log(z));
      });
      return sum;
    };
    try {
      let context = 0;
      let blind = 0;
      let total = 0;
      for (const protein of PROTEINS) {
        const positions = [...protein].map((_, i) => i).filter((i) => i % 3 === 1);
        context += await nll(protein, positions, false);
        blind += await nll(protein, positions, true);
        total += positions.length;
      }
      console.log(`default embedder: masked-residue NLL ${(context / total).toFixed(3)} nats with context, ${(blind / total).toFixed(3)} with the whole protein masked (${total} positions)`);
      expect(context / total).toBeLessThan(blind / total);
    } finally {
      await model.dispose();
    }
  });

  it('resolveEmbedder("default") gives one mean-pooled vector per protein', async () => {
    const embedder = await resolveEmbedder('default', { intraOpThreads: 1 });
    try {
      const x = await embedder.embedPooled(PROTEINS);
      expect(x.length).toBe(2 * embedder.dim);
      expect(embedder.id).toMatch(/^esm:/);
      expect(x.every(Number.isFinite)).toBe(true);
    } finally {
      await embedder.dispose();
    }
  });
});
