/**
 * The `jet-interp train-data` command: RecNN training arrays from generated jets or from jet files.
 * @packageDocumentation
 */
import { basename } from 'node:path';
import { InvalidArgumentError, Rng, type WithProgress } from '@lab/tensor-core';
import { generateJets, leadingAntiKtJet } from '../generator/generate-jets';
import { JET_KINDS, parseJetKind, type JetKind } from '../generator/jet-source';
import { readFastJetEvents } from '../io/fastjet-text';
import { readQuarkGluonNpz } from '../io/quark-gluon-npz';
import { readTopTaggingHdf5 } from '../io/top-tagging-hdf5';
import type { ParticleEvent } from '../particles/particle-event';
import { writeRecnnTrainingData, type RecnnTrainingMeta } from '../recnn/training-data';

/** Default number of generated jets per kind. */
export const TRAIN_DATA_DEFAULT_JETS = 1000;

/** Where the jets of {@link trainDataCommand} come from: exactly one source. */
export type TrainDataSource =
  | { kind: 'generator'; kinds: readonly [TrainDataKind, TrainDataKind]; jets?: number; seed?: number }
  | { kind: 'hdf5'; file: string; jets?: number }
  | { kind: 'qg-npz'; file: string; jets?: number }
  | { kind: 'fastjet'; files: readonly [string, string]; jets?: number; jetRadius?: number };

/**
 * A class of generated jets: one {@link JetKind}, or `qcd`, the QCD background of the W/QCD and top/QCD tasks: light-quark
 * and gluon jets in equal numbers (the quark half first; the split shuffles them).
 */
export type TrainDataKind = JetKind | 'qcd';

/**
 * Checks a class of generated jets.
 * @param value - a jet kind or `qcd`
 * @returns the class
 * @throws InvalidArgumentError listing the choices
 */
export function parseTrainDataKind(value: string): TrainDataKind {
  if (value.trim().toLowerCase() === 'qcd') return 'qcd';
  try {
    return parseJetKind(value.trim());
  } catch {
    throw new InvalidArgumentError('kind', `Unsupported jet class "${value}". Supported: ${[...JET_KINDS, 'qcd'].join(', ')} (qcd = quark and gluon jets, half each).`);
  }
}

/** `n` generated jets of one class (see {@link TrainDataKind}), drawn from `rng`. */
function generateClass(kind: TrainDataKind, n: number, rng: Rng, progress: WithProgress): ParticleEvent[] {
  if (kind !== 'qcd') return generateJets(kind, n, { rng, ...progress }).map((j) => j.constituents);
  const quarks = Math.ceil(n / 2);
  return [...generateJets('quark', quarks, { rng, ...progress }), ...(n - quarks > 0 ? generateJets('gluon', n - quarks, { rng, ...progress }) : [])].map((j) => j.constituents);
}

/** Options of {@link trainDataCommand}. */
export interface TrainDataCommandOptions extends WithProgress {
  /** The .npz to write. */
  out: string;
  source: TrainDataSource;
  /** Reclustering algorithm of the trees. @default 'ca' */
  algorithm?: string;
  /** Seed of the split. @default the generator seed, or 0 */
  seed?: number;
  validationFraction?: number;
  testFraction?: number;
  /** Store the constituents. @default true */
  constituents?: boolean;
}

/**
 * Parses `--kind signal,background`.
 * @param value - two jet kinds separated by a comma
 * @returns the kinds, signal first
 * @throws InvalidArgumentError unless there are exactly two different kinds
 */
export function parseKindPair(value: string): [TrainDataKind, TrainDataKind] {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length !== 2) throw new InvalidArgumentError('kind', `--kind takes two jet classes, signal first (e.g. w,qcd); received "${value}".`);
  const [a, b] = parts.map(parseTrainDataKind) as [TrainDataKind, TrainDataKind];
  if (a === b) throw new InvalidArgumentError('kind', `--kind needs two different kinds; received "${value}".`);
  return [a, b];
}

function checkCount(jets: number | undefined): number | undefined {
  if (jets === undefined) return undefined;
  if (!Number.isInteger(jets) || jets < 1) throw new InvalidArgumentError('jets', `--jets must be an integer ≥ 1; received ${jets}.`);
  return jets;
}

async function leadingJets(file: string, radius: number, max: number | undefined): Promise<ParticleEvent[]> {
  const out: ParticleEvent[] = [];
  for await (const event of readFastJetEvents(file)) {
    const jet = leadingAntiKtJet(event, radius);
    if (jet) out.push(jet.constituents);
    if (max !== undefined && out.length >= max) break;
  }
  return out;
}

