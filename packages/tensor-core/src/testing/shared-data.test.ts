import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedDataPath } from './shared-data';

describe('sharedDataPath', () => {
  const saved = process.env.LAB_SHARED_DATA;
  afterEach(() => {
    if (saved === undefined) delete process.env.LAB_SHARED_DATA;
    else process.env.LAB_SHARED_DATA = saved;
  });

  it('finds shared/data beside an ancestor directory and resolves paths inside it', () => {
    delete process.env.LAB_SHARED_DATA;
    const root = mkdtempSync(join(tmpdir(), 'shared-'));
    mkdirSync(join(root, 'shared', 'data', 'rumedbench'), { recursive: true });
    const deep = join(root, 'repo', 'packages', 'x', 'src');
    mkdirSync(deep, { recursive: true });
    expect(sharedDataPath([], deep)).toBe(join(root, 'shared', 'data'));
    expect(sharedDataPath(['rumedbench'], deep)).toBe(join(root, 'shared', 'data', 'rumedbench'));
    expect(sharedDataPath(['missing'], deep)).toBeUndefined();
  });

  it('prefers LAB_SHARED_DATA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-data-'));
    process.env.LAB_SHARED_DATA = dir;
    expect(sharedDataPath([], '/')).toBe(dir);
  });
});
