import { describe, expect, it, vi } from 'vitest';
import { ChecksumMismatchError, InvalidArgumentError, LabError, ModelInputError } from './lab-error';

describe('LabError', () => {
  it('carries a stable name, code and cause', () => {
    const cause = new Error('disk');
    const e = new LabError('SOME_CODE', 'went wrong', { cause });
    expect(e.name).toBe('LabError');
    expect(e.code).toBe('SOME_CODE');
    expect(e.cause).toBe(cause);
    expect(e).toBeInstanceOf(Error);
  });

  it('subclasses keep their typed fields and own names', () => {
    const e = new ModelInputError('m', 'x', 'shape [batch, 2]', 'shape [3]');
    expect(e.name).toBe('ModelInputError');
    expect(e.code).toBe('MODEL_INPUT');
    expect(e).toMatchObject({ input: 'x', expected: 'shape [batch, 2]', received: 'shape [3]' });
    expect(new ChecksumMismatchError('f', 'a', 'b').message).toContain('replace the file or regenerate the manifest');
    expect(new InvalidArgumentError('k', 'bad k').argument).toBe('k');
  });

  it('isInstance works across duplicated copies of the module, where instanceof does not', async () => {
    vi.resetModules();
    const specifier = './lab-error?copy=2'; // a query string makes vitest evaluate a second copy of the module
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import('./lab-error');
    expect(copy.LabError).not.toBe(LabError);
    const foreign = new copy.InvalidArgumentError('x', 'from another install');
    expect(foreign instanceof LabError).toBe(false);
    expect(LabError.isInstance(foreign)).toBe(true);
    expect(copy.LabError.isInstance(new LabError('A', 'b'))).toBe(true);
    expect(LabError.isInstance(new Error('plain'))).toBe(false);
    expect(LabError.isInstance(null)).toBe(false);
    expect(LabError.isInstance({ code: 'X' })).toBe(false);
  });
});
