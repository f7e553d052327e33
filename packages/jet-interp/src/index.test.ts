import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@lab/jet-interp public surface', () => {
  it('changes only on purpose', () => {
    expect(Object.keys(api).sort()).toMatchSnapshot();
  });

  it('reports the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(api.VERSION).toBe(pkg.version);
    expect(api.VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs end to end: text events to anti-kt jets', () => {
    const [event] = api.parseFastJetEvents('100 0 10 100.5\n90 5 0 90.2\n-50 0 0 50\n#END\n');
    const jets = api.clusterJets(event!, api.jetDefinition('antikt', 0.4), 20);
    expect(jets.map((j) => j.constituentCount)).toEqual([2, 1]);
    expect(jets[0]!.pt).toBeGreaterThan(jets[1]!.pt);
  });
});
