/**
 * A simple cluster hadronisation: colour-adjacent partons form colour-singlet clusters, which split while heavy and decay
 * into pions, conserving four-momentum exactly.
 * @packageDocumentation
 */
import { InvalidArgumentError, LabError, type Rng } from '@lab/tensor-core';
import { boostFromRest, boostToRest, mass2, scale4, unitDirection, type Vec4 } from './lorentz';
import type { ShowerParton } from './parton-shower';
import { PARTICLE_DATA } from './particle-data';
import { isotropicDirection, twoBodyDecay, twoBodyMomentum } from './two-body-decay';

/**
 * Options of {@link clusterHadronise}.
 *
 * @remarks The defaults give about 26 constituents in a quark jet and 43 in a gluon jet at 500–700 GeV.
 * @example
 * ```ts
 * clusterHadronise(partons, rng, { fissionMass: 2 }); // fewer, harder pions
 * ```
 */
export interface HadronisationOptions {
  /** Clusters heavier than this (GeV) split in two before decaying. @default 1 */
  fissionMass?: number;
  /**
   * Shape of the fission masses: each child mass is m_min + (M/2 − m_min)·u^(1/exponent), u uniform; larger values give
   * heavier children and fewer hadrons. @default 1
   */
  fissionExponent?: number;
  /** The mass of every hadron (GeV). @default PARTICLE_DATA.pionMass */
  hadronMass?: number;
}

/**
 * Defaults of the hadronisation.
 *
 * @remarks Frozen.
 * @example
 * ```ts
 * DEFAULT_HADRONISATION_OPTIONS.fissionMass; // 1 GeV
 * ```
 */
export const DEFAULT_HADRONISATION_OPTIONS = Object.freeze({
  fissionMass: 1,
  fissionExponent: 1,
  hadronMass: PARTICLE_DATA.pionMass,
});

/**
 * What {@link clusterHadronise} returns.
 *
 * @remarks Wrap `hadrons` in a `ParticleEvent` to cluster them.
 * @example
 * ```ts
 * const event = new ParticleEvent(clusterHadronise(partons, rng).hadrons);
 * ```
 */
export interface HadronisationResult {
  /** Hadron four-momenta `[px, py, pz, E, …]`, every hadron with mass `hadronMass`. */
  hadrons: Float64Array;
  /** Number of clusters that decayed (hadrons / 2). */
  clusters: number;
  /** Number of too-light clusters merged with a neighbour. */
  merged: number;
}

interface Cluster {
  p: Vec4;
  /** The quark-side end; its direction in the cluster rest frame is the fission axis. */
  q: Vec4;
}

/**
 * Turns showered partons into pions with a cluster model in the spirit of cluster hadronisation (not a tune of any).
 *
 * @remarks
 * 1. Colour chains are followed from each quark to its antiquark, and around closed gluon loops.
 * 2. Every gluon splits non-perturbatively into a collinear massless quark–antiquark pair sharing its momentum with a
 *    uniform fraction; each quark end then joins the antiquark end of its colour neighbour into a colour-singlet cluster.
 * 3. A cluster below twice the hadron mass merges with the colour neighbour that gives the lightest combination (or, alone
 *    in its chain, with the cluster anywhere in the event that does: a minimal colour reconnection).
 * 4. A cluster above `fissionMass` splits in its rest frame into two clusters moving along its quark–antiquark axis, with
 *    masses drawn as described by `fissionExponent`; repeated until all are light enough.
 * 5. Each cluster decays isotropically in its rest frame into two hadrons of mass `hadronMass` (pions; no flavour, charge or
 *    resonance structure, no heavy hadrons: b quarks end up in pions too).
 *
 * Every step conserves four-momentum exactly, so the hadrons' sum equals the partons' sum to rounding (≈1e-12 relative).
 *
 * @param partons - the final partons of {@link runPartonShower}
 * @param rng - the random generator
 * @param options - fission mass and exponent, hadron mass
 * @returns the hadron momenta and counts
 * @throws LabError `GENERATOR_COLOUR` when the colour tags do not form chains
 * @throws InvalidArgumentError for bad options
 * @example
 * ```ts
 * const shower = runPartonShower(input, rng);
 * const { hadrons } = clusterHadronise(shower.partons, rng);
 * const event = new ParticleEvent(hadrons);
 * ```
 */
