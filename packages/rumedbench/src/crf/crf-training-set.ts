/**
 * Interning of labels and attributes and CRFsuite's feature generation for a first-order linear-chain CRF.
 * @packageDocumentation
 */
import { InvalidArgumentError } from '@lab/tensor-core';
import { featureDictToItem, type FeatureDict, type WeightedAttribute } from './ner-features';

/** One token as the CRF takes it: a python-crfsuite style feature dictionary, or attributes already converted. */
export type CrfItemInput = FeatureDict | readonly WeightedAttribute[];

/** One sentence of items. */
export type CrfSequenceInput = readonly CrfItemInput[];

/**
 * The features of a trained or training model. State feature `k` (`0 <= k < numStateFeatures`) ties attribute `a`
 * (with `featStart[a] <= k < featStart[a + 1]`) to label `featLabel[k]`; transition feature ids follow them.
 */
export interface CrfFeatureSpace {
  /** Label names; index = label id (order of first appearance, as in CRFsuite). */
  readonly labels: readonly string[];
  /** Attribute names; index = attribute id (order of first appearance). */
  readonly attributes: readonly string[];
  /** Attribute name to id. */
  readonly attributeIndex: ReadonlyMap<string, number>;
  /** CSR offsets of each attribute's state features, length `attributes.length + 1`. */
  readonly featStart: Int32Array;
  /** Label of each state feature, sorted by label within an attribute. */
  readonly featLabel: Int32Array;
  /** Number of state features. */
  readonly numStateFeatures: number;
  /** Feature id of transition `i -> j` at `[i * L + j]`, or -1 where the model has none. */
  readonly transFeature: Int32Array;
  /** Total number of features (state + transition). */
  readonly numFeatures: number;
}

/** Sentences flattened into typed arrays, attributes as ids. */
export interface CompiledSequences {
  /** Token offsets of each sentence, length `numSentences + 1`. */
  readonly tokenStart: Int32Array;
  /** Attribute offsets of each token, length `numTokens + 1`. */
  readonly itemStart: Int32Array;
  /** Attribute ids. */
  readonly itemAttr: Int32Array;
  /** Attribute values. */
  readonly itemValue: Float64Array;
  /** Gold label id of each token (empty when unlabelled). */
  readonly labels: Int32Array;
}

/** A compiled training set: its feature space, its sentences, and the empirical feature counts. */
export interface CrfTrainingSet {
  /** Features generated from the data. */
  readonly space: CrfFeatureSpace;
  /** The sentences; zero-valued attributes are dropped here (they never change a score). */
  readonly data: CompiledSequences;
  /** Observed count of every feature on the gold paths (sum of attribute values). */
  readonly empirical: Float64Array;
}

/** Options of {@link buildTrainingSet}. */
export interface BuildTrainingSetOptions {
  /** Generate a transition feature for every ordered label pair (CRFsuite `feature.possible_transitions`). @default true */
  allPossibleTransitions?: boolean;
}

/**
 * Converts one item to attributes.
 * @param item - a feature dictionary or attributes
 * @returns attributes
 */
export function toAttributes(item: CrfItemInput): readonly WeightedAttribute[] {
  return Array.isArray(item) ? (item as readonly WeightedAttribute[]) : featureDictToItem(item as FeatureDict);
}

/**
 * Interns labels and attributes and generates CRFsuite's features: a state feature for every (attribute, label) pair
 * seen in the data (including attributes whose value there is 0, as CRFsuite does; `feature.possible_states=0`,
 * `feature.minfreq=0`), and a transition feature for every label pair (or only the observed ones).
 * @param X - sentences of items
 * @param y - their labels
 * @param options - feature generation options
 * @throws InvalidArgumentError when `X` and `y` do not line up or a label is not a string
 */
