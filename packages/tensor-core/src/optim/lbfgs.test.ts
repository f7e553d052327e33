import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LabError } from '../errors/lab-error';
import { Rng } from '../rng/rng';
import { findPython, runPythonJson } from '../testing/python-reference';
import { minimizeLbfgs } from './lbfgs';

const SCRIPT = fileURLToPath(new URL('./__fixtures__/scipy_lbfgs_reference.py', import.meta.url));
const probe = findPython(['scipy', 'numpy']);
if (!probe.ok) console.warn(`[skip] scipy L-BFGS parity test: ${probe.reason}`);

/** Extended Rosenbrock: sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2. */
function rosenbrock(x: Float64Array, g: Float64Array): number {
  g.fill(0);
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    f += 100 * a * a + b * b;
    g[i] = g[i]! + -400 * a * x[i]! - 2 * b;
    g[i + 1] = g[i + 1]! + 200 * a;
  }
  return f;
}

/** Random matrix rows x cols, row-major. */
function randn(rng: Rng, rows: number, cols: number): Float64Array {
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}

/** Solves the SPD system H z = v by Cholesky (small n). */
function solveSpd(H: Float64Array, v: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = i === j ? Math.sqrt(s) : s / L[j * n + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = v[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * z[k]!;
    z[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * z[k]!;
    z[i] = s / L[i * n + i]!;
  }
  return z;
}

describe('minimizeLbfgs (plain L-BFGS)', () => {
  it('solves 2-D Rosenbrock from (-1.2, 1)', () => {
    const r = minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), { maxIterations: 200, gradientTolerance: 1e-9 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.f).toBeLessThan(1e-12);
  });

  it('solves 10-D Rosenbrock and reports each iteration', () => {
    const x0 = new Float64Array(10).map((_, i) => (i % 2 ? 1 : -1.2));
    const seen: number[] = [];
    const r = minimizeLbfgs(rosenbrock, x0, { maxIterations: 500, gradientTolerance: 1e-8, functionTolerance: 0, onIteration: (info) => seen.push(info.f) });
    expect(r.converged).toBe(true);
    for (const v of r.x) expect(v).toBeCloseTo(1, 5);
    expect(seen.length).toBe(r.iterations);
    // every accepted step decreases the objective
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeLessThanOrEqual(seen[i - 1]!);
    expect(x0[0]).toBe(-1.2); // x0 untouched
  });

  it('matches the exact minimiser of a random convex quadratic', () => {
    const rng = new Rng(7);
    const n = 30;
    const A = randn(rng, n, n);
    // H = A^T A + 0.5 I (SPD, moderately conditioned), c random: minimise 0.5 x^T H x - c^T x
    const H = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[k * n + i]! * A[k * n + j]!;
        H[i * n + j] = s + (i === j ? 0.5 : 0);
      }
    }
    const c = randn(rng, n, 1);
    const exact = solveSpd(H, c, n);
    const r = minimizeLbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < n; i++) {
          let hx = 0;
          for (let j = 0; j < n; j++) hx += H[i * n + j]! * x[j]!;
          g[i] = hx - c[i]!;
          f += 0.5 * x[i]! * hx - c[i]! * x[i]!;
        }
        return f;
      },
      new Float64Array(n),
      { maxIterations: 1000, gradientTolerance: 1e-6, functionTolerance: 0 },
    );
    expect(r.converged).toBe(true);
    // |x - x*| <= |grad| / lambda_min(H) and lambda_min(H) >= 0.5
    for (let i = 0; i < n; i++) expect(Math.abs(r.x[i]! - exact[i]!)).toBeLessThan(2e-6);
  });

  it('stops at maxIterations without claiming convergence', () => {
    const r = minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), { maxIterations: 3 });
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(false);
    expect(r.reason).toMatch(/maximum iterations/);
  });

  it('rejects bad options and a non-finite start', () => {
    const fg = (x: Float64Array, g: Float64Array) => {
      g[0] = 2 * x[0]!;
      return x[0]! * x[0]!;
    };
    expect(() => minimizeLbfgs(fg, new Float64Array(1), { memory: 0 })).toThrow(InvalidArgumentError);
    expect(() => minimizeLbfgs(fg, new Float64Array(1), { l1: -1 })).toThrow(InvalidArgumentError);
    expect(() => minimizeLbfgs(fg, new Float64Array(0))).toThrow(InvalidArgumentError);
    try {
      minimizeLbfgs(() => NaN, new Float64Array(1));
      expect.unreachable();
    } catch (e) {
      expect(LabError.isInstance(e) && e.code).toBe('NON_FINITE_OBJECTIVE');
    }
  });
});

