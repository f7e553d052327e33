/**
 * The trained RecNN models shipped in this package (models/recnn-<task>).
 * @packageDocumentation
 */
import { join } from 'node:path';
import { InvalidArgumentError, packageDir } from '@lab/tensor-core';

/**
 * Tasks of the shipped RecNN models: W vs QCD, top vs QCD, quark vs gluon — simple RecNN, embedding 70, C/A trees,
 * trained on generated jets (see the package README for their data and measured AUCs).
 * @example
 * ```ts
 * for (const task of SHIPPED_RECNN_TASKS) console.log(shippedRecnnDir(task));
 * ```
 */
export const SHIPPED_RECNN_TASKS = Object.freeze(['w-qcd', 'top-qcd', 'quark-gluon'] as const);
/** One of {@link SHIPPED_RECNN_TASKS}. */
export type ShippedRecnnTask = (typeof SHIPPED_RECNN_TASKS)[number];

/**
 * The directory of a shipped RecNN model, for {@link loadRecnn}.
 * @param task - `w-qcd`, `top-qcd` or `quark-gluon`
 * @returns the model directory inside the installed package
 * @throws InvalidArgumentError for another task, listing the shipped ones
 * @example
 * ```ts
 * const model = await loadRecnn(shippedRecnnDir('w-qcd'));
 * ```
 */
export function shippedRecnnDir(task: ShippedRecnnTask | string): string {
  if (!(SHIPPED_RECNN_TASKS as readonly string[]).includes(task)) {
    throw new InvalidArgumentError('task', `No shipped RecNN for "${task}". Shipped: ${SHIPPED_RECNN_TASKS.join(', ')}; load your own model directory with loadRecnn(dir).`);
  }
  return join(packageDir(import.meta.url), 'models', `recnn-${task}`);
}
