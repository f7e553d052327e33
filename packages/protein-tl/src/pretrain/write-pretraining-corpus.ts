/**
 * The masked-language-model pretraining corpus: unlabelled proteins from FASTA files and BLAST databases, deduplicated,
 * with every protein that shares a k-mer with a labelled sequence left out, written as .npy arrays for
 * training/protein/pretrain_mlm.py.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  InvalidArgumentError,
  Rng,
  ndarray,
  sha256File,
  stagedProgress,
  throttleProgress,
  writeNpy,
  type ProgressCallback,
  type WithProgress,
} from '@lab/tensor-core';
import { version } from '../../package.json';
import { readFasta } from '../io/fasta-reader';
import { readPfamCsv } from '../io/pfam-csv';
import { EsmTokenizer } from '../tokenize/esm-tokenizer';
import { ESM2_VOCAB } from '../tokenize/esm-vocab';
import { blastDbFiles, blastDbInfo, readBlastDb, type BlastDbInfo } from './blast-db-source';
import { encodeResidues } from './encode-residues';
import { DEFAULT_EXCLUSION_K, SharedKmerFilter } from './shared-kmer-filter';
import { TokenStore } from './token-store';

/** Format name written in `corpus.json`. */
export const PRETRAINING_CORPUS_FORMAT = 'protein-tl-mlm-corpus';
/** Version of the corpus layout. */
export const PRETRAINING_CORPUS_VERSION = 1;

/** One input of the corpus: a FASTA file (plain or gzip) or a protein BLAST database (path without extension). */
export type CorpusSource = { type: 'fasta'; path: string } | { type: 'blastdb'; path: string };

/** Options of {@link writePretrainingCorpus}. */
export interface PretrainingCorpusOptions extends WithProgress {
  /** Output directory (created). */
  out: string;
  /** The unlabelled proteins, read in this order (the first copy of a repeated sequence counts as kept). */
  sources: readonly CorpusSource[];
  /** Labelled Pfam CSV files (any layout {@link readPfamCsv} reads) whose sequences must not leak into the corpus. */
  exclude?: readonly string[];
  /** More labelled sequences to exclude, given directly. */
  excludeSequences?: readonly string[];
  /** k of the shared k-mer exclusion. @default 20 */
  kmer?: number;
  /** Proteins with fewer residues are left out. @default 30 */
  minLength?: number;
  /** Seed of the shuffle and of the validation split. @default 0 */
  seed?: number;
  /** Fraction of the proteins held out for validation (at least one protein when > 0). @default 0.01 */
  validFraction?: number;
  /** Record the sha256 of every input file in `corpus.json`. @default true */
  checksums?: boolean;
  /** The `blastdbcmd` program. @default 'blastdbcmd' */
  blastdbcmd?: string;
}

/** sha256 of one input file. */
export interface CorpusFileChecksum {
  /** The file. */
  path: string;
  /** Its size. */
  bytes: number;
  /** Lower-case hex, or null when checksums were turned off. */
  sha256: string | null;
}

/** How many proteins a source gave and why the others were left out. */
export interface CorpusCounts {
  /** Records read. */
  read: number;
  /** Proteins written. */
  kept: number;
  /** Residues of the proteins written. */
  residues: number;
  /** Left out: a character other than the 25 residue letters (gaps, `*` inside, `J`, ...). */
  invalid: number;
  /** Left out: fewer than `minLength` residues. */
  tooShort: number;
  /** Left out: the same residues as a protein read before (in this or an earlier source). */
  duplicate: number;
  /** Left out: shares a k-mer with a labelled sequence (or contains a labelled sequence shorter than k). */
  excluded: number;
}

/** Report of one source in {@link PretrainingCorpusManifest}. */
export interface CorpusSourceReport extends CorpusCounts {
  type: CorpusSource['type'];
  /** The path given. */
  path: string;
  /** Its files with checksums (a BLAST database's `.pin`/`.phr`/`.psq`, ...). */
  files: CorpusFileChecksum[];
}

