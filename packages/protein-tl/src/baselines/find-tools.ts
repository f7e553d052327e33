import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian package of each external program the baselines, the split builder and the pretraining corpus run. */
export const TOOL_PACKAGES: Readonly<Record<string, string>> = Object.freeze({
  hmmbuild: 'hmmer',
  hmmpress: 'hmmer',
  hmmscan: 'hmmer',
  hmmalign: 'hmmer',
  makeblastdb: 'ncbi-blast+',
  blastp: 'ncbi-blast+',
  blastdbcmd: 'ncbi-blast+',
  mmseqs: 'mmseqs2',
  mafft: 'mafft',
});

/** Result of {@link findTools}: every program found (with its path), or which are missing and how to install them. */
export type ToolProbe =
  | { ok: true; paths: Record<string, string> }
  | { ok: false; missing: string[]; packages: string[]; reason: string };

/**
 * Looks up programs on `PATH` (no process is started). Tests skip with `reason` printed when `ok` is false.
 *
 * @param tools - program names, e.g. `['hmmbuild', 'hmmscan']`
 * @param path - the search path @default process.env.PATH
 * @returns the absolute path of each program, or the missing ones with their Debian packages
 * @example
 * ```ts
 * const probe = findTools(['makeblastdb', 'blastp']);
 * if (!probe.ok) console.log(probe.reason); // "makeblastdb, blastp not found on PATH; install with: apt-get install ncbi-blast+"
 * ```
 */
export function findTools(tools: readonly string[], path: string = process.env.PATH ?? ''): ToolProbe {
  const dirs = path.split(delimiter).filter(Boolean);
  const paths: Record<string, string> = {};
  const missing: string[] = [];
  for (const tool of tools) {
    const hit = dirs.map((d) => join(d, tool)).find(isExecutable);
    if (hit) paths[tool] = hit;
    else missing.push(tool);
  }
  if (missing.length === 0) return { ok: true, paths };
  const packages = [...new Set(missing.map((t) => TOOL_PACKAGES[t] ?? t))];
  return { ok: false, missing, packages, reason: `${missing.join(', ')} not found on PATH; install with: apt-get install ${packages.join(' ')}` };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
