import { describe, expect, it } from 'vitest';
import { PARTICLE_DATA, PDG_ID, partonMass } from './particle-data';

describe('particle data', () => {
  it('has the masses and widths the generator documents', () => {
    expect(PARTICLE_DATA).toMatchObject({ wMass: 80.4, wWidth: 2.1, topMass: 172.7, topWidth: 1.4, bMass: 4.8 });
    expect(Object.isFrozen(PARTICLE_DATA)).toBe(true);
  });

  it('gives quarks and gluons their kinematic masses', () => {
    expect(partonMass(PDG_ID.b)).toBe(4.8);
    expect(partonMass(-PDG_ID.b)).toBe(4.8);
    expect(partonMass(PDG_ID.c)).toBe(1.5);
    for (const id of [1, -2, 3, 21]) expect(partonMass(id)).toBe(0);
  });
});
