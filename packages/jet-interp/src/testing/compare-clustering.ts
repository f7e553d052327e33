/**
 * Test and benchmark helper (not part of the public API): compares a {@link ClusterSequence} with the FastJet driver's
 * dump of the same event.
 * @packageDocumentation
 */
import type { ClusterNode } from '../cluster/cluster-node';
import type { ClusterSequence } from '../cluster/cluster-sequence';
import type { DriverEvent, DriverJet } from './fastjet-reference';

/** What was asked of both implementations (the driver's options). */
export interface ComparedQueries {
  ptMin: number;
  exclusive?: readonly number[];
  dcuts?: readonly number[];
  subjets?: readonly number[];
}

/** Largest differences found, and every mismatch in structure. */
export interface ComparisonStats {
  events: number;
  jets: number;
  steps: number;
  /** Largest relative differences |a − b| / max(|a|, |b|). */
  maxRel: { pt: number; rapidity: number; phi: number; momentum: number; dij: number };
  /** Largest |Δm| / E. */
  maxMassOverE: number;
  /** Structural disagreements (different merges, jet counts or constituents); empty when the results agree. */
  mismatches: string[];
}

/**
 * A fresh accumulator.
 * @returns zeroed statistics
 */
export function emptyStats(): ComparisonStats {
  return { events: 0, jets: 0, steps: 0, maxRel: { pt: 0, rapidity: 0, phi: 0, momentum: 0, dij: 0 }, maxMassOverE: 0, mismatches: [] };
}

const rel = (a: number, b: number): number => {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
};

/**
 * Compares one event and accumulates into `stats`.
 * @param seq - our clustering
 * @param ref - the driver's dump of the same event with the same jet definition
 * @param queries - the ptMin, exclusive n, dcuts and subjet counts the driver was run with
 * @param stats - accumulator
 * @param label - prefix for mismatch messages
 */
export function compareWithDriver(seq: ClusterSequence, ref: DriverEvent, queries: ComparedQueries, stats: ComparisonStats, label: string): void {
  stats.events++;
  const h = seq.history;
  if (ref.n !== h.n) {
    stats.mismatches.push(`${label}: ${h.n} particles, FastJet ${ref.n}`);
    return;
  }
  // Beam steps with exactly equal distances are ties that each implementation breaks its own way (FastJet's order
  // depends on its strategy): all of C/A's (d_iB = 1), and anti-kt's zero-pt particles (d_iB = 1e300). Runs of beam
  // steps with equal distances are compared as sets; every other step must agree in order.
  let pending: { ours: number[]; theirs: number[]; dij: number } | undefined;
  const flush = (): void => {
    if (pending && pending.ours.sort().join() !== pending.theirs.sort().join()) stats.mismatches.push(`${label}: different jets reach the beam at d = ${pending.dij}`);
    pending = undefined;
  };
  for (const [i, p1, p2, dij, maxDij] of ref.history) {
    stats.steps++;
    if (p2 === -1 && h.parent2[i] === -1) {
      if (!pending || pending.dij !== dij) {
        flush();
        pending = { ours: [], theirs: [], dij };
      }
      pending.ours.push(h.parent1[i]!);
      pending.theirs.push(p1);
      stats.maxRel.dij = Math.max(stats.maxRel.dij, rel(h.dij[i]!, dij), rel(h.maxDijSoFar[i]!, maxDij));
      continue;
    }
    flush();
    if (h.parent1[i] !== p1 || h.parent2[i] !== p2) {
      stats.mismatches.push(`${label}: step ${i} merges ${h.parent1[i]}+${h.parent2[i]}, FastJet ${p1}+${p2}`);
      return;
    }
    stats.maxRel.dij = Math.max(stats.maxRel.dij, rel(h.dij[i]!, dij), rel(h.maxDijSoFar[i]!, maxDij));
  }
  flush();
  // runs of ≥ 2 beam steps with equal distances: exclusive jets whose stopping point falls inside one depend on the
  // order of the tied steps
  const tiedStops = new Set<number>();
  for (let i = h.n; i < 2 * h.n; ) {
    let e = i + 1;
    if (h.parent2[i] === -1) while (e < 2 * h.n && h.parent2[e] === -1 && h.dij[e] === h.dij[i]) e++;
    for (let stop = i + 1; stop < e; stop++) tiedStops.add(stop);
    i = e;
  }
  const lists: [string, ClusterNode[]][] = [['I', seq.inclusiveJets(queries.ptMin)]];
  for (const n of queries.exclusive ?? []) {
    if (tiedStops.has(2 * h.n - n)) continue;
    lists.push([`X${n}`, seq.exclusiveJetsUpTo(n)]);
    const dm = ref.dmerge.get(n);
    if (dm) stats.maxRel.dij = Math.max(stats.maxRel.dij, rel(seq.exclusiveDmerge(n), dm[0]), rel(seq.exclusiveDmergeMax(n), dm[1]));
  }
  (queries.dcuts ?? []).forEach((dcut, k) => {
    const nx = ref.nExclusive.get(k);
    if (nx && seq.nExclusiveJets(dcut) !== nx[1]) stats.mismatches.push(`${label}: n_exclusive_jets(${dcut}) = ${seq.nExclusiveJets(dcut)}, FastJet ${nx[1]}`);
    lists.push([`D${k}`, seq.exclusiveJetsDcut(dcut)]);
  });
  const incl = lists[0]![1];
  for (let j = 0; j < Math.min(3, incl.length); j++) {
    for (const n of queries.subjets ?? []) lists.push([`S${j}_${n}`, seq.exclusiveSubjets(incl[j]!, n)]);
  }
  for (const [name, ours] of lists) {
    const theirs = ref.lists.get(name);
    if (!theirs) {
      stats.mismatches.push(`${label}: FastJet printed no list ${name}`);
      continue;
    }
    compareJets(ours, theirs, stats, `${label} ${name}`);
  }
}

