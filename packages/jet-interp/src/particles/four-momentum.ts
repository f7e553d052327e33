/**
 * An immutable four-momentum with FastJet's derived quantities.
 * @packageDocumentation
 */
import { azimuth, deltaR2, invariantMass, invariantMass2, pseudorapidity, rapidity, transverseMomentum2 } from './kinematics';

/** Anything with the four components of a four-momentum (GeV). */
export interface FourMomentumLike {
  readonly px: number;
  readonly py: number;
  readonly pz: number;
  /** Energy. */
  readonly e: number;
}

/**
 * A four-momentum (px, py, pz, E) with derived pt, rapidity, pseudorapidity, azimuth and mass, computed on demand with
 * FastJet 3.4's conventions (see {@link rapidity}, {@link azimuth}, {@link invariantMass}).
 *
 * @remarks The constructor does not validate; {@link ParticleEvent} does, for particles read from data.
 *
 * @example
 * ```ts
 * const p = new FourMomentum(3, 4, 0, 5);
 * p.pt;       // 5
 * p.mass;     // 0
 * p.phi;      // 0.927...
 * p.add(p).e; // 10
 * ```
 */
export class FourMomentum implements FourMomentumLike {
  /**
   * @param px - x momentum
   * @param py - y momentum
   * @param pz - z (beam) momentum
   * @param e - energy
   */
  constructor(
    readonly px: number,
    readonly py: number,
    readonly pz: number,
    readonly e: number,
  ) {}

  /**
   * A four-momentum from transverse momentum, rapidity, azimuth and mass (FastJet's `PtYPhiM`).
   * @param pt - transverse momentum (≥ 0)
   * @param y - rapidity
   * @param phi - azimuth
   * @param m - mass @default 0
   * @returns the four-momentum
   * @example
   * ```ts
   * FourMomentum.fromPtYPhiM(100, 0.5, 1, 0).rapidity; // 0.5
   * ```
   */
  static fromPtYPhiM(pt: number, y: number, phi: number, m = 0): FourMomentum {
    const mt = m === 0 ? pt : Math.sqrt(pt * pt + m * m);
    const ey = Math.exp(y);
    const pMinus = mt / ey;
    const pPlus = mt * ey;
    return new FourMomentum(pt * Math.cos(phi), pt * Math.sin(phi), 0.5 * (pPlus - pMinus), 0.5 * (pPlus + pMinus));
  }

  /** Squared transverse momentum px² + py². */
  get pt2(): number {
    return transverseMomentum2(this.px, this.py);
  }

  /** Transverse momentum. */
  get pt(): number {
    return Math.sqrt(this.pt2);
  }

  /** Rapidity (FastJet's convention for massless momenta along the beam: ±(1e5 + |pz|)). */
  get rapidity(): number {
    return rapidity(this.px, this.py, this.pz, this.e);
  }

  /** Pseudorapidity (FastJet's convention: +1e5 when pt = 0). */
  get pseudorapidity(): number {
    return pseudorapidity(this.px, this.py, this.pz);
  }

  /** Azimuth in [0, 2π). */
  get phi(): number {
    return azimuth(this.px, this.py);
  }

  /** Squared invariant mass, (E + pz)(E − pz) − pt². */
  get m2(): number {
    return invariantMass2(this.px, this.py, this.pz, this.e);
  }

  /** Invariant mass, sign(m²)·sqrt(|m²|). */
  get mass(): number {
    return invariantMass(this.px, this.py, this.pz, this.e);
  }

  /** Magnitude of the three-momentum. */
  get p(): number {
    return Math.sqrt(this.px * this.px + this.py * this.py + this.pz * this.pz);
  }

  /**
   * The sum of this momentum and another (E-scheme recombination).
   * @param other - the other momentum
   * @returns a new four-momentum
   * @example
   * ```ts
   * new FourMomentum(1, 0, 0, 1).add(new FourMomentum(-1, 0, 0, 1)).mass; // 2
   * ```
   */
  add(other: FourMomentumLike): FourMomentum {
    return new FourMomentum(this.px + other.px, this.py + other.py, this.pz + other.pz, this.e + other.e);
  }

  /**
   * Squared distance to another momentum in the (rapidity, azimuth) plane.
   * @param other - the other momentum
   * @returns Δy² + Δφ²
   * @example
   * ```ts
   * FourMomentum.fromPtYPhiM(1, 0, 0).deltaR2(FourMomentum.fromPtYPhiM(1, 0.3, 0.4)); // 0.25
   * ```
   */
  deltaR2(other: FourMomentumLike): number {
    return deltaR2(this.rapidity, this.phi, rapidity(other.px, other.py, other.pz, other.e), azimuth(other.px, other.py));
  }

  /**
   * The components as an array.
   * @returns `[px, py, pz, E]`
   * @example
   * ```ts
   * new FourMomentum(1, 2, 3, 4).toArray(); // [1, 2, 3, 4]
   * ```
   */
  toArray(): [number, number, number, number] {
    return [this.px, this.py, this.pz, this.e];
  }
}
