import type { Log } from '@rdkit/rdkit';
import { InvalidArgumentError, LabError } from '@lab/tensor-core';
import { InvalidMolBlockError, describeInput } from './errors';
import { checkParseOptions, moleculeFromRDKit } from './from-rdkit';
import type { BondKind, InputLocation, Molecule, MoleculeBatch, ParseMoleculeOptions, ReadMolecule } from './molecule';
import { type RDKitModule, loadedRDKit, takeRDKitLog, withMol } from './rdkit';

/** Options of {@link parseMolBlock}. */
export interface ParseMolBlockOptions extends ParseMoleculeOptions, InputLocation {
  /** SDF data items to attach as {@link Molecule.properties}. */
  properties?: Record<string, string>;
}

/** Options of {@link readSdf}. */
export interface ReadSdfOptions extends ParseMoleculeOptions {
  /** The file name, for line references in `skipped` reasons. */
  file?: string;
}

const M_END = /^M {2}END/;

/**
 * Parses one MDL molblock (V2000 or V3000, from the title line to `M  END`) with RDKit into a {@link Molecule},
 * keeping its atoms, their order and its 3D coordinates.
 *
 * @remarks
 * The molecule is sanitised as RDKit's `MolFromMolBlock(removeHs=False)` does: hydrogens in the block are kept, bond
 * orders are read and aromaticity is perceived (a Kekulé benzene gets aromatic bonds). `coords` is set only for a 3D
 * conformer (RDKit dimension 3); 2D depictions are dropped. `name` defaults to the title line. With `addHs: true`
 * missing hydrogens are added after the block's atoms, at positions RDKit computes from the neighbours.
 *
 * @param block - the molblock text
 * @param options - `addHs` (default false), `maxAtoms`, `properties`, and `file`/`line`/`name` for error messages
 * @throws InvalidMolBlockError when there is no `M  END` line, no atom, or RDKit cannot parse or sanitise the block
 * @throws MultipleFragmentsError, UnsupportedElementError, UnsupportedBondError, TooManyAtomsError
 * @throws RDKitUnavailableError when RDKit MinimalLib cannot be loaded
 */
export async function parseMolBlock(block: string, options: ParseMolBlockOptions = {}): Promise<Molecule> {
  checkParseOptions(options);
  const { rdkit, log } = await loadedRDKit();
  return parseMolBlockWith(rdkit, log, block, options);
}

function parseMolBlockWith(rdkit: RDKitModule, log: Log | null, block: string, options: ParseMolBlockOptions): Molecule {
  const lines = block.split(/\r\n|\n|\r/);
  const title = (lines[0] ?? '').trim();
  const location: InputLocation = {};
  if (options.file !== undefined) location.file = options.file;
  if (options.line !== undefined) location.line = options.line;
  const name = options.name ?? (title !== '' ? title : undefined);
  if (name !== undefined) location.name = name;
  const label = describeInput(options.line !== undefined ? 'record' : 'molblock', name ?? '(untitled)', location);

  const end = lines.findIndex((l) => M_END.test(l));
  if (end < 0) throw new InvalidMolBlockError(label, 'there is no "M  END" line', location);
  if (end < 3) throw new InvalidMolBlockError(label, 'the header (title, program and comment lines) and counts line are incomplete', location);
  const text = `${lines.slice(0, end + 1).join('\n')}\n`;

  takeRDKitLog(log);
  const mol = rdkit.get_mol(text, JSON.stringify({ removeHs: false }));
  if (mol === null || !mol.is_valid()) {
    mol?.delete();
    throw new InvalidMolBlockError(label, takeRDKitLog(log) || 'RDKit could not parse it', location);
  }
  return withMol(mol, (m) => {
    if (m.get_num_atoms() === 0) throw new InvalidMolBlockError(label, 'it has no atoms', location);
    const smiles = canonicalSmilesWithoutHs(m);
    if (options.addHs ?? false) m.add_hs_in_place();
    const ctx = { label, location, smiles, maxAtoms: options.maxAtoms, ...(options.properties ? { properties: options.properties } : {}) };
    return moleculeFromRDKit(m, ctx);
  });
}

