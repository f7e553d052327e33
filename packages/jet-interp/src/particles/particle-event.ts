/**
 * One collision event as a flat Float64Array of four-momenta, validated on construction.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { FourMomentum, type FourMomentumLike } from './four-momentum';
import { InvalidParticleError, type ParticleSource } from './invalid-particle-error';
import { azimuth, invariantMass, invariantMass2, pseudorapidity, rapidity } from './kinematics';

/**
 * Default relative tolerance for E < |p|: a particle is accepted while `E ≥ |p|·(1 − tolerance)`. 1e-5 accepts massless
 * particles written with six significant digits (FastJet's example outputs reach 4.4e-6) and rejects real errors.
 * @example
 * ```ts
 * ParticleEvent.fromRows([[3, 4, 0, 5 * (1 - DEFAULT_ENERGY_TOLERANCE / 2)]]); // accepted
 * ```
 */
export const DEFAULT_ENERGY_TOLERANCE = 1e-5;

/** Options of {@link ParticleEvent} construction. */
export interface ParticleEventOptions {
  /**
   * Check every particle (finite components, E ≥ 0, E ≥ |p|·(1 − energyTolerance)) and throw
   * {@link InvalidParticleError} on the first bad one. @default true
   */
  validate?: boolean;
  /** Relative tolerance for E < |p|; `Infinity` turns the check off. @default DEFAULT_ENERGY_TOLERANCE (1e-5) */
  energyTolerance?: number;
  /** Event index, file and location for error messages. */
  source?: ParticleSource;
}

const FIELDS = ['px', 'py', 'pz', 'E'] as const;

/**
 * The particles of one event, stored as one Float64Array `[px0, py0, pz0, E0, px1, ...]`.
 *
 * @remarks
 * Validation (on by default) rejects NaN or infinite components, negative energies and energies below |p| beyond a
 * relative tolerance ({@link DEFAULT_ENERGY_TOLERANCE}): particles inside the tolerance are kept as they are (their m² may
 * be slightly negative; rapidity then treats them as massless, as FastJet does). An empty event is valid and clusters to
 * no jets. Particles with zero momentum are valid (FastJet gives them rapidity 1e5).
 *
 * @example
 * ```ts
 * const event = ParticleEvent.fromRows([[1, 0, 2, 3], [0, -1, 0, 1]]);
 * event.size;         // 2
 * event.pt(1);        // 1
 * event.phi(1);       // 3π/2
 * event.particle(0);  // FourMomentum { px: 1, py: 0, pz: 2, e: 3 }
 * ```
 */
export class ParticleEvent implements Iterable<FourMomentum> {
  /** Four-momenta, `[px, py, pz, E]` of particle i at `4i … 4i + 3`. Do not modify. */
  readonly momenta: Float64Array;
  /** Number of particles. */
  readonly size: number;

  /**
   * @param momenta - `4 × size` values, `[px, py, pz, E]` per particle (kept, not copied)
   * @param options - validation options
   */
  constructor(momenta: Float64Array, options: ParticleEventOptions = {}) {
    if (momenta.length % 4 !== 0) {
      throw new InvalidArgumentError('momenta', `momenta must hold 4 values (px, py, pz, E) per particle; received ${momenta.length} values.`);
    }
    this.momenta = momenta;
    this.size = momenta.length / 4;
    if (options.validate !== false) validateMomenta(momenta, options);
  }

  /**
   * An event from rows `[px, py, pz, E]`.
   * @param rows - one row per particle (extra entries are ignored)
   * @param options - validation options
   * @returns the event
   * @example
   * ```ts
   * ParticleEvent.fromRows([[1, 0, 0, 1]]).size; // 1
   * ```
   */
  static fromRows(rows: readonly ArrayLike<number>[], options?: ParticleEventOptions): ParticleEvent {
    const m = new Float64Array(4 * rows.length);
    rows.forEach((r, i) => {
      if (r.length < 4) throw new InvalidArgumentError('rows', `row ${i} has ${r.length} values; expected px, py, pz, E.`);
      for (let c = 0; c < 4; c++) m[4 * i + c] = r[c] as number;
    });
    return new ParticleEvent(m, options);
  }

  /**
   * An event from four-momentum objects.
   * @param momenta - objects with px, py, pz, e
   * @param options - validation options
   * @returns the event
   * @example
   * ```ts
   * ParticleEvent.fromMomenta([new FourMomentum(1, 0, 0, 1)]).size; // 1
   * ```
   */
  static fromMomenta(momenta: readonly FourMomentumLike[], options?: ParticleEventOptions): ParticleEvent {
    const m = new Float64Array(4 * momenta.length);
    momenta.forEach((p, i) => {
      m[4 * i] = p.px;
      m[4 * i + 1] = p.py;
      m[4 * i + 2] = p.pz;
      m[4 * i + 3] = p.e;
    });
    return new ParticleEvent(m, options);
  }

