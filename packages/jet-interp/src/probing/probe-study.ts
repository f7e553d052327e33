/**
 * The linear-probing study: R² of each jet observable from a representation of the jets (the RecNN's jet embedding, or
 * a hidden layer of another network), per task — the study's Table 1.
 * @packageDocumentation
 */
import { InvalidArgumentError, type WithProgress, throttleProgress } from '@lab/tensor-core';
import type { JetInput } from '../lund/recluster-jet';
import { JET_OBSERVABLE_NAMES, jetObservables, type JetObservables, type JetObservablesOptions } from '../observables/jet-observables';
import { formatResultTable, type ResultTable, type TableFormat } from '../format/result-table';
import { linearProbe, type FeatureRows, type ProbeSplit } from './linear-probe';

/** The observables probed by default: every {@link JET_OBSERVABLE_NAMES} entry. */
export const PROBE_OBSERVABLES: readonly (keyof JetObservables)[] = JET_OBSERVABLE_NAMES;

/** One R² of the study. */
export interface ProbeRow {
  /** Task, e.g. `w/qcd`. */
  task: string;
  /** Representation, e.g. `RecNN h_J` or `FCN hidden3`. */
  representation: string;
  /** Observable name (a {@link JetObservables} key). */
  observable: string;
  /** R² on the scoring jets. */
  r2: number;
  /** R² on the fitting jets. */
  r2Fit: number;
  /** Jets the fit saw. */
  fitJets: number;
  /** Jets R² was measured on. */
  scoreJets: number;
}

/**
 * Observables of many jets as columns.
 * @param jets - the jets
 * @param names - which observables @default PROBE_OBSERVABLES
 * @param options - jet radius and observable options, progress
 * @returns name → one value per jet
 * @throws InvalidArgumentError for an unknown observable name
 * @example
 * ```ts
 * const cols = observableColumns(jets, ['mass', 'tau21']);
 * cols.mass[0];
 * ```
 */
export function observableColumns(
  jets: readonly JetInput[],
  names: readonly string[] = PROBE_OBSERVABLES,
  options: JetObservablesOptions & WithProgress = {},
): Record<string, Float64Array> {
  for (const n of names) {
    if (!(JET_OBSERVABLE_NAMES as readonly string[]).includes(n)) throw new InvalidArgumentError('observables', `Unknown observable "${n}". Supported: ${JET_OBSERVABLE_NAMES.join(', ')}.`);
  }
  const out: Record<string, Float64Array> = {};
  for (const n of names) out[n] = new Float64Array(jets.length);
  const progress = throttleProgress(options.onProgress);
  jets.forEach((jet, j) => {
    const obs = jetObservables(jet, options);
    for (const n of names) out[n]![j] = obs[n as keyof JetObservables];
    progress({ label: 'observables', completed: j + 1, total: jets.length });
  });
  return out;
}

/**
 * Probes one representation of one task for every observable.
 * @param task - the task's name
 * @param representation - the representation's name
 * @param rows - the representation, one row per jet (same order as the observable columns)
 * @param observables - name → value per jet (from {@link observableColumns})
 * @param split - fitting and scoring rows
 * @returns one {@link ProbeRow} per observable
 * @throws as {@link linearProbe}
 * @example
 * ```ts
 * const rows = probeRepresentation('w/qcd', 'RecNN h_J', { data: r.embeddings, dim: 70 }, cols, split);
 * ```
 */
export function probeRepresentation(task: string, representation: string, rows: FeatureRows, observables: Readonly<Record<string, ArrayLike<number>>>, split: ProbeSplit): ProbeRow[] {
  const scores = linearProbe(rows, observables, split);
  return Object.entries(scores).map(([observable, s]) => ({ task, representation, observable, r2: s.r2, r2Fit: s.r2Fit, fitJets: split.fit.length, scoreJets: split.score.length }));
}

/**
 * The study's table. Markdown: one table per task, one row per observable, one column per representation, R² in the
 * cells; CSV: long form, one line per (task, representation, observable) with R² on the scoring and the fitting jets;
 * JSON: the rows as they are.
 * @param rows - probe results
 * @param format - `md`, `csv` or `json`
 * @param digits - decimals @default 3
 * @returns the table text
 * @example
 * ```ts
 * console.log(formatProbeTable(rows, 'md'));
 * ```
 */
export function formatProbeTable(rows: readonly ProbeRow[], format: TableFormat, digits = 3): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') {
    return formatResultTable(
      { columns: ['task', 'representation', 'observable', 'r2', 'r2_fit', 'fit_jets', 'score_jets'], rows: rows.map((r) => [r.task, r.representation, r.observable, r.r2, r.r2Fit, String(r.fitJets), String(r.scoreJets)]), digits: 6 },
      'csv',
    );
  }
  const tasks = [...new Set(rows.map((r) => r.task))];
  const parts = tasks.map((task) => {
    const own = rows.filter((r) => r.task === task);
    const reps = [...new Set(own.map((r) => r.representation))];
    const observables = [...new Set(own.map((r) => r.observable))];
    const table: ResultTable = {
      columns: ['observable', ...reps],
      rows: observables.map((o) => [o, ...reps.map((rep) => own.find((r) => r.observable === o && r.representation === rep)?.r2 ?? null)]),
      digits,
    };
    const body = formatResultTable(table, format);
    return tasks.length > 1 ? `### ${task}\n\n${body}` : body;
  });
  return parts.join('\n');
}
