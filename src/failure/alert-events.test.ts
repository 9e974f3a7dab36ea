import { describe, expect, it } from 'vitest';
import { evaluateThreshold, thresholdForBudget, type ScoredWindow } from './alert-budget.js';
import { groupAlerts, scoreAlerts } from './alert-events.js';
import type { FailureInterval } from './labels.js';

const MIN = 60_000;
const DAY = 1440 * MIN;

describe('groupAlerts', () => {
  it('merges alarms of one entity within the cooldown, keeps entities apart', () => {
    const alerts = groupAlerts(
      [
        { entityId: 'b', t: 5 * MIN },
        { entityId: 'a', t: 10 * MIN },
        { entityId: 'a', t: 0 },
        { entityId: 'a', t: 50 * MIN },
        { entityId: 'a', t: 5 * MIN },
      ],
      10 * MIN,
    );
    expect(alerts).toEqual([
      { entityId: 'a', start: 0, end: 10 * MIN, windows: 3 },
      { entityId: 'a', start: 50 * MIN, end: 50 * MIN, windows: 1 },
      { entityId: 'b', start: 5 * MIN, end: 5 * MIN, windows: 1 },
    ]);
    expect(() => groupAlerts([], -1)).toThrow(/cooldown/);
  });
});

describe('scoreAlerts (H = 30, L = 15 min)', () => {
  const failures: FailureInterval[] = [
    { entityId: 'a', failedAt: 100 * MIN, recoveredAt: 130 * MIN, mode: 'disk' },
    { entityId: 'b', failedAt: 500 * MIN, recoveredAt: null, mode: 'thermal' },
    { entityId: 'c', failedAt: 900 * MIN, recoveredAt: null, mode: 'disk' },
  ];
  const alert = (entityId: string, start: number) => ({ entityId, start: start * MIN, end: start * MIN, windows: 1 });

  it('counts a failure as warned only with an alert in [failedAt − H, failedAt − L]', () => {
    const s = scoreAlerts([alert('a', 75), alert('b', 490), alert('c', 800), alert('d', 10)], failures, 4);
    // a: 25 min ahead → in time. b: 10 min ahead → too late (but still a true alert). c: 100 min ahead → unrelated, false.
    expect(s.warnedInTime).toBe(1);
    expect(s.recall).toBeCloseTo(1 / 3);
    expect(s.trueAlerts).toBe(2);
    expect(s.falseAlerts).toBe(2);
    expect(s.precision).toBe(0.5);
    expect(s.falseAlarmsPerEntityDay).toBe(0.5);
    expect(s.medianLeadMs).toBe(25 * MIN);
    expect(s.byMode.disk).toEqual({ failures: 2, warnedInTime: 1, recall: 0.5, medianLeadMs: 25 * MIN });
    expect(s.byMode.thermal.recall).toBe(0);
  });

  it('takes the earliest in-time alert as the lead', () => {
    const s = scoreAlerts([alert('a', 72), alert('a', 80)], failures.slice(0, 1), 1);
    expect(s.medianLeadMs).toBe(28 * MIN);
  });

  it('a long alert still raised inside the useful range warns in time, with its whole lead', () => {
    // Raised from 10 h before the failure until 20 min before it: one true alert, 10 h of lead.
    const long = { entityId: 'a', start: 100 * MIN - 600 * MIN, end: 80 * MIN, windows: 100 };
    const s = scoreAlerts([long], failures.slice(0, 1), 1);
    expect(s).toMatchObject({ warnedInTime: 1, trueAlerts: 1, falseAlerts: 0, medianLeadMs: 600 * MIN });
    // Ended 2 h before the failure: neither in time nor true.
    const old = { ...long, end: -20 * MIN };
    expect(scoreAlerts([old], failures.slice(0, 1), 1)).toMatchObject({ warnedInTime: 0, trueAlerts: 0 });
  });
});

describe('thresholdForBudget', () => {
  // Two hosts over 10 days; host a fails at day 5 with rising scores in the 30 min before; both
  // hosts have a few noisy high scores elsewhere.
  const windows: ScoredWindow[] = [];
  const failures: FailureInterval[] = [{ entityId: 'a', failedAt: 5 * DAY, recoveredAt: 5 * DAY + 60 * MIN }];
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (const e of ['a', 'b'])
    for (let t = 0; t < 10 * DAY; t += 5 * MIN) {
      const before = 5 * DAY - t;
      const precursor = e === 'a' && before > 0 && before <= 30 * MIN ? 0.9 : 0;
      windows.push({ entityId: e, t, score: Math.max(precursor, rnd() * 0.8) });
    }

  it('picks the lowest threshold whose false alerts fit the budget', () => {
    const loose = thresholdForBudget(windows, failures, 20, 1);
    const strict = thresholdForBudget(windows, failures, 20, 0.05);
    expect(strict.threshold).toBeGreaterThan(loose.threshold);
    expect(strict.scores.falseAlarmsPerEntityDay).toBeLessThanOrEqual(0.05);
    expect(loose.scores.falseAlarmsPerEntityDay).toBeLessThanOrEqual(1);
    // The precursor (0.9) is above every noise score (< 0.8): a zero budget still catches it.
    const zero = thresholdForBudget(windows, failures, 20, 0);
    expect(zero.scores.falseAlerts).toBe(0);
    expect(zero.scores.warnedInTime).toBe(1);
    // One step lower than the chosen threshold breaks the budget.
    const below = windows.map((w) => w.score).filter((s) => s < strict.threshold).sort((a, b) => b - a)[0];
    expect(evaluateThreshold(windows, below, failures, 20).falseAlarmsPerEntityDay).toBeGreaterThan(0.05);
  });

  it('says Infinity when nothing fits, and checks its budget', () => {
    const noisy: ScoredWindow[] = [{ entityId: 'x', t: 0, score: 1 }];
    expect(thresholdForBudget(noisy, [], 1, 0).threshold).toBe(Infinity);
    expect(() => thresholdForBudget(noisy, [], 1, -1)).toThrow(/budget/);
  });
});
