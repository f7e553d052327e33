import { InvalidArgumentError } from '@lab/tensor-core';
import { expect } from 'vitest';

/** Test support: asserts that `fn` throws an InvalidArgumentError naming `field` (in the error and its message). */
export function expectArgumentError(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as InvalidArgumentError).argument).toBe(field);
    expect((e as Error).message).toContain(field);
    return;
  }
  throw new Error(`expected an InvalidArgumentError for ${field}`);
}
