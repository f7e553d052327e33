import type { Log } from '@rdkit/rdkit';
import { InvalidArgumentError } from '@lab/tensor-core';
import type { Molecule } from '../molecule/molecule';
import { type RDKitModule, loadedRDKit, takeRDKitLog, withMol } from '../molecule/rdkit';
import { toMolBlock } from '../molecule/sdf';
import { describeMolecule, graphKey } from './atom-maps';

/** The conformers of one molecule within flat lists of generated and reference conformers. */
export interface ConformerGroup {
  /** The molecule's key: its canonical SMILES without hydrogens and stereo, unless a custom `key` was given. */
  key: string;
  /** Indices into the generated list, in input order. */
  generated: number[];
  /** Indices into the reference list, in input order. */
  references: number[];
}

/** Options of {@link groupConformers}. */
export interface GroupConformersOptions {
  /**
   * The key that names a conformer's molecule, e.g. `(m) => m.properties?.smiles ?? m.smiles` for GEOM data.
   * @default the RDKit canonical SMILES of `molecule.smiles` without hydrogens, stereo or isotopes
   */
  key?: (molecule: Molecule) => string;
}

/**
 * A canonical SMILES without hydrogens, stereo or isotopes for each molecule, computed once per distinct SMILES.
 * @internal
 */
export class MoleculeKeys {
  private readonly bySmiles = new Map<string, string | null>();
  private readonly byGraph = new Map<string, string>();

  constructor(
    private readonly rdkit: RDKitModule,
    private readonly log: Log | null,
  ) {}

  key(molecule: Molecule, label: string): string {
    const smiles = molecule.smiles;
    if (smiles) {
      let key = this.bySmiles.get(smiles);
      if (key === undefined) {
        key = this.nonIsomeric(this.rdkit.get_mol(smiles));
        this.bySmiles.set(smiles, key);
      }
      if (key !== null) return key;
    }
    // No usable SMILES: fall back to the molecular graph (as written, without coordinates, so without stereo).
    const gk = graphKey(molecule);
    let key = this.byGraph.get(gk);
    if (key === undefined) {
      const graphOnly: Molecule = { smiles: molecule.smiles, atoms: molecule.atoms, bonds: molecule.bonds };
      key = this.nonIsomeric(this.rdkit.get_mol(toMolBlock(graphOnly), JSON.stringify({ removeHs: false }))) ?? undefined;
      if (key === undefined) {
        throw new InvalidArgumentError(
          label,
          `${describeMolecule(molecule, label)}: neither its SMILES nor its graph can be read by RDKit (${takeRDKitLog(this.log) || 'unknown error'}), so it cannot be grouped by molecule. Pass a key option (e.g. by name) or fix Molecule.smiles.`,
        );
      }
      this.byGraph.set(gk, key);
    }
    return key;
  }

  private nonIsomeric(mol: ReturnType<RDKitModule['get_mol']>): string | null {
    if (mol === null) return null;
    if (!mol.is_valid()) {
      mol.delete();
      return null;
    }
    return withMol(mol, (m) => {
      m.remove_hs_in_place();
      return m.get_smiles(JSON.stringify({ doIsomericSmiles: false }));
    });
  }
}

/**
 * Groups flat lists of generated and reference conformers (e.g. read from two SD files) by molecule.
 *
 * @remarks
 * By default the key is the RDKit canonical SMILES without hydrogens, stereo or isotopes, so that a generated
 * conformer with an inverted stereocentre still counts as a conformer of its molecule (GeoDiff compares conformers
 * with `useChirality=False`). Groups come in order of first appearance among the references, then among the
 * generated conformers; a group may have no references or no generated conformers.
 * @param generated - generated conformers
 * @param references - reference conformers
 * @param options - `key`: a custom molecule key
 * @returns one group per molecule, with indices into both lists
 * @throws InvalidArgumentError when a molecule's SMILES and graph both fail to parse (without a custom key)
 * @throws RDKitUnavailableError when RDKit MinimalLib cannot be loaded
 * @example
 * ```ts
 * const groups = await groupConformers(generated, references);
 * for (const g of groups) console.log(g.key, g.references.length, g.generated.length);
 * ```
 */
export async function groupConformers(generated: readonly Molecule[], references: readonly Molecule[], options: GroupConformersOptions = {}): Promise<ConformerGroup[]> {
  let keyOf: (m: Molecule, label: string) => string;
  if (options.key !== undefined) {
    const custom = options.key;
    keyOf = (m, label) => {
      const k = custom(m);
      if (typeof k !== 'string') throw new InvalidArgumentError('key', `key(${label}) returned ${String(k)}; the key option must return a string.`);
      return k;
    };
  } else {
    const { rdkit, log } = await loadedRDKit();
    const keys = new MoleculeKeys(rdkit, log);
    keyOf = (m, label) => keys.key(m, label);
  }
  const groups = new Map<string, ConformerGroup>();
  const groupOf = (key: string): ConformerGroup => {
    let g = groups.get(key);
    if (g === undefined) {
      g = { key, generated: [], references: [] };
      groups.set(key, g);
    }
    return g;
  };
  references.forEach((m, j) => groupOf(keyOf(m, `references[${j}]`)).references.push(j));
  generated.forEach((m, i) => groupOf(keyOf(m, `generated[${i}]`)).generated.push(i));
  return [...groups.values()];
}
