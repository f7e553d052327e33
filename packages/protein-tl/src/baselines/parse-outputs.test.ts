import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProteinFormatError } from '../errors/protein-format-error';
import { bestHitPerQuery } from './best-hit-per-query';
import { parseBlastTabular } from './parse-blast-tabular';
import { parseHmmerTblout } from './parse-hmmer-tblout';

const FIX = join(__dirname, '__fixtures__');
// SYNTHETIC fixtures: see __fixtures__/README.md
const TRAIN_FAMILY = (t: string): string => ['PF90001.1', 'PF90002.1', 'PF90003.1'][Math.floor(Number(t.slice(1)) / 5)]!;

describe('parseHmmerTblout (SYNTHETIC hmmscan 3.3.2 output)', () => {
  const hits = parseHmmerTblout(readFileSync(join(FIX, 'hmmscan-synthetic.tblout'), 'utf8'), 'hmmscan-synthetic.tblout');
  it('reads every hit row with its numbers and skips comments', () => {
    expect(hits).toHaveLength(6);
    expect(hits[0]).toEqual({
      target: 'PF90001.1',
      targetAccession: '-',
      query: 'q0',
      queryAccession: '-',
      evalue: 8.3e-52,
      score: 161.4,
      bias: 0.9,
      bestDomainEvalue: 9.1e-52,
      bestDomainScore: 161.2,
      description: '-',
    });
    expect(hits.map((h) => `${h.query}:${h.target}`)).toEqual(['q0:PF90001.1', 'q1:PF90001.1', 'q2:PF90002.1', 'q3:PF90002.1', 'q4:PF90003.1', 'q5:PF90003.1']);
  });
  it('keeps multi-word descriptions and rejects short or non-numeric rows with the line', () => {
    const row = 'PF1 PF00001.2 q1 - 1e-5 20.5 0.1 2e-5 20.1 0.1 1.0 1 0 0 1 1 1 1 Seven transmembrane receptor';
    expect(parseHmmerTblout(row)[0]!.description).toBe('Seven transmembrane receptor');
    expect(() => parseHmmerTblout('#c\nPF1 - q1 - 1e-5\n', 'x.tbl')).toThrow(/x\.tbl \(line 2\).*18/);
    try {
      parseHmmerTblout(row.replace('20.5', 'abc'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProteinFormatError);
      expect((e as ProteinFormatError).problem).toBe('invalid-character');
      expect((e as ProteinFormatError).record).toBe('q1');
    }
  });
});

describe('parseBlastTabular (SYNTHETIC blastp 2.12.0+ -outfmt 6 output)', () => {
  const hits = parseBlastTabular(readFileSync(join(FIX, 'blastp-synthetic.tsv'), 'utf8'));
  it('reads the 12 default columns', () => {
    expect(hits).toHaveLength(35);
    expect(hits[0]).toEqual({
      query: 'q0',
      subject: 't3',
      percentIdentity: 74.713,
      alignmentLength: 87,
      mismatches: 22,
      gapOpens: 0,
      queryStart: 4,
      queryEnd: 90,
      subjectStart: 4,
      subjectEnd: 90,
      evalue: 4.53e-46,
      bitScore: 132,
    });
  });
  it('best hit per query by bit score gives each query its family; the random query only chance hits', () => {
    const best = bestHitPerQuery(hits, (h) => ({ query: h.query, score: h.bitScore, evalue: h.evalue }));
    expect([...best.keys()].sort()).toEqual(['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q6']);
    expect(best.get('q6')!.evalue).toBeGreaterThan(1);
    const fam = (q: string): string => TRAIN_FAMILY(best.get(q)!.subject);
    expect(['q0', 'q1', 'q2', 'q3', 'q4', 'q5'].map(fam)).toEqual(['PF90001.1', 'PF90001.1', 'PF90002.1', 'PF90002.1', 'PF90003.1', 'PF90003.1']);
    expect(best.get('q1')!.subject).toBe('t2');
  });
  it('rejects rows with missing or non-numeric columns', () => {
    expect(() => parseBlastTabular('q1\tt1\t99\n', 'b.tsv')).toThrow(/b\.tsv \(line 1\).*12/);
    expect(() => parseBlastTabular('q1\tt1\t99\t10\t0\t0\t1\t10\t1\t10\tNaN\t50\n')).toThrow(ProteinFormatError);
  });
});

describe('bestHitPerQuery', () => {
  it('takes the highest score, ties to the lower E-value, then the first', () => {
    const hits = [
      { q: 'a', s: 10, e: 1e-3, id: 1 },
      { q: 'a', s: 12, e: 1e-2, id: 2 },
      { q: 'a', s: 12, e: 1e-4, id: 3 },
      { q: 'b', s: 5, e: 1, id: 4 },
      { q: 'b', s: 5, e: 1, id: 5 },
    ];
    const best = bestHitPerQuery(hits, (h) => ({ query: h.q, score: h.s, evalue: h.e }));
    expect(best.get('a')!.id).toBe(3);
    expect(best.get('b')!.id).toBe(4);
  });
});
