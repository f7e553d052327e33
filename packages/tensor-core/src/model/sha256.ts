import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * sha256 of a byte buffer, lower-case hex.
 * @param bytes - the data
 */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * sha256 of a file, streamed so that large models need no full copy in memory.
 * @param path - the file
 * @returns lower-case hex digest
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
