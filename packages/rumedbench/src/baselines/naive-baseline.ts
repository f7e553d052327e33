import { TASKS, type TaskName } from '../tasks/task-registry';
import type { TaskData, TaskItem } from '../tasks/load-task';
import type { Prediction } from '../metrics/task-scores';
import type { Baseline, BaselinePredictions, BaselineRunOptions } from './baseline';

/**
 * Counts values and returns them by decreasing count; ties keep first-seen order (a stable sort), which makes the
 * result independent of hash ordering.
 */
export function mostFrequent<T>(values: Iterable<T>): T[] {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return rankByCount(counts);
}

/** Keys of a count map by decreasing count, ties in insertion order. */
export function rankByCount<T>(counts: ReadonlyMap<T, number>): T[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([v]) => v);
}

/** The constant answers of the naive baseline for pair tasks. */
export const NAIVE_PAIR_ANSWER: Readonly<Record<'RuMedDaNet' | 'RuMedNLI', string>> = { RuMedDaNet: 'да', RuMedNLI: 'neutral' };

/**
 * How the naive NER baseline picks a token's tag. `official` reproduces the published predictions exactly: the tag
 * seen last for the lower-cased token in the training file (token by token, in file order). `most-frequent` is the
 * rule as the paper words it: the token's most frequent training tag (case-sensitive, ties by first appearance).
 */
export type NaiveNerRule = 'official' | 'most-frequent';

/**
 * The naive baseline of the paper: the three most frequent training codes for Top3/SymptomRec; always "да" for
 * DaNet; always "neutral" for NLI; for NER a per-token dictionary tag, "O" when unseen (see {@link NaiveNerRule}).
 */
export class NaiveBaseline implements Baseline {
  readonly name = 'naive';

  /** @param options - `nerRule` @default 'official' */
  constructor(private readonly options: { nerRule?: NaiveNerRule } = {}) {}

  supports(_task: TaskName): boolean {
    return true;
  }

  async run(data: TaskData, options: BaselineRunOptions = {}): Promise<BaselinePredictions> {
    const predict = this.fit(data.task, data.train.items);
    const out = { dev: data.dev.items.map(predict), test: data.test.items.map(predict) };
    options.onProgress?.({ completed: 1, total: 1, label: `${data.task} naive` });
    return out;
  }

  /** Fits on training items and returns the per-item predictor. */
  fit(task: TaskName, train: readonly TaskItem[]): (item: TaskItem) => Prediction {
    const kind = TASKS[task].kind;
    if (kind === 'ranking') {
      const top3 = mostFrequent(train.map((i) => i.gold as string)).slice(0, 3);
      return () => [...top3];
    }
    if (kind === 'pair') {
      const answer = NAIVE_PAIR_ANSWER[task as 'RuMedDaNet' | 'RuMedNLI'];
      return () => answer;
    }
    if ((this.options.nerRule ?? 'official') === 'official') {
      const last = new Map<string, string>();
      for (const item of train) item.tokens!.forEach((tok, k) => last.set(tok.toLowerCase(), (item.gold as string[])[k]!));
      return (item) => item.tokens!.map((t) => last.get(t.toLowerCase()) ?? 'O');
    }
    const perToken = new Map<string, Map<string, number>>();
    for (const item of train) {
      item.tokens!.forEach((tok, k) => {
        const tag = (item.gold as string[])[k]!;
        let m = perToken.get(tok);
        if (!m) perToken.set(tok, (m = new Map()));
        m.set(tag, (m.get(tag) ?? 0) + 1);
      });
    }
    const best = new Map<string, string>();
    for (const [tok, m] of perToken) best.set(tok, rankByCount(m)[0]!);
    return (item) => item.tokens!.map((t) => best.get(t) ?? 'O');
  }
}
