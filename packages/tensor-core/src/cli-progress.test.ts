import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createCliProgress } from './cli-progress';

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  (stream as { isTTY: boolean }).isTTY = isTTY;
  (stream as unknown as { columns: number }).columns = 100;
  (stream as unknown as { cursorTo: () => boolean }).cursorTo = () => true;
  (stream as unknown as { clearLine: () => boolean }).clearLine = () => true;
  (stream as unknown as { moveCursor: () => boolean }).moveCursor = () => true;
  return { stream, text: () => chunks.join('') };
}

describe('createCliProgress', () => {
  it('prints one line per 10% when the stream is not a terminal', () => {
    const { stream, text } = capture(false);
    const bar = createCliProgress('fit', { stream });
    for (let i = 0; i <= 100; i++) bar.onProgress({ completed: i, total: 100, metrics: { loss: 1 / (i + 1) } });
    bar.stop();
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('fit: 0/100 (0%) | loss 1');
    expect(lines[10]).toMatch(/^fit: 100\/100 \(100%\) \| loss 0\.0099/);
  });

  it('draws a bar on a terminal and stays silent when disabled', () => {
    const { stream, text } = capture(true);
    const bar = createCliProgress('sample', { stream });
    bar.onProgress({ completed: 0, total: 4, label: 'mol 1' });
    bar.onProgress({ completed: 4, total: 4, label: 'mol 1' });
    bar.stop();
    expect(text()).toContain('sample mol 1');
    expect(text()).toContain('100%');
    const quiet = capture(false);
    const q = createCliProgress('x', { stream: quiet.stream, enabled: false });
    q.onProgress({ completed: 1, total: 1 });
    expect(quiet.text()).toBe('');
  });
});
