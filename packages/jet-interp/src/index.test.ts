import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('@lab/jet-interp public surface', () => {
  it('exports exactly the placeholder surface', () => {
    expect(Object.keys(api).sort()).toEqual(['VERSION']);
  });

  it('reports the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(api.VERSION).toBe(pkg.version);
    expect(api.VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});
