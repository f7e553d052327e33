import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { InvalidArgumentError } from '@lab/tensor-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTEIN_ALPHABET } from '../alphabet/protein-alphabet';
import { expectFormatError } from './expect-error.test-helper';
import { parseFasta, readFasta, type FastaReadOptions, type FastaRecord } from './fasta-reader';
import { formatFasta, writeFasta } from './fasta-writer';

const fixture = (name: string): string => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

async function collect(path: string, options?: FastaReadOptions): Promise<FastaRecord[]> {
  const out: FastaRecord[] = [];
  for await (const r of readFasta(path, options)) out.push(r);
  return out;
}

describe('FASTA reader', () => {
  it('joins wrapped lines, keeps descriptions, accepts rare residues and gaps, skips blank lines', async () => {
    const recs = await collect(fixture('wrapped.fasta'));
    expect(recs).toEqual([
      { name: 'seq1', description: 'SYNTHETIC wrapped at 10 residues', sequence: 'MKTAYIAKQRQISFVKSHFSRQ' },
      { name: 'seq2|X', description: 'SYNTHETIC rare residues and gaps', sequence: 'MXBUZO--..ACDEFGHIKL' },
      { name: 'seq3', description: '', sequence: 'M' },
    ]);
  });

  it('reads Windows and old Mac line endings, a BOM, and gzip files like plain ones', async () => {
    const crlf = await collect(fixture('crlf.fasta'));
    expect(crlf).toEqual([
      { name: 'crlf1', description: 'SYNTHETIC windows line endings', sequence: 'MKTAYIAK' },
      { name: 'crlf2', description: '', sequence: 'QRQI' },
    ]);
    expect(parseFasta('\ufeff>a\rMK\rTA\r')).toEqual([{ name: 'a', description: '', sequence: 'MKTA' }]);
    const dir = mkdtempSync(join(tmpdir(), 'fasta-'));
    const gz = join(dir, 'x.fa.gz');
    writeFileSync(gz, gzipSync(`>a  desc  \nMK TA\t\n`));
    expect(await collect(gz)).toEqual([{ name: 'a', description: 'desc', sequence: 'MKTA' }]);
  });

  it('reports byte progress', async () => {
    let last = { completed: 0, total: 0 };
    await collect(fixture('wrapped.fasta'), { onProgress: (e) => (last = { completed: e.completed, total: e.total ?? -1 }) });
    expect(last.completed).toBe(last.total);
    expect(last.total).toBeGreaterThan(0);
  });

  it('names the line of a header without a name', async () => {
    const err = await expectFormatError(() => parseFasta('>a\nMK\n>   \nMK\n', { source: 'x.fa' }), 'empty-name');
    expect(err.file).toBe('x.fa');
    expect([err.line, err.column]).toEqual([3, 2]);
    expect(err.message).toMatch(/^x\.fa \(line 3, column 2\): header ">" has no name/);
  });

  it('rejects an empty sequence unless allowEmpty', async () => {
    const err = await expectFormatError(() => parseFasta('>a\nMK\n>b desc\n\n>c\nM\n'), 'empty-sequence');
    expect([err.line, err.record]).toEqual([3, 'b']);
    const last = await expectFormatError(() => parseFasta('>a\nMK\n>z'), 'empty-sequence');
    expect([last.line, last.record]).toEqual([3, 'z']);
    expect(parseFasta('>b\n>c\nM\n', { allowEmpty: true }).map((r) => r.sequence)).toEqual(['', 'M']);
  });

  it('names line, column, record and residue of a character outside the alphabet', async () => {
    const err = await expectFormatError(() => parseFasta('>a\nMKTA\n>b\nMK\nQR J\n', { source: 'y.fa' }), 'invalid-character');
    expect([err.line, err.column, err.record, err.position]).toEqual([5, 4, 'b', 5]);
    expect(err.message).toBe(
      `y.fa (line 5, column 4, record "b", residue 5): invalid character "J" in the sequence; allowed: ${PROTEIN_ALPHABET}.`,
    );
    const star = await expectFormatError(() => parseFasta('>a\nMK*\n'), 'invalid-character');
    expect(star.column).toBe(3);
    expect(parseFasta('>a\nMK*\n', { alphabet: `${PROTEIN_ALPHABET}*` })[0]!.sequence).toBe('MK*');
    const ctrl = await expectFormatError(() => parseFasta('>a\nMK\u0001\n'), 'invalid-character');
    expect(ctrl.message).toContain('U+0001');
  });

  it('handles lower case by option: error (default), keep, upper', async () => {
    const err = await expectFormatError(() => parseFasta('>a\nMKta\n'), 'lowercase');
    expect([err.line, err.column, err.record, err.position]).toEqual([2, 3, 'a', 3]);
    expect(err.message).toContain("lowercase: 'upper'");
    expect(parseFasta('>a\nMKta\n', { lowercase: 'keep' })[0]!.sequence).toBe('MKta');
    expect(parseFasta('>a\nMKta\n', { lowercase: 'upper' })[0]!.sequence).toBe('MKTA');
    // 'j' is lower case but J is not in the alphabet: still an invalid character
    await expectFormatError(() => parseFasta('>a\nMKj\n', { lowercase: 'upper' }), 'invalid-character');
  });

  it('handles duplicate names by option: error (default), keep, rename', async () => {
    const text = '>a\nM\n>b\nK\n>a x\nT\n>a\nA\n>a_2\nY\n';
    const err = await expectFormatError(() => parseFasta(text), 'duplicate-name');
    expect([err.line, err.record]).toEqual([5, 'a']);
    expect(err.message).toContain('first seen on line 1');
    expect(parseFasta(text, { onDuplicate: 'keep' }).map((r) => r.name)).toEqual(['a', 'b', 'a', 'a', 'a_2']);
    // 'rename' picks the first free suffix; a later record that happens to carry that name is then itself renamed
    expect(parseFasta(text, { onDuplicate: 'rename' }).map((r) => r.name)).toEqual(['a', 'b', 'a_2', 'a_3', 'a_2_2']);
  });

  it('rejects sequence data before the first header', async () => {
    const err = await expectFormatError(() => parseFasta('\nMKT\n>a\nM\n'), 'missing-header');
    expect([err.line, err.column]).toEqual([2, 1]);
  });

  it('raises the error from the streaming reader too, naming the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fasta-'));
    const path = join(dir, 'bad.fa');
    writeFileSync(path, '>a\r\nMK\r\n>b\r\nM1\r\n');
    const err = await expectFormatError(() => collect(path), 'invalid-character');
    expect([err.file, err.line, err.column]).toEqual([path, 4, 2]);
  });

  it('refuses unsupported option values', () => {
    expect(() => parseFasta('>a\nM\n', { onDuplicate: 'drop' as never })).toThrow(InvalidArgumentError);
    expect(() => parseFasta('>a\nM\n', { lowercase: 'lower' as never })).toThrow(/Supported: error, keep, upper/);
  });
});