/** Contents of `corpus.json`. */
export interface PretrainingCorpusManifest {
  format: typeof PRETRAINING_CORPUS_FORMAT;
  version: number;
  /** What the arrays hold and how they were made, in words. */
  description: string;
  /** Writer and package version. */
  createdBy: string;
  createdAt: string;
  /** The ESM-2 vocabulary: token id = index. The arrays hold residue ids only (4..28). */
  vocab: string[];
  /** Array files in the directory. */
  files: { tokens: string; offsets: string; validTokens: string; validOffsets: string };
  /** Proteins and residues of each part. */
  train: { proteins: number; residues: number };
  valid: { proteins: number; residues: number };
  seed: number;
  validFraction: number;
  minLength: number;
  /** The sources in reading order. */
  sources: CorpusSourceReport[];
  /** Sums over the sources. */
  counts: CorpusCounts;
  /** Proteins left out as invalid, by their first non-residue character. */
  invalidCharacters: Record<string, number>;
  /** The leakage filter. */
  exclusion: {
    k: number;
    rule: string;
    files: Array<CorpusFileChecksum & { sequences: number }>;
    /** Labelled sequences (files and `excludeSequences`). */
    labelledSequences: number;
    /** Distinct k-mers of the labelled sequences. */
    distinctKmers: number;
    /** Distinct labelled sequences shorter than k (matched whole, as substrings). */
    shortSequences: number;
    /** Proteins left out by the filter (distinct sequences). */
    excludedProteins: number;
  };
  /** Wall-clock seconds per stage. */
  seconds: { labelled: number; sources: number; write: number; total: number };
}

const EXCLUSION_RULE =
  'a protein is left out when it shares an exact k-mer (k consecutive residues) with any labelled sequence, or contains a labelled sequence shorter than k';

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(name, `${name} must be an integer ≥ ${min}, received ${value}.`);
  return value;
}

async function checksums(paths: readonly string[], enabled: boolean): Promise<CorpusFileChecksum[]> {
  const out: CorpusFileChecksum[] = [];
  for (const path of paths) out.push({ path, bytes: (await stat(path)).size, sha256: enabled ? await sha256File(path) : null });
  return out;
}

function emptyCounts(): CorpusCounts {
  return { read: 0, kept: 0, residues: 0, invalid: 0, tooShort: 0, duplicate: 0, excluded: 0 };
}

/**
 * Writes the pretraining corpus of the protein language model.
 *
 * @remarks Each source's records are read in order (FASTA through {@link readFasta}, gzip detected, any letter, `*`,
 * `-` and `.` accepted so that the filter below decides, other characters such as digits being a format error; BLAST databases
 * streamed from `blastdbcmd -entry all` (FASTA output), see {@link readBlastDb}). A sequence is upper-cased and encoded with ESM-2
 * residue ids ({@link encodeResidues}: X, B, U, Z, O keep their own tokens; one trailing `*` is dropped), then left
 * out, counted by reason, when it has another character (`invalid`), fewer than `minLength` residues (`tooShort`),
 * the same residues as an earlier protein (`duplicate`, across sources) or an exact k-mer in common with a labelled
 * sequence (`excluded`, {@link SharedKmerFilter}). Pfam domains are substrings of UniProt proteins, so this filter
 * (not just exact matches) is what keeps every labelled sequence, and so every evaluation family's sequences, out of
 * what the language model sees.
 *
 * The kept proteins are shuffled with `Rng(seed)`; the first `round(validFraction × n)` (≥ 1 when the fraction is
 * > 0) are the validation part. Written to `out`:
 * - `tokens.npy` uint8 `[residues]`: the training proteins' residue ids, concatenated, no special tokens;
 * - `offsets.npy` int64 `[proteins + 1]`: protein i is `tokens[offsets[i]:offsets[i + 1]]`;
 * - `valid_tokens.npy`, `valid_offsets.npy`: the same for the validation proteins;
 * - `corpus.json` ({@link PretrainingCorpusManifest}): counts per source and reason, sha256 of every input file, the
 *   exclusion (k, files, counts), seed, split and vocabulary.
 *
 * Memory: about 3 bytes per kept residue at the end (the store, the shuffled copy and its .npy encoding) plus the
 * k-mer index (4 bytes per labelled residue and 8 bytes per table slot).
 *
 * @param options - output directory, sources, labelled files to exclude, k, minimum length, seed, validation
 * fraction, progress
 * @returns the manifest written to `corpus.json`
 * @throws ExternalToolError when `blastdbcmd` is missing (naming `ncbi-blast+`) or fails; ProteinFormatError for a
 * malformed FASTA or CSV file; InvalidArgumentError for bad options or when no protein is left
 * @example
 * ```ts
 * const manifest = await writePretrainingCorpus({
 *   out: 'training/protein/data/corpus',
 *   sources: [{ type: 'fasta', path: '/usr/share/doc/mmseqs2/example-data/DB.fasta.gz' }],
 *   exclude: ['../shared/data/pfam/train_100.csv', '../shared/data/pfam/test_100.csv'],
 * });
 * console.log(manifest.counts.kept, manifest.exclusion.excludedProteins);
 * ```
 */
