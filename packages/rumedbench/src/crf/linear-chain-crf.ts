/**
 * A first-order linear-chain CRF trained like CRFsuite 0.12's `lbfgs` algorithm (as sklearn-crfsuite drives it).
 * @packageDocumentation
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DataFormatError, InvalidArgumentError, LabError, minimizeLbfgs, type ProgressCallback } from '@lab/tensor-core';
import { ChainInference } from './chain-inference';
import { CrfObjective } from './crf-objective';
import { buildTrainingSet, toAttributes, type CrfSequenceInput } from './crf-training-set';
import { viterbiDecode } from './viterbi';

/** Training options; the defaults are RuMedBench's NER baseline (`CRF(algorithm='lbfgs', c1=0.1, c2=0.01, ...)`). */
export interface LinearChainCrfOptions {
  /** L1 coefficient (OWL-QN). @default 0.1 */
  c1?: number;
  /** L2 coefficient: the objective gets `c2 * ||w||^2`, as CRFsuite's `lbfgs_evaluate`. @default 0.01 */
  c2?: number;
  /** Most L-BFGS iterations. @default 200 */
  maxIterations?: number;
  /** A transition feature for every label pair, not only the observed ones. @default true */
  allPossibleTransitions?: boolean;
  /** L-BFGS memory (CRFsuite `num_memories`). @default 6 */
  memory?: number;
  /** Stop when `||g|| / max(1, ||w||) <= epsilon`, 2-norms, pseudo-gradient with L1 (CRFsuite `epsilon`). @default 1e-5 */
  epsilon?: number;
  /** Iterations back for the improvement test (CRFsuite `period`). @default 10 */
  period?: number;
  /** Stop when `|f_{k-period} - f_k| / f_k < delta` (CRFsuite `delta`). @default 1e-5 */
  delta?: number;
}

/** Options of {@link LinearChainCrf.fit}. */
export interface CrfFitOptions {
  /** Called after every L-BFGS iteration with `{ completed, total: maxIterations, label, metrics: { loss } }`. */
  onProgress?: ProgressCallback;
}

/** What {@link LinearChainCrf.fit} reports. */
export interface CrfFitReport {
  /** L-BFGS iterations done. */
  iterations: number;
  /** Objective evaluations (passes over the data). */
  evaluations: number;
  /** Final objective, `-log L + c1 ||w||_1 + c2 ||w||^2`. */
  loss: number;
  /** Why training stopped. */
  reason: string;
  /** All features generated from the data. */
  numFeatures: number;
  /** Features with a non-zero weight. */
  activeFeatures: number;
  /** Wall-clock training time in seconds (feature generation included). */
  seconds: number;
}

/** The serialised model of {@link LinearChainCrf.toJSON}: only non-zero weights are kept. */
export interface CrfModelJson {
  /** Always `"lab-linear-chain-crf"`. */
  format: 'lab-linear-chain-crf';
  /** Format version, currently 1. */
  version: 1;
  /** Label names; transitions and state features refer to them by index. */
  labels: string[];
  /** Attribute names that have at least one non-zero state weight. */
  attributes: string[];
  /** `[attributeIndex, labelIndex, weight]`. */
  stateFeatures: [number, number, number][];
  /** `[fromLabelIndex, toLabelIndex, weight]`. */
  transitions: [number, number, number][];
  /** The options the model was trained with. */
  options: Required<LinearChainCrfOptions>;
}

/** A trained model's tables, in prediction form. */
interface ModelTables {
  labels: string[];
  attributeIndex: Map<string, number>;
  attributes: string[];
  featStart: Int32Array;
  featLabel: Int32Array;
  featWeight: Float64Array;
  trans: Float64Array;
}

const FORMAT = 'lab-linear-chain-crf';

/** Thrown inside `onIteration` to stop L-BFGS on CRFsuite's own stopping tests. */
class StopTraining extends Error {}

