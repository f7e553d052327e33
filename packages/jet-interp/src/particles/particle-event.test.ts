import { LabError } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { FourMomentum } from './four-momentum';
import { InvalidParticleError } from './invalid-particle-error';
import { DEFAULT_ENERGY_TOLERANCE, ParticleEvent } from './particle-event';

describe('ParticleEvent', () => {
  it('stores four-momenta in one Float64Array and derives kinematics', () => {
    const ev = ParticleEvent.fromRows([
      [3, 4, 0, 5],
      [0, -1, 0, 1],
    ]);
    expect(ev.momenta).toBeInstanceOf(Float64Array);
    expect(Array.from(ev.momenta)).toEqual([3, 4, 0, 5, 0, -1, 0, 1]);
    expect(ev.size).toBe(2);
    expect([ev.px(0), ev.py(0), ev.pz(0), ev.e(0)]).toEqual([3, 4, 0, 5]);
    expect(ev.pt(0)).toBe(5);
    expect(ev.phi(1)).toBeCloseTo(1.5 * Math.PI, 15);
    expect(ev.rapidity(0)).toBe(0);
    expect(ev.pseudorapidity(0)).toBe(0);
    expect(ev.mass(0)).toBe(0);
    expect(ev.m2(1)).toBe(0);
    expect(ev.particle(0)).toEqual(new FourMomentum(3, 4, 0, 5));
    expect([...ev].map((p) => p.e)).toEqual([5, 1]);
    expect(ev.total().toArray()).toEqual([3, 3, 0, 6]);
    expect(ev.select([1]).momenta).toEqual(new Float64Array([0, -1, 0, 1]));
    expect(ParticleEvent.fromMomenta([new FourMomentum(1, 0, 0, 1)]).size).toBe(1);
  });

  it('accepts an empty event and zero momenta (documented behaviour)', () => {
    expect(new ParticleEvent(new Float64Array(0)).size).toBe(0);
    expect(ParticleEvent.fromRows([[0, 0, 0, 0]]).rapidity(0)).toBe(1e5);
  });

  it.each([
    [[NaN, 0, 0, 1], 'px', /px = NaN is not a number/],
    [[0, Infinity, 0, 1], 'py', /py = Infinity is infinite/],
    [[0, 0, -Infinity, 1], 'pz', /pz = -Infinity is infinite/],
    [[0, 0, 0, -1], 'E', /E = -1 is negative/],
    [[3, 4, 0, 4.9], 'E', /E = 4\.9 is below \|p\| = 5/],
  ])('rejects %j naming the particle and field', (row, field, message) => {
    let err: unknown;
    try {
      ParticleEvent.fromRows([[1, 0, 0, 1], row], { source: { event: 7, file: 'x.dat' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidParticleError);
    expect(LabError.isInstance(err)).toBe(true);
    const e = err as InvalidParticleError;
    expect(e.code).toBe('INVALID_PARTICLE');
    expect(e.particle).toBe(1);
    expect(e.event).toBe(7);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(/^event 7, particle 1 \(x\.dat\): /);
    expect(e.message).toMatch(message);
  });

  it('tolerates E < |p| within the relative tolerance, and the tolerance is configurable', () => {
    const short = 1 - DEFAULT_ENERGY_TOLERANCE / 2;
    expect(ParticleEvent.fromRows([[3, 4, 0, 5 * short]]).mass(0)).toBeLessThan(0);
    expect(() => ParticleEvent.fromRows([[3, 4, 0, 5 * (1 - 2 * DEFAULT_ENERGY_TOLERANCE)]])).toThrow(InvalidParticleError);
    expect(ParticleEvent.fromRows([[3, 4, 0, 4]], { energyTolerance: Infinity }).size).toBe(1);
    expect(() => ParticleEvent.fromRows([[3, 4, 0, 5 * short]], { energyTolerance: 0 })).toThrow(/exceeds the tolerance 0/);
    expect(ParticleEvent.fromRows([[3, 4, 0, 1]], { validate: false }).e(0)).toBe(1);
  });

  it('rejects malformed arguments with typed errors', () => {
    expect(() => new ParticleEvent(new Float64Array(5))).toThrow(/4 values/);
    expect(() => ParticleEvent.fromRows([[1, 2, 3]])).toThrow(/row 0 has 3 values/);
    expect(() => ParticleEvent.fromRows([[1, 0, 0, 1]]).particle(1)).toThrow(/outside 0\.\.0/);
    expect(() => ParticleEvent.fromRows([[1, 0, 0, 1]]).select([2])).toThrow(/outside/);
    expect(() => ParticleEvent.fromRows([[1, 0, 0, 1]], { energyTolerance: -1 })).toThrow(/energyTolerance/);
  });
});
