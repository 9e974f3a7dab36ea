import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressThrottle } from './progress-throttle.js';

describe('ProgressThrottle', () => {
  let writes: Array<[number, string | null]>;
  let throttle: ProgressThrottle;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    writes = [];
    throttle = new ProgressThrottle(async (f, m) => void writes.push([f, m]), { intervalMs: 250 });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the first report at once, then at most once per interval with the latest value', async () => {
    await throttle.report(0.1, 'start');
    expect(writes).toEqual([[0.1, 'start']]);

    for (let i = 2; i <= 50; i++) await throttle.report(i / 100);
    expect(writes).toHaveLength(1); // everything inside the interval waits for one trailing write

    await vi.advanceTimersByTimeAsync(250);
    expect(writes).toEqual([
      [0.1, 'start'],
      [0.5, 'start'],
    ]);

    await throttle.report(0.6, 'later');
    await vi.advanceTimersByTimeAsync(100);
    expect(writes).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(150);
    expect(writes[2]).toEqual([0.6, 'later']);

    await vi.advanceTimersByTimeAsync(1000);
    await throttle.report(0.7);
    expect(writes[3]).toEqual([0.7, 'later']); // a report after a quiet spell is written at once
  });

  it('flush writes the latest value immediately; stop drops a pending trailing write', async () => {
    await throttle.report(0.2);
    await throttle.report(0.3, 'pending');
    await throttle.flush();
    expect(writes).toEqual([
      [0.2, null],
      [0.3, 'pending'],
    ]);

    await throttle.report(0.9);
    await throttle.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(writes).toHaveLength(2);
    await throttle.report(1);
    expect(writes).toHaveLength(2);
  });

  it('clamps fractions to 0..1 and rejects NaN', async () => {
    await throttle.report(7);
    expect(throttle.fraction).toBe(1);
    await throttle.report(-1);
    expect(throttle.fraction).toBe(0);
    await expect(throttle.report(Number.NaN)).rejects.toBeInstanceOf(RangeError);
  });

  it('reports a failed write to onError instead of rejecting', async () => {
    const errors: unknown[] = [];
    const failing = new ProgressThrottle(async () => Promise.reject(new Error('db gone')), { onError: (e) => errors.push(e) });
    await failing.report(0.5);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('db gone');
  });
});