function resolveOptions(options: LinearChainCrfOptions): Required<LinearChainCrfOptions> {
  const r: Required<LinearChainCrfOptions> = {
    c1: options.c1 ?? 0.1,
    c2: options.c2 ?? 0.01,
    maxIterations: options.maxIterations ?? 200,
    allPossibleTransitions: options.allPossibleTransitions ?? true,
    memory: options.memory ?? 6,
    epsilon: options.epsilon ?? 1e-5,
    period: options.period ?? 10,
    delta: options.delta ?? 1e-5,
  };
  for (const key of ['c1', 'c2', 'epsilon', 'delta'] as const) {
    const v = r[key];
    if (!(v >= 0) || !Number.isFinite(v)) throw new InvalidArgumentError(key, `${key} must be a finite number >= 0, got ${v}`);
  }
  for (const [key, min] of [['maxIterations', 0], ['memory', 1], ['period', 1]] as const) {
    const v = r[key];
    if (!Number.isInteger(v) || v < min) throw new InvalidArgumentError(key, `${key} must be an integer >= ${min}, got ${v}`);
  }
  return r;
}

/**
 * A first-order linear-chain conditional random field, trained as CRFsuite trains with `algorithm='lbfgs'`.
 *
 * @remarks
 * Features follow CRFsuite's defaults: a state feature for every (attribute, label) pair seen in training (also where
 * the attribute's value is 0), and a transition feature for every ordered label pair (`allPossibleTransitions`) or
 * for the observed ones; there are no start/end transitions. Training minimises
 * `-sum log p(y|x) + c1 ||w||_1 + c2 ||w||_2^2` with OWL-QN (`minimizeLbfgs` of `@lab/tensor-core`, memory 6) and
 * stops on CRFsuite's tests: `||g|| / max(1, ||w||) <= epsilon`, relative improvement over `period` iterations below
 * `delta`, or `maxIterations`. Prediction is Viterbi; attributes unknown to the model are ignored.
 *
 * @example
 * ```ts
 * const crf = new LinearChainCrf({ c1: 0.1, c2: 0.01, maxIterations: 200 });
 * crf.fit(sentences.map(sentenceToFeatures), tags);
 * const predicted = crf.predict(test.map(sentenceToFeatures));
 * ```
 */
export class LinearChainCrf {
  /** The training options. */
  readonly options: Required<LinearChainCrfOptions>;
  private model: ModelTables | undefined;

  /**
   * @param options - training options (defaults: RuMedBench's baseline)
   * @throws InvalidArgumentError for an out-of-range option
   */
  constructor(options: LinearChainCrfOptions = {}) {
    this.options = resolveOptions(options);
  }

  /** Label names of the trained model, in CRFsuite's order (first appearance in training). */
  get labels(): readonly string[] {
    return this.tables().labels;
  }

