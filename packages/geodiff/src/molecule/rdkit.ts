import type { Log, MainModule, Mol } from '@rdkit/rdkit';
import { RDKitUnavailableError } from './errors';

/** The RDKit MinimalLib module (`@rdkit/rdkit`), as returned by its `initRDKitModule()`. */
export type RDKitModule = MainModule;

/** The loaded module and its log capture (RDKit reports parse and sanitisation errors through its log). */
interface LoadedRDKit {
  rdkit: RDKitModule;
  log: Log | null;
}

type RDKitFactory = (options?: unknown) => Promise<RDKitModule>;

let loading: Promise<LoadedRDKit> | undefined;

/**
 * Loads RDKit MinimalLib (WebAssembly, about 7 MB) on first use and returns the same module afterwards.
 *
 * @remarks
 * The parsers call this themselves; call it early only to pay the start-up cost (a few hundred ms) up front. A failed
 * load throws {@link RDKitUnavailableError} and is retried on the next call.
 * @throws RDKitUnavailableError when `@rdkit/rdkit` cannot be imported or its WebAssembly fails to initialise
 */
export async function loadRDKit(): Promise<RDKitModule> {
  return (await loadedRDKit()).rdkit;
}

/** @internal the module and its log capture */
export function loadedRDKit(): Promise<LoadedRDKit> {
  if (loading === undefined) {
    loading = initialise();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

async function initialise(): Promise<LoadedRDKit> {
  let factory: RDKitFactory;
  try {
    factory = factoryOf(await import('@rdkit/rdkit'));
  } catch (e) {
    throw new RDKitUnavailableError('cannot import @rdkit/rdkit', { cause: e });
  }
  let rdkit: RDKitModule;
  try {
    rdkit = await factory();
  } catch (e) {
    throw new RDKitUnavailableError('initRDKitModule() failed', { cause: e });
  }
  if (typeof rdkit?.get_mol !== 'function') throw new RDKitUnavailableError('initRDKitModule() returned no get_mol');
  // Capture RDKit's log so that parse errors become part of our error messages instead of going to stderr.
  const log = typeof rdkit.set_log_capture === 'function' ? rdkit.set_log_capture('rdApp.*') : null;
  return { rdkit, log };
}

function factoryOf(mod: unknown): RDKitFactory {
  // `@rdkit/rdkit` is CommonJS (module.exports = initRDKitModule); ESM, CJS and bundlers wrap it differently.
  let candidate: unknown = mod;
  for (let depth = 0; depth < 3; depth++) {
    if (typeof candidate === 'function') return candidate as RDKitFactory;
    if (typeof candidate !== 'object' || candidate === null || !('default' in candidate)) break;
    candidate = (candidate as { default: unknown }).default;
  }
  throw new Error('the module does not export initRDKitModule');
}

/**
 * RDKit's log lines since the last call, without timestamps and banner lines; the buffer is cleared.
 * @internal
 */
export function takeRDKitLog(log: Log | null): string {
  if (log === null) return '';
  const text = log.get_buffer();
  log.clear_buffer();
  const lines = text
    .split('\n')
    .map((l) => l.replace(/^\[\d\d:\d\d:\d\d\]\s?/, '').trim())
    .filter((l) => l !== '' && !/^\*+$/.test(l) && !/^(Pre|Post)-condition Violation$|^Invariant Violation$|^Violation occurred|^Failed Expression/.test(l))
    .filter((l, i, all) => all.indexOf(l) === i);
  return lines.join('; ');
}

/**
 * Runs `fn` on `mol` and frees the WebAssembly object afterwards.
 * @internal
 */
export function withMol<T>(mol: Mol, fn: (mol: Mol) => T): T {
  try {
    return fn(mol);
  } finally {
    mol.delete();
  }
}
