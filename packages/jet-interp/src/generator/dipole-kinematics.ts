/**
 * Emission kinematics of one dipole end: the radiator splits into two partons and its colour partner (or a designated
 * recoiler) absorbs the recoil, conserving the dipole's four-momentum exactly.
 * @packageDocumentation
 */
import { boostFromRest, boostToRest, directionAround, mass2, unitDirection, type Vec4, type Vec4Like } from './lorentz';
import { twoBodyMomentum } from './two-body-decay';

/**
 * The momenta after a dipole-end emission.
 *
 * @remarks a + b + recoiler equals radiator + recoiler before the emission, to rounding.
 * @example
 * ```ts
 * const { a, b, recoiler } = dipoleSplitting(rad, 0, rec, 0, 25, 0.7, 0, 0, 0)!;
 * ```
 */
export interface DipoleSplitting {
  /** The radiator-side daughter (energy fraction z of the radiating system in the dipole rest frame). */
  a: Vec4;
  /** The emitted daughter (fraction 1 − z). */
  b: Vec4;
  /** The recoiler after the emission. */
  recoiler: Vec4;
}

interface Solution {
  er: number;
  pr: number;
  ea: number;
  pa: number;
  cosA: number;
}

function solve(dipoleMass: number, radiatorMass: number, recoilerMass: number, t: number, z: number, ma: number, mb: number): Solution | undefined {
  if (!(z > 0 && z < 1) || !(t > 0)) return undefined;
  const q2 = radiatorMass * radiatorMass + t / (z * (1 - z));
  const q = Math.sqrt(q2);
  const m = dipoleMass;
  if (!(q + recoilerMass < m) || q < ma + mb) return undefined;
  const er = (m * m + q2 - recoilerMass * recoilerMass) / (2 * m);
  const pr = twoBodyMomentum(m, q, recoilerMass);
  const ea = z * er;
  const eb = (1 - z) * er;
  if (ea < ma || eb < mb) return undefined;
  const pa = Math.sqrt(ea * ea - ma * ma);
  const pb = Math.sqrt(eb * eb - mb * mb);
  if (pr > pa + pb || pr < Math.abs(pa - pb)) return undefined;
  const cosA = pa > 0 ? Math.min(1, Math.max(-1, (pa * pa + pr * pr - pb * pb) / (2 * pa * pr))) : 1;
  return { er, pr, ea, pa, cosA };
}

/**
 * Whether an emission (t, z) is kinematically possible in a dipole of mass M (cheap; no boosts). See
 * {@link dipoleSplitting} for the variables.
 * @param dipoleMass - M, the invariant mass of radiator + recoiler
 * @param radiatorMass - the radiator's mass before the emission
 * @param recoilerMass - the recoiler's mass
 * @param t - p⊥²_evol = z(1 − z)(Q² − m²_radiator)
 * @param z - energy fraction of daughter a
 * @param ma - mass of daughter a
 * @param mb - mass of daughter b
 * @returns true when the emission fits in phase space
 * @example
 * ```ts
 * dipoleEmissionAllowed(100, 0, 0, 25, 0.5, 0, 0); // true: p⊥ = 5 ≤ M·min(z, 1 − z) = 50
 * dipoleEmissionAllowed(100, 0, 0, 25, 0.01, 0, 0); // false
 * ```
 * @remarks The shower calls this before computing any boost, so vetoed trials stay cheap.
 */
export function dipoleEmissionAllowed(dipoleMass: number, radiatorMass: number, recoilerMass: number, t: number, z: number, ma: number, mb: number): boolean {
  return solve(dipoleMass, radiatorMass, recoilerMass, t, z, ma, mb) !== undefined;
}

/**
 * Performs one dipole-end emission.
 *
 * @remarks
 * In the rest frame of P = p_radiator + p_recoiler (mass M) the radiator becomes a system of virtuality
 * Q² = m²_radiator + t/(z(1 − z)) along its old direction n̂, and the recoiler keeps its mass and goes back-to-back,
 * so P is conserved exactly and the recoiler's direction in that frame is unchanged. The system then splits into a and
 * b with energies z·E and (1 − z)·E, a at azimuth φ around n̂. The phase space is what these two steps allow (for
 * massless partons: p⊥_evol ≤ M·min(z, 1 − z)). This is the dipole-recoil scheme of p⊥-ordered final-state showers.
 *
 * @param radiator - the radiator's four-momentum
 * @param radiatorMass - its on-shell mass
 * @param recoiler - the recoiler's four-momentum (a parton or a whole decay system)
 * @param recoilerMass - its mass
 * @param t - p⊥²_evol (GeV²)
 * @param z - energy fraction of a in the dipole rest frame
 * @param phi - azimuth of a around the radiator direction
 * @param ma - mass of daughter a
 * @param mb - mass of daughter b
 * @returns the new momenta, or undefined when (t, z) is outside phase space
 * @example
 * ```ts
 * const s = dipoleSplitting(vec4(0, 0, 50, 50), 0, vec4(0, 0, -50, 50), 0, 25, 0.7, 1.2, 0, 0);
 * // s.a + s.b + s.recoiler = (0, 0, 0, 100)
 * ```
 */
export function dipoleSplitting(
  radiator: Vec4Like,
  radiatorMass: number,
  recoiler: Vec4Like,
  recoilerMass: number,
  t: number,
  z: number,
  phi: number,
  ma: number,
  mb: number,
): DipoleSplitting | undefined {
  const total: Vec4 = { px: radiator.px + recoiler.px, py: radiator.py + recoiler.py, pz: radiator.pz + recoiler.pz, e: radiator.e + recoiler.e };
  const m2 = mass2(total);
  if (!(m2 > 0)) return undefined;
  const m = Math.sqrt(m2);
  const s = solve(m, radiatorMass, recoilerMass, t, z, ma, mb);
  if (!s) return undefined;
  const n = unitDirection(boostToRest(radiator, total, m));
  const d = directionAround(n, s.cosA, phi);
  const aRest: Vec4 = { px: s.pa * d[0], py: s.pa * d[1], pz: s.pa * d[2], e: s.ea };
  const bRest: Vec4 = { px: s.pr * n[0] - aRest.px, py: s.pr * n[1] - aRest.py, pz: s.pr * n[2] - aRest.pz, e: s.er - s.ea };
  const recRest: Vec4 = { px: -s.pr * n[0], py: -s.pr * n[1], pz: -s.pr * n[2], e: m - s.er };
  return { a: boostFromRest(aRest, total, m), b: boostFromRest(bRest, total, m), recoiler: boostFromRest(recRest, total, m) };
}
