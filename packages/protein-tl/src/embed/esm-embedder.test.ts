import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChecksumMismatchError, InvalidArgumentError, checkGolden, loadModel, readNpz, type ProgressEvent } from '@lab/tensor-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centerCrop } from '../tokenize/center-crop';
import { slidingWindows } from '../tokenize/sliding-windows';
import { EsmEmbedder, loadEsmEmbedder } from './esm-embedder';
import { SequenceEmbeddingError } from './sequence-embedding-error';
import { maxAbsDiff, protein } from './embed-test-helpers';

// A TINY ESM-2 (2 layers, hidden 32, 4 heads, the 33-token vocabulary) with SYNTHETIC random weights, written by
//   /usr/bin/python3 training/protein/export_esm2.py --random --config ../shared/data/vocab/esm2_t6_8M_UR50D-config.json \
//     --hidden 32 --layers 2 --heads 4 --intermediate 64 --logits --init-std 0.2 --name esm2-tiny-random \
//     --out packages/protein-tl/src/embed/__fixtures__/esm2-tiny-random
// Its golden outputs are PyTorch eager's (training/protein/esm2.py); the tolerance (atol 1e-4) is in its model.json.
const FIXTURE = resolve(__dirname, '__fixtures__/esm2-tiny-random');
const H = 32;
const ATOL = 1e-4;


let embedder: EsmEmbedder;
beforeAll(async () => {
  embedder = await loadEsmEmbedder(FIXTURE, { intraOpThreads: 1 });
});
afterAll(() => embedder?.dispose());

describe('the tiny ESM-2 fixture (SYNTHETIC random weights)', () => {
  it('is labelled SYNTHETIC, small, and reproduces PyTorch golden outputs through onnxruntime-node', async () => {
    const manifestPath = join(FIXTURE, 'model.json');
    const model = await loadModel(manifestPath, { intraOpThreads: 2 });
    try {
      const m = model.manifest!;
      expect(m.provenance?.trainingData).toMatch(/^SYNTHETIC: random weights/);
      expect(m.description).toMatch(/SYNTHETIC/);
      expect(m.opset).toBeGreaterThanOrEqual(16);
      expect(m.golden?.atol).toBe(ATOL);
      const bytes = (await readFile(join(FIXTURE, m.file))).byteLength;
      expect(bytes).toBeLessThan(300_000);
      const report = await checkGolden(model, m, manifestPath);
      console.log(`tiny ESM-2 golden: ${report.outputs.map((o) => `${o.name} max |diff| ${o.maxAbsDiff.toExponential(2)}`).join(', ')}`);
      expect(report.ok).toBe(true);
      for (const o of report.outputs) expect(o.maxAbsDiff).toBeLessThanOrEqual(ATOL);
    } finally {
      await model.dispose();
    }
  });

  it('loads as an embedder: hidden size, tokeniser from vocab.txt, SYNTHETIC flag', () => {
    expect(embedder.hiddenSize).toBe(H);
    expect(embedder.synthetic).toBe(true);
    expect(embedder.tokenizer.vocabSize).toBe(33);
    expect(embedder.manifest.name).toBe('esm2-tiny-random');
  });
});