export function clusterHadronise(partons: readonly ShowerParton[], rng: Rng, options: HadronisationOptions = {}): HadronisationResult {
  const fissionMass = options.fissionMass ?? DEFAULT_HADRONISATION_OPTIONS.fissionMass;
  const exponent = options.fissionExponent ?? DEFAULT_HADRONISATION_OPTIONS.fissionExponent;
  const hadronMass = options.hadronMass ?? DEFAULT_HADRONISATION_OPTIONS.hadronMass;
  if (!(hadronMass > 0) || !Number.isFinite(hadronMass)) {
    throw new InvalidArgumentError('hadronMass', `hadronMass must be a finite number > 0 (GeV); received ${String(hadronMass)}.`);
  }
  const mMin = 2 * hadronMass * (1 + 1e-9);
  if (!(fissionMass > 2 * mMin) || !Number.isFinite(fissionMass)) {
    throw new InvalidArgumentError('fissionMass', `fissionMass must be finite and above four hadron masses (${(2 * mMin).toPrecision(4)} GeV); received ${String(fissionMass)}.`);
  }
  if (!(exponent > 0) || !Number.isFinite(exponent)) {
    throw new InvalidArgumentError('fissionExponent', `fissionExponent must be a finite number > 0; received ${String(exponent)}.`);
  }

  const chains = colourChains(partons);
  const clusterChains: Cluster[][] = [];
  const closedChain: boolean[] = [];
  for (const { members, closed } of chains) {
    // quark-side (colour) and antiquark-side (anticolour) parts of each member
    const qPart: Vec4[] = [];
    const qbarPart: Vec4[] = [];
    for (const i of members) {
      const p = partons[i]!;
      if (p.col && p.acol) {
        const x = rng.uniform();
        qbarPart.push(scale4(p, x));
        qPart.push(scale4(p, 1 - x));
      } else {
        qPart.push(p);
        qbarPart.push(p);
      }
    }
    const n = members.length;
    const list: Cluster[] = [];
    const count = closed ? n : n - 1;
    for (let k = 0; k < count; k++) {
      const q = qPart[k]!;
      const qbar = qbarPart[(k + 1) % n]!;
      list.push({ p: { px: q.px + qbar.px, py: q.py + qbar.py, pz: q.pz + qbar.pz, e: q.e + qbar.e }, q });
    }
    clusterChains.push(list);
    closedChain.push(closed);
  }

  const merged = mergeLightClusters(clusterChains, closedChain, mMin);

  const hadrons: number[] = [];
  let clusters = 0;
  const stack: Cluster[] = clusterChains.flat();
  while (stack.length) {
    const c = stack.pop()!;
    const m = Math.sqrt(Math.max(0, mass2(c.p)));
    if (m > fissionMass) {
      stack.push(...fission(c, m, mMin, exponent, rng));
      continue;
    }
    const [h1, h2] = twoBodyDecay(c.p, hadronMass, hadronMass, isotropicDirection(rng), m);
    hadrons.push(h1.px, h1.py, h1.pz, h1.e, h2.px, h2.py, h2.pz, h2.e);
    clusters++;
  }
  return { hadrons: Float64Array.from(hadrons), clusters, merged };
}

/** A colour chain: parton indices from quark to antiquark, or around a closed gluon loop. */
interface ColourChain {
  members: number[];
  closed: boolean;
}

function colourChains(partons: readonly ShowerParton[]): ColourChain[] {
  const acolOwner = new Map<number, number>();
  partons.forEach((p, i) => {
    if (p.acol) acolOwner.set(p.acol, i);
  });
  const visited = new Uint8Array(partons.length);
  const chains: ColourChain[] = [];
  const follow = (start: number): ColourChain => {
    const members = [start];
    visited[start] = 1;
    let cur = start;
    for (;;) {
      const tag = partons[cur]!.col;
      if (!tag) return { members, closed: false };
      const next = acolOwner.get(tag);
      if (next === undefined) throw new LabError('GENERATOR_COLOUR', `Colour tag ${tag} of parton ${cur} has no anticolour partner.`);
      if (next === start) return { members, closed: true };
      if (visited[next]) throw new LabError('GENERATOR_COLOUR', `Colour chain through parton ${next} is visited twice.`);
      visited[next] = 1;
      members.push(next);
      cur = next;
    }
  };
  partons.forEach((p, i) => {
    if (!p.col && !p.acol) throw new LabError('GENERATOR_COLOUR', `Parton ${i} (id ${p.id}) carries no colour; only quarks and gluons can be hadronised.`);
    if (p.col && !p.acol) {
      const chain = follow(i);
      if (chain.closed) throw new LabError('GENERATOR_COLOUR', `Colour chain from quark ${i} closes on itself.`);
      chains.push(chain);
    }
  });
  partons.forEach((p, i) => {
    if (visited[i]) return;
    if (!p.col) throw new LabError('GENERATOR_COLOUR', `Antiquark ${i} (id ${p.id}) is not reached from any quark.`);
    const chain = follow(i);
    if (!chain.closed) throw new LabError('GENERATOR_COLOUR', `Colour chain from parton ${i} does not close.`);
    chains.push(chain);
  });
  return chains;
}

