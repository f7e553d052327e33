import { InvalidArgumentError, LabError } from '../errors/lab-error';

/** What {@link minimizeLbfgs} reports after every iteration. */
export interface LbfgsIterationInfo {
  /** Iterations (accepted steps) done so far, from 1. */
  iteration: number;
  /** Objective at the new point, the L1 term included. */
  f: number;
  /** Max-norm of the (pseudo-)gradient at the new point. */
  gradientNorm: number;
  /** Calls of the objective so far. */
  evaluations: number;
}

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Most iterations (accepted steps), as scipy's `maxiter`. @default 100 */
  maxIterations?: number;
  /** History size m (correction pairs kept). @default 10 */
  memory?: number;
  /**
   * OWL-QN L1 coefficient c1; the objective becomes `f(x) + l1 * sum_{i >= l1Start} |x_i|`. `0` gives plain L-BFGS.
   * @default 0
   */
  l1?: number;
  /** First index the L1 term applies to (e.g. leave a bias at index 0 unpenalised). @default 0 */
  l1Start?: number;
  /**
   * Stop when the max-norm of the gradient (the pseudo-gradient with L1) is at most this, as scipy's `gtol`/`pgtol`.
   * @default 1e-5
   */
  gradientTolerance?: number;
  /**
   * Stop when `(f_k - f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) <= functionTolerance`, as scipy's `ftol`. The default is
   * scipy L-BFGS-B's default (`factr = 1e7` times machine epsilon). scikit-learn's `LogisticRegression` uses it too.
   * @default 2.220446049250313e-9
   */
  functionTolerance?: number;
  /** Most objective evaluations in one line search (scipy's `maxls`, whose own default is 20). @default 50 */
  maxLineSearch?: number;
  /** Called after every accepted step. */
  onIteration?: (info: LbfgsIterationInfo) => void;
}

/** What {@link minimizeLbfgs} returns. */
export interface LbfgsResult {
  /** The final point. */
  x: Float64Array;
  /** The objective at `x`, the L1 term included. */
  f: number;
  /** Accepted steps. */
  iterations: number;
  /** Calls of the objective. */
  evaluations: number;
  /** True when a tolerance was met (not when iterations ran out or the line search failed). */
  converged: boolean;
  /** Why it stopped, in words. */
  reason: string;
}

const EPS = 2.220446049250313e-16;
// Wolfe constants of scipy's L-BFGS-B line search (dcsrch): sufficient decrease and curvature.
const C1 = 1e-3;
const C2 = 0.9;
// Armijo constant of the OWL-QN backtracking line search (Andrew & Gao 2007).
const OWL_GAMMA = 1e-4;

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(name, `${name} must be an integer >= ${min}, received ${value}.`);
}

function checkNonNegative(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new InvalidArgumentError(name, `${name} must be a finite number >= 0, received ${value}.`);
}

/**
 * Minimises a smooth function with L-BFGS, or a smooth function plus an L1 term with OWL-QN (Andrew & Gao 2007).
 *
 * @remarks
 * Plain L-BFGS uses the two-loop recursion with the usual `s·y / y·y` initial scaling and a line search that satisfies
 * the strong Wolfe conditions (`c1 = 1e-3`, `c2 = 0.9`, as scipy's L-BFGS-B); the first step has length
 * `1 / ||d||`. Pairs with `s·y <= eps·y·y` are not stored. With `l1 > 0`, OWL-QN replaces the gradient by the
 * pseudo-gradient, projects the direction onto the orthant of the pseudo-gradient and every line-search trial onto the
 * orthant of the current point, and backtracks (halving) until the Armijo condition holds. Coordinates can then become
 * exactly zero. When a line search fails, the memory is cleared and steepest descent is tried once before stopping.
 *
 * The objective `fg` must write the gradient of the smooth part into `grad` (all of it) and return the smooth part's
 * value; the L1 term is added here. `fg` must not keep `x` or `grad`: both are reused buffers.
 *
 * @example
 * ```ts
 * const r = minimizeLbfgs((x, g) => { g[0] = 2 * (x[0] - 3); return (x[0] - 3) ** 2; }, new Float64Array(1));
 * // r.x[0] ≈ 3
 * ```
 * @param fg - smooth objective and its gradient
 * @param x0 - starting point (not modified)
 * @param options - see {@link LbfgsOptions}
 * @returns the final point and why it stopped
 * @throws InvalidArgumentError for bad options or an empty `x0`; LabError `NON_FINITE_OBJECTIVE` when the objective is
 * not finite at `x0`
 */
