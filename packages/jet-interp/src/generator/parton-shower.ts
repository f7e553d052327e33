/**
 * A p⊥-ordered final-state dipole parton shower driven by the Sudakov veto algorithm.
 * @packageDocumentation
 */
import { InvalidArgumentError, type Rng } from '@lab/tensor-core';
import { dipoleEmissionAllowed, dipoleSplitting } from './dipole-kinematics';
import { boostFromRest, boostToRest, mass2, type Vec4 } from './lorentz';
import { PDG_ID, partonMass } from './particle-data';
import { RunningCoupling } from './running-coupling';
import {
  SPLITTING_CHANNELS,
  dipoleEndAcceptance,
  overestimateIntegral,
  sampleOverestimateZ,
  type SplittingChannel,
} from './splitting-functions';

/**
 * A parton of the shower: four-momentum, PDG code, on-shell mass, colour tags and the system it belongs to.
 *
 * @remarks
 * Colour is tracked in the leading-colour (planar) approximation: a quark carries `col`, an antiquark `acol`, a gluon
 * both; parton i is colour-connected to parton j when `i.col === j.acol` (a tag of 0 means none). Chains of such
 * connections run from a quark to an antiquark, or close into gluon loops; they define the dipoles that radiate and the
 * clusters of the hadronisation.
 * @example
 * ```ts
 * const quark: ShowerParton = { px: 0, py: 0, pz: 50, e: 50, id: 2, m: 0, col: 1, acol: 0, system: 0 };
 * ```
 */
export interface ShowerParton extends Vec4 {
  /** PDG code: ±1…±5 quarks, 21 gluon. */
  id: number;
  /** On-shell mass used by the kinematics (see {@link partonMass}). */
  m: number;
  /** Colour tag (0: none). */
  col: number;
  /** Anticolour tag (0: none). */
  acol: number;
  /** Id of the {@link ShowerSystem} the parton belongs to. */
  system: number;
}

/**
 * A set of partons whose total four-momentum the shower conserves: a colour-singlet pair of hard partons, the decay
 * products of a W, or the b-quark side of a top decay.
 * @remarks Systems come from {@link jetSource}; write them by hand only for custom hard processes.
 * @example
 * ```ts
 * const systems: ShowerSystem[] = [{ id: 0, tStart: 80.4 ** 2, label: 'W+' }, { id: 1, tStart: 172.7 ** 2, recoilSystem: 0, label: 'top' }];
 * ```
 */
export interface ShowerSystem {
  /** Identifier referenced by {@link ShowerParton.system}. */
  id: number;
  /** The largest p⊥²_evol (GeV²) of emissions in this system: the hard scale, or the resonance mass squared. */
  tStart: number;
  /**
   * The system that absorbs the recoil when a parton of this system radiates towards a colour partner outside it (the
   * W decay system of a top quark: radiation from the b keeps m_t); its partons are boosted together, so its mass and
   * internal structure are unchanged.
   */
  recoilSystem?: number;
  /** A label for debugging, e.g. `top`, `W+`, `qqbar`. */
  label?: string;
}

/**
 * The partons and systems a shower starts from.
 *
 * @remarks {@link JetSource} is a ShowerInput.
 * @example
 * ```ts
 * runPartonShower(jetSource('w', rng), rng);
 * ```
 */
export interface ShowerInput {
  /** The hard partons (not modified; the shower works on copies). */
  partons: readonly ShowerParton[];
  /** Their systems. */
  systems: readonly ShowerSystem[];
}

/**
 * Options of {@link runPartonShower}.
 *
 * @remarks Lowering `ptMin` or raising αs increases the multiplicities; the physics tests are calibrated on the defaults.
 * @example
 * ```ts
 * runPartonShower(input, rng, { ptMin: 2, coupling: RunningCoupling.oneLoop(0.118) });
 * ```
 */
export interface PartonShowerOptions {
  /** Infrared cut-off on p⊥_evol in GeV; evolution stops below it. @default 1 */
  ptMin?: number;
  /** The strong coupling. @default RunningCoupling.oneLoop(DEFAULT_SHOWER_OPTIONS.alphaSMZ) */
  coupling?: RunningCoupling;
  /** Quark flavours g → qq̄ may produce (d, u, s, c, b in that order; c and b with their masses). @default 5 */
  nfSplit?: number;
  /** The splittings switched on. @default all: q → qg, g → gg, g → qq̄ */
  channels?: readonly SplittingChannel[];
  /** Stop after this many emissions (tests use 1 for the first emission). @default Infinity */
  maxEmissions?: number;
}

