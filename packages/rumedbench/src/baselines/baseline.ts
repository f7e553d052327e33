import type { ProgressCallback } from '@lab/tensor-core';
import type { Prediction } from '../metrics/task-scores';
import type { TaskData } from '../tasks/load-task';
import type { TaskName } from '../tasks/task-registry';

/** Predictions of a baseline for the dev and test items of a task, in item order. */
export interface BaselinePredictions {
  dev: Prediction[];
  test: Prediction[];
}

/** Options every baseline accepts. */
export interface BaselineRunOptions {
  onProgress?: ProgressCallback;
  /** @default 0 */
  seed?: number;
}

/** A trainable RuMedBench baseline. */
export interface Baseline {
  readonly name: string;
  /** Whether the baseline handles this task. */
  supports(task: TaskName): boolean;
  /** Trains on `data.train` and predicts `data.dev` and `data.test`. */
  run(data: TaskData, options?: BaselineRunOptions): Promise<BaselinePredictions>;
}