describe('minimizeLbfgs (OWL-QN)', () => {
  // Lasso with an unpenalised intercept at index 0: 0.5 ||A x - b||^2 + lam * sum_{i>=1} |x_i|.
  const rng = new Rng(11);
  const rows = 80;
  const n = 21; // intercept + 20 features
  const A = randn(rng, rows, n);
  for (let r = 0; r < rows; r++) A[r * n] = 1;
  const truth = new Float64Array(n);
  truth[0] = 0.7;
  truth[3] = 2;
  truth[8] = -1.5;
  truth[15] = 1;
  const b = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0.1 * rng.normal();
    for (let j = 0; j < n; j++) s += A[r * n + j]! * truth[j]!;
    b[r] = s;
  }
  const lam = 15;
  const smooth = (x: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let f = 0;
    for (let r = 0; r < rows; r++) {
      let res = -b[r]!;
      for (let j = 0; j < n; j++) res += A[r * n + j]! * x[j]!;
      f += 0.5 * res * res;
      for (let j = 0; j < n; j++) g[j] = g[j]! + res * A[r * n + j]!;
    }
    return f;
  };

  /** Cyclic coordinate descent with soft thresholding, run to machine precision. */
  function coordinateDescent(): Float64Array {
    const x = new Float64Array(n);
    const resid = Float64Array.from(b, (v) => -v); // A x - b
    const colSq = new Float64Array(n);
    for (let j = 0; j < n; j++) for (let r = 0; r < rows; r++) colSq[j] = colSq[j]! + A[r * n + j]! ** 2;
    for (let sweep = 0; sweep < 5000; sweep++) {
      let change = 0;
      for (let j = 0; j < n; j++) {
        let rho = 0;
        for (let r = 0; r < rows; r++) rho += A[r * n + j]! * (resid[r]! - A[r * n + j]! * x[j]!);
        const z = -rho;
        const next = j === 0 ? z / colSq[j]! : Math.sign(z) * Math.max(Math.abs(z) - lam, 0) / colSq[j]!;
        const delta = next - x[j]!;
        if (delta !== 0) {
          for (let r = 0; r < rows; r++) resid[r] = resid[r]! + A[r * n + j]! * delta;
          x[j] = next;
          change = Math.max(change, Math.abs(delta));
        }
      }
      if (change < 1e-15) break;
    }
    return x;
  }

  it('matches coordinate descent on a lasso and produces exact zeros', () => {
    const ref = coordinateDescent();
    const r = minimizeLbfgs(smooth, new Float64Array(n), { l1: lam, l1Start: 1, maxIterations: 1000, gradientTolerance: 1e-9, functionTolerance: 0 });
    expect(r.converged).toBe(true);
    let zeros = 0;
    for (let j = 0; j < n; j++) {
      expect(Math.abs(r.x[j]! - ref[j]!)).toBeLessThan(1e-6);
      if (ref[j] === 0) {
        expect(r.x[j]).toBe(0);
        zeros++;
      } else expect(r.x[j]).not.toBe(0);
    }
    expect(zeros).toBeGreaterThan(5);
    // the reported objective includes the L1 term
    const g = new Float64Array(n);
    let l1 = 0;
    for (let j = 1; j < n; j++) l1 += Math.abs(r.x[j]!);
    expect(r.f).toBeCloseTo(smooth(r.x, g) + lam * l1, 9);
  });

  it('penalises index 0 too when l1Start is 0', () => {
    const r = minimizeLbfgs(smooth, new Float64Array(n), { l1: 1e4, maxIterations: 200 });
    // a huge penalty zeroes every coordinate, intercept included
    for (const v of r.x) expect(v).toBe(0);
  });
});

describe.skipIf(!probe.ok)('minimizeLbfgs vs scipy L-BFGS-B (logistic regression)', () => {
  it('reaches the same optimum', () => {
    const rng = new Rng(3);
    const rows = 300;
    const p = 8;
    const X = Array.from({ length: rows }, () => Array.from({ length: p }, () => rng.normal()));
    const wTrue = Array.from({ length: p }, () => rng.normal());
    const y = X.map((row) => (row.reduce((s, v, j) => s + v * wTrue[j]!, 0.3) + 0.8 * rng.normal() > 0 ? 1 : -1));
    const lam = 0.5;
    const ref = runPythonJson<{ x: number[]; f: number }>(probe.ok ? probe.python : '', SCRIPT, { X, y, lam });
    const fg = (w: Float64Array, g: Float64Array): number => {
      g.fill(0);
      let f = 0;
      for (let i = 0; i < rows; i++) {
        let z = w[p]!;
        const row = X[i]!;
        for (let j = 0; j < p; j++) z += row[j]! * w[j]!;
        const m = y[i]! * z;
        f += m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
        const r = -y[i]! / (1 + Math.exp(m));
        for (let j = 0; j < p; j++) g[j] = g[j]! + r * row[j]!;
        g[p] = g[p]! + r;
      }
      for (let j = 0; j < p; j++) {
        f += 0.5 * lam * w[j]! * w[j]!;
        g[j] = g[j]! + lam * w[j]!;
      }
      return f;
    };
    const r = minimizeLbfgs(fg, new Float64Array(p + 1), { gradientTolerance: 1e-10, functionTolerance: 1e-15, maxIterations: 1000 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.f - ref.f)).toBeLessThan(1e-9 * Math.abs(ref.f));
    for (let j = 0; j <= p; j++) expect(Math.abs(r.x[j]! - ref.x[j]!)).toBeLessThan(1e-6);
  });
});
