/**
 * The per-jet commands of `jet-interp`: `generate`, `observables` and `lund`, over FastJet text files.
 * @packageDocumentation
 */
import { InvalidArgumentError, Rng, throttleProgress, type WithProgress } from '@lab/tensor-core';
import { formatG } from '../format/format-g';
import { generateJets } from '../generator/generate-jets';
import type { JetKind } from '../generator/jet-source';
import { leadingAntiKtJet } from '../generator/generate-jets';
import { formatFastJetEvents, readFastJetEvents } from '../io/fastjet-text';
import { lundTree } from '../lund/lund-tree';
import { JET_OBSERVABLE_NAMES, jetObservables } from '../observables/jet-observables';
import type { ParticleEvent } from '../particles/particle-event';

/** Options of {@link generateCommand}. */
export interface GenerateCommandOptions extends WithProgress {
  kind: JetKind;
  jets: number;
  seed?: number;
}

/**
 * Generated jets as FastJet text: one event per jet (its anti-kt R = 0.8 constituents), `#END` after each, in the order
 * generated; the input of `observables`, `lund` and `cluster`.
 * @param options - kind, count, seed, progress
 * @returns the text
 * @throws InvalidArgumentError for a bad count or seed
 * @example
 * ```ts
 * const text = generateCommand({ kind: 'w', jets: 10, seed: 1 });
 * ```
 */
export function generateCommand(options: GenerateCommandOptions): string {
  const jets = generateJets(options.kind, options.jets, { rng: new Rng(options.seed ?? 0), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  return formatFastJetEvents(jets.map((j) => j.constituents));
}

/** How `observables` and `lund` turn an event into a jet. */
export interface EventJetOptions {
  /** `leading`: the hardest anti-kt jet of radius `jetRadius`; `event`: all particles of the event as one jet. @default 'leading' */
  jet?: 'leading' | 'event';
  /** Anti-kt radius for `leading`. @default 0.8 */
  jetRadius?: number;
}

function eventJet(event: ParticleEvent, options: EventJetOptions): ParticleEvent | undefined {
  const mode = options.jet ?? 'leading';
  if (mode === 'event') return event.size > 0 ? event : undefined;
  if (mode !== 'leading') throw new InvalidArgumentError('jet', `--jet must be leading or event; received "${String(mode)}".`);
  return leadingAntiKtJet(event, options.jetRadius ?? 0.8)?.constituents;
}

/** Where each event of `observables` or `lund` goes. */
export type LineSink = (text: string) => Promise<void> | void;

/**
 * Observables of one jet per event, as CSV on `sink`: `event,` then {@link JET_OBSERVABLE_NAMES} (the angularities and
 * τ_N with R = `radius`), 10 significant digits. Events without particles give no row.
 * @param file - a FastJet text file
 * @param options - jet choice, angularity radius, progress
 * @param sink - receives the text
 * @returns events read and rows written
 * @throws the reader's errors for bad files
 * @example
 * ```ts
 * await observablesCommand('w.txt', { jetRadius: 0.8 }, (t) => process.stdout.write(t));
 * ```
 */
export async function observablesCommand(file: string, options: EventJetOptions & WithProgress & { radius?: number }, sink: LineSink): Promise<{ events: number; rows: number }> {
  await sink(`event,${JET_OBSERVABLE_NAMES.join(',')}\n`);
  const progress = throttleProgress(options.onProgress);
  let events = 0;
  let rows = 0;
  for await (const event of readFastJetEvents(file)) {
    const jet = eventJet(event, options);
    if (jet) {
      const obs = jetObservables(jet, { radius: options.radius ?? options.jetRadius ?? 0.8 });
      await sink(`${events},${JET_OBSERVABLE_NAMES.map((n) => formatG(obs[n], 10)).join(',')}\n`);
      rows++;
    }
    events++;
    progress({ completed: events, label: 'events' });
  }
  return { events, rows };
}

/**
 * Lund declusterings of one jet per event, as CSV on `sink`: `event,index,level,parent,ln_inv_delta,ln_kt,delta,kt,z,psi,m`
 * (C/A reclustering; `level` 0 = the primary plane; `--primary` keeps only it), 10 significant digits.
 * @param file - a FastJet text file
 * @param options - jet choice, primary only, progress
 * @param sink - receives the text
 * @returns events read and splittings written
 * @throws the reader's errors for bad files
 * @example
 * ```ts
 * await lundCommand('w.txt', { primary: true }, (t) => process.stdout.write(t));
 * ```
 */
export async function lundCommand(file: string, options: EventJetOptions & WithProgress & { primary?: boolean }, sink: LineSink): Promise<{ events: number; splittings: number }> {
  await sink('event,index,level,parent,ln_inv_delta,ln_kt,delta,kt,z,psi,m\n');
  const progress = throttleProgress(options.onProgress);
  let events = 0;
  let splittings = 0;
  for await (const event of readFastJetEvents(file)) {
    const jet = eventJet(event, options);
    if (jet && jet.size > 1) {
      const tree = lundTree(jet);
      const lines: string[] = [];
      tree.forEach((s, i) => {
        if (options.primary && s.level !== 0) return;
        lines.push(`${events},${i},${s.level},${s.parent},${[s.lnInvDelta, s.lnKt, s.delta, s.kt, s.z, s.psi, s.m].map((v) => formatG(v, 10)).join(',')}\n`);
      });
      splittings += lines.length;
      if (lines.length) await sink(lines.join(''));
    }
    events++;
    progress({ completed: events, label: 'events' });
  }
  return { events, splittings };
}
