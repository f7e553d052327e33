/**
 * The top-tagging reference data set's HDF5 layout (Kasieczka et al.): a pandas DataFrame written with
 * `to_hdf(path, key='table')`, one row per jet, columns E_i, PX_i, PY_i, PZ_i (i = 0 … 199, zero-padded, hardest first),
 * truth columns, and the label `is_signal_new`. Read with h5wasm.
 * @packageDocumentation
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { DataFormatError, InvalidArgumentError } from '@lab/tensor-core';
import { checkEnergyTolerance, particleError, particleProblem, ParticleEvent } from '../particles/particle-event';

/** Options of the top-tagging readers. */
export interface TopTaggingOptions {
  /** The pandas key (HDF5 group) of the table. @default 'table' */
  key?: string;
  /** First row to read. @default 0 */
  start?: number;
  /** Row after the last one to read. @default all rows */
  stop?: number;
  /** Rows per batch of {@link readTopTaggingBatches}. @default 10000 */
  batchSize?: number;
  /** The label column. @default 'is_signal_new' */
  labelColumn?: string;
  /** Relative tolerance for E < |p| (the data are float32). @default 1e-5 */
  energyTolerance?: number;
}

/** A run of jets from the file. */
export interface TopTaggingBatch {
  /** Row number of the first jet. */
  start: number;
  /** One event per jet: its constituents (padding dropped), in the file's order. */
  events: ParticleEvent[];
  /** The label of each jet (1 = top, 0 = QCD in the reference set). */
  labels: Uint8Array;
}

/** The file's shape, as found by {@link inspectTopTaggingHdf5}. */
export interface TopTaggingLayout {
  /** Number of jets (rows). */
  rows: number;
  /** Constituent slots per jet (the number of E_i/PX_i/PY_i/PZ_i column quadruples). */
  maxConstituents: number;
  /** All column names, in the file's order. */
  columns: string[];
}

type H5Module = typeof import('h5wasm/node');
type H5File = InstanceType<H5Module['File']>;
type H5Dataset = InstanceType<H5Module['Dataset']>;
let h5Promise: Promise<H5Module> | undefined;