export async function writePretrainingCorpus(options: PretrainingCorpusOptions): Promise<PretrainingCorpusManifest> {
  const t0 = performance.now();
  const k = checkInteger('kmer', options.kmer ?? DEFAULT_EXCLUSION_K, 1);
  const minLength = checkInteger('minLength', options.minLength ?? 30, 1);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('seed', `seed must be a safe integer, received ${seed}.`);
  const validFraction = options.validFraction ?? 0.01;
  if (!(validFraction >= 0 && validFraction < 1)) throw new InvalidArgumentError('validFraction', `validFraction must be in [0, 1), received ${validFraction}.`);
  if (!options.out) throw new InvalidArgumentError('out', 'out (the output directory) is required.');
  if (options.sources.length === 0) throw new InvalidArgumentError('sources', 'No sources: give FASTA files or BLAST databases.');
  const withChecksums = options.checksums ?? true;
  const blastOptions = options.blastdbcmd !== undefined ? { blastdbcmd: options.blastdbcmd } : {};

  // check every source before the long work
  const infos: Array<BlastDbInfo | undefined> = [];
  for (const src of options.sources) {
    if (src.type === 'fasta') {
      await stat(src.path).catch((e: unknown) => {
        throw new InvalidArgumentError('sources', `FASTA file ${src.path} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, { cause: e });
      });
      infos.push(undefined);
    } else if (src.type === 'blastdb') {
      infos.push(blastDbInfo(src.path, blastOptions));
    } else {
      throw new InvalidArgumentError('sources', `Unsupported source type ${JSON.stringify((src as { type?: unknown }).type)}. Supported: fasta, blastdb.`);
    }
  }

  const stageNames = ['labelled k-mers', ...options.sources.map((s) => `${s.type} ${basename(s.path)}`), 'writing'];
  const stages = stagedProgress(throttleProgress(options.onProgress), stageNames);

  // 1. the leakage filter over the labelled sequences
  const tokenizer = new EsmTokenizer();
  const labelled: Uint8Array[] = [];
  const encodeLabelled = (s: string): Uint8Array => Uint8Array.from(tokenizer.encode(s, { lowercase: 'upper', addSpecialTokens: false }));
  const excludeFiles: Array<CorpusFileChecksum & { sequences: number }> = [];
  const exclude = options.exclude ?? [];
  for (let f = 0; f < exclude.length; f++) {
    const path = exclude[f]!;
    let n = 0;
    for await (const row of readPfamCsv(path, { lowercase: 'upper' })) {
      labelled.push(encodeLabelled(row.sequence));
      n++;
    }
    const [sum] = await checksums([path], withChecksums);
    excludeFiles.push({ ...sum!, sequences: n });
    stages[0]!({ completed: f + 1, total: exclude.length + 1 });
  }
  for (const s of options.excludeSequences ?? []) labelled.push(encodeLabelled(s));
  const filter = labelled.length > 0 ? SharedKmerFilter.fromSequences(labelled, k) : undefined;
  stages[0]!({ completed: 1, total: 1 });
  const t1 = performance.now();

  // 2. the sources
  const store = new TokenStore(1 << 24, 1 << 16);
  const seen = new Set<string>();
  const invalidCharacters: Record<string, number> = {};
  const reports: CorpusSourceReport[] = [];
  for (let s = 0; s < options.sources.length; s++) {
    const src = options.sources[s]!;
    const report: CorpusSourceReport = { type: src.type, path: src.path, files: [], ...emptyCounts() };
    const progress: ProgressCallback = stages[s + 1]!;
    const consider = (sequence: string): void => {
      report.read++;
      const enc = encodeResidues(sequence);
      if (!enc.ok) {
        report.invalid++;
        invalidCharacters[enc.character] = (invalidCharacters[enc.character] ?? 0) + 1;
        return;
      }
      const tokens = enc.tokens;
      if (tokens.length < minLength) {
        report.tooShort++;
        return;
      }
      const key = createHash('sha1').update(tokens).digest('base64');
      if (seen.has(key)) {
        report.duplicate++;
        return;
      }
      seen.add(key);
      if (filter?.matches(tokens)) {
        report.excluded++;
        return;
      }
      store.push(tokens);
      report.kept++;
      report.residues += tokens.length;
    };
    if (src.type === 'fasta') {
      progress({ completed: 0, total: 1 });
      const records = readFasta(src.path, {
        alphabet: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ*-.',
        lowercase: 'upper',
        onDuplicate: 'keep',
        allowEmpty: true,
        onProgress: (e) => progress({ completed: e.completed, total: e.total ?? 1, metrics: { proteins: report.kept } }),
      });
      for await (const rec of records) consider(rec.sequence);
      report.files = await checksums([src.path], withChecksums);
    } else {
      const total = infos[s]!.sequences;
      progress({ completed: 0, total });
      await readBlastDb(
        src.path,
        (_accession, sequence) => {
          consider(sequence);
          progress({ completed: report.read, total, metrics: { proteins: report.kept } });
        },
        blastOptions,
      );
      report.files = await checksums(await blastDbFiles(src.path), withChecksums);
    }
    progress({ completed: 1, total: 1 });
    reports.push(report);
  }
  const t2 = performance.now();

  const counts = emptyCounts();
  for (const r of reports) for (const key of Object.keys(counts) as Array<keyof CorpusCounts>) counts[key] += r[key];
  const n = store.count;
  if (n === 0) {
    throw new InvalidArgumentError('sources', `No protein is left for the corpus: ${JSON.stringify(counts)}.`);
  }

  // 3. shuffle, split and write
  await mkdir(options.out, { recursive: true });
  const writing = stages[stages.length - 1]!;
  writing({ completed: 0, total: 4 });
  const perm = new Rng(seed).permutation(n);
  let nValid = validFraction > 0 ? Math.max(1, Math.round(validFraction * n)) : 0;
  if (nValid >= n) nValid = n - 1;
  const files = { tokens: 'tokens.npy', offsets: 'offsets.npy', validTokens: 'valid_tokens.npy', validOffsets: 'valid_offsets.npy' };
  const valid = store.gather(perm.slice(0, nValid));
  await writeNpy(join(options.out, files.validTokens), ndarray('uint8', [valid.tokens.length], valid.tokens));
  await writeNpy(join(options.out, files.validOffsets), ndarray('int64', [valid.offsets.length], valid.offsets));
  writing({ completed: 1, total: 4 });
  const train = store.gather(perm.slice(nValid));
  writing({ completed: 2, total: 4 });
  await writeNpy(join(options.out, files.tokens), ndarray('uint8', [train.tokens.length], train.tokens));
  await writeNpy(join(options.out, files.offsets), ndarray('int64', [train.offsets.length], train.offsets));
  writing({ completed: 3, total: 4 });
  const t3 = performance.now();

  const sec = (a: number, b: number): number => Math.round((b - a) / 10) / 100;
  const manifest: PretrainingCorpusManifest = {
    format: PRETRAINING_CORPUS_FORMAT,
    version: PRETRAINING_CORPUS_VERSION,
    description:
      `Unlabelled proteins for masked-language-model pretraining, as ESM-2 residue token ids (no <cls>/<eos>), shuffled with seed ${seed}. ` +
      `Sources: ${reports.map((r) => `${r.path} (${r.kept} kept of ${r.read})`).join('; ')}. ` +
      `Upper-cased, proteins with non-residue characters or fewer than ${minLength} residues dropped, identical sequences kept once. ` +
      (filter
        ? `Leakage filter: ${counts.excluded} proteins sharing an exact ${k}-mer with any of ${filter.sequences} labelled sequences (${excludeFiles.map((f) => basename(f.path)).join(', ') || 'given directly'}) were left out, so the model never sees a labelled sequence: every family of those files is one it never saw.`
        : 'No leakage filter (no labelled sequences given).'),
    createdBy: `@lab/protein-tl ${version} writePretrainingCorpus`,
    createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    vocab: [...ESM2_VOCAB],
    files,
    train: { proteins: n - nValid, residues: train.tokens.length },
    valid: { proteins: nValid, residues: valid.tokens.length },
    seed,
    validFraction,
    minLength,
    sources: reports,
    counts,
    invalidCharacters,
    exclusion: {
      k,
      rule: EXCLUSION_RULE,
      files: excludeFiles,
      labelledSequences: filter?.sequences ?? 0,
      distinctKmers: filter?.distinctKmers ?? 0,
      shortSequences: filter?.shortSequences ?? 0,
      excludedProteins: counts.excluded,
    },
    seconds: { labelled: sec(t0, t1), sources: sec(t1, t2), write: sec(t2, t3), total: sec(t0, performance.now()) },
  };
  await writeFile(join(options.out, 'corpus.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writing({ completed: 4, total: 4 });
  return manifest;
}
