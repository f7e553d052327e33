import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LabError, Rng, readNpy, type ProgressEvent } from '@lab/tensor-core';
import { sharedDataPath } from '@lab/tensor-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalToolError } from '../baselines/external-tool-error';
import { findTools } from '../baselines/find-tools';
import { corpusCommand, detectCorpusSource } from '../cli/corpus-command';
import { readPfamCsv } from '../io/pfam-csv';
import { ESM2_VOCAB } from '../tokenize/esm-vocab';
import { writePretrainingCorpus, type PretrainingCorpusManifest } from './write-pretraining-corpus';

// Every sequence here is SYNTHETIC: seeded random residues, a made-up "labelled domain" and variants of it.
function protein(rng: Rng, n: number): string {
  const aa = 'ACDEFGHIKLMNPQRSTVWY';
  let s = '';
  for (let i = 0; i < n; i++) s += aa[rng.int(20)];
  return s;
}

const rng = new Rng(7);
const DOMAIN = protein(rng, 70); // the labelled sequence (SYNTHETIC)
const MUTATED = [...DOMAIN].map((c, i) => (i % 19 === 10 ? (c === 'W' ? 'C' : 'W') : c)).join(''); // no intact 20-window
const P = {
  plain: protein(rng, 80),
  rare: `${protein(rng, 20)}XBUZO${protein(rng, 20)}`,
  withDomain: `${protein(rng, 30)}${DOMAIN}${protein(rng, 25)}`,
  mutated: `${protein(rng, 12)}${MUTATED}${protein(rng, 12)}`,
  stop: `${protein(rng, 40)}*`,
  short: protein(rng, 29),
  gap: `${protein(rng, 20)}-${protein(rng, 20)}`,
  second: protein(rng, 300),
  more: Array.from({ length: 12 }, () => protein(rng, 30 + rng.int(60))),
};

function fasta(records: Array<[string, string]>): string {
  return records.map(([name, seq]) => `>${name} SYNTHETIC\n${seq.match(/.{1,60}/g)!.join('\n')}\n`).join('');
}

