import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { InvalidArgumentError } from '@lab/tensor-core';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { describe, expect, it } from 'vitest';
import { ungapSequence } from '../alphabet/ungap-sequence';
import { expectFormatError } from './expect-error.test-helper';
import { detectPfamLayout, parsePfamCsv, readPfamCsv, type PfamCsvHeader, type PfamCsvOptions, type PfamRecord } from './pfam-csv';

const fixture = (name: string): string => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

async function collect(path: string, options?: PfamCsvOptions): Promise<PfamRecord[]> {
  const out: PfamRecord[] = [];
  for await (const r of readPfamCsv(path, options)) out.push(r);
  return out;
}

describe('Pfam CSV layouts', () => {
  it('detects the layout from the header, in any column order', () => {
    expect(detectPfamLayout(['family_accession', 'sequence'])).toBe('accession-sequence');
    expect(detectPfamLayout(['sequence', ' family_accession ', ''])).toBe('accession-sequence');
    expect(detectPfamLayout(['family_id', 'sequence_name', 'family_accession', 'aligned_sequence', 'sequence'])).toBe('pfam-seed-split');
    expect(detectPfamLayout(['accession', 'seq'])).toBeUndefined();
  });

  it('reads the Kaggle seed-split layout with quoting and all five columns', async () => {
    let header: PfamCsvHeader | undefined;
    const rows = await collect(fixture('seed-split.csv'), { onHeader: (h) => (header = h) });
    expect(header?.layout).toBe('pfam-seed-split');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      familyAccession: 'PF99901.3',
      sequence: 'MKTAYIAKQRQIS',
      familyId: 'Synth_dom1',
      sequenceName: 'SYN1_HUMAN/10-25',
      alignedSequence: '..MKTAyIAK-QRQIS..',
      line: 2,
    });
    expect(rows[2]!.sequenceName).toBe('SYN3_YEAST/1-9');
    for (const r of rows) expect(ungapSequence(r.alignedSequence!)).toBe(r.sequence);
  });

  it('reads the two-column layout from strings and gzip files, with CRLF, a BOM and blank lines', async () => {
    const text = '\ufefffamily_accession,sequence\r\nPF00001.21,MKTA\r\n\r\n"PF00002.24","MK\r\nT"\r\n';
    const rows = await parsePfamCsv(text.replace('"MK\r\nT"', 'MKT'));
    expect(rows).toEqual([
      { familyAccession: 'PF00001.21', sequence: 'MKTA', line: 2 },
      { familyAccession: 'PF00002.24', sequence: 'MKT', line: 4 },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'pfam-'));
    writeFileSync(join(dir, 'x.csv.gz'), gzipSync('family_accession,sequence\nPF1.1,MK\n'));
    expect(await collect(join(dir, 'x.csv.gz'))).toEqual([{ familyAccession: 'PF1.1', sequence: 'MK', line: 2 }]);
  });

  it('reports the 1-based line where a row starts, also after a quoted line break', async () => {
    const err = await expectFormatError(() => parsePfamCsv('family_accession,sequence\nPF1.1,"MK\nTA"\nPF1.1,MJ\n'), 'invalid-character');
    // the quoted field holds a line break, so it is an invalid character on line 2 ...
    expect([err.line, err.field, err.position]).toEqual([2, 'sequence', 3]);
    const err2 = await expectFormatError(() => parsePfamCsv('family_accession,sequence\nPF1.1,"MK"\n\nPF1.1,MJ\n'), 'invalid-character');
    // ... and a blank line counts
    expect([err2.line, err2.field, err2.position]).toEqual([4, 'sequence', 2]);
    expect(err2.message).toMatch(/^<text> \(line 4, column "sequence", residue 2\): invalid character "J"/);
  });

  it('rejects an unknown header, naming the missing columns and the supported headers', async () => {
    const err = await expectFormatError(() => parsePfamCsv('accession,seq\nPF1.1,MK\n', { source: 'a.csv' }), 'missing-column');
    expect([err.file, err.line, err.field]).toEqual(['a.csv', 1, 'family_accession']);
    expect(err.message).toContain('lacks the columns family_accession, sequence');
    expect(err.message).toContain('family_id,sequence_name,family_accession,aligned_sequence,sequence');
    const forced = await expectFormatError(() => parsePfamCsv('family_accession,sequence\n', { layout: 'pfam-seed-split' }), 'missing-column');
    expect(forced.message).toContain('"pfam-seed-split" layout');
    await expectFormatError(() => parsePfamCsv('family_accession,sequence,sequence\n'), 'missing-column');
    await expectFormatError(() => parsePfamCsv(''), 'empty-file');
  });

  it('rejects rows with another number of fields, naming the line', async () => {
    const err = await expectFormatError(() => parsePfamCsv('family_accession,sequence\nPF1.1,MK\nPF1.1,MK,extra\n'), 'field-count');
    expect(err.line).toBe(3);
    expect(err.message).toContain('expected 2 fields (family_accession, sequence), found 3');
    const short = await expectFormatError(() => parsePfamCsv('family_accession,sequence\nPF1.1\n'), 'field-count');
    expect(short.line).toBe(2);
  });

  it('turns broken quoting into a typed error with the line', async () => {
    const open = await expectFormatError(() => parsePfamCsv('family_accession,sequence\nPF1.1,"MK\n'), 'csv-syntax');
    expect(open.line).toBe(2);
    expect(open.message).toContain('CSV_QUOTE_NOT_CLOSED');
    const quote = await expectFormatError(() => parsePfamCsv('family_accession,sequence\nPF1.1,MK\nPF1.1,M"K\n'), 'csv-syntax');
    expect(quote.line).toBe(3);
  });

  it('rejects empty fields, whitespace in accessions, and lower case unless asked', async () => {
    const acc = await expectFormatError(() => parsePfamCsv('family_accession,sequence\n,MK\n'), 'empty-field');
    expect([acc.line, acc.field]).toEqual([2, 'family_accession']);
    const seq = await expectFormatError(() => parsePfamCsv('family_accession,sequence\nPF1.1,\n'), 'empty-sequence');
    expect([seq.line, seq.field]).toEqual([2, 'sequence']);
    const ws = await expectFormatError(() => parsePfamCsv('family_accession,sequence\nPF1 .1,MK\n'), 'invalid-label');
    expect(ws.field).toBe('family_accession');
    const gap = await expectFormatError(() => parsePfamCsv('family_accession,sequence\nPF1.1,MK-T\n'), 'invalid-character');
    expect(gap.position).toBe(3);
    const lower = await expectFormatError(() => parsePfamCsv('family_accession,sequence\nPF1.1,MKt\n'), 'lowercase');
    expect([lower.line, lower.field, lower.position]).toEqual([2, 'sequence', 3]);
    expect((await parsePfamCsv('family_accession,sequence\nPF1.1,MKt\n', { lowercase: 'upper' }))[0]!.sequence).toBe('MKT');
    const aligned = 'family_id,sequence_name,family_accession,aligned_sequence,sequence\nd,n/1-2,PF1.1,MK*,MK\n';
    const bad = await expectFormatError(() => parsePfamCsv(aligned), 'invalid-character');
    expect([bad.field, bad.position]).toEqual(['aligned_sequence', 3]);
    await expect(parsePfamCsv('family_accession,sequence\n', { layout: 'other' as never })).rejects.toThrow(InvalidArgumentError);
  });

  it('reads a real shard of the shared Pfam subset (test_100.csv, the smallest)', async (ctx) => {
    const file = sharedDataPath(['pfam', 'test_100.csv']);
    if (!file) {
      console.log('skipping the real-data Pfam test: shared/data/pfam/test_100.csv is not available (add ../shared or set LAB_SHARED_DATA)');
      ctx.skip();
      return;
    }
    let header: PfamCsvHeader | undefined;
    const families = new Set<string>();
    let n = 0;
    let lastLine = 0;
    for await (const row of readPfamCsv(file, { onHeader: (h) => (header = h) })) {
      families.add(row.familyAccession);
      expect(row.familyAccession).toMatch(/^PF\d{5}\.\d+$/);
      expect(row.line).toBe(lastLine === 0 ? 2 : lastLine + 1);
      lastLine = row.line;
      n++;
    }
    expect(header).toEqual({ layout: 'accession-sequence', columns: ['family_accession', 'sequence'] });
    expect(n).toBe(1611); // shared/README.md: 1,611 rows over the 100 families of the *_100 files
    expect(families.size).toBe(100);
  });
});
