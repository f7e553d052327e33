import { describe, expect, it } from 'vitest';
import { describeJetDefinition, jetDefinition, parseJetAlgorithm } from './jet-definition';

describe('jetDefinition', () => {
  it('fixes p by algorithm and freezes the result', () => {
    expect(jetDefinition('antikt', 0.4)).toEqual({ algorithm: 'antikt', radius: 0.4, p: -1 });
    expect(jetDefinition('CA', 1).p).toBe(0);
    expect(jetDefinition('kt', 0.6, 7).p).toBe(1);
    expect(jetDefinition('genkt', 0.5, 0.5).p).toBe(0.5);
    expect(Object.isFrozen(jetDefinition('kt', 1))).toBe(true);
    expect(parseJetAlgorithm('Cambridge')).toBe('ca');
    expect(parseJetAlgorithm('anti-kt')).toBe('antikt');
  });

  it.each([0, -0.4, NaN, Infinity])('rejects R = %s', (r) => {
    expect(() => jetDefinition('antikt', r)).toThrow(/The jet radius R must be a finite number > 0/);
  });

  it('rejects unknown algorithms and a missing genkt exponent, listing the choices', () => {
    expect(() => jetDefinition('siscone', 0.4)).toThrow('Unknown jet algorithm "siscone". Supported: antikt, ca, kt, genkt.');
    expect(() => jetDefinition('genkt', 0.4)).toThrow(/exponent p/);
  });

  it("describes definitions as FastJet's JetDefinition::description() does", () => {
    expect(describeJetDefinition(jetDefinition('antikt', 1))).toBe('Longitudinally invariant anti-kt algorithm with R = 1 and E scheme recombination');
    expect(describeJetDefinition(jetDefinition('ca', 0.8))).toBe('Longitudinally invariant Cambridge/Aachen algorithm with R = 0.8 and E scheme recombination');
    expect(describeJetDefinition(jetDefinition('kt', 0.45))).toBe('Longitudinally invariant kt algorithm with R = 0.45 and E scheme recombination');
    expect(describeJetDefinition(jetDefinition('genkt', 0.4, 0.5))).toBe('Longitudinally invariant generalised kt algorithm with R = 0.4, p = 0.5 and E scheme recombination');
  });
});