  /**
   * x momentum of particle i.
   * @param i - particle index
   * @returns px
   * @example
   * ```ts
   * ParticleEvent.fromRows([[1, 2, 3, 4]]).px(0); // 1
   * ```
   */
  px(i: number): number {
    return this.momenta[4 * i] as number;
  }

  /**
   * y momentum of particle i.
   * @param i - particle index
   * @returns py
   * @example
   * ```ts
   * ParticleEvent.fromRows([[1, 2, 3, 4]]).py(0); // 2
   * ```
   */
  py(i: number): number {
    return this.momenta[4 * i + 1] as number;
  }

  /**
   * z momentum of particle i.
   * @param i - particle index
   * @returns pz
   * @example
   * ```ts
   * ParticleEvent.fromRows([[1, 2, 3, 4]]).pz(0); // 3
   * ```
   */
  pz(i: number): number {
    return this.momenta[4 * i + 2] as number;
  }

  /**
   * Energy of particle i.
   * @param i - particle index
   * @returns E
   * @example
   * ```ts
   * ParticleEvent.fromRows([[1, 2, 3, 4]]).e(0); // 4
   * ```
   */
  e(i: number): number {
    return this.momenta[4 * i + 3] as number;
  }

  /**
   * Transverse momentum of particle i.
   * @param i - particle index
   * @returns pt
   * @example
   * ```ts
   * ParticleEvent.fromRows([[3, 4, 0, 5]]).pt(0); // 5
   * ```
   */
  pt(i: number): number {
    const px = this.px(i);
    const py = this.py(i);
    return Math.sqrt(px * px + py * py);
  }

  /**
   * Rapidity of particle i (see {@link rapidity}).
   * @param i - particle index
   * @returns y
   * @example
   * ```ts
   * ParticleEvent.fromRows([[1, 0, 0, 1]]).rapidity(0); // 0
   * ```
   */
  rapidity(i: number): number {
    return rapidity(this.px(i), this.py(i), this.pz(i), this.e(i));
  }

  /**
   * Pseudorapidity of particle i (see {@link pseudorapidity}).
   * @param i - particle index
   * @returns η
   * @example
   * ```ts
   * ParticleEvent.fromRows([[1, 0, 0, 1]]).pseudorapidity(0); // 0
   * ```
   */
  pseudorapidity(i: number): number {
    return pseudorapidity(this.px(i), this.py(i), this.pz(i));
  }

  /**
   * Azimuth of particle i, in [0, 2π).
   * @param i - particle index
   * @returns φ
   * @example
   * ```ts
   * ParticleEvent.fromRows([[0, 1, 0, 1]]).phi(0); // π/2
   * ```
   */
  phi(i: number): number {
    return azimuth(this.px(i), this.py(i));
  }

  /**
   * Squared mass of particle i.
   * @param i - particle index
   * @returns m²
   * @example
   * ```ts
   * ParticleEvent.fromRows([[0, 0, 0, 2]]).m2(0); // 4
   * ```
   */
  m2(i: number): number {
    return invariantMass2(this.px(i), this.py(i), this.pz(i), this.e(i));
  }

  /**
   * Mass of particle i, sign(m²)·sqrt(|m²|).
   * @param i - particle index
   * @returns m
   * @example
   * ```ts
   * ParticleEvent.fromRows([[3, 0, 0, 5]]).mass(0); // 4
   * ```
   */
  mass(i: number): number {
    return invariantMass(this.px(i), this.py(i), this.pz(i), this.e(i));
  }

