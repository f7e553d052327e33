/**
 * The hard objects a generated event starts from: a back-to-back pair of quarks, gluons, W bosons or top quarks at high
 * transverse momentum, with the W and top decays done at parton level.
 * @packageDocumentation
 */
import { InvalidArgumentError, type Rng } from '@lab/tensor-core';
import { FourMomentum } from '../particles/four-momentum';
import { boostFromRest, boostToRest, unitDirection, type Direction, type Vec4, type Vec4Like } from './lorentz';
import type { ShowerInput, ShowerParton, ShowerSystem } from './parton-shower';
import { PARTICLE_DATA, PDG_ID, partonMass } from './particle-data';
import { isotropicDirection, polarisedDirection, sampleBreitWigner, topDecayWHelicities, twoBodyDecay, type WHelicityFractions } from './two-body-decay';

/**
 * The jet a generated event is made for: a light quark, a gluon, a hadronic W, or a hadronic top.
 *
 * @remarks `w` and `top` are the signal of the W/QCD and top/QCD tasks; `quark` and `gluon` the two classes of the q/g task.
 * @example
 * ```ts
 * const kind: JetKind = 'top';
 * ```
 */
export type JetKind = 'quark' | 'gluon' | 'w' | 'top';

/**
 * Every {@link JetKind}.
 *
 * @remarks The order is the one error messages list.
 * @example
 * ```ts
 * for (const kind of JET_KINDS) generateJets(kind, 100, { seed: 1 });
 * ```
 */
export const JET_KINDS: readonly JetKind[] = Object.freeze(['quark', 'gluon', 'w', 'top'] as const);

/**
 * Angular distribution of W → qq̄' for W bosons produced in pairs (kind `w`); W bosons from top decays always use the
 * top's helicity fractions.
 * @remarks θ* is measured for the down-type member relative to the W direction in the pair rest frame.
 * @example
 * ```ts
 * jetSource('w', rng, { wDecay: 'longitudinal' });
 * ```
 */
export type WDecayAngles = 'isotropic' | 'longitudinal' | 'transverse';

/**
 * Options of {@link jetSource}.
 *
 * @remarks The rapidity spread does not matter for substructure (boost invariance along the beam) but exercises the code paths.
 * @example
 * ```ts
 * jetSource('quark', rng, { ptRange: [1000, 1200], rapidityMax: 0 });
 * ```
 */
export interface JetSourceOptions {
  /** Range of the hard objects' transverse momentum (GeV), drawn uniformly. @default [500, 700] */
  ptRange?: readonly [number, number];
  /** The first object's rapidity is uniform in [−rapidityMax, rapidityMax]; its partner has the opposite. @default 1 */
  rapidityMax?: number;
  /** W → qq̄' angles for kind `w`. @default 'isotropic' */
  wDecay?: WDecayAngles;
}

/**
 * Defaults of {@link jetSource}.
 *
 * @remarks Frozen.
 * @example
 * ```ts
 * DEFAULT_JET_SOURCE_OPTIONS.ptRange; // [500, 700]
 * ```
 */
export const DEFAULT_JET_SOURCE_OPTIONS = Object.freeze({
  ptRange: Object.freeze([500, 700] as const),
  rapidityMax: 1,
  wDecay: 'isotropic' as WDecayAngles,
});

/**
 * The starting point of one event: hard partons grouped in shower systems, and the hard objects.
 *
 * @remarks Pass it to {@link runPartonShower} as it is.
 * @example
 * ```ts
 * const source = jetSource('w', rng);
 * const shower = runPartonShower(source, rng);
 * ```
 */
export interface JetSource extends ShowerInput {
  /** The kind of jet this event is made for. */
  kind: JetKind;
  /** The two hard objects (q q̄, g g, W⁺ W⁻ or t t̄), the first being the seed; both give jets of `kind`. */
  objects: FourMomentum[];
}

/**
 * Checks a jet kind.
 * @param kind - `quark`, `gluon`, `w` or `top` (case-insensitive)
 * @returns the kind
 * @throws InvalidArgumentError listing the supported kinds
 * @example
 * ```ts
 * parseJetKind('W'); // 'w'
 * ```
 * @remarks For command-line and file input; the typed API takes {@link JetKind}.
 */
export function parseJetKind(kind: string): JetKind {
  const k = String(kind).toLowerCase();
  if ((JET_KINDS as readonly string[]).includes(k)) return k as JetKind;
  throw new InvalidArgumentError('kind', `Unsupported jet kind "${kind}". Supported: ${JET_KINDS.join(', ')}.`);
}

