import { describe, expect, it } from 'vitest';
import { Random } from '../ml/core/index.js';
import type { DemandPoint } from './demand-forecast.js';
import { demandModelVersion, InsufficientTrainingDataError, MIN_TRAINING_POINTS, selectDemandModel, shouldActivateDemand } from './demand-training.js';

const T0 = Date.UTC(2026, 10, 2);
const STEP = 300_000;
const DAY = 86_400_000;

/** Daily cycle between 0.2 and 0.6 with a 15:00 UTC peak, plus noise. */
function daily(days: number, seed = 1, noise = 0.02): DemandPoint[] {
  const rng = new Random(seed);
  return Array.from({ length: (days * DAY) / STEP }, (_, i) => {
    const ts = T0 + i * STEP;
    const hour = (ts / 3_600_000) % 24;
    return { ts, value: 0.4 + 0.2 * Math.cos(((hour - 15) / 24) * 2 * Math.PI) + noise * rng.normal() };
  });
}

/** A Gaussian random walk (no seasonality: tomorrow's best guess is today's last value). */
function randomWalk(days: number, seed: number): DemandPoint[] {
  const rng = new Random(seed);
  let v = 100;
  return Array.from({ length: (days * DAY) / STEP }, (_, i) => {
    v += 0.5 * rng.normal();
    return { ts: T0 + i * STEP, value: v };
  });
}

