import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@lab/protein-tl public surface', () => {
  it('changes only on purpose', () => {
    expect(Object.keys(api).sort()).toMatchSnapshot();
  });

  it('reports the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(api.VERSION).toBe(pkg.version);
    expect(api.VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});
