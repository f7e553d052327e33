/**
 * Parity with FastJet 3.4, the backbone of the clustering tests:
 * (a) the shared reference events with FastJet 3.4.0's printed anti-kt jets (../shared/data/fastjet-reference);
 * (b) Debian's fastjet-examples events, clustered by libfastjet through tools/fastjet-driver.cc;
 * (c) random events against libfastjet, for anti-kt, C/A, kt and generalised kt at several R: the whole history
 *     (every merge and its distance), inclusive jets, exclusive jets (n and dcut), dmerge and exclusive subjets, with
 *     constituents compared exactly.
 * Each part prints why it skips when its data or g++/libfastjet-dev is missing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@lab/tensor-core';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { formatFastJetEvents, parseFastJetEvents, readFastJetEvents } from '../io/fastjet-text';
import { FourMomentum } from '../particles/four-momentum';
import { ParticleEvent } from '../particles/particle-event';
import { compareWithDriver, emptyStats, type ComparedQueries, type ComparisonStats } from '../testing/compare-clustering';
import { buildFastJetDriver, parseDriverDump, runFastJetDriver } from '../testing/fastjet-reference';
import { ClusterSequence } from './cluster-sequence';
import { describeJetDefinition, jetDefinition, parseJetAlgorithm, type JetDefinition } from './jet-definition';

/** Relative tolerance for the full-precision comparisons with libfastjet (pt, rapidity, azimuth). */
const REL_TOL = 1e-8;
/** The reference files print six significant digits. */
const PRINTED_REL_TOL = 6e-6;

const REFERENCE = sharedDataPath(['fastjet-reference']);
if (!REFERENCE) console.warn('[skip] FastJet reference parity: ../shared/data/fastjet-reference not found');
const EXAMPLES = '/usr/share/doc/fastjet-examples/examples';
const exampleFiles = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((f) => /\.dat(\.gz)?$/.test(f)).sort() : [];
if (!exampleFiles.length) console.warn(`[skip] fastjet-examples parity: no events in ${EXAMPLES} (install Debian fastjet-examples)`);
const driver = buildFastJetDriver();
if (!driver.ok) console.warn(`[skip] libfastjet parity: ${driver.reason}`);

function report(name: string, s: ComparisonStats): void {
  console.log(
    `[parity] ${name}: ${s.events} events, ${s.steps} history steps, ${s.jets} jets; max relative difference pt ${s.maxRel.pt.toExponential(1)}, ` +
      `rapidity ${s.maxRel.rapidity.toExponential(1)}, phi ${s.maxRel.phi.toExponential(1)}, px/py/pz/E ${s.maxRel.momentum.toExponential(1)}, ` +
      `d_ij ${s.maxRel.dij.toExponential(1)}; max |Δm|/E ${s.maxMassOverE.toExponential(1)}`,
  );
}

function expectAgreement(s: ComparisonStats): void {
  expect(s.mismatches.slice(0, 5)).toEqual([]);
  expect(s.maxRel.pt).toBeLessThanOrEqual(REL_TOL);
  expect(s.maxRel.rapidity).toBeLessThanOrEqual(REL_TOL);
  expect(s.maxRel.phi).toBeLessThanOrEqual(REL_TOL);
  expect(s.maxRel.momentum).toBeLessThanOrEqual(REL_TOL);
  expect(s.maxRel.dij).toBeLessThanOrEqual(1e-6);
  expect(s.maxMassOverE).toBeLessThanOrEqual(1e-8);
}

function driverArgs(def: JetDefinition, q: ComparedQueries): string[] {
  const args = ['dump', '--alg', def.algorithm, '--R', def.radius.toPrecision(17), '--p', String(def.p), '--ptmin', String(q.ptMin)];
  if (q.exclusive?.length) args.push('--excl', q.exclusive.join(','));
  if (q.dcuts?.length) args.push('--dcut', q.dcuts.map((d) => d.toPrecision(17)).join(','));
  if (q.subjets?.length) args.push('--subjets', q.subjets.join(','));
  return args;
}

/** Clusters `events` here and with libfastjet, and accumulates the comparison. */
function compareEvents(events: readonly ParticleEvent[], def: JetDefinition, q: ComparedQueries, stats: ComparisonStats, label: string): void {
  if (!driver.ok) return;
  const dump = parseDriverDump(runFastJetDriver(driver.binary, driverArgs(def, q), formatFastJetEvents(events)));
  expect(dump.description).toBe(describeJetDefinition(def));
  expect(dump.events).toHaveLength(events.length);
  events.forEach((event, i) => compareWithDriver(new ClusterSequence(event, def), dump.events[i]!, q, stats, `${label} event ${i}`));
}

