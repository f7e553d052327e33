import { InvalidArgumentError } from '@lab/tensor-core';
import type { Baseline } from './baseline';
import { CrfBaseline } from './crf-baseline';
import { TfidfBaseline } from './tfidf-baseline';
import { NaiveBaseline } from './naive-baseline';
import { BilstmBaseline, type BilstmBaselineOptions } from '../neural/bilstm-baseline';
import { BertBaseline, type BertBaselineOptions } from '../bert/bert-baseline';

/** Options the network baselines take when created by name (others ignore them). */
export type BaselineFactoryOptions = BilstmBaselineOptions & BertBaselineOptions;

const FACTORIES: Record<string, (options: BaselineFactoryOptions) => Baseline> = {
  naive: () => new NaiveBaseline(),
  tfidf: () => new TfidfBaseline(),
  crf: () => new CrfBaseline(),
  bilstm: (o) => new BilstmBaseline(o),
  bert: (o) => new BertBaseline(o),
};

/**
 * Registers a baseline under a name for {@link createBaseline} and the CLI.
 * @param name - e.g. `tfidf`
 */
export function registerBaseline(name: string, factory: (options: BaselineFactoryOptions) => Baseline): void {
  FACTORIES[name] = factory;
}

/** Names of the available baselines. */
export function baselineNames(): string[] {
  return Object.keys(FACTORIES);
}

/**
 * Creates a baseline by name; `options` reach the network baselines (models directory, device, BERT encoder).
 * @throws InvalidArgumentError listing the available names
 */
export function createBaseline(name: string, options: BaselineFactoryOptions = {}): Baseline {
  const f = FACTORIES[name];
  if (!f) throw new InvalidArgumentError('baseline', `Unknown baseline "${name}". Available: ${baselineNames().join(', ')}.`);
  return f(options);
}
