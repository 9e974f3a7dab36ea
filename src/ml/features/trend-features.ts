/**
 * Drift over the window against the step index t = 0 … n − 1 (slopes are per step; multiply by
 * the steps per hour to get a rate). Three views of the same question with different failure
 * modes: least squares (efficient, pulled by spikes), Theil–Sen (median of all pairwise slopes,
 * robust), Mann–Kendall (rank-based: is there a monotonic trend at all?). The thirds and the
 * quadratic term ask whether the drift is speeding up, which is what a leak or a filling disk does.
 */
import { defineGroup } from './feature-group.js';
import { medianInPlace } from './selection.js';
import type { WindowWorkspace } from './window-workspace.js';

export const TREND = defineGroup('trend', [
  ['ols_slope', 'Least-squares slope against the step index (metric units per step): the average drift.'],
  ['ols_intercept', 'Least-squares fitted value at the first point (metric units).'],
  ['ols_end_value', 'Least-squares fitted value at the last point (metric units): the current level with the noise smoothed out.'],
  ['ols_r2', 'Share of the variance the straight line explains (0–1): how clean the trend is; 0 for a constant window.'],
  ['ols_residual_std', 'Standard error of the regression sqrt(SSE / (n − 2)) (metric units): noise around the trend.'],
  ['ols_slope_relative', 'ols_slope / |mean| (fraction of the level per step): drift comparable across hosts; 0 when the slope is 0, NaN when the mean is exactly 0 and the slope is not.'],
  ['theil_sen_slope', 'Median of the slopes between all pairs of points (metric units per step): drift robust to spikes (breakdown point 29%).'],
  ['theil_sen_intercept', 'Median of x_t − theil_sen_slope·t (metric units): the robust line at the first point.'],
  ['mann_kendall_s', 'Mann–Kendall S = Σ_{i<j} sign(x_j − x_i) (pairs): rising pairs minus falling pairs.'],
  ['mann_kendall_z', 'Mann–Kendall z with tie-corrected variance and continuity correction (standard normal units): |z| > 1.96 is a monotonic trend at the 5% level; 0 when S = 0.'],
  ['kendall_tau', 'Kendall tau-b between time and value (−1 to 1): strength of the monotonic trend; 0 for a constant window.'],
  ['first_third_slope', 'Least-squares slope over the first ⌊n/3⌋ points (metric units per step).'],
  ['last_third_slope', 'Least-squares slope over the last ⌊n/3⌋ points (metric units per step): the drift now.'],
  ['slope_change', 'last_third_slope − first_third_slope (metric units per step): whether the drift sped up across the window.'],
  ['quadratic_curvature', 'Coefficient of t² in a least-squares quadratic fit (metric units per step²): positive when growth accelerates, e.g. a leak.'],
] as const);

const I = TREND.at;

/** Per-length scratch: room for every pairwise slope, and the time polynomials' sums. */
export class TrendScratch {
  readonly slopes: Float64Array;
  readonly inverse: Float64Array;
  readonly mergeA: Float64Array;
  readonly mergeB: Float64Array;
  /** t − t̄ and (t − t̄)² − Stt/n: orthogonal linear and quadratic time polynomials. */
  readonly p1: Float64Array;
  readonly p2: Float64Array;
  readonly stt: number;
  readonly s22: number;

  constructor(n: number) {
    this.slopes = new Float64Array((n * (n - 1)) / 2);
    this.inverse = new Float64Array(n);
    this.mergeA = new Float64Array(n);
    this.mergeB = new Float64Array(n);
    for (let d = 1; d < n; d++) this.inverse[d] = 1 / d;
    this.p1 = new Float64Array(n);
    this.p2 = new Float64Array(n);
    const tbar = (n - 1) / 2;
    let stt = 0;
    for (let t = 0; t < n; t++) {
      this.p1[t] = t - tbar;
      stt += (t - tbar) * (t - tbar);
    }
    let s22 = 0;
    for (let t = 0; t < n; t++) {
      const q = (t - tbar) * (t - tbar) - stt / n;
      this.p2[t] = q;
      s22 += q * q;
    }
    this.stt = stt;
    this.s22 = s22;
  }
}

