import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor, checkGolden, ndarrayToTensor, readNpz } from '@lab/tensor-core';
import { featurize } from '../featurize/featurize';
import { radiusEdges } from '../featurize/radius-edges';
import { moveRigidly, rotationFromQuaternion } from '../eval/test-molecules';
import { parseSmiles } from '../molecule/parse-smiles';
import { type GeoDiffNetwork, createEpsModel, defaultModelDir, loadGeoDiffNetwork } from './geodiff-network';

// The shipped default model (GEODIFF_MODEL_DIR points the tests at another export of train_geodiff.py).
const dir = process.env['GEODIFF_MODEL_DIR'] ?? defaultModelDir();
let network: GeoDiffNetwork;
let golden: Record<string, Tensor>;

beforeAll(async () => {
  network = await loadGeoDiffNetwork(dir);
  golden = Object.fromEntries(Object.entries(await readNpz(join(dir, 'golden-inputs.npz'))).map(([k, v]) => [k, ndarrayToTensor(v)]));
});
afterAll(async () => {
  await network?.dispose();
});

/** `R p + t` as float32 (the network's input type). */
function transform(pos: ArrayLike<number>, R: number[], t: readonly number[] = [0, 0, 0]): Float32Array {
  return Float32Array.from(moveRigidly(pos, R, t));
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

describe('GeoDiff network through onnxruntime-node', () => {
  it('reproduces the PyTorch golden outputs (full network and local branch)', async () => {
    for (const [session, manifest] of [
      [network.session, join(dir, 'model.json')],
      [network.localSession, join(dir, 'local', 'model.json')],
    ] as const) {
      const m = (session as { manifest?: Parameters<typeof checkGolden>[1] }).manifest!;
      const report = await checkGolden(session, m, manifest);
      expect(report.outputs.length).toBeGreaterThan(0);
      expect(report.ok, JSON.stringify(report.outputs)).toBe(true);
    }
  });

  it('the local branch alone equals the full network\'s eps_local', async () => {
    const full = await network.session.run(golden);
    const local = await network.localSession.run({ atom_type: golden['atom_type']!, pos: golden['pos']!, local_pairs: golden['local_pairs']!, local_type: golden['local_type']! });
    const a = full['eps_local']!.data as Float32Array;
    const b = local['eps_local']!.data as Float32Array;
    const scale = maxAbs(a);
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-5 * scale + 1e-6);
  });

  it('is roto-translation equivariant: rotating and translating the input rotates both outputs (property)', async () => {
    const pos = golden['pos']!.data as Float32Array;
    const base = await network.session.run(golden);
    const q = fc.double({ min: -1, max: 1, noNaN: true });
    const shift = fc.double({ min: -20, max: 20, noNaN: true });
    await fc.assert(
      fc.asyncProperty(fc.tuple(q, q, q, q).filter((v) => Math.hypot(...v) > 0.1), fc.tuple(shift, shift, shift), async (quat, t) => {
        const R = rotationFromQuaternion(quat);
        const moved = await network.session.run({ ...golden, pos: new Tensor('float32', transform(pos, R, t), [pos.length / 3, 3]) });
        for (const name of ['eps_local', 'eps_global']) {
          const expected = transform(base[name]!.data as Float32Array, R);
          const got = moved[name]!.data as Float32Array;
          const scale = maxAbs(expected);
          // float32 network: distances change by rounding when the frame moves; 1e-3 of the output scale
          for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThanOrEqual(1e-3 * scale + 1e-4);
        }
      }),
      { numRuns: 12, seed: 2022 },
    );
  });

  it('one batched call equals separate calls per molecule (createEpsModel)', async () => {
    const a = await parseSmiles('CC(=O)NC');
    const b = await parseSmiles('c1ccncc1O');
    const ga = featurize(a);
    const gb = featurize(b);
    const rand = (n: number, seed: number) => Float64Array.from({ length: 3 * n }, (_, i) => 1.5 * Math.sin(seed * 12.9898 + i * 78.233));
    const pa = rand(a.atoms.length, 1);
    const pb = rand(b.atoms.length, 2);
    const call = async (graphs: typeof ga[], pos: Float64Array, needGlobal: boolean) =>
      createEpsModel(network, graphs)({ pos, t: new Int32Array(graphs.length), sigma: 0.1, batch: new Int32Array(pos.length / 3), numMolecules: graphs.length, needGlobal, step: 0 });
    const joint = await call([ga, gb], Float64Array.from([...pa, ...pb]), true);
    const sa = await call([ga], pa, true);
    const sb = await call([gb], pb, true);
    const separate = { epsLocal: [...sa.epsLocal, ...sb.epsLocal], epsGlobal: [...sa.epsGlobal!, ...sb.epsGlobal!] };
    for (const key of ['epsLocal', 'epsGlobal'] as const) {
      const j = joint[key]!;
      const s = separate[key];
      expect(j.length).toBe(s.length);
      for (let i = 0; i < j.length; i++) expect(Math.abs(j[i]! - s[i]!)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(s[i]!)));
    }
    // local-only steps use the local branch and give the same eps_local
    const localOnly = await call([ga, gb], Float64Array.from([...pa, ...pb]), false);
    expect(localOnly.epsGlobal).toBeUndefined();
    for (let i = 0; i < localOnly.epsLocal.length; i++) expect(Math.abs(localOnly.epsLocal[i]! - joint.epsLocal[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(joint.epsLocal[i]!)));
  });

  it('is deterministic on two threads: repeated calls on a batch of 10 conformers give identical outputs', async () => {
    // onnxruntime's multi-threaded ScatterND with reduction = add races when rows repeat (an earlier export gave a wrong
    // eps_global on ~40 % of such calls); the export sums edges with gathers instead, so every call must agree exactly
    const net = await loadGeoDiffNetwork(dir, { intraOpThreads: 2 });
    try {
      const mol = await parseSmiles('C#CC(=O)OCCCC');
      const g = featurize(mol);
      const n = mol.atoms.length;
      const confs = 10;
      const pos = Float64Array.from({ length: 3 * n * confs }, (_, i) => 2 * Math.sin(i * 0.7 + 0.3 * Math.floor(i / (3 * n))));
      const batch = Int32Array.from({ length: n * confs }, (_, i) => Math.floor(i / n));
      const call = () => createEpsModel(net, Array.from({ length: confs }, () => g))({ pos, t: new Int32Array(confs), sigma: 0.1, batch, numMolecules: confs, needGlobal: true, step: 0 });
      const first = await call();
      for (let r = 0; r < 15; r++) {
        const again = await call();
        expect(Array.from(again.epsGlobal!)).toEqual(Array.from(first.epsGlobal!));
        expect(Array.from(again.epsLocal)).toEqual(Array.from(first.epsLocal));
      }
    } finally {
      await net.dispose();
    }
  });

  it('the global output comes from radius edges only: with no radius edges it is zero', async () => {
    const mol = await parseSmiles('CO');
    const g = featurize(mol);
    const pos = Float64Array.from({ length: 3 * mol.atoms.length }, (_, i) => Math.cos(i));
    // every pair of methanol's 6 atoms is within 3 bonds (H-C-O-H), so the radius graph adds no edge
    expect(radiusEdges(pos, g).numRadiusEdges).toBe(0);
    const out = await createEpsModel(network, [g])({ pos, t: new Int32Array(1), sigma: 0.1, batch: new Int32Array(mol.atoms.length), numMolecules: 1, needGlobal: true, step: 0 });
    expect(maxAbs(out.epsGlobal!)).toBe(0);
    expect(maxAbs(out.epsLocal)).toBeGreaterThan(0);
  });

  it('names the missing file when a directory is not a GeoDiff export', async () => {
    await expect(loadGeoDiffNetwork(join(dir, 'local'))).rejects.toThrow(/geodiff\.json/);
  });
});