describe.skipIf(!REFERENCE)('(a) the shared FastJet 3.4.0 reference results', () => {
  const numbers = REFERENCE
    ? readdirSync(REFERENCE)
        .map((f) => /^(\d+)-fj-result\.dat$/.exec(f)?.[1])
        .filter((n): n is string => n !== undefined)
        .sort((a, b) => Number(a) - Number(b))
    : [];

  it.each(numbers)('event %s: the same jets as FastJet printed', (num) => {
    const resultText = readFileSync(join(REFERENCE!, `${num}-fj-result.dat`), 'utf8');
    const header = /clustering with Longitudinally invariant (\S+) algorithm with R = (\S+) and E scheme recombination/.exec(resultText);
    expect(header).not.toBeNull();
    const def = jetDefinition(parseJetAlgorithm(header![1]!.replace('Cambridge/Aachen', 'ca')), Number(header![2]));
    const [event] = parseFastJetEvents(readFileSync(join(REFERENCE!, `${num}.dat`), 'utf8'), { source: `${num}.dat` });
    const [expected] = parseFastJetEvents(resultText, { energyTolerance: Infinity });
    const jets = new ClusterSequence(event!, def).inclusiveJets(0);
    expect(jets).toHaveLength(expected!.size);
    let worst = 0;
    jets.forEach((jet, i) => {
      const ref = expected!.particle(i);
      for (const key of ['px', 'py', 'pz', 'e'] as const) {
        const diff = Math.abs(jet[key] - ref[key]);
        expect(diff).toBeLessThanOrEqual(PRINTED_REL_TOL * Math.abs(ref[key]) + 1e-12 * ref.e);
        worst = Math.max(worst, diff / Math.max(Math.abs(ref[key]), 1e-300));
      }
    });
    console.log(`[parity] reference ${num}.dat (${def.algorithm}, R = ${def.radius}): ${jets.length} jets equal FastJet's printed values (max relative difference ${worst.toExponential(1)}, printed to 6 digits)`);
  });

  it.skipIf(!driver.ok)('the reference events and the 10 Pythia events equal libfastjet at full precision', () => {
    const stats = emptyStats();
    const events = numbers.map((num) => parseFastJetEvents(readFileSync(join(REFERENCE!, `${num}.dat`), 'utf8'))[0]!);
    const pythia = parseFastJetEvents(readFileSync(join(REFERENCE!, 'Pythia-PtMin1000-LHC-10ev.dat'), 'utf8'));
    for (const def of [jetDefinition('antikt', 1), jetDefinition('antikt', 0.4), jetDefinition('ca', 0.8), jetDefinition('kt', 0.6)]) {
      const q = { ptMin: 0, exclusive: [2, 3], dcuts: def.algorithm === 'ca' ? [0.5] : [400], subjets: [2, 3] };
      compareEvents(events, def, q, stats, `reference ${def.algorithm} R=${def.radius}`);
      compareEvents(pythia, def, q, stats, `Pythia ${def.algorithm} R=${def.radius}`);
    }
    report('shared reference + Pythia events vs libfastjet', stats);
    expectAgreement(stats);
  });
});

describe.skipIf(!exampleFiles.length || !driver.ok)("(b) Debian's fastjet-examples events against libfastjet", () => {
  it('clusters every example event as libfastjet does', async () => {
    const stats = emptyStats();
    for (const file of exampleFiles) {
      const events: ParticleEvent[] = [];
      for await (const ev of readFastJetEvents(join(EXAMPLES, file))) events.push(ev);
      for (const def of [jetDefinition('antikt', 0.4), jetDefinition('ca', 1.2), jetDefinition('kt', 0.7)]) {
        compareEvents(events, def, { ptMin: 5, exclusive: [2, 4], dcuts: def.algorithm === 'ca' ? [0.3] : [100], subjets: [2, 3] }, stats, `${file} ${def.algorithm}`);
      }
    }
    report(`fastjet-examples (${exampleFiles.length} files) vs libfastjet`, stats);
    expectAgreement(stats);
  });
});

