/**
 * FASTA writing: to a string, or streamed to a file (gzip-compressed when the path ends with `.gz`).
 * @packageDocumentation
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { InvalidArgumentError } from '@lab/tensor-core';
import type { FastaRecord } from './fasta-reader';

/** Options of {@link formatFasta} and {@link writeFasta}. */
export interface FastaWriteOptions {
  /** Residues per sequence line; 0 writes each sequence on one line. @default 60 */
  lineWidth?: number;
}

/** Options of {@link writeFasta}. */
export interface WriteFastaOptions extends FastaWriteOptions {
  /** Compress with gzip. @default true when the path ends with `.gz` */
  gzip?: boolean;
}

function checkLineWidth(lineWidth: number): number {
  if (!Number.isInteger(lineWidth) || lineWidth < 0) {
    throw new InvalidArgumentError('lineWidth', `lineWidth must be a non-negative integer (0 for one line per sequence), received ${lineWidth}.`);
  }
  return lineWidth;
}

function formatRecord(rec: FastaRecord, index: number, lineWidth: number): string {
  if (rec.name === '' || /\s/.test(rec.name)) {
    throw new InvalidArgumentError('records', `Record ${index}: the name "${rec.name}" must be non-empty and contain no whitespace.`);
  }
  if (/[\r\n]/.test(rec.description)) {
    throw new InvalidArgumentError('records', `Record ${index} ("${rec.name}"): the description contains a line break.`);
  }
  if (/[\s>]/.test(rec.sequence)) {
    throw new InvalidArgumentError('records', `Record ${index} ("${rec.name}"): the sequence contains whitespace or ">".`);
  }
  const description = rec.description.trim();
  const parts = [`>${rec.name}${description ? ` ${description}` : ''}\n`];
  const seq = rec.sequence;
  if (lineWidth === 0 || seq.length <= lineWidth) {
    if (seq.length > 0) parts.push(seq, '\n');
  } else {
    for (let i = 0; i < seq.length; i += lineWidth) parts.push(seq.slice(i, i + lineWidth), '\n');
  }
  return parts.join('');
}

/**
 * Formats records as FASTA text: `>name description` headers, sequences wrapped at `lineWidth`, `\n` line endings.
 *
 * @remarks What {@link parseFasta} reads back equals the input when names have no whitespace, descriptions have no
 * surrounding whitespace and sequences are in the reader's alphabet. An empty sequence is written as a header alone.
 *
 * @param records - the records
 * @param options - line width
 * @returns the FASTA text
 * @throws InvalidArgumentError for an empty name or one with whitespace, a line break in a description, or whitespace
 * or `>` in a sequence
 * @example
 * ```ts
 * formatFasta([{ name: 'a', description: 'demo', sequence: 'MKTAYIAK' }], { lineWidth: 4 }); // '>a demo\nMKTA\nYIAK\n'
 * ```
 */
export function formatFasta(records: Iterable<FastaRecord>, options: FastaWriteOptions = {}): string {
  const lineWidth = checkLineWidth(options.lineWidth ?? 60);
  const parts: string[] = [];
  let i = 0;
  for (const rec of records) parts.push(formatRecord(rec, i++, lineWidth));
  return parts.join('');
}

/**
 * Streams records to a FASTA file, gzip-compressed when asked (by default when the path ends with `.gz`). The file is
 * written under a temporary name and renamed into place at the end, so that a failure never leaves a partial file.
 *
 * @param path - the output file
 * @param records - the records (an iterable or async iterable, e.g. from {@link readFasta})
 * @param options - line width, gzip
 * @returns the number of records written
 * @throws InvalidArgumentError as {@link formatFasta}
 * @example
 * ```ts
 * await writeFasta('out.fasta.gz', readFasta('in.fasta'), { lineWidth: 80 });
 * ```
 */
export async function writeFasta(
  path: string,
  records: Iterable<FastaRecord> | AsyncIterable<FastaRecord>,
  options: WriteFastaOptions = {},
): Promise<number> {
  const lineWidth = checkLineWidth(options.lineWidth ?? 60);
  const gzip = options.gzip ?? path.endsWith('.gz');
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const file = createWriteStream(tmp);
  const out: Writable = gzip ? createGzip() : file;
  if (gzip) out.pipe(file);
  let n = 0;
  try {
    for await (const rec of records) {
      if (!out.write(formatRecord(rec, n, lineWidth))) await once(out, 'drain');
      n++;
    }
    out.end();
    await finished(file);
    await rename(tmp, path);
  } catch (e) {
    out.destroy();
    file.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
  return n;
}
