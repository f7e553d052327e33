import { Matrix, SVD, determinant } from 'ml-matrix';
import { InvalidArgumentError } from '../errors/lab-error';

/** N points in 3-D: `[[x, y, z], …]` or a flat `[x0, y0, z0, x1, …]` array. */
export type Points3 = ReadonlyArray<ArrayLike<number>> | ArrayLike<number>;

/** Result of {@link kabsch}: the proper rotation and translation that best map `P` onto `Q`. */
export interface KabschResult {
  /** Row-major 3×3 rotation matrix R (det +1). */
  rotation: Float64Array;
  /** Translation t: aligned points are `R p + t`. */
  translation: Float64Array;
  /** Root-mean-square deviation after alignment. */
  rmsd: number;
}

/**
 * Flat `[x0, y0, z0, …]` copy of a point set.
 * @throws InvalidArgumentError for non-3-D rows or non-finite values
 */
export function flattenPoints(points: Points3, name = 'points'): Float64Array {
  const first = (points as ArrayLike<unknown>)[0];
  let flat: Float64Array;
  if (typeof first === 'object' && first !== null) {
    const rows = points as ReadonlyArray<ArrayLike<number>>;
    flat = new Float64Array(rows.length * 3);
    rows.forEach((r, i) => {
      if (r.length !== 3) throw new InvalidArgumentError(name, `${name}[${i}] has ${r.length} coordinates; points must be 3-D.`);
      flat[3 * i] = r[0]!;
      flat[3 * i + 1] = r[1]!;
      flat[3 * i + 2] = r[2]!;
    });
  } else {
    const a = points as ArrayLike<number>;
    if (a.length % 3 !== 0) throw new InvalidArgumentError(name, `${name} has ${a.length} values, not a multiple of 3.`);
    flat = Float64Array.from(a);
  }
  for (let i = 0; i < flat.length; i++) {
    if (!Number.isFinite(flat[i]!)) throw new InvalidArgumentError(name, `${name}[${Math.floor(i / 3)}] has a non-finite coordinate (${flat[i]}).`);
  }
  return flat;
}

/**
 * Optimal superposition of `P` onto `Q` (Kabsch algorithm), with optional per-point weights.
 * @param P - mobile points
 * @param Q - reference points, same count and order
 * @param weights - non-negative weights per point @default all 1
 * @returns rotation, translation and the RMSD after alignment
 * @example
 * ```ts
 * const { rmsd } = kabsch(conformerA, conformerB);
 * ```
 */
export function kabsch(P: Points3, Q: Points3, weights?: ArrayLike<number>): KabschResult {
  const p = flattenPoints(P, 'P');
  const q = flattenPoints(Q, 'Q');
  if (p.length !== q.length) throw new InvalidArgumentError('Q', `P has ${p.length / 3} points but Q has ${q.length / 3}.`);
  const n = p.length / 3;
  if (n === 0) throw new InvalidArgumentError('P', 'Cannot align empty point sets.');
  if (weights && weights.length !== n) throw new InvalidArgumentError('weights', `weights has ${weights.length} values for ${n} points.`);
  let wsum = 0;
  const cp = [0, 0, 0];
  const cq = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    if (!(w >= 0)) throw new InvalidArgumentError('weights', `weights[${i}] is ${w}; weights must be non-negative.`);
    wsum += w;
    for (let k = 0; k < 3; k++) {
      cp[k]! += w * p[3 * i + k]!;
      cq[k]! += w * q[3 * i + k]!;
    }
  }
  if (wsum === 0) throw new InvalidArgumentError('weights', 'weights sum to zero.');
  for (let k = 0; k < 3; k++) {
    cp[k]! /= wsum;
    cq[k]! /= wsum;
  }
  // Covariance H = Σ w (p - cp)(q - cq)ᵀ
  const H = Matrix.zeros(3, 3);
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    for (let a = 0; a < 3; a++) {
      const pa = p[3 * i + a]! - cp[a]!;
      for (let b = 0; b < 3; b++) H.set(a, b, H.get(a, b) + w * pa * (q[3 * i + b]! - cq[b]!));
    }
  }
  const svd = new SVD(H);
  const U = svd.leftSingularVectors;
  const V = svd.rightSingularVectors;
  const d = Math.sign(determinant(V.mmul(U.transpose()))) || 1;
  const D = Matrix.diag([1, 1, d]);
  const R = V.mmul(D).mmul(U.transpose());
  const rotation = new Float64Array(9);
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) rotation[3 * a + b] = R.get(a, b);
  const translation = new Float64Array(3);
  for (let a = 0; a < 3; a++) {
    translation[a] = cq[a]! - (rotation[3 * a]! * cp[0]! + rotation[3 * a + 1]! * cp[1]! + rotation[3 * a + 2]! * cp[2]!);
  }
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    for (let a = 0; a < 3; a++) {
      const x = rotation[3 * a]! * p[3 * i]! + rotation[3 * a + 1]! * p[3 * i + 1]! + rotation[3 * a + 2]! * p[3 * i + 2]! + translation[a]!;
      sq += w * (x - q[3 * i + a]!) ** 2;
    }
  }
  return { rotation, translation, rmsd: Math.sqrt(sq / wsum) };
}

/**
 * Applies `R p + t` to every point.
 * @returns flat transformed coordinates
 */
export function applyTransform(points: Points3, rotation: ArrayLike<number>, translation: ArrayLike<number>): Float64Array {
  const p = flattenPoints(points);
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      out[i + a] = rotation[3 * a]! * p[i]! + rotation[3 * a + 1]! * p[i + 1]! + rotation[3 * a + 2]! * p[i + 2]! + translation[a]!;
    }
  }
  return out;
}

/**
 * RMSD between two point sets as given, without superposition.
 */
export function rmsd(P: Points3, Q: Points3): number {
  const p = flattenPoints(P, 'P');
  const q = flattenPoints(Q, 'Q');
  if (p.length !== q.length) throw new InvalidArgumentError('Q', `P has ${p.length / 3} points but Q has ${q.length / 3}.`);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - q[i]!) ** 2;
  return Math.sqrt(s / (p.length / 3));
}

/**
 * RMSD after optimal superposition (Kabsch).
 */
export function alignedRmsd(P: Points3, Q: Points3, weights?: ArrayLike<number>): number {
  return kabsch(P, Q, weights).rmsd;
}
