import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `body` in a working directory: `dir` when given (created, kept), else a fresh temporary directory removed
 * afterwards unless `keep` is true.
 *
 * @param prefix - temporary directory name prefix, e.g. `'hmmer-'`
 * @param body - the work, given the directory
 * @param options - `dir` to use a fixed directory, `keep` to keep the temporary one
 * @returns what `body` returns
 * @example
 * ```ts
 * const n = await withWorkDir('blast-', async (dir) => (await readdir(dir)).length);
 * ```
 */
export async function withWorkDir<T>(prefix: string, body: (dir: string) => Promise<T>, options: { dir?: string; keep?: boolean } = {}): Promise<T> {
  if (options.dir !== undefined) {
    await mkdir(options.dir, { recursive: true });
    return body(options.dir);
  }
  const dir = await mkdtemp(join(tmpdir(), `protein-tl-${prefix}`));
  try {
    return await body(dir);
  } finally {
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}
