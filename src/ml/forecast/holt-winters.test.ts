import { describe, expect, it } from 'vitest';
import { MLInputError } from '../core/errors.js';
import { InsufficientHistoryError } from './errors.js';
import { DEFAULT_LEVELS } from './forecaster.js';
import { inside, monotone, splitAt, synthetic } from './fixtures/synthetic-series.js';
import { HoltWinters } from './holt-winters.js';
import { forecastMase, naiveScale } from './metrics.js';
import { detectSeasonality } from './seasonality.js';
import { SeasonalNaive } from './seasonal-naive.js';

const MONTH = 8640;
const WEEK = 2016;

describe('HoltWinters', () => {
  it('beats seasonal naive in MASE on a noisy double-seasonal series with a level shift', () => {
    const s = synthetic({ n: MONTH + WEEK, daily: 2, weekend: 3, noise: 0.5, shiftAt: 6000, shift: 2, seed: 2 });
    const { train, test } = splitAt(s, MONTH);
    const hw = new HoltWinters().fit(train);
    expect(hw.fitted.periods).toEqual([288, 2016]);
    const scale = naiveScale(train.values, WEEK);
    const ours = forecastMase(test, hw.forecast(WEEK, [0.5]).point, scale);
    const weekly = forecastMase(test, new SeasonalNaive({ period: WEEK }).fit(train).forecast(WEEK, [0.5]).point, scale);
    const daily = forecastMase(test, new SeasonalNaive({ period: 288 }).fit(train).forecast(WEEK, [0.5]).point, scale);
    // Seasonal naive copies one noisy week (error √2·σ); the smoothed profile is nearer σ.
    expect(ours).toBeLessThan(0.85 * weekly);
    expect(ours).toBeLessThan(daily);
  });

  it('has a 90 % interval (p05–p95) that covers 85–95 % of a held-out noisy week', () => {
    const s = synthetic({ n: MONTH + WEEK, daily: 2, weekend: 3, noise: 0.5, seed: 3 });
    const { train, test } = splitAt(s, MONTH);
    const f = new HoltWinters().fit(train).forecast(WEEK, [0.05, 0.5, 0.95]);
    const covered = inside(test, f.quantiles[0], f.quantiles[2]);
    expect(covered).toBeGreaterThan(0.85);
    expect(covered).toBeLessThan(0.95);
    expect(monotone(f.quantiles)).toBe(true);
  });

  it('uses only the daily seasonality when the history is shorter than two weeks', () => {
    const s = synthetic({ n: 10 * 288, daily: 2, weekend: 3, noise: 0.3 });
    const hw = new HoltWinters().fit(s);
    expect(hw.fitted.periods).toEqual([288]);
    expect(hw.fitted.delta).toBe(0);
    expect(HoltWinters.periodsFrom(detectSeasonality(s), s.stepMs)).toEqual([288]);
    const f = hw.forecast(288, DEFAULT_LEVELS);
    expect(f.point.every(Number.isFinite)).toBe(true);
  });

  it('uses no seasonality on a series without any, and forecasts its level', () => {
    const s = synthetic({ n: 3000, level: 7, noise: 0.2 });
    const hw = new HoltWinters().fit(s);
    expect(hw.fitted.periods).toEqual([]);
    const f = hw.forecast(100, [0.5, 0.99]);
    for (const v of f.point) expect(Math.abs(v - 7)).toBeLessThan(0.15);
  });

  it('carries the state over missing values', () => {
    const s = synthetic({ n: MONTH + WEEK, daily: 2, weekend: 3, noise: 0.5, seed: 4 });
    const { train, test } = splitAt(s, MONTH);
    const gappy = { ...train, values: train.values.slice() };
    for (let t = 0; t < MONTH; t += 10) gappy.values[t] = NaN;
    gappy.values.fill(NaN, 7000, 7072); // a 6-hour outage
    const scale = naiveScale(train.values, WEEK);
    const clean = forecastMase(test, new HoltWinters({ periods: [288, 2016] }).fit(train).forecast(WEEK, [0.5]).point, scale);
    const withGaps = forecastMase(test, new HoltWinters({ periods: [288, 2016] }).fit(gappy).forecast(WEEK, [0.5]).point, scale);
    expect(withGaps).toBeLessThan(clean * 1.1);
  });

  it('fits a damped trend when asked, and picks it on a trending series when allowed to', () => {
    const s = synthetic({ n: 4000, daily: 1, noise: 0.1, trend: 0.002 });
    const damped = new HoltWinters({ periods: [288], trend: 'damped' }).fit(s).fitted;
    expect(damped.trend).toBe('damped');
    expect([0.9, 0.98]).toContain(damped.phi);
    expect(damped.beta).toBeGreaterThan(0);
    expect(damped.beta).toBeLessThanOrEqual(damped.alpha);
    expect(new HoltWinters({ periods: [288], trend: 'auto' }).fit(s).fitted.trend).toBe('damped');
    expect(new HoltWinters({ periods: [288] }).fit(s).fitted.trend).toBe('none');
  });

  it('forecasts a constant series as that constant with no spread', () => {
    const f = new HoltWinters({ periods: [288] }).fit({ values: new Float64Array(1000).fill(4), startMs: 0, stepMs: 300_000 }).forecast(50, DEFAULT_LEVELS);
    for (let h = 0; h < 50; h++) {
      expect(f.point[h]).toBeCloseTo(4, 12);
      for (const q of f.quantiles) expect(q[h]).toBeCloseTo(4, 12);
    }
  });

  it('is deterministic', () => {
    const s = synthetic({ n: MONTH, daily: 2, weekend: 3, noise: 0.5, seed: 8 });
    const a = new HoltWinters().fit(s).forecast(300, DEFAULT_LEVELS);
    const b = new HoltWinters().fit(s).forecast(300, DEFAULT_LEVELS);
    expect(a).toEqual(b);
  });

  it('needs two cycles of its longest period', () => {
    const s = synthetic({ n: 3000, daily: 1 });
    const run = () => new HoltWinters({ periods: [288, 2016] }).fit(s);
    expect(run).toThrow(InsufficientHistoryError);
    expect(run).toThrow(/needs at least 4032 steps/);
    expect(() => new HoltWinters().fit(synthetic({ n: 5 }))).toThrow(InsufficientHistoryError);
  });

  it('rejects bad periods and horizons', () => {
    const s = synthetic({ n: 1000 });
    expect(() => new HoltWinters({ periods: [288, 100] }).fit(s)).toThrow(MLInputError);
    expect(() => new HoltWinters({ periods: [1] }).fit(s)).toThrow(MLInputError);
    const hw = new HoltWinters({ periods: [] }).fit(s);
    expect(() => hw.forecast(0, [0.5])).toThrow(MLInputError);
    expect(() => hw.forecast(10, [0.9, 0.5])).toThrow(/ascending/);
  });
});
