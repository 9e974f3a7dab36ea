import { describe, expect, it } from 'vitest';
import { MLInputError } from '../ml/core/index.js';
import { labelWindows, leadBucket, type FailureInterval } from './labels.js';

const MIN = 60_000;
const failure = (failedAt: number, recoveredAt: number | null, mode?: string): FailureInterval => ({ entityId: 'h1', failedAt, recoveredAt, mode });

describe('labelWindows (H = 30 min, L = 15 min)', () => {
  const f = failure(100 * MIN, 130 * MIN, 'disk');
  const at = (t: number, failures = [f], until = Infinity) => labelWindows([t * MIN], failures, until)[0];

  it('a window is positive only when the failure starts in (t + L, t + H]', () => {
    expect(at(70)).toMatchObject({ label: 1, leadMs: 30 * MIN, mode: 'disk' }); // lead exactly H: in
    expect(at(69)).toMatchObject({ label: 0 }); // lead 31 min: not yet
    expect(at(84)).toMatchObject({ label: 1, leadMs: 16 * MIN });
    expect(at(85)).toMatchObject({ label: -1, excluded: 'too_late' }); // lead exactly L: too late
    expect(at(99)).toMatchObject({ label: -1, excluded: 'too_late' });
  });

  it('windows from the failure until recovery are excluded; after recovery they are negatives again', () => {
    expect(at(100)).toMatchObject({ label: -1, excluded: 'down' });
    expect(at(129)).toMatchObject({ label: -1, excluded: 'down' });
    expect(at(130)).toMatchObject({ label: 0, excluded: null });
  });

  it('an unrecovered failure keeps the entity down to the end', () => {
    expect(at(10_000, [failure(100 * MIN, null)])).toMatchObject({ excluded: 'down' });
  });

  it('censoring: no label where observation ends inside the horizon without a failure', () => {
    expect(at(200, [f], 220 * MIN)).toMatchObject({ label: -1, excluded: 'censored' });
    expect(at(190, [f], 220 * MIN)).toMatchObject({ label: 0 }); // 190 + 30 = 220: fully observed
    // A failure seen inside the observed part still makes a positive.
    expect(at(80, [f], 101 * MIN)).toMatchObject({ label: 1 });
  });

  it('overlapping and back-to-back failures: down inside any, positive if any starts in range', () => {
    const a = failure(100 * MIN, 140 * MIN);
    const b = failure(120 * MIN, 125 * MIN); // inside a
    const c = failure(160 * MIN, 170 * MIN); // soon after a's recovery
    const labels = labelWindows([110, 122, 135, 140, 141, 150].map((m) => m * MIN), [c, b, a], Infinity);
    expect(labels.map((l) => l.excluded ?? l.label)).toEqual(['down', 'down', 'down', 1, 1, 'too_late']);
    // 140 is after a's recovery and 20 min before c: positive for c (not down: the interval is half open).
    expect(labels[3].leadMs).toBe(20 * MIN);
  });

  it('a positive range wins over a too-late failure, and options are checked', () => {
    const soon = failure(110 * MIN, 111 * MIN);
    const later = failure(125 * MIN, 126 * MIN);
    expect(at(100, [soon, later])).toMatchObject({ label: 1, leadMs: 25 * MIN });
    expect(() => labelWindows([0], [], Infinity, { horizonMs: 10, minLeadMs: 10 })).toThrow(MLInputError);
    expect(() => labelWindows([0], [failure(10, 5)], Infinity)).toThrow(/recoveredAt precedes/);
    expect(() => labelWindows([NaN], [], Infinity)).toThrow(MLInputError);
    expect(labelWindows([0], [], Infinity, { horizonMs: 60 * MIN, minLeadMs: 0 })[0].label).toBe(0);
  });

  it('time-to-failure buckets', () => {
    const edges = [20 * MIN, 25 * MIN, 30 * MIN];
    expect([16, 20, 21, 25, 30].map((m) => leadBucket(m * MIN, edges))).toEqual([0, 0, 1, 1, 2]);
    expect(leadBucket(NaN, edges)).toBe(-1);
  });
});
