import { describe, expect, it, vi } from 'vitest';
import type { ProgressEvent } from './progress';
import { stagedProgress, throttleProgress } from './progress';

describe('progress helpers', () => {
  it('throttle keeps the first and last events and drops bursts', () => {
    const seen: ProgressEvent[] = [];
    const cb = throttleProgress((e) => seen.push(e), 10_000);
    for (let i = 0; i <= 1000; i++) cb({ completed: i, total: 1000 });
    expect(seen.map((e) => e.completed)).toEqual([0, 1000]);
    expect(() => throttleProgress(undefined)({ completed: 1 })).not.toThrow();
  });

  it('throttle lets events through once the interval has passed', () => {
    vi.useFakeTimers();
    try {
      const seen: number[] = [];
      const cb = throttleProgress((e) => seen.push(e.completed), 50);
      cb({ completed: 0, total: 10 });
      cb({ completed: 1, total: 10 });
      vi.advanceTimersByTime(60);
      cb({ completed: 2, total: 10 });
      expect(seen).toEqual([0, 2]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stages map onto one overall scale', () => {
    const seen: ProgressEvent[] = [];
    const [a, b] = stagedProgress((e) => seen.push(e), ['fit', 'predict']);
    a!({ completed: 5, total: 10 });
    b!({ completed: 10, total: 10, label: 'batch 3', metrics: { loss: 0.5 } });
    expect(seen).toEqual([
      { completed: 0.5, total: 2, label: 'fit' },
      { completed: 2, total: 2, label: 'predict: batch 3', metrics: { loss: 0.5 } },
    ]);
  });
});
