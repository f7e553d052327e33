import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFormatError, LabError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { inspectTopTaggingHdf5, readTopTaggingBatches, readTopTaggingHdf5 } from './top-tagging-hdf5';

// SYNTHETIC fixture in the reference data set's layout, written by __fixtures__/make-top-tagging-fixture.py (pandas)
const FIXTURE = fileURLToPath(new URL('./__fixtures__/top-tagging-synthetic.h5', import.meta.url));
const EXPECTED = JSON.parse(readFileSync(new URL('./__fixtures__/top-tagging-synthetic.expected.json', import.meta.url), 'utf8')) as {
  index: number[];
  jets: { constituents: number; sum: number[]; first: number[] | null; label: number }[];
};

describe('top-tagging HDF5 reader (pandas fixed-format frame through h5wasm)', () => {
  it('reads the layout', async () => {
    const layout = await inspectTopTaggingHdf5(FIXTURE);
    expect(layout.rows).toBe(EXPECTED.jets.length);
    expect(layout.maxConstituents).toBe(200);
    expect(layout.columns.slice(0, 5)).toEqual(['E_0', 'PX_0', 'PY_0', 'PZ_0', 'E_1']);
    expect(layout.columns.slice(-2)).toEqual(['ttv', 'is_signal_new']);
  });

  it('gives each jet its constituents (padding dropped) and label, as pandas wrote them', async () => {
    const { events, labels, start } = await readTopTaggingHdf5(FIXTURE);
    expect(start).toBe(0);
    expect(events.map((e) => e.size)).toEqual(EXPECTED.jets.map((j) => j.constituents));
    expect(Array.from(labels)).toEqual(EXPECTED.jets.map((j) => j.label));
    events.forEach((e, i) => {
      const want = EXPECTED.jets[i]!;
      const sum = e.total().toArray();
      sum.forEach((v, k) => expect(v).toBeCloseTo(want.sum[k]!, 6));
      if (want.first) expect(e.particle(0).toArray()).toEqual(want.first);
    });
  });

  it('streams rows in batches and honours start/stop', async () => {
    const batches = [];
    for await (const b of readTopTaggingBatches(FIXTURE, { batchSize: 3, start: 1, stop: 8 })) batches.push(b);
    expect(batches.map((b) => [b.start, b.events.length])).toEqual([
      [1, 3],
      [4, 3],
      [7, 1],
    ]);
    expect(batches[0]!.events[0]!.size).toBe(EXPECTED.jets[1]!.constituents);
    await expect(readTopTaggingHdf5(FIXTURE, { start: 5, stop: 2 })).rejects.toThrow(/not a valid range/);
  });

  describe('wrong layouts give DataFormatError naming what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'top-tagging-'));
    async function write(name: string, build: (f: import('h5wasm').File) => void): Promise<string> {
      const h5 = await import('h5wasm/node');
      await h5.ready;
      const path = join(dir, name);
      const f = new h5.File(path, 'w');
      build(f);
      f.close();
      return path;
    }
    const columns = ['E_0', 'PX_0', 'PY_0', 'PZ_0', 'E_1', 'PX_1', 'PY_1', 'PZ_1', 'is_signal_new'];
    function frame(f: import('h5wasm').File, cols: string[], options: { pandasType?: string; skip?: string } = {}): void {
      const g = f.create_group('table');
      g.create_attribute('pandas_type', options.pandasType ?? 'frame');
      g.create_attribute('nblocks', 1);
      g.create_dataset({ name: 'axis0', data: cols });
      g.create_dataset({ name: 'axis1', data: new Float64Array([0, 1]) });
      g.create_dataset({ name: 'block0_items', data: cols });
      if (options.skip !== 'block0_values') g.create_dataset({ name: 'block0_values', data: new Float64Array(2 * cols.length), shape: [2, cols.length] });
    }

    it('reads a minimal hand-written frame (zero jets are empty events)', async () => {
      const path = await write('ok.h5', (f) => frame(f, columns));
      const { events, labels } = await readTopTaggingHdf5(path);
      expect(events.map((e) => e.size)).toEqual([0, 0]);
      expect(Array.from(labels)).toEqual([0, 0]);
    });

    it.each([
      ['no-table.h5', (f: import('h5wasm').File) => f.create_group('jets'), /no pandas table "table" \(top-level keys: jets\)/],
      ['table-format.h5', (f: import('h5wasm').File) => frame(f, columns, { pandasType: 'frame_table' }), /table-format frame; write it with to_hdf\(\.\.\., format="fixed"\)/],
      ['no-pz.h5', (f: import('h5wasm').File) => frame(f, columns.filter((c) => c !== 'PZ_1')), /column "PZ_1" is missing/],
      ['no-label.h5', (f: import('h5wasm').File) => frame(f, columns.slice(0, -1)), /the label column "is_signal_new" is missing/],
      ['no-values.h5', (f: import('h5wasm').File) => frame(f, columns, { skip: 'block0_values' }), /no dataset "block0_values"/],
      ['no-constituents.h5', (f: import('h5wasm').File) => frame(f, ['mass', 'is_signal_new']), /no constituent columns: expected E_0, PX_0, PY_0, PZ_0/],
    ])('%s', async (name, build, message) => {
      const path = await write(name, build);
      const err = await readTopTaggingHdf5(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataFormatError);
      expect(LabError.isInstance(err) && err.code).toBe('DATA_FORMAT');
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(name);
    });

    it('rejects a file that is not HDF5, and a missing file', async () => {
      const path = join(dir, 'text.h5');
      writeFileSync(path, 'not hdf5');
      await expect(inspectTopTaggingHdf5(path)).rejects.toThrow(/text\.h5: not a readable HDF5 file/);
      await expect(inspectTopTaggingHdf5(join(dir, 'missing.h5'))).rejects.toThrow(/No such HDF5 file/);
    });
  });
});
