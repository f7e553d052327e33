import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ungapSequence } from '../alphabet/ungap-sequence';
import { expectFormatError } from './expect-error.test-helper';
import { parseStockholm, readStockholm, type StockholmAlignment } from './stockholm';

const fixture = (name: string): string => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));

async function collect(path: string): Promise<StockholmAlignment[]> {
  const out: StockholmAlignment[] = [];
  for await (const a of readStockholm(path)) out.push(a);
  return out;
}

const HEAD = '# STOCKHOLM 1.0\n';

describe('Stockholm reader', () => {
  it('reads interleaved blocks, GF/GS/GR/GC markup and several alignments per file', async () => {
    const [a, b, ...rest] = await collect(fixture('synthetic.sto'));
    expect(rest).toEqual([]);
    expect(a!.id).toBe('Synth_dom1');
    expect(a!.accession).toBe('PF99901.3');
    expect(a!.line).toBe(1);
    expect([...a!.sequences]).toEqual([
      ['SYN1_HUMAN/10-25', '..MKTAyIAK-QRQIS..'],
      ['SYN2_MOUSE/3-17', '..MKT-YIAKaQRQIS..'],
    ]);
    expect(a!.markup.gf.get('CC')).toEqual(['First comment line,', 'second comment line.']);
    expect(a!.markup.gf.get('DE')).toEqual(['Synthetic domain for parser tests']);
    expect(a!.markup.gs.get('SYN2_MOUSE/3-17')?.get('AC')).toEqual(['Q99992.2']);
    expect(a!.markup.gr.get('SYN1_HUMAN/10-25')?.get('SS')).toBe('..HHHHHHHH-CCCEE..');
    expect(a!.markup.gc.get('SS_cons')).toBe('..HHHHHHHHCCCCEE..');
    expect(a!.markup.gc.get('RF')).toBe('..xxxxxxxx.xxxxx..');
    expect(b!.id).toBe('Synth_dom2');
    expect(b!.line).toBe(23);
    expect([...b!.sequences.values()].map((s) => ungapSequence(s))).toEqual(['ACDEFGHIK', 'CDEFGHIK']);
  });

  it('reads gzip files and CRLF text alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sto-'));
    const text = `${HEAD}#=GF ID x\ns1 MK-T\ns2 MKAT\n//\n`;
    writeFileSync(join(dir, 'a.sto.gz'), gzipSync(text.replace(/\n/g, '\r\n')));
    const [aln] = await collect(join(dir, 'a.sto.gz'));
    expect([...aln!.sequences.values()]).toEqual(['MK-T', 'MKAT']);
    expect(parseStockholm(text)).toHaveLength(1);
    expect(parseStockholm('')).toEqual([]);
  });

  it('rejects text without the header, and a missing // terminator', async () => {
    const head = await expectFormatError(() => parseStockholm('s1 MKT\n//\n', { source: 'a.sto' }), 'stockholm-header');
    expect([head.file, head.line]).toEqual(['a.sto', 1]);
    const eof = await expectFormatError(() => parseStockholm(`${HEAD}s1 MKT\n`), 'stockholm-unterminated');
    expect(eof.message).toContain('started on line 1');
    const twice = await expectFormatError(() => parseStockholm(`${HEAD}s1 MKT\n${HEAD}s1 MKT\n//\n`), 'stockholm-unterminated');
    expect(twice.line).toBe(3);
  });

  it('rejects malformed lines and unknown markup, with the line', async () => {
    const one = await expectFormatError(() => parseStockholm(`${HEAD}s1\n//\n`), 'stockholm-syntax');
    expect(one.line).toBe(2);
    await expectFormatError(() => parseStockholm(`${HEAD}s1 MK T\n//\n`), 'stockholm-syntax');
    const markup = await expectFormatError(() => parseStockholm(`${HEAD}#=GX foo bar\ns1 MK\n//\n`), 'stockholm-syntax');
    expect(markup.message).toContain('#=GX');
    await expectFormatError(() => parseStockholm(`${HEAD}#=GR s1 SS\ns1 MK\n//\n`), 'stockholm-syntax');
    await expectFormatError(() => parseStockholm(`${HEAD}#=GC SS_cons\ns1 MK\n//\n`), 'stockholm-syntax');
    await expectFormatError(() => parseStockholm(`${HEAD}#=GF\ns1 MK\n//\n`), 'stockholm-syntax');
  });

  it('names line, column, record and residue of an invalid character', async () => {
    const err = await expectFormatError(() => parseStockholm(`${HEAD}s1   MK\ns2   MK\n\ns1   T1\ns2   TT\n//\n`), 'invalid-character');
    expect([err.line, err.column, err.record, err.position]).toEqual([5, 7, 's1', 4]);
  });

  it('rejects duplicates within a block, unequal rows and annotations, unknown GS/GR names, empty alignments', async () => {
    const dup = await expectFormatError(() => parseStockholm(`${HEAD}s1 MK\ns1 MK\n//\n`), 'duplicate-name');
    expect([dup.line, dup.record]).toEqual([3, 's1']);
    const len = await expectFormatError(() => parseStockholm(`${HEAD}#=GF ID fam\ns1 MKT\ns2 MK\n//\n`), 'length-mismatch');
    expect([len.line, len.record]).toEqual([4, 's2']);
    expect(len.message).toContain('alignment "fam"');
    const gc = await expectFormatError(() => parseStockholm(`${HEAD}s1 MKT\n#=GC RF xx\n//\n`), 'length-mismatch');
    expect(gc.message).toContain('#=GC feature "RF" has 2 columns');
    const gr = await expectFormatError(() => parseStockholm(`${HEAD}s1 MKT\n#=GR s2 SS HHH\n//\n`), 'unknown-sequence');
    expect([gr.line, gr.record]).toEqual([3, 's2']);
    await expectFormatError(() => parseStockholm(`${HEAD}#=GS s9 AC P1\ns1 MKT\n//\n`), 'unknown-sequence');
    await expectFormatError(() => parseStockholm(`${HEAD}#=GF ID x\n//\n`), 'empty-alignment');
  });

  it("reads Debian's hmmer-examples alignments when installed", async (ctx) => {
    const roots = ['/usr/share/doc/hmmer-examples', '/usr/share/doc/hmmer/examples', '/usr/share/hmmer'];
    const files: string[] = [];
    const walk = (dir: string, depth: number): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) {
          if (depth < 4) walk(p, depth + 1);
        } else if (/\.(sto|stk)(\.gz)?$/.test(name)) files.push(p);
      }
    };
    for (const r of roots) if (existsSync(r)) walk(r, 0);
    if (files.length === 0) {
      console.log(`skipping the HMMER examples test: no *.sto files under ${roots.join(', ')} (apt-get install hmmer-examples)`);
      ctx.skip();
      return;
    }
    for (const file of files) {
      // HMMER's examples include DNA and RNA alignments; their letters (ACGTU, N) are in the protein alphabet but for N
      // and lower case, so accept any letter here: the test is about the Stockholm syntax
      const alns: StockholmAlignment[] = [];
      for await (const a of readStockholm(file, { alphabet: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-.~_*' })) alns.push(a);
      expect(alns.length, file).toBeGreaterThan(0);
      for (const a of alns) {
        expect(a.sequences.size, file).toBeGreaterThan(0);
        const widths = new Set([...a.sequences.values()].map((s) => s.length));
        expect(widths.size, file).toBe(1);
      }
    }
    // the tutorial's Pfam seeds are protein alignments: they read with the default alphabet too
    const tutorial = files.filter((f) => /tutorial\/(fn3|Pkinase)\.sto$/.test(f));
    for (const file of tutorial) {
      const alns: StockholmAlignment[] = [];
      for await (const a of readStockholm(file)) alns.push(a);
      expect(alns).toHaveLength(1);
      expect(alns[0]!.accession, file).toMatch(/^PF\d{5}\.\d+$/);
      expect(alns[0]!.id, file).toMatch(/^(fn3|Pkinase)$/);
      for (const row of alns[0]!.sequences.values()) expect(ungapSequence(row), file).toMatch(/^[A-Z]+$/);
    }
    console.log(`read ${files.length} HMMER example files (${tutorial.length} tutorial Pfam seeds with the protein alphabet)`);
  });
});
