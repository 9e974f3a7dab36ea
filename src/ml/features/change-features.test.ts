import { describe, expect, it } from 'vitest';
import { guardedRatio, RATIO_CAP } from './change-features.js';
import { groupFeatures } from './test-helpers.js';

describe('change features', () => {
  it('matches hand-computed values on a level shift in the last two points', () => {
    // Ten 1s then two 5s: mean 5/3, population σ = √(20/9) = 1.4907.
    const x = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5];
    const f = groupFeatures('change', x);
    const sd = Math.sqrt(20 / 9);
    expect(f.last_value).toBe(5);
    expect(f.last_minus_mean).toBeCloseTo(10 / 3, 12);
    expect(f.last_zscore).toBeCloseTo(Math.sqrt(5), 12);
    // MAD is 0 (ten of twelve at the median 1): falls back to mean |x − 1| = 8/12.
    expect(f.last_mads_from_median).toBeCloseTo(6, 12);
    expect(f.last5_minus_rest_mean).toBeCloseTo(2.6 - 1, 12);
    expect(f.last5_minus_rest_z).toBeCloseTo(1.6 / sd, 12);
    expect(f.last10_minus_rest_mean).toBeCloseTo(1.8 - 1, 12);
    expect(f.last10_minus_rest_z).toBeCloseTo(0.8 / sd, 12);
    expect(f.max_abs_step).toBe(4);
    expect(f.mean_abs_step).toBeCloseTo(4 / 11, 12);
    expect(f.largest_step).toBe(4);
    expect(f.steps_since_largest_step).toBe(1); // the jump into point 10; point 11 came after it
    // CUSUM of x − mean bottoms out at −20/3 after the ten 1s (point 9).
    expect(f.cusum_max).toBeCloseTo(20 / 3 / (sd * Math.sqrt(12)), 12);
    expect(f.steps_since_cusum_max).toBe(2);
    expect(f.last_quarter_over_first_quarter).toBeCloseTo(11 / 3, 12);
    expect(f.last_quarter_vs_first_quarter).toBeCloseTo(4 / 7, 12);
    expect(f.volatility_ratio).toBe(RATIO_CAP); // first third flat, last third [1, 1, 5, 5]
    expect(f.mean_crossing_rate).toBeCloseTo(1 / 11, 12);
    expect(f.share_up_steps).toBeCloseTo(1 / 11, 12);
    expect(f.max_rise).toBe(4);
    expect(f.max_drop).toBe(0);
  });

  it('finds the biggest climb and fall anywhere in the window', () => {
    const f = groupFeatures('change', [5, 9, 2, 3, 8, 1, 4, 4, 6, 0]);
    expect(f.max_rise).toBe(6); // 2 → 8
    expect(f.max_drop).toBe(9); // 9 → 0
    expect(f.largest_step).toBe(-7); // 9 → 2 (first of the two 7-magnitude steps)
    expect(f.steps_since_largest_step).toBe(7);
  });

  it('is finite for a constant window and NaN only where 10 recent points leave nothing before them', () => {
    const f = groupFeatures('change', new Array(12).fill(3));
    for (const [name, v] of Object.entries(f)) expect(Number.isFinite(v), name).toBe(true);
    expect(f.last_zscore).toBe(0);
    expect(f.last_mads_from_median).toBe(0);
    expect(f.cusum_max).toBe(0);
    expect(f.last_quarter_over_first_quarter).toBe(1);
    expect(f.volatility_ratio).toBe(1);
    const short = groupFeatures('change', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(short.last10_minus_rest_mean).toBeNaN();
    expect(short.last10_minus_rest_z).toBeNaN();
  });

  it('guards ratios: 0/0 gives the stated value, x/0 and huge ratios give ±RATIO_CAP', () => {
    expect(guardedRatio(0, 0, 1)).toBe(1);
    expect(guardedRatio(3, 0, 1)).toBe(RATIO_CAP);
    expect(guardedRatio(-3, 0, 1)).toBe(-RATIO_CAP);
    expect(guardedRatio(1, 1e-300, 1)).toBe(RATIO_CAP);
    expect(guardedRatio(6, 3, 1)).toBe(2);
  });
});
