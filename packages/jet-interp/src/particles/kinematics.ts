/**
 * Kinematic quantities of a four-momentum (px, py, pz, E), with FastJet 3.4's conventions, as plain functions on numbers
 * so that hot loops need no objects.
 * @packageDocumentation
 */

/**
 * The rapidity FastJet gives a momentum with zero transverse momentum and E = |pz| (a massless particle along the beam):
 * `±(MAX_RAPIDITY + |pz|)`, so that different such particles keep different rapidities.
 * @example
 * ```ts
 * rapidity(0, 0, -2, 2) === -(MAX_RAPIDITY + 2); // true
 * ```
 */
export const MAX_RAPIDITY = 1e5;

/** 2π, the period of the azimuth. */
export const TWO_PI = 2 * Math.PI;

/**
 * Squared transverse momentum `px² + py²`.
 * @param px - x momentum
 * @param py - y momentum
 * @returns `px² + py²`
 * @example
 * ```ts
 * transverseMomentum2(3, 4); // 25
 * ```
 */
export function transverseMomentum2(px: number, py: number): number {
  return px * px + py * py;
}

/**
 * Azimuth in [0, 2π) as FastJet gives it: `atan2(py, px)` shifted into range, and 0 when `px = py = 0`.
 * @param px - x momentum
 * @param py - y momentum
 * @returns the azimuth in radians, 0 ≤ φ < 2π
 * @example
 * ```ts
 * azimuth(0, -1); // 3π/2
 * ```
 */
export function azimuth(px: number, py: number): number {
  let phi = px * px + py * py === 0 ? 0 : Math.atan2(py, px);
  if (phi < 0) phi += TWO_PI;
  if (phi >= TWO_PI) phi -= TWO_PI;
  return phi;
}

/**
 * Rapidity `½ ln((E + pz)/(E − pz))`, computed as FastJet does: from `(pt² + max(m², 0)) / (E + |pz|)²`, which is stable
 * for large |pz|; a tachyonic momentum (m² < 0, e.g. from rounding) is treated as massless, and a momentum with zero
 * pt and E = |pz| gets `±(MAX_RAPIDITY + |pz|)`.
 * @param px - x momentum
 * @param py - y momentum
 * @param pz - z (beam) momentum
 * @param e - energy
 * @returns the rapidity
 * @example
 * ```ts
 * rapidity(1, 0, 0, 1); // 0
 * rapidity(0, 0, 5, 5); // 100005 (along the beam)
 * ```
 */
export function rapidity(px: number, py: number, pz: number, e: number): number {
  const kt2 = px * px + py * py;
  const absPz = Math.abs(pz);
  if (e === absPz && kt2 === 0) {
    const maxRapHere = MAX_RAPIDITY + absPz;
    return pz >= 0 ? maxRapHere : -maxRapHere;
  }
  const m2 = (e + pz) * (e - pz) - kt2;
  const effectiveM2 = m2 > 0 ? m2 : 0;
  const ePlusPz = e + absPz;
  const rap = 0.5 * Math.log((kt2 + effectiveM2) / (ePlusPz * ePlusPz));
  return pz > 0 ? -rap : rap;
}

/**
 * Pseudorapidity `−ln tan(θ/2)` as FastJet computes it; note FastJet's convention that a momentum with zero pt gets
 * `+MAX_RAPIDITY` whatever the sign of pz, and one with pz = 0 gets 0.
 * @param px - x momentum
 * @param py - y momentum
 * @param pz - z (beam) momentum
 * @returns the pseudorapidity
 * @example
 * ```ts
 * pseudorapidity(1, 0, 0); // 0
 * ```
 */
export function pseudorapidity(px: number, py: number, pz: number): number {
  if (px === 0 && py === 0) return MAX_RAPIDITY;
  if (pz === 0) return 0;
  let theta = Math.atan(Math.sqrt(px * px + py * py) / pz);
  if (theta < 0) theta += Math.PI;
  return -Math.log(Math.tan(theta / 2));
}

/**
 * Squared invariant mass `(E + pz)(E − pz) − pt²` (FastJet's form); negative for a tachyonic momentum.
 * @param px - x momentum
 * @param py - y momentum
 * @param pz - z momentum
 * @param e - energy
 * @returns m²
 * @example
 * ```ts
 * invariantMass2(0, 0, 0, 2); // 4
 * ```
 */
export function invariantMass2(px: number, py: number, pz: number, e: number): number {
  return (e + pz) * (e - pz) - (px * px + py * py);
}

/**
 * Invariant mass with FastJet's (CLHEP's) sign convention: `sign(m²)·sqrt(|m²|)`.
 * @param px - x momentum
 * @param py - y momentum
 * @param pz - z momentum
 * @param e - energy
 * @returns m, negative when m² < 0
 * @example
 * ```ts
 * invariantMass(3, 0, 0, 5); // 4
 * ```
 */
export function invariantMass(px: number, py: number, pz: number, e: number): number {
  const m2 = invariantMass2(px, py, pz, e);
  return m2 < 0 ? -Math.sqrt(-m2) : Math.sqrt(m2);
}

/**
 * Squared distance in the (rapidity, azimuth) plane, `Δy² + Δφ²` with Δφ taken the short way round the circle; the
 * arithmetic is FastJet's, operation for operation, so that clustering decisions agree bit for bit.
 * @param rapA - rapidity of the first momentum
 * @param phiA - azimuth of the first momentum, in [0, 2π)
 * @param rapB - rapidity of the second momentum
 * @param phiB - azimuth of the second momentum, in [0, 2π)
 * @returns ΔR²
 * @example
 * ```ts
 * deltaR2(0, 0.1, 0, 2 * Math.PI - 0.1); // 0.04 (approximately)
 * ```
 */
export function deltaR2(rapA: number, phiA: number, rapB: number, phiB: number): number {
  let dphi = Math.abs(phiA - phiB);
  if (dphi > Math.PI) dphi = TWO_PI - dphi;
  const drap = rapA - rapB;
  return dphi * dphi + drap * drap;
}
