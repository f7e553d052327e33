/**
 * Format sniffing shared by the packages' streaming readers.
 * @packageDocumentation
 */
import { open } from 'node:fs/promises';

/**
 * Whether a file is gzip-compressed: true when it starts with the gzip magic bytes 1f 8b.
 * @param path - the file
 * @returns true for a gzip file (an empty or one-byte file is not)
 * @throws the file system's error when the file cannot be opened
 * @example
 * ```ts
 * const stream = (await isGzipFile(path)) ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
 * ```
 */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}
