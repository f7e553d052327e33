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
      expect(Number(m.metrics?.['validMaskedAccuracy'])).toBeGreaterThan(0.2);
      const report = await checkGolden(model, m, MANIFEST);
      expect(report.ok, JSON.stringify(report.outputs)).toBe(true);
    } finally {
      await model.dispose();
    }
  });

  it('has learnt residue statistics in context: masked-residue accuracy well above the most frequent residue', async () => {
    const model = await loadModel(MANIFEST, { intraOpThreads: 1 });
    const tok = new EsmTokenizer();
    try {
      let right = 0;
      let unigram = 0;
      let total = 0;
      for (const protein of PROTEINS) {
        // every 5th residue masked, one position per row
        const positions = [...protein].map((_, i) => i).filter((i) => i % 5 === 2);
        const L = protein.length + 2;
        const ids = new BigInt64Array(positions.length * L);
        const mask = new BigInt64Array(positions.length * L).fill(1n);
        const base = tok.encode(protein);
        positions.forEach((p, r) => {
          for (let t = 0; t < L; t++) ids[r * L + t] = BigInt(base[t]!);
          ids[r * L + p + 1] = BigInt(tok.maskId);
        });
        const out = await model.run({ input_ids: new Tensor('int64', ids, [positions.length, L]), attention_mask: new Tensor('int64', mask, [positions.length, L]) });
        const logits = out['logits']!.data as Float32Array;
        const V = out['logits']!.dims[2]!;
        positions.forEach((p, r) => {
          const row = logits.subarray((r * L + p + 1) * V, (r * L + p + 2) * V);
          let best = 0;
          for (let v = 1; v < V; v++) if (row[v]! > row[best]!) best = v;
          if (best === base[p + 1]) right++;
          if (protein[p] === 'L') unigram++; // leucine, the most frequent residue in UniProt
          total++;
        });
      }
      console.log(`default embedder: masked-residue accuracy ${(right / total).toFixed(3)} on ${total} positions (always-L: ${(unigram / total).toFixed(3)})`);
      expect(right / total).toBeGreaterThan(0.15);
      expect(right).toBeGreaterThan(unigram);
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