  /**
   * Particle i as a {@link FourMomentum}.
   * @param i - particle index (0 ≤ i < size)
   * @returns its four-momentum
   * @example
   * ```ts
   * ParticleEvent.fromRows([[3, 4, 0, 5]]).particle(0).pt; // 5
   * ```
   */
  particle(i: number): FourMomentum {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new InvalidArgumentError('i', `particle index ${i} is outside 0..${this.size - 1}.`);
    }
    return new FourMomentum(this.px(i), this.py(i), this.pz(i), this.e(i));
  }

  /**
   * The sum of all four-momenta.
   * @returns the total four-momentum
   * @example
   * ```ts
   * ParticleEvent.fromRows([[1, 0, 0, 1], [-1, 0, 0, 1]]).total().mass; // 2
   * ```
   */
  total(): FourMomentum {
    let px = 0;
    let py = 0;
    let pz = 0;
    let e = 0;
    for (let i = 0; i < this.size; i++) {
      px += this.px(i);
      py += this.py(i);
      pz += this.pz(i);
      e += this.e(i);
    }
    return new FourMomentum(px, py, pz, e);
  }

  /**
   * A new event with the given particles, in the given order (no revalidation).
   * @param indices - particle indices
   * @returns the selected particles
   * @example
   * ```ts
   * ParticleEvent.fromRows([[1, 0, 0, 1], [2, 0, 0, 2]]).select([1]).e(0); // 2
   * ```
   */
  select(indices: ArrayLike<number>): ParticleEvent {
    const m = new Float64Array(4 * indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k] as number;
      if (!Number.isInteger(i) || i < 0 || i >= this.size) {
        throw new InvalidArgumentError('indices', `particle index ${i} is outside 0..${this.size - 1}.`);
      }
      m.set(this.momenta.subarray(4 * i, 4 * i + 4), 4 * k);
    }
    return new ParticleEvent(m, { validate: false });
  }

  /**
   * Iterates over the particles as {@link FourMomentum} objects.
   * @returns an iterator
   * @example
   * ```ts
   * for (const p of ParticleEvent.fromRows([[3, 4, 0, 5]])) console.log(p.pt); // 5
   * ```
   */
  *[Symbol.iterator](): Iterator<FourMomentum> {
    for (let i = 0; i < this.size; i++) yield new FourMomentum(this.px(i), this.py(i), this.pz(i), this.e(i));
  }
}

/** What is wrong with one particle, or undefined when it is physical. */
export interface ParticleProblem {
  /** Component index: 0 px, 1 py, 2 pz, 3 E. */
  component: number;
  /** The component's value. */
  value: number;
  /** Description, e.g. `is negative (energy must be ≥ 0)`. */
  problem: string;
}

/**
 * Checks one four-momentum: finite components, E ≥ 0, E ≥ |p|·(1 − tolerance).
 * @param px - x momentum
 * @param py - y momentum
 * @param pz - z momentum
 * @param e - energy
 * @param tolerance - relative tolerance for E < |p|
 * @returns the problem, or undefined
 */
export function particleProblem(px: number, py: number, pz: number, e: number, tolerance: number): ParticleProblem | undefined {
  if (!Number.isFinite(px)) return nonFinite(0, px);
  if (!Number.isFinite(py)) return nonFinite(1, py);
  if (!Number.isFinite(pz)) return nonFinite(2, pz);
  if (!Number.isFinite(e)) return nonFinite(3, e);
  if (e < 0) return { component: 3, value: e, problem: 'is negative (energy must be ≥ 0)' };
  const p = Math.sqrt(px * px + py * py + pz * pz);
  if (e < p * (1 - tolerance)) {
    return { component: 3, value: e, problem: `is below |p| = ${p} (relative shortfall ${((p - e) / p).toExponential(2)} exceeds the tolerance ${tolerance})` };
  }
  return undefined;
}

function nonFinite(component: number, value: number): ParticleProblem {
  return { component, value, problem: Number.isNaN(value) ? 'is not a number' : 'is infinite' };
}

/**
 * The error for a particle problem.
 * @param particle - particle index
 * @param problem - from {@link particleProblem}
 * @param source - event, file and location
 * @returns the error to throw
 */
export function particleError(particle: number, problem: ParticleProblem, source: ParticleSource = {}): InvalidParticleError {
  return new InvalidParticleError(particle, FIELDS[problem.component] as (typeof FIELDS)[number], problem.value, problem.problem, source);
}

/** Checks the energy tolerance option. */
export function checkEnergyTolerance(tolerance: number | undefined): number {
  const tol = tolerance ?? DEFAULT_ENERGY_TOLERANCE;
  if (typeof tol !== 'number' || !(tol >= 0)) throw new InvalidArgumentError('energyTolerance', `energyTolerance must be a number ≥ 0; received ${String(tol)}.`);
  return tol;
}

/** Throws {@link InvalidParticleError} for the first unphysical particle. */
function validateMomenta(m: Float64Array, options: ParticleEventOptions): void {
  const tol = checkEnergyTolerance(options.energyTolerance);
  const n = m.length / 4;
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    const problem = particleProblem(m[o]!, m[o + 1]!, m[o + 2]!, m[o + 3]!, tol);
    if (problem) throw particleError(i, problem, options.source);
  }
}
