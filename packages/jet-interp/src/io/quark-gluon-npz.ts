/**
 * EnergyFlow-style quark/gluon jet files: an .npz with `X[n, m, (pt, y, phi, pid)]` (zero-padded constituents) and
 * labels `y[n]` (1 = quark, 0 = gluon).
 * @packageDocumentation
 */
import { basename } from 'node:path';
import { DataFormatError, InvalidArgumentError, readNpz, type NdArray } from '@lab/tensor-core';
import { checkEnergyTolerance, particleError, particleProblem, ParticleEvent } from '../particles/particle-event';

/**
 * Masses (GeV) by PDG id used to turn (pt, y, φ, pid) into four-momenta: photons and neutrinos 0, e 0.000511, μ 0.105658,
 * π± 0.139570, K± 0.493677, K⁰_L/K⁰_S 0.497611, p 0.938272, n 0.939565, Λ 1.115683, Σ⁺ 1.18937, Σ⁻ 1.197449,
 * Ξ⁰ 1.31486, Ξ⁻ 1.32171, Ω⁻ 1.67245 (PDG values; antiparticles share them). Unknown ids count as massless.
 * @example
 * ```ts
 * PID_MASSES[211]; // 0.13957
 * ```
 */
export const PID_MASSES: Readonly<Record<number, number>> = Object.freeze({
  22: 0,
  11: 0.000511,
  12: 0,
  13: 0.105658,
  14: 0,
  16: 0,
  211: 0.13957,
  321: 0.493677,
  130: 0.497611,
  310: 0.497611,
  2212: 0.938272,
  2112: 0.939565,
  3122: 1.115683,
  3222: 1.18937,
  3112: 1.197449,
  3322: 1.31486,
  3312: 1.32171,
  3334: 1.67245,
});

/** Options of {@link readQuarkGluonNpz}. */
export interface QuarkGluonOptions {
  /**
   * `pid`: each constituent's mass from its PDG id ({@link PID_MASSES}); `massless`: all massless (also used when X has
   * only three columns). @default 'pid'
   */
  masses?: 'pid' | 'massless';
  /** Name of the constituent array. @default 'X' */
  xKey?: string;
  /** Name of the label array. @default 'y' */
  yKey?: string;
  /** Relative tolerance for E < |p|. @default 1e-5 */
  energyTolerance?: number;
}

/** Jets read from a quark/gluon file. */
export interface QuarkGluonJets {
  /** One event per jet, its constituents in the file's order (rows with pt = 0 are padding and dropped). */
  events: ParticleEvent[];
  /** The label of each jet (1 = quark, 0 = gluon in EnergyFlow's files). */
  labels: Uint8Array;
  /** The PDG id of each kept constituent, per jet (empty arrays when X has no pid column). */
  pids: Int32Array[];
}

/**
 * Converts EnergyFlow-style (pt, y, φ, pid) arrays to events: px = pt cos φ, py = pt sin φ, pz = m_T sinh y,
 * E = m_T cosh y with m_T = sqrt(pt² + m²).
 * @param arrays - `X` (float, shape [n, m, 3 or 4]) and `y` (shape [n]) as read by tensor-core's readNpz
 * @param options - mass assignment, key names, tolerance
 * @param source - file name for error messages
 * @returns events, labels and PDG ids
 * @throws DataFormatError naming a missing array or a wrong shape; InvalidParticleError naming the jet and constituent
 * @example
 * ```ts
 * const { events, labels } = quarkGluonFromArrays(await readNpz('QG_jets.npz'));
 * ```
 */
