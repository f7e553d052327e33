import { describe, expect, it } from 'vitest';
import { formatMarkdownTable, overallScore, scoreTask } from './task-scores';

describe('task scores', () => {
  it('acc and hit@3 for ranking tasks, in percent', () => {
    const s = scoreTask('RuMedTop3', ['A', 'B', 'C', 'D'], [['A', 'x', 'y'], ['x', 'B', 'y'], ['x', 'y', 'z'], ['D', 'C', 'B']]);
    expect(s.acc).toBe(50);
    expect(s.hit3).toBe(75);
    expect(s.score).toBe(62.5);
  });

  it('overall averages each task\'s metrics first, then the five tasks (missing = 0, as the official evaluator)', () => {
    const top3 = scoreTask('RuMedTop3', ['A', 'B'], [['A', 'x', 'y'], ['x', 'y', 'B']]); // 50 / 100 -> 75
    const danet = scoreTask('RuMedDaNet', ['да', 'нет'], ['да', 'да']); // 50
    const ner = scoreTask('RuMedNER', [['B-DI', 'O']], [['B-DI', 'O']]); // 100 / 100 -> 100
    const o = overallScore([ner, top3, danet]);
    expect(o.tasks.map((t) => t.task)).toEqual(['RuMedTop3', 'RuMedDaNet', 'RuMedNER']);
    expect(o.overall).toBeCloseTo((75 + 0 + 50 + 0 + 100) / 5, 12);
    expect(o.overallScored).toBeCloseTo(75, 12);
    expect(o.missing).toEqual(['RuMedSymptomRec', 'RuMedNLI']);
    const md = formatMarkdownTable('x', o);
    expect(md).toContain('| x | 50.00 / 100.00 | – | 50.00 | – | 100.00 / 100.00 | 45.00 (75.00 over 3 scored) |');
  });
});