export function buildTrainingSet(
  X: readonly CrfSequenceInput[],
  y: readonly (readonly string[])[],
  options: BuildTrainingSetOptions = {},
): CrfTrainingSet {
  const allPossibleTransitions = options.allPossibleTransitions ?? true;
  if (X.length !== y.length) throw new InvalidArgumentError('y', `X has ${X.length} sentences but y has ${y.length}`);
  if (X.length === 0) throw new InvalidArgumentError('X', 'the training set is empty');
  const labelIndex = new Map<string, number>();
  const attributeIndex = new Map<string, number>();
  const labels: string[] = [];
  const attributes: string[] = [];
  const tokenStart: number[] = [0];
  const itemStart: number[] = [0];
  const allAttr: number[] = [];
  const allValue: number[] = [];
  const goldLabels: number[] = [];

  for (let s = 0; s < X.length; s++) {
    const xs = X[s] as CrfSequenceInput;
    const ys = y[s] as readonly string[];
    if (!Array.isArray(xs) || !Array.isArray(ys)) throw new InvalidArgumentError('X', `sentence ${s} is not an array`);
    if (xs.length !== ys.length) throw new InvalidArgumentError('y', `sentence ${s} has ${xs.length} items but ${ys.length} labels`);
    for (let t = 0; t < xs.length; t++) {
      const label = ys[t];
      if (typeof label !== 'string') throw new InvalidArgumentError('y', `label ${t} of sentence ${s} is not a string`);
      let lid = labelIndex.get(label);
      if (lid === undefined) {
        lid = labels.length;
        labelIndex.set(label, lid);
        labels.push(label);
      }
      goldLabels.push(lid);
      for (const { name, value } of toAttributes(xs[t] as CrfItemInput)) {
        if (!Number.isFinite(value)) throw new InvalidArgumentError('X', `attribute "${name}" of item ${t} in sentence ${s} has a non-finite value`);
        let aid = attributeIndex.get(name);
        if (aid === undefined) {
          aid = attributes.length;
          attributeIndex.set(name, aid);
          attributes.push(name);
        }
        allAttr.push(aid);
        allValue.push(value);
      }
      itemStart.push(allAttr.length);
    }
    tokenStart.push(goldLabels.length);
  }

  const L = labels.length;
  const A = attributes.length;
  // State features: (attribute, label) pairs seen anywhere, numbered in CRFsuite's sorted order (attribute, label).
  const seen = new Uint8Array(A * L);
  for (let n = 0; n < goldLabels.length; n++) {
    const lid = goldLabels[n] as number;
    for (let k = itemStart[n] as number; k < (itemStart[n + 1] as number); k++) seen[(allAttr[k] as number) * L + lid] = 1;
  }
  const featStart = new Int32Array(A + 1);
  let count = 0;
  for (let a = 0; a < A; a++) {
    featStart[a] = count;
    for (let l = 0; l < L; l++) count += seen[a * L + l] as number;
  }
  featStart[A] = count;
  const featLabel = new Int32Array(count);
  const stateId = new Int32Array(A * L).fill(-1);
  for (let a = 0, k = 0; a < A; a++) {
    for (let l = 0; l < L; l++) {
      if (seen[a * L + l]) {
        featLabel[k] = l;
        stateId[a * L + l] = k++;
      }
    }
  }
  const numStateFeatures = count;
  const transSeen = new Uint8Array(L * L).fill(allPossibleTransitions ? 1 : 0);
  for (let s = 0; s < X.length; s++) {
    for (let n = (tokenStart[s] as number) + 1; n < (tokenStart[s + 1] as number); n++) transSeen[(goldLabels[n - 1] as number) * L + (goldLabels[n] as number)] = 1;
  }
  const transFeature = new Int32Array(L * L).fill(-1);
  let numFeatures = numStateFeatures;
  for (let k = 0; k < L * L; k++) if (transSeen[k]) transFeature[k] = numFeatures++;

  // Empirical counts and the compiled data without zero values.
  const empirical = new Float64Array(numFeatures);
  const keptStart = new Int32Array(goldLabels.length + 1);
  const keptAttr: number[] = [];
  const keptValue: number[] = [];
  for (let n = 0; n < goldLabels.length; n++) {
    const lid = goldLabels[n] as number;
    for (let k = itemStart[n] as number; k < (itemStart[n + 1] as number); k++) {
      const a = allAttr[k] as number;
      const v = allValue[k] as number;
      const f = stateId[a * L + lid] as number;
      empirical[f] = (empirical[f] as number) + v;
      if (v !== 0) {
        keptAttr.push(a);
        keptValue.push(v);
      }
    }
    keptStart[n + 1] = keptAttr.length;
  }
  for (let s = 0; s < X.length; s++) {
    for (let n = (tokenStart[s] as number) + 1; n < (tokenStart[s + 1] as number); n++) {
      const f = transFeature[(goldLabels[n - 1] as number) * L + (goldLabels[n] as number)] as number;
      empirical[f] = (empirical[f] as number) + 1;
    }
  }

  return {
    space: { labels, attributes, attributeIndex, featStart, featLabel, numStateFeatures, transFeature, numFeatures },
    data: {
      tokenStart: Int32Array.from(tokenStart),
      itemStart: keptStart,
      itemAttr: Int32Array.from(keptAttr),
      itemValue: Float64Array.from(keptValue),
      labels: Int32Array.from(goldLabels),
    },
    empirical,
  };
}
