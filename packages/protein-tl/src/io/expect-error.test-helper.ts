import { DataFormatError, LabError } from '@lab/tensor-core';
import { expect } from 'vitest';
import { ProteinFormatError, type ProteinFormatProblem } from '../errors/protein-format-error';

/** Runs `fn`, expects a ProteinFormatError of `problem`, checks its common shape, and returns it. */
export async function expectFormatError(fn: () => unknown, problem: ProteinFormatProblem): Promise<ProteinFormatError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a ProteinFormatError (${problem})`).toBeInstanceOf(ProteinFormatError);
  const err = caught as ProteinFormatError;
  expect(err).toBeInstanceOf(DataFormatError);
  expect(LabError.isInstance(err)).toBe(true);
  expect(err.code).toBe('DATA_FORMAT');
  expect(err.name).toBe('ProteinFormatError');
  expect(err.problem).toBe(problem);
  expect(err.message.startsWith(err.file)).toBe(true);
  if (err.line !== undefined) expect(err.message).toContain(`line ${err.line}`);
  if (err.column !== undefined) expect(err.message).toContain(`column ${err.column}`);
  if (err.field !== undefined) expect(err.message).toContain(`column "${err.field}"`);
  if (err.record !== undefined) expect(err.message).toContain(`record "${err.record}"`);
  return err;
}
