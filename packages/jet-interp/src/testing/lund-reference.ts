/**
 * Test helper (not part of the public API): runs tools/lund-driver.cc (libfastjet) on jets and parses its output, and
 * provides the jets both parity tests use.
 * @packageDocumentation
 */
import { Rng } from '@lab/tensor-core';
import { generateJets } from '../generator/generate-jets';
import { formatFastJetEvents } from '../io/fastjet-text';
import { ParticleEvent } from '../particles/particle-event';
import { LUND_DRIVER_SOURCE, buildFastJetDriver, runFastJetDriver, type DriverBuild } from './fastjet-reference';
import { randomJet } from './random-jets';

/** One primary declustering as libfastjet gives it. */
export interface DriverSplitting {
  pair: number;
  harder: number;
  softer: number;
  delta: number;
  kt: number;
  z: number;
  psi: number;
  m: number;
}

/** The driver's results for one jet. */
export interface DriverJetResult {
  n: number;
  primary: DriverSplitting[];
  /** n → exclusive-kt axes [rap, phi, pt], sorted by pt. */
  axes: Map<number, [number, number, number][]>;
  /** n → [Σ p⊥ min ΔR, Σ p⊥ min ΔR², Σ p⊥]. */
  tau: Map<number, [number, number, number]>;
  /** [κ, β, λ] about the jet axis with R = 0.8. */
  angularities: [number, number, number][];
}

/**
 * Builds the Lund driver once.
 * @returns the build or why there is none
 */
export function buildLundDriver(): DriverBuild {
  return buildFastJetDriver(LUND_DRIVER_SOURCE);
}

/**
 * Runs the driver on jets (one event per jet) and parses its output.
 * @param binary - the built driver
 * @param jets - the jets' constituents
 * @returns one result per jet
 */
export function runLundDriver(binary: string, jets: readonly ParticleEvent[]): DriverJetResult[] {
  const out: DriverJetResult[] = [];
  let cur: DriverJetResult | undefined;
  for (const line of runFastJetDriver(binary, [], formatFastJetEvents(jets)).split('\n')) {
    const f = line.trim().split(/\s+/);
    const num = f.slice(1).map(Number);
    switch (f[0]) {
      case 'E':
        cur = { n: num[1]!, primary: [], axes: new Map(), tau: new Map(), angularities: [] };
        out.push(cur);
        break;
      case 'P': {
        const [pair, harder, softer, delta, kt, z, psi, m] = num as [number, number, number, number, number, number, number, number];
        cur!.primary.push({ pair, harder, softer, delta, kt, z, psi, m });
        break;
      }
      case 'A': {
        const list = cur!.axes.get(num[0]!) ?? [];
        list.push([num[2]!, num[3]!, num[4]!]);
        cur!.axes.set(num[0]!, list);
        break;
      }
      case 'T':
        cur!.tau.set(num[0]!, [num[1]!, num[2]!, num[3]!]);
        break;
      case 'L':
        cur!.angularities.push([num[0]!, num[1]!, num[2]!]);
        break;
      default:
        break;
    }
  }
  return out;
}

/**
 * The jets of the parity tests: generated W, top, quark and gluon jets, random jets of 2 to 150 particles (some near
 * φ = 0), and small hand-made ones.
 * @returns the jets' constituents
 */
export function parityJets(): ParticleEvent[] {
  const jets: ParticleEvent[] = [];
  for (const [kind, seed] of [['w', 1], ['top', 2], ['quark', 3], ['gluon', 4]] as const) {
    for (const j of generateJets(kind, 6, { seed })) jets.push(j.constituents);
  }
  const rng = new Rng(77);
  for (const n of [2, 3, 4, 5, 8, 13, 30, 60, 150]) {
    jets.push(ParticleEvent.fromMomenta(randomJet(rng, { n, y: rng.uniformRange(-2, 2), phi: rng.uniformRange(0, 2 * Math.PI) })));
    jets.push(ParticleEvent.fromMomenta(randomJet(rng, { n, y: rng.uniformRange(-2, 2), phi: 0.05, spread: 0.4 })));
  }
  return jets;
}
