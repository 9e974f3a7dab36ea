import { describe, expect, it } from 'vitest';
import { NotFittedError } from '../core/errors.js';
import { InsufficientHistoryError } from './errors.js';
import { DEFAULT_LEVELS } from './forecaster.js';
import { monotone, splitAt, synthetic } from './fixtures/synthetic-series.js';
import { forecastCoverage } from './metrics.js';
import { SeasonalNaive } from './seasonal-naive.js';

describe('SeasonalNaive', () => {
  it('repeats the last cycle exactly on a periodic series, with no spread', () => {
    const values = Float64Array.from({ length: 500 }, (_, t) => [3, 1, 4, 1, 5, 9, 2][t % 7]);
    const f = new SeasonalNaive({ period: 7 }).fit({ values, startMs: 1000, stepMs: 60_000 }).forecast(21, DEFAULT_LEVELS);
    for (let h = 0; h < 21; h++) expect(f.point[h]).toBe([3, 1, 4, 1, 5, 9, 2][(500 + h) % 7]);
    for (const q of f.quantiles) expect(Array.from(q)).toEqual(Array.from(f.point));
    expect(f.startMs).toBe(1000 + 500 * 60_000);
    expect(f.stepMs).toBe(60_000);
    expect(f.levels).toEqual(DEFAULT_LEVELS);
  });

  it('detects the period itself (auto)', () => {
    const m = new SeasonalNaive().fit(synthetic({ n: 8640, daily: 2, noise: 0.2 }));
    expect(m.period).toBe(288);
  });

  it('falls back to the last value when the history is shorter than a period', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, NaN]);
    const m = new SeasonalNaive({ period: 288 }).fit({ values, startMs: 0, stepMs: 300_000 });
    expect(m.period).toBe(1);
    const f = m.forecast(4, [0.5, 0.9]);
    expect(Array.from(f.point)).toEqual([5, 5, 5, 5]);
    // Naive errors of a steadily rising series are all positive: the quantiles sit above the point.
    expect(f.quantiles[0][0]).toBeGreaterThan(5);
  });

  it('fills a missing copied step with the latest observed value at the same phase', () => {
    const values = Float64Array.from({ length: 40 }, (_, t) => 10 * Math.floor(t / 10) + (t % 10));
    values[35] = NaN; // the step a 5-ahead forecast of period 10 would copy
    values[25] = NaN; // and the one before it
    const f = new SeasonalNaive({ period: 10 }).fit({ values, startMs: 0, stepMs: 1 }).forecast(10, [0.5]);
    expect(f.point[5]).toBe(15); // index 45 → 35 (missing) → 25 (missing) → 15
    expect(f.point[4]).toBe(34);
  });

  it('calibrates its quantiles on its own errors: the p90 covers about 90 % of a held-out noisy week', () => {
    const s = synthetic({ n: 8640 + 2016, daily: 2, noise: 0.5, seed: 5 });
    const { train, test } = splitAt(s, 8640);
    const f = new SeasonalNaive({ period: 288 }).fit(train).forecast(2016, [0.05, 0.5, 0.9, 0.95]);
    expect(monotone(f.quantiles)).toBe(true);
    expect(forecastCoverage(test, f.quantiles[2])).toBeGreaterThan(0.85);
    expect(forecastCoverage(test, f.quantiles[2])).toBeLessThan(0.95);
    expect(forecastCoverage(test, f.quantiles[0])).toBeLessThan(0.1);
  });

  it('widens the spread for reaches longer than the history shows', () => {
    const s = synthetic({ n: 600, daily: 2, noise: 0.5, seed: 6 });
    const f = new SeasonalNaive({ period: 288 }).fit(s).forecast(288 * 4, [0.5, 0.95]);
    const width = (h: number) => f.quantiles[1][h] - f.quantiles[0][h];
    // 600 steps show reaches of 1 and 2 days; 3 and 4 days are widened by √(k / 2).
    expect(width(288 * 3 + 5) / width(288 + 5)).toBeGreaterThan(1);
    expect(monotone(f.quantiles)).toBe(true);
  });

  it('needs two observed steps, and says so', () => {
    const err = (() => {
      try {
        new SeasonalNaive({ period: 1 }).fit({ values: Float64Array.from([1, NaN, NaN]), startMs: 0, stepMs: 1 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InsufficientHistoryError);
    expect((err as InsufficientHistoryError).needed).toBe(2);
    expect((err as InsufficientHistoryError).available).toBe(1);
    expect((err as Error).message).toMatch(/needs at least 2 steps/);
  });

  it('refuses to forecast before fit', () => {
    expect(() => new SeasonalNaive().forecast(1, [0.5])).toThrow(NotFittedError);
  });
});
