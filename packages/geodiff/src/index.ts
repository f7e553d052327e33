/**
 * `@lab/geodiff`: GeoDiff (Xu et al., ICLR 2022) in TypeScript. For now the molecule input and featurisation layer:
 * SMILES / SDF / SMILES-list readers on RDKit MinimalLib, GeoDiff's graph features (atom types, bond and
 * order-extended edges, radius edges), and its noise schedule and samplers (Langevin, DDPM, DDIM) for any noise
 * model. The diffusion network is not built yet.
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
export type { TypedEdges, RadiusGraph, RadiusEdgesOptions } from './featurize/radius-edges';

// diffusion
export { BETA_SCHEDULE_TYPES, DEFAULT_BETA_SCHEDULE, betaSchedule, alphasCumprod, sigmas } from './diffusion/schedule';
export type { BetaScheduleType, BetaScheduleOptions } from './diffusion/schedule';
export { batchFromNumAtoms, centerPositions, comFreeNoise } from './diffusion/noise';
export { sample, samplingTimesteps, SamplingDivergedError } from './diffusion/samplers';
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