function compareJets(oursIn: ClusterNode[], theirsIn: DriverJet[], stats: ComparisonStats, label: string): void {
  if (oursIn.length !== theirsIn.length) {
    stats.mismatches.push(`${label}: ${oursIn.length} jets, FastJet ${theirsIn.length}`);
    return;
  }
  // both lists are sorted by pt; jets of exactly equal pt (e.g. several with pt = 0) may come in either order
  const ours = [...oursIn].sort((a, b) => b.pt2 - a.pt2 || a.constituents()[0]! - b.constituents()[0]!);
  const pt2 = (j: DriverJet) => j.px * j.px + j.py * j.py;
  const theirs = [...theirsIn].sort((a, b) => pt2(b) - pt2(a) || a.constituents[0]! - b.constituents[0]!);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    stats.jets++;
    const ca = Array.from(a.constituents());
    if (ca.length !== b.constituents.length || ca.some((v, k) => v !== b.constituents[k])) {
      stats.mismatches.push(`${label} jet ${i}: constituents differ (${ca.length} vs FastJet ${b.constituents.length})`);
      continue;
    }
    const bpt = Math.sqrt(b.px * b.px + b.py * b.py);
    stats.maxRel.pt = Math.max(stats.maxRel.pt, rel(a.pt, bpt));
    stats.maxRel.rapidity = Math.max(stats.maxRel.rapidity, rel(a.rapidity, b.rap));
    stats.maxRel.phi = Math.max(stats.maxRel.phi, rel(a.phi, b.phi));
    stats.maxRel.momentum = Math.max(stats.maxRel.momentum, rel(a.px, b.px), rel(a.py, b.py), rel(a.pz, b.pz), rel(a.e, b.e));
    stats.maxMassOverE = Math.max(stats.maxMassOverE, Math.abs(a.mass - b.m) / Math.max(b.e, 1e-300));
  }
}
