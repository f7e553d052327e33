/**
 * `@lab/geodiff`: GeoDiff (Xu et al., ICLR 2022) in TypeScript: SMILES / SDF / SMILES-list readers on RDKit
 * MinimalLib, GeoDiff's graph features (atom types, bond and order-extended edges, radius edges), its noise schedule
 * and samplers (Langevin, DDPM, DDIM), the dual-encoder network through onnxruntime-node, batched conformer
 * generation, MMFF94 refinement (openchemlib), SDF/XYZ output with a stereo check, and COV/MAT evaluation with
 * symmetry-aware RMSD.
 * @packageDocumentation
 */
import { version } from '../package.json';

/** The package version, read from package.json at build time. */
export const VERSION: string = version;

// molecules
export type {
  BondKind,
  MoleculeAtom,
  MoleculeBond,
  Molecule,
  ParseMoleculeOptions,
  InputLocation,
  SkippedInput,
  MoleculeBatch,
  ReadMolecule,
} from './molecule/molecule';
export { SUPPORTED_ELEMENTS, isSupportedElement, elementSymbol } from './molecule/elements';
export {
  MoleculeError,
  InvalidSmilesError,
  InvalidMolBlockError,
  UnsupportedElementError,
  UnsupportedBondError,
  TooManyAtomsError,
  MultipleFragmentsError,
  RDKitUnavailableError,
} from './molecule/errors';
export type { MoleculeErrorCode } from './molecule/errors';
export { loadRDKit } from './molecule/rdkit';
export type { RDKitModule } from './molecule/rdkit';
export { parseSmiles } from './molecule/parse-smiles';
export type { ParseSmilesOptions } from './molecule/parse-smiles';
export { parseMolBlock, readSdf, toMolBlock, writeSdf } from './molecule/sdf';
export type { ParseMolBlockOptions, ReadSdfOptions } from './molecule/sdf';
export { readSmilesList } from './molecule/smiles-list';
export type { ListedMolecule, SmilesListFormat, ReadSmilesListOptions } from './molecule/smiles-list';

// featurisation
export { BOND_TYPE_IDS, NUM_BOND_TYPES, RADIUS_EDGE_TYPE, DEFAULT_EDGE_ORDER, DEFAULT_CUTOFF, extendedEdgeType } from './featurize/edge-types';
export { featurize } from './featurize/featurize';
export type { MoleculeGraph, FeaturizeOptions } from './featurize/featurize';
export { radiusEdges } from './featurize/radius-edges';
export { localPairs, radiusPairs } from './featurize/pair-graph';
export type { PairGraph } from './featurize/pair-graph';
export type { TypedEdges, RadiusGraph, RadiusEdgesOptions } from './featurize/radius-edges';

// diffusion
export { BETA_SCHEDULE_TYPES, DEFAULT_BETA_SCHEDULE, betaSchedule, alphasCumprod, sigmas } from './diffusion/schedule';
export type { BetaScheduleType, BetaScheduleOptions } from './diffusion/schedule';
export { batchFromNumAtoms, centerPositions, comFreeNoise } from './diffusion/noise';
export { SAMPLER_TYPES, sample, samplingTimesteps, SamplingDivergedError } from './diffusion/samplers';
export type {
  SamplerType,
  TimestepSpacing,
  DdimVariant,
  EpsModel,
  EpsModelInput,
  EpsModelOutput,
  SampleOptions,
  SampleResult,
} from './diffusion/samplers';

// network and generation
export { defaultModelDir, loadGeoDiffNetwork, createEpsModel } from './model/geodiff-network';
export type { GeoDiffConfig, GeoDiffNetwork, LoadGeoDiffOptions, EpsModelStats } from './model/geodiff-network';
export { generateConformers } from './generate/generate-conformers';
export type { GenerateConformersOptions, GenerateSamplerOptions, GeneratedMolecule, GenerateConformersResult } from './generate/generate-conformers';
export { trainingArrays, writeTrainingArrays } from './train-data/training-arrays';
export type { TrainingArrays, TrainingArraysOptions } from './train-data/training-arrays';

// output
export type { ConformerCoords } from './output/conformer-coords';
export { CONFORMER_SDF_KEYS } from './output/conformer-set';
export type { ConformerSet, PropertyValue } from './output/conformer-set';
export { conformersToSdf, writeConformersSdf } from './output/write-conformers-sdf';
export { conformersToXyz, writeConformersXyz } from './output/write-conformers-xyz';
export type { ConformersXyzOptions } from './output/write-conformers-xyz';
export { checkStereo, formatStereoReport } from './output/check-stereo';
export type { StereoLabel, StereoElementCheck, StereoReport, CheckStereoOptions } from './output/check-stereo';
export { StereoReferenceError } from './output/errors';

// refinement
export { MMFF_VARIANTS, refineWithMmff, refineConformersWithMmff, mmffEnergies } from './refine/refine-with-mmff';
export type {
  MmffVariant,
  MmffOptions,
  RefineWithMmffOptions,
  RefineConformersWithMmffOptions,
  MmffStatus,
  MmffRefinement,
} from './refine/refine-with-mmff';
export { ForceFieldError, OpenChemLibUnavailableError } from './refine/errors';
export type { ForceFieldErrorCode } from './refine/errors';

// evaluation
export { GraphMismatchError, MissingCoordinatesError, EmptyConformerSetError, InvalidThresholdError } from './eval/errors';
export type { EvaluationErrorCode, CoordinatesProblem } from './eval/errors';
export { DEFAULT_MAX_MATCHES, findAtomMaps } from './eval/atom-maps';
export type { AtomMaps, AtomMapOptions } from './eval/atom-maps';
export { bestRmsd, bestRmsdFromAtomMaps } from './eval/best-rmsd';
export type { BestRmsdOptions } from './eval/best-rmsd';
export { rmsdMatrix } from './eval/rmsd-matrix';
export type { RmsdMatrixOptions } from './eval/rmsd-matrix';
export { DEFAULT_COV_THRESHOLDS, GEODIFF_COV_THRESHOLD, covMatFromRmsdMatrix } from './eval/cov-mat';
export type { CovThresholdOptions, MoleculeCovMat } from './eval/cov-mat';
export { groupConformers } from './eval/group-conformers';
export type { ConformerGroup, GroupConformersOptions } from './eval/group-conformers';
export { evaluateConformers } from './eval/evaluate-conformers';
export type { EvaluateConformersOptions, CovMatReport, CovMatRow, CovCurvePoint, SkippedMolecule, SkipReason } from './eval/evaluate-conformers';
export { formatCovMatMarkdown } from './eval/format-cov-mat';
export type { FormatCovMatOptions } from './eval/format-cov-mat';
export { covCurveSvg } from './eval/cov-plot';
export type { CovCurveSvgOptions } from './eval/cov-plot';
