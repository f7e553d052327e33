/**
 * `@lab/jet-interp`: jets for interpretability studies of recursive jet taggers. This layer: particles as
 * four-momenta, readers for FastJet text events, the top-tagging HDF5 layout and EnergyFlow quark/gluon .npz files, and
 * generalised-kT clustering (anti-kt, Cambridge/Aachen, kt) that reproduces FastJet 3.4, with the full clustering tree.
 * @packageDocumentation
 */
import { version } from '../package.json';

/** The package version, read from package.json at build time. */
export const VERSION: string = version;

export { FourMomentum } from './particles/four-momentum';
export type { FourMomentumLike } from './particles/four-momentum';
export { ParticleEvent, DEFAULT_ENERGY_TOLERANCE } from './particles/particle-event';
export type { ParticleEventOptions } from './particles/particle-event';
export { InvalidParticleError } from './particles/invalid-particle-error';
export type { MomentumField, ParticleSource } from './particles/invalid-particle-error';
export { MAX_RAPIDITY, azimuth, deltaR2, invariantMass, invariantMass2, pseudorapidity, rapidity, transverseMomentum2 } from './particles/kinematics';

export { JET_ALGORITHMS, jetDefinition, parseJetAlgorithm, describeJetDefinition } from './cluster/jet-definition';
export type { JetAlgorithm, JetDefinition } from './cluster/jet-definition';
export { ClusterSequence, clusterJets, sortByPt } from './cluster/cluster-sequence';
export type { HistoryStep } from './cluster/cluster-sequence';
export { ClusterNode } from './cluster/cluster-node';
export type { ClusteringHistory } from './cluster/tiled-clustering';

export { parseFastJetEvents, readFastJetEvents, formatFastJetEvents } from './io/fastjet-text';
export type { FastJetTextOptions } from './io/fastjet-text';
export { inspectTopTaggingHdf5, readTopTaggingBatches, readTopTaggingHdf5 } from './io/top-tagging-hdf5';
export type { TopTaggingBatch, TopTaggingLayout, TopTaggingOptions } from './io/top-tagging-hdf5';
export { PID_MASSES, quarkGluonFromArrays, readQuarkGluonNpz } from './io/quark-gluon-npz';
export type { QuarkGluonJets, QuarkGluonOptions } from './io/quark-gluon-npz';

// jet generator (for method development; not a substitute for Pythia + Delphes)
export { generateJets, leadingAntiKtJet } from './generator/generate-jets';
export type { GenerateJetsOptions, GeneratedJet } from './generator/generate-jets';
export { generateJetEvent } from './generator/generate-jet-event';
export type { JetEventOptions, GeneratedJetEvent } from './generator/generate-jet-event';
export { JET_KINDS, DEFAULT_JET_SOURCE_OPTIONS, jetSource, parseJetKind } from './generator/jet-source';
export type { JetKind, WDecayAngles, JetSourceOptions, JetSource } from './generator/jet-source';
export { runPartonShower, DEFAULT_SHOWER_OPTIONS } from './generator/parton-shower';
export type { ShowerParton, ShowerSystem, ShowerInput, PartonShowerOptions, ShowerEmission, ShowerResult } from './generator/parton-shower';
export { clusterHadronise, DEFAULT_HADRONISATION_OPTIONS } from './generator/cluster-hadronisation';
export type { HadronisationOptions, HadronisationResult } from './generator/cluster-hadronisation';
export { RunningCoupling } from './generator/running-coupling';
export type { CouplingKind } from './generator/running-coupling';
export { vetoAlgorithm } from './generator/sudakov-veto';
export type { VetoChannel, VetoEmission } from './generator/sudakov-veto';
export { PARTICLE_DATA } from './generator/particle-data';

// Lund plane
export { RECLUSTER_RADIUS, jetConstituents, reclusterJet } from './lund/recluster-jet';
export type { JetInput, ReclusterOptions } from './lund/recluster-jet';
export { lundSplitting } from './lund/lund-splitting';
export type { LundPoint, LundSplitting } from './lund/lund-splitting';
export { lundRoot, primaryLundDeclusterings } from './lund/primary-lund-declusterings';
export type { LundDeclusteringOptions } from './lund/primary-lund-declusterings';
export { lundTree } from './lund/lund-tree';
export type { LundTreeSplitting } from './lund/lund-tree';
export { LUND_IMAGE_DEFAULTS, LundImage, averageLundImage, lundImage } from './lund/lund-image';
export type { LundImageOptions } from './lund/lund-image';

// observables
export { DEFAULT_JET_RADIUS, angularity, constituentMultiplicity, jetMass, jetWidth, massAngularity, ptD } from './observables/angularity';
export type { AngularityOptions } from './observables/angularity';
export { wtaAxis } from './observables/wta-axis';
export type { JetAxis } from './observables/wta-axis';
export { exclusiveKtAxes, nSubjettiness, nSubjettinessRatio, nSubjettinessUpTo, nSubjettinessWithAxes, tau21, tau32 } from './observables/n-subjettiness';
export type { NSubjettinessOptions } from './observables/n-subjettiness';
export { JET_OBSERVABLE_NAMES, jetObservables } from './observables/jet-observables';
export type { JetObservables, JetObservablesOptions } from './observables/jet-observables';