  /**
   * Trains on labelled sentences (replacing any previous model).
   * @param X - sentences of items (feature dictionaries or attribute lists)
   * @param y - their labels
   * @param options - progress reporting
   * @returns what training did
   * @throws InvalidArgumentError when `X` and `y` do not line up
   */
  fit(X: readonly CrfSequenceInput[], y: readonly (readonly string[])[], options: CrfFitOptions = {}): CrfFitReport {
    const started = performance.now();
    const { c1, c2, maxIterations, memory, epsilon, period, delta } = this.options;
    const set = buildTrainingSet(X, y, { allPossibleTransitions: this.options.allPossibleTransitions });
    const objective = new CrfObjective(set, { c2 });
    const n = objective.numFeatures;
    const onProgress = options.onProgress;
    const label = 'crf: L-BFGS';
    onProgress?.({ completed: 0, total: maxIterations, label });

    // minimizeLbfgs has no hook for CRFsuite's stopping tests, so they run in onIteration, which throws StopTraining.
    // The point it accepts is always the last one evaluated, so the last evaluation is kept for that case.
    const lastX = new Float64Array(n);
    const lastG = new Float64Array(n);
    let lastF = NaN;
    const history: number[] = []; // objective after each iteration, the initial value first
    const fg = (x: Float64Array, grad: Float64Array): number => {
      lastF = objective.evaluate(x, grad);
      // The first evaluation is at w = 0 (no L1 term): CRFsuite's improvement test compares with it at `period`.
      if (history.length === 0) history.push(lastF);
      lastX.set(x);
      lastG.set(grad);
      return lastF;
    };
    let iterations = 0;
    let evaluations = 0;
    let loss = NaN;
    let stopReason = '';
    const onIteration = (info: { iteration: number; f: number; evaluations: number }): void => {
      iterations = info.iteration;
      evaluations = info.evaluations;
      loss = info.f;
      onProgress?.({ completed: info.iteration, total: maxIterations, label, metrics: { loss: info.f } });
      let l1 = 0;
      let xx = 0;
      let gg = 0;
      for (let i = 0; i < n; i++) {
        const xi = lastX[i] as number;
        const gi = lastG[i] as number;
        l1 += Math.abs(xi);
        xx += xi * xi;
        // OWL-QN pseudo-gradient.
        let pg = gi;
        if (c1 > 0) {
          if (xi > 0) pg = gi + c1;
          else if (xi < 0) pg = gi - c1;
          else if (gi + c1 < 0) pg = gi + c1;
          else if (gi - c1 > 0) pg = gi - c1;
          else pg = 0;
        }
        gg += pg * pg;
      }
      // Only act when the last evaluation is the accepted point (it always is with minimizeLbfgs's line searches).
      if (Math.abs(lastF + c1 * l1 - info.f) > 1e-9 * Math.max(1, Math.abs(info.f))) return;
      if (Math.sqrt(gg) / Math.max(1, Math.sqrt(xx)) <= epsilon) {
        stopReason = `gradient norm below epsilon (${epsilon})`;
        throw new StopTraining();
      }
      history.push(info.f);
      if (history.length > period) {
        const past = history[history.length - 1 - period] as number;
        if (Math.abs((past - info.f) / info.f) < delta) {
          stopReason = `improvement over ${period} iterations below delta (${delta})`;
          throw new StopTraining();
        }
      }
    };

    let weights: Float64Array;
    let reason: string;
    if (maxIterations === 0) {
      weights = new Float64Array(n);
      reason = 'maximum iterations reached';
      loss = objective.evaluate(weights, new Float64Array(n));
    } else {
      try {
        const result = minimizeLbfgs(fg, new Float64Array(n), {
          maxIterations,
          memory,
          l1: c1,
          maxLineSearch: 20, // CRFsuite's max_linesearch
          gradientTolerance: 0,
          functionTolerance: 0,
          onIteration,
        });
        weights = result.x;
        reason = result.reason;
        iterations = result.iterations;
        evaluations = result.evaluations;
        loss = result.f;
      } catch (e) {
        if (!(e instanceof StopTraining)) {
          if (LabError.isInstance(e)) throw e;
          throw new LabError('CRF_TRAINING_FAILED', `CRF training failed: ${(e as Error).message}`, { cause: e });
        }
        weights = Float64Array.from(lastX);
        reason = stopReason;
      }
    }

    this.model = tablesFromTraining(set.space, weights);
    let activeFeatures = 0;
    for (let k = 0; k < n; k++) if (weights[k] !== 0) activeFeatures++;
    onProgress?.({ completed: maxIterations, total: maxIterations, label, metrics: { loss } });
    return { iterations, evaluations, loss, reason, numFeatures: n, activeFeatures, seconds: (performance.now() - started) / 1000 };
  }