/**
 * A random event: collimated sprays over a soft background, with massive and very soft particles, and (with `zeroPt`)
 * beam-collinear particles, one particle at rest and one with zero momentum. Exactly coincident particles are avoided:
 * their merging order is a tie that FastJet breaks by its internal bookkeeping.
 */
function randomEvent(rng: Rng, n: number, zeroPt: boolean): ParticleEvent {
  const rows: FourMomentum[] = [];
  const axes = Array.from({ length: 1 + rng.int(4) }, () => [rng.uniformRange(-3, 3), rng.uniformRange(0, 2 * Math.PI)] as const);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    if (u < 0.55) {
      const [y, phi] = axes[rng.int(axes.length)]!;
      rows.push(FourMomentum.fromPtYPhiM(1 + 400 * rng.uniform() ** 4, y + 0.25 * rng.normal(), phi + 0.25 * rng.normal(), rng.uniform() < 0.3 ? 0.13957 : 0));
    } else if (u < 0.98 || !zeroPt) {
      rows.push(FourMomentum.fromPtYPhiM(u < 0.97 ? 0.05 + 4 * rng.uniform() : 1e-3 * rng.uniform(), rng.uniformRange(-8, 8), rng.uniformRange(-0.01, 2 * Math.PI + 0.01), rng.uniform() < 0.2 ? 0.5 : 0));
    } else {
      const pz = rng.uniformRange(-500, 500);
      rows.push(new FourMomentum(0, 0, pz, Math.abs(pz))); // along the beam: rapidity ±(1e5 + |pz|)
    }
  }
  if (zeroPt && n > 4) {
    rows[1] = new FourMomentum(0, 0, 0, 0.9); // at rest: rapidity 0, azimuth 0
    rows[3] = new FourMomentum(0, 0, 0, 0); // no momentum at all: rapidity 1e5
  }
  return ParticleEvent.fromMomenta(rows);
}

describe.skipIf(!driver.ok)('(c) random events against libfastjet', () => {
  const sizes = [1, 2, 3, 7, 20, 60, 150, 400, 900];
  const cases: [string, number, number?][] = [
    ['antikt', 0.2],
    ['antikt', 0.4],
    ['antikt', 1.0],
    ['ca', 0.4],
    ['ca', 0.8],
    ['ca', 1.5],
    ['kt', 0.4],
    ['kt', 0.7],
    ['kt', 1.2],
    ['genkt', 0.6, 0.5],
    ['genkt', 0.5, -0.5],
  ];
  it.each(cases)('%s R = %s: history, inclusive, exclusive, dcut and subjets equal FastJet', (alg, R, p) => {
    const def = jetDefinition(alg, R, p);
    const rng = new Rng(Math.round(R * 1000 + alg.length * 7919 + (p ?? 0) * 130));
    // kt-like algorithms (p > 0) give zero-pt particles zero distance to everything: a tie between merging and the
    // beam that FastJet breaks by its internal order, so those particles are left out there
    const events = sizes.map((n) => randomEvent(rng, n, def.p <= 0));
    const dcuts = def.algorithm === 'ca' ? [0.05, 0.6] : def.algorithm === 'antikt' ? [1e-4, 0.01] : def.algorithm === 'kt' ? [10, 400] : [2, 20];
    const stats = emptyStats();
    compareEvents(events, def, { ptMin: 3, exclusive: [1, 2, 3, 5], dcuts, subjets: [2, 3] }, stats, `${alg} R=${R}`);
    report(`random ${alg}${p !== undefined ? ` p=${p}` : ''} R=${R}`, stats);
    expect(stats.events).toBe(sizes.length);
    expectAgreement(stats);
  });

  it('a large event (3,000 particles) for every algorithm', () => {
    const rng = new Rng(3000);
    const events = [randomEvent(rng, 3000, false)];
    const stats = emptyStats();
    for (const def of [jetDefinition('antikt', 0.4), jetDefinition('ca', 0.4), jetDefinition('kt', 0.4)]) {
      compareEvents(events, def, { ptMin: 10, exclusive: [2, 4], dcuts: def.algorithm === 'ca' ? [0.2] : def.algorithm === 'kt' ? [50] : [1e-3], subjets: [2] }, stats, `large ${def.algorithm}`);
    }
    report('random 3,000-particle event, three algorithms', stats);
    expectAgreement(stats);
  });
});
