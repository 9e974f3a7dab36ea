import { describe, expect, it } from 'vitest';
import { MLInputError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { InsufficientHistoryError } from './errors.js';
import type { SeriesGrid } from './forecaster.js';
import { MONDAY_2024, monotone, splitAt, synthetic } from './fixtures/synthetic-series.js';
import { forecastCoverage, forecastMase, naiveScale } from './metrics.js';
import { QuantileGbdtForecaster } from './quantile-gbdt-forecaster.js';
import { SeasonalNaive } from './seasonal-naive.js';

const HOUR = 3_600_000;
const WEEK = 168; // hourly steps
const SMALL = { rows: 4000, nEstimators: 40, maxDepth: 4, seed: 1 };

/** Hourly usage whose noise is larger in the day's busy half: quantiles must widen with the hour. */
function heteroscedastic(weeks: number, seed: number, scale = 1): SeriesGrid {
  const rng = new Random(seed);
  const n = weeks * WEEK;
  const values = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const hour = t % 24;
    const dow = (Math.floor(t / 24) + 1) % 7; // MONDAY_2024 start: 0 = Sunday
    const busy = Math.sin((2 * Math.PI * hour) / 24);
    values[t] = scale * (10 + 3 * busy - (dow === 0 || dow === 6 ? 2 : 0) + (1 + 0.6 * busy) * rng.normal());
  }
  return { values, startMs: MONDAY_2024, stepMs: HOUR };
}

describe('QuantileGbdtForecaster', () => {
  it('forecasts a held-out week: calibrated p90, monotone quantiles, better MASE than seasonal naive', async () => {
    const { train, test } = splitAt(heteroscedastic(11, 1), 10 * WEEK);
    const f = (await new QuantileGbdtForecaster(SMALL).fitAsync(train)).forecast(WEEK, [0.5, 0.9, 0.95, 0.99]);
    expect(monotone(f.quantiles)).toBe(true);
    expect(forecastCoverage(test, f.quantiles[1])).toBeGreaterThan(0.82);
    expect(forecastCoverage(test, f.quantiles[1])).toBeLessThan(0.97);
    expect(forecastCoverage(test, f.quantiles[0])).toBeGreaterThan(0.35);
    expect(forecastCoverage(test, f.quantiles[0])).toBeLessThan(0.65);
    const scale = naiveScale(train.values, WEEK);
    const sn = new SeasonalNaive({ period: WEEK }).fit(train).forecast(WEEK, [0.5]);
    expect(forecastMase(test, f.point, scale)).toBeLessThan(0.9 * forecastMase(test, sn.point, scale));
    // The p90 − p50 band is wider in the busy (noisier) half of the day.
    let busy = 0;
    let quiet = 0;
    for (let h = 0; h < WEEK; h++) {
      const width = f.quantiles[1][h] - f.quantiles[0][h];
      if ((10 * WEEK + h) % 24 < 12) busy += width;
      else quiet += width;
    }
    expect(busy).toBeGreaterThan(1.3 * quiet);
  });

  it('is deterministic for a seed', async () => {
    const s = heteroscedastic(4, 2);
    const a = (await new QuantileGbdtForecaster({ ...SMALL, rows: 1500 }).fitAsync(s)).forecast(48, [0.5, 0.9]);
    const b = (await new QuantileGbdtForecaster({ ...SMALL, rows: 1500 }).fitAsync(s)).forecast(48, [0.5, 0.9]);
    expect(a).toEqual(b);
  });

  it('trains one global model on many series of different scales and forecasts an unseen one at its own scale', async () => {
    const fleet = Array.from({ length: 12 }, (_, i) => heteroscedastic(6, 10 + i, [1, 5, 40][i % 3]));
    const model = await new QuantileGbdtForecaster({ ...SMALL, rows: 6000 }).fitAsync(fleet);
    expect(() => model.forecast(24, [0.5])).toThrow(/forecastFor/);
    const { train, test } = splitAt(heteroscedastic(7, 99, 20), 6 * WEEK);
    const f = model.forecastFor(train, WEEK, [0.5, 0.9]);
    const scale = naiveScale(train.values, WEEK);
    const sn = new SeasonalNaive({ period: WEEK }).fit(train).forecast(WEEK, [0.5]);
    expect(forecastMase(test, f.point, scale)).toBeLessThan(forecastMase(test, sn.point, scale));
    expect(forecastCoverage(test, f.quantiles[1])).toBeGreaterThan(0.8);
    expect(forecastCoverage(test, f.quantiles[1])).toBeLessThan(0.97);
  });

  it('tolerates missing values in training and in the forecast origin', async () => {
    const s = heteroscedastic(5, 3);
    const rng = new Random(1);
    for (let t = 0; t < s.values.length; t++) if (rng.float() < 0.15) s.values[t] = NaN;
    s.values[s.values.length - 1] = NaN;
    const f = (await new QuantileGbdtForecaster({ ...SMALL, rows: 1500 }).fitAsync(s)).forecast(24, [0.5, 0.9]);
    expect(f.point.every(Number.isFinite)).toBe(true);
    expect(monotone(f.quantiles)).toBe(true);
  });

  it('interpolates an untrained level between trained ones and refuses one outside them', async () => {
    const m = await new QuantileGbdtForecaster({ ...SMALL, rows: 1500, levels: [0.5, 0.9] }).fitAsync(heteroscedastic(4, 4));
    const f = m.forecast(24, [0.5, 0.7, 0.9]);
    for (let h = 0; h < 24; h++) expect(f.quantiles[1][h]).toBeCloseTo((f.quantiles[0][h] + f.quantiles[2][h]) / 2, 10);
    expect(() => m.forecast(24, [0.99])).toThrow(/outside the trained levels/);
    expect(() => m.forecast(WEEK + 1, [0.5])).toThrow(/longest trained horizon/);
  });

  it('says to use fitAsync, and needs two days of history', async () => {
    expect(() => new QuantileGbdtForecaster().fit(heteroscedastic(1, 5))).toThrow(MLInputError);
    expect(() => new QuantileGbdtForecaster().fit(heteroscedastic(1, 5))).toThrow(/fitAsync/);
    const short = synthetic({ n: 30, stepMs: HOUR });
    await expect(new QuantileGbdtForecaster(SMALL).fitAsync(short)).rejects.toThrow(InsufficientHistoryError);
    await expect(new QuantileGbdtForecaster(SMALL).fitAsync(short)).rejects.toThrow(/needs at least 48 steps/);
  });
});
