import { InvalidArgumentError, type ProgressEvent } from '@lab/tensor-core';
import { describe, expect, it } from 'vitest';
import { PROTEIN_RESIDUES } from '../alphabet/protein-alphabet';
import { STANDARD_RESIDUES } from '../alphabet/standard-residues';
import { centerCrop } from '../tokenize/center-crop';
import { ONE_HOT_COLUMNS, ONE_HOT_DEFAULT_LENGTH, OneHotEmbedder, type OneHotAlign } from './one-hot-embedder';
import { SequenceEmbeddingError } from './sequence-embedding-error';

/** Decodes one window back to letters: '.' for a zero row, '*' for the "other" column. */
function decode(x: Float32Array, row: number, L: number): string {
  let s = '';
  for (let i = 0; i < L; i++) {
    const cells = x.subarray((row * L + i) * ONE_HOT_COLUMNS, (row * L + i + 1) * ONE_HOT_COLUMNS);
    const hot = [...cells.keys()].filter((j) => cells[j] !== 0);
    expect(hot.length).toBeLessThanOrEqual(1);
    if (hot.length === 1) expect(cells[hot[0]!]).toBe(1);
    s += hot.length === 0 ? '.' : hot[0] === 20 ? '*' : STANDARD_RESIDUES[hot[0]!];
  }
  return s;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('OneHotEmbedder', () => {
  it('defaults to L = 256, centred: 5,376 values per protein', () => {
    const e = new OneHotEmbedder();
    expect([e.length, e.align, e.dim, e.id, e.name]).toEqual([256, 'center', 256 * 21, 'onehot-v1:L=256:align=center', 'one-hot (L=256, center)']);
    expect(ONE_HOT_DEFAULT_LENGTH).toBe(256);
    expect(PROTEIN_RESIDUES.startsWith(STANDARD_RESIDUES)).toBe(true);
  });

  it('centres short sequences between zero rows and keeps the central residues of long ones (centerCrop)', async () => {
    const e = new OneHotEmbedder({ length: 6 });
    const long = 'ACDEFGHIKLM';
    const x = await e.embedPooled(['MK', 'MKT', long, 'ACDEFG']);
    expect(x.length).toBe(4 * 6 * 21);
    expect(decode(x, 0, 6)).toBe('..MK..');
    expect(decode(x, 1, 6)).toBe('.MKT..');
    expect(decode(x, 2, 6)).toBe(centerCrop(long, 6).sequence);
    expect(decode(x, 2, 6)).toBe('DEFGHI');
    expect(decode(x, 3, 6)).toBe('ACDEFG');
  });

  it("left-aligns with align: 'left' (first L residues, padding at the end)", () => {
    const e = new OneHotEmbedder({ length: 6, align: 'left' });
    expect(e.id).toBe('onehot-v1:L=6:align=left');
    const x = e.embedSync(['MK', 'ACDEFGHIKLM']);
    expect(decode(x, 0, 6)).toBe('MK....');
    expect(decode(x, 1, 6)).toBe('ACDEFG');
  });

  it('puts X, B, U, Z, O (any other letter) in column 20 and reads lower case as upper case', () => {
    const e = new OneHotEmbedder({ length: 8, align: 'left' });
    const x = e.embedSync(['XBUZOJmk', 'MKTAYIAK'.toLowerCase()]);
    expect(decode(x, 0, 8)).toBe('******MK');
    expect(decode(x, 1, 8)).toBe('MKTAYIAK');
    // every standard residue gets its own column, in STANDARD_RESIDUES order
    const all = new OneHotEmbedder({ length: 20, align: 'left' }).embedSync([STANDARD_RESIDUES]);
    for (let i = 0; i < 20; i++) expect(all[i * 21 + i]).toBe(1);
  });

  it('reports progress and refuses bad L, bad align, empty sequences and non-letters with typed errors', async () => {
    const events: ProgressEvent[] = [];
    await new OneHotEmbedder().embedPooled(['MKT', 'MK'], { onProgress: (ev) => events.push(ev) });
    expect(events[0]).toEqual({ completed: 0, total: 2, label: 'one-hot' });
    expect(events.at(-1)).toEqual({ completed: 2, total: 2, label: 'one-hot' });
    for (const length of [0, -3, 2.5, Number.NaN, 2_000_000]) {
      const err = caught(() => new OneHotEmbedder({ length }));
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).argument).toBe('length');
    }
    expect(() => new OneHotEmbedder({ align: 'right' as OneHotAlign })).toThrow(/Supported: center, left/);
    const e = new OneHotEmbedder({ length: 4 });
    const empty = caught(() => e.embedSync(['MK', { name: 'P1', sequence: '' }])) as SequenceEmbeddingError;
    expect(empty).toBeInstanceOf(SequenceEmbeddingError);
    expect([empty.problem, empty.index, empty.sequenceName]).toEqual(['empty', 1, 'P1']);
    const gap = caught(() => e.embedSync(['MK-TAYIAKQR'])) as SequenceEmbeddingError;
    expect(gap.problem).toBe('invalid-sequence');
    expect(gap.message).toMatch(/"-" at position 3/); // outside the kept window, still refused
    await expect(e.embedPooled([null as never])).rejects.toThrow(SequenceEmbeddingError);
  });
});
