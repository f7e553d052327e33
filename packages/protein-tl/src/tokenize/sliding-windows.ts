import { InvalidArgumentError } from '@lab/tensor-core';
import { ESM2_MAX_RESIDUES } from './esm-vocab';

/** One window over a sequence: residues `[start, end)`. */
export interface SequenceWindow {
  /** 0-based first residue. */
  start: number;
  /** Index after the last residue. */
  end: number;
}

/** Options of {@link slidingWindows}. */
export interface SlidingWindowOptions {
  /** Residues per window. @default 1022 */
  window?: number;
  /** Residues between the starts of consecutive windows (1..window; equal to `window` for no overlap). @default floor(window / 2) */
  stride?: number;
}

function checkOptions(options: SlidingWindowOptions): { window: number; stride: number } {
  const window = options.window ?? ESM2_MAX_RESIDUES;
  if (!Number.isInteger(window) || window < 1) throw new InvalidArgumentError('window', `window must be a positive integer, received ${window}.`);
  const stride = options.stride ?? Math.max(1, Math.floor(window / 2));
  if (!Number.isInteger(stride) || stride < 1 || stride > window) {
    throw new InvalidArgumentError('stride', `stride must be an integer in 1..window (${window}), received ${stride}; a larger stride would skip residues.`);
  }
  return { window, stride };
}

/**
 * Splits a sequence of `length` residues into overlapping windows that together cover every residue.
 *
 * @remarks Windows start at 0, stride, 2·stride, ...; the last one is moved back to end at the sequence's end, so
 * that every window is full (`window` residues) when the sequence is at least that long. A sequence no longer than
 * the window gives one window `[0, length)`; an empty one gives none. Map a window's outputs back with
 * {@link windowTokenToResidue}, and choose one window per residue with {@link windowOwners}.
 *
 * @param length - the sequence length in residues
 * @param options - window and stride
 * @returns the windows, in order
 * @throws InvalidArgumentError for a bad window, stride or length
 * @example
 * ```ts
 * slidingWindows(10, { window: 4, stride: 3 }); // [{start:0,end:4},{start:3,end:7},{start:6,end:10}]
 * ```
 */
export function slidingWindows(length: number, options: SlidingWindowOptions = {}): SequenceWindow[] {
  if (!Number.isInteger(length) || length < 0) throw new InvalidArgumentError('length', `length must be a non-negative integer, received ${length}.`);
  const { window, stride } = checkOptions(options);
  if (length === 0) return [];
  if (length <= window) return [{ start: 0, end: length }];
  const out: SequenceWindow[] = [];
  for (let start = 0; ; start += stride) {
    if (start + window >= length) {
      out.push({ start: length - window, end: length });
      break;
    }
    out.push({ start, end: start + window });
  }
  return out;
}

/**
 * For each residue, the window in which it lies furthest from a window edge (ties go to the earlier window): the
 * usual way to stitch per-residue outputs of overlapping windows, keeping the residues with the most context.
 * @param windows - windows covering `[0, length)`, e.g. from {@link slidingWindows}
 * @param length - the sequence length
 * @returns `owner[i]` = index into `windows` for residue i
 * @throws InvalidArgumentError when a residue lies in no window
 * @example
 * ```ts
 * const w = slidingWindows(10, { window: 4, stride: 3 });
 * Array.from(windowOwners(w, 10)); // [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
 * ```
 */
export function windowOwners(windows: readonly SequenceWindow[], length: number): Int32Array {
  const owner = new Int32Array(length).fill(-1);
  const depth = new Int32Array(length).fill(-1);
  windows.forEach((w, k) => {
    for (let i = Math.max(0, w.start); i < Math.min(length, w.end); i++) {
      const d = Math.min(i - w.start, w.end - 1 - i);
      if (d > depth[i]!) {
        depth[i] = d;
        owner[i] = k;
      }
    }
  });
  const gap = owner.indexOf(-1);
  if (gap >= 0) throw new InvalidArgumentError('windows', `Residue ${gap} lies in no window; the windows must cover [0, ${length}).`);
  return owner;
}

/**
 * The residue a token of a window's encoding stands for.
 * @param window - the window
 * @param tokenIndex - 0-based position in the window's token ids
 * @param hasCls - whether the encoding starts with `<cls>` (EsmTokenizer's default) @default true
 * @returns the 0-based residue index in the full sequence, or -1 for `<cls>`, `<eos>` and padding
 * @example
 * ```ts
 * windowTokenToResidue({ start: 511, end: 1533 }, 1); // 511
 * ```
 */
export function windowTokenToResidue(window: SequenceWindow, tokenIndex: number, hasCls = true): number {
  const i = tokenIndex - (hasCls ? 1 : 0);
  return i >= 0 && i < window.end - window.start ? window.start + i : -1;
}
