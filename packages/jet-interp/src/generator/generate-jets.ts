/**
 * Samples of generated jets: one leading anti-kt jet per generated event.
 * @packageDocumentation
 */
import { InvalidArgumentError, Rng, throttleProgress, type WithProgress } from '@lab/tensor-core';
import { ClusterSequence } from '../cluster/cluster-sequence';
import { jetDefinition } from '../cluster/jet-definition';
import { FourMomentum } from '../particles/four-momentum';
import type { ParticleEvent } from '../particles/particle-event';
import { generateJetEvent, type JetEventOptions } from './generate-jet-event';
import { parseJetKind, type JetKind } from './jet-source';

/**
 * Options of {@link generateJets}.
 *
 * @remarks `rng` wins over `seed`; with `rng`, successive calls continue one stream.
 * @example
 * ```ts
 * generateJets('top', 500, { seed: 3, jetRadius: 1.0, onProgress: console.log });
 * ```
 */
export interface GenerateJetsOptions extends JetEventOptions, WithProgress {
  /** Seed of the random generator (a safe integer). @default 0 */
  seed?: number;
  /** A generator to draw from instead of a new `Rng(seed)` (it advances). */
  rng?: Rng;
  /** Anti-kt radius R. @default 0.8 */
  jetRadius?: number;
}

/**
 * A generated jet.
 *
 * @remarks `constituents` is a compact copy of the jet's particles; recluster it (e.g. with C/A) for trees and Lund planes.
 * @example
 * ```ts
 * const [jet] = generateJets('w', 1, { seed: 1 });
 * new ClusterSequence(jet.constituents, jetDefinition('ca', 10)).exclusiveJets(1);
 * ```
 */
export interface GeneratedJet {
  /** The kind of jet. */
  kind: JetKind;
  /** The jet's four-momentum (E-scheme sum of its constituents). */
  momentum: FourMomentum;
  /** The jet's constituents (pions). */
  constituents: ParticleEvent;
  /** The hard object (quark, gluon, W or top) closest to the jet in (y, φ), for truth matching. */
  object: FourMomentum;
  /** Index of the event the jet comes from. */
  event: number;
}

/**
 * The leading (highest-p⊥) anti-kt jet of an event.
 * @param particles - the event
 * @param radius - anti-kt R @default 0.8
 * @returns the jet's four-momentum and constituents, or undefined for an empty event
 * @example
 * ```ts
 * const jet = leadingAntiKtJet(generateJetEvent('top', new Rng(1)).particles);
 * jet?.momentum.mass; // ≈ 173 for most top jets
 * ```
 * @remarks Uses the package's FastJet-exact `ClusterSequence`; the whole event is clustered, no p⊥ cut.
 */
export function leadingAntiKtJet(particles: ParticleEvent, radius = 0.8): { momentum: FourMomentum; constituents: ParticleEvent } | undefined {
  const seq = new ClusterSequence(particles, jetDefinition('antikt', radius));
  const [jet] = seq.inclusiveJets(0);
  if (!jet) return undefined;
  return { momentum: new FourMomentum(jet.px, jet.py, jet.pz, jet.e), constituents: particles.select(jet.constituents()) };
}

/**
 * Generates `count` events of one kind and returns the leading anti-kt (R = 0.8) jet of each.
 *
 * @remarks
 * A generator for method development (demos, tests, the default models), not a substitute for Pythia + Delphes; real data
 * goes through the readers. Each event holds two hard objects of the kind, so the leading jet is of that kind (a hard
 * wide-angle emission can occasionally take the lead in `quark` and `gluon` events, as in real dijets). The same seed
 * and options give the same jets. Roughly 500–1500 jets/s on one core, depending on the kind (gluon jets are the slowest).
 *
 * @param kind - `quark`, `gluon`, `w` or `top`
 * @param count - number of jets (integer ≥ 0)
 * @param options - seed or rng, jet radius, progress callback, and the {@link JetEventOptions}
 * @returns the jets, in event order
 * @throws InvalidArgumentError for an unknown kind, a bad count, seed or radius
 * @example
 * ```ts
 * const wJets = generateJets('w', 1000, { seed: 1, onProgress: (e) => console.log(e.completed, e.total) });
 * wJets[0]!.momentum.mass;        // ≈ 80
 * wJets[0]!.constituents.size;    // the jet's pions
 * ```
 */
export function generateJets(kind: JetKind, count: number, options: GenerateJetsOptions = {}): GeneratedJet[] {
  const k = parseJetKind(kind);
  if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError('count', `count must be an integer ≥ 0; received ${String(count)}.`);
  const radius = options.jetRadius ?? 0.8;
  if (typeof radius !== 'number' || !(radius > 0) || !Number.isFinite(radius)) {
    throw new InvalidArgumentError('jetRadius', `jetRadius must be a finite number > 0; received ${String(radius)}.`);
  }
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const progress = throttleProgress(options.onProgress);
  const label = `generating ${k} jets`;
  const jets: GeneratedJet[] = [];
  progress({ completed: 0, total: count, label });
  for (let event = 0; jets.length < count; event++) {
    const generated = generateJetEvent(k, rng, options);
    const jet = leadingAntiKtJet(generated.particles, radius);
    if (!jet) continue;
    let object = generated.objects[0]!;
    let best = Number.POSITIVE_INFINITY;
    for (const o of generated.objects) {
      const d = o.deltaR2(jet.momentum);
      if (d < best) {
        best = d;
        object = o;
      }
    }
    jets.push({ kind: k, momentum: jet.momentum, constituents: jet.constituents, object, event });
    progress({ completed: jets.length, total: count, label });
  }
  return jets;
}
