import { InvalidArgumentError } from '@lab/tensor-core';
import type { Baseline } from './baseline';
import { CrfBaseline } from './crf-baseline';
import { TfidfBaseline } from './tfidf-baseline';
import { NaiveBaseline } from './naive-baseline';
import { BilstmBaseline } from '../neural/bilstm-baseline';

const FACTORIES: Record<string, () => Baseline> = {
  naive: () => new NaiveBaseline(),
  tfidf: () => new TfidfBaseline(),
  crf: () => new CrfBaseline(),
  bilstm: () => new BilstmBaseline(),
};

/**
 * Registers a baseline under a name for {@link createBaseline} and the CLI.
 * @param name - e.g. `tfidf`
 */
export function registerBaseline(name: string, factory: () => Baseline): void {
  FACTORIES[name] = factory;
}

/** Names of the available baselines. */
export function baselineNames(): string[] {
  return Object.keys(FACTORIES);
}

/**
 * Creates a baseline by name.
 * @throws InvalidArgumentError listing the available names
 */
export function createBaseline(name: string): Baseline {
  const f = FACTORIES[name];
  if (!f) throw new InvalidArgumentError('baseline', `Unknown baseline "${name}". Available: ${baselineNames().join(', ')}.`);
  return f();
}
