import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from '../errors/lab-error';

/** Names of the models shipped inside `@lab/tensor-core`. */
export const BUNDLED_MODELS = ['toy-mlp'] as const;

/**
 * The directory of the package that contains a module: the nearest ancestor with a package.json. Works from `src/`
 * (tests) and from `dist/` (published builds) alike, so packages can locate their shipped `models/`.
 * @param moduleUrl - `import.meta.url` of a module inside the package
 */
export function packageDir(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new LabError('PACKAGE_NOT_FOUND', `No package.json above ${fileURLToPath(moduleUrl)}.`);
    dir = parent;
  }
}

/**
 * Path of a shipped model's `model.json`.
 * @param name - one of {@link BUNDLED_MODELS}
 * @example
 * ```ts
 * const model = await loadModel(bundledModelPath('toy-mlp'));
 * ```
 */
export function bundledModelPath(name: (typeof BUNDLED_MODELS)[number] = 'toy-mlp'): string {
  return join(packageDir(import.meta.url), 'models', name, 'model.json');
}
