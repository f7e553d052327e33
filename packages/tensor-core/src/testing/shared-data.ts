import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The project's shared data directory (`../shared/data` beside the repository root), for tests and benchmarks that
 * use real data and skip when it is absent. `LAB_SHARED_DATA` overrides it; otherwise the directories above `from`
 * are searched for a `shared/data` folder.
 * @param segments - path inside the data directory, e.g. `'rumedbench', 'RuMedNER'`
 * @param from - where to start searching @default process.cwd()
 * @returns the path, or undefined when it does not exist
 */
export function sharedDataPath(segments: readonly string[] = [], from = process.cwd()): string | undefined {
  const env = process.env.LAB_SHARED_DATA;
  let base: string | undefined = env && existsSync(env) ? env : undefined;
  for (let dir = resolve(from); base === undefined; dir = dirname(dir)) {
    if (existsSync(join(dir, 'shared', 'data'))) base = join(dir, 'shared', 'data');
    else if (dirname(dir) === dir) return undefined;
  }
  const path = join(base, ...segments);
  return existsSync(path) ? path : undefined;
}
