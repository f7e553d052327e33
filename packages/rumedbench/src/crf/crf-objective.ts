/**
 * The smooth part of CRFsuite's training objective for a first-order linear-chain CRF, with its exact gradient.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { ChainInference } from './chain-inference';
import type { CompiledSequences, CrfFeatureSpace, CrfTrainingSet } from './crf-training-set';

/**
 * Fills the state scores of one sentence: `out[t * L + y] = sum of value * w[feature(attribute, y)]`.
 * @param space - the feature space
 * @param data - compiled sentences
 * @param sentence - sentence index
 * @param w - feature weights
 * @param out - at least `T * L` values, overwritten
 * @returns the sentence length `T`
 */
export function fillStateScores(space: CrfFeatureSpace, data: CompiledSequences, sentence: number, w: ArrayLike<number>, out: Float64Array): number {
  const L = space.labels.length;
  const { featStart, featLabel } = space;
  const { tokenStart, itemStart, itemAttr, itemValue } = data;
  const t0 = tokenStart[sentence] as number;
  const T = (tokenStart[sentence + 1] as number) - t0;
  out.fill(0, 0, T * L);
  for (let t = 0; t < T; t++) {
    const n = t0 + t;
    const o = t * L;
    for (let k = itemStart[n] as number, end = itemStart[n + 1] as number; k < end; k++) {
      const a = itemAttr[k] as number;
      const v = itemValue[k] as number;
      for (let f = featStart[a] as number, fe = featStart[a + 1] as number; f < fe; f++) {
        const idx = o + (featLabel[f] as number);
        out[idx] = (out[idx] as number) + v * (w[f] as number);
      }
    }
  }
  return T;
}

/**
 * Fills the `L * L` transition scores from the weights (0 where the model has no transition feature).
 * @param space - the feature space
 * @param w - feature weights
 * @param out - `L * L` values, overwritten
 */
export function fillTransitionScores(space: CrfFeatureSpace, w: ArrayLike<number>, out: Float64Array): void {
  const { transFeature } = space;
  for (let k = 0; k < transFeature.length; k++) {
    const f = transFeature[k] as number;
    out[k] = f >= 0 ? (w[f] as number) : 0;
  }
}

/**
 * `f(w) = -sum_s log p(y_s | x_s; w) + c2 * ||w||^2` and its gradient, as CRFsuite's L-BFGS trainer evaluates it
 * (`lbfgs_evaluate` adds `c2 * ||w||^2` and `2 * c2 * w`); the L1 term `c1 * ||w||_1` is left to OWL-QN.
 *
 * @example
 * ```ts
 * const objective = new CrfObjective(buildTrainingSet(X, y), { c2: 0.01 });
 * const grad = new Float64Array(objective.numFeatures);
 * const f = objective.evaluate(w, grad);
 * ```
 */
export class CrfObjective {
  /** The number of weights. */
  readonly numFeatures: number;
  /** The L2 coefficient. */
  readonly c2: number;
  private readonly set: CrfTrainingSet;
  private readonly inference: ChainInference;
  private readonly trans: Float64Array;
  private readonly transExpected: Float64Array;
  private state: Float64Array;

  /**
   * @param set - a compiled training set from {@link buildTrainingSet}
   * @param options - `c2`: the L2 coefficient (default 0)
   */
  constructor(set: CrfTrainingSet, options: { c2?: number } = {}) {
    const c2 = options.c2 ?? 0;
    if (!(c2 >= 0) || !Number.isFinite(c2)) throw new InvalidArgumentError('c2', `c2 must be a finite number >= 0, got ${c2}`);
    this.set = set;
    this.c2 = c2;
    this.numFeatures = set.space.numFeatures;
    const L = set.space.labels.length;
    let longest = 1;
    const { tokenStart } = set.data;
    for (let s = 0; s + 1 < tokenStart.length; s++) longest = Math.max(longest, (tokenStart[s + 1] as number) - (tokenStart[s] as number));
    this.inference = new ChainInference(L, longest);
    this.trans = new Float64Array(L * L);
    this.transExpected = new Float64Array(L * L);
    this.state = new Float64Array(longest * L);
  }

  /**
   * Evaluates the objective and writes its gradient.
   * @param w - weights, length {@link CrfObjective.numFeatures}
   * @param grad - output gradient, same length
   * @returns the objective value
   */
  evaluate(w: Float64Array, grad: Float64Array): number {
    const { space, data, empirical } = this.set;
    const L = space.labels.length;
    const { featStart, featLabel, transFeature } = space;
    const { tokenStart, itemStart, itemAttr, itemValue } = data;
    const numSentences = tokenStart.length - 1;
    const { inference, state, trans, transExpected } = this;
    grad.fill(0);
    transExpected.fill(0);
    fillTransitionScores(space, w, trans);
    inference.setTransitions(trans);

    let f = 0;
    for (let s = 0; s < numSentences; s++) {
      const T = fillStateScores(space, data, s, w, state);
      if (T === 0) continue;
      f += inference.run(state, T);
      const P = inference.marginals;
      const t0 = tokenStart[s] as number;
      for (let t = 0; t < T; t++) {
        const n = t0 + t;
        const o = t * L;
        for (let k = itemStart[n] as number, end = itemStart[n + 1] as number; k < end; k++) {
          const a = itemAttr[k] as number;
          const v = itemValue[k] as number;
          for (let g = featStart[a] as number, ge = featStart[a + 1] as number; g < ge; g++) {
            grad[g] = (grad[g] as number) + v * (P[o + (featLabel[g] as number)] as number);
          }
        }
      }
      inference.accumulateEdgeMarginals(transExpected);
    }
    for (let k = 0; k < L * L; k++) {
      const g = transFeature[k] as number;
      if (g >= 0) grad[g] = (grad[g] as number) + (transExpected[k] as number);
    }
    // Minus the gold-path score (w . empirical) and the empirical counts.
    let gold = 0;
    for (let k = 0; k < w.length; k++) {
      gold += (w[k] as number) * (empirical[k] as number);
      grad[k] = (grad[k] as number) - (empirical[k] as number);
    }
    f -= gold;
    if (this.c2 > 0) {
      const c22 = 2 * this.c2;
      let norm = 0;
      for (let k = 0; k < w.length; k++) {
        const x = w[k] as number;
        norm += x * x;
        grad[k] = (grad[k] as number) + c22 * x;
      }
      f += this.c2 * norm;
    }
    return f;
  }
}