/** Loads h5wasm (WebAssembly) once, on first use. */
async function h5wasm(): Promise<H5Module> {
  h5Promise ??= import('h5wasm/node').then(async (m) => {
    const mod = ((m as unknown as { default?: H5Module }).default ?? m) as H5Module;
    await mod.ready;
    return mod;
  });
  return h5Promise;
}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** HDF5 files start with an 8-byte signature at offset 0, 512, 1024, 2048, … (after an optional user block). */
function hasHdf5Signature(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(8);
    for (let offset = 0; offset <= 1 << 20; offset = offset === 0 ? 512 : 2 * offset) {
      if (readSync(fd, buf, 0, 8, offset) < 8) return false;
      if (buf.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Where each needed column lives: block index and column within the block. */
interface ColumnPlace {
  block: number;
  column: number;
}

interface OpenTable {
  file: H5File;
  layout: TopTaggingLayout;
  blocks: { values: H5Dataset; width: number }[];
  place: Map<string, ColumnPlace>;
}

async function openTable(path: string, options: TopTaggingOptions): Promise<OpenTable> {
  const name = basename(path);
  if (!existsSync(path)) throw new InvalidArgumentError('path', `No such HDF5 file: ${path}`);
  if (!hasHdf5Signature(path)) throw new DataFormatError(name, 'not a readable HDF5 file (no HDF5 signature)');
  const h5 = await h5wasm();
  let file: H5File;
  try {
    file = new h5.File(path, 'r');
  } catch (e) {
    throw new DataFormatError(name, `not a readable HDF5 file (${(e as Error).message})`, undefined, { cause: e });
  }
  try {
    const key = options.key ?? 'table';
    const group = file.keys().includes(key) ? file.get(key) : null;
    if (!group || !('keys' in group) || typeof (group as { keys?: unknown }).keys !== 'function') {
      throw new DataFormatError(name, `no pandas table "${key}" (top-level keys: ${file.keys().join(', ') || 'none'}); the top-tagging files store their DataFrame under key "table"`, key);
    }
    const g = group as unknown as { keys(): string[]; attrs: Record<string, { value: unknown }> };
    const pandasType = g.attrs.pandas_type?.value;
    if (pandasType !== 'frame') {
      throw new DataFormatError(
        name,
        pandasType === 'frame_table'
          ? `"${key}" is a pandas table-format frame; write it with to_hdf(..., format="fixed") (the layout of the top-tagging files)`
          : `"${key}" is not a pandas DataFrame in fixed format (attribute pandas_type is ${JSON.stringify(pandasType) ?? 'missing'})`,
        key,
      );
    }
    const members = new Set(g.keys());
    const need = (m: string): H5Dataset => {
      if (!members.has(m)) throw new DataFormatError(name, `the pandas table has no dataset "${m}"`, `${key}/${m}`);
      return file.get(`${key}/${m}`) as H5Dataset;
    };
    const nblocks = Number(g.attrs.nblocks?.value ?? 0);
    if (!(nblocks > 0)) throw new DataFormatError(name, 'the pandas table has no data blocks (attribute nblocks is missing or 0)', key);
    const columns = (need('axis0').value as unknown as string[]).map(String);
    const rows = need('axis1').shape?.[0] ?? 0;
    const place = new Map<string, ColumnPlace>();
    const blocks: OpenTable['blocks'] = [];
    for (let b = 0; b < nblocks; b++) {
      const items = (need(`block${b}_items`).value as unknown as string[]).map(String);
      const values = need(`block${b}_values`);
      const shape = values.shape ?? [];
      if (shape.length !== 2 || shape[0] !== rows || shape[1] !== items.length) {
        throw new DataFormatError(name, `block${b}_values has shape [${shape.join(', ')}]; expected [${rows}, ${items.length}] (rows × its columns)`, `${key}/block${b}_values`);
      }
      items.forEach((item, column) => place.set(item, { block: b, column }));
      blocks.push({ values, width: items.length });
    }
    let maxConstituents = 0;
    while (place.has(`E_${maxConstituents}`) || place.has(`PX_${maxConstituents}`) || place.has(`PY_${maxConstituents}`) || place.has(`PZ_${maxConstituents}`)) {
      for (const c of ['E', 'PX', 'PY', 'PZ']) {
        if (!place.has(`${c}_${maxConstituents}`)) throw new DataFormatError(name, `column "${c}_${maxConstituents}" is missing (constituent ${maxConstituents} needs E, PX, PY and PZ)`, key);
      }
      maxConstituents++;
    }
    if (maxConstituents === 0) throw new DataFormatError(name, 'no constituent columns: expected E_0, PX_0, PY_0, PZ_0, E_1, …', key);
    const labelColumn = options.labelColumn ?? 'is_signal_new';
    if (!place.has(labelColumn)) throw new DataFormatError(name, `the label column "${labelColumn}" is missing`, key);
    return { file, layout: { rows, maxConstituents, columns }, blocks, place };
  } catch (e) {
    file.close();
    throw e;
  }
}

/**
 * The number of jets, constituent slots and columns of a top-tagging file, checking its layout.
 * @param path - the .h5 file
 * @param options - the key and label column
 * @returns the layout
 * @throws DataFormatError naming what is missing (the group, a dataset, a constituent column, the label column)
 * @example
 * ```ts
 * const { rows, maxConstituents } = await inspectTopTaggingHdf5('train.h5'); // e.g. 1211000, 200
 * ```
 */
export async function inspectTopTaggingHdf5(path: string, options: TopTaggingOptions = {}): Promise<TopTaggingLayout> {
  const t = await openTable(path, options);
  t.file.close();
  return t.layout;
}

/**
 * Streams jets from a top-tagging HDF5 file in batches (only the rows of a batch are in memory), with their labels.
 *
 * @remarks Constituent slots whose four values are all zero are padding and are dropped (anywhere in the row); a jet
 * with none gives an empty event. Constituents are checked like any particle (the data are float32, so massless
 * constituents can have E slightly below |p|: within the default tolerance); a bad one throws InvalidParticleError
 * naming the row (as the event index) and the constituent.
 *
 * @param path - the .h5 file
 * @param options - rows, batch size, key, label column, tolerance
 * @returns an async iterable of batches
 * @example
 * ```ts
 * for await (const { events, labels } of readTopTaggingBatches('val.h5', { batchSize: 5000 })) {
 *   console.log(events.length, labels[0]);
 * }
 * ```
 */
export async function* readTopTaggingBatches(path: string, options: TopTaggingOptions = {}): AsyncGenerator<TopTaggingBatch> {
  const batchSize = options.batchSize ?? 10000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('batchSize', `batchSize must be an integer ≥ 1; received ${batchSize}.`);
  const tol = checkEnergyTolerance(options.energyTolerance);
  const t = await openTable(path, options);
  try {
    const { rows, maxConstituents } = t.layout;
    const start = options.start ?? 0;
    const stop = Math.min(options.stop ?? rows, rows);
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(stop) || stop < start) {
      throw new InvalidArgumentError('start', `Rows [${start}, ${options.stop}) are not a valid range of the ${rows} rows.`);
    }
    const name = basename(path);
    const cols = ['PX', 'PY', 'PZ', 'E'].map((c) => Array.from({ length: maxConstituents }, (_, i) => t.place.get(`${c}_${i}`)!));
    const labelPlace = t.place.get(options.labelColumn ?? 'is_signal_new')!;
    for (let b0 = start; b0 < stop; b0 += batchSize) {
      const b1 = Math.min(stop, b0 + batchSize);
      const n = b1 - b0;
      // read the needed blocks for these rows
      const cache = new Map<number, ArrayLike<number | bigint>>();
      const block = (i: number): ArrayLike<number | bigint> => {
        let v = cache.get(i);
        if (!v) {
          v = t.blocks[i]!.values.slice([[b0, b1], []]) as unknown as ArrayLike<number | bigint>;
          cache.set(i, v);
        }
        return v;
      };
      const value = (p: ColumnPlace, row: number): number => Number(block(p.block)[row * t.blocks[p.block]!.width + p.column]!);
      const events: ParticleEvent[] = [];
      const labels = new Uint8Array(n);
      for (let r = 0; r < n; r++) {
        const m: number[] = [];
        for (let i = 0; i < maxConstituents; i++) {
          const px = value(cols[0]![i]!, r);
          const py = value(cols[1]![i]!, r);
          const pz = value(cols[2]![i]!, r);
          const e = value(cols[3]![i]!, r);
          if (px === 0 && py === 0 && pz === 0 && e === 0) continue;
          const problem = particleProblem(px, py, pz, e, tol);
          if (problem) throw particleError(m.length / 4, problem, { event: b0 + r, file: name, location: `row ${b0 + r}, constituent ${i}` });
          m.push(px, py, pz, e);
        }
        events.push(new ParticleEvent(Float64Array.from(m), { validate: false }));
        const label = value(labelPlace, r);
        if (label !== 0 && label !== 1) throw new DataFormatError(name, `label ${label} is neither 0 nor 1`, `row ${b0 + r}`);
        labels[r] = label;
      }
      yield { start: b0, events, labels };
    }
  } finally {
    t.file.close();
  }
}

/**
 * Reads jets (all, or rows [start, stop)) from a top-tagging HDF5 file into memory.
 * @param path - the .h5 file
 * @param options - rows, key, label column, tolerance
 * @returns events and labels, and the row of the first one
 * @example
 * ```ts
 * const { events, labels } = await readTopTaggingHdf5('test.h5', { stop: 1000 });
 * const jets = events.map((e) => clusterJets(e, jetDefinition('antikt', 0.8))[0]);
 * ```
 */
export async function readTopTaggingHdf5(path: string, options: TopTaggingOptions = {}): Promise<TopTaggingBatch> {
  const events: ParticleEvent[] = [];
  const labels: number[] = [];
  for await (const batch of readTopTaggingBatches(path, options)) {
    events.push(...batch.events);
    labels.push(...batch.labels);
  }
  return { start: options.start ?? 0, events, labels: Uint8Array.from(labels) };
}