/**
 * Builds the hard partons of one event.
 *
 * @remarks
 * Each event holds two hard objects with equal transverse momentum p⊥ (uniform in `ptRange`), back to back in azimuth,
 * at rapidities y and −y (y uniform in ±`rapidityMax`), like a heavy colour-singlet resonance decaying to a pair, so that
 * both leading jets are of the requested kind and the event's four-momentum is conserved:
 * - `quark`: a light q q̄ pair (d, u or s), one colour dipole; shower start scale p⊥².
 * - `gluon`: a colour-singlet g g pair, two dipoles; start scale p⊥².
 * - `w`: W⁺ W⁻, masses from a Breit–Wigner (80.4, Γ = 2.1, ±10Γ); each decays to u d̄ or c s̄ (W⁻: d ū or s c̄),
 *   isotropically in its rest frame by default (`wDecay`), each W a colour singlet shower system with scale m_W².
 * - `top`: t t̄ (172.7, Γ = 1.4, ±10Γ); t → b W⁺ isotropically in the top rest frame (b mass 4.8; W mass below m_t − m_b),
 *   then W → qq̄' with the angle θ* of the down-type member to the W direction (top frame) drawn from the LO helicity
 *   fractions F0 = m_t²/(m_t² + 2m_W²), F− = 1 − F0, F+ = 0. The b is colour-connected to the b̄ of the other top; its
 *   shower system recoils against its W system (as a whole), keeping m_t.
 *
 * @param kind - the jet kind
 * @param rng - the random generator
 * @param options - p⊥ range, rapidity range, W decay angles
 * @returns the partons, systems and hard objects
 * @throws InvalidArgumentError for an unknown kind or bad options
 * @example
 * ```ts
 * const source = jetSource('top', new Rng(1));
 * source.objects[0]!.mass;   // ≈ 172.7
 * source.partons.length;     // 6: b, q, q̄' and b̄, q, q̄'
 * ```
 */
export function jetSource(kind: JetKind, rng: Rng, options: JetSourceOptions = {}): JetSource {
  const k = parseJetKind(kind);
  const [ptLo, ptHi] = options.ptRange ?? DEFAULT_JET_SOURCE_OPTIONS.ptRange;
  if (!(Number.isFinite(ptLo) && Number.isFinite(ptHi) && ptLo > 0 && ptHi >= ptLo)) {
    throw new InvalidArgumentError('ptRange', `ptRange must be [min, max] with 0 < min ≤ max (GeV); received [${String(ptLo)}, ${String(ptHi)}].`);
  }
  const yMax = options.rapidityMax ?? DEFAULT_JET_SOURCE_OPTIONS.rapidityMax;
  if (!(yMax >= 0) || !Number.isFinite(yMax)) {
    throw new InvalidArgumentError('rapidityMax', `rapidityMax must be a finite number ≥ 0; received ${String(yMax)}.`);
  }
  const wDecay = options.wDecay ?? DEFAULT_JET_SOURCE_OPTIONS.wDecay;
  if (!['isotropic', 'longitudinal', 'transverse'].includes(wDecay)) {
    throw new InvalidArgumentError('wDecay', `Unsupported wDecay "${String(wDecay)}". Supported: isotropic, longitudinal, transverse.`);
  }

  const pt = ptLo + (ptHi - ptLo) * rng.uniform();
  const y = yMax * (2 * rng.uniform() - 1);
  const phi = 2 * Math.PI * rng.uniform();
  const builder = new SourceBuilder();

  if (k === 'quark' || k === 'gluon') {
    const a = FourMomentum.fromPtYPhiM(pt, y, phi, 0);
    const b = FourMomentum.fromPtYPhiM(pt, -y, phi + Math.PI, 0);
    const system = builder.system({ tStart: pt * pt, label: k === 'quark' ? 'qqbar' : 'gg' });
    if (k === 'quark') {
      const f = 1 + rng.int(3);
      const tag = builder.tag();
      builder.parton(a, f, tag, 0, system);
      builder.parton(b, -f, 0, tag, system);
    } else {
      const t1 = builder.tag();
      const t2 = builder.tag();
      builder.parton(a, PDG_ID.gluon, t1, t2, system);
      builder.parton(b, PDG_ID.gluon, t2, t1, system);
    }
    return { kind: k, partons: builder.partons, systems: builder.systems, objects: [a, b] };
  }

  if (k === 'w') {
    const w = PARTICLE_DATA;
    const ma = sampleBreitWigner(rng, w.wMass, w.wWidth);
    const mb = sampleBreitWigner(rng, w.wMass, w.wWidth);
    const a = FourMomentum.fromPtYPhiM(pt, y, phi, ma);
    const b = FourMomentum.fromPtYPhiM(pt, -y, phi + Math.PI, mb);
    const pair = a.add(b);
    const fractions = pairWFractions(wDecay);
    builder.decayW(a, ma, +1, pair, fractions, rng);
    builder.decayW(b, mb, -1, pair, fractions, rng);
    return { kind: k, partons: builder.partons, systems: builder.systems, objects: [a, b] };
  }

  const d = PARTICLE_DATA;
  const mt1 = sampleBreitWigner(rng, d.topMass, d.topWidth);
  const mt2 = sampleBreitWigner(rng, d.topMass, d.topWidth);
  const t = FourMomentum.fromPtYPhiM(pt, y, phi, mt1);
  const tbar = FourMomentum.fromPtYPhiM(pt, -y, phi + Math.PI, mt2);
  const tag = builder.tag();
  builder.decayTop(t, mt1, +1, tag, rng);
  builder.decayTop(tbar, mt2, -1, tag, rng);
  return { kind: k, partons: builder.partons, systems: builder.systems, objects: [t, tbar] };
}

