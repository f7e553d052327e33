/**
 * Minimal Lorentz-vector arithmetic for the jet generator: mutable four-vectors, Minkowski products, boosts into and out
 * of a frame's rest frame, and orthonormal bases for azimuthal angles.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';

/**
 * A mutable four-vector (px, py, pz, E) in GeV; structurally compatible with `FourMomentumLike`.
 *
 * @remarks The generator works with these plain objects in its hot loops and converts to `FourMomentum` /
 * `ParticleEvent` only for its outputs.
 * @example
 * ```ts
 * const p: Vec4 = { px: 0, py: 0, pz: 3, e: 5 };
 * new FourMomentum(p.px, p.py, p.pz, p.e).mass; // 4
 * ```
 */
export interface Vec4 {
  px: number;
  py: number;
  pz: number;
  /** Energy. */
  e: number;
}

/**
 * A read-only four-vector (anything with px, py, pz, e).
 *
 * @remarks Functions that only read momenta take this, so `FourMomentum` objects can be passed too.
 * @example
 * ```ts
 * const p: Vec4Like = new FourMomentum(1, 0, 0, 2);
 * ```
 */
export type Vec4Like = Readonly<Vec4>;

/**
 * Builds a four-vector.
 * @param px - x momentum
 * @param py - y momentum
 * @param pz - z momentum
 * @param e - energy
 * @returns a new {@link Vec4}
 * @example
 * ```ts
 * vec4(0, 0, 3, 5); // { px: 0, py: 0, pz: 3, e: 5 }
 * ```
 * @remarks A plain object, not a `FourMomentum`: no derived quantities, cheap to create in loops.
 */
export function vec4(px: number, py: number, pz: number, e: number): Vec4 {
  return { px, py, pz, e };
}

/**
 * Minkowski product a·b with metric (+, −, −, −).
 * @param a - first vector
 * @param b - second vector
 * @returns E_a E_b − p⃗_a·p⃗_b
 * @example
 * ```ts
 * dot4(vec4(0, 0, 3, 5), vec4(0, 0, 3, 5)); // 16
 * ```
 * @remarks Invariant under boosts; used for dipole masses without boosting.
 */
export function dot4(a: Vec4Like, b: Vec4Like): number {
  return a.e * b.e - a.px * b.px - a.py * b.py - a.pz * b.pz;
}

/**
 * Squared invariant mass p·p.
 * @param p - the vector
 * @returns m²
 * @example
 * ```ts
 * mass2(vec4(0, 0, 3, 5)); // 16
 * ```
 * @remarks Written as (E + pz)(E − pz) − pt², FastJet's form, which loses less precision for momenta along z.
 */
export function mass2(p: Vec4Like): number {
  return (p.e + p.pz) * (p.e - p.pz) - p.px * p.px - p.py * p.py;
}

/**
 * Sum of two four-vectors.
 * @param a - first vector
 * @param b - second vector
 * @returns a + b (new object)
 * @example
 * ```ts
 * add4(vec4(1, 0, 0, 1), vec4(-1, 0, 0, 1)); // { px: 0, py: 0, pz: 0, e: 2 }
 * ```
 * @remarks Does not modify its arguments.
 */
export function add4(a: Vec4Like, b: Vec4Like): Vec4 {
  return { px: a.px + b.px, py: a.py + b.py, pz: a.pz + b.pz, e: a.e + b.e };
}

/**
 * Four-vector scaled by a number.
 * @param p - the vector
 * @param s - the factor
 * @returns s·p (new object)
 * @example
 * ```ts
 * scale4(vec4(1, 2, 3, 4), 0.5).e; // 2
 * ```
 * @remarks Scaling a massless vector keeps it massless; the hadronisation uses this for collinear gluon splitting.
 */
export function scale4(p: Vec4Like, s: number): Vec4 {
  return { px: s * p.px, py: s * p.py, pz: s * p.pz, e: s * p.e };
}

/**
 * Sum of many four-vectors.
 * @param items - the vectors
 * @returns their sum (zero for an empty list)
 * @example
 * ```ts
 * sum4([vec4(1, 0, 0, 1), vec4(0, 1, 0, 1)]).e; // 2
 * ```
 * @remarks Plain summation; the generator's conservation tests compare such sums at 1e-10 relative.
 */
export function sum4(items: Iterable<Vec4Like>): Vec4 {
  let px = 0;
  let py = 0;
  let pz = 0;
  let e = 0;
  for (const p of items) {
    px += p.px;
    py += p.py;
    pz += p.pz;
    e += p.e;
  }
  return { px, py, pz, e };
}

/**
 * The mass of a frame vector, checked to be timelike.
 * @param frame - the frame's four-momentum
 * @param frameMass - its mass when already known (more precise than recomputing it from the components)
 */
function checkedMass(frame: Vec4Like, frameMass: number | undefined): number {
  const m = frameMass ?? Math.sqrt(Math.max(mass2(frame), 0));
  if (!(m > 0) || !(frame.e > 0)) {
    throw new InvalidArgumentError('frame', `A rest frame needs a timelike four-momentum with E > 0; received (${frame.px}, ${frame.py}, ${frame.pz}, ${frame.e}).`);
  }
  return m;
}

/**
 * Applies the pure boost with velocity `sign · p⃗_frame / E_frame`, written with γ = E/m and (γ − 1)/β² = γ²/(γ + 1)
 * so that large boosts (γ ≫ 1) keep full precision.
 */
