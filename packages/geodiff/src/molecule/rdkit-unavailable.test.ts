import { LabError } from '@lab/tensor-core';
import { describe, expect, it, vi } from 'vitest';
import { RDKitUnavailableError } from './errors';
import { parseSmiles } from './parse-smiles';
import { loadRDKit } from './rdkit';
import { readSmilesList } from './smiles-list';

// Simulates a broken install: the WebAssembly fails to load, then a module without the expected API.
const rdkitState = vi.hoisted(() => ({ mode: 'wasm-missing' as 'wasm-missing' | 'no-api' }));
vi.mock('@rdkit/rdkit', () => ({
  default: () => (rdkitState.mode === 'wasm-missing' ? Promise.reject(new Error('RDKit_minimal.wasm: ENOENT')) : Promise.resolve({})),
}));

describe('loadRDKit when RDKit cannot be loaded', () => {
  it('throws RDKitUnavailableError with the cause and a fix, from every entry point', async () => {
    const e = await loadRDKit().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(RDKitUnavailableError);
    expect(LabError.isInstance(e) && e.code).toBe('RDKIT_UNAVAILABLE');
    expect((e as Error).message).toMatch(/initRDKitModule\(\) failed: RDKit_minimal\.wasm: ENOENT/);
    expect((e as Error).message).toMatch(/npm install @rdkit\/rdkit/);
    await expect(parseSmiles('CCO')).rejects.toBeInstanceOf(RDKitUnavailableError);
    // A batch reader reports bad molecules, but a missing toolkit is not a bad molecule: it throws.
    await expect(readSmilesList('CCO\n', 'a.smi')).rejects.toBeInstanceOf(RDKitUnavailableError);
  });

  it('retries after a failure instead of caching it', async () => {
    rdkitState.mode = 'no-api';
    await expect(loadRDKit()).rejects.toThrow(/returned no get_mol/);
  });
});