let dir: string;
let fastaA: string;
let fastaB: string;
let labelledCsv: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pretrain-corpus-'));
  fastaA = join(dir, 'a.fasta');
  fastaB = join(dir, 'b.fasta.gz');
  labelledCsv = join(dir, 'labelled', 'test.csv');
  await writeFile(
    fastaA,
    fasta([
      ['p1', P.plain],
      ['p1_copy', P.plain.toLowerCase()],
      ['rare', P.rare],
      ['with_domain', P.withDomain],
      ['mutated', P.mutated],
      ['stop', P.stop],
      ['short', P.short],
      ['gap', P.gap],
      ...P.more.map((s, i): [string, string] => [`more${i}`, s]),
    ]),
  );
  await writeFile(fastaB, gzipSync(fasta([['again', P.plain], ['second', P.second]])));
  await mkdir(join(dir, 'labelled'));
  await writeFile(labelledCsv, `family_accession,sequence\nPF99999.1,${DOMAIN}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function readCorpus(out: string): Promise<{ manifest: PretrainingCorpusManifest; train: string[]; valid: string[] }> {
  const manifest = JSON.parse(await readFile(join(out, 'corpus.json'), 'utf8')) as PretrainingCorpusManifest;
  const decode = async (tokensFile: string, offsetsFile: string): Promise<string[]> => {
    const tokens = await readNpy(join(out, tokensFile));
    const offsets = await readNpy(join(out, offsetsFile));
    expect(tokens.dtype).toBe('uint8');
    expect(offsets.dtype).toBe('int64');
    const off = Array.from(offsets.data as BigInt64Array, Number);
    expect(off[0]).toBe(0);
    expect(off[off.length - 1]).toBe(tokens.data.length);
    return off.slice(1).map((end, i) => Array.from((tokens.data as Uint8Array).subarray(off[i]!, end), (t) => ESM2_VOCAB[t]!).join(''));
  };
  return {
    manifest,
    train: await decode(manifest.files.tokens, manifest.files.offsets),
    valid: await decode(manifest.files.validTokens, manifest.files.validOffsets),
  };
}

describe('writePretrainingCorpus (SYNTHETIC FASTA)', () => {
  it('dedupes, keeps rare residues, drops short, invalid and labelled-k-mer proteins, and counts each reason', async () => {
    const out = join(dir, 'out1');
    const events: ProgressEvent[] = [];
    const m = await writePretrainingCorpus({
      out,
      sources: [{ type: 'fasta', path: fastaA }, { type: 'fasta', path: fastaB }],
      exclude: [labelledCsv],
      validFraction: 0.2,
      seed: 3,
      onProgress: (e) => events.push(e),
    });
    const [a, b] = m.sources;
    expect(a).toMatchObject({ read: 20, kept: 16, duplicate: 1, tooShort: 1, invalid: 1, excluded: 1 });
    expect(b).toMatchObject({ read: 2, kept: 1, duplicate: 1, tooShort: 0, invalid: 0, excluded: 0 });
    expect(m.counts).toMatchObject({ read: 22, kept: 17, duplicate: 2, excluded: 1 });
    expect(m.invalidCharacters).toEqual({ '-': 1 });
    expect(m.exclusion).toMatchObject({ k: 20, labelledSequences: 1, distinctKmers: DOMAIN.length - 19, excludedProteins: 1 });
    expect(m.exclusion.files[0]).toMatchObject({ path: labelledCsv, sequences: 1 });
    expect(m.exclusion.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a!.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.valid.proteins).toBe(Math.round(0.2 * 17));
    expect(m.train.proteins + m.valid.proteins).toBe(17);
    expect(m.description).toMatch(/never sees a labelled sequence/);
    expect(m.vocab).toEqual([...ESM2_VOCAB]);

    const { train, valid } = await readCorpus(out);
    const kept = [P.plain, P.rare, P.mutated, P.stop.slice(0, -1), ...P.more, P.second];
    expect([...train, ...valid].sort()).toEqual(kept.sort());
    expect(valid.length).toBe(m.valid.proteins);
    expect(m.train.residues).toBe(train.join('').length);
    expect(train.join('')).not.toContain(DOMAIN.slice(0, 20));
    // rare residues are their own ESM tokens
    expect(train.concat(valid)).toContain(P.rare);
    expect(events.length).toBeGreaterThan(0);
    const last = events[events.length - 1]!;
    expect(last.completed).toBe(last.total);
  });

  it('shuffles with the seed: same seed, same arrays; another seed, another order', async () => {
    const opts = { sources: [{ type: 'fasta' as const, path: fastaA }], validFraction: 0.1, checksums: false };
    await writePretrainingCorpus({ ...opts, out: join(dir, 's1'), seed: 11 });
    await writePretrainingCorpus({ ...opts, out: join(dir, 's2'), seed: 11 });
    await writePretrainingCorpus({ ...opts, out: join(dir, 's3'), seed: 12 });
    const bytes = (d: string, f: string) => readFile(join(dir, d, f));
    expect((await bytes('s1', 'tokens.npy')).equals(await bytes('s2', 'tokens.npy'))).toBe(true);
    expect((await bytes('s1', 'offsets.npy')).equals(await bytes('s2', 'offsets.npy'))).toBe(true);
    const a = await readCorpus(join(dir, 's1'));
    const c = await readCorpus(join(dir, 's3'));
    expect(a.train.concat(a.valid)).not.toEqual(c.train.concat(c.valid));
    expect([...a.train, ...a.valid].sort()).toEqual([...c.train, ...c.valid].sort());
    expect(a.manifest.exclusion.labelledSequences).toBe(0);
    expect(a.manifest.sources[0]!.files[0]!.sha256).toBeNull();
  });

  it('keeps the labelled proteins with no exclusion, and honours minLength and kmer', async () => {
    const m = await writePretrainingCorpus({
      out: join(dir, 'out-k'),
      sources: [{ type: 'fasta', path: fastaA }],
      excludeSequences: [DOMAIN.slice(5, 35)],
      kmer: 31,
      minLength: 10,
      validFraction: 0,
      checksums: false,
    });
    // the 30-residue labelled slice is shorter than k = 31: matched whole, so with_domain is still dropped
    expect(m.sources[0]).toMatchObject({ excluded: 1, tooShort: 0, kept: 17 });
    expect(m.exclusion.shortSequences).toBe(1);
    expect(m.valid.proteins).toBe(0);
  });

  it('refuses bad options', async () => {
    const base = { out: join(dir, 'bad'), sources: [{ type: 'fasta' as const, path: fastaA }] };
    await expect(writePretrainingCorpus({ ...base, kmer: 0 })).rejects.toThrow(/kmer must be an integer/);
    await expect(writePretrainingCorpus({ ...base, validFraction: 1 })).rejects.toThrow(/validFraction/);
    await expect(writePretrainingCorpus({ ...base, sources: [{ type: 'fasta', path: join(dir, 'nope.fa') }] })).rejects.toThrow(/cannot be read/);
    await expect(writePretrainingCorpus({ ...base, minLength: 10_000 })).rejects.toThrow(/No protein is left/);
  });

  it('names ncbi-blast+ when blastdbcmd is missing', async () => {
    const err = await writePretrainingCorpus({
      out: join(dir, 'missing'),
      sources: [{ type: 'blastdb', path: join(dir, 'db') }],
      blastdbcmd: 'protein-tl-no-such-blastdbcmd',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalToolError);
    expect(LabError.isInstance(err) && err.code).toBe('EXTERNAL_TOOL');
    expect((err as ExternalToolError).problem).toBe('missing');
    expect((err as ExternalToolError).aptPackage).toBe('ncbi-blast+');
    expect((err as Error).message).toMatch(/apt-get install ncbi-blast\+/);
  });
});

const blast = findTools(['makeblastdb', 'blastdbcmd']);
if (!blast.ok) console.log(`skipping the BLAST database corpus test: ${blast.reason}`);

describe.skipIf(!blast.ok)('writePretrainingCorpus from a BLAST database (SYNTHETIC, makeblastdb)', () => {
  it('reads the same proteins through blastdbcmd as from the FASTA file, and checksums the database files', async () => {
    const db = join(dir, 'blast', 'synthetic.fasta'); // named like metastudent-data's goasp.fasta databases
    await mkdir(join(dir, 'blast'));
    const r = spawnSync('makeblastdb', ['-in', fastaA, '-dbtype', 'prot', '-out', db], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(detectCorpusSource(db)).toEqual({ type: 'blastdb', path: db });
    expect(detectCorpusSource(fastaA)).toEqual({ type: 'fasta', path: fastaA });
    await writePretrainingCorpus({ out: join(dir, 'via-fasta'), sources: [{ type: 'fasta', path: fastaA }], exclude: [labelledCsv], checksums: false });
    const fromFasta = await readCorpus(join(dir, 'via-fasta'));
    const { manifest, summary } = await corpusCommand({ out: join(dir, 'via-blast'), inputs: [db], exclude: [join(dir, 'labelled')] });
    expect(manifest.sources[0]).toMatchObject({ type: 'blastdb', read: 20, kept: 16, duplicate: 1, tooShort: 1, invalid: 1, excluded: 1 });
    expect(manifest.sources[0]!.files.map((f) => f.path.slice(db.length))).toEqual(expect.arrayContaining(['.phr', '.pin', '.psq']));
    expect(manifest.sources[0]!.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256!))).toBe(true);
    expect(summary).toMatch(/blastdb .*read 20, kept 16/);
    expect(summary).toMatch(/1 proteins left out/);
    const fromBlast = await readCorpus(join(dir, 'via-blast'));
    expect([...fromBlast.train, ...fromBlast.valid].sort()).toEqual([...fromFasta.train, ...fromFasta.valid].sort());
  });
});

const pfam = sharedDataPath(['pfam', 'test_100.csv']);
if (pfam === undefined) console.log('skipping the real-Pfam exclusion test: shared/data/pfam/test_100.csv is not available (add ../shared)');

describe.skipIf(pfam === undefined)('exclusion of real labelled Pfam sequences', () => {
  it('drops a SYNTHETIC protein that embeds a test_100.csv domain, keeps one with that domain mutated every 19 residues', async () => {
    const rows: string[] = [];
    for await (const row of readPfamCsv(pfam!)) rows.push(row.sequence);
    const domain = rows.find((s) => s.length >= 60 && /^[ACDEFGHIKLMNPQRSTVWY]+$/.test(s))!;
    const mutated = [...domain].map((c, i) => (i % 19 === 10 ? (c === 'W' ? 'C' : 'W') : c)).join('');
    const r = new Rng(99);
    const embed = `${protein(r, 40)}${domain}${protein(r, 40)}`;
    const near = `${protein(r, 40)}${mutated}${protein(r, 40)}`;
    const file = join(dir, 'pfam-probe.fasta');
    await writeFile(file, fasta([['embeds_test_domain', embed], ['mutated_test_domain', near]]));
    const m = await writePretrainingCorpus({ out: join(dir, 'pfam-out'), sources: [{ type: 'fasta', path: file }], exclude: [pfam!], validFraction: 0, checksums: false });
    expect(m.exclusion.labelledSequences).toBe(rows.length);
    expect(m.sources[0]).toMatchObject({ read: 2, excluded: 1, kept: 1 });
    const { train } = await readCorpus(join(dir, 'pfam-out'));
    expect(train).toEqual([near]);
  });
});
