import type { Log } from '@rdkit/rdkit';
import { InvalidSmilesError, describeInput } from './errors';
import { checkParseOptions, moleculeFromRDKit } from './from-rdkit';
import type { InputLocation, Molecule, ParseMoleculeOptions } from './molecule';
import { type RDKitModule, loadedRDKit, takeRDKitLog, withMol } from './rdkit';

/** Options of {@link parseSmiles}: parser options plus where the SMILES came from (for error messages). */
export interface ParseSmilesOptions extends ParseMoleculeOptions, InputLocation {}

/**
 * Parses one SMILES with RDKit (sanitised: valences checked, aromaticity perceived) into a {@link Molecule}, adding
 * explicit hydrogens unless `addHs: false`.
 *
 * @remarks
 * Atoms keep the SMILES order; added hydrogens follow, grouped by the heavy atom they sit on (RDKit `AddHs`). Explicit
 * `[H]` atoms in the input are folded into their heavy atom first, as RDKit does by default. `smiles` is RDKit's
 * canonical SMILES of the input. The molecule has no coordinates.
 *
 * @example
 * ```ts
 * const ethanol = await parseSmiles('CCO'); // 9 atoms: C, C, O, then 6 H
 * ```
 * @param smiles - one SMILES string (surrounding whitespace is ignored)
 * @param options - `addHs` (default true), `maxAtoms`, and `file`/`line`/`name` for error messages
 * @throws InvalidSmilesError when RDKit cannot parse or sanitise the SMILES, or it is empty
 * @throws MultipleFragmentsError, UnsupportedElementError, UnsupportedBondError, TooManyAtomsError
 * @throws RDKitUnavailableError when RDKit MinimalLib cannot be loaded
 */
export async function parseSmiles(smiles: string, options: ParseSmilesOptions = {}): Promise<Molecule> {
  checkParseOptions(options);
  const { rdkit, log } = await loadedRDKit();
  return parseSmilesWith(rdkit, log, smiles, options);
}

/**
 * {@link parseSmiles} on an already loaded RDKit module.
 * @internal
 */
export function parseSmilesWith(rdkit: RDKitModule, log: Log | null, smiles: string, options: ParseSmilesOptions): Molecule {
  const input = smiles.trim();
  const location: InputLocation = {};
  if (options.file !== undefined) location.file = options.file;
  if (options.line !== undefined) location.line = options.line;
  if (options.name !== undefined) location.name = options.name;
  const label = describeInput('SMILES', input, location);
  if (input === '') throw new InvalidSmilesError(label, 'the SMILES is empty', location);
  if (/\s/.test(input)) {
    throw new InvalidSmilesError(label, 'it contains whitespace; a SMILES is a single token (put names in their own column)', location);
  }
  takeRDKitLog(log);
  const mol = rdkit.get_mol(input);
  if (mol === null || !mol.is_valid()) {
    mol?.delete();
    throw new InvalidSmilesError(label, takeRDKitLog(log) || 'RDKit could not parse it', location);
  }
  return withMol(mol, (m) => {
    if (m.get_num_atoms() === 0) throw new InvalidSmilesError(label, 'it has no atoms', location);
    const canonical = m.get_smiles();
    if (options.addHs ?? true) m.add_hs_in_place();
    return moleculeFromRDKit(m, { label, location, smiles: canonical, maxAtoms: options.maxAtoms });
  });
}
