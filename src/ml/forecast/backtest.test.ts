import { describe, expect, it } from 'vitest';
import { MLInputError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { backtest, backtestAsync, selectForecaster, type ForecasterCandidate } from './backtest.js';
import { InsufficientHistoryError } from './errors.js';
import { synthetic } from './fixtures/synthetic-series.js';
import { HoltWinters } from './holt-winters.js';
import { QuantileGbdtForecaster } from './quantile-gbdt-forecaster.js';
import { SeasonalNaive } from './seasonal-naive.js';

const naive: ForecasterCandidate = { name: 'naive', create: () => new SeasonalNaive({ period: 1 }) };
const daily: ForecasterCandidate = { name: 'seasonal_naive_day', create: () => new SeasonalNaive({ period: 288 }) };
const fiveHour: ForecasterCandidate = { name: 'seasonal_naive_5h', create: () => new SeasonalNaive({ period: 60 }) };
const hw: ForecasterCandidate = { name: 'holt_winters', create: () => new HoltWinters() };
const hwDaily: ForecasterCandidate = { name: 'holt_winters_day', create: () => new HoltWinters({ periods: [288] }) };

describe('rolling-origin backtest and selection', () => {
  it('picks Holt–Winters on a noisy, stable double-seasonal series (seasonal naive copies the noise)', () => {
    const s = synthetic({ n: 8640, daily: 2, weekend: 3, noise: 0.6, seed: 1 });
    const r = selectForecaster(s, [daily, hw], { horizon: 288, folds: 3 });
    expect(r.best).toBe('holt_winters');
    expect(r.origins).toEqual([8640 - 3 * 288, 8640 - 2 * 288, 8640 - 288]);
    expect(r.period).toBe(2016);
    const [sn, ours] = r.scores;
    expect(ours.mase).toBeLessThan(0.85 * sn.mase);
    expect(ours.folds).toHaveLength(3);
    expect(ours.coverage[1]).toBeGreaterThan(0.8); // p90
    expect(ours.r2).toBeGreaterThan(0.8);
  });

  it('picks seasonal naive on an exactly repeating 5-hour pattern that daily Holt–Winters cannot represent', () => {
    const rng = new Random(2);
    const shape = Float64Array.from({ length: 60 }, () => rng.float() * 10);
    const values = Float64Array.from({ length: 8640 }, (_, t) => shape[t % 60] + 0.05 * rng.normal());
    const r = selectForecaster({ values, startMs: 0, stepMs: 300_000 }, [hwDaily, fiveHour], { horizon: 288, folds: 2 });
    expect(r.best).toBe('seasonal_naive_5h');
    expect(r.period).toBe(60);
    expect(r.scores[0].mase).toBeGreaterThan(10 * r.scores[1].mase);
  });

  it('picks the naive forecast on a random walk, where last season is stale', () => {
    const rng = new Random(3);
    const values = new Float64Array(4000);
    for (let t = 1; t < values.length; t++) values[t] = values[t - 1] + rng.normal();
    const r = selectForecaster({ values, startMs: 0, stepMs: 300_000 }, [daily, naive], { horizon: 48, folds: 4, criterion: 'mase' });
    expect(r.best).toBe('naive');
    expect(r.period).toBe(1);
  });

  it('reports a candidate that cannot fit a fold and never selects it', () => {
    const s = synthetic({ n: 5 * 288, daily: 2, noise: 0.2 });
    const weekly: ForecasterCandidate = { name: 'weekly_hw', create: () => new HoltWinters({ periods: [288, 2016] }) };
    const r = selectForecaster(s, [weekly, daily], { horizon: 288, folds: 2 });
    expect(r.scores[0].failed).toMatch(/needs at least 4032 steps/);
    expect(r.scores[0].mase).toBeNaN();
    expect(r.best).toBe('seasonal_naive_day');
    expect(() => selectForecaster(s, [weekly], { horizon: 288, folds: 2 })).toThrow(InsufficientHistoryError);
  });

  it('needs room for its folds and distinct candidate names', () => {
    const s = synthetic({ n: 500 });
    expect(() => backtest(s, [naive], { horizon: 288, folds: 2 })).toThrow(InsufficientHistoryError);
    expect(() => backtest(s, [naive, naive], { horizon: 10 })).toThrow(/named 'naive'/);
  });

  it('scores asynchronously trained candidates with backtestAsync, and refuses them in backtest', async () => {
    const s = synthetic({ n: 24 * 7 * 5, stepMs: 3_600_000, daily: 3, weekend: 2, noise: 0.5, seed: 4 });
    const gbdt: ForecasterCandidate = { name: 'quantile_gbdt', create: () => new QuantileGbdtForecaster({ rows: 1500, nEstimators: 30, maxDepth: 4, seed: 1, maxHorizon: 24 }) };
    const sn: ForecasterCandidate = { name: 'seasonal_naive', create: () => new SeasonalNaive({ period: 24 }) };
    const r = await backtestAsync(s, [sn, gbdt], { horizon: 24, folds: 2 });
    expect(r.scores.map((x) => x.failed)).toEqual([null, null]);
    expect(r.scores[1].folds).toHaveLength(2);
    expect(r.scores[1].pinball).toHaveLength(4);
    expect(r.scores[1].mase).toBeLessThan(r.scores[0].mase);
    expect(() => backtest(s, [gbdt], { horizon: 24, folds: 2 })).toThrow(MLInputError);
  });
});
