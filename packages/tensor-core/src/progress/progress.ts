/** One progress update from a long-running function. */
export interface ProgressEvent {
  /** Units of work done so far. */
  completed: number;
  /** Total units, when known. */
  total?: number;
  /** What is being done, e.g. `"sampling"` or `"RuMedTop3 / fit"`. */
  label?: string;
  /** Extra values worth showing, e.g. `{ loss: 0.12 }`. */
  metrics?: Readonly<Record<string, number>>;
}

/** A callback that long-running functions accept as `onProgress`. */
export type ProgressCallback = (event: ProgressEvent) => void;

/** Options bag shape shared by every long-running function. */
export interface WithProgress {
  /** Called as work advances; CLIs render it as a progress bar. */
  onProgress?: ProgressCallback;
}

/**
 * Wraps a callback so that it fires at most every `intervalMs` (always on the first and the last unit), keeping tight
 * loops cheap.
 * @param callback - the user's callback (may be undefined)
 * @param intervalMs - minimum time between calls @default 100
 * @returns a callback safe to call every iteration
 */
export function throttleProgress(callback: ProgressCallback | undefined, intervalMs = 100): ProgressCallback {
  if (!callback) return () => {};
  let last = -Infinity;
  return (event) => {
    const now = performance.now();
    if (event.completed === 0 || (event.total !== undefined && event.completed >= event.total) || now - last >= intervalMs) {
      last = now;
      callback(event);
    }
  };
}

/**
 * Splits one progress callback over consecutive stages, so that stage `i` of `n` reports into its share of the total.
 * @param callback - the outer callback
 * @param stages - the label of each stage
 * @returns one callback per stage
 */
export function stagedProgress(callback: ProgressCallback | undefined, stages: readonly string[]): ProgressCallback[] {
  return stages.map((label, i) => (event: ProgressEvent) => {
    if (!callback) return;
    const frac = event.total ? event.completed / event.total : 0;
    callback({ completed: i + frac, total: stages.length, label: event.label ? `${label}: ${event.label}` : label, ...(event.metrics ? { metrics: event.metrics } : {}) });
  });
}
