/**
 * Masses, widths and particle codes used by the jet generator.
 * @packageDocumentation
 */

/**
 * PDG Monte Carlo codes of the particles the generator knows (antiparticles are the negatives).
 *
 * @remarks Only quark flavours matter to the shower (masses, g → qq̄ choices); hadrons are not given codes.
 * @example
 * ```ts
 * partonMass(-PDG_ID.b); // 4.8
 * ```
 */
export const PDG_ID = Object.freeze({
  d: 1,
  u: 2,
  s: 3,
  c: 4,
  b: 5,
  t: 6,
  gluon: 21,
  wPlus: 24,
  piPlus: 211,
});

/**
 * Masses and widths (GeV) used by the jet generator.
 *
 * @remarks
 * W: 80.4 with a Breit–Wigner width of 2.1; top: 172.7 with width 1.4; b quark 4.8 and c quark 1.5 (pole-like masses
 * used for kinematics and shower thresholds); u, d, s are massless. Every hadron is a pion with the charged-pion mass.
 *
 * @example
 * ```ts
 * PARTICLE_DATA.wMass; // 80.4
 * ```
 */
export const PARTICLE_DATA = Object.freeze({
  /** W boson mass. */
  wMass: 80.4,
  /** W boson total width. */
  wWidth: 2.1,
  /** Top quark mass. */
  topMass: 172.7,
  /** Top quark total width. */
  topWidth: 1.4,
  /** b quark mass. */
  bMass: 4.8,
  /** c quark mass. */
  cMass: 1.5,
  /** Z boson mass, the reference scale of αs. */
  zMass: 91.1876,
  /** Charged-pion mass, the mass of every generated hadron. */
  pionMass: 0.13957,
});

/**
 * The kinematic mass the generator gives a quark or gluon.
 * @param id - PDG code (±1…±5 quarks, 21 gluon)
 * @returns 0 for d, u, s and gluons, {@link PARTICLE_DATA}.cMass for c, bMass for b
 * @example
 * ```ts
 * partonMass(-5); // 4.8
 * ```
 * @remarks Masses are kinematic (they set thresholds and dead cones), not MS-bar masses.
 */
export function partonMass(id: number): number {
  const a = Math.abs(id);
  if (a === PDG_ID.b) return PARTICLE_DATA.bMass;
  if (a === PDG_ID.c) return PARTICLE_DATA.cMass;
  return 0;
}
