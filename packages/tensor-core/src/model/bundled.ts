import { fileURLToPath } from 'node:url';

/** Names of the models shipped inside `@lab/tensor-core`. */
export const BUNDLED_MODELS = ['toy-mlp'] as const;

/**
 * Path of a shipped model's `model.json`.
 * @param name - one of {@link BUNDLED_MODELS}
 * @example
 * ```ts
 * const model = await loadModel(bundledModelPath('toy-mlp'));
 * ```
 */
export function bundledModelPath(name: (typeof BUNDLED_MODELS)[number] = 'toy-mlp'): string {
  return fileURLToPath(new URL(`../models/${name}/model.json`, import.meta.url));
}
