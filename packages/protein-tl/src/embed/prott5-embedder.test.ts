import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkGolden, loadModel, readNpz, type ProgressEvent } from '@lab/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centerCrop } from '../tokenize/center-crop';
import { ProtT5Tokenizer } from '../tokenize/prott5-tokenizer';
import { ProtT5Embedder, isProtT5Dir, loadProtT5Embedder } from './prott5-embedder';
import { resolveEmbedder } from './resolve-embedder';
import { SequenceEmbeddingError } from './sequence-embedding-error';
import { maxAbsDiff, protein } from './embed-test-helpers';

// A TINY ProtT5 encoder (T5 v1: 2 layers, d_model 32, 4 heads of 8, d_ff 64, ReLU; ProtT5-XL-U50's 128-token
// vocabulary and 32 buckets / max distance 128) with SYNTHETIC random weights, written by
//   /usr/bin/python3 training/protein/export_prot_t5.py --random --config default-tiny --seed 0 \
//     --tokenizer packages/protein-tl/src/tokenize/__fixtures__/prott5-synthetic-tokenizer.json \
//     --name prott5-tiny-random --out packages/protein-tl/src/embed/__fixtures__/prott5-tiny-random
// and the same weights split into two graphs (`--stages 2 --name prott5-tiny-random-staged`, out ...-staged), the
// layout export_prot_t5.py uses for models over ONNX's 2 GiB (ProtT5-XL-U50). Golden outputs are PyTorch eager's
// (training/protein/prot_t5.py); the tokenizer.json is the SYNTHETIC one of src/tokenize/__fixtures__.
const FIXTURE = resolve(__dirname, '__fixtures__/prott5-tiny-random');
const STAGED = resolve(__dirname, '__fixtures__/prott5-tiny-random-staged');
const ESM_FIXTURE = resolve(__dirname, '__fixtures__/esm2-tiny-random');
const H = 32;
const ATOL = 1e-4;
const ORDER = 'LAGVSERTIDPKQNFYMHWCX'; // residue of id 3 + i in the synthetic tokenizer


async function rejection(p: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(Error);
  return e as Record<string, unknown> & Error;
}

let embedder: ProtT5Embedder;
let tmp: string;
beforeAll(async () => {
  embedder = await loadProtT5Embedder(FIXTURE, { intraOpThreads: 1 });
  tmp = await mkdtemp(join(tmpdir(), 'prott5-embedder-'));
});
afterAll(async () => {
  await embedder?.dispose();
  await rm(tmp, { recursive: true, force: true });
});

describe('the tiny ProtT5 fixtures (SYNTHETIC random weights)', () => {
  it.each([
    ['single graph', FIXTURE, ['model.json']],
    ['two stages', STAGED, ['stage-0/model.json', 'stage-1/model.json']],
  ])('%s: labelled SYNTHETIC, small, reproduce the PyTorch golden outputs through onnxruntime-node', async (_, dir, manifests) => {
    const info = JSON.parse(await readFile(join(dir, 'prot_t5.json'), 'utf8')) as { graphs: Array<{ manifest: string }>; synthetic: boolean };
    expect(info.graphs.map((g) => g.manifest)).toEqual(manifests);
    expect(info.synthetic).toBe(true);
    for (const rel of manifests) {
      const manifestPath = join(dir, rel);
      const model = await loadModel(manifestPath, { intraOpThreads: 1 });
      try {
        const m = model.manifest!;
        expect(m.provenance?.trainingData).toMatch(/^SYNTHETIC: random weights/);
        expect(m.description).toMatch(/^SYNTHETIC/);
        expect(m.opset).toBe(17);
        expect(m.golden?.atol).toBe(ATOL);
        expect((await readFile(join(dir, rel, '..', m.file))).byteLength).toBeLessThan(200_000);
        const report = await checkGolden(model, m, manifestPath);
        console.log(`tiny ProtT5 golden (${rel}): ${report.outputs.map((o) => `${o.name} max |diff| ${o.maxAbsDiff.toExponential(2)}`).join(', ')}`);
        expect(report.ok).toBe(true);
        for (const o of report.outputs) expect(o.maxAbsDiff).toBeLessThanOrEqual(ATOL);
      } finally {
        await model.dispose();
      }
    }
  });

  it('loads as a ProteinEmbedder: dim, name, id, SYNTHETIC flag, tokeniser', () => {
    expect(embedder.dim).toBe(H);
    expect(embedder.name).toBe('prott5-tiny-random');
    expect(embedder.synthetic).toBe(true);
    expect(embedder.info.config).toMatchObject({ d_model: 32, num_layers: 2, num_heads: 4, d_kv: 8, d_ff: 64, vocab_size: 128 });
    expect(embedder.tokenizer.eosId).toBe(1);
    expect(embedder.id).toBe(
      `prott5:${embedder.manifests[0]!.sha256}:mean;eos=0;maxLength=none;long=crop;rare=x;unknown=unk;tokenizer=${embedder.tokenizer.sha256.slice(0, 12)}`,
    );
    expect(embedder.options).toMatchObject({ includeEos: false, batchSize: 8, rare: 'x', unknown: 'unk' });
  });
});

