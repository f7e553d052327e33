import { describe, expect, it } from 'vitest';
import { syntheticTexts } from './__fixtures__/synthetic-texts';
import { groupDuplicateColumns } from './column-groups';
import { LogisticRegression } from './logistic-regression';
import { CsrMatrix } from './sparse-matrix';
import { TfidfVectorizer } from './tfidf-vectorizer';

describe('groupDuplicateColumns', () => {
  it('merges exactly equal columns and scales them by sqrt(k)', () => {
    const X = CsrMatrix.fromDense([
      [1, 0, 1, 2, 1],
      [0, 3, 0, 0, 0],
      [0.5, 0, 0.5, 0, 0.5],
    ]);
    const g = groupDuplicateColumns(X);
    expect(Array.from(g.group)).toEqual([0, 1, 0, 2, 0]);
    expect(Array.from(g.scale)).toEqual([Math.sqrt(3), 1, 1]);
    expect(g.reduced.toDense().map((r) => Array.from(r))).toEqual([
      [Math.sqrt(3), 0, 2],
      [0, 3, 0],
      [0.5 * Math.sqrt(3), 0, 0],
    ]);
  });

  it('gives the same logistic regression as the unmerged problem', () => {
    const data = syntheticTexts(200, 9);
    const X = new TfidfVectorizer({ analyzer: 'char', ngramRange: [3, 6] }).fitTransform(data.map((d) => d.text));
    const y = data.map((d) => d.label);
    const g = groupDuplicateColumns(X);
    expect(g.reduced.cols).toBeLessThan(X.cols / 2);
    // converged tightly, both reach the same optimum
    const tight = { C: 10, workers: 1, tol: 1e-9, maxIter: 2000 };
    const merged = new LogisticRegression(tight).fitSync(X, y);
    const plain = new LogisticRegression({ ...tight, mergeDuplicateColumns: false }).fitSync(X, y);
    const a = merged.coef;
    const b = plain.coef;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-6);
  });
});
