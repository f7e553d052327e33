import { InvalidArgumentError, accuracy, hitAtK } from '@lab/tensor-core';
import { TASKS, TASK_NAMES, type TaskName } from '../tasks/task-registry';
import { entityScores, tokenAccuracy } from './seqeval';

/** Scores of one task in percent (not rounded): `acc`, and `hit3` or `f1` where the task has them. */
export interface TaskScore {
  task: TaskName;
  acc: number;
  hit3?: number;
  f1?: number;
  /** The task's contribution to the overall score: the mean of its two metrics, or its accuracy. */
  score: number;
  items: number;
}

/** A prediction for one item: 3 ranked codes, one label, or a tag list. */
export type Prediction = string | string[];

/**
 * Scores one task exactly as the official evaluator: accuracy of the first prediction and Hit@3 over the ranked
 * list for Top3/SymptomRec; accuracy for DaNet/NLI; seqeval token accuracy and entity F1 for NER.
 * @param gold - gold labels (tag lists for NER), in item order
 * @param predictions - predictions in the same order
 */
export function scoreTask(task: TaskName, gold: ReadonlyArray<string | readonly string[]>, predictions: readonly Prediction[]): TaskScore {
  if (gold.length !== predictions.length) throw new InvalidArgumentError('predictions', `${task}: ${gold.length} gold items but ${predictions.length} predictions.`);
  if (gold.length === 0) throw new InvalidArgumentError('gold', `${task}: nothing to score.`);
  const spec = TASKS[task];
  if (spec.kind === 'ranking') {
    const ranked = predictions as string[][];
    const g = gold as string[];
    const acc = 100 * accuracy(g, ranked.map((r) => r[0]!));
    const hit3 = 100 * hitAtK(g, ranked, 3);
    return { task, acc, hit3, score: (acc + hit3) / 2, items: g.length };
  }
  if (spec.kind === 'pair') {
    const acc = 100 * accuracy(gold as string[], predictions as string[]);
    return { task, acc, score: acc, items: gold.length };
  }
  const g = gold as string[][];
  const p = predictions as string[][];
  const acc = 100 * tokenAccuracy(g, p);
  const f1 = 100 * entityScores(g, p).f1;
  return { task, acc, f1, score: (acc + f1) / 2, items: g.length };
}

/** The benchmark summary: per-task scores and the overall score. */
export interface BenchmarkScore {
  tasks: TaskScore[];
  /** Official overall: the mean over all five tasks, a missing task counting 0 (as the official eval.py). */
  overall: number;
  /** Mean over the tasks that were scored. */
  overallScored: number;
  /** Tasks without a score. */
  missing: TaskName[];
}

/**
 * Combines task scores into the overall score: each task's two metrics are averaged first, then tasks are averaged.
 */
export function overallScore(scores: readonly TaskScore[]): BenchmarkScore {
  const byTask = new Map(scores.map((s) => [s.task, s]));
  const missing = TASK_NAMES.filter((t) => !byTask.has(t));
  const ordered = TASK_NAMES.filter((t) => byTask.has(t)).map((t) => byTask.get(t)!);
  const overall = TASK_NAMES.reduce((a, t) => a + (byTask.get(t)?.score ?? 0), 0) / TASK_NAMES.length;
  const overallScored = ordered.length ? ordered.reduce((a, s) => a + s.score, 0) / ordered.length : 0;
  return { tasks: ordered, overall, overallScored, missing };
}

/** Rounds a percentage to 2 decimals for display. */
export function pct(v: number | undefined): string {
  return v === undefined ? '–' : v.toFixed(2);
}

/**
 * The per-task table in the paper's layout (Markdown).
 * @param name - row name (model or baseline)
 */
export function formatMarkdownTable(name: string, score: BenchmarkScore): string {
  const cell = (t: TaskName) => {
    const s = score.tasks.find((x) => x.task === t);
    if (!s) return '–';
    if (s.hit3 !== undefined) return `${pct(s.acc)} / ${pct(s.hit3)}`;
    if (s.f1 !== undefined) return `${pct(s.acc)} / ${pct(s.f1)}`;
    return pct(s.acc);
  };
  const header = `| Model | RuMedTop3 (acc / hit@3) | RuMedSymptomRec (acc / hit@3) | RuMedDaNet (acc) | RuMedNLI (acc) | RuMedNER (acc / F1) | Overall |`;
  const sep = `|---|---|---|---|---|---|---|`;
  const overall = score.missing.length ? `${pct(score.overall)} (${pct(score.overallScored)} over ${score.tasks.length} scored)` : pct(score.overall);
  const row = `| ${name} | ${TASK_NAMES.map(cell).join(' | ')} | ${overall} |`;
  return [header, sep, row].join('\n');
}
