/**
 * Opening text files for the streaming readers: gzip detected from the magic bytes, byte progress.
 * @packageDocumentation
 * @internal
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { isGzipFile, throttleProgress, type ProgressCallback } from '@lab/tensor-core';


/**
 * Opens a file (plain or gzip) as a stream of decompressed bytes. `onProgress` receives the bytes of the file read so
 * far (compressed bytes for gzip files) against the file size.
 * @internal
 */
export async function openDecompressed(path: string, onProgress?: ProgressCallback, label = 'reading'): Promise<{ stream: Readable; close: () => void }> {
  const gzip = await isGzipFile(path);
  const total = onProgress ? (await stat(path)).size : 0;
  const raw = createReadStream(path);
  if (onProgress) {
    const report = throttleProgress(onProgress);
    report({ completed: 0, total, label });
    raw.on('data', () => report({ completed: raw.bytesRead, total, label }));
  }
  const stream: Readable = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (e) => stream.destroy(e));
  return { stream, close: () => { stream.destroy(); raw.destroy(); } };
}

/**
 * The lines of a file (plain or gzip), without their line endings (`\n`, `\r\n` or `\r`).
 * @internal
 */
export async function* readTextLines(path: string, onProgress?: ProgressCallback): AsyncGenerator<string> {
  const { stream, close } = await openDecompressed(path, onProgress);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    yield* lines;
  } finally {
    lines.close();
    close();
  }
}

/**
 * Splits a string into lines the way {@link readTextLines} does (`\n`, `\r\n` and `\r` end a line; a final line
 * ending adds no empty line).
 * @internal
 */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
