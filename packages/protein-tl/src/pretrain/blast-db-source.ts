import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ExternalToolError } from '../baselines/external-tool-error';
import { findTools } from '../baselines/find-tools';
import { runTool } from '../baselines/run-tool';

/** What `blastdbcmd -info` says about a BLAST database. */
export interface BlastDbInfo {
  /** Sequences in the database. */
  sequences: number;
  /** Residues in all. */
  residues: number;
}

/** Options of {@link readBlastDb} and {@link blastDbInfo}. */
export interface BlastDbReadOptions {
  /** The `blastdbcmd` program, a name looked up on `PATH` or a path. @default 'blastdbcmd' */
  blastdbcmd?: string;
  /** Cancels the child process. */
  signal?: AbortSignal;
}

/** Throws the typed 'missing' error when the program cannot be found. */
function checkBlastdbcmd(program: string): void {
  const found = program.includes('/') ? findTools([basename(program)], dirname(program)) : findTools([program]);
  if (!found.ok) {
    throw new ExternalToolError(program, 'missing', `${program} is not installed (not found on PATH); install it with: apt-get install ncbi-blast+.`, {
      aptPackage: 'ncbi-blast+',
    });
  }
}

/**
 * Size of a BLAST database, from `blastdbcmd -db DB -info`.
 * @param db - the database path without extension (as for `blastdbcmd -db`)
 * @param options - the program
 * @returns sequence and residue counts
 * @throws {@link ExternalToolError} `'missing'` naming `ncbi-blast+`, or `'failed'` (e.g. no such database)
 * @example
 * ```ts
 * const { sequences } = blastDbInfo('/usr/share/metastudent-data/dataset_201401/MFO/goasp.fasta');
 * ```
 */
export function blastDbInfo(db: string, options: BlastDbReadOptions = {}): BlastDbInfo {
  const program = options.blastdbcmd ?? 'blastdbcmd';
  checkBlastdbcmd(program);
  const r = spawnSync(program, ['-db', db, '-info'], { encoding: 'utf8' });
  if (r.error) throw new ExternalToolError(program, 'failed', `${program} could not be run: ${r.error.message}`, {}, { cause: r.error });
  if (r.status !== 0) {
    const tail = (r.stderr ?? '').trim().split('\n').slice(-8).join('\n');
    throw new ExternalToolError(program, 'failed', `${program} -db ${db} -info exited with status ${r.status}${tail ? `:\n${tail}` : ''}`, { exitCode: r.status, stderr: tail });
  }
  const m = /([\d,]+) sequences;\s*([\d,]+) total residues/.exec(r.stdout);
  if (!m) throw new ExternalToolError(program, 'failed', `could not read the sequence count in the output of ${program} -db ${db} -info:\n${r.stdout.slice(0, 400)}`);
  return { sequences: Number(m[1]!.replace(/,/g, '')), residues: Number(m[2]!.replace(/,/g, '')) };
}

/**
 * Streams every sequence of a protein BLAST database: `blastdbcmd -db DB -entry all` as a child process, its FASTA
 * output (one line per sequence) parsed as it arrives, so the database is never held in memory.
 *
 * @remarks FASTA output rather than `-outfmt '%a %s'`: with `%s`, BLAST+ (2.12.0, Debian 12) writes the stop `*`
 * and the gap `-` as the byte 0xFF, which is not text.
 *
 * @param db - the database path without extension
 * @param onSequence - called with each identifier (the header up to the first space: the accession, or e.g.
 * `C6DJ78|GO:0005737` for metastudent-data) and sequence, in database order
 * @param options - the program, abort signal
 * @returns resolves when `blastdbcmd` has exited with status 0
 * @throws {@link ExternalToolError} `'missing'` naming the Debian package `ncbi-blast+`, or `'failed'` with the exit
 * status and stderr
 * @example
 * ```ts
 * let n = 0;
 * await readBlastDb('/usr/share/metastudent-data/dataset_201401/MFO/goasp.fasta', () => n++);
 * ```
 */
export async function readBlastDb(db: string, onSequence: (id: string, sequence: string) => void, options: BlastDbReadOptions = {}): Promise<void> {
  const program = options.blastdbcmd ?? 'blastdbcmd';
  checkBlastdbcmd(program);
  let id: string | undefined;
  let parts: string[] = [];
  const flush = (): void => {
    if (id !== undefined) onSequence(id, parts.length === 1 ? parts[0]! : parts.join(''));
    parts = [];
  };
  await runTool(program, ['-db', db, '-entry', 'all', '-line_length', '100000000'], {
    ...(options.signal ? { signal: options.signal } : {}),
    onStdoutLine: (line) => {
      if (line.charCodeAt(0) === 62 /* > */) {
        flush();
        const space = line.search(/\s/);
        id = space < 0 ? line.slice(1) : line.slice(1, space);
      } else if (id !== undefined) {
        const trimmed = line.trim();
        if (trimmed !== '') parts.push(trimmed);
      }
    },
  });
  flush();
}

/**
 * The files of a protein BLAST database: `DB.p??` and volume files `DB.NN.p??` (index, headers, sequences, alias).
 * @param db - the database path without extension
 * @returns absolute or relative paths as `db` is, sorted
 */
export async function blastDbFiles(db: string): Promise<string[]> {
  const dir = dirname(db);
  const base = basename(db);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.startsWith(`${base}.`) && /^(\d+\.)?p[a-z]{2}$/.test(n.slice(base.length + 1)))
    .sort()
    .map((n) => join(dir, n));
}
