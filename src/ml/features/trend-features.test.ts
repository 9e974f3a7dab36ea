import { describe, expect, it } from 'vitest';
import { groupFeatures } from './test-helpers.js';

const ramp = (n: number, start: number, step: number) => Array.from({ length: n }, (_, t) => start + step * t);

describe('trend features', () => {
  it('recovers a linear ramp exactly', () => {
    const f = groupFeatures('trend', ramp(12, 2, 0.5));
    expect(f.ols_slope).toBeCloseTo(0.5, 12);
    expect(f.ols_intercept).toBeCloseTo(2, 12);
    expect(f.ols_end_value).toBeCloseTo(7.5, 12);
    expect(f.ols_r2).toBeCloseTo(1, 12);
    expect(f.ols_residual_std).toBeCloseTo(0, 12);
    expect(f.ols_slope_relative).toBeCloseTo(0.5 / 4.75, 12);
    expect(f.theil_sen_slope).toBe(0.5);
    expect(f.theil_sen_intercept).toBe(2);
    expect(f.mann_kendall_s).toBe(66); // all 12·11/2 pairs rise
    expect(f.kendall_tau).toBe(1);
    expect(f.mann_kendall_z).toBeCloseTo(65 / Math.sqrt((12 * 11 * 29) / 18), 12);
    expect(f.first_third_slope).toBeCloseTo(0.5, 12);
    expect(f.last_third_slope).toBeCloseTo(0.5, 12);
    expect(f.slope_change).toBeCloseTo(0, 12);
    expect(f.quadratic_curvature).toBeCloseTo(0, 12);
  });

  it('keeps the Theil–Sen slope through a spike that moves the least-squares slope', () => {
    const x = ramp(12, 0, 1);
    x[10] = 100;
    const f = groupFeatures('trend', x);
    expect(f.theil_sen_slope).toBe(1); // 11 of the 66 pairwise slopes are off; the median is not
    expect(f.ols_slope).toBeGreaterThan(1.5);
  });

  it('measures curvature and the speed-up of a quadratic', () => {
    const f = groupFeatures('trend', Array.from({ length: 30 }, (_, t) => 3 * t * t));
    expect(f.quadratic_curvature).toBeCloseTo(3, 9);
    // Thirds of 10 points: slopes of 3t² over t = 0…9 and t = 20…29 are 3·9 and 3·49.
    expect(f.first_third_slope).toBeCloseTo(27, 9);
    expect(f.last_third_slope).toBeCloseTo(147, 9);
    expect(f.slope_change).toBeCloseTo(120, 9);
  });

  it('counts Mann–Kendall pairs with ties, and is 0 for a constant window', () => {
    const x = [1, 2, 2, 1, 3, 1, 1, 3];
    let s = 0;
    for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) s += Math.sign(x[j] - x[i]);
    const f = groupFeatures('trend', x);
    expect(f.mann_kendall_s).toBe(s);
    // Ties: four 1s, two 2s, two 3s.
    const ties = 4 * 3 * 13 + 2 * 1 * 9 + 2 * 1 * 9;
    const variance = (8 * 7 * 21 - ties) / 18;
    expect(f.mann_kendall_z).toBeCloseTo((s - Math.sign(s)) / Math.sqrt(variance), 12);
    const flat = groupFeatures('trend', new Array(16).fill(5));
    expect(flat.mann_kendall_s).toBe(0);
    expect(flat.mann_kendall_z).toBe(0);
    expect(flat.kendall_tau).toBe(0);
    expect(flat.ols_r2).toBe(0);
    expect(flat.theil_sen_slope).toBe(0);
  });

  it('gives the exact Theil–Sen median and Mann–Kendall S of the definitions, whatever the window', () => {
    // The fast path brackets the median slope from a sample and selects among the slopes inside
    // the bracket; its answer must be the very order statistic a full sort gives, bit for bit.
    let seed = 3;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 120; trial++) {
      const n = 8 + Math.floor(rnd() * (trial < 80 ? 70 : 250));
      const kind = trial % 5;
      const x = Array.from({ length: n }, (_, t) => {
        if (kind === 0) return rnd() - 0.5; // noise
        if (kind === 1) return Math.floor(rnd() * 4); // heavy ties
        if (kind === 2) return 0.3 * t + (rnd() < 0.1 ? 20 * rnd() : rnd()); // trend with spikes
        if (kind === 3) return Math.floor(t / 7); // staircase: most slopes 0
        return Math.sin(t / 3) + 0.01 * rnd(); // oscillation
      });
      const slopes: number[] = [];
      let s = 0;
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          slopes.push((x[j] - x[i]) * (1 / (j - i)));
          s += Math.sign(x[j] - x[i]);
        }
      slopes.sort((a, b) => a - b);
      const h = slopes.length >> 1;
      const median = slopes.length % 2 ? slopes[h] : (slopes[h - 1] + slopes[h]) / 2;
      const f = groupFeatures('trend', x);
      expect(f.theil_sen_slope, `trial ${trial}, n = ${n}`).toBe(median);
      expect(f.mann_kendall_s, `trial ${trial}, n = ${n}`).toBe(s);
      const resid = x.map((v, t) => v - f.theil_sen_slope * t).sort((a, b) => a - b);
      const r = n >> 1;
      expect(f.theil_sen_intercept).toBe(n % 2 ? resid[r] : (resid[r - 1] + resid[r]) / 2);
    }
  });
});
