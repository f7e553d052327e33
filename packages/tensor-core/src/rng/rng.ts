import { InvalidArgumentError } from '../errors/lab-error';

const TWO_NEG_32 = 2 ** -32;
const TWO_NEG_53 = 2 ** -53;

/** SplitMix32 step, used only to expand a seed into the generator state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seeded pseudo-random generator (xoshiro128** 1.1, period 2¹²⁸ − 1) with uniform and standard-normal draws.
 *
 * @remarks
 * Only 32-bit integer arithmetic, `Math.sqrt` and `Math.log` are used, so the same seed gives the same numbers on
 * every platform. Normals use Marsaglia's polar method. Not for cryptography.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const noise = rng.normalArray(3 * nAtoms);
 * ```
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare = NaN;

  /**
   * @param seed - any safe integer (or a 4-word state array)
   */
  constructor(seed: number | readonly [number, number, number, number] = 0) {
    if (typeof seed === 'number') {
      if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('seed', `seed must be a safe integer, received ${seed}.`);
      const lo = seed >>> 0;
      const hi = Math.floor(seed / 2 ** 32) >>> 0;
      const st = { s: lo ^ Math.imul(hi, 0x632be5ab) };
      this.s0 = splitmix32(st);
      this.s1 = splitmix32(st);
      this.s2 = splitmix32(st);
      this.s3 = splitmix32(st);
    } else {
      [this.s0, this.s1, this.s2, this.s3] = seed.map((v) => v >>> 0) as [number, number, number, number];
    }
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    let n2 = s2 ^ s0;
    let n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    n2 ^= t;
    n3 = (n3 << 11) | (n3 >>> 21);
    this.s2 = n2;
    this.s3 = n3;
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_NEG_53;
  }

  /** A uniform double in [lo, hi). */
  uniformRange(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /**
   * A uniform integer in [0, n), without modulo bias.
   * @param n - a positive integer ≤ 2³²
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new InvalidArgumentError('n', `int(n) needs an integer 1 ≤ n ≤ 2^32, received ${n}.`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A standard normal draw (mean 0, variance 1). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.nextUint32() * TWO_NEG_32 * 2 - 1;
      v = this.nextUint32() * TWO_NEG_32 * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /**
   * Fills an array with normal draws.
   * @param out - the array to fill
   * @param mean - @default 0
   * @param std - @default 1
   */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** A new Float64Array of `n` standard normal draws. */
  normalArray(n: number): Float64Array {
    return this.fillNormal(new Float64Array(n));
  }

  /** Fills an array with uniform draws in [0, 1). */
  fillUniform<T extends Float32Array | Float64Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform();
    return out;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** The generator state (4 words), to save and restore with `new Rng(state)`. */
  get state(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /**
   * Advances this generator by 2⁶⁴ draws and returns a copy positioned before the jump: calling `split()` k times
   * gives k streams that never overlap in practice.
   */
  split(): Rng {
    const copy = new Rng(this.state);
    const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (const word of JUMP) {
      for (let b = 0; b < 32; b++) {
        if (word & (1 << b)) {
          t0 ^= this.s0;
          t1 ^= this.s1;
          t2 ^= this.s2;
          t3 ^= this.s3;
        }
        this.nextUint32();
      }
    }
    this.s0 = t0 >>> 0;
    this.s1 = t1 >>> 0;
    this.s2 = t2 >>> 0;
    this.s3 = t3 >>> 0;
    this.spare = NaN;
    return copy;
  }
}
