/**
 * `@lab/protein-tl`: Pfam protein family classification by transfer learning from protein language model embeddings
 * (Vitale & Stegmayer), on `@lab/tensor-core`: sequence I/O (FASTA, Pfam CSV shards, Stockholm, label
 * order), the ESM-2 and ProtT5 tokenisers, protein language model (ESM-2, ProtT5) and model-free embedders with an
 * on-disk cache, the study's heads, homology baselines, the clustered split, the pretraining corpus, and the evaluation
 * behind the `protein-tl` CLI.
 * @packageDocumentation
 */
import { version } from '../package.json';

/** The package version, read from package.json at build time. */
export const VERSION: string = version;

export { ProteinFormatError } from './errors/protein-format-error';
export type { ProteinFormatProblem, ProteinFormatLocation } from './errors/protein-format-error';
export { UnknownLabelError } from './errors/unknown-label-error';

export { PROTEIN_RESIDUES, GAP_CHARACTERS, PROTEIN_ALPHABET } from './alphabet/protein-alphabet';
export { ungapSequence } from './alphabet/ungap-sequence';
export type { UngapOptions } from './alphabet/ungap-sequence';

export { parseFasta, readFasta } from './io/fasta-reader';
export type { FastaRecord, FastaReadOptions, DuplicateNamePolicy, LowercasePolicy } from './io/fasta-reader';
export { formatFasta, writeFasta } from './io/fasta-writer';
export type { FastaWriteOptions, WriteFastaOptions } from './io/fasta-writer';
export { PFAM_CSV_COLUMNS, detectPfamLayout, readPfamCsv, parsePfamCsv } from './io/pfam-csv';
export type { PfamCsvLayout, PfamRecord, PfamCsvHeader, PfamCsvOptions } from './io/pfam-csv';
export { parseStockholm, readStockholm } from './io/stockholm';
export type { StockholmAlignment, StockholmMarkup, StockholmReadOptions } from './io/stockholm';
export { parseLabelOrder, readLabelOrder, formatLabelOrder, writeLabelOrder } from './io/label-order';
export { LabelIndex } from './labels/label-index';

export { ESM2_VOCAB, ESM2_SPECIAL_IDS, ESM2_MAX_RESIDUES } from './tokenize/esm-vocab';
export { EsmTokenizer } from './tokenize/esm-tokenizer';
export type { EsmSplitMode, EsmEncodeOptions, EsmBatchOptions, EsmBatch, EsmDecodeOptions } from './tokenize/esm-tokenizer';
export { ProtT5Tokenizer } from './tokenize/prott5-tokenizer';
export type { ProtT5EncodeOptions, ProtT5Batch } from './tokenize/prott5-tokenizer';
export { centerCrop } from './tokenize/center-crop';
export type { CroppedSequence } from './tokenize/center-crop';
export { slidingWindows, windowOwners, windowTokenToResidue } from './tokenize/sliding-windows';
export type { SequenceWindow, SlidingWindowOptions } from './tokenize/sliding-windows';
export { lengthBuckets } from './tokenize/length-buckets';
export type { LengthBucketOptions } from './tokenize/length-buckets';

// protein language model embeddings (ESM-2 family and ProtT5 encoders through onnxruntime)
export { EsmEmbedder, loadEsmEmbedder } from './embed/esm-embedder';
export type { EsmPooling, LongSequencePolicy, EmbedInput, LoadEsmEmbedderOptions, EsmEmbedOptions, EsmEmbeddings } from './embed/esm-embedder';
export { ProtT5Embedder, PROTT5_CONFIG_FILE, isProtT5Dir, loadProtT5Embedder } from './embed/prott5-embedder';
export type { ProtT5Config, ProtT5Graph, ProtT5ModelInfo, ProtT5EmbedderOptions, LoadProtT5EmbedderOptions } from './embed/prott5-embedder';
export { SequenceEmbeddingError } from './embed/sequence-embedding-error';
export type { SequenceEmbeddingProblem } from './embed/sequence-embedding-error';

// the embedder interface, model-free embedders, the default embedder, and the on-disk embedding cache
export type { ProteinEmbedder } from './embed/protein-embedder';
export { esmProteinEmbedder } from './embed/esm-protein-embedder';
export type { EsmProteinEmbedderOptions } from './embed/esm-protein-embedder';
export { OneHotEmbedder, ONE_HOT_COLUMNS, ONE_HOT_DEFAULT_LENGTH } from './embed/one-hot-embedder';
export type { OneHotAlign, OneHotEmbedderOptions } from './embed/one-hot-embedder';
export { KmerEmbedder } from './embed/kmer-embedder';
export type { KmerNormalization, KmerEmbedderOptions } from './embed/kmer-embedder';
export { DEFAULT_EMBEDDER_NAME, defaultEmbedderDir, resolveEmbedder } from './embed/resolve-embedder';
export type { ResolveEmbedderOptions } from './embed/resolve-embedder';
export { STANDARD_RESIDUES } from './alphabet/standard-residues';
export { EmbeddingCache, EMBEDDING_CACHE_FORMAT_VERSION, EMBEDDING_CACHE_FILES } from './cache/embedding-cache';
export type { EmbeddingCacheOptions, EmbeddingCacheGetOptions, EmbeddingCacheLookup } from './cache/embedding-cache';
export { EmbeddingCacheError } from './cache/embedding-cache-error';
export type { EmbeddingCacheProblem } from './cache/embedding-cache-error';
export { embedWithCache } from './cache/embed-with-cache';
export type { EmbedWithCacheOptions, CachedEmbeddings } from './cache/embed-with-cache';
export { readSequences, requireFamilies } from './io/read-sequences';
export type { SequenceTable } from './io/read-sequences';