function canonicalSmilesWithoutHs(mol: NonNullable<ReturnType<RDKitModule['get_mol']>>): string {
  const copy = mol.copy();
  if (copy === null) return mol.get_smiles();
  return withMol(copy, (c) => {
    c.remove_hs_in_place();
    return c.get_smiles();
  });
}

/** One SD record: its molblock lines, data items and first line number. */
interface SdRecord {
  line: number;
  lines: string[];
}

function splitSdRecords(text: string): SdRecord[] {
  const lines = text.split(/\r\n|\n|\r/);
  const records: SdRecord[] = [];
  let start = 0;
  const flush = (endExclusive: number): void => {
    const chunk = lines.slice(start, endExclusive);
    if (chunk.some((l) => l.trim() !== '')) records.push({ line: start + 1, lines: chunk });
  };
  lines.forEach((l, i) => {
    if (l.trimEnd() === '$$$$') {
      flush(i);
      start = i + 1;
    }
  });
  flush(lines.length);
  return records;
}

/** Data items (`> <key>` then value lines up to a blank line) after `M  END`. */
function dataItems(lines: readonly string[]): Record<string, string> {
  const items: Record<string, string> = {};
  let i = 0;
  while (i < lines.length) {
    const header = /^>.*?<([^>]*)>/.exec(lines[i] ?? '');
    i++;
    if (header === null) continue;
    const value: string[] = [];
    while (i < lines.length && (lines[i] ?? '').trim() !== '') value.push(lines[i++] ?? '');
    items[header[1] ?? ''] = value.join('\n');
  }
  return items;
}

/**
 * Reads a multi-record SD file (records separated by `$$$$`) into molecules with names, properties and coordinates.
 * A bad record is skipped and reported, never thrown.
 *
 * @remarks
 * Each record is parsed by {@link parseMolBlock}; its data items (`> <key>` blocks) become `properties`. A record
 * whose molblock RDKit rejects, or that fails a check (fragments, elements, bonds, `maxAtoms`), lands in `skipped` with
 * its first line number, title and reason. Blank records (e.g. after the last `$$$$`) are ignored.
 *
 * @example
 * ```ts
 * const { molecules, skipped } = await readSdf(readFileSync('confs.sdf', 'utf8'), { file: 'confs.sdf' });
 * ```
 * @param text - the SD file's text
 * @param options - `addHs` (default false), `maxAtoms`, `file` (for messages)
 * @throws RDKitUnavailableError when RDKit MinimalLib cannot be loaded
 */
export async function readSdf(text: string, options: ReadSdfOptions = {}): Promise<MoleculeBatch<ReadMolecule>> {
  checkParseOptions(options);
  const { rdkit, log } = await loadedRDKit();
  const batch: MoleculeBatch<ReadMolecule> = { molecules: [], skipped: [] };
  splitSdRecords(text).forEach((record, index) => {
    const end = record.lines.findIndex((l) => M_END.test(l));
    const title = (record.lines[0] ?? '').trim();
    const input = title !== '' ? title : `(untitled record ${index + 1})`;
    try {
      const molblock = end >= 0 ? record.lines.slice(0, end + 1) : record.lines;
      const properties = end >= 0 ? dataItems(record.lines.slice(end + 1)) : {};
      const opts: ParseMolBlockOptions = { ...options, line: record.line, properties };
      const molecule = parseMolBlockWith(rdkit, log, molblock.join('\n'), opts);
      batch.molecules.push({ ...molecule, line: record.line });
    } catch (e) {
      batch.skipped.push(skippedEntry(e, record.line, input));
    }
  });
  return batch;
}

/**
 * The `skipped` entry for an error raised while reading one input.
 * @internal
 */
