import { InvalidArgumentError } from '@lab/tensor-core';

/** The five RuMedBench tasks. */
export const TASK_NAMES = ['RuMedTop3', 'RuMedSymptomRec', 'RuMedDaNet', 'RuMedNLI', 'RuMedNER'] as const;
/** One RuMedBench task name. */
export type TaskName = (typeof TASK_NAMES)[number];
/** A data split of the official layout. */
export type Split = 'train' | 'dev' | 'test';

/** The six entity types of RuMedNER. */
export const NER_ENTITY_TYPES = ['Drugname', 'Drugclass', 'Drugform', 'ADR', 'DI', 'Finding'] as const;
/** Every IOB tag of RuMedNER. */
export const NER_TAGS: readonly string[] = Object.freeze(['O', ...NER_ENTITY_TYPES.flatMap((t) => [`B-${t}`, `I-${t}`])]);

/** What kind of problem a task is, which fixes its record fields, prediction shape and metrics. */
export type TaskKind = 'ranking' | 'pair' | 'tagging';

/** Static description of a task. */
export interface TaskSpec {
  readonly name: TaskName;
  readonly kind: TaskKind;
  /** Field holding the item id. */
  readonly idField: 'idx' | 'pairID';
  /** Field holding the gold answer. */
  readonly goldField: 'code' | 'answer' | 'gold_label' | 'ner_tags';
  /** Text fields (one for ranking, two for pairs in order, `tokens` for tagging). */
  readonly textFields: readonly string[];
  /** Closed label set, or undefined when labels come from the training data (ICD codes, symptoms). */
  readonly labels: readonly string[] | undefined;
  /** Metric keys reported for the task. */
  readonly metrics: readonly ('acc' | 'hit3' | 'f1')[];
  /** Whether the data ships in ../shared (RuMedNLI derives from MIMIC and must be supplied by the user). */
  readonly userSupplied: boolean;
}

/** The task registry. */
export const TASKS: Readonly<Record<TaskName, TaskSpec>> = Object.freeze({
  RuMedTop3: { name: 'RuMedTop3', kind: 'ranking', idField: 'idx', goldField: 'code', textFields: ['symptoms'], labels: undefined, metrics: ['acc', 'hit3'], userSupplied: false },
  RuMedSymptomRec: { name: 'RuMedSymptomRec', kind: 'ranking', idField: 'idx', goldField: 'code', textFields: ['symptoms'], labels: undefined, metrics: ['acc', 'hit3'], userSupplied: false },
  RuMedDaNet: { name: 'RuMedDaNet', kind: 'pair', idField: 'pairID', goldField: 'answer', textFields: ['context', 'question'], labels: ['да', 'нет'], metrics: ['acc'], userSupplied: false },
  RuMedNLI: { name: 'RuMedNLI', kind: 'pair', idField: 'pairID', goldField: 'gold_label', textFields: ['ru_sentence1', 'ru_sentence2'], labels: ['entailment', 'contradiction', 'neutral'], metrics: ['acc'], userSupplied: true },
  RuMedNER: { name: 'RuMedNER', kind: 'tagging', idField: 'idx', goldField: 'ner_tags', textFields: ['tokens'], labels: NER_TAGS, metrics: ['acc', 'f1'], userSupplied: false },
});

/**
 * Parses a task list such as `all` or `RuMedTop3,RuMedNER` (case-insensitive).
 * @throws InvalidArgumentError naming the unknown task and listing the valid ones
 */
export function parseTaskList(text: string): TaskName[] {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new InvalidArgumentError('tasks', 'No task given; use "all" or a comma-separated list of ' + TASK_NAMES.join(', ') + '.');
  if (parts.length === 1 && parts[0]!.toLowerCase() === 'all') return [...TASK_NAMES];
  return parts.map((p) => {
    const hit = TASK_NAMES.find((t) => t.toLowerCase() === p.toLowerCase());
    if (!hit) throw new InvalidArgumentError('tasks', `Unknown task "${p}". Valid: all, ${TASK_NAMES.join(', ')}.`);
    return hit;
  });
}
