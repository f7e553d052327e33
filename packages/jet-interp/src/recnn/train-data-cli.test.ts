import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, readNpz } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { parseKindPair, trainDataCommand } from '../cli/train-data-command';
import { generateJetEvent } from '../generator/generate-jet-event';
import { generateJets } from '../generator/generate-jets';
import { formatFastJetEvents } from '../io/fastjet-text';
import type { RecnnTrainingMeta } from './training-data';

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'jet-interp-train-data-'));

describe('jet-interp train-data', () => {
  it('writes the arrays of generated jets (signal = the first kind) and reports them', async () => {
    const out = join(dir, 'wq.npz');
    const r = run('train-data', '--kind', 'w,quark', '--jets', '12', '--seed', '5', '--algorithm', 'kt', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('wrote');
    expect(r.stderr).toContain('24 jets (12 w, 12 quark)');
    const a = await readNpz(out);
    const meta = JSON.parse(new TextDecoder().decode(a['meta_json']!.data as Uint8Array)) as RecnnTrainingMeta;
    expect(meta).toMatchObject({ algorithm: 'kt', signal: 'w', background: 'quark', seed: 5, jets: 24 });
    expect(Array.from(a['jet_label']!.data as Int32Array)).toEqual([...Array(12).fill(1), ...Array(12).fill(0)]);
    // the same jets as the generator gives with one Rng(seed) stream, signal first
    const rng = new Rng(5);
    const w = generateJets('w', 12, { rng });
    const q = generateJets('quark', 12, { rng });
    const c = a['jet_constituent_offset']!.data as Int32Array;
    expect(c[12]).toBe(w.reduce((s, j) => s + j.constituents.size, 0));
    expect(c[24]! - c[12]!).toBe(q.reduce((s, j) => s + j.constituents.size, 0));
  });

  it('fails with a typed message for bad options, leaving the other commands alone', () => {
    const bad = run('train-data', '--kind', 'w', '--out', join(dir, 'x.npz'), '--quiet');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/error \[INVALID_ARGUMENT\]: --kind takes two jet classes/);
    const two = run('train-data', '--hdf5', 'a.h5', '--qg-npz', 'b.npz', '--out', join(dir, 'x.npz'), '--quiet');
    expect(two.stderr).toMatch(/at most one of --hdf5, --qg-npz and --fastjet/);
    const help = run('--help');
    expect(help.stdout).toContain('cluster');
    expect(help.stdout).toContain('train-data');
    expect(() => parseKindPair('w,w')).toThrow(/different/);
    expect(parseKindPair('top, gluon')).toEqual(['top', 'gluon']);
  });

  it('reads FastJet text files: the leading anti-kt jet of each event', async () => {
    const rng = new Rng(9);
    const files = (['w', 'quark'] as const).map((kind) => {
      const f = join(dir, `${kind}.dat`);
      writeFileSync(f, formatFastJetEvents([0, 1, 2].map(() => generateJetEvent(kind, rng).particles)));
      return f;
    });
    const { meta, skipped } = await trainDataCommand({ out: join(dir, 'fj.npz'), source: { kind: 'fastjet', files: [files[0]!, files[1]!], jets: 2 }, validationFraction: 0, testFraction: 0 });
    expect(skipped).toBe(0);
    expect(meta.jets).toBe(4);
    expect(meta.labels).toEqual({ signal: 2, background: 2 });
    expect(meta.source).toMatch(/leading anti-kt R = 0.8 jets of w.dat \(2\) and quark.dat \(2\)/);
  });

  it('reads top-tagging HDF5 jets, leaving out jets without constituents', async () => {
    const file = fileURLToPath(new URL('../io/__fixtures__/top-tagging-synthetic.h5', import.meta.url));
    const r = run('train-data', '--hdf5', file, '--out', join(dir, 'h5.npz'), '--val-fraction', '0', '--test-fraction', '0', '--algorithm', 'antikt');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/7 jets \(4 top, 3 qcd\).*antikt trees; 1 jets without constituents left out/);
  });
});