function boostBy(p: Vec4Like, frame: Vec4Like, m: number, sign: 1 | -1): Vec4 {
  const gamma = frame.e / m;
  // velocity components β = sign·p⃗/E
  const bx = (sign * frame.px) / frame.e;
  const by = (sign * frame.py) / frame.e;
  const bz = (sign * frame.pz) / frame.e;
  const bp = bx * p.px + by * p.py + bz * p.pz;
  const g2 = (gamma * gamma) / (gamma + 1);
  const f = g2 * bp + gamma * p.e;
  return { px: p.px + f * bx, py: p.py + f * by, pz: p.pz + f * bz, e: gamma * (p.e + bp) };
}

/**
 * Expresses `p` in the rest frame of `frame` (a pure boost with velocity −p⃗_frame/E_frame).
 * @param p - a four-vector in the lab
 * @param frame - the frame's four-momentum (timelike, E > 0)
 * @param frameMass - the frame's mass when already known @default sqrt(frame²)
 * @returns p in the frame's rest frame
 * @throws InvalidArgumentError when `frame` is not timelike
 * @example
 * ```ts
 * const w = vec4(0, 0, 60, 100);   // m = 80
 * boostToRest(w, w);               // { px: 0, py: 0, pz: ~0, e: 80 }
 * ```
 * @remarks A pure boost (no rotation), so directions along the frame's momentum are kept; γ ≫ 1 keeps full precision.
 */
export function boostToRest(p: Vec4Like, frame: Vec4Like, frameMass?: number): Vec4 {
  return boostBy(p, frame, checkedMass(frame, frameMass), -1);
}

/**
 * The inverse of {@link boostToRest}: takes `p` given in the rest frame of `frame` back to the lab.
 * @param p - a four-vector in the frame's rest frame
 * @param frame - the frame's four-momentum in the lab (timelike, E > 0)
 * @param frameMass - the frame's mass when already known @default sqrt(frame²)
 * @returns p in the lab
 * @throws InvalidArgumentError when `frame` is not timelike
 * @example
 * ```ts
 * boostFromRest(vec4(0, 0, 0, 80), vec4(0, 0, 60, 100)); // { px: 0, py: 0, pz: 60, e: 100 }
 * ```
 * @remarks boostFromRest(boostToRest(p, f), f) returns p to rounding.
 */
export function boostFromRest(p: Vec4Like, frame: Vec4Like, frameMass?: number): Vec4 {
  return boostBy(p, frame, checkedMass(frame, frameMass), 1);
}

/**
 * A unit three-vector.
 *
 * @remarks Not checked to be normalised; build it with {@link unitDirection} or {@link directionAround}.
 * @example
 * ```ts
 * const up: Direction = [0, 0, 1];
 * ```
 */
export type Direction = readonly [number, number, number];

/**
 * Two unit vectors that complete `n` to a right-handed orthonormal basis (e1, e2, n), for azimuthal angles around n.
 * @param n - a unit vector
 * @returns [e1, e2] with e1 ⟂ n, e2 = n × e1
 * @example
 * ```ts
 * const [e1, e2] = orthonormalBasis([0, 0, 1]); // e1 = (1, 0, 0)… up to orientation, e2 = n × e1
 * ```
 * @remarks e1 is built from the coordinate axis least aligned with n, so the basis is well conditioned for any n.
 */
export function orthonormalBasis(n: Direction): [Direction, Direction] {
  const [nx, ny, nz] = n;
  // cross n with the coordinate axis least aligned with it
  let ax = 0;
  let ay = 0;
  let az = 0;
  const absX = Math.abs(nx);
  const absY = Math.abs(ny);
  const absZ = Math.abs(nz);
  if (absX <= absY && absX <= absZ) ax = 1;
  else if (absY <= absZ) ay = 1;
  else az = 1;
  let e1x = ny * az - nz * ay;
  let e1y = nz * ax - nx * az;
  let e1z = nx * ay - ny * ax;
  const norm = Math.hypot(e1x, e1y, e1z);
  e1x /= norm;
  e1y /= norm;
  e1z /= norm;
  const e2: Direction = [ny * e1z - nz * e1y, nz * e1x - nx * e1z, nx * e1y - ny * e1x];
  return [[e1x, e1y, e1z], e2];
}

/**
 * The unit vector at polar angle θ (given by cos θ) and azimuth φ around `axis`.
 * @param axis - a unit vector
 * @param cosTheta - cos θ in [−1, 1]
 * @param phi - azimuth in radians around the axis
 * @returns the unit vector
 * @example
 * ```ts
 * directionAround([0, 0, 1], 1, 0); // [0, 0, 1]
 * ```
 * @remarks φ is measured from the e1 of {@link orthonormalBasis}; draw it uniformly for unpolarised distributions.
 */
export function directionAround(axis: Direction, cosTheta: number, phi: number): Direction {
  const [e1, e2] = orthonormalBasis(axis);
  const sinTheta = Math.sqrt(Math.max(0, 1 - cosTheta * cosTheta));
  const c = sinTheta * Math.cos(phi);
  const s = sinTheta * Math.sin(phi);
  return [
    cosTheta * axis[0] + c * e1[0] + s * e2[0],
    cosTheta * axis[1] + c * e1[1] + s * e2[1],
    cosTheta * axis[2] + c * e1[2] + s * e2[2],
  ];
}

/**
 * The direction of a four-vector's three-momentum.
 * @param p - the vector (|p⃗| > 0)
 * @returns p⃗ / |p⃗|
 * @throws InvalidArgumentError when p⃗ = 0
 * @example
 * ```ts
 * unitDirection(vec4(0, 3, 4, 6)); // [0, 0.6, 0.8]
 * ```
 * @remarks Only the three-momentum is used.
 */
export function unitDirection(p: Vec4Like): Direction {
  const norm = Math.hypot(p.px, p.py, p.pz);
  if (!(norm > 0)) throw new InvalidArgumentError('p', 'A direction needs a non-zero three-momentum.');
  return [p.px / norm, p.py / norm, p.pz / norm];
}
