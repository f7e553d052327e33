import { LabError, type LabErrorOptions } from '@lab/tensor-core';

/** What went wrong in an {@link ExternalToolError}. */
export type ExternalToolProblem = 'missing' | 'failed';

/**
 * An external program (HMMER, BLAST+, MMseqs2, MAFFT) is not installed, or it exited with an error.
 *
 * @remarks `code` is `EXTERNAL_TOOL`. For `'missing'` the message names the Debian package that provides the program
 * (`apt-get install hmmer`); for `'failed'` it carries the exit status and the last lines of the program's stderr.
 * Check with `LabError.isInstance(e) && e.code === 'EXTERNAL_TOOL'` across package copies.
 *
 * @example
 * ```ts
 * try { await runHmmerBaseline(train, test); }
 * catch (e) { if (e instanceof ExternalToolError && e.problem === 'missing') console.log(e.aptPackage); } // hmmer
 * ```
 */
export class ExternalToolError extends LabError {
  /** Missing or failed. */
  readonly problem: ExternalToolProblem;
  /** The program, e.g. `hmmbuild`. */
  readonly tool: string;
  /** The Debian package that provides it, e.g. `hmmer`. */
  readonly aptPackage: string | undefined;
  /** Exit status, for `'failed'` (null when killed by a signal). */
  readonly exitCode: number | null | undefined;
  /** The last lines of stderr, for `'failed'`. */
  readonly stderr: string | undefined;

  /**
   * @param tool - the program name
   * @param problem - missing or failed
   * @param message - what happened and the fix
   * @param details - Debian package, exit status, stderr tail
   * @param options - `cause`
   */
  constructor(
    tool: string,
    problem: ExternalToolProblem,
    message: string,
    details: { aptPackage?: string; exitCode?: number | null; stderr?: string } = {},
    options?: LabErrorOptions,
  ) {
    super('EXTERNAL_TOOL', message, options);
    this.name = 'ExternalToolError';
    this.problem = problem;
    this.tool = tool;
    this.aptPackage = details.aptPackage;
    this.exitCode = details.exitCode;
    this.stderr = details.stderr;
  }
}
