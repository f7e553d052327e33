import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@lab/geodiff public surface', () => {
  it('changes only on purpose', () => {
    expect(Object.keys(api).sort()).toMatchSnapshot();
  });

  it('reports the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(api.VERSION).toBe(pkg.version);
    expect(api.VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs end to end: SMILES to GeoDiff edges', async () => {
    const molecule = await api.parseSmiles('CCO');
    const graph = api.featurize(molecule);
    expect(graph.numAtoms).toBe(9);
    // every ordered pair except the three methyl-H / hydroxyl-H pairs, which are 4 bonds apart (H-C-C-O-H)
    expect(graph.numEdges).toBe(9 * 8 - 2 * 3);
  });
});