/**
 * Defaults of the shower.
 *
 * @remarks Frozen; pass {@link PartonShowerOptions} to change them per call.
 * @example
 * ```ts
 * DEFAULT_SHOWER_OPTIONS.ptMin; // 1 GeV
 * ```
 */
export const DEFAULT_SHOWER_OPTIONS = Object.freeze({
  /** p⊥ cut-off (GeV). */
  ptMin: 1,
  /** αs(M_Z) of the default one-loop coupling, a value typical of final-state shower tunes. */
  alphaSMZ: 0.13,
  /** Flavours open to g → qq̄. */
  nfSplit: 5,
});

/**
 * One accepted emission.
 *
 * @remarks Recorded for every accepted emission; tests use the first one's t.
 * @example
 * ```ts
 * const first = runPartonShower(input, rng, { maxEmissions: 1 }).emissions[0]?.t;
 * ```
 */
export interface ShowerEmission {
  /** p⊥²_evol (GeV²). */
  t: number;
  /** Energy fraction of the radiator-side daughter. */
  z: number;
  /** The splitting. */
  channel: SplittingChannel;
  /** System of the radiator. */
  system: number;
}

/**
 * What {@link runPartonShower} returns.
 *
 * @remarks `trials / emissions.length` measures the efficiency of the overestimates (about 5).
 * @example
 * ```ts
 * const { partons, emissions, trials } = runPartonShower(input, rng);
 * ```
 */
export interface ShowerResult {
  /** The final partons (new objects). */
  partons: ShowerParton[];
  /** The emissions in the order they happened (decreasing t). */
  emissions: ShowerEmission[];
  /** Trial emissions drawn (accepted and vetoed). */
  trials: number;
}

interface End {
  rad: number;
  side: 0 | 1;
  partner: number;
  /** Recoiling parton, or −1 for a recoil system. */
  rec: number;
  group: number;
  radVer: number;
  recVer: number;
  channels: SplittingChannel[];
  integrals: number[];
  total: number;
  zMin: number;
  tMax: number;
  dipoleMass: number;
  recMass: number;
  /** Trial scale; −1 when it must be drawn. */
  trial: number;
  channel: number;
}

/**
 * Runs the final-state parton shower on a set of colour-connected partons.
 *
 * @remarks
 * - Ordering variable: p⊥²_evol = z(1 − z)(Q² − m²_radiator), with Q² the radiator's virtuality after the emission and z
 *   the energy fraction of the radiator-side daughter in the dipole rest frame. All dipole ends evolve together from the
 *   largest system scale down to `ptMin`², one global p⊥-ordered sequence.
 * - Sudakov veto algorithm: each dipole end draws a trial p⊥² from its overestimated no-emission probability
 *   (overestimated kernels {@link dipoleEndOverestimate} on a fixed z range, exact αs, see
 *   {@link RunningCoupling.nextTrialScale}); the highest trial wins; it is accepted with probability
 *   kernel/overestimate × [inside phase space], otherwise its end continues from the rejected scale (the other ends keep
 *   their trials, which is exact because the process is memoryless).
 * - Splittings: q → qg, g → gg, g → qq̄ with {@link dipoleEndKernel} (a gluon has two ends), the quasi-collinear mass
 *   correction for massive radiating quarks, and heavy-quark thresholds from the kinematics.
 * - Recoil: {@link dipoleSplitting}; the recoiler is the colour partner, or for a connection that leaves the system, the
 *   system's `recoilSystem` as a whole. Every system's total four-momentum is conserved, hence the W mass in a W system
 *   and the top mass in a top system.
 * - Colour: leading-colour; the emitted gluon is inserted between the radiator and its partner; g → qq̄ cuts the chain.
 *   Soft gluons radiate from colour dipoles, which gives the coherent (angular-ordered on average) soft pattern.
 *
 * @param input - the hard partons and their systems
 * @param rng - the random generator
 * @param options - cut-off, coupling, flavours, switched-on channels
 * @returns the showered partons and the emission record
 * @throws InvalidArgumentError for bad options or inconsistent colour tags
 *
 * @example
 * ```ts
 * const q: ShowerParton = { px: 0, py: 0, pz: 50, e: 50, id: 1, m: 0, col: 1, acol: 0, system: 0 };
 * const qbar: ShowerParton = { px: 0, py: 0, pz: -50, e: 50, id: -1, m: 0, col: 0, acol: 1, system: 0 };
 * const { partons, emissions } = runPartonShower({ partons: [q, qbar], systems: [{ id: 0, tStart: 2500 }] }, new Rng(1));
 * ```
 */