export function computeTrend(ws: WindowWorkspace, out: Float64Array, o: number): void {
  const n = ws.n;
  const s = ws.trend ?? (ws.trend = new TrendScratch(n));
  const x = ws.x;
  const c = ws.centered;
  const sst = ws.sumSquares;

  // Least squares on the orthogonal polynomials: the slope and the curvature do not interact.
  let sxy = 0;
  let s2y = 0;
  for (let t = 0; t < n; t++) {
    sxy += s.p1[t] * c[t];
    s2y += s.p2[t] * c[t];
  }
  const slope = sxy / s.stt;
  const intercept = ws.mean - (slope * (n - 1)) / 2;
  const sse = Math.max(0, sst - slope * sxy);
  out[o + I.ols_slope] = slope;
  out[o + I.ols_intercept] = intercept;
  out[o + I.ols_end_value] = intercept + slope * (n - 1);
  out[o + I.ols_r2] = sst > 0 ? Math.min(1, (sxy * sxy) / (s.stt * sst)) : 0;
  out[o + I.ols_residual_std] = Math.sqrt(sse / (n - 2));
  out[o + I.ols_slope_relative] = slope === 0 ? 0 : ws.mean === 0 ? NaN : slope / Math.abs(ws.mean);
  out[o + I.quadratic_curvature] = s2y / s.s22;

  // Every pair's slope for Theil–Sen (the loop has no data-dependent branch).
  const slopes = s.slopes;
  const inv = s.inverse;
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i];
    for (let j = i + 1; j < n; j++) slopes[k++] = (x[j] - xi) * inv[j - i];
  }
  const ts = medianInPlace(slopes, k);
  const resid = ws.scratch;
  for (let t = 0; t < n; t++) resid[t] = x[t] - ts * t;
  out[o + I.theil_sen_slope] = ts;
  out[o + I.theil_sen_intercept] = medianInPlace(resid, n);

  // Ties in the values shrink the variance of S (Kendall 1975).
  const sorted = ws.sorted;
  let tieTerm = 0;
  let tiePairs = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const g = j - i;
    if (g > 1) {
      tieTerm += g * (g - 1) * (2 * g + 5);
      tiePairs += (g * (g - 1)) / 2;
    }
    i = j;
  }
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const pairs = (n * (n - 1)) / 2;
  // S = concordant − discordant pairs = pairs − ties − 2·inversions, inversions counted by merge
  // sort in O(n log n) rather than by 1,770 unpredictable sign comparisons.
  const mk = pairs - tiePairs - 2 * countInversions(x, n, s.mergeA, s.mergeB);
  out[o + I.mann_kendall_s] = mk;
  out[o + I.mann_kendall_z] = mk === 0 || variance <= 0 ? 0 : (mk > 0 ? mk - 1 : mk + 1) / Math.sqrt(variance);
  out[o + I.kendall_tau] = pairs > tiePairs ? mk / Math.sqrt(pairs * (pairs - tiePairs)) : 0;

  const third = Math.floor(n / 3);
  const first = segmentSlope(x, 0, third);
  const last = segmentSlope(x, n - third, third);
  out[o + I.first_third_slope] = first;
  out[o + I.last_third_slope] = last;
  out[o + I.slope_change] = last - first;
}

/** Number of pairs i < j with x[i] > x[j] (strict), by a bottom-up merge sort of a copy. */
export function countInversions(x: Float64Array, n: number, bufA: Float64Array, bufB: Float64Array): number {
  let src = bufA;
  let dst = bufB;
  for (let i = 0; i < n; i++) src[i] = x[i];
  let inversions = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        if (src[j] < src[i]) {
          inversions += mid - i;
          dst[o++] = src[j++];
        } else dst[o++] = src[i++];
      }
      while (i < mid) dst[o++] = src[i++];
      while (j < hi) dst[o++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return inversions;
}

/** Least-squares slope of x[start .. start+len) against 0 … len − 1; 0 for fewer than two points. */
export function segmentSlope(x: Float64Array, start: number, len: number): number {
  if (len < 2) return 0;
  let sum = 0;
  for (let t = 0; t < len; t++) sum += x[start + t];
  const mean = sum / len;
  const tbar = (len - 1) / 2;
  let sxy = 0;
  for (let t = 0; t < len; t++) sxy += (t - tbar) * (x[start + t] - mean);
  return sxy / ((len * (len * len - 1)) / 12);
}
