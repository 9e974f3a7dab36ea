import { describe, expect, it } from 'vitest';
import { Random } from '../ml/core/index.js';
import { forecastDemand, InsufficientDataError, toGrid, type DemandPoint } from './demand-forecast.js';

const T0 = Date.UTC(2026, 10, 2);
const STEP = 300_000;

/** Daily cycle between 0.2 and 0.6 with a 15:00 UTC peak, plus noise. */
function daily(days: number, seed = 1, scale = 1): DemandPoint[] {
  const rng = new Random(seed);
  return Array.from({ length: (days * 86_400_000) / STEP }, (_, i) => {
    const ts = T0 + i * STEP;
    const hour = (ts / 3_600_000) % 24;
    return { ts, value: scale * (0.4 + 0.2 * Math.cos(((hour - 15) / 24) * 2 * Math.PI) + 0.02 * rng.normal()) };
  });
}

describe('demand forecast', () => {
  it('forecasts a daily cycle in the caller\'s units with a backtest-chosen seasonal model', () => {
    const f = forecastDemand(daily(4), { horizonMinutes: 120 });
    expect(f.units).toBe('fraction');
    expect(f.stepMs).toBe(STEP);
    expect(f.predictions).toHaveLength(24);
    expect(f.model).not.toBe('naive');
    expect(f.seasonality.some((s) => s.periodMs === 86_400_000)).toBe(true);
    expect(f.confidence).toBeGreaterThan(0.7);
    // The next two hours start at midnight UTC: the truth is about 0.4 + 0.2·cos(−15/24·2π) ≈ 0.26.
    const truth = (h: number) => 0.4 + 0.2 * Math.cos(((((f.timestamps[h] / 3_600_000) % 24) - 15) / 24) * 2 * Math.PI);
    for (let h = 0; h < 24; h++) expect(Math.abs(f.predictions[h] - truth(h))).toBeLessThan(0.06);
    // Quantiles are ordered and above the median.
    for (let h = 0; h < 24; h++) {
      expect(f.quantiles[0].values[h]).toBeGreaterThanOrEqual(f.predictions[h]);
      expect(f.quantiles[2].values[h]).toBeGreaterThanOrEqual(f.quantiles[1].values[h]);
    }
  });

  it('keeps percent as percent and never forecasts above 100 % or below 0', () => {
    const f = forecastDemand(daily(3, 2, 100), { horizonMinutes: 60 });
    expect(f.units).toBe('percent');
    expect(Math.max(...f.predictions)).toBeGreaterThan(10);
    for (const q of f.quantiles) for (const v of q.values) expect(v).toBeLessThanOrEqual(100);
    const noisy = forecastDemand(Array.from({ length: 200 }, (_, i) => ({ ts: T0 + i * 60_000, value: i % 2 ? 0.99 : 0.01 })), { horizonMinutes: 30 });
    for (const q of noisy.quantiles) for (const v of q.values) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('says insufficient data instead of inventing a forecast', () => {
    expect(() => forecastDemand(daily(1).slice(0, 5), { horizonMinutes: 60 })).toThrow(InsufficientDataError);
    expect(() => forecastDemand(daily(1).slice(0, 5), { horizonMinutes: 60 })).toThrow(/insufficient data/);
    const short = forecastDemand(daily(1).slice(0, 20), { horizonMinutes: 60 });
    expect(short.model).toBe('naive');
    expect(short.confidence).toBeLessThan(0.5);
    expect(short.notes.join(' ')).toMatch(/too short|only/);
  });

  it('averages irregular points onto the median spacing', () => {
    const pts = [0, 50_000, 60_000, 120_000, 180_000, 240_000].map((ts, i) => ({ ts: T0 + ts, value: i }));
    const g = toGrid(pts);
    expect(g.stepMs).toBe(60_000);
    expect(Array.from(g.values)).toEqual([0.5, 2, 3, 4, 5]);
  });

  it('is deterministic', () => {
    const a = forecastDemand(daily(3, 5), { horizonMinutes: 90 });
    const b = forecastDemand(daily(3, 5), { horizonMinutes: 90 });
    expect(a).toEqual(b);
  });
});
