import { Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { generateJetEvent } from './generate-jet-event';
import { JET_KINDS } from './jet-source';
import { PARTICLE_DATA } from './particle-data';

describe('generateJetEvent', () => {
  it('conserves the event four-momentum from the hard objects to the hadrons', () => {
    const rng = new Rng(5);
    for (const kind of JET_KINDS) {
      for (let i = 0; i < 5; i++) {
        const ev = generateJetEvent(kind, rng);
        const total = ev.particles.total();
        const expected = ev.objects[0]!.add(ev.objects[1]!);
        const scale = expected.e;
        expect(Math.abs(total.px - expected.px) / scale).toBeLessThan(1e-10);
        expect(Math.abs(total.py - expected.py) / scale).toBeLessThan(1e-10);
        expect(Math.abs(total.pz - expected.pz) / scale).toBeLessThan(1e-10);
        expect(Math.abs(total.e - expected.e) / scale).toBeLessThan(1e-10);
        for (let p = 0; p < ev.particles.size; p++) expect(ev.particles.mass(p)).toBeCloseTo(PARTICLE_DATA.pionMass, 6);
      }
    }
  });
});
