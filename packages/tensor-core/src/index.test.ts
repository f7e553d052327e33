import { describe, expect, it } from 'vitest';

describe('public surface', () => {
  it('changes only on purpose', async () => {
    expect(Object.keys(await import('./index')).sort()).toMatchSnapshot();
    expect(Object.keys(await import('./testing')).sort()).toMatchSnapshot();
    expect(Object.keys(await import('./cli-progress')).sort()).toMatchSnapshot();
  });
});