  /**
   * Viterbi labels of each sentence.
   * @param X - sentences of items
   * @returns one label list per sentence
   * @throws LabError `NOT_FITTED` before {@link LinearChainCrf.fit} or {@link LinearChainCrf.fromJSON}
   */
  predict(X: readonly CrfSequenceInput[]): string[][] {
    const m = this.tables();
    const L = m.labels.length;
    return X.map((xs) => {
      const state = this.stateScores(xs);
      const { path } = viterbiDecode(state, m.trans, xs.length, L);
      return Array.from(path, (k) => m.labels[k] as string);
    });
  }

  /**
   * Per-token marginal probabilities of every label (sklearn-crfsuite's `predict_marginals`).
   * @param X - sentences of items
   * @returns for each sentence and token, a label-to-probability record
   */
  predictMarginals(X: readonly CrfSequenceInput[]): Record<string, number>[][] {
    const m = this.tables();
    const L = m.labels.length;
    const fb = new ChainInference(L);
    fb.setTransitions(m.trans);
    return X.map((xs) => {
      if (xs.length === 0) return [];
      fb.run(this.stateScores(xs), xs.length);
      return xs.map((_, t) => Object.fromEntries(m.labels.map((name, y) => [name, fb.marginal(t, y)])));
    });
  }

  /**
   * The versioned JSON form of the model, without zero weights.
   * @throws LabError `NOT_FITTED` before training
   */
  toJSON(): CrfModelJson {
    const m = this.tables();
    const L = m.labels.length;
    const attributes: string[] = [];
    const stateFeatures: [number, number, number][] = [];
    for (let a = 0; a < m.attributes.length; a++) {
      let index = -1;
      for (let f = m.featStart[a] as number; f < (m.featStart[a + 1] as number); f++) {
        const w = m.featWeight[f] as number;
        if (w === 0) continue;
        if (index < 0) {
          index = attributes.length;
          attributes.push(m.attributes[a] as string);
        }
        stateFeatures.push([index, m.featLabel[f] as number, w]);
      }
    }
    const transitions: [number, number, number][] = [];
    for (let k = 0; k < L * L; k++) if (m.trans[k] !== 0) transitions.push([Math.floor(k / L), k % L, m.trans[k] as number]);
    return { format: FORMAT, version: 1, labels: [...m.labels], attributes, stateFeatures, transitions, options: { ...this.options } };
  }

  /**
   * Rebuilds a model from {@link LinearChainCrf.toJSON}'s output.
   * @param json - the parsed JSON
   * @param source - where it came from, for error messages @default '<json>'
   * @throws DataFormatError when the JSON is not a model of this format and version
   */
  static fromJSON(json: unknown, source = '<json>'): LinearChainCrf {
    const bad = (problem: string, location?: string): never => {
      throw new DataFormatError(source, problem, location);
    };
    if (typeof json !== 'object' || json === null) return bad('not a JSON object');
    const j = json as Partial<Record<keyof CrfModelJson, unknown>>;
    if (j.format !== FORMAT) bad(`format is ${JSON.stringify(j.format)}, expected "${FORMAT}"`, 'format');
    if (j.version !== 1) bad(`unsupported version ${JSON.stringify(j.version)} (this build reads version 1)`, 'version');
    const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (!isStrings(j.labels) || j.labels.length === 0) return bad('labels must be a non-empty array of strings', 'labels');
    if (!isStrings(j.attributes)) return bad('attributes must be an array of strings', 'attributes');
    const labels = j.labels;
    const attributes = j.attributes;
    const L = labels.length;
    const triples = (v: unknown, key: string, firstMax: number): [number, number, number][] => {
      if (!Array.isArray(v)) return bad('must be an array of [index, index, weight]', key);
      v.forEach((e, i) => {
        const ok = Array.isArray(e) && e.length === 3 && Number.isInteger(e[0]) && e[0] >= 0 && e[0] < firstMax && Number.isInteger(e[1]) && e[1] >= 0 && e[1] < L && typeof e[2] === 'number' && Number.isFinite(e[2]);
        if (!ok) bad(`entry ${i} is not a valid [index, index, weight]`, key);
      });
      return v as [number, number, number][];
    };
    const stateFeatures = triples(j.stateFeatures, 'stateFeatures', attributes.length);
    const transitions = triples(j.transitions, 'transitions', L);
    let options: Required<LinearChainCrfOptions>;
    try {
      options = resolveOptions((j.options ?? {}) as LinearChainCrfOptions);
    } catch (e) {
      return bad(`invalid options: ${(e as Error).message}`, 'options');
    }

    const A = attributes.length;
    const counts = new Int32Array(A + 1);
    for (const [a] of stateFeatures) counts[a + 1] = (counts[a + 1] as number) + 1;
    for (let a = 0; a < A; a++) counts[a + 1] = (counts[a + 1] as number) + (counts[a] as number);
    const featStart = Int32Array.from(counts);
    const fill = Int32Array.from(counts.subarray(0, A));
    const featLabel = new Int32Array(stateFeatures.length);
    const featWeight = new Float64Array(stateFeatures.length);
    for (const [a, l, w] of stateFeatures) {
      const k = fill[a] as number;
      fill[a] = k + 1;
      featLabel[k] = l;
      featWeight[k] = w;
    }
    const trans = new Float64Array(L * L);
    for (const [i, k, w] of transitions) trans[i * L + k] = w;
    const attributeIndex = new Map<string, number>();
    attributes.forEach((name, a) => {
      if (attributeIndex.has(name)) bad(`attribute "${name}" appears twice`, 'attributes');
      attributeIndex.set(name, a);
    });
    const crf = new LinearChainCrf(options);
    crf.model = { labels: [...labels], attributes: [...attributes], attributeIndex, featStart, featLabel, featWeight, trans };
    return crf;
  }