export function runPartonShower(input: ShowerInput, rng: Rng, options: PartonShowerOptions = {}): ShowerResult {
  const ptMin = options.ptMin ?? DEFAULT_SHOWER_OPTIONS.ptMin;
  const coupling = options.coupling ?? RunningCoupling.oneLoop(DEFAULT_SHOWER_OPTIONS.alphaSMZ);
  const nfSplit = options.nfSplit ?? DEFAULT_SHOWER_OPTIONS.nfSplit;
  const maxEmissions = options.maxEmissions ?? Number.POSITIVE_INFINITY;
  const enabled = new Set(options.channels ?? SPLITTING_CHANNELS);
  checkShowerOptions(ptMin, coupling, nfSplit, maxEmissions, enabled);
  const tCut = ptMin * ptMin;

  const partons: ShowerParton[] = input.partons.map((p) => ({ ...p }));
  const systems = new Map<number, ShowerSystem>();
  for (const s of input.systems) systems.set(s.id, s);
  let nextTag = 1;
  for (const p of partons) {
    if (!systems.has(p.system)) throw new InvalidArgumentError('input', `Parton with id ${p.id} belongs to system ${p.system}, which is not among the systems.`);
    nextTag = Math.max(nextTag, p.col + 1, p.acol + 1);
  }
  const partonVer: number[] = partons.map(() => 0);
  const systemVer = new Map<number, number>();
  for (const id of systems.keys()) systemVer.set(id, 0);

  const groupMomentum = (sys: number): Vec4 => {
    let px = 0;
    let py = 0;
    let pz = 0;
    let e = 0;
    for (const p of partons) {
      if (p.system !== sys) continue;
      px += p.px;
      py += p.py;
      pz += p.pz;
      e += p.e;
    }
    return { px, py, pz, e };
  };

  const quarkChannels = (['q->qg'] as SplittingChannel[]).filter((c) => enabled.has(c));
  const gluonChannels = (['g->gg', 'g->qq'] as SplittingChannel[]).filter((c) => enabled.has(c));

  let ends = new Map<number, End>();
  const rebuildEnds = (): void => {
    const colOwner = new Map<number, number>();
    const acolOwner = new Map<number, number>();
    partons.forEach((p, i) => {
      if (p.col) colOwner.set(p.col, i);
      if (p.acol) acolOwner.set(p.acol, i);
    });
    const next = new Map<number, End>();
    const groupCache = new Map<number, { p: Vec4; m: number }>();
    partons.forEach((p, i) => {
      for (const side of [0, 1] as const) {
        const tag = side === 0 ? p.col : p.acol;
        if (!tag) continue;
        const partner = side === 0 ? acolOwner.get(tag) : colOwner.get(tag);
        if (partner === undefined) {
          throw new InvalidArgumentError('input', `Colour tag ${tag} of parton ${i} (id ${p.id}) has no ${side === 0 ? 'anticolour' : 'colour'} partner.`);
        }
        if (partner === i) continue;
        const sys = systems.get(p.system)!;
        let rec = partner;
        let group = -1;
        if (partons[partner]!.system !== p.system) {
          if (sys.recoilSystem === undefined) continue; // a connection out of a closed system does not radiate
          rec = -1;
          group = sys.recoilSystem;
        }
        const recVer = rec >= 0 ? partonVer[rec]! : systemVer.get(group)!;
        const key = 2 * i + side;
        const old = ends.get(key);
        if (old && old.partner === partner && old.rec === rec && old.group === group && old.radVer === partonVer[i] && old.recVer === recVer) {
          next.set(key, old);
          continue;
        }
        const channels = Math.abs(p.id) === PDG_ID.gluon ? gluonChannels : quarkChannels;
        let recP: Vec4;
        let recMass: number;
        if (rec >= 0) {
          recP = partons[rec]!;
          recMass = partons[rec]!.m;
        } else {
          let g = groupCache.get(group);
          if (!g) {
            const gp = groupMomentum(group);
            g = { p: gp, m: Math.sqrt(Math.max(0, mass2(gp))) };
            groupCache.set(group, g);
          }
          recP = g.p;
          recMass = g.m;
        }
        const dm2 = mass2({ px: p.px + recP.px, py: p.py + recP.py, pz: p.pz + recP.pz, e: p.e + recP.e });
        const dipoleMass = Math.sqrt(Math.max(0, dm2));
        const qMax2 = (dipoleMass - recMass) ** 2 - p.m * p.m;
        const end: End = {
          rad: i,
          side,
          partner,
          rec,
          group,
          radVer: partonVer[i]!,
          recVer,
          channels,
          integrals: [],
          total: 0,
          zMin: 0.5,
          tMax: 0,
          dipoleMass,
          recMass,
          trial: -1,
          channel: 0,
        };
        if (dipoleMass > recMass && qMax2 > 4 * tCut && channels.length > 0) {
          const x = tCut / qMax2;
          end.zMin = (2 * x) / (1 + Math.sqrt(1 - 4 * x));
          end.integrals = channels.map((c) => overestimateIntegral(c, end.zMin, nfSplit));
          end.total = end.integrals.reduce((a, b) => a + b, 0);
          end.tMax = Math.min(qMax2 / 4, sys.tStart);
        }
        next.set(key, end);
      }
    });
    ends = next;
  };

  const drawTrial = (end: End, from: number): void => {
    const high = Math.min(from, end.tMax);
    if (!(high > tCut) || !(end.total > 0)) {
      end.trial = 0;
      return;
    }
    end.trial = coupling.nextTrialScale(high, end.total, rng);
    let u = rng.uniform() * end.total;
    let k = 0;
    while (k < end.channels.length - 1 && u >= end.integrals[k]!) {
      u -= end.integrals[k]!;
      k++;
    }
    end.channel = k;
  };

  let scale = 0;
  for (const s of systems.values()) scale = Math.max(scale, s.tStart);
  const emissions: ShowerEmission[] = [];
  let trials = 0;
  rebuildEnds();

  while (emissions.length < maxEmissions) {
    let best: End | undefined;
    for (const end of ends.values()) {
      if (end.trial < 0) drawTrial(end, scale);
      if (!best || end.trial > best.trial) best = end;
    }
    if (!best || !(best.trial > tCut)) break;
    scale = best.trial;
    trials++;
    const t = scale;
    const channel = best.channels[best.channel]!;
    const rad = partons[best.rad]!;
    const z = sampleOverestimateZ(channel, best.zMin, rng);
    let ma = 0;
    let mb = 0;
    let flavour = 0;
    if (channel === 'q->qg') ma = rad.m;
    else if (channel === 'g->qq') {
      flavour = 1 + rng.int(nfSplit);
      ma = mb = partonMass(flavour);
    }
    let accepted = false;
    if (dipoleEmissionAllowed(best.dipoleMass, rad.m, best.recMass, t, z, ma, mb)) {
      accepted = rng.uniform() < dipoleEndAcceptance(channel, z, t, rad.m);
    }
    if (accepted) {
      const groupMembers = best.rec >= 0 ? [] : partons.map((p, i) => (p.system === best!.group ? i : -1)).filter((i) => i >= 0);
      const recP = best.rec >= 0 ? partons[best.rec]! : groupMomentum(best.group);
      const split = dipoleSplitting(rad, rad.m, recP, best.recMass, t, z, 2 * Math.PI * rng.uniform(), ma, mb);
      if (split) {
        applyEmission(partons, best, channel, flavour, split.a, split.b, nextTag++);
        partonVer[best.rad]!++;
        partonVer.push(0);
        if (best.rec >= 0) {
          Object.assign(partons[best.rec]!, { px: split.recoiler.px, py: split.recoiler.py, pz: split.recoiler.pz, e: split.recoiler.e });
          partonVer[best.rec]!++;
        } else {
          for (const i of groupMembers) {
            const p = partons[i]!;
            const moved = boostFromRest(boostToRest(p, recP, best.recMass), split.recoiler, best.recMass);
            p.px = moved.px;
            p.py = moved.py;
            p.pz = moved.pz;
            p.e = moved.e;
            partonVer[i]!++;
          }
          systemVer.set(best.group, systemVer.get(best.group)! + 1);
        }
        emissions.push({ t, z, channel, system: rad.system });
        rebuildEnds();
        continue;
      }
    }
    drawTrial(best, scale);
  }
  return { partons, emissions, trials };
}