// RecNN (QCD-aware recursive neural network)
export { buildJetTree, parseTreeAlgorithm } from './recnn/jet-tree';
export type { JetTree, JetTreeOptions, TreeAlgorithm } from './recnn/jet-tree';
export { RECNN_FEATURES, RECNN_FEATURE_COUNT, momentumFeatures, nodeFeatures } from './recnn/node-features';
export { RobustScaler } from './recnn/robust-scaler';
export type { RobustScalerJson, RobustScalerFitOptions } from './recnn/robust-scaler';
export { RECNN_SPLITS, splitJets, recnnTrainingData, writeRecnnTrainingData } from './recnn/training-data';
export type { RecnnTrainingData, RecnnTrainingDataOptions, RecnnTrainingMeta } from './recnn/training-data';
export { parseRecnnConfig } from './recnn/recnn-config';
export type { RecnnConfig, RecnnVariant } from './recnn/recnn-config';
export { RecnnModel, loadRecnn } from './recnn/recnn-model';
export { SHIPPED_RECNN_TASKS, shippedRecnnDir } from './recnn/shipped-models';
export type { ShippedRecnnTask } from './recnn/shipped-models';
export type { LoadRecnnOptions, RecnnRunOptions, RecnnResult, RecnnGoldenReport } from './recnn/recnn-model';
export { readTrainingJets, readTrainingSplits } from './recnn/training-data';
export type { TrainingJets } from './recnn/training-data';

// linear probing (Table 1) and transferability (Table 2)
export { linearProbe } from './probing/linear-probe';
export type { FeatureRows, ProbeSplit, ProbeScore } from './probing/linear-probe';
export { PROBE_OBSERVABLES, observableColumns, probeRepresentation, formatProbeTable } from './probing/probe-study';
export type { ProbeRow } from './probing/probe-study';
export { runProbeStudy } from './probing/run-probe-study';
export type { ProbeTask, ProbeStudyOptions, RepresentationSource } from './probing/run-probe-study';
export { runTransferStudy, formatTransferTable } from './transfer/run-transfer-study';
export type { TransferTask, TransferStudyOptions, TransferRow } from './transfer/run-transfer-study';
export { TABLE_FORMATS, formatResultTable, parseTableFormat } from './format/result-table';
export type { ResultTable, TableFormat } from './format/result-table';

// saliency (exact gradients of the loss with respect to every node embedding, on the Lund plane)
export { readRecnnWeights } from './saliency/recnn-weights';
export type { RecnnWeights, DenseLayer, ReadRecnnWeightsOptions } from './saliency/recnn-weights';
export { recnnForward } from './saliency/recnn-forward';
export type { RecnnTrace, RecnnTreeShape, RecnnForwardOptions } from './saliency/recnn-forward';
export { recnnBackward } from './saliency/recnn-backward';
export type { RecnnGradients } from './saliency/recnn-backward';
export { treeLundCoordinates } from './saliency/tree-lund-coordinates';
export type { TreeLundCoordinates } from './saliency/tree-lund-coordinates';
export { recnnSaliency } from './saliency/recnn-saliency';
export type { RecnnSaliencyOptions, RecnnSaliencyResult, JetSaliency } from './saliency/recnn-saliency';
export { saliencyLundMaps } from './saliency/saliency-lund-maps';
export type { SaliencyLundMap, SaliencyLundMapsOptions, SaliencyPoints } from './saliency/saliency-lund-maps';
export { saliencyHeatmapSvg } from './saliency/saliency-heatmap-svg';
export type { SaliencyHeatmapOptions } from './saliency/saliency-heatmap-svg';
export { saliencyHeatmapPng } from './saliency/saliency-heatmap-png';
export type { SaliencyHeatmapPngOptions } from './saliency/saliency-heatmap-png';

// comparison networks of the linear-probing study (FCN, LSTM, CNN): featurisers, training arrays, ONNX loader
export { jetFrame, wrapDeltaPhi } from './probes/jet-frame';
export type { JetFrame } from './probes/jet-frame';
export { CONSTITUENT_FEATURES, CONSTITUENT_FEATURE_COUNT, PROBE_CONSTITUENTS, constituentArray } from './probes/constituent-features';
export type { ConstituentArrayOptions } from './probes/constituent-features';
export { JET_IMAGE_DEFAULTS, jetImage } from './probes/jet-image';
export type { JetImage, JetImageOptions } from './probes/jet-image';
export { probeTrainingData, writeProbeTrainingData } from './probes/probe-data';
export type { ProbeTrainingData, ProbeTrainingDataOptions, ProbeTrainingMeta } from './probes/probe-data';
export { PROBE_ARCHS, PROBE_OUTPUTS, ProbeNetwork, loadProbeNetwork, parseProbeNetworkConfig } from './probes/probe-network';
export type { LoadProbeNetworkOptions, ProbeArch, ProbeHiddenLayer, ProbeNetworkConfig, ProbeRunOptions, ProbeRunResult } from './probes/probe-network';
