import { stagedProgress } from '@lab/tensor-core';
import { LogisticRegression } from '../linear/logistic-regression';
import { TfidfVectorizer } from '../linear/tfidf-vectorizer';
import type { TaskData, TaskItem } from '../tasks/load-task';
import { TASKS, type TaskName } from '../tasks/task-registry';
import type { Baseline, BaselinePredictions, BaselineRunOptions } from './baseline';
import { CrfBaseline } from './crf-baseline';

/** Options of {@link TfidfBaseline}. */
export interface TfidfBaselineOptions {
  /** Inverse L2 strength of the logistic regressions. @default 10 */
  C?: number;
  /** Character n-gram range. @default [3, 8] */
  ngramRange?: readonly [number, number];
  /** Worker threads for fitting the one-vs-rest models. @default all cores */
  workers?: number;
}

/**
 * The paper's feature-based baseline: tf-idf over character 3..8-grams (scikit-learn's TfidfVectorizer defaults
 * otherwise) + one-vs-rest L2 logistic regression with C = 10, ranking codes by probability for Hit@3; pair tasks
 * join their two texts with a space. RuMedNER uses the CRF ({@link CrfBaseline}).
 */
export class TfidfBaseline implements Baseline {
  readonly name = 'tfidf';

  constructor(private readonly options: TfidfBaselineOptions = {}) {}

  supports(_task: TaskName): boolean {
    return true;
  }

  async run(data: TaskData, options: BaselineRunOptions = {}): Promise<BaselinePredictions> {
    if (TASKS[data.task].kind === 'tagging') return new CrfBaseline().run(data, options);
    const [featurize, fit] = stagedProgress(options.onProgress, ['tf-idf', 'logistic regression']);
    const text = (i: TaskItem) => i.texts.join(' ');
    const vectorizer = new TfidfVectorizer({ analyzer: 'char', ngramRange: this.options.ngramRange ?? [3, 8] });
    const X = vectorizer.fitTransform(data.train.items.map(text));
    featurize!({ completed: 1, total: 1 });
    const model = new LogisticRegression({ C: this.options.C ?? 10, onProgress: fit!, ...(this.options.workers !== undefined ? { workers: this.options.workers } : {}) });
    await model.fit(X, data.train.items.map((i) => i.gold as string));
    const predict = (items: readonly TaskItem[]) => {
      const Xs = vectorizer.transform(items.map(text));
      return TASKS[data.task].kind === 'ranking' ? model.topK(Xs, 3).map((r) => r.map(String)) : model.predict(Xs).map(String);
    };
    return { dev: predict(data.dev.items), test: predict(data.test.items) };
  }
}
