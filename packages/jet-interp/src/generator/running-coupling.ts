/**
 * The strong coupling αs for the parton shower: one-loop running with a fixed number of flavours, or a constant.
 * @packageDocumentation
 */
import { InvalidArgumentError, type Rng } from '@lab/tensor-core';
import { PARTICLE_DATA } from './particle-data';

/**
 * How αs depends on the scale.
 *
 * @remarks Two-loop running and flavour thresholds are not implemented.
 * @example
 * ```ts
 * RunningCoupling.oneLoop().kind; // 'one-loop'
 * ```
 */
export type CouplingKind = 'one-loop' | 'fixed';

/**
 * The strong coupling αs(t) at a squared scale t (GeV²), with the sampler of the first trial scale that the Sudakov veto
 * algorithm needs.
 *
 * @remarks
 * One-loop running: αs(t) = 1 / (b0 ln(t/Λ²)), b0 = (33 − 2 nf) / (12π), with nf fixed (5 by default, no flavour
 * thresholds) and Λ fixed by αs(M_Z). The shower evaluates αs at t = p⊥²_evol. Because ∫ αs(t) dt/t has a closed form
 * (ln ln t / b0), the trial scales are drawn exactly, so with running or fixed αs the veto algorithm needs no αs veto.
 *
 * @example
 * ```ts
 * const as = RunningCoupling.oneLoop(0.118);
 * as.value(91.1876 ** 2); // 0.118
 * as.value(1);            // ≈ 0.34
 * ```
 */
export class RunningCoupling {
  /** `one-loop` or `fixed`. */
  readonly kind: CouplingKind;
  /** αs at the Z mass (for `fixed`: the constant). */
  readonly alphaSMZ: number;
  /** Number of active flavours in b0 (one-loop only). */
  readonly nf: number;
  /** b0 = (33 − 2nf)/(12π) (one-loop only; 0 for fixed). */
  readonly b0: number;
  /** Λ²_QCD in GeV² (one-loop only; 0 for fixed). */
  readonly lambda2: number;

  private constructor(kind: CouplingKind, alphaSMZ: number, nf: number) {
    this.kind = kind;
    this.alphaSMZ = alphaSMZ;
    this.nf = nf;
    if (kind === 'one-loop') {
      this.b0 = (33 - 2 * nf) / (12 * Math.PI);
      const mz2 = PARTICLE_DATA.zMass * PARTICLE_DATA.zMass;
      this.lambda2 = mz2 * Math.exp(-1 / (this.b0 * alphaSMZ));
    } else {
      this.b0 = 0;
      this.lambda2 = 0;
    }
  }

  /**
   * One-loop running αs with nf fixed.
   * @param alphaSMZ - αs(M_Z) in (0, 1) @default 0.118
   * @param nf - active flavours in b0, integer 0…6 @default 5
   * @returns the coupling
   * @throws InvalidArgumentError for αs(M_Z) outside (0, 1) or nf outside 0…6
   * @example
   * ```ts
   * RunningCoupling.oneLoop(0.118).lambda2; // ≈ 0.0077 GeV² (Λ ≈ 88 MeV at one loop, nf = 5)
   * ```
   */
  static oneLoop(alphaSMZ = 0.118, nf = 5): RunningCoupling {
    checkAlpha(alphaSMZ, 'alphaSMZ');
    if (!Number.isInteger(nf) || nf < 0 || nf > 6) throw new InvalidArgumentError('nf', `nf must be an integer 0…6; received ${nf}.`);
    return new RunningCoupling('one-loop', alphaSMZ, nf);
  }

  /**
   * A constant coupling (for tests and analytic comparisons).
   * @param alphaS - the constant in (0, 1)
   * @returns the coupling
   * @example
   * ```ts
   * RunningCoupling.fixed(0.2).value(1e4); // 0.2
   * ```
   */
  static fixed(alphaS: number): RunningCoupling {
    checkAlpha(alphaS, 'alphaS');
    return new RunningCoupling('fixed', alphaS, 5);
  }

  /**
   * αs at squared scale t.
   * @param t - scale in GeV² (> Λ² for one-loop)
   * @returns αs(t); Infinity at or below the Landau pole
   * @example
   * ```ts
   * RunningCoupling.oneLoop().value(100 * 100); // ≈ 0.116
   * ```
   */
  value(t: number): number {
    if (this.kind === 'fixed') return this.alphaSMZ;
    return t > this.lambda2 ? 1 / (this.b0 * Math.log(t / this.lambda2)) : Number.POSITIVE_INFINITY;
  }

  /**
   * ∫_{t}^{tMax} αs(t')/(2π) dt'/t', the Sudakov exponent per unit of z-integrated kernel.
   * @param t - lower scale (> Λ²)
   * @param tMax - upper scale ≥ t
   * @returns the integral (≥ 0)
   * @example
   * ```ts
   * RunningCoupling.fixed(0.2).logIntegral(1, Math.E); // 0.2 / 2π
   * ```
   */
  logIntegral(t: number, tMax: number): number {
    if (this.kind === 'fixed') return (this.alphaSMZ / (2 * Math.PI)) * Math.log(tMax / t);
    return Math.log(Math.log(tMax / this.lambda2) / Math.log(t / this.lambda2)) / (2 * Math.PI * this.b0);
  }

  /**
   * Draws the next trial scale below tStart from the no-emission probability
   * `Δ(tStart, t) = exp(−c ∫_t^{tStart} αs(t')/(2π) dt'/t')` (the overestimated Sudakov factor): solves Δ = R for a
   * uniform R, exactly for both kinds.
   * @param tStart - the current scale (GeV²)
   * @param coefficient - c, the z-integral of the overestimated kernel (≥ 0)
   * @param rng - the random generator
   * @returns the trial scale t < tStart, or 0 when c = 0 or tStart is at or below Λ²
   * @example
   * ```ts
   * RunningCoupling.oneLoop().nextTrialScale(1e4, 5, new Rng(1)); // a scale below 1e4 GeV²
   * ```
   */
  nextTrialScale(tStart: number, coefficient: number, rng: Rng): number {
    if (!(coefficient > 0) || !(tStart > this.lambda2)) return 0;
    const r = 1 - rng.uniform(); // in (0, 1]
    if (this.kind === 'fixed') return tStart * Math.pow(r, (2 * Math.PI) / (this.alphaSMZ * coefficient));
    const lStart = Math.log(tStart / this.lambda2);
    return this.lambda2 * Math.exp(lStart * Math.pow(r, (2 * Math.PI * this.b0) / coefficient));
  }
}

function checkAlpha(value: number, name: string): void {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new InvalidArgumentError(name, `${name} must be a number in (0, 1); received ${String(value)}.`);
  }
}