export function skippedEntry(e: unknown, line: number, input: string): MoleculeBatch['skipped'][number] {
  if (LabError.isInstance(e) && e.code === 'RDKIT_UNAVAILABLE') throw e;
  if (LabError.isInstance(e)) return { line, input, code: e.code, reason: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { line, input, code: 'PARSE_FAILED', reason: `line ${line} (${input}): RDKit failed unexpectedly: ${message}` };
}

const BOND_CODES: Record<BondKind, number> = { single: 1, double: 2, triple: 3, aromatic: 4 };

function fixed(v: number): string {
  return v.toFixed(4).padStart(10);
}

function pad3(v: number): string {
  return String(v).padStart(3);
}

/**
 * Writes a molecule as a V2000 molblock (title line, atoms with coordinates, bonds, `M  CHG`, `M  END`).
 *
 * @remarks
 * Coordinates are written with 4 decimals (the format's precision); a molecule without `coords` gets zeros and the
 * 2D flag, which {@link parseMolBlock} reads back as no coordinates. Aromatic bonds are written as bond type 4, which
 * RDKit reads back (kekulising them); write molecules with explicit hydrogens for a lossless round trip.
 * @param molecule - the molecule; at most 999 atoms and 999 bonds (the V2000 limit)
 * @throws InvalidArgumentError when the molecule is too large for V2000 or `coords` has the wrong length
 */
export function toMolBlock(molecule: Molecule): string {
  const n = molecule.atoms.length;
  if (n > 999 || molecule.bonds.length > 999) {
    throw new InvalidArgumentError('molecule', `V2000 holds at most 999 atoms and 999 bonds; this molecule has ${n} atoms and ${molecule.bonds.length} bonds.`);
  }
  const coords = molecule.coords;
  if (coords !== undefined && coords.length !== 3 * n) {
    throw new InvalidArgumentError('molecule', `coords has ${coords.length} values; expected 3 x ${n} atoms = ${3 * n}.`);
  }
  const out: string[] = [];
  out.push((molecule.name ?? '').replace(/[\r\n]+/g, ' '));
  out.push(`  geodiff ${' '.repeat(10)}${coords !== undefined ? '3D' : '2D'}`);
  out.push('');
  out.push(`${pad3(n)}${pad3(molecule.bonds.length)}  0  0  0  0  0  0  0  0999 V2000`);
  molecule.atoms.forEach((atom, a) => {
    const [x, y, z] = coords !== undefined ? [coords[3 * a] ?? 0, coords[3 * a + 1] ?? 0, coords[3 * a + 2] ?? 0] : [0, 0, 0];
    out.push(`${fixed(x)}${fixed(y)}${fixed(z)} ${atom.element.padEnd(3)} 0${'  0'.repeat(11)}`);
  });
  for (const bond of molecule.bonds) out.push(`${pad3(bond.i + 1)}${pad3(bond.j + 1)}${pad3(BOND_CODES[bond.type])}  0`);
  const charged = molecule.atoms.map((atom, a) => [a + 1, atom.formalCharge] as const).filter(([, c]) => c !== 0);
  for (let k = 0; k < charged.length; k += 8) {
    const chunk = charged.slice(k, k + 8);
    out.push(`M  CHG${pad3(chunk.length)}${chunk.map(([a, c]) => ` ${pad3(a)} ${pad3(c)}`).join('')}`);
  }
  out.push('M  END');
  return `${out.join('\n')}\n`;
}

/**
 * Writes molecules as an SD file: each molblock ({@link toMolBlock}), its `properties` as data items, then `$$$$`.
 * @param molecules - the molecules, in order
 */
export function writeSdf(molecules: readonly Molecule[]): string {
  return molecules
    .map((m) => {
      const items = Object.entries(m.properties ?? {})
        .map(([key, value]) => `> <${key}>\n${value}\n\n`)
        .join('');
      return `${toMolBlock(m)}${items}$$$$\n`;
    })
    .join('');
}