function pairWFractions(angles: WDecayAngles): WHelicityFractions | undefined {
  if (angles === 'longitudinal') return { longitudinal: 1, left: 0, right: 0 };
  if (angles === 'transverse') return { longitudinal: 0, left: 0.5, right: 0.5 };
  return undefined;
}

/**
 * Decays `parent` (lab) into masses m1, m2 in the frame `frame` (lab momentum): daughter 1's direction in the parent rest
 * frame, reached from `frame` by a pure boost, is drawn by `direction(axis)` with axis = the parent's direction in `frame`.
 */
function decayInFrame(parent: Vec4Like, parentMass: number, frame: Vec4Like, m1: number, m2: number, direction: (axis: Direction) => Direction): [Vec4, Vec4] {
  const inFrame = boostToRest(parent, frame);
  const axis = unitDirection(inFrame);
  const [d1, d2] = twoBodyDecay(inFrame, m1, m2, direction(axis), parentMass);
  return [boostFromRest(d1, frame), boostFromRest(d2, frame)];
}

class SourceBuilder {
  readonly partons: ShowerParton[] = [];
  readonly systems: ShowerSystem[] = [];
  private nextTag = 1;

  tag(): number {
    return this.nextTag++;
  }

  system(fields: Omit<ShowerSystem, 'id'>): number {
    const id = this.systems.length;
    this.systems.push({ id, ...fields });
    return id;
  }

  parton(p: Vec4Like, id: number, col: number, acol: number, system: number): void {
    this.partons.push({ px: p.px, py: p.py, pz: p.pz, e: p.e, id, m: partonMass(id), col, acol, system });
  }

  /**
   * W⁺ (sign +1) → u d̄ or c s̄, W⁻ → d ū or s c̄, in its own colour-singlet system; θ* of the down-type member relative
   * to the W direction in `frame` follows `fractions` (isotropic when undefined). Returns the system id.
   */
  decayW(w: Vec4Like, mass: number, sign: 1 | -1, frame: Vec4Like, fractions: WHelicityFractions | undefined, rng: Rng): number {
    const system = this.system({ tStart: mass * mass, label: sign > 0 ? 'W+' : 'W-' });
    const generation = rng.int(2);
    const up = generation === 0 ? PDG_ID.u : PDG_ID.c;
    const down = generation === 0 ? PDG_ID.d : PDG_ID.s;
    const direction = fractions ? (axis: Direction) => polarisedDirection(rng, axis, fractions) : () => isotropicDirection(rng);
    // daughter 1 is the down-type member (d̄ for W⁺, d for W⁻)
    const [dn, upP] = decayInFrame(w, mass, frame, partonMass(down), partonMass(up), direction);
    const tag = this.tag();
    if (sign > 0) {
      this.parton(upP, up, tag, 0, system);
      this.parton(dn, -down, 0, tag, system);
    } else {
      this.parton(dn, down, tag, 0, system);
      this.parton(upP, -up, 0, tag, system);
    }
    return system;
  }

  /** t (sign +1, colour `tag`) → b W⁺, or t̄ (anticolour `tag`) → b̄ W⁻, then the W decay. */
  decayTop(top: Vec4Like, mt: number, sign: 1 | -1, tag: number, rng: Rng): void {
    const d = PARTICLE_DATA;
    const mw = sampleBreitWigner(rng, d.wMass, d.wWidth, { max: Math.min(d.wMass + 10 * d.wWidth, mt - d.bMass - 1e-6) });
    const [wP, bP] = twoBodyDecay(top, mw, d.bMass, isotropicDirection(rng), mt);
    const wSystem = this.decayW(wP, mw, sign, top, topDecayWHelicities(mt, mw), rng);
    const system = this.system({ tStart: mt * mt, recoilSystem: wSystem, label: sign > 0 ? 'top' : 'antitop' });
    if (sign > 0) this.parton(bP, PDG_ID.b, tag, 0, system);
    else this.parton(bP, -PDG_ID.b, 0, tag, system);
  }
}