/** Replaces the radiator by daughter a and appends daughter b, updating the colour tags. */
function applyEmission(partons: ShowerParton[], end: End, channel: SplittingChannel, flavour: number, a: Vec4, b: Vec4, newTag: number): void {
  const rad = partons[end.rad]!;
  const base = { system: rad.system };
  if (channel === 'g->qq') {
    const m = partonMass(flavour);
    let aParton: ShowerParton;
    let bParton: ShowerParton;
    if (end.side === 0) {
      // b takes the colour towards the partner: a quark; a keeps the radiator's anticolour: an antiquark
      bParton = { ...b, ...base, id: flavour, m, col: rad.col, acol: 0 };
      aParton = { ...a, ...base, id: -flavour, m, col: 0, acol: rad.acol };
    } else {
      bParton = { ...b, ...base, id: -flavour, m, col: 0, acol: rad.acol };
      aParton = { ...a, ...base, id: flavour, m, col: rad.col, acol: 0 };
    }
    partons[end.rad] = aParton;
    partons.push(bParton);
    return;
  }
  // q → qg or g → gg: the gluon b sits between the radiator and its partner
  let gluon: ShowerParton;
  if (end.side === 0) {
    gluon = { ...b, ...base, id: PDG_ID.gluon, m: 0, col: rad.col, acol: newTag };
    partons[end.rad] = { ...rad, px: a.px, py: a.py, pz: a.pz, e: a.e, col: newTag };
  } else {
    gluon = { ...b, ...base, id: PDG_ID.gluon, m: 0, col: newTag, acol: rad.acol };
    partons[end.rad] = { ...rad, px: a.px, py: a.py, pz: a.pz, e: a.e, acol: newTag };
  }
  partons.push(gluon);
}