// classification heads: exact 1-NN, kNN ensemble, MLP and MLP ensemble (the study's), approximate 1-NN (hnswlib-node)
export { NearestNeighbor } from './heads/nearest-neighbor';
export type { NeighborResult } from './heads/nearest-neighbor';
export type { NearestResult, NearestSearchOptions } from './heads/nearest-search';
export { HnswNearestNeighbor } from './heads/hnsw-nearest-neighbor';
export type { HnswOptions } from './heads/hnsw-nearest-neighbor';
export { KnnEnsemble } from './heads/knn-ensemble';
export type { KnnEnsembleOptions } from './heads/knn-ensemble';
export { MlpHead, STUDY_MLP_HIDDEN } from './heads/mlp-head';
export type { MlpHeadOptions, MlpHeadEpoch } from './heads/mlp-head';
export { MlpEnsemble } from './heads/mlp-ensemble';
export type { MlpEnsembleOptions } from './heads/mlp-ensemble';
export { majorityVote } from './heads/majority-vote';
export { disjointSubsets } from './heads/disjoint-subsets';
export { saveHead, loadHead, HEAD_FORMAT_VERSION, HEAD_MANIFEST } from './heads/head-io';
export type { ClassificationHead, HeadManifest } from './heads/head-io';
export type { EmbeddingRows } from './heads/embedding-matrix';

// homology baselines (HMMER profile HMMs, BLASTp best hit) and the clustered split (MMseqs2)
export { runHmmerBaseline } from './baselines/hmmer-baseline';
export type { HmmerBaselineOptions, HmmerAlignment } from './baselines/hmmer-baseline';
export { runBlastBaseline } from './baselines/blast-baseline';
export type { BlastBaselineOptions } from './baselines/blast-baseline';
export type { BaselineResult, LabeledSequence, QuerySequence } from './baselines/baseline-result';
export { baselineMetrics } from './baselines/baseline-metrics';
export type { BaselineMetrics } from './baselines/baseline-metrics';
export { parseHmmerTblout } from './baselines/parse-hmmer-tblout';
export type { HmmerHit } from './baselines/parse-hmmer-tblout';
export { parseBlastTabular } from './baselines/parse-blast-tabular';
export type { BlastHit } from './baselines/parse-blast-tabular';
export { bestHitPerQuery } from './baselines/best-hit-per-query';
export { ExternalToolError } from './baselines/external-tool-error';
export type { ExternalToolProblem } from './baselines/external-tool-error';
export { findTools, TOOL_PACKAGES } from './baselines/find-tools';
export type { ToolProbe } from './baselines/find-tools';
export { runTool } from './baselines/run-tool';
export type { RunToolOptions } from './baselines/run-tool';
export { buildClusteredSplit } from './split/build-clustered-split';
export type { ClusteredSplitOptions, ClusteredSplitReport, SplitSideReport } from './split/build-clustered-split';
export { clusterSequences } from './split/cluster-sequences';
export type { ClusterSequencesOptions } from './split/cluster-sequences';
export { assignClusters, SPLIT_SIDES } from './split/assign-clusters';
export type { AssignClustersOptions, ClusterAssignment, SplitFractions, SplitSide } from './split/assign-clusters';
export { parseClusterTsv } from './split/parse-cluster-tsv';
export type { SequenceCluster } from './split/parse-cluster-tsv';
export { formatPfamCsv } from './split/format-pfam-csv';

// the masked-language-model pretraining corpus (written here, read by training/protein/pretrain_mlm.py)
export { writePretrainingCorpus, PRETRAINING_CORPUS_FORMAT, PRETRAINING_CORPUS_VERSION } from './pretrain/write-pretraining-corpus';
export type { PretrainingCorpusOptions, PretrainingCorpusManifest, CorpusSource, CorpusSourceReport, CorpusCounts, CorpusFileChecksum } from './pretrain/write-pretraining-corpus';
export { SharedKmerFilter, DEFAULT_EXCLUSION_K } from './pretrain/shared-kmer-filter';
export { KmerIndex } from './pretrain/kmer-index';
export { encodeResidues } from './pretrain/encode-residues';
export type { ResidueEncoding } from './pretrain/encode-residues';
export { readBlastDb, blastDbInfo, blastDbFiles } from './pretrain/blast-db-source';
export type { BlastDbInfo, BlastDbReadOptions } from './pretrain/blast-db-source';
export { corpusCommand, detectCorpusSource, formatCorpusSummary } from './cli/corpus-command';
export type { CorpusCommandOptions, CorpusCommandResult } from './cli/corpus-command';

// the study's evaluation (Table 1 / Table 2) and the CLI's commands as functions
export { HEAD_NAMES, HEAD_METHODS, evaluateHeads, metricsRow, parseHeadNames } from './evaluate/evaluate-heads';
export type { HeadName, EvaluationRow, LabeledEmbeddings, EvaluateHeadsOptions, EvaluateHeadsResult } from './evaluate/evaluate-heads';
export { EVALUATION_FORMATS, formatEvaluation, parseEvaluationFormat } from './evaluate/format-evaluation';
export type { EvaluationFormat } from './evaluate/format-evaluation';
export { BASELINE_NAMES, HEAD_EMBEDDER_FILE, HEAD_LABELS_FILE, baselineCommand, classifyCommand, embedCommand, evaluateCommand, parseBaselineNames, trainCommand } from './cli/protein-commands';
export type { BaselineName, EmbeddingCommandOptions, EmbedCommandResult, TrainCommandOptions, TrainCommandResult, ClassifyCommandOptions, Classification, BaselineCommandOptions, EvaluateCommandOptions } from './cli/protein-commands';
