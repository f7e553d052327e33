/**
 * Transferability of RecNN jet embeddings between tasks (the study's Table 2): freeze the embedding learnt on task A,
 * fit a new dense head on task B's training jets, and compare its test AUC with task B's own network.
 * @packageDocumentation
 */
import { InvalidArgumentError, rejectionAtEfficiency, rocAuc, rocCurve, stagedProgress, trainMlp, type Device, type Mlp, type MlpEpoch, type WithProgress } from '@lab/tensor-core';
import { formatResultTable, type TableFormat } from '../format/result-table';
import { loadRecnn, type RecnnModel } from '../recnn/recnn-model';
import { readTrainingSplits, type TrainingJets } from '../recnn/training-data';

/** One task of {@link runTransferStudy}: a trained RecNN and its own training arrays. */
export interface TransferTask {
  /** RecNN model directory. */
  model: string;
  /** The `jet-interp train-data` file the model was trained on (its split is reused). */
  data: string;
  /** Task name. @default `<signal>/<background>` from recnn.json */
  name?: string;
}

/** Options of {@link runTransferStudy}. */
export interface TransferStudyOptions extends WithProgress {
  /** At most this many jets of each split of task B (training, validation, test). @default all */
  jets?: number;
  /** Hidden layers of the new head. @default [70, 70] (the RecNN head's shape) */
  hidden?: readonly number[];
  /** Epochs of the head at most. @default 30 */
  epochs?: number;
  /** Early-stopping patience of the head (validation loss). @default 5 */
  patience?: number;
  /** Seed of the heads. @default 1 */
  seed?: number;
  /** onnxruntime device. @default 'cpu' */
  device?: Device | string;
}

/** One pair A → B. */
export interface TransferRow {
  /** Task whose embedding is frozen. */
  from: string;
  /** Task the head is trained and tested on. */
  to: string;
  /** Test AUC of task B's own RecNN. */
  baseAuc: number;
  /** Test AUC of A's frozen embedding + a head trained on B. */
  transferAuc: number;
  /** 1/ε_B at ε_S = 0.5 of B's own RecNN. */
  baseRejection50: number;
  /** 1/ε_B at ε_S = 0.5 of the transfer head. */
  transferRejection50: number;
  /** Test AUC of a head trained the same way on B's own frozen embedding (isolates the head's retraining). */
  selfHeadAuc: number;
  /** Jets: train/validation/test of task B. */
  jets: { train: number; validation: number; test: number };
  /** The head's best epoch and history. */
  head: { bestEpoch: number; history: MlpEpoch[] };
}

interface LoadedTask {
  name: string;
  model: RecnnModel;
  splits: { train: TrainingJets; validation: TrainingJets; test: TrainingJets };
}

function metrics(labels: Int32Array, scores: ArrayLike<number>): { auc: number; rejection50: number } {
  return { auc: rocAuc(labels, scores), rejection50: rejectionAtEfficiency(rocCurve(labels, scores), 0.5) };
}

async function fitHead(from: RecnnModel, to: LoadedTask, options: TransferStudyOptions): Promise<{ auc: number; rejection50: number; head: Mlp; bestEpoch: number; history: MlpEpoch[] }> {
  const emb = async (s: TrainingJets) => (await from.embedJets(s.jets)).embeddings;
  const [xTrain, xVal, xTest] = [await emb(to.splits.train), await emb(to.splits.validation), await emb(to.splits.test)];
  const H = from.embeddingSize;
  const { model, bestEpoch, history } = trainMlp(xTrain!, to.splits.train.labels, H, {
    hidden: options.hidden ?? [H, H],
    epochs: options.epochs ?? 30,
    patience: options.patience ?? 5,
    seed: options.seed ?? 1,
    validation: { x: xVal!, y: to.splits.validation.labels },
  });
  return { ...metrics(to.splits.test.labels, model.predictProba(xTest!)), head: model, bestEpoch, history };
}

