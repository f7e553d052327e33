import { existsSync } from 'node:fs';
import { LabError } from '@lab/tensor-core';
import { overallScore, scoreTask, type BenchmarkScore, type TaskScore } from '../metrics/task-scores';
import { alignSubmission, readSubmission, submissionPath } from '../submission/submission';
import { loadSplit } from '../tasks/load-task';
import { TASKS, TASK_NAMES, type TaskName } from '../tasks/task-registry';

/** Result of {@link evaluateSubmissions}. */
export interface EvaluationReport extends BenchmarkScore {
  /** Why a task was not scored (no prediction file, or no test data). */
  skipped: Array<{ task: TaskName; reason: string }>;
}

/**
 * Scores the submission files `<predDir>/<Task>.jsonl` against the gold test sets in `<dataDir>/<Task>/test_v1.jsonl`.
 * A task without a prediction file is skipped and reported (and counts 0 in the official overall, as in the
 * official evaluator); a prediction file with missing or extra ids, or with malformed predictions, is an error —
 * a partial submission is never scored.
 * @param tasks - which tasks to look for @default all five
 * @throws DataFormatError / LabError naming the file, line and field
 */
export async function evaluateSubmissions(predDir: string, dataDir: string, tasks: readonly TaskName[] = TASK_NAMES): Promise<EvaluationReport> {
  if (!existsSync(predDir)) throw new LabError('SUBMISSION_MISSING', `Prediction directory not found: ${predDir}.`);
  const scores: TaskScore[] = [];
  const skipped: EvaluationReport['skipped'] = [];
  for (const task of tasks) {
    const path = submissionPath(predDir, task);
    if (!existsSync(path)) {
      skipped.push({ task, reason: `no ${task}.jsonl in ${predDir}` });
      continue;
    }
    let gold;
    try {
      gold = await loadSplit(dataDir, task, 'test');
    } catch (e) {
      if (LabError.isInstance(e) && e.code === 'TASK_DATA_MISSING') {
        skipped.push({ task, reason: e.message });
        continue;
      }
      throw e;
    }
    const rows = await readSubmission(path, task);
    const predictions = alignSubmission(path, task, gold.items, rows);
    const spec = TASKS[task];
    // The submission's own gold field, when present, must agree with the test set: a shuffled or stale file is an error.
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const item of gold.items) {
      const row = byId.get(item.id)!;
      if (row.gold !== undefined && JSON.stringify(row.gold) !== JSON.stringify(item.gold)) {
        throw new LabError('SUBMISSION_GOLD', `${path} line ${row.line}: field "${spec.goldField}" differs from the test set for ${spec.idField} "${item.id}"; regenerate the submission from this data.`);
      }
    }
    scores.push(scoreTask(task, gold.items.map((i) => i.gold!), predictions));
  }
  return { ...overallScore(scores), skipped };
}
