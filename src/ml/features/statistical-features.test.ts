import { describe, expect, it } from 'vitest';
import { groupFeatures } from './test-helpers.js';

describe('statistical features', () => {
  it('matches hand-computed values on 1 … 10', () => {
    const f = groupFeatures('statistical', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(f.mean).toBe(5.5);
    expect(f.std).toBeCloseTo(Math.sqrt(8.25), 12); // population: Σ(x − 5.5)² / 10 = 82.5 / 10
    expect(f.min).toBe(1);
    expect(f.max).toBe(10);
    expect(f.range).toBe(9);
    expect(f.median).toBe(5.5);
    // numpy.quantile (linear): position (n − 1)·p.
    expect(f.q05).toBeCloseTo(1.45, 12);
    expect(f.q25).toBeCloseTo(3.25, 12);
    expect(f.q75).toBeCloseTo(7.75, 12);
    expect(f.q95).toBeCloseTo(9.55, 12);
    expect(f.iqr).toBeCloseTo(4.5, 12);
    expect(f.mad).toBe(2.5); // |x − 5.5| = 0.5, 0.5, 1.5, 1.5, …, 4.5 → median 2.5
    expect(f.mean_abs_deviation).toBe(2.5);
    expect(f.skewness).toBeCloseTo(0, 12);
    // Discrete uniform on 10 points: m4 / m2² − 3 = (Σ(x − 5.5)⁴ / 10) / 8.25² − 3 = 120.8625 / 68.0625 − 3.
    expect(f.kurtosis).toBeCloseTo(120.8625 / 68.0625 - 3, 12);
    expect(f.cv).toBeCloseTo(Math.sqrt(8.25) / 5.5, 12);
    expect(f.energy).toBe(385);
    expect(f.rms).toBeCloseTo(Math.sqrt(38.5), 12);
    expect(f.sum).toBe(55);
    expect(f.share_above_mean).toBe(0.5);
    expect(f.share_beyond_2sd).toBe(0); // 2σ = 5.74 > 4.5
    expect(f.zero_share).toBe(0);
    expect(f.distinct_share).toBe(1);
    expect(f.missing_count).toBe(0);
    expect(f.longest_missing_run).toBe(0);
  });

  it('sees a single spike in the tail statistics, not in the robust ones', () => {
    const x = [0, 0, 0, 0, 0, 0, 0, 0, 0, 10];
    const f = groupFeatures('statistical', x);
    expect(f.mean).toBe(1);
    expect(f.median).toBe(0);
    expect(f.mad).toBe(0);
    expect(f.skewness).toBeCloseTo(8 / 3, 12); // m3 = (9·(−1)³ + 9³)/10 = 72, m2 = 9 → 72 / 27
    expect(f.share_above_mean).toBe(0.1);
    expect(f.share_beyond_2sd).toBe(0.1);
    expect(f.zero_share).toBe(0.9);
    expect(f.distinct_share).toBe(0.2);
  });

  it('gives 0, not NaN or Infinity, for the shape of a constant window', () => {
    const f = groupFeatures('statistical', new Array(20).fill(7));
    expect(f.std).toBe(0);
    expect(f.skewness).toBe(0);
    expect(f.kurtosis).toBe(0);
    expect(f.cv).toBe(0);
    expect(f.iqr).toBe(0);
    expect(f.share_beyond_2sd).toBe(0);
    expect(f.distinct_share).toBe(0.05);
  });

  it('returns NaN for the coefficient of variation when the mean is exactly 0', () => {
    const f = groupFeatures('statistical', [-1, 1, -1, 1, -1, 1, -1, 1]);
    expect(f.cv).toBeNaN();
    expect(f.std).toBe(1);
  });
});
