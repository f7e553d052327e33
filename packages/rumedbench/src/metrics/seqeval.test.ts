import { describe, expect, it } from 'vitest';
import { entityScores, getEntities, tokenAccuracy } from './seqeval';

describe('seqeval (default, conlleval-compatible mode)', () => {
  it('chunks IOB sequences like seqeval', () => {
    expect(getEntities([['B-PER', 'I-PER', 'O', 'B-LOC']])).toEqual([
      { type: 'PER', start: 0, end: 1 },
      { type: 'LOC', start: 3, end: 3 },
    ]);
    // I- after O starts an entity; a type change inside I- splits it
    expect(getEntities([['O', 'I-ADR', 'I-ADR', 'I-DI']])).toEqual([
      { type: 'ADR', start: 1, end: 2 },
      { type: 'DI', start: 3, end: 3 },
    ]);
    // B followed by B gives two entities; sentences are joined with an O
    expect(getEntities([['B-X', 'B-X'], ['I-X']])).toEqual([
      { type: 'X', start: 0, end: 0 },
      { type: 'X', start: 1, end: 1 },
      { type: 'X', start: 3, end: 3 },
    ]);
  });

  it('scores the seqeval README example', () => {
    const gold = [['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']];
    const pred = [['O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']];
    const s = entityScores(gold, pred);
    expect(s.precision).toBe(0.5);
    expect(s.recall).toBe(0.5);
    expect(s.f1).toBe(0.5);
    expect(tokenAccuracy(gold, pred)).toBeCloseTo(0.8, 12);
    expect(s.perType.PER).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 });
  });

  it('gives 0 (not NaN) without entities and checks lengths', () => {
    expect(entityScores([['O']], [['O']]).f1).toBe(0);
    expect(() => tokenAccuracy([['O', 'O']], [['O']])).toThrow('sentence 0: 2 gold tags but 1 predicted');
  });
});
