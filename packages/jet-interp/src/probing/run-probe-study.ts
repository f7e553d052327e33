/**
 * Runs the probing study end to end for trained RecNN models: their held-out jets, the jet embeddings, the observables,
 * and the R² table.
 * @packageDocumentation
 */
import { InvalidArgumentError, stagedProgress, type WithProgress } from '@lab/tensor-core';
import type { Device } from '@lab/tensor-core';
import { loadRecnn } from '../recnn/recnn-model';
import { readTrainingSplits } from '../recnn/training-data';
import type { ParticleEvent } from '../particles/particle-event';
import { PROBE_OBSERVABLES, observableColumns, probeRepresentation, type ProbeRow } from './probe-study';
import type { FeatureRows } from './linear-probe';

/** Extra representations of a task's probe jets (e.g. hidden layers of other networks). */
export type RepresentationSource = (jets: readonly ParticleEvent[]) => Promise<{ name: string; rows: FeatureRows }[]>;

/** One task of {@link runProbeStudy}. */
export interface ProbeTask {
  /** RecNN model directory (its `recnn.json` names the task: signal/background). */
  model: string;
  /** The task's `jet-interp train-data` file (the model's own training arrays: same split). */
  data: string;
  /** Task name. @default `<signal>/<background>` from recnn.json */
  name?: string;
  /** Further representations of the same jets to probe. */
  extra?: RepresentationSource[];
}

/** Options of {@link runProbeStudy}. */
export interface ProbeStudyOptions extends WithProgress {
  /** Jets per class split: the fit uses up to this many validation jets, R² up to this many test jets. @default 3000 */
  jets?: number;
  /** Observables. @default PROBE_OBSERVABLES */
  observables?: readonly string[];
  /** onnxruntime device. @default 'cpu' */
  device?: Device | string;
}

/**
 * For each task: the RecNN's validation jets fit the linear probes and its test jets score them (neither was used for
 * gradient steps), with the embedding h_J of the task's own model and any extra representations.
 * @param tasks - models and their training arrays
 * @param options - jets, observables, device, progress
 * @returns one {@link ProbeRow} per task × representation × observable
 * @throws DataFormatError for a model or data file that cannot be read; InvalidArgumentError for bad options
 * @example
 * ```ts
 * const rows = await runProbeStudy([{ model: 'models/recnn-w-qcd', data: 'training/jets/data/w-qcd.npz' }]);
 * console.log(formatProbeTable(rows, 'md'));
 * ```
 */
export async function runProbeStudy(tasks: readonly ProbeTask[], options: ProbeStudyOptions = {}): Promise<ProbeRow[]> {
  if (tasks.length === 0) throw new InvalidArgumentError('tasks', 'give at least one task (a model directory and its train-data file).');
  const n = options.jets ?? 3000;
  if (!(Number.isInteger(n) && n >= 10)) throw new InvalidArgumentError('jets', `jets must be an integer ≥ 10; received ${n}.`);
  const names = options.observables ?? PROBE_OBSERVABLES;
  const rows: ProbeRow[] = [];
  const stages = stagedProgress(options.onProgress, tasks.flatMap((task, t) => [`task ${t + 1}: observables`, `task ${t + 1}: embeddings`]));
  for (const [t, task] of tasks.entries()) {
    const model = await loadRecnn(task.model, { device: options.device ?? 'cpu' });
    try {
      const name = task.name ?? `${model.config.signal}/${model.config.background}`;
      const { validation: fit, test: score } = await readTrainingSplits(task.data, ['validation', 'test'], { limit: n });
      const jets = [...fit.jets, ...score.jets];
      const split = { fit: Array.from({ length: fit.jets.length }, (_, i) => i), score: Array.from({ length: score.jets.length }, (_, i) => fit.jets.length + i) };
      const obs = observableColumns(jets, names, { onProgress: stages[2 * t]! });
      const r = await model.embedJets(jets, { onProgress: stages[2 * t + 1]! });
      rows.push(...probeRepresentation(name, 'RecNN h_J', { data: r.embeddings, dim: r.embeddingSize }, obs, split));
      for (const source of task.extra ?? []) {
        for (const rep of await source(jets)) rows.push(...probeRepresentation(name, rep.name, rep.rows, obs, split));
      }
    } finally {
      await model.dispose();
    }
  }
  return rows;
}
