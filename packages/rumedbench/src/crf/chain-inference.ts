/**
 * Exact inference on a linear chain: forward–backward with per-position scaling (log-partition, node and edge
 * marginals) for CRFsuite's first-order model.
 * @packageDocumentation
 */

/**
 * Forward–backward for a first-order linear-chain CRF with `numLabels` labels, reusing its buffers across sentences.
 *
 * @remarks
 * Scores are unnormalised log-potentials: `state[t * L + y]` for label `y` at position `t`, and `trans[i * L + j]` for
 * label `i` followed by `j`. The recursions run on `exp(score - max)` with every forward vector normalised to sum 1
 * (CRFsuite's scaling scheme), so sentences of any length neither overflow nor underflow while weights stay within a
 * few hundred of each other.
 *
 * @example
 * ```ts
 * const fb = new ChainInference(3);
 * fb.setTransitions(trans);
 * const logZ = fb.run(state, 5); // then fb.marginal(t, y)
 * ```
 */
export class ChainInference {
  /** The number of labels `L`. */
  readonly numLabels: number;
  private capacity = 0;
  private expState = new Float64Array(0);
  private alpha = new Float64Array(0);
  private beta = new Float64Array(0);
  private scale = new Float64Array(0);
  private readonly expTrans: Float64Array;
  private readonly edgeBuffer: Float64Array;
  private transMax = 0;
  private length = 0;
  /** Node marginals of the last {@link ChainInference.run}: `p(y_t = y)` at `[t * L + y]`. */
  marginals = new Float64Array(0);

  /**
   * @param numLabels - the number of labels, at least 1
   * @param capacity - the longest sentence to pre-allocate for (buffers grow on demand)
   */
  constructor(numLabels: number, capacity = 64) {
    if (!Number.isInteger(numLabels) || numLabels < 1) throw new RangeError(`numLabels must be a positive integer, got ${numLabels}`);
    this.numLabels = numLabels;
    this.expTrans = new Float64Array(numLabels * numLabels);
    this.edgeBuffer = new Float64Array(numLabels);
    this.reserve(capacity);
  }

  private reserve(length: number): void {
    if (length <= this.capacity) return;
    const n = Math.max(length, this.capacity * 2) * this.numLabels;
    this.capacity = n / this.numLabels;
    this.expState = new Float64Array(n);
    this.alpha = new Float64Array(n);
    this.beta = new Float64Array(n);
    this.marginals = new Float64Array(n);
    this.scale = new Float64Array(this.capacity);
  }

  /**
   * Sets the transition scores used by the next runs.
   * @param trans - `L * L` scores, `trans[i * L + j]` for `i -> j`
   */
  setTransitions(trans: ArrayLike<number>): void {
    const LL = this.numLabels * this.numLabels;
    let max = -Infinity;
    for (let k = 0; k < LL; k++) max = Math.max(max, trans[k] as number);
    this.transMax = max;
    for (let k = 0; k < LL; k++) this.expTrans[k] = Math.exp((trans[k] as number) - max);
  }

  /**
   * Runs forward–backward on one sentence and fills {@link ChainInference.marginals}.
   * @param state - at least `length * L` state scores
   * @param length - the sentence length `T >= 1`
   * @returns the log-partition `log Z`
   */
  run(state: ArrayLike<number>, length: number): number {
    const L = this.numLabels;
    const T = length;
    this.reserve(T);
    this.length = T;
    const { expState, alpha, beta, scale, expTrans, marginals } = this;
    let logZ = T > 1 ? (T - 1) * this.transMax : 0;

    for (let t = 0; t < T; t++) {
      const o = t * L;
      let m = -Infinity;
      for (let y = 0; y < L; y++) m = Math.max(m, state[o + y] as number);
      logZ += m;
      for (let y = 0; y < L; y++) expState[o + y] = Math.exp((state[o + y] as number) - m);
    }

    // Forward, each alpha_t normalised to sum 1 by scale[t].
    let sum = 0;
    for (let y = 0; y < L; y++) {
      const v = expState[y] as number;
      alpha[y] = v;
      sum += v;
    }
    scale[0] = 1 / sum;
    for (let y = 0; y < L; y++) alpha[y] = (alpha[y] as number) / sum;
    logZ += Math.log(sum);
    for (let t = 1; t < T; t++) {
      const o = t * L;
      const p = o - L;
      for (let j = 0; j < L; j++) alpha[o + j] = 0;
      for (let i = 0; i < L; i++) {
        const a = alpha[p + i] as number;
        if (a === 0) continue;
        const row = i * L;
        for (let j = 0; j < L; j++) alpha[o + j] = (alpha[o + j] as number) + a * (expTrans[row + j] as number);
      }
      sum = 0;
      for (let j = 0; j < L; j++) {
        const v = (alpha[o + j] as number) * (expState[o + j] as number);
        alpha[o + j] = v;
        sum += v;
      }
      scale[t] = 1 / sum;
      for (let j = 0; j < L; j++) alpha[o + j] = (alpha[o + j] as number) / sum;
      logZ += Math.log(sum);
    }

    // Backward: beta_{T-1} = 1, beta_t(i) = scale[t+1] * sum_j trans(i,j) state(t+1,j) beta_{t+1}(j).
    const last = (T - 1) * L;
    for (let y = 0; y < L; y++) beta[last + y] = 1;
    for (let t = T - 2; t >= 0; t--) {
      const o = t * L;
      const n = o + L;
      const c = scale[t + 1] as number;
      for (let i = 0; i < L; i++) {
        const row = i * L;
        let s = 0;
        for (let j = 0; j < L; j++) s += (expTrans[row + j] as number) * (expState[n + j] as number) * (beta[n + j] as number);
        beta[o + i] = s * c;
      }
    }
    for (let k = 0; k < T * L; k++) marginals[k] = (alpha[k] as number) * (beta[k] as number);
    return logZ;
  }

  /**
   * The marginal `p(y_t = y)` from the last run.
   * @param t - position
   * @param y - label
   */
  marginal(t: number, y: number): number {
    return this.marginals[t * this.numLabels + y] as number;
  }

  /**
   * Adds `weight * p(y_t = i, y_{t+1} = j)` summed over the positions of the last run into `out[i * L + j]`.
   * @param out - `L * L` accumulator
   * @param weight - multiplier @default 1
   */
  accumulateEdgeMarginals(out: Float64Array, weight = 1): void {
    const L = this.numLabels;
    const { alpha, beta, expState, expTrans, scale, edgeBuffer: u } = this;
    for (let t = 0; t + 1 < this.length; t++) {
      const o = t * L;
      const n = o + L;
      const c = (scale[t + 1] as number) * weight;
      for (let j = 0; j < L; j++) u[j] = (expState[n + j] as number) * (beta[n + j] as number) * c;
      for (let i = 0; i < L; i++) {
        const a = alpha[o + i] as number;
        if (a === 0) continue;
        const row = i * L;
        for (let j = 0; j < L; j++) out[row + j] = (out[row + j] as number) + a * (expTrans[row + j] as number) * (u[j] as number);
      }
    }
  }
}