describe('FASTA writer', () => {
  it('wraps lines and round-trips through a file, plain and gzip', async () => {
    const recs: FastaRecord[] = [
      { name: 'a', description: 'demo', sequence: 'MKTAYIAK' },
      { name: 'b', description: '', sequence: 'QR' },
    ];
    expect(formatFasta(recs, { lineWidth: 4 })).toBe('>a demo\nMKTA\nYIAK\n>b\nQR\n');
    expect(formatFasta(recs, { lineWidth: 0 })).toBe('>a demo\nMKTAYIAK\n>b\nQR\n');
    const dir = mkdtempSync(join(tmpdir(), 'fasta-w-'));
    for (const name of ['o.fa', 'o.fa.gz']) {
      expect(await writeFasta(join(dir, name), recs, { lineWidth: 3 })).toBe(2);
      expect(await collect(join(dir, name))).toEqual(recs);
    }
  });

  it('refuses records it could not write faithfully', async () => {
    expect(() => formatFasta([{ name: 'a b', description: '', sequence: 'M' }])).toThrow(InvalidArgumentError);
    expect(() => formatFasta([{ name: 'a', description: 'x\ny', sequence: 'M' }])).toThrow(/line break/);
    expect(() => formatFasta([{ name: 'a', description: '', sequence: 'M K' }])).toThrow(/whitespace/);
    expect(() => formatFasta([], { lineWidth: -1 })).toThrow(InvalidArgumentError);
    const dir = mkdtempSync(join(tmpdir(), 'fasta-w-'));
    await expect(writeFasta(join(dir, 'x.fa'), [{ name: '', description: '', sequence: 'M' }])).rejects.toThrow(InvalidArgumentError);
  });

  it('parseFasta(formatFasta(records)) returns the records (property)', () => {
    const name = fc.stringMatching(/^[!-~]{1,12}$/).filter((s) => !s.startsWith('>'));
    const description = fc.stringMatching(/^([!-~]+( [!-~]+)*)?$/);
    const sequence = fc.stringMatching(new RegExp(`^[${PROTEIN_ALPHABET.replace('-', '\\-')}]{1,200}$`));
    const records = fc.uniqueArray(fc.record({ name, description, sequence }), { selector: (r) => r.name, maxLength: 8 });
    fc.assert(
      fc.property(records, fc.integer({ min: 0, max: 70 }), fc.constantFrom('\n', '\r\n'), (recs, lineWidth, eol) => {
        const text = formatFasta(recs, { lineWidth }).replace(/\n/g, eol);
        expect(parseFasta(text)).toEqual(recs);
      }),
      { numRuns: 200 },
    );
  });
});