function combine(a: Cluster, b: Cluster): Cluster {
  return { p: { px: a.p.px + b.p.px, py: a.p.py + b.p.py, pz: a.p.pz + b.p.pz, e: a.p.e + b.p.e }, q: a.q };
}

function pairMass2(a: Cluster, b: Cluster): number {
  return mass2({ px: a.p.px + b.p.px, py: a.p.py + b.p.py, pz: a.p.pz + b.p.pz, e: a.p.e + b.p.e });
}

/** Merges every cluster below mMin into a neighbour; returns the number of merges. */
function mergeLightClusters(chains: Cluster[][], closed: boolean[], mMin: number): number {
  const m2Min = mMin * mMin;
  let merges = 0;
  for (;;) {
    let found = false;
    for (let c = 0; c < chains.length && !found; c++) {
      const list = chains[c]!;
      for (let k = 0; k < list.length; k++) {
        const cl = list[k]!;
        if (mass2(cl.p) >= m2Min) continue;
        found = true;
        merges++;
        const n = list.length;
        if (n > 1) {
          const prev = k > 0 ? k - 1 : closed[c] ? n - 1 : -1;
          const next = k < n - 1 ? k + 1 : closed[c] ? 0 : -1;
          let target = prev;
          if (next >= 0 && next !== k && (target < 0 || pairMass2(cl, list[next]!) < pairMass2(cl, list[target]!))) target = next;
          list[target] = combine(list[target]!, cl);
          list.splice(k, 1);
        } else {
          let bestChain = -1;
          let bestIndex = -1;
          let bestM2 = Number.POSITIVE_INFINITY;
          chains.forEach((other, oc) => {
            if (oc === c) return;
            other.forEach((o, oi) => {
              const m2 = pairMass2(cl, o);
              if (m2 < bestM2) {
                bestM2 = m2;
                bestChain = oc;
                bestIndex = oi;
              }
            });
          });
          if (bestChain < 0) {
            throw new LabError('GENERATOR_HADRONISATION', `The event's total mass ${Math.sqrt(Math.max(0, mass2(cl.p)))} GeV is below two hadron masses; it cannot hadronise.`);
          }
          const target = chains[bestChain]!;
          target[bestIndex] = combine(target[bestIndex]!, cl);
          list.splice(k, 1);
        }
        break;
      }
    }
    if (!found) return merges;
  }
}

/** Splits a heavy cluster in two along its axis, in its rest frame. */
function fission(c: Cluster, m: number, mMin: number, exponent: number, rng: Rng): [Cluster, Cluster] {
  const half = m / 2;
  const m1 = mMin + (half - mMin) * Math.pow(rng.uniform(), 1 / exponent);
  const m2 = mMin + (half - mMin) * Math.pow(rng.uniform(), 1 / exponent);
  const qRest = boostToRest(c.q, c.p, m);
  const n = Math.hypot(qRest.px, qRest.py, qRest.pz) > 0 ? unitDirection(qRest) : ([0, 0, 1] as const);
  const k = twoBodyMomentum(m, m1, m2);
  const e1 = Math.sqrt(k * k + m1 * m1);
  const e2 = Math.sqrt(k * k + m2 * m2);
  const c1: Vec4 = { px: k * n[0], py: k * n[1], pz: k * n[2], e: e1 };
  const c2: Vec4 = { px: -k * n[0], py: -k * n[1], pz: -k * n[2], e: e2 };
  // quark ends: child 1 keeps the quark, moving along +n; child 2's quark end is the massless remainder along +n
  const w1 = (e1 + k) / 2;
  const w2 = (e2 - k) / 2;
  const q1: Vec4 = { px: w1 * n[0], py: w1 * n[1], pz: w1 * n[2], e: w1 };
  const q2: Vec4 = { px: w2 * n[0], py: w2 * n[1], pz: w2 * n[2], e: w2 };
  return [
    { p: boostFromRest(c1, c.p, m), q: boostFromRest(q1, c.p, m) },
    { p: boostFromRest(c2, c.p, m), q: boostFromRest(q2, c.p, m) },
  ];
}