describe('EsmEmbedder.embed', () => {
  it('mean-pools the golden rows as PyTorch: residues only by default, all tokens with includeSpecial', async () => {
    const inputs = await readNpz(join(FIXTURE, 'golden-inputs.npz'));
    const outputs = await readNpz(join(FIXTURE, 'golden-outputs.npz'));
    const ids = inputs.input_ids!;
    const [B, T] = ids.shape as [number, number];
    const hidden = outputs.last_hidden_state!.data as Float32Array;
    const seqs: string[] = [];
    const rows: number[] = [];
    for (let b = 0; b < B; b++) {
      const row = Array.from(ids.data.subarray(b * T, (b + 1) * T) as BigInt64Array, Number);
      if (row.includes(embedder.tokenizer.maskId)) continue; // <mask> rows: checked through checkGolden
      seqs.push(embedder.tokenizer.decode(row, { skipSpecialTokens: true }));
      rows.push(b);
    }
    expect(seqs.length).toBe(3);
    const res = await embedder.embed(seqs, { batchSize: 2, perResidue: true });
    const withSpecial = await embedder.embed(seqs, { includeSpecial: true });
    rows.forEach((b, i) => {
      const L = seqs[i]!.length;
      const mean = new Float64Array(H);
      const meanAll = new Float64Array(H);
      for (let t = 0; t <= L + 1; t++) {
        for (let h = 0; h < H; h++) {
          const v = hidden[(b * T + t) * H + h]!;
          meanAll[h]! += v / (L + 2);
          if (t >= 1 && t <= L) mean[h]! += v / L;
        }
      }
      expect(maxAbsDiff(res.pooled!.subarray(i * H, (i + 1) * H), mean)).toBeLessThan(ATOL);
      expect(maxAbsDiff(withSpecial.pooled!.subarray(i * H, (i + 1) * H), meanAll)).toBeLessThan(ATOL);
      expect(maxAbsDiff(res.perResidue![i]!, hidden.subarray((b * T + 1) * H, (b * T + 1 + L) * H))).toBeLessThan(ATOL);
    });
    expect(res.spans).toEqual(seqs.map((s) => ({ start: 0, end: s.length })));
    expect(res.windows).toEqual([1, 1, 1]);
  });

  it('is padding-invariant: a sequence embeds the same alone and batched with longer ones', async () => {
    const short = protein(9, 1);
    const others = [protein(60, 2), protein(33, 3), protein(17, 4), protein(80, 5)];
    const alone = await embedder.embed([short], { perResidue: true });
    const batched = await embedder.embed([...others, short], { batchSize: 5, perResidue: true });
    const d = maxAbsDiff(alone.pooled!, batched.pooled!.subarray(4 * H, 5 * H));
    const dr = maxAbsDiff(alone.perResidue![0]!, batched.perResidue![4]!);
    console.log(`padding invariance (tiny): pooled max |diff| ${d.toExponential(2)}, per-residue ${dr.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
    expect(dr).toBeLessThan(1e-5);
    // order and batch size do not matter either
    const again = await embedder.embed([short, ...others], { batchSize: 1 });
    expect(maxAbsDiff(again.pooled!.subarray(0, H), alone.pooled!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(again.pooled!.subarray(H), batched.pooled!.subarray(0, 4 * H))).toBeLessThan(1e-5);
  });

  it('pooled with specials = (residue mean · L + <cls> + <eos>) / (L + 2)', async () => {
    const seq = protein(21, 7);
    const a = await embedder.embed([seq], { includeSpecial: true, perResidue: true });
    const b = await embedder.embed([seq], { perResidue: true });
    const rows = a.perResidue![0]!;
    expect(rows.length).toBe((21 + 2) * H);
    expect(maxAbsDiff(rows.subarray(H, 22 * H), b.perResidue![0]!)).toBeLessThan(1e-6);
    const expected = Array.from({ length: H }, (_, h) => (b.pooled![h]! * 21 + rows[h]! + rows[22 * H + h]!) / 23);
    expect(maxAbsDiff(a.pooled!, expected)).toBeLessThan(1e-6);
  });

  it("crops long sequences to the central maxLength residues (long: 'crop', the default)", async () => {
    const seq = protein(51, 11);
    const res = await embedder.embed([seq, 'MKT'], { maxLength: 20, perResidue: true });
    const crop = centerCrop(seq, 20);
    expect(res.spans[0]).toEqual({ start: crop.start, end: crop.end });
    expect(res.spans[0]).toEqual({ start: 15, end: 35 });
    const direct = await embedder.embed([crop.sequence], { perResidue: true });
    expect(maxAbsDiff(res.pooled!.subarray(0, H), direct.pooled!)).toBeLessThan(1e-5);
    expect(res.perResidue![0]!.length).toBe(20 * H);
    expect(res.windows).toEqual([1, 1]);
  });

  it("embeds long sequences in overlapping windows and averages each residue over its windows (long: 'windows')", async () => {
    const seq = protein(50, 13);
    const opts = { maxLength: 20, windowStride: 10, perResidue: true, includeSpecial: true } as const;
    const res = await embedder.embed([seq], { ...opts, long: 'windows' });
    const wins = slidingWindows(50, { window: 20, stride: 10 });
    expect(wins.map((w) => w.start)).toEqual([0, 10, 20, 30]);
    expect(res.windows).toEqual([4]);
    expect(res.spans[0]).toEqual({ start: 0, end: 50 });
    const parts = await embedder.embed(wins.map((w) => seq.slice(w.start, w.end)), { perResidue: true, includeSpecial: true });
    const expected = new Float64Array(52 * H);
    const count = new Float64Array(52);
    wins.forEach((w, k) => {
      const rows = parts.perResidue![k]!;
      for (let t = 0; t < 22; t++) {
        const row = t === 0 ? 0 : t === 21 ? 51 : w.start + t; // <cls> row 0, residue i row i + 1, <eos> row 51
        count[row]!++;
        for (let h = 0; h < H; h++) expected[row * H + h]! += rows[t * H + h]!;
      }
    });
    for (let r = 0; r < 52; r++) for (let h = 0; h < H; h++) expected[r * H + h]! /= count[r]!;
    expect(Array.from(count.subarray(1, 51))).toEqual([...Array(10).fill(1), ...Array(30).fill(2), ...Array(10).fill(1)]);
    expect(maxAbsDiff(res.perResidue![0]!, expected)).toBeLessThan(1e-5);
    const mean = Array.from({ length: H }, (_, h) => expected.filter((_, i) => i % H === h).reduce((x, y) => x + y, 0) / 52);
    expect(maxAbsDiff(res.pooled!, mean)).toBeLessThan(1e-5);
    // without specials: residue rows only, and a sequence that fits is one window, untouched
    const plain = await embedder.embed([seq, seq.slice(0, 20)], { maxLength: 20, windowStride: 10, long: 'windows', pooling: 'none' });
    expect(plain.pooled).toBeUndefined();
    expect(maxAbsDiff(plain.perResidue![0]!, expected.subarray(H, 51 * H))).toBeLessThan(1e-5);
    expect(plain.windows).toEqual([4, 1]);
  });

  it('counts positions in tokens (a <mask> written in the text is one residue), with records and progress', async () => {
    const events: ProgressEvent[] = [];
    const res = await embedder.embed([{ name: 'P1', sequence: 'MK<mask>TAY' }, 'MKXTAY'], {
      perResidue: true,
      batchSize: 1,
      onProgress: (e) => events.push(e),
    });
    expect(res.spans[0]).toEqual({ start: 0, end: 6 });
    expect(res.perResidue![0]!.length).toBe(6 * H);
    expect(events[0]).toMatchObject({ completed: 0, total: 2 });
    expect(events[events.length - 1]).toMatchObject({ completed: 2, total: 2, label: 'embedding' });
    expect((await embedder.embed([])).pooled).toEqual(new Float32Array(0));
  });

  it('throws typed errors naming the sequence and the fix', async () => {
    const err = async (p: Promise<unknown>): Promise<SequenceEmbeddingError> => {
      const e = await p.then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(SequenceEmbeddingError);
      return e as SequenceEmbeddingError;
    };
    const empty = await err(embedder.embed(['MKT', { name: 'sp|P2', sequence: '' }]));
    expect([empty.problem, empty.index, empty.sequenceName, empty.code]).toEqual(['empty', 1, 'sp|P2', 'SEQUENCE_EMBEDDING']);
    expect(empty.message).toMatch(/^Sequence 1 \("sp\|P2"\): the sequence is empty.*includeSpecial: true/);
    expect((await embedder.embed([''], { includeSpecial: true })).pooled!.length).toBe(H);
    const long = await err(embedder.embed([protein(30, 1)], { maxLength: 20, long: 'error' }));
    expect(long.problem).toBe('too-long');
    expect(long.message).toMatch(/^Sequence 0: 30 residues, more than maxLength = 20\. Pass long: 'crop'.*long: 'windows'/);
    const bad = await err(embedder.embed(['MKT', 'MJK'], { unknown: 'error' }));
    expect(bad.problem).toBe('invalid-sequence');
    expect(bad.message).toMatch(/^Sequence 1: Character "J" at position 2/);
    expect(bad.cause).toBeInstanceOf(InvalidArgumentError);
    const lower = await err(embedder.embed([{ name: 'x', sequence: 'mkt' }], { lowercase: 'error' }));
    expect(lower.message).toMatch(/^Sequence 0 \("x"\): Lower-case residue "m".*lowercase: 'upper'/);
    const notString = await err(embedder.embed([42 as never]));
    expect(notString.problem).toBe('not-a-string');
  });

  it('refuses bad options with the valid choices', async () => {
    await expect(embedder.embed(['MK'], { pooling: 'max' as never })).rejects.toThrow(/Supported: mean, none/);
    await expect(embedder.embed(['MK'], { long: 'truncate' as never })).rejects.toThrow(/Supported: crop, windows, error/);
    await expect(embedder.embed(['MK'], { maxLength: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(embedder.embed(['MK'], { batchSize: 1.5 })).rejects.toThrow(/batchSize must be a positive integer/);
    await expect(embedder.embed(['MK'], { maxLength: 10, windowStride: 11 })).rejects.toThrow(/must not exceed maxLength/);
    await expect(embedder.embed(['MK'], { pooling: 'none', perResidue: false })).rejects.toThrow(/would return nothing/);
  });
});

describe('loadEsmEmbedder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'esm-embedder-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('checks the sha256 of the model against its manifest', async () => {
    for (const f of ['model.onnx', 'vocab.txt']) await copyFile(join(FIXTURE, f), join(dir, f));
    const manifest = JSON.parse(await readFile(join(FIXTURE, 'model.json'), 'utf8')) as { sha256: string };
    manifest.sha256 = '0'.repeat(64);
    await writeFile(join(dir, 'model.json'), JSON.stringify(manifest));
    await expect(loadEsmEmbedder(dir)).rejects.toBeInstanceOf(ChecksumMismatchError);
  });

  it('accepts the model.json path and refuses a file that is not a directory or manifest', async () => {
    const e = await loadEsmEmbedder(join(FIXTURE, 'model.json'), { intraOpThreads: 1 });
    expect(e.hiddenSize).toBe(H);
    await e.dispose();
    await expect(loadEsmEmbedder(join(FIXTURE, 'model.onnx'))).rejects.toThrow(/is a file; pass the model directory/);
  });
});
