import { InvalidArgumentError, Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { generateJets } from '../generator/generate-jets';
import { FourMomentum } from '../particles/four-momentum';
import { jetFrame } from './jet-frame';
import { JET_IMAGE_DEFAULTS, jetImage } from './jet-image';

const P = JET_IMAGE_DEFAULTS.pixels;
const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** Massless constituents at (η, φ) with weights p⊥ (η = rapidity for m = 0). */
function jetAt(points: ReadonlyArray<readonly [number, number, number]>): FourMomentum[] {
  return points.map(([pt, eta, phi]) => FourMomentum.fromPtYPhiM(pt, eta, phi, 0));
}

/** Points of a random two-prong jet around (η0, φ0). */
function randomPoints(rng: Rng, eta0: number, phi0: number, n = 40): Array<[number, number, number]> {
  return Array.from({ length: n }, (_, i) => {
    const prong = i % 3 === 0 ? [0.18, -0.1] : [-0.05, 0.04];
    return [0.5 + 150 * rng.uniform() ** 3, eta0 + prong[0]! + 0.08 * rng.normal(), phi0 + prong[1]! + 0.08 * rng.normal()] as [number, number, number];
  });
}

function rotate(points: ReadonlyArray<readonly [number, number, number]>, alpha: number, centre: readonly [number, number]): Array<[number, number, number]> {
  const c = Math.cos(alpha);
  const s = Math.sin(alpha);
  return points.map(([pt, eta, phi]) => {
    const x = eta - centre[0];
    const y = phi - centre[1];
    return [pt, centre[0] + c * x - s * y, centre[1] + s * x + c * y];
  });
}

describe('jetImage', () => {
  it('is a 37 × 37 image of p⊥ fractions that sums to 1', () => {
    expect(P).toBe(37);
    for (const kind of ['w', 'top', 'quark', 'gluon'] as const) {
      for (const j of generateJets(kind, 3, { seed: 5 })) {
        const { image, outside } = jetImage(j.constituents);
        expect(image.length).toBe(P * P);
        expect(Math.abs(sum(image) - 1)).toBeLessThan(1e-5);
        expect(Math.min(...image)).toBeGreaterThanOrEqual(0);
        expect(outside).toBeGreaterThanOrEqual(0);
        expect(outside).toBeLessThan(0.1);
      }
    }
  });

  it('puts a one-particle jet in the centre pixel', () => {
    const { image } = jetImage(jetAt([[50, 0.3, 2]]));
    expect(image[18 * P + 18]).toBe(1);
    expect(sum(image)).toBe(1);
  });

  it('rotates the principal axis onto the rows and puts the harder half at u > 0', () => {
    // 70 GeV at Δ = 0 and 30 GeV at Δη = 0.3: centroid at 0.09; after the flip the hard one sits at u = +0.09
    const along = jetImage(jetAt([[70, 0, 1], [30, 0.3, 1]])).image;
    expect(along[20 * P + 18]).toBeCloseTo(0.7, 6);
    expect(along[13 * P + 18]).toBeCloseTo(0.3, 6);
    // the same pair along φ, or mirrored, gives the same image
    expect(maxDiff(jetImage(jetAt([[70, 0, 1], [30, 0, 1.3]])).image, along)).toBeLessThan(1e-6);
    expect(maxDiff(jetImage(jetAt([[70, 0, 1], [30, -0.3, 1]])).image, along)).toBeLessThan(1e-6);
  });

  it('is invariant under rotations of the jet in the (η, φ) plane', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 4; trial++) {
      const points = randomPoints(rng, 0.4 * trial - 0.5, 1 + trial);
      const ref = jetImage(jetAt(points));
      for (const alpha of [0.35, 1.2, Math.PI / 2, 2.7, -2.1]) {
        for (const centre of [[points[0]![1], points[0]![2]], [0, 1]] as const) {
          const rotated = jetImage(jetAt(rotate(points, alpha, centre)));
          expect(maxDiff(rotated.image, ref.image)).toBeLessThan(1e-5);
          expect(rotated.outside).toBeCloseTo(ref.outside, 9);
        }
      }
    }
  });

  it('is invariant under reflections and translations, also across φ = 0', () => {
    const rng = new Rng(8);
    const points = randomPoints(rng, 0.2, 3);
    const ref = jetImage(jetAt(points)).image;
    const mirrored = points.map(([pt, eta, phi]) => [pt, 0.4 - eta, phi] as [number, number, number]);
    expect(maxDiff(jetImage(jetAt(mirrored)).image, ref)).toBeLessThan(1e-5);
    const moved = points.map(([pt, eta, phi]) => [pt, eta - 1.3, phi - 3] as [number, number, number]); // straddles φ = 0
    expect(maxDiff(jetImage(jetAt(moved)).image, ref)).toBeLessThan(1e-5);
  });

  it('drops constituents outside the window, reports their p⊥ fraction and renormalises', () => {
    const { image, outside } = jetImage(jetAt([[60, 0, 1], [30, 0.05, 1.02], [10, 0.1, 2.5]]));
    expect(outside).toBeCloseTo(0.1, 9);
    expect(Math.abs(sum(image) - 1)).toBeLessThan(1e-6);
    const small = jetImage(jetAt([[60, 0, 1], [40, 0.5, 1]]), { halfWidth: 0.1, pixels: 5 });
    expect(small.outside).toBe(1); // centroid at 0.2: both > 0.1 away
    expect(sum(small.image)).toBe(0);
  });

  it('uses the frame of jetFrame and accepts other geometries', () => {
    const [w] = generateJets('w', 1, { seed: 2 });
    const f = jetFrame(w!.constituents);
    expect(f.size).toBe(w!.constituents.size);
    const img = jetImage(w!.constituents, { pixels: 25, halfWidth: 1 });
    expect(img.image.length).toBe(625);
    expect(img.pixels).toBe(25);
  });

  it('rejects bad options with typed errors naming the option', () => {
    const jet = jetAt([[10, 0, 1]]);
    for (const [opts, arg] of [[{ pixels: 0 }, 'pixels'], [{ pixels: 3.5 }, 'pixels'], [{ halfWidth: 0 }, 'halfWidth'], [{ halfWidth: Number.POSITIVE_INFINITY }, 'halfWidth']] as const) {
      try {
        jetImage(jet, opts);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as InvalidArgumentError).argument).toBe(arg);
      }
    }
  });
});
