/**
 * Test and benchmark helper (not part of the public API): builds the libfastjet reference drivers
 * (tools/fastjet-driver.cc for clustering, tools/lund-driver.cc for Lund planes and observables) with g++ and parses the
 * clustering driver's output.
 * @packageDocumentation
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of the driver's C++ source. */
export const DRIVER_SOURCE = fileURLToPath(new URL('../../tools/fastjet-driver.cc', import.meta.url));

/** A built driver, or why there is none. */
export type DriverBuild = { ok: true; binary: string; version: string } | { ok: false; reason: string };

/** Path of the Lund-plane and observables driver's C++ source. */
export const LUND_DRIVER_SOURCE = fileURLToPath(new URL('../../tools/lund-driver.cc', import.meta.url));

const builds = new Map<string, DriverBuild>();

/**
 * Compiles a libfastjet driver once per source version into the temp directory (reused across runs).
 * @param sourcePath - the C++ source @default DRIVER_SOURCE (tools/fastjet-driver.cc)
 * @returns the binary, or the reason it cannot be built (no g++, no fastjet-config, compile error)
 */
export function buildFastJetDriver(sourcePath: string = DRIVER_SOURCE): DriverBuild {
  const hit = builds.get(sourcePath);
  if (hit) return hit;
  const result = compileDriver(sourcePath);
  builds.set(sourcePath, result);
  return result;
}

function compileDriver(sourcePath: string): DriverBuild {
  const config = spawnSync('fastjet-config', ['--cxxflags', '--libs'], { encoding: 'utf8' });
  if (config.error || config.status !== 0) {
    return { ok: false, reason: 'fastjet-config not found (install Debian libfastjet-dev)' };
  }
  const version = spawnSync('fastjet-config', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const gxx = spawnSync('g++', ['--version'], { encoding: 'utf8' });
  if (gxx.error || gxx.status !== 0) return { ok: false, reason: 'g++ not found (install Debian g++)' };
  const source = readFileSync(sourcePath);
  const hash = createHash('sha256').update(source).update(config.stdout).update(version).digest('hex').slice(0, 16);
  const binary = join(tmpdir(), `jet-interp-${basename(sourcePath, '.cc')}-${hash}`);
  if (!existsSync(binary)) {
    const tmp = `${binary}.${process.pid}.tmp`;
    const flags = config.stdout.trim().split(/\s+/);
    const cc = spawnSync('g++', ['-O2', '-std=c++11', sourcePath, ...flags, '-o', tmp], { encoding: 'utf8' });
    if (cc.status !== 0) return { ok: false, reason: `g++ failed to build ${basename(sourcePath)}: ${cc.stderr.trim().split('\n').slice(0, 3).join(' ')}` };
    renameSync(tmp, binary);
  }
  return { ok: true, binary, version };
}

/**
 * Runs the driver.
 * @param binary - from {@link buildFastJetDriver}
 * @param args - mode and options, e.g. `['dump', '--alg', 'kt', '--R', '0.6']`
 * @param input - events in FastJet's text format
 * @returns standard output
 */
export function runFastJetDriver(binary: string, args: readonly string[], input: string): string {
  const r = spawnSync(binary, args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`FastJet driver failed (${r.status}): ${r.stderr.slice(-500)}`);
  return r.stdout;
}

/** One jet as the driver prints it. */
export interface DriverJet {
  px: number;
  py: number;
  pz: number;
  e: number;
  rap: number;
  phi: number;
  m: number;
  constituents: number[];
}

/** One event of the driver's `dump` output. */
export interface DriverEvent {
  index: number;
  n: number;
  strategy: string;
  /** History steps i ≥ N: [i, parent1, parent2, dij, maxDijSoFar]. */
  history: [number, number, number, number, number][];
  lists: Map<string, DriverJet[]>;
  /** n → [dmerge, dmergeMax]. */
  dmerge: Map<number, [number, number]>;
  /** dcut index → [dcut, n exclusive jets]. */
  nExclusive: Map<number, [number, number]>;
}

/**
 * Parses the driver's `dump` output.
 * @param text - its standard output
 * @returns the description line and the events
 */
export function parseDriverDump(text: string): { description: string; events: DriverEvent[] } {
  const events: DriverEvent[] = [];
  let description = '';
  let ev: DriverEvent | undefined;
  let list: DriverJet[] | undefined;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const t = line.split(' ');
    switch (t[0]) {
      case '#':
        description = line.slice(2);
        break;
      case 'E':
        ev = { index: Number(t[1]), n: Number(t[2]), strategy: t[3]!, history: [], lists: new Map(), dmerge: new Map(), nExclusive: new Map() };
        events.push(ev);
        break;
      case 'H':
        ev!.history.push([Number(t[1]), Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5])]);
        break;
      case 'L':
        list = [];
        ev!.lists.set(t[1]!, list);
        break;
      case 'J': {
        const v = t.slice(1).map(Number);
        list!.push({ px: v[0]!, py: v[1]!, pz: v[2]!, e: v[3]!, rap: v[4]!, phi: v[5]!, m: v[6]!, constituents: v.slice(8) });
        break;
      }
      case 'M':
        ev!.dmerge.set(Number(t[1]), [Number(t[2]), Number(t[3])]);
        break;
      case 'N':
        ev!.nExclusive.set(Number(t[1]), [Number(t[2]), Number(t[3])]);
        break;
      default:
        throw new Error(`unexpected driver line: ${line}`);
    }
  }
  return { description, events };
}