/**
 * For every ordered pair of different tasks (A, B): B's jets through A's frozen RecNN embedding, a new dense head
 * (ReLU layers of the embedding's size, sigmoid output, Adam, early stopping on B's validation jets) fitted on B's
 * training jets, its AUC on B's test jets, next to B's own network ("base") and to the same head procedure on B's own
 * embedding.
 * @param tasks - two or more tasks (model + its training arrays)
 * @param options - jets per split, head shape and training, device, progress
 * @returns one row per ordered pair
 * @throws InvalidArgumentError with fewer than two tasks; DataFormatError for unreadable models or data
 * @example
 * ```ts
 * const rows = await runTransferStudy([
 *   { model: 'models/recnn-w-qcd', data: 'training/jets/data/w-qcd.npz' },
 *   { model: 'models/recnn-top-qcd', data: 'training/jets/data/top-qcd.npz' },
 * ]);
 * console.log(formatTransferTable(rows, 'md'));
 * ```
 */
export async function runTransferStudy(tasks: readonly TransferTask[], options: TransferStudyOptions = {}): Promise<TransferRow[]> {
  if (tasks.length < 2) throw new InvalidArgumentError('tasks', `transfer needs at least two tasks; received ${tasks.length}.`);
  const limit = options.jets;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 10)) throw new InvalidArgumentError('jets', `jets must be an integer ≥ 10; received ${limit}.`);
  const loaded: LoadedTask[] = [];
  const rows: TransferRow[] = [];
  const pairs = tasks.length * tasks.length;
  const stages = stagedProgress(options.onProgress, Array.from({ length: pairs }, (_, k) => `pair ${k + 1}/${pairs}`));
  try {
    for (const task of tasks) {
      const splits = await readTrainingSplits(task.data, ['train', 'validation', 'test'], limit !== undefined ? { limit } : {});
      const model = await loadRecnn(task.model, { device: options.device ?? 'cpu' });
      loaded.push({ name: task.name ?? `${model.config.signal}/${model.config.background}`, model, splits });
    }
    let k = 0;
    for (const to of loaded) {
      const base = metrics(to.splits.test.labels, await to.model.classify(to.splits.test.jets));
      const self = await fitHead(to.model, to, options);
      stages[k++]!({ completed: 1, total: 1 });
      for (const from of loaded) {
        if (from === to) continue;
        const t = await fitHead(from.model, to, options);
        stages[k++]!({ completed: 1, total: 1 });
        rows.push({
          from: from.name,
          to: to.name,
          baseAuc: base.auc,
          transferAuc: t.auc,
          baseRejection50: base.rejection50,
          transferRejection50: t.rejection50,
          selfHeadAuc: self.auc,
          jets: { train: to.splits.train.jets.length, validation: to.splits.validation.jets.length, test: to.splits.test.jets.length },
          head: { bestEpoch: t.bestEpoch, history: t.history },
        });
      }
    }
  } finally {
    for (const t of loaded) await t.model.dispose();
  }
  return rows;
}

/**
 * The study's Table 2: one row per pair A → B with B's base AUC, the transfer AUC and their difference (and the
 * rejections at 50 % signal efficiency).
 * @param rows - from {@link runTransferStudy}
 * @param format - `md`, `csv` or `json` (JSON: the rows as they are, head histories included)
 * @returns the table text
 * @example
 * ```ts
 * console.log(formatTransferTable(rows, 'md'));
 * ```
 */
export function formatTransferTable(rows: readonly TransferRow[], format: TableFormat): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  return formatResultTable(
    {
      columns: ['embedding from', 'head on', 'base AUC', 'transfer AUC', 'Δ AUC', 'own-embedding head AUC', 'base 1/ε_B (ε_S = 0.5)', 'transfer 1/ε_B (ε_S = 0.5)'],
      rows: rows.map((r) => [r.from, r.to, r.baseAuc, r.transferAuc, r.transferAuc - r.baseAuc, r.selfHeadAuc, r.baseRejection50.toFixed(1), r.transferRejection50.toFixed(1)]),
      digits: 4,
    },
    format,
  );
}
