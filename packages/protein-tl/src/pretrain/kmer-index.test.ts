import { Rng } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { EsmTokenizer } from '../tokenize/esm-tokenizer';
import { encodeResidues } from './encode-residues';
import { KmerIndex } from './kmer-index';
import { SharedKmerFilter } from './shared-kmer-filter';

// SYNTHETIC sequences: seeded random tokens over a small alphabet, so that shared k-mers happen by chance.
function randomTokens(rng: Rng, n: number, alphabet: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = 4 + rng.int(alphabet);
  return out;
}

function bruteShared(labelled: readonly Uint8Array[], query: Uint8Array, k: number): number {
  const set = new Set<string>();
  for (const s of labelled) for (let i = 0; i + k <= s.length; i++) set.add(s.subarray(i, i + k).join(','));
  for (let i = 0; i + k <= query.length; i++) if (set.has(query.subarray(i, i + k).join(','))) return i;
  return -1;
}

function tokens(s: string): Uint8Array {
  const r = encodeResidues(s);
  if (!r.ok) throw new Error(`not residues: ${s}`);
  return r.tokens;
}

describe('encodeResidues', () => {
  it('gives the ids of EsmTokenizer for all 25 residues, either case, rare ones included', () => {
    const tok = new EsmTokenizer();
    const seq = 'ACDEFGHIKLMNPQRSTVWYXBUZO';
    const r = encodeResidues(seq.toLowerCase() + '*');
    expect(r.ok).toBe(true);
    if (r.ok) expect(Array.from(r.tokens)).toEqual(Array.from(tok.encode(seq, { addSpecialTokens: false })));
    if (r.ok) expect(Array.from(r.tokens.subarray(20))).toEqual([24, 25, 26, 27, 28]); // X B U Z O
  });
  it('refuses gaps, inner stops and other letters, naming the first', () => {
    expect(encodeResidues('MK-T')).toEqual({ ok: false, character: '-', position: 2 });
    expect(encodeResidues('MK*T')).toEqual({ ok: false, character: '*', position: 2 });
    expect(encodeResidues('MJK')).toEqual({ ok: false, character: 'J', position: 1 });
    expect(encodeResidues('')).toEqual({ ok: true, tokens: new Uint8Array(0) });
  });
});

describe('KmerIndex', () => {
  it.each([1, 3, 6, 7, 12, 20, 25])('finds exactly the shared %i-mers (brute-force check)', (k) => {
    const rng = new Rng(k);
    const alphabet = k <= 3 ? 20 : 2; // two letters: many chance matches and hash-bucket neighbours for long k
    const labelled = Array.from({ length: 30 }, () => randomTokens(rng, 5 + rng.int(60), alphabet));
    const index = KmerIndex.build(labelled, k);
    let hits = 0;
    for (let q = 0; q < 200; q++) {
      let query = randomTokens(rng, 1 + rng.int(80), alphabet);
      const source = labelled[rng.int(labelled.length)]!;
      if (q % 2 === 1 && source.length >= k) {
        // plant a slice of a labelled sequence, k - 1 .. k + 2 tokens long (one token short misses), in random flanks
        const len = Math.min(source.length, k - 1 + rng.int(4));
        const at = rng.int(source.length - len + 1);
        query = Uint8Array.from([...randomTokens(rng, rng.int(10), alphabet), ...source.subarray(at, at + len), ...randomTokens(rng, rng.int(10), alphabet)]);
      }
      const expected = bruteShared(labelled, query, k);
      expect(index.firstSharedWindow(query)).toBe(expected);
      if (expected >= 0) hits++;
    }
    // every indexed window is found, at an offset holding the same tokens
    const concat = Uint8Array.from(labelled.flatMap((s) => Array.from(s)));
    for (const s of labelled) {
      for (let i = 0; i + k <= s.length; i++) {
        const pos = index.find(s, i);
        expect(pos).toBeGreaterThanOrEqual(0);
        expect(Array.from(concat.subarray(pos, pos + k))).toEqual(Array.from(s.subarray(i, i + k)));
      }
    }
    expect(hits).toBeGreaterThan(0);
    const distinct = new Set(labelled.flatMap((s) => Array.from({ length: Math.max(0, s.length - k + 1) }, (_, i) => s.subarray(i, i + k).join(','))));
    expect(index.size).toBe(distinct.size);
  });

  it('does not match windows that span two indexed sequences', () => {
    const index = KmerIndex.build([tokens('AAAAACCCCC'), tokens('DDDDDEEEEE')], 6);
    expect(index.firstSharedWindow(tokens('CCCCCD'))).toBe(-1);
    expect(index.firstSharedWindow(tokens('GCCCCDDG'))).toBe(-1);
    expect(index.firstSharedWindow(tokens('GGAAACCCG'))).toBe(2);
  });

  it('refuses tokens above 31 and bad k', () => {
    expect(() => KmerIndex.build([new Uint8Array([40, 4, 4])], 2)).toThrow(/5 bits/);
    expect(() => KmerIndex.build([], 0)).toThrow(/positive integer/);
  });
});

describe('SharedKmerFilter', () => {
  const domain = 'MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQ'; // SYNTHETIC
  it('drops a protein that contains a labelled domain, keeps one that differs from it in every window', () => {
    const filter = SharedKmerFilter.fromSequences([tokens(domain)], 20);
    expect(filter.matches(tokens(`GGGGSWWPPH${domain}HHWWYYCC`))).toBe(true);
    expect(filter.matches(tokens(domain.slice(13, 33)))).toBe(true); // exactly one 20-mer
    expect(filter.matches(tokens(domain.slice(13, 32)))).toBe(false); // 19 residues of it
    // a mutation every 19 residues: every 20-window of the domain is broken
    const mutated = [...domain].map((c, i) => (i % 19 === 10 ? (c === 'W' ? 'C' : 'W') : c)).join('');
    for (let i = 0; i + 20 <= mutated.length; i++) expect(domain.includes(mutated.slice(i, i + 20))).toBe(false);
    expect(filter.matches(tokens(`GGGG${mutated}CCCC`))).toBe(false);
    expect(filter.distinctKmers).toBe(domain.length - 19);
  });

  it('matches labelled sequences shorter than k as whole substrings', () => {
    const short = ['MKTAYIAKQRQIS', 'MKTAYIAKQRQISF', 'WWCCHHMMYYPPW']; // SYNTHETIC, 13-14 residues, two share a prefix
    const filter = SharedKmerFilter.fromSequences([...short.map(tokens), tokens(domain)], 20);
    expect(filter.shortSequences).toBe(3);
    expect(filter.matches(tokens('GGGGGMKTAYIAKQRQISGGGG'))).toBe(true);
    expect(filter.matches(tokens('GGGGGMKTAYIAKQRQIGGGGG'))).toBe(false);
    expect(filter.matches(tokens('AAWWCCHHMMYYPPWAA'))).toBe(true);
    expect(filter.matches(tokens('AAWWCCHHMMYYPPAA'))).toBe(false);
    expect(filter.matches(tokens('MKTAYIAKQRQIS'))).toBe(true);
  });
});
