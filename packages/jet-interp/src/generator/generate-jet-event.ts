/**
 * One generated event: hard objects, parton shower, cluster hadronisation.
 * @packageDocumentation
 */
import type { Rng } from '@lab/tensor-core';
import type { FourMomentum } from '../particles/four-momentum';
import { ParticleEvent } from '../particles/particle-event';
import { clusterHadronise, type HadronisationOptions } from './cluster-hadronisation';
import { jetSource, type JetKind, type JetSourceOptions } from './jet-source';
import { runPartonShower, type PartonShowerOptions, type ShowerParton } from './parton-shower';

/**
 * Options of {@link generateJetEvent}: the hard objects, the shower and the hadronisation.
 *
 * @remarks All fields are optional; the defaults are those the physics tests check.
 * @example
 * ```ts
 * generateJetEvent('gluon', rng, { ptRange: [300, 400], shower: { ptMin: 2 } });
 * ```
 */
export interface JetEventOptions extends JetSourceOptions {
  /** Shower cut-off, coupling, flavours. */
  shower?: PartonShowerOptions;
  /** Cluster fission and hadron mass. */
  hadronisation?: HadronisationOptions;
}

/**
 * One generated event.
 *
 * @remarks `partons` keeps the shower's colour tags and systems, for studies of what the hadrons came from.
 * @example
 * ```ts
 * const { particles, objects } = generateJetEvent('w', rng);
 * ```
 */
export interface GeneratedJetEvent {
  /** The kind of jet the event was made for. */
  kind: JetKind;
  /** The final-state hadrons (pions), validated four-momenta. */
  particles: ParticleEvent;
  /** The two hard objects (q q̄, g g, W⁺ W⁻, t t̄), seed first. */
  objects: readonly FourMomentum[];
  /** The partons before the shower (after W and top decays). */
  hardPartons: readonly ShowerParton[];
  /** The partons after the shower. */
  partons: readonly ShowerParton[];
  /** Number of shower emissions. */
  emissions: number;
}

/**
 * Generates one event for method development: two hard objects of the requested kind ({@link jetSource}), the dipole
 * parton shower ({@link runPartonShower}) and the cluster hadronisation ({@link clusterHadronise}).
 *
 * @remarks
 * A generator for developing and testing methods, not a substitute for Pythia + Delphes: no initial-state radiation,
 * underlying event, pile-up, hadron decays or detector. Real data goes through the readers. The event's total
 * four-momentum equals the sum of the two hard objects to rounding.
 *
 * @param kind - `quark`, `gluon`, `w` or `top`
 * @param rng - the random generator (all randomness comes from it)
 * @param options - hard-object, shower and hadronisation options
 * @returns the hadrons and the parton-level record
 * @throws InvalidArgumentError for an unknown kind or bad options
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const event = generateJetEvent('w', rng);
 * event.particles.size;          // ~150 pions from the two W jets
 * event.particles.total().mass;  // = (W⁺ + W⁻).mass
 * ```
 */
export function generateJetEvent(kind: JetKind, rng: Rng, options: JetEventOptions = {}): GeneratedJetEvent {
  const source = jetSource(kind, rng, options);
  const shower = runPartonShower(source, rng, options.shower);
  const { hadrons } = clusterHadronise(shower.partons, rng, options.hadronisation);
  return {
    kind: source.kind,
    particles: new ParticleEvent(hadrons),
    objects: source.objects,
    hardPartons: source.partons,
    partons: shower.partons,
    emissions: shower.emissions.length,
  };
}