export function minimizeLbfgs(fg: (x: Float64Array, grad: Float64Array) => number, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 100;
  const m = options.memory ?? 10;
  const l1 = options.l1 ?? 0;
  const l1Start = options.l1Start ?? 0;
  const gtol = options.gradientTolerance ?? 1e-5;
  const ftol = options.functionTolerance ?? 2.220446049250313e-9;
  const maxLs = options.maxLineSearch ?? 50;
  checkCount('maxIterations', maxIterations, 0);
  checkCount('memory', m, 1);
  checkCount('l1Start', l1Start, 0);
  checkCount('maxLineSearch', maxLs, 1);
  checkNonNegative('l1', l1);
  checkNonNegative('gradientTolerance', gtol);
  checkNonNegative('functionTolerance', ftol);
  const n = x0.length;
  if (n === 0) throw new InvalidArgumentError('x0', 'x0 must have at least one element.');

  const owl = l1 > 0;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n); // gradient of the smooth part
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let pg = owl ? new Float64Array(n) : g; // (pseudo-)gradient; aliases g without L1
  const d = new Float64Array(n);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let head = 0; // index of the next slot to write
  let stored = 0;

  let evaluations = 0;
  const l1Norm = (v: Float64Array): number => {
    let s = 0;
    for (let i = l1Start; i < n; i++) s += Math.abs(v[i]!);
    return s;
  };
  const evaluate = (at: Float64Array, grad: Float64Array): number => {
    evaluations++;
    const smooth = fg(at, grad);
    return owl ? smooth + l1 * l1Norm(at) : smooth;
  };
  const pseudoGradient = (): void => {
    if (!owl) return;
    for (let i = 0; i < n; i++) {
      const gi = g[i]!;
      if (i < l1Start) {
        pg[i] = gi;
        continue;
      }
      const xi = x[i]!;
      if (xi > 0) pg[i] = gi + l1;
      else if (xi < 0) pg[i] = gi - l1;
      else if (gi + l1 < 0) pg[i] = gi + l1;
      else if (gi - l1 > 0) pg[i] = gi - l1;
      else pg[i] = 0;
    }
  };
  const maxAbs = (v: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(v[i]!);
      if (a > s) s = a;
    }
    return s;
  };

  let f = evaluate(x, g);
  if (!Number.isFinite(f)) throw new LabError('NON_FINITE_OBJECTIVE', `minimizeLbfgs: the objective at x0 is ${f}; start from a point where it is finite.`);
  pseudoGradient();

  let iterations = 0;
  let converged = false;
  let reason = '';
  let failures = 0; // consecutive line-search failures

  for (;;) {
    const gnorm = maxAbs(pg);
    if (gnorm <= gtol) {
      converged = true;
      reason = 'gradient tolerance reached';
      break;
    }
    if (iterations >= maxIterations) {
      reason = 'maximum iterations reached';
      break;
    }

    // Direction d = -H pg (two-loop recursion).
    for (let i = 0; i < n; i++) d[i] = -pg[i]!;
    if (stored > 0) {
      for (let k = 0; k < stored; k++) {
        const j = (head - 1 - k + m) % m;
        const a = rho[j]! * dot(S[j]!, d, n);
        alpha[j] = a;
        const y = Y[j]!;
        for (let i = 0; i < n; i++) d[i] = d[i]! - a * y[i]!;
      }
      const last = (head - 1 + m) % m;
      const yl = Y[last]!;
      const gamma = 1 / (rho[last]! * dot(yl, yl, n));
      for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
      for (let k = stored - 1; k >= 0; k--) {
        const j = (head - 1 - k + m) % m;
        const b = rho[j]! * dot(Y[j]!, d, n);
        const a = alpha[j]! - b;
        const s = S[j]!;
        for (let i = 0; i < n; i++) d[i] = d[i]! + a * s[i]!;
      }
    }
    if (owl) {
      for (let i = l1Start; i < n; i++) if (d[i]! * pg[i]! >= 0) d[i] = 0;
    }
    let dg = dot(d, pg, n);
    if (!(dg < 0)) {
      // Not a descent direction (bad curvature pairs): restart from steepest descent.
      stored = 0;
      head = 0;
      for (let i = 0; i < n; i++) d[i] = -pg[i]!;
      dg = dot(d, pg, n);
    }
    const step0 = stored === 0 ? 1 / Math.sqrt(dot(d, d, n)) : 1;

    const fNew = owl ? owlLineSearch(step0) : wolfeLineSearch(step0, dg);
    if (fNew === undefined) {
      failures++;
      if (failures >= 2 || stored === 0) {
        reason = 'line search failed to find a better point';
        break;
      }
      stored = 0;
      head = 0;
      continue;
    }
    failures = 0;

    // Update the memory with s = xNew - x, y = gNew - g.
    let s = S[head];
    let y = Y[head];
    if (!s || !y) {
      s = new Float64Array(n);
      y = new Float64Array(n);
      S[head] = s;
      Y[head] = y;
    }
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const si = xNew[i]! - x[i]!;
      const yi = gNew[i]! - g[i]!;
      s[i] = si;
      y[i] = yi;
      sy += si * yi;
      yy += yi * yi;
    }
    if (sy > EPS * yy && yy > 0) {
      rho[head] = 1 / sy;
      head = (head + 1) % m;
      if (stored < m) stored++;
    }
    const fOld = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    if (!owl) pg = g; // without L1, pg aliases the current gradient
    iterations++;
    pseudoGradient();
    const newNorm = maxAbs(pg);
    options.onIteration?.({ iteration: iterations, f, gradientNorm: newNorm, evaluations });
    if (newNorm <= gtol) {
      converged = true;
      reason = 'gradient tolerance reached';
      break;
    }
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      converged = true;
      reason = 'function tolerance reached';
      break;
    }
  }
  return { x, f, iterations, evaluations, converged, reason };

  // --- line searches (closures over the buffers above) ---

  /**
   * Strong-Wolfe line search along d from x (bracketing, then zoom with safeguarded cubic interpolation). On success the
   * accepted point is in xNew/gNew and its value is returned.
   */
  function wolfeLineSearch(step0: number, dphi0: number): number | undefined {
    const phi0 = f;
    const trial = (a: number): [number, number] => {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + a * d[i]!;
      const v = evaluate(xNew, gNew);
      return [v, dot(gNew, d, n)];
    };
    let used = 0;
    let bestArmijo = -1; // a step with sufficient decrease, as a fallback
    let bestArmijoF = Infinity;
    let lastStep = -1;
    const note = (a: number, v: number): void => {
      lastStep = a;
      if (Number.isFinite(v) && v <= phi0 + C1 * a * dphi0 && v < bestArmijoF) {
        bestArmijo = a;
        bestArmijoF = v;
      }
    };
    const fallback = (): number | undefined => {
      if (bestArmijo < 0 || !(bestArmijoF < phi0)) return undefined;
      if (lastStep !== bestArmijo) {
        const [v] = trial(bestArmijo);
        return v;
      }
      return bestArmijoF;
    };

    let aPrev = 0;
    let phiPrev = phi0;
    let dphiPrev = dphi0;
    let a = step0;
    let lo = 0;
    let hi = 0;
    let phiLo = 0;
    let dphiLo = 0;
    let phiHi = 0;
    let dphiHi = 0;
    let zoom = false;
    while (used < maxLs) {
      const [phi, dphi] = trial(a);
      used++;
      note(a, phi);
      if (!Number.isFinite(phi) || phi > phi0 + C1 * a * dphi0 || (used > 1 && phi >= phiPrev)) {
        [lo, phiLo, dphiLo, hi, phiHi, dphiHi] = [aPrev, phiPrev, dphiPrev, a, phi, dphi];
        zoom = true;
        break;
      }
      if (Math.abs(dphi) <= -C2 * dphi0) return phi;
      if (dphi >= 0) {
        [lo, phiLo, dphiLo, hi, phiHi, dphiHi] = [a, phi, dphi, aPrev, phiPrev, dphiPrev];
        zoom = true;
        break;
      }
      aPrev = a;
      phiPrev = phi;
      dphiPrev = dphi;
      a *= 4;
    }
    if (!zoom) return fallback();
    while (used < maxLs) {
      const width = hi - lo;
      if (Math.abs(width) <= EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
      let t = Number.isFinite(phiHi) ? cubicMin(lo, phiLo, dphiLo, hi, phiHi, dphiHi) : NaN;
      const lower = Math.min(lo, hi) + 0.1 * Math.abs(width);
      const upper = Math.max(lo, hi) - 0.1 * Math.abs(width);
      if (!(t >= lower && t <= upper)) t = lo + 0.5 * width;
      const [phi, dphi] = trial(t);
      used++;
      note(t, phi);
      if (!Number.isFinite(phi) || phi > phi0 + C1 * t * dphi0 || phi >= phiLo) {
        hi = t;
        phiHi = phi;
        dphiHi = dphi;
      } else {
        if (Math.abs(dphi) <= -C2 * dphi0) return phi;
        if (dphi * (hi - lo) >= 0) {
          hi = lo;
          phiHi = phiLo;
          dphiHi = dphiLo;
        }
        lo = t;
        phiLo = phi;
        dphiLo = dphi;
      }
    }
    return fallback();
  }

  /** OWL-QN backtracking line search with orthant projection. */
  function owlLineSearch(step0: number): number | undefined {
    let a = step0;
    for (let used = 0; used < maxLs; used++) {
      for (let i = 0; i < n; i++) {
        const xi = x[i]!;
        let v = xi + a * d[i]!;
        if (i >= l1Start) {
          const orthant = xi !== 0 ? Math.sign(xi) : -Math.sign(pg[i]!);
          if (v * orthant <= 0) v = 0;
        }
        xNew[i] = v;
      }
      const v = evaluate(xNew, gNew);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += pg[i]! * (xNew[i]! - x[i]!);
      if (Number.isFinite(v) && v <= f + OWL_GAMMA * decrease && v <= f) return v;
      a *= 0.5;
    }
    return undefined;
  }
}

/** Minimiser of the cubic interpolating (a, fa, da) and (b, fb, db); NaN when it has none. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}