function checkShowerOptions(ptMin: number, coupling: RunningCoupling, nfSplit: number, maxEmissions: number, enabled: Set<SplittingChannel>): void {
  if (typeof ptMin !== 'number' || !(ptMin > 0) || !Number.isFinite(ptMin)) {
    throw new InvalidArgumentError('ptMin', `The shower cut-off ptMin must be a finite number > 0 (GeV); received ${String(ptMin)}.`);
  }
  if (!(coupling instanceof RunningCoupling)) {
    throw new InvalidArgumentError('coupling', 'coupling must be a RunningCoupling (RunningCoupling.oneLoop(...) or RunningCoupling.fixed(...)).');
  }
  if (!(ptMin * ptMin > 1.5 * coupling.lambda2)) {
    throw new InvalidArgumentError('ptMin', `ptMin = ${ptMin} GeV is too close to Λ_QCD = ${Math.sqrt(coupling.lambda2).toPrecision(3)} GeV of the coupling; raise ptMin or lower alphaSMZ.`);
  }
  if (!Number.isInteger(nfSplit) || nfSplit < 1 || nfSplit > 5) {
    throw new InvalidArgumentError('nfSplit', `nfSplit must be an integer 1…5; received ${nfSplit}.`);
  }
  if (!(maxEmissions >= 0)) throw new InvalidArgumentError('maxEmissions', `maxEmissions must be ≥ 0; received ${maxEmissions}.`);
  for (const c of enabled) {
    if (!SPLITTING_CHANNELS.includes(c)) {
      throw new InvalidArgumentError('channels', `Unknown splitting channel "${String(c)}". Supported: ${SPLITTING_CHANNELS.join(', ')}.`);
    }
  }
}
