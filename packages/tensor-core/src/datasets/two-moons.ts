import { InvalidArgumentError } from '../errors/lab-error';
import { Rng } from '../rng/rng';

/** A synthetic two-class 2-D data set. */
export interface TwoMoons {
  /** `[n, 2]` row-major points. */
  x: Float32Array;
  /** `[n]` labels 0/1. */
  y: BigInt64Array;
  n: number;
}

/**
 * SYNTHETIC data: two interleaving half circles with Gaussian noise (the construction of scikit-learn's
 * `make_moons`, drawn from tensor-core's seeded RNG). Used to train the tiny tensor-core test model.
 * @param n - number of points (split evenly between the classes)
 * @param noise - standard deviation of the Gaussian noise @default 0.1
 * @param seed - RNG seed @default 0
 */
export function makeTwoMoons(n: number, noise = 0.1, seed = 0): TwoMoons {
  if (!Number.isInteger(n) || n < 2) throw new InvalidArgumentError('n', `n must be an integer ≥ 2, received ${n}.`);
  const rng = new Rng(seed);
  const nOuter = Math.floor(n / 2);
  const x = new Float32Array(2 * n);
  const y = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const outer = i < nOuter;
    const k = outer ? i : i - nOuter;
    const m = outer ? nOuter : n - nOuter;
    const t = m > 1 ? (Math.PI * k) / (m - 1) : 0;
    const px = outer ? Math.cos(t) : 1 - Math.cos(t);
    const py = outer ? Math.sin(t) : 1 - Math.sin(t) - 0.5;
    x[2 * i] = px + noise * rng.normal();
    x[2 * i + 1] = py + noise * rng.normal();
    y[i] = outer ? 0n : 1n;
  }
  return { x, y, n };
}
