/**
 * Progress bars for command-line tools: turns the library's {@link ProgressCallback} into a terminal bar.
 * Import from `@lab/tensor-core/cli-progress` (kept apart so libraries never load terminal code).
 * @packageDocumentation
 */
import cliProgress from 'cli-progress';
import type { ProgressCallback, ProgressEvent } from './progress/progress';

/** A progress bar bound to the terminal; call `stop()` when the work ends. */
export interface CliProgress {
  /** Pass this as `onProgress`. */
  readonly onProgress: ProgressCallback;
  /** Finishes the bar and prints a newline. */
  stop(): void;
}

/**
 * Creates a terminal progress bar on stderr. When stderr is not a TTY (CI logs, pipes) it prints at most one line per
 * 10% instead of redrawing.
 * @param title - shown before the bar
 * @param options - `enabled: false` gives a silent bar (for `--quiet`)
 * @example
 * ```ts
 * const bar = createCliProgress('sampling');
 * await sample(mol, { onProgress: bar.onProgress });
 * bar.stop();
 * ```
 */
export function createCliProgress(title: string, options: { enabled?: boolean; stream?: NodeJS.WriteStream } = {}): CliProgress {
  const stream = options.stream ?? process.stderr;
  if (options.enabled === false) return { onProgress: () => {}, stop: () => {} };
  if (!stream.isTTY) {
    let lastDecile = -1;
    let lastLabel: string | undefined;
    return {
      onProgress: (e: ProgressEvent) => {
        const decile = e.total ? Math.floor((10 * e.completed) / e.total) : -1;
        if (decile !== lastDecile || e.label !== lastLabel) {
          lastDecile = decile;
          lastLabel = e.label;
          stream.write(`${title}${e.label ? ` [${e.label}]` : ''}: ${format(e.completed)}${e.total ? `/${format(e.total)} (${Math.round((100 * e.completed) / e.total)}%)` : ''}${metricsText(e)}\n`);
        }
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${title} {label} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}{metrics}`, stream, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (e: ProgressEvent) => {
      const payload = { label: e.label ?? '', metrics: metricsText(e) };
      if (!started) {
        bar.start(e.total ?? 0, e.completed, payload);
        started = true;
      } else {
        if (e.total !== undefined && e.total !== bar.getTotal()) bar.setTotal(e.total);
        bar.update(e.completed, payload);
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

function format(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function metricsText(e: ProgressEvent): string {
  if (!e.metrics) return '';
  return ` | ${Object.entries(e.metrics).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(4)}`).join(' ')}`;
}

export type { ProgressCallback, ProgressEvent } from './progress/progress';
