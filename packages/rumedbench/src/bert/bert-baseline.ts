import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CsrMatrix } from '../linear/sparse-matrix';
import { LabError, stagedProgress, type ProgressCallback } from '@lab/tensor-core';
import type { Baseline, BaselinePredictions, BaselineRunOptions } from '../baselines/baseline';
import { LogisticRegression } from '../linear/logistic-regression';
import { defaultModelsDir } from '../neural/bilstm-baseline';
import type { TaskData } from '../tasks/load-task';
import { TASKS, type TaskName } from '../tasks/task-registry';
import { embedBert, loadBert, predictBert } from './bert-model';

/** Options of {@link BertBaseline}. */
export interface BertBaselineOptions {
  /** Directory with fine-tuned `bert-<task>/` model folders. @default the small models shipped in this package */
  modelsDir?: string;
  /**
   * An encoder export (`bert.json` head "encoder", e.g. a Hugging Face BERT converted with
   * training/rumedbench/export_hf_bert.py). Single-text and pair tasks without a fine-tuned model in `modelsDir` then
   * use pooled sentence vectors + one-vs-rest logistic regression trained here.
   */
  encoderDir?: string;
  /** Pooling of the encoder's token states for sentence vectors. @default 'mean' */
  pooling?: 'cls' | 'mean';
  /** Inverse L2 strength of the logistic regressions on sentence vectors. @default 1 */
  C?: number;
  /** @default 'cpu' */
  device?: string;
  /** Items per network call. @default 32 */
  batchSize?: number;
}

/**
 * The BERT baseline through ONNX. For each task it uses, in order: a fine-tuned model `bert-<task>/` from `modelsDir`
 * (the shipped ones are small BERTs pretrained with masked-language modelling on the benchmark's training texts and
 * fine-tuned per task in training/rumedbench/train_bert.py), or, for single-text and pair tasks, sentence vectors of
 * `encoderDir` ([CLS] or mean pooling) with logistic-regression heads fitted on the training split.
 */
export class BertBaseline implements Baseline {
  readonly name = 'bert';

  constructor(private readonly options: BertBaselineOptions = {}) {}

  private fineTunedDir(task: TaskName): string {
    return join(this.options.modelsDir ?? defaultModelsDir(), `bert-${task.toLowerCase()}`);
  }

  supports(task: TaskName): boolean {
    if (existsSync(join(this.fineTunedDir(task), 'bert.json'))) return true;
    return this.options.encoderDir !== undefined && TASKS[task].kind !== 'tagging';
  }

  async run(data: TaskData, options: BaselineRunOptions = {}): Promise<BaselinePredictions> {
    const task = data.task;
    if (!this.supports(task)) {
      throw new LabError(
        'MODEL_NOT_FOUND',
        `No BERT model for ${task} in ${this.fineTunedDir(task)}; train one with training/rumedbench/train_bert.py` +
          (TASKS[task].kind === 'tagging' ? '.' : ', or pass an encoder export (encoderDir / --bert-encoder) to fit heads on sentence vectors.'),
      );
    }
    const device = this.options.device ?? 'cpu';
    const batchSize = this.options.batchSize ?? 32;
    const fineTuned = this.fineTunedDir(task);
    if (existsSync(join(fineTuned, 'bert.json'))) {
      const m = await loadBert(fineTuned, { device });
      try {
        const [dev, test] = stagedProgress(options.onProgress, ['dev', 'test']);
        return {
          dev: await predictBert(m, task, data.dev.items, { batchSize, onProgress: dev! }),
          test: await predictBert(m, task, data.test.items, { batchSize, onProgress: test! }),
        };
      } finally {
        await m.model.dispose();
      }
    }
    return this.runOnVectors(data, options.onProgress, device, batchSize);
  }

  private async runOnVectors(data: TaskData, onProgress: ProgressCallback | undefined, device: string, batchSize: number): Promise<BaselinePredictions> {
    const task = data.task;
    const pooling = this.options.pooling ?? 'mean';
    const m = await loadBert(this.options.encoderDir!, { device });
    const [trainP, fitP, devP, testP] = stagedProgress(onProgress, ['train vectors', 'logistic regression', 'dev vectors', 'test vectors']);
    try {
      const toMatrix = (rows: Float32Array[]) => CsrMatrix.fromDense(rows);
      const X = toMatrix(await embedBert(m, task, data.train.items, pooling, { batchSize, onProgress: trainP! }));
      const model = new LogisticRegression({ C: this.options.C ?? 1, onProgress: fitP! });
      await model.fit(X, data.train.items.map((i) => i.gold as string));
      const predict = async (items: TaskData['dev']['items'], p: ProgressCallback) => {
        const Xs = toMatrix(await embedBert(m, task, items, pooling, { batchSize, onProgress: p }));
        return TASKS[task].kind === 'ranking' ? model.topK(Xs, 3).map((r) => r.map(String)) : model.predict(Xs).map(String);
      };
      return { dev: await predict(data.dev.items, devP!), test: await predict(data.test.items, testP!) };
    } finally {
      await m.model.dispose();
    }
  }
}
