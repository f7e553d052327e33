import { describe, expect, it } from 'vitest';
import { parseSmiles } from './parse-smiles';
import { loadRDKit } from './rdkit';

describe('loadRDKit', () => {
  it('loads RDKit MinimalLib 2026.09 once and reuses the module', async () => {
    const [a, b] = await Promise.all([loadRDKit(), loadRDKit()]);
    expect(a).toBe(b);
    expect(await loadRDKit()).toBe(a);
    expect(a.version()).toMatch(/^2026\.09\./);
  });

  it('keeps RDKit parse errors out of the log buffer of the next parse', async () => {
    await expect(parseSmiles('C1CC')).rejects.toThrow(/unclosed ring/);
    const e = (await parseSmiles('c1cccc1').catch((err: unknown) => err)) as Error;
    expect(e.message).not.toMatch(/unclosed ring/);
  });
});
