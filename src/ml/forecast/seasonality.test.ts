import { describe, expect, it } from 'vitest';
import { MLInputError } from '../core/errors.js';
import { Random } from '../core/random.js';
import { synthetic } from './fixtures/synthetic-series.js';
import { detectSeasonality, seasonalStrength } from './seasonality.js';

const MONTH = 8640; // 30 days of 5-minute steps

function period(r: ReturnType<typeof detectSeasonality>, steps: number) {
  return r.periods.find((p) => p.steps === steps);
}

describe('detectSeasonality', () => {
  it('finds the daily period of a noisy daily sine, and no weekly one beyond it', () => {
    const r = detectSeasonality(synthetic({ n: MONTH, daily: 1, noise: 0.3 }));
    // Seasonal variance 0.5 against noise 0.09: F_S = 0.5 / 0.59 ≈ 0.85.
    expect(period(r, 288)!.strength).toBeGreaterThan(0.8);
    expect(period(r, 288)!.present).toBe(true);
    expect(period(r, 2016)!.strength).toBeLessThan(0.1);
    expect(period(r, 2016)!.present).toBe(false);
    expect(r.dominant).toBe(288);
  });

  it('gives white noise no seasonality (the degrees-of-freedom adjustment keeps 2,016 phase means from explaining noise)', () => {
    const rng = new Random(4);
    const values = Float64Array.from({ length: MONTH }, () => rng.normal());
    const r = detectSeasonality({ values, startMs: 0, stepMs: 300_000 });
    for (const p of r.periods) expect(p.strength).toBeLessThan(0.2);
    expect(r.periods.every((p) => !p.present)).toBe(true);
    expect(r.dominant).toBeNull();
  });

  it('finds daily and weekly periods in a double-seasonal series, the weekly one net of the daily', () => {
    const r = detectSeasonality(synthetic({ n: MONTH, daily: 2, weekend: 3, noise: 0.5 }));
    expect(period(r, 288)!.present).toBe(true);
    expect(period(r, 2016)!.present).toBe(true);
    expect(period(r, 2016)!.strength).toBeGreaterThan(0.5);
    expect(period(r, 2016)!.totalStrength).toBeGreaterThan(period(r, 2016)!.strength);
  });

  it('finds a non-calendar period among the autocorrelation peaks (a 3-hour job), and does not call the day seasonal for it', () => {
    const rng = new Random(9);
    const values = Float64Array.from({ length: MONTH }, (_, t) => (t % 36 < 3 ? 5 : 0) + 0.5 * rng.normal());
    const r = detectSeasonality({ values, startMs: 0, stepMs: 300_000 });
    const job = period(r, 36);
    expect(job?.source).toBe('acf');
    expect(job!.strength).toBeGreaterThan(0.8);
    expect(r.dominant).toBe(36);
    // The day is a multiple of 3 hours: net of the 3-hour profile, nothing is left.
    expect(period(r, 288)!.strength).toBeLessThan(0.1);
    expect(period(r, 288)!.totalStrength).toBeGreaterThan(0.8);
  });

  it('tolerates missing values (20 % at random and a 6-hour outage)', () => {
    const s = synthetic({ n: MONTH, daily: 1, noise: 0.3, missing: 0.2, seed: 3 });
    s.values.fill(NaN, 4000, 4072);
    const r = detectSeasonality(s);
    expect(period(r, 288)!.strength).toBeGreaterThan(0.75);
    expect(r.dominant).toBe(288);
  });

  it('gives a constant series strength 0 and an all-missing one no periods, without throwing', () => {
    const constant = detectSeasonality({ values: new Float64Array(MONTH).fill(5), startMs: 0, stepMs: 300_000 });
    expect(constant.periods.length).toBeGreaterThan(0);
    for (const p of constant.periods) expect(p.strength).toBe(0);
    expect(constant.dominant).toBeNull();
    const missing = detectSeasonality({ values: new Float64Array(MONTH).fill(NaN), startMs: 0, stepMs: 300_000 });
    expect(missing.periods).toEqual([]);
    expect(missing.dominant).toBeNull();
  });

  it('tests a period only with two full cycles of history', () => {
    const r = detectSeasonality(synthetic({ n: 2000, daily: 1, noise: 0.1 }), { acfPeaks: 0 });
    expect(r.periods.map((p) => p.steps)).toEqual([288]);
    const short = detectSeasonality(synthetic({ n: 500, daily: 1 }), { acfPeaks: 0 });
    expect(short.periods).toEqual([]);
  });

  it('rejects a bad threshold and infinite values', () => {
    const s = synthetic({ n: 600 });
    expect(() => detectSeasonality(s, { threshold: 2 })).toThrow(MLInputError);
    s.values[3] = Infinity;
    expect(() => detectSeasonality(s)).toThrow(/use NaN/);
  });
});

describe('seasonalStrength', () => {
  it('matches the variance share of a sine in noise', () => {
    // Var(S) = 0.5, Var(R) = 0.25: F_S = 0.5 / 0.75 = 2/3.
    const s = synthetic({ n: MONTH, daily: 1, noise: 0.5, seed: 11 });
    expect(seasonalStrength(s.values, 288)).toBeCloseTo(2 / 3, 1);
    expect(Math.abs(seasonalStrength(s.values, 288) - 2 / 3)).toBeLessThan(0.03);
  });

  it('is 0 for a series shorter than two cycles', () => {
    expect(seasonalStrength(new Float64Array(100).fill(1), 288)).toBe(0);
  });
});
