import { LinearChainCrf, type LinearChainCrfOptions } from '../crf/linear-chain-crf';
import { sentenceToFeatures } from '../crf/ner-features';
import type { TaskData } from '../tasks/load-task';
import type { TaskName } from '../tasks/task-registry';
import type { Baseline, BaselinePredictions, BaselineRunOptions } from './baseline';

/**
 * The feature-based NER baseline: a linear-chain CRF (CRFsuite's model, L-BFGS/OWL-QN with c1 = 0.1, c2 = 0.01,
 * 200 iterations) over the paper's token features, Viterbi decoding. RuMedNER only.
 */
export class CrfBaseline implements Baseline {
  readonly name = 'crf';
  /** The trained model of the last run. */
  model: LinearChainCrf | undefined;

  constructor(private readonly options: LinearChainCrfOptions = {}) {}

  supports(task: TaskName): boolean {
    return task === 'RuMedNER';
  }

  async run(data: TaskData, options: BaselineRunOptions = {}): Promise<BaselinePredictions> {
    const feats = (items: TaskData['train']['items']) => items.map((i) => sentenceToFeatures(i.tokens!));
    const crf = new LinearChainCrf(this.options);
    crf.fit(feats(data.train.items), data.train.items.map((i) => i.gold as string[]), options.onProgress ? { onProgress: options.onProgress } : {});
    this.model = crf;
    return { dev: crf.predict(feats(data.dev.items)), test: crf.predict(feats(data.test.items)) };
  }
}