  /**
   * Writes {@link LinearChainCrf.toJSON} to a file (through a temporary file and a rename).
   * @param path - destination
   */
  save(path: string): void {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.toJSON()));
    renameSync(tmp, path);
  }

  /**
   * Reads a model written by {@link LinearChainCrf.save}.
   * @param path - the JSON file
   * @throws DataFormatError when it is not valid JSON or not a model
   */
  static load(path: string): LinearChainCrf {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code) throw e;
      throw new DataFormatError(path, `not valid JSON: ${(e as Error).message}`, undefined, { cause: e });
    }
    return LinearChainCrf.fromJSON(json, path);
  }

  private tables(): ModelTables {
    if (!this.model) throw new LabError('NOT_FITTED', 'This LinearChainCrf has no model yet: call fit() or LinearChainCrf.fromJSON() first.');
    return this.model;
  }

  private stateScores(xs: CrfSequenceInput): Float64Array {
    const m = this.tables();
    const L = m.labels.length;
    const state = new Float64Array(xs.length * L);
    xs.forEach((item, t) => {
      const o = t * L;
      for (const { name, value } of toAttributes(item)) {
        const a = m.attributeIndex.get(name);
        if (a === undefined || value === 0) continue;
        for (let f = m.featStart[a] as number; f < (m.featStart[a + 1] as number); f++) {
          const idx = o + (m.featLabel[f] as number);
          state[idx] = (state[idx] as number) + value * (m.featWeight[f] as number);
        }
      }
    });
    return state;
  }
}

function tablesFromTraining(space: ReturnType<typeof buildTrainingSet>['space'], w: Float64Array): ModelTables {
  const L = space.labels.length;
  const trans = new Float64Array(L * L);
  for (let k = 0; k < L * L; k++) {
    const f = space.transFeature[k] as number;
    if (f >= 0) trans[k] = w[f] as number;
  }
  return {
    labels: [...space.labels],
    attributes: [...space.attributes],
    attributeIndex: new Map(space.attributeIndex),
    featStart: space.featStart,
    featLabel: space.featLabel,
    featWeight: Float64Array.from(w.subarray(0, space.numStateFeatures)),
    trans,
  };
}