describe('demand model training (method selection by backtest)', () => {
  it('chooses a seasonal method on a daily cycle and reports every candidate at both horizons', () => {
    const s = selectDemandModel(daily(5));
    expect(['holt_winters', 'seasonal_naive']).toContain(s.method);
    expect(s.horizons.map((h) => h.horizonMinutes)).toEqual([60, 360]);
    expect(s.horizons.map((h) => h.horizonSteps)).toEqual([12, 72]);
    expect(s.summary.map((c) => c.name)).toEqual(['naive', 'seasonal_naive', 'holt_winters']);
    for (const c of s.summary) {
      expect(c.failed).toBeNull();
      for (const k of ['mase', 'wape', 'r2', 'coverage90', 'scaledPinball'] as const) expect(Number.isFinite(c[k]), `${c.name}.${k}`).toBe(true);
    }
    const day = s.seasonality.find((p) => p.periodMs === DAY);
    expect(day?.present).toBe(true);
    expect(day!.strength).toBeGreaterThan(0.9);
    expect(s.periods).toContain(288);
    // Seasonal beats naive by far on a daily cycle (naive misses the swing over 6 hours).
    const naive = s.summary.find((c) => c.name === 'naive')!;
    expect(s.mase).toBeLessThan(naive.mase / 2);
    expect(s.wape).toBeLessThan(0.1);
    expect(s.accuracy).toBeCloseTo(1 - s.wape, 12);
    expect(s.r2).toBeGreaterThan(0.8);
    expect(s.coverage90).toBeGreaterThan(0.6);
    expect(s.trainingPoints).toBe(1440);
    expect(s.gridSteps).toBe(1440);
    expect(s.stepMs).toBe(STEP);
    expect(s.units).toBe('fraction');
  });

  it('on two days, Holt–Winters cannot be backtested (two daily cycles before each origin) and seasonal naive carries the cycle', () => {
    const s = selectDemandModel(daily(2, 3));
    expect(s.method).toBe('seasonal_naive');
    expect(s.periods).toEqual([288]);
    const hw = s.summary.find((c) => c.name === 'holt_winters')!;
    expect(hw.failed).toMatch(/two cycles of the 288-step period/);
    expect(s.notes.some((n) => n.includes('holt_winters could not be backtested'))).toBe(true);
    expect(s.accuracy).toBeGreaterThan(0.85);
  });

  it('chooses naive on random walks, exponential smoothing on noise around a level', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const s = selectDemandModel(randomWalk(4, seed));
      expect(s.method, `seed ${seed}: ${JSON.stringify(s.summary)}`).toBe('naive');
      expect(s.periods).toEqual([]);
      expect(s.accuracy).toBeGreaterThan(0.8);
    }
    // White noise: the last value is a poor forecast; smoothing (Holt–Winters without a season) averages the noise out.
    const rng = new Random(7);
    const noise = Array.from({ length: (3 * DAY) / STEP }, (_, i) => ({ ts: T0 + i * STEP, value: 50 + 5 * rng.normal() }));
    const s = selectDemandModel(noise);
    expect(s.method).toBe('holt_winters');
    expect(s.periods).toEqual([]);
    expect(s.mase).toBeLessThan(0.85 * s.summary.find((c) => c.name === 'naive')!.mase);
  });

  it('refuses too little data with an "insufficient data" error that says how much is needed', () => {
    expect(() => selectDemandModel(daily(2).slice(0, MIN_TRAINING_POINTS - 1))).toThrow(InsufficientTrainingDataError);
    expect(() => selectDemandModel(daily(2).slice(0, 100))).toThrow(/^insufficient data: 100 usable points, at least 288 needed to train/);
    // NaN values do not count.
    const holes = daily(2).slice(0, 300).map((p, i) => (i % 2 ? { ...p, value: NaN } : p));
    expect(() => selectDemandModel(holes)).toThrow(/insufficient data: 150 usable points/);
    // 288 one-minute points (4.8 h) cannot hold the backtest of a 1-hour horizon (6 hours of history).
    const minutes = Array.from({ length: 288 }, (_, i) => ({ ts: T0 + i * 60_000, value: 0.5 + 0.01 * Math.sin(i) }));
    expect(() => selectDemandModel(minutes)).toThrow(/insufficient data: 288 usable points, at least 360 needed to train \(counted as grid steps of 60 s: the 1 h backtest/);
  });

  it('tests only the horizons a day of data can hold, and says so', () => {
    const s = selectDemandModel(daily(1, 4));
    expect(s.horizons.map((h) => h.horizonMinutes)).toEqual([60]);
    expect(s.notes.some((n) => n.includes('6 h horizon (72 steps) needs 432 steps'))).toBe(true);
  });

  it('builds a registry version with the backtest metrics, the choice as parameters and a small JSON artifact', () => {
    const s = selectDemandModel(daily(5));
    const v = demandModelVersion(s, { source: 'training_data', nodeId: 'node-1', resourceType: 'cpu' }, Date.UTC(2026, 10, 7));
    expect(v.service).toBe('resource');
    expect(v.algorithm).toBe(`demand_forecast_${s.method}`);
    expect(v.metrics.accuracy).toBe(s.accuracy);
    for (const k of ['wape', 'mase', 'r2', 'coverage90', 'training_points', 'naive_mase', 'seasonal_naive_mase', 'holt_winters_mase', 'naive_mase_60m', 'holt_winters_mase_360m', 'seasonality_86400s_strength']) {
      expect(typeof v.metrics[k], k).toBe('number');
    }
    expect(v.parameters).toMatchObject({ method: s.method, step_seconds: 300, node_id: 'node-1', resource_type: 'cpu', source: 'training_data' });
    expect((v.parameters.horizons as unknown[]).length).toBe(2);
    expect(v.dataFingerprint).toMatch(/^training_data \(node-1 cpu\): 1440 points, 1440 steps of 300 s, 2026-11-02T00:00:00.000Z to 2026-11-07T00:00:00.000Z, sha256 [0-9a-f]{16}$/);
    expect(v.trainedAt).toBe(Date.UTC(2026, 10, 7));
    const art = JSON.parse(v.artifact!.toString());
    expect(art).toMatchObject({ kind: 'demand_forecast_choice', method: s.method, step_seconds: 300 });
    expect(art.periods_steps).toEqual(s.periods);
    // The same data gives the same choice and fingerprint.
    expect(selectDemandModel(daily(5)).dataSha256).toBe(s.dataSha256);
  });

  it('activates by policy: first version, or backtest accuracy not worse than the active one', () => {
    expect(shouldActivateDemand({ accuracy: 0.5 }, undefined).activate).toBe(true);
    expect(shouldActivateDemand({ accuracy: 0.9 }, { metrics: { accuracy: 0.9 }, algorithm: 'x' }).activate).toBe(true);
    const worse = shouldActivateDemand({ accuracy: 0.8 }, { metrics: { accuracy: 0.9 }, algorithm: 'x' });
    expect(worse.activate).toBe(false);
    expect(worse.reason).toMatch(/80.0 % .* worse than the active model's 90.0 %/);
    expect(shouldActivateDemand({ accuracy: 0.8 }, { metrics: {}, algorithm: 'x' }).activate).toBe(true);
  });
});
