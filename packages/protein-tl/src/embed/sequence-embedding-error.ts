import { LabError, type LabErrorOptions } from '@lab/tensor-core';

/** What is wrong in a {@link SequenceEmbeddingError}. */
export type SequenceEmbeddingProblem = 'empty' | 'too-long' | 'invalid-sequence' | 'not-a-string';

/**
 * One input sequence of {@link EsmEmbedder.embed} cannot be embedded. The message names the sequence (0-based index
 * and name, when it has one) and the fix.
 *
 * @remarks `code` is `SEQUENCE_EMBEDDING`; check with `LabError.isInstance(e) && e.code === 'SEQUENCE_EMBEDDING'` across
 * package copies. Tokeniser errors (lower case or unknown characters with `'error'` policies) are wrapped, with the
 * original as `cause`.
 *
 * @example
 * ```ts
 * try { await embedder.embed([{ name: 'P1', sequence: '' }]); }
 * catch (e) { if (e instanceof SequenceEmbeddingError) console.log(e.problem, e.index, e.sequenceName); } // empty 0 P1
 * ```
 */
export class SequenceEmbeddingError extends LabError {
  /** The kind of problem. */
  readonly problem: SequenceEmbeddingProblem;
  /** 0-based index of the sequence in the input. */
  readonly index: number;
  /** The sequence's name, when it was given one. */
  readonly sequenceName: string | undefined;

  /**
   * @param index - 0-based index in the input
   * @param sequenceName - the record name, if any
   * @param problem - the kind of problem
   * @param message - what is wrong and how to fix it (the sequence is named in front of it)
   * @param options - `cause`
   */
  constructor(index: number, sequenceName: string | undefined, problem: SequenceEmbeddingProblem, message: string, options?: LabErrorOptions) {
    super('SEQUENCE_EMBEDDING', `Sequence ${index}${sequenceName !== undefined ? ` ("${sequenceName}")` : ''}: ${message}`, options);
    this.name = 'SequenceEmbeddingError';
    this.problem = problem;
    this.index = index;
    this.sequenceName = sequenceName;
  }
}
