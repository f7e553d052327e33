import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFormatError, LabError, ModelNotFoundError, Rng, ndarray, writeNpy } from '@lab/tensor-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHead, saveHead } from './head-io';
import { KnnEnsemble } from './knn-ensemble';
import { MlpEnsemble } from './mlp-ensemble';
import { MlpHead } from './mlp-head';
import { NearestNeighbor } from './nearest-neighbor';

const root = mkdtempSync(join(tmpdir(), 'protein-tl-heads-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const dim = 6;
const rng = new Rng(1);
const x = Float32Array.from(rng.normalArray(120 * dim));
const y = Int32Array.from({ length: 120 }, (_, i) => i % 5);
const q = Float32Array.from(rng.normalArray(30 * dim));

async function expectFormat(fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DataFormatError);
  expect(LabError.isInstance(caught) && caught.code).toBe('DATA_FORMAT');
  expect((caught as Error).message).toMatch(pattern);
}

describe('saveHead / loadHead', () => {
  it('round-trips a 1-NN', async () => {
    const knn = NearestNeighbor.fit(x, y, dim, { classes: 7 });
    const dir = join(root, 'knn');
    await saveHead(dir, knn);
    const back = await loadHead(dir);
    expect(back).toBeInstanceOf(NearestNeighbor);
    const b = back as NearestNeighbor;
    expect(b.classes).toBe(7);
    expect(Array.from(b.embeddings)).toEqual(Array.from(x));
    expect(Array.from(b.kneighborsSync(q).index)).toEqual(Array.from(knn.kneighborsSync(q).index));
    expect((await loadHead(join(dir, 'head.json'))) as NearestNeighbor).toBeInstanceOf(NearestNeighbor);
  });

  it('round-trips a kNN ensemble (members, subsets, votes)', async () => {
    const ens = KnnEnsemble.fit(x, y, dim, { members: 4, seed: 3 });
    const dir = join(root, 'knn-ens');
    await saveHead(dir, ens);
    const back = (await loadHead(dir)) as KnnEnsemble;
    expect(back).toBeInstanceOf(KnnEnsemble);
    expect(back.seed).toBe(3);
    expect(back.subsets).toEqual(ens.subsets);
    expect(Array.from(await back.predict(q))).toEqual(Array.from(await ens.predict(q)));
  });

  it('round-trips an MLP head and an MLP ensemble exactly', async () => {
    const head = MlpHead.train(x, y, dim, { hidden: [5, 4], maxEpochs: 2, seed: 2 });
    await saveHead(join(root, 'mlp'), head);
    const back = (await loadHead(join(root, 'mlp'))) as MlpHead;
    expect(back).toBeInstanceOf(MlpHead);
    expect(back.model.weights).toEqual(head.model.weights);
    expect(Array.from(back.predictProba(q))).toEqual(Array.from(head.predictProba(q)));
    const ens = MlpEnsemble.train(x, y, dim, { members: 3, hidden: [4], maxEpochs: 1, seed: 5 });
    await saveHead(join(root, 'mlp-ens'), ens);
    const eb = (await loadHead(join(root, 'mlp-ens'))) as MlpEnsemble;
    expect(eb).toBeInstanceOf(MlpEnsemble);
    expect(Array.from(eb.predict(q))).toEqual(Array.from(ens.predict(q)));
  });

  it('reports missing, foreign, future and inconsistent files with typed errors', async () => {
    await expect(loadHead(join(root, 'nowhere'))).rejects.toBeInstanceOf(ModelNotFoundError);
    const dir = join(root, 'bad');
    await saveHead(dir, NearestNeighbor.fit(x, y, dim));
    const manifest = JSON.parse(readFileSync(join(dir, 'head.json'), 'utf8'));
    const write = (m: unknown) => writeFileSync(join(dir, 'head.json'), typeof m === 'string' ? m : JSON.stringify(m));
    write('{ not json');
    await expectFormat(() => loadHead(dir), /not valid JSON/);
    write({ ...manifest, format: 'other' });
    await expectFormat(() => loadHead(dir), /not a head manifest/);
    write({ ...manifest, version: 2 });
    await expectFormat(() => loadHead(dir), /version 2 is not supported/);
    write({ ...manifest, kind: 'svm' });
    await expectFormat(() => loadHead(dir), /unknown head kind/);
    write({ ...manifest, dim: 7 });
    await expectFormat(() => loadHead(dir), /do not match/);
    write({ ...manifest, classes: 3 });
    await expectFormat(() => loadHead(dir), /outside 0…2/);
    write({ ...manifest, embeddings: '../../etc/passwd' });
    await expectFormat(() => loadHead(dir), /inside the head folder/);
    write({ ...manifest, embeddings: 'missing.npy' });
    await expectFormat(() => loadHead(dir), /cannot read file/);
    write(manifest);
    await writeNpy(join(dir, 'labels.npy'), ndarray('float32', [120], new Float32Array(120)));
    await expectFormat(() => loadHead(dir), /expected int32/);
    writeFileSync(join(dir, 'labels.npy'), 'garbage');
    await expectFormat(() => loadHead(dir), /labels\.npy/);
    // a corrupt network inside an MLP head
    const mdir = join(root, 'bad-mlp');
    await saveHead(mdir, MlpHead.train(x, y, dim, { hidden: [3], maxEpochs: 1 }));
    const mm = JSON.parse(readFileSync(join(mdir, 'head.json'), 'utf8'));
    mm.model.weights[0].pop();
    writeFileSync(join(mdir, 'head.json'), JSON.stringify(mm));
    await expectFormat(() => loadHead(mdir), /inconsistent/);
  });

  it('refuses objects that are not heads', async () => {
    await expect(saveHead(join(root, 'x'), {} as never)).rejects.toThrow(/saveHead takes/);
  });
});
