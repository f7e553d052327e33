/**
 * The `protein-tl corpus` command: the pretraining corpus of the protein language model.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, type WithProgress } from '@lab/tensor-core';
import {
  writePretrainingCorpus,
  type CorpusSource,
  type PretrainingCorpusManifest,
} from '../pretrain/write-pretraining-corpus';

/**
 * Options of {@link corpusCommand}, as the CLI parses them. Sources are read in the order `inputs`, `fasta`, `blastDb`
 * (which matters only for which source a repeated sequence is credited to).
 */
export interface CorpusCommandOptions extends WithProgress {
  /** Output directory. */
  out: string;
  /** FASTA files (plain or gzip) or BLAST databases, told apart by {@link detectCorpusSource}. */
  inputs?: readonly string[];
  /** FASTA files (`--fasta`). */
  fasta?: readonly string[];
  /** Protein BLAST databases, paths without extension (`--blast-db`). */
  blastDb?: readonly string[];
  /** Labelled Pfam CSV files, or directories whose every `*.csv` is taken (`--exclude`). */
  exclude?: readonly string[];
  /** k of the exclusion (`--kmer`). @default 20 */
  kmer?: number;
  /** Minimum residues (`--min-length`). @default 30 */
  minLength?: number;
  /** Shuffle and split seed (`--seed`). @default 0 */
  seed?: number;
  /** Validation fraction (`--valid-fraction`). @default 0.01 */
  validFraction?: number;
  /** Skip the input checksums (`--no-checksums`). @default true */
  checksums?: boolean;
}

/** What {@link corpusCommand} returns. */
export interface CorpusCommandResult {
  /** The manifest written to `corpus.json`. */
  manifest: PretrainingCorpusManifest;
  /** A few lines for the terminal: counts per source and reason, the exclusion, the split, the time. */
  summary: string;
}

/**
 * Tells a BLAST database from a FASTA file: a path with `PATH.pin`, `PATH.pal` or `PATH.00.pin` next to it is a
 * protein BLAST database (even when, like metastudent-data's `goasp.fasta`, its name ends in `.fasta`), otherwise
 * the path must be a file.
 * @param path - the input
 * @returns the source
 * @throws InvalidArgumentError when it is neither
 * @example
 * ```ts
 * detectCorpusSource('/usr/share/metastudent-data/dataset_201401/MFO/goasp.fasta'); // { type: 'blastdb', ... }
 * ```
 */
export function detectCorpusSource(path: string): CorpusSource {
  if (['.pin', '.pal', '.00.pin'].some((ext) => existsSync(`${path}${ext}`))) return { type: 'blastdb', path };
  if (existsSync(path)) return { type: 'fasta', path };
  throw new InvalidArgumentError('inputs', `${path} is neither a file nor a protein BLAST database (no ${path}.pin or ${path}.pal).`);
}

/** Expands directories to their `*.csv` files (sorted); files stay as given. */
async function expandCsv(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const st = await stat(p).catch((e: unknown) => {
      throw new InvalidArgumentError('exclude', `${p} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, { cause: e });
    });
    if (st.isDirectory()) {
      const csv = (await readdir(p)).filter((n) => n.toLowerCase().endsWith('.csv')).sort();
      if (csv.length === 0) throw new InvalidArgumentError('exclude', `Directory ${p} holds no .csv file.`);
      out.push(...csv.map((n) => join(p, n)));
    } else out.push(p);
  }
  return out;
}

/**
 * Runs the `corpus` command: {@link writePretrainingCorpus} over the given inputs, with every labelled sequence of
 * the `exclude` CSV files left out by the shared k-mer filter.
 *
 * @param options - parsed CLI options
 * @returns the manifest and a printable summary
 * @throws InvalidArgumentError when no input is given or one cannot be found; the errors of
 * {@link writePretrainingCorpus}
 * @example
 * ```ts
 * const { summary } = await corpusCommand({
 *   out: 'training/protein/data/corpus',
 *   inputs: ['/usr/share/doc/mmseqs2/example-data/DB.fasta.gz'],
 *   exclude: ['../shared/data/pfam'],
 * });
 * console.log(summary);
 * ```
 */
export async function corpusCommand(options: CorpusCommandOptions): Promise<CorpusCommandResult> {
  const sources: CorpusSource[] = [
    ...(options.inputs ?? []).map(detectCorpusSource),
    ...(options.fasta ?? []).map((path): CorpusSource => ({ type: 'fasta', path })),
    ...(options.blastDb ?? []).map((path): CorpusSource => ({ type: 'blastdb', path })),
  ];
  if (sources.length === 0) throw new InvalidArgumentError('inputs', 'No inputs: give FASTA files (--fasta) or BLAST databases (--blast-db).');
  const exclude = await expandCsv(options.exclude ?? []);
  const manifest = await writePretrainingCorpus({
    out: options.out,
    sources,
    exclude,
    ...(options.kmer !== undefined ? { kmer: options.kmer } : {}),
    ...(options.minLength !== undefined ? { minLength: options.minLength } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.validFraction !== undefined ? { validFraction: options.validFraction } : {}),
    ...(options.checksums !== undefined ? { checksums: options.checksums } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { manifest, summary: formatCorpusSummary(manifest) };
}

/**
 * The terminal summary of a corpus manifest.
 * @param m - the manifest
 * @returns lines separated by `\n`
 */
export function formatCorpusSummary(m: PretrainingCorpusManifest): string {
  const row = (name: string, c: PretrainingCorpusManifest['counts']): string =>
    `${name}: read ${c.read}, kept ${c.kept} (${c.residues} residues), duplicate ${c.duplicate}, excluded ${c.excluded}, too short ${c.tooShort}, invalid ${c.invalid}`;
  const lines = m.sources.map((s) => row(`${s.type} ${s.path}`, s));
  lines.push(row('total', m.counts));
  const ex = m.exclusion;
  lines.push(
    ex.labelledSequences > 0
      ? `exclusion: ${ex.labelledSequences} labelled sequences from ${ex.files.length} file(s), ${ex.distinctKmers} distinct ${ex.k}-mers, ${ex.shortSequences} shorter than k; ${ex.excludedProteins} proteins left out`
      : 'exclusion: none (no labelled files)',
  );
  const invalid = Object.entries(m.invalidCharacters);
  if (invalid.length > 0) lines.push(`invalid by first character: ${invalid.map(([c, n]) => `${JSON.stringify(c)} ${n}`).join(', ')}`);
  lines.push(`train ${m.train.proteins} proteins / ${m.train.residues} residues; valid ${m.valid.proteins} / ${m.valid.residues} (seed ${m.seed}); ${m.seconds.total} s`);
  return lines.join('\n');
}
