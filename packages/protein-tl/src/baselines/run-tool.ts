import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { ExternalToolError } from './external-tool-error';
import { TOOL_PACKAGES } from './find-tools';

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Working directory. */
  cwd?: string;
  /** Write stdout to this file (streamed) instead of discarding it. */
  stdoutFile?: string;
  /** Called with each complete stdout line (streamed; the output is never held in memory). */
  onStdoutLine?: (line: string) => void;
  /** Cancels the run: the child is killed with SIGTERM. */
  signal?: AbortSignal;
}

const STDERR_TAIL = 4000;

/**
 * Runs an external program as a child process (no shell), streaming its stdout to a file and/or a line callback and
 * keeping the tail of stderr for the error message.
 *
 * @param tool - the program, looked up on `PATH`
 * @param args - its arguments
 * @param options - working directory, stdout file, line callback, abort signal
 * @returns resolves when the program exits with status 0
 * @throws {@link ExternalToolError} `'missing'` (naming the Debian package) when the program is not installed, or
 * `'failed'` with the exit status and stderr tail
 * @example
 * ```ts
 * await runTool('hmmpress', ['-f', 'families.hmm']);
 * ```
 */
export async function runTool(tool: string, args: readonly string[], options: RunToolOptions = {}): Promise<void> {
  const child = spawn(tool, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  const sink = options.stdoutFile ? createWriteStream(options.stdoutFile) : undefined;
  if (sink) child.stdout.pipe(sink);
  if (options.onStdoutLine) {
    const onLine = options.onStdoutLine;
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.stdout.on('end', () => {
      if (partial) onLine(partial);
    });
  } else if (!sink) {
    child.stdout.resume();
  }
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      sink?.destroy();
      if (err.code === 'ENOENT') {
        const pkg = TOOL_PACKAGES[tool];
        reject(
          new ExternalToolError(tool, 'missing', `${tool} is not installed (not found on PATH)${pkg ? `; install it with: apt-get install ${pkg}` : ''}.`, pkg ? { aptPackage: pkg } : {}, {
            cause: err,
          }),
        );
      } else reject(new ExternalToolError(tool, 'failed', `${tool} could not be run: ${err.message}`, { stderr }, { cause: err }));
    });
    child.on('close', (code) => resolve(code));
  });
  if (sink) await finished(sink);
  if (status !== 0) {
    const tail = stderr.trim().split('\n').slice(-8).join('\n');
    throw new ExternalToolError(tool, 'failed', `${tool} ${args.join(' ')} exited with status ${status}${tail ? `:\n${tail}` : ''}`, { exitCode: status, stderr: tail });
  }
}