export function quarkGluonFromArrays(arrays: Readonly<Record<string, NdArray>>, options: QuarkGluonOptions = {}, source = '<npz>'): QuarkGluonJets {
  const xKey = options.xKey ?? 'X';
  const yKey = options.yKey ?? 'y';
  const X = arrays[xKey];
  const Y = arrays[yKey];
  const found = Object.keys(arrays).join(', ') || 'none';
  if (!X) throw new DataFormatError(source, `no array "${xKey}" (found: ${found}); EnergyFlow files hold X[n, m, (pt, y, phi, pid)] and y[n]`, xKey);
  if (!Y) throw new DataFormatError(source, `no array "${yKey}" (found: ${found}); EnergyFlow files hold X[n, m, (pt, y, phi, pid)] and y[n]`, yKey);
  const [n, m, f] = X.shape;
  if (X.shape.length !== 3 || (f !== 3 && f !== 4)) {
    throw new DataFormatError(source, `"${xKey}" has shape [${X.shape.join(', ')}]; expected [jets, constituents, 4] with columns (pt, y, phi, pid), or 3 without pid`, xKey);
  }
  if (X.dtype === 'int64' || X.dtype === 'bool') throw new DataFormatError(source, `"${xKey}" has dtype ${X.dtype}; expected a float array`, xKey);
  if (Y.shape.length !== 1 || Y.shape[0] !== n) throw new DataFormatError(source, `"${yKey}" has shape [${Y.shape.join(', ')}]; expected [${n}] (one label per jet)`, yKey);
  const masses = f === 4 && (options.masses ?? 'pid') === 'pid';
  const tol = checkEnergyTolerance(options.energyTolerance);
  const x = X.data as ArrayLike<number>;
  const y = Y.data as ArrayLike<number | bigint>;
  const events: ParticleEvent[] = [];
  const pids: Int32Array[] = [];
  const labels = new Uint8Array(n!);
  for (let j = 0; j < n!; j++) {
    const label = Number(y[j]);
    if (label !== 0 && label !== 1) throw new DataFormatError(source, `label ${label} is neither 0 nor 1`, `${yKey}[${j}]`);
    labels[j] = label;
    const mom: number[] = [];
    const ids: number[] = [];
    for (let c = 0; c < m!; c++) {
      const o = (j * m! + c) * f!;
      const pt = x[o]!;
      if (pt === 0) continue; // padding
      const rap = x[o + 1]!;
      const phi = x[o + 2]!;
      const pid = f === 4 ? x[o + 3]! : 0;
      const mass = masses ? (PID_MASSES[Math.abs(Math.round(pid))] ?? 0) : 0;
      const mt = mass === 0 ? pt : Math.sqrt(pt * pt + mass * mass);
      const px = pt * Math.cos(phi);
      const py = pt * Math.sin(phi);
      const pz = mt * Math.sinh(rap);
      const e = mt * Math.cosh(rap);
      const problem = particleProblem(px, py, pz, e, tol);
      if (problem) throw particleError(mom.length / 4, problem, { event: j, file: source, location: `${xKey}[${j}, ${c}] = (${pt}, ${rap}, ${phi}${f === 4 ? `, ${pid}` : ''})` });
      mom.push(px, py, pz, e);
      if (f === 4) ids.push(Math.round(pid));
    }
    events.push(new ParticleEvent(Float64Array.from(mom), { validate: false }));
    pids.push(Int32Array.from(ids));
  }
  return { events, labels, pids };
}

/**
 * Reads an EnergyFlow-style quark/gluon .npz file (e.g. `QG_jets.npz`) through tensor-core's readNpz.
 * @param path - the .npz file
 * @param options - mass assignment, key names, tolerance
 * @returns events, labels and PDG ids
 * @example
 * ```ts
 * const { events, labels } = await readQuarkGluonNpz('QG_jets.npz');
 * const jet = clusterJets(events[0], jetDefinition('antikt', 0.4))[0];
 * ```
 */
export async function readQuarkGluonNpz(path: string, options: QuarkGluonOptions = {}): Promise<QuarkGluonJets> {
  if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('path', 'path must be a file name.');
  return quarkGluonFromArrays(await readNpz(path), options, basename(path));
}
