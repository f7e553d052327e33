import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isGzipFile } from './gzip';

describe('isGzipFile', () => {
  it('tells gzip files from plain, empty and one-byte files by the magic bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gzip-'));
    const files = { gz: gzipSync('1 2 3 4\n#END\n'), plain: Buffer.from('1 2 3 4\n'), empty: Buffer.alloc(0), one: Buffer.of(0x1f) };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    expect(await isGzipFile(join(dir, 'gz'))).toBe(true);
    for (const name of ['plain', 'empty', 'one']) expect(await isGzipFile(join(dir, name))).toBe(false);
    await expect(isGzipFile(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
