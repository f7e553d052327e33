import { stagedProgress, type ProgressCallback } from '@lab/tensor-core';
import type { Baseline } from '../baselines/baseline';
import { overallScore, scoreTask, type BenchmarkScore, type TaskScore } from '../metrics/task-scores';
import { writeSubmission } from '../submission/submission';
import { loadTask } from '../tasks/load-task';
import type { TaskName } from '../tasks/task-registry';

/** Options of {@link runBaseline}. */
export interface RunBaselineOptions {
  /** Where to write `<Task>.jsonl` submissions for the test sets; nothing is written when omitted. */
  outDir?: string;
  onProgress?: ProgressCallback;
  /** Called before each task starts. */
  onTask?: (task: TaskName) => void;
  seed?: number;
}

/** Dev and test scores of a baseline run. */
export interface BaselineRunReport {
  baseline: string;
  dev: BenchmarkScore;
  test: BenchmarkScore;
  /** Tasks the baseline does not support or whose data is missing, with the reason. */
  skipped: Array<{ task: TaskName; reason: string }>;
  seconds: Record<string, number>;
}

/**
 * Trains a baseline on each task's training split, predicts dev and test, writes the test submission, and scores
 * both splits (test gold is read from the data directory).
 */
export async function runBaseline(baseline: Baseline, dataDir: string, tasks: readonly TaskName[], options: RunBaselineOptions = {}): Promise<BaselineRunReport> {
  const dev: TaskScore[] = [];
  const test: TaskScore[] = [];
  const skipped: BaselineRunReport['skipped'] = [];
  const seconds: Record<string, number> = {};
  const stages = stagedProgress(options.onProgress, tasks.map(String));
  for (const [k, task] of tasks.entries()) {
    if (!baseline.supports(task)) {
      skipped.push({ task, reason: `baseline ${baseline.name} does not handle ${task}` });
      continue;
    }
    options.onTask?.(task);
    let data;
    try {
      data = await loadTask(dataDir, task);
    } catch (e) {
      if ((e as { code?: string }).code === 'TASK_DATA_MISSING') {
        skipped.push({ task, reason: (e as Error).message });
        continue;
      }
      throw e;
    }
    const t0 = performance.now();
    const preds = await baseline.run(data, { onProgress: stages[k]!, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
    seconds[task] = (performance.now() - t0) / 1000;
    dev.push(scoreTask(task, data.dev.items.map((i) => i.gold!), preds.dev));
    if (data.test.items.every((i) => i.gold !== undefined)) test.push(scoreTask(task, data.test.items.map((i) => i.gold!), preds.test));
    if (options.outDir) await writeSubmission(options.outDir, task, data.test.items, preds.test);
  }
  return { baseline: baseline.name, dev: overallScore(dev), test: overallScore(test), skipped, seconds };
}
