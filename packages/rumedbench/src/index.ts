/**
 * `@lab/rumedbench`: RuMedBench, the Russian medical language understanding benchmark — task registry and
 * validating loaders, the official metrics, submission files, evaluation, and baselines.
 * @packageDocumentation
 */
import { version } from '../package.json';

/** The package version, read from package.json at build time. */
export const VERSION: string = version;

export { TASKS, TASK_NAMES, NER_TAGS, NER_ENTITY_TYPES, parseTaskList } from './tasks/task-registry';
export type { TaskName, Split, TaskKind, TaskSpec } from './tasks/task-registry';
export { loadSplit, loadTask, parseLine, splitPath } from './tasks/load-task';
export type { TaskItem, LoadedSplit, LoadSplitOptions, TaskData } from './tasks/load-task';

export { getEntities, tokenAccuracy, entityScores } from './metrics/seqeval';
export type { EntitySpan, EntityScores } from './metrics/seqeval';
export { scoreTask, overallScore, formatMarkdownTable, pct } from './metrics/task-scores';
export type { TaskScore, BenchmarkScore, Prediction } from './metrics/task-scores';

export { writeSubmission, readSubmission, alignSubmission, submissionPath, predictionProblem } from './submission/submission';
export type { SubmissionRow } from './submission/submission';
export { evaluateSubmissions } from './evaluation/evaluate';
export type { EvaluationReport } from './evaluation/evaluate';
export { runBaseline } from './evaluation/run-baseline';
export type { RunBaselineOptions, BaselineRunReport } from './evaluation/run-baseline';

export type { Baseline, BaselinePredictions, BaselineRunOptions } from './baselines/baseline';
export { NaiveBaseline, NAIVE_PAIR_ANSWER, mostFrequent, rankByCount } from './baselines/naive-baseline';
export type { NaiveNerRule } from './baselines/naive-baseline';
export { CrfBaseline } from './baselines/crf-baseline';
export { TfidfBaseline } from './baselines/tfidf-baseline';
export type { TfidfBaselineOptions } from './baselines/tfidf-baseline';
export { createBaseline, registerBaseline, baselineNames } from './baselines/baseline-registry';
export type { BaselineFactoryOptions } from './baselines/baseline-registry';

export { writeSyntheticSample, SYNTHETIC_SIZES } from './sample/synthetic-sample';

export { tokenizeWords } from './neural/word-tokenizer';
export { Vocabulary, PAD_ID, UNK_ID, SEP_ID } from './neural/vocabulary';
export { BILSTM_MAX_LENGTH, bilstmWords, encodeForBilstm, labelList, writeBilstmArrays } from './neural/bilstm-features';
export type { BilstmArraysInfo } from './neural/bilstm-features';
export { BilstmBaseline, loadBilstm, predictBilstm, defaultModelsDir } from './neural/bilstm-baseline';
export type { BilstmBaselineOptions, BilstmModel } from './neural/bilstm-baseline';

// crf
export { LinearChainCrf } from './crf/linear-chain-crf';
export type { LinearChainCrfOptions, CrfFitOptions, CrfFitReport, CrfModelJson } from './crf/linear-chain-crf';
export type { CrfItemInput, CrfSequenceInput } from './crf/crf-training-set';
export { wordToFeatures, sentenceToFeatures, featureDictToItem } from './crf/ner-features';
export type { FeatureDict, FeatureValue, WeightedAttribute } from './crf/ner-features';

// linear models
export { CsrMatrix } from './linear/sparse-matrix';
export { TfidfVectorizer } from './linear/tfidf-vectorizer';
export type { TfidfVectorizerOptions, TfidfVectorizerJson, Analyzer } from './linear/tfidf-vectorizer';
export { LogisticRegression } from './linear/logistic-regression';
export type { LogisticRegressionOptions, LogisticRegressionJson, LogisticFitInfo } from './linear/logistic-regression';

// bert tokenisation
export { BasicTokenizer, isBertPunctuation } from './bert/basic-tokenizer';
export type { BasicTokenizerOptions } from './bert/basic-tokenizer';
export { BertTokenizerBase, BERT_SPECIAL_TOKENS, truncatedLengths } from './bert/bert-tokenizer-base';
export type { BertTruncation, BertEncodeOptions, BertEncoding, BertWordsEncoding, BertPadOptions, BertBatch, BertSpecialTokens } from './bert/bert-tokenizer-base';
export { WordPieceTokenizer } from './bert/wordpiece-tokenizer';
export type { WordPieceTokenizerOptions } from './bert/wordpiece-tokenizer';
export { HfJsonBertTokenizer } from './bert/hf-json-tokenizer';
export type { HfJsonBertTokenizerOptions } from './bert/hf-json-tokenizer';
export { buildBertTokenizerJson } from './bert/bert-tokenizer-json';
export type { BertTokenizerJsonOptions } from './bert/bert-tokenizer-json';
export { alignLabelsToTokens, wordPredictionsFromTokens, IGNORE_LABEL } from './bert/align-labels';
export { trainWordPieceVocab, vocabToText } from './bert/wordpiece-trainer';
export type { WordPieceTrainerOptions } from './bert/wordpiece-trainer';
// bert models
export { bertHeadKind, encodeBertItem, bertPretrainTexts, writeBertArrays } from './bert/bert-features';
export type { BertHeadKind, BertLengths, BertItemEncoding, BertArraysOptions, BertArraysInfo } from './bert/bert-features';
export { loadBert, predictBert, embedBert, poolHiddenStates } from './bert/bert-model';
export type { BertModel, BertModelConfig, BertPooling, BertRunOptions } from './bert/bert-model';
export { BertBaseline } from './bert/bert-baseline';
export type { BertBaselineOptions } from './bert/bert-baseline';