/**
 * Collects labelled jets from one source and writes the RecNN training arrays with {@link writeRecnnTrainingData}.
 *
 * @remarks
 * - `generator`: `jets` jets of each kind from {@link generateJets}, both drawn from one `Rng(seed)` stream, signal first
 *   (label 1 = the first kind);
 * - `hdf5`: top-tagging jets (rows are jets, labels from `is_signal_new`: top 1, QCD 0), the first `jets` rows;
 * - `qg-npz`: EnergyFlow quark/gluon jets (quark 1, gluon 0), the first `jets`;
 * - `fastjet`: two FastJet text files, signal then background; the leading anti-kt jet (R = `jetRadius`, 0.8) of each
 *   event, at most `jets` per file.
 *
 * Jets without constituents (empty rows of a file) are left out; the metadata's `source` says how many.
 * @param options - output, source, reclustering, split, progress
 * @returns the metadata written and the number of jets left out for having no constituents
 * @throws InvalidArgumentError for a bad source or option; the readers' errors for bad files
 */
export async function trainDataCommand(options: TrainDataCommandOptions): Promise<{ meta: RecnnTrainingMeta; skipped: number }> {
  const src = options.source;
  let jets: ParticleEvent[];
  let labels: number[];
  let names: { signal: string; background: string };
  let source: string;
  let seed = options.seed ?? 0;
  const onProgress = options.onProgress;
  if (src.kind === 'generator') {
    const n = checkCount(src.jets) ?? TRAIN_DATA_DEFAULT_JETS;
    const genSeed = src.seed ?? 0;
    seed = options.seed ?? genSeed;
    const rng = new Rng(genSeed);
    const progress = onProgress ? { onProgress } : {};
    const sig = generateClass(src.kinds[0], n, rng, progress);
    const bkg = generateClass(src.kinds[1], n, rng, progress);
    jets = [...sig, ...bkg];
    labels = [...sig.map(() => 1), ...bkg.map(() => 0)];
    names = { signal: src.kinds[0], background: src.kinds[1] };
    const describe = (k: TrainDataKind) => (k === 'qcd' ? `qcd (${Math.ceil(n / 2)} quark + ${Math.floor(n / 2)} gluon)` : `${n} ${k}`);
    source = `generateJets: ${describe(src.kinds[0])} + ${describe(src.kinds[1])} jets (anti-kt R = 0.8), seed ${genSeed}`;
  } else if (src.kind === 'hdf5') {
    const n = checkCount(src.jets);
    const r = await readTopTaggingHdf5(src.file, n === undefined ? {} : { stop: n });
    jets = r.events;
    labels = Array.from(r.labels);
    names = { signal: 'top', background: 'qcd' };
    source = `top-tagging HDF5 ${basename(src.file)}, ${jets.length} jets`;
  } else if (src.kind === 'qg-npz') {
    const n = checkCount(src.jets);
    const r = await readQuarkGluonNpz(src.file);
    jets = n === undefined ? r.events : r.events.slice(0, n);
    labels = Array.from(r.labels.subarray(0, jets.length));
    names = { signal: 'quark', background: 'gluon' };
    source = `EnergyFlow quark/gluon ${basename(src.file)}, ${jets.length} jets`;
  } else if (src.kind === 'fastjet') {
    const n = checkCount(src.jets);
    const radius = src.jetRadius ?? 0.8;
    const sig = await leadingJets(src.files[0], radius, n);
    const bkg = await leadingJets(src.files[1], radius, n);
    jets = [...sig, ...bkg];
    labels = [...sig.map(() => 1), ...bkg.map(() => 0)];
    names = { signal: basename(src.files[0]), background: basename(src.files[1]) };
    source = `FastJet text: leading anti-kt R = ${radius} jets of ${basename(src.files[0])} (${sig.length}) and ${basename(src.files[1])} (${bkg.length})`;
  } else {
    throw new InvalidArgumentError('source', `unknown source ${JSON.stringify((src as { kind?: unknown }).kind)}; use generator, hdf5, qg-npz or fastjet.`);
  }
  // jets without constituents (empty rows of a file) cannot make a tree: leave them out and say so
  const keep = jets.map((j) => j.size > 0);
  const skipped = keep.filter((k) => !k).length;
  if (skipped > 0) {
    jets = jets.filter((_, i) => keep[i]);
    labels = labels.filter((_, i) => keep[i]);
    source += `; ${skipped} jet${skipped === 1 ? '' : 's'} without constituents left out`;
  }
  const meta = await writeRecnnTrainingData(options.out, jets, labels, {
    algorithm: options.algorithm ?? 'ca',
    seed,
    ...(options.validationFraction !== undefined ? { validationFraction: options.validationFraction } : {}),
    ...(options.testFraction !== undefined ? { testFraction: options.testFraction } : {}),
    constituents: options.constituents ?? true,
    ...names,
    source,
    ...(onProgress ? { onProgress } : {}),
  });
  return { meta, skipped };
}