describe('ProtT5Embedder.embedPooled', () => {
  it('mean-pools the golden rows as PyTorch: residues only by default, </s> too with includeEos', async () => {
    const inputs = await readNpz(join(FIXTURE, 'golden-inputs.npz'));
    const outputs = await readNpz(join(FIXTURE, 'golden-outputs.npz'));
    const ids = inputs.input_ids!;
    const mask = inputs.attention_mask!.data as BigInt64Array;
    const [B, T] = ids.shape as [number, number];
    const hidden = outputs.last_hidden_state!.data as Float32Array;
    const seqs: string[] = [];
    const lengths: number[] = [];
    for (let b = 0; b < B; b++) {
      const row = Array.from((ids.data as BigInt64Array).subarray(b * T, (b + 1) * T), Number);
      const n = Array.from(mask.subarray(b * T, (b + 1) * T), Number).reduce((x, y) => x + y, 0);
      expect(row[n - 1]).toBe(1); // </s>, then <pad> (0)
      expect(row.slice(n).every((v) => v === 0)).toBe(true);
      seqs.push(row.slice(0, n - 1).map((id) => ORDER[id - 3]!).join(''));
      lengths.push(n - 1);
    }
    expect(lengths).toEqual([140, 12, 25, 18]); // the first reaches past max_distance 128: the clamped buckets
    // the tokeniser gives the ids the export used
    const batch = embedder.tokenizer.encodeBatch(seqs);
    expect(Array.from(batch.inputIds)).toEqual(Array.from(ids.data as BigInt64Array));
    const pooled = await embedder.embedPooled(seqs);
    const withEos = await loadProtT5Embedder(FIXTURE, { includeEos: true, batchSize: 2, intraOpThreads: 1 });
    try {
      const pooledEos = await withEos.embedPooled(seqs);
      let worst = 0;
      lengths.forEach((L, b) => {
        const mean = new Float64Array(H);
        const meanEos = new Float64Array(H);
        for (let t = 0; t <= L; t++) {
          for (let h = 0; h < H; h++) {
            const v = hidden[(b * T + t) * H + h]!;
            meanEos[h]! += v / (L + 1);
            if (t < L) mean[h]! += v / L;
          }
        }
        worst = Math.max(worst, maxAbsDiff(pooled.subarray(b * H, (b + 1) * H), mean), maxAbsDiff(pooledEos.subarray(b * H, (b + 1) * H), meanEos));
        expect(maxAbsDiff(pooled.subarray(b * H, (b + 1) * H), meanEos)).toBeGreaterThan(1e-3); // </s> does change the mean
      });
      console.log(`tiny ProtT5 pooled vs PyTorch golden rows: max |diff| ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(ATOL);
      expect(withEos.id).toContain(';eos=1;');
    } finally {
      await withEos.dispose();
    }
  });

  it('excludes padding: a sequence embeds the same alone and in a padded batch, in any order and batch size', async () => {
    const short = protein(9, 1);
    const others = [protein(60, 2), protein(33, 3), protein(17, 4), protein(80, 5)];
    const alone = await embedder.embedPooled([short]);
    const big = await loadProtT5Embedder(FIXTURE, { batchSize: 5, intraOpThreads: 1 });
    const one = await loadProtT5Embedder(FIXTURE, { batchSize: 1, intraOpThreads: 1 });
    try {
      const batched = await big.embedPooled([...others, short]);
      const d = maxAbsDiff(alone, batched.subarray(4 * H, 5 * H));
      console.log(`padding invariance (tiny ProtT5): pooled max |diff| ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-5);
      expect(big.id).toBe(embedder.id); // batching is not part of the id
      const again = await one.embedPooled([short, ...others]);
      expect(maxAbsDiff(again.subarray(0, H), alone)).toBeLessThan(1e-5);
      expect(maxAbsDiff(again.subarray(H), batched.subarray(0, 4 * H))).toBeLessThan(1e-5);
    } finally {
      await big.dispose();
      await one.dispose();
    }
  });

  it('gives the same vectors through the two-stage graphs as through the single graph', async () => {
    const staged = await loadProtT5Embedder(STAGED, { intraOpThreads: 1 });
    try {
      expect(staged.models.length).toBe(2);
      expect(staged.name).toBe('prott5-tiny-random-staged');
      expect(staged.id).not.toBe(embedder.id);
      expect(staged.id).toMatch(/^prott5:[0-9a-f]{64}:mean;eos=0;/);
      const seqs = [protein(40, 21), 'MKTAYIAKQR', protein(3, 22)];
      const d = maxAbsDiff(await staged.embedPooled(seqs), await embedder.embedPooled(seqs));
      console.log(`tiny ProtT5 two stages vs one graph: max |diff| ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-5);
    } finally {
      await staged.dispose();
      await staged.dispose(); // safe twice
    }
  });

  it('crops to the central maxLength residues, or refuses with long: error', async () => {
    const seq = protein(51, 11);
    const cropped = await loadProtT5Embedder(FIXTURE, { maxLength: 20, intraOpThreads: 1 });
    const strict = await loadProtT5Embedder(FIXTURE, { maxLength: 20, long: 'error', intraOpThreads: 1 });
    try {
      const got = await cropped.embedPooled([seq, 'MKT']);
      const direct = await embedder.embedPooled([centerCrop(seq, 20).sequence, 'MKT']);
      expect(maxAbsDiff(got, direct)).toBeLessThan(1e-5);
      expect(cropped.id).toContain(';maxLength=20;long=crop;');
      const e = await rejection(strict.embedPooled(['MKT', { name: 'long one', sequence: seq }]));
      expect(e).toBeInstanceOf(SequenceEmbeddingError);
      expect(e).toMatchObject({ problem: 'too-long', index: 1, sequenceName: 'long one' });
      expect(e.message).toMatch(/51 residues, more than maxLength = 20/);
    } finally {
      await cropped.dispose();
      await strict.dispose();
    }
  });

  it('upper-cases, maps rare residues to X, takes records, reports progress', async () => {
    const events: ProgressEvent[] = [];
    const a = await embedder.embedPooled([{ name: 'P1', sequence: 'mktuayb' }, 'MKTXAYX'], { onProgress: (e) => events.push(e) });
    expect(maxAbsDiff(a.subarray(0, H), a.subarray(H))).toBe(0);
    expect(events[0]).toMatchObject({ completed: 0, total: 2 });
    expect(events[events.length - 1]).toMatchObject({ completed: 2, total: 2, label: 'embedding' });
    expect(await embedder.embedPooled([])).toEqual(new Float32Array(0));
  });

  it('throws SequenceEmbeddingError naming the sequence and the fix', async () => {
    const err = async (p: Promise<unknown>) => {
      const e = await rejection(p);
      expect(e).toBeInstanceOf(SequenceEmbeddingError);
      return e as unknown as SequenceEmbeddingError;
    };
    expect(await err(embedder.embedPooled(['MKT', '']))).toMatchObject({ problem: 'empty', index: 1 });
    const gap = await err(embedder.embedPooled([{ name: 'gapped', sequence: 'MK-T' }]));
    expect(gap).toMatchObject({ problem: 'invalid-sequence', sequenceName: 'gapped' });
    expect(gap.message).toMatch(/Position 3 holds "-"/);
    expect(await err(embedder.embedPooled([42 as unknown as string]))).toMatchObject({ problem: 'not-a-string' });
    const strict = await loadProtT5Embedder(FIXTURE, { rare: 'keep', unknown: 'error', intraOpThreads: 1 });
    try {
      const e = await err(strict.embedPooled(['MKU']));
      expect(e.message).toMatch(/has no piece for a residue/);
      expect(strict.id).toContain(';rare=keep;unknown=error;');
    } finally {
      await strict.dispose();
    }
  });
});

describe('loadProtT5Embedder and resolveEmbedder', () => {
  it('resolveEmbedder picks ProtT5 for a directory with prot_t5.json, ESM-2 otherwise', async () => {
    expect(isProtT5Dir(FIXTURE)).toBe(true);
    expect(isProtT5Dir(ESM_FIXTURE)).toBe(false);
    const t5 = await resolveEmbedder(FIXTURE, { intraOpThreads: 1, includeSpecial: true, maxLength: 30, batchSize: 4 });
    const esm = await resolveEmbedder(ESM_FIXTURE, { intraOpThreads: 1 });
    try {
      expect(t5).toBeInstanceOf(ProtT5Embedder);
      expect(t5.id).toMatch(/^prott5:[0-9a-f]{64}:mean;eos=1;maxLength=30;long=crop;/);
      expect((t5 as ProtT5Embedder).options).toMatchObject({ includeEos: true, maxLength: 30, batchSize: 4 });
      expect(t5.dim).toBe(H);
      expect(esm.id).toMatch(/^esm:/);
      const x = await t5.embedPooled(['MKTAYIAKQR']);
      expect(x.length).toBe(H);
      expect(x.every(Number.isFinite)).toBe(true);
    } finally {
      await t5.dispose();
      await esm.dispose();
    }
    const windows = await rejection(resolveEmbedder(FIXTURE, { long: 'windows' }));
    expect(windows).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'long' });
    expect(windows.message).toMatch(/ProtT5 has no window mode/);
    expect(await rejection(resolveEmbedder(FIXTURE, { windowStride: 5 }))).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'windowStride' });
    expect(await rejection(resolveEmbedder(FIXTURE, { mode: 'huggingface' }))).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'mode' });
  });

  it('refuses bad options by name before loading anything', async () => {
    const bad = async (options: Record<string, unknown>, argument: string) => {
      const e = await rejection(loadProtT5Embedder(FIXTURE, options as never));
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', argument });
      return e;
    };
    await bad({ batchSize: 0 }, 'batchSize');
    await bad({ maxLength: 2.5 }, 'maxLength');
    await bad({ maxTokens: -1 }, 'maxTokens');
    expect((await bad({ long: 'windows' }, 'long')).message).toMatch(/Supported: crop, error/);
    await bad({ rare: 'drop' }, 'rare');
    await bad({ unknown: 'skip' }, 'unknown');
    await bad({ includeEos: 'yes' }, 'includeEos');
    expect((await bad({ windowStride: 3 }, 'windowStride')).message).toMatch(/no option "windowStride"/);
    await bad({ tokenizer: {} }, 'tokenizer');
    expect(await rejection(loadProtT5Embedder(join(FIXTURE, 'model.onnx')))).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'dir' });
  });

  it('names the missing file: directory, prot_t5.json, tokenizer.json', async () => {
    const missing = await rejection(loadProtT5Embedder(join(tmp, 'nope')));
    expect(missing).toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect(missing.message).toMatch(/prot_t5\.json/);
    const dir = join(tmp, 'no-tokenizer');
    await cp(FIXTURE, dir, { recursive: true });
    await rm(join(dir, 'tokenizer.json'));
    const noTok = await rejection(loadProtT5Embedder(dir));
    expect(noTok).toMatchObject({ code: 'MODEL_NOT_FOUND', path: join(dir, 'tokenizer.json') });
    expect(noTok.message).toMatch(/copy the checkpoint's tokenizer\.json/);
    // the tokenizer can also be given directly
    const given = await loadProtT5Embedder(join(dir, 'prot_t5.json'), { tokenizer: embedder.tokenizer, intraOpThreads: 1 });
    try {
      expect(given.id).toBe(embedder.id);
    } finally {
      await given.dispose();
    }
  });

  it('reports a malformed prot_t5.json or a tokenizer that does not fit as DataFormatError naming the field', async () => {
    const dir = join(tmp, 'broken');
    await cp(FIXTURE, dir, { recursive: true });
    const info = JSON.parse(await readFile(join(FIXTURE, 'prot_t5.json'), 'utf8')) as Record<string, unknown>;
    const write = (v: unknown) => writeFile(join(dir, 'prot_t5.json'), typeof v === 'string' ? v : JSON.stringify(v));
    const expectFormat = async (location: string | undefined, pattern: RegExp) => {
      const e = await rejection(loadProtT5Embedder(dir));
      expect(e).toMatchObject({ code: 'DATA_FORMAT', ...(location !== undefined ? { location } : {}) });
      expect(e.message).toMatch(pattern);
    };
    await write('{oops');
    await expectFormat(undefined, /not valid JSON.*export_prot_t5\.py/);
    await write({ ...info, architecture: 'esm2' });
    await expectFormat('architecture', /prot_t5_encoder/);
    await write({ ...info, config: { ...(info.config as object), d_model: 0 } });
    await expectFormat('config.d_model', /positive integer/);
    await write({ ...info, graphs: [] });
    await expectFormat('graphs', /non-empty/);
    await write({ ...info, graphs: [{ manifest: 'model.json', blocks: [0, 1], input: 'input_ids', output: 'last_hidden_state' }] });
    await expectFormat('graphs', /cover blocks 0\.\.0, but config\.num_layers is 2/);
    await write({ ...info, graphs: [{ manifest: 'model.json', blocks: [0, 2], input: 'hidden_states', output: 'last_hidden_state' }] });
    await expectFormat('graphs[0].input', /"input_ids"/);
    await write({ ...info, eosId: 2 });
    await expectFormat(undefined, /tokenizer\.json.*has <\/s> = 1, but the model's <\/s> is 2/);
    await write({ ...info, config: { ...(info.config as object), vocab_size: 20 } });
    await expectFormat(undefined, /ids up to 24, more than the model's vocab_size 20/);
    // a graph whose output width is not d_model
    await write({ ...info, config: { ...(info.config as object), d_model: 16 } });
    expect(await rejection(loadProtT5Embedder(dir))).toMatchObject({ code: 'INVALID_MANIFEST' });
    // a tampered graph: tensor-core's sha256 check
    await write(info);
    const bytes = await readFile(join(dir, 'model.onnx'));
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    await writeFile(join(dir, 'model.onnx'), bytes);
    expect(await rejection(loadProtT5Embedder(dir))).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
  });

  it('refuses a tokenizer.json with another <pad> id', async () => {
    const json = JSON.parse(await readFile(join(FIXTURE, 'tokenizer.json'), 'utf8')) as { added_tokens: Array<{ id: number; content: string }> };
    json.added_tokens = json.added_tokens.map((t) => (t.content === '<pad>' ? { ...t, id: 3 } : t));
    const tok = new ProtT5Tokenizer(json, {}, 'swapped.json');
    const e = await rejection(loadProtT5Embedder(FIXTURE, { tokenizer: tok }));
    expect(e).toMatchObject({ code: 'DATA_FORMAT', file: '<options.tokenizer>' });
    expect(e.message).toMatch(/<pad> = 3, but the model pads with 0/);
  });
});
