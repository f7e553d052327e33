import { OpenChemLibUnavailableError } from './errors';

/** The `openchemlib` module (ESM). @internal */
export type OpenChemLib = typeof import('openchemlib');

let loading: Promise<OpenChemLib> | undefined;

/**
 * Imports `openchemlib` on first use (about 1 MB of JavaScript) and registers its static resources (the MMFF94
 * parameter tables, read from its `dist/resources.json`); later calls return the same module. A failed load throws
 * {@link OpenChemLibUnavailableError} and is retried on the next call.
 * @internal
 */
export function loadOpenChemLib(): Promise<OpenChemLib> {
  if (loading === undefined) {
    loading = initialise();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

async function initialise(): Promise<OpenChemLib> {
  let mod: OpenChemLib;
  try {
    const imported = (await import('openchemlib')) as OpenChemLib & { default?: OpenChemLib };
    mod = typeof imported.ForceFieldMMFF94 === 'function' ? imported : (imported.default as OpenChemLib);
  } catch (e) {
    throw new OpenChemLibUnavailableError('cannot import openchemlib', { cause: e });
  }
  if (typeof mod?.ForceFieldMMFF94 !== 'function' || typeof mod.Molecule?.fromMolfileWithAtomMap !== 'function') {
    throw new OpenChemLibUnavailableError('the module has no ForceFieldMMFF94 or Molecule.fromMolfileWithAtomMap (openchemlib >= 9 is needed)');
  }
  try {
    mod.Resources.registerFromNodejs();
  } catch (e) {
    throw new OpenChemLibUnavailableError('Resources.registerFromNodejs() failed', { cause: e });
  }
  return mod;
}
