/**
 * Drift over the window against the step index t = 0 … n − 1 (slopes are per step; multiply by
 * the steps per hour to get a rate). Three views of the same question with different failure
 * modes: least squares (efficient, pulled by spikes), Theil–Sen (median of all pairwise slopes,
 * robust), Mann–Kendall (rank-based: is there a monotonic trend at all?). The thirds and the
 * quadratic term ask whether the drift is speeding up, which is what a leak or a filling disk does.
 */
import { defineGroup } from './feature-group.js';
import { medianInPlace, SampledSelector } from './selection.js';
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

/** Per-length scratch: room for every pairwise slope, a pair sample, and the time polynomials' sums. */
export class TrendScratch {
  readonly slopes: Float64Array;
  readonly inverse: Float64Array;
  readonly selector: SampledSelector;
  /** Pairs (i, j) whose slopes bracket the median before the full pass (spread over the pair order). */
  readonly sampleI: Int32Array;
  readonly sampleJ: Int32Array;
  /** t − t̄ and (t − t̄)² − Stt/n: orthogonal linear and quadratic time polynomials. */
  readonly p1: Float64Array;
  readonly p2: Float64Array;
  readonly stt: number;
  readonly s22: number;

  constructor(n: number) {
    const pairs = (n * (n - 1)) / 2;
    this.slopes = new Float64Array(pairs);
    this.inverse = new Float64Array(n);
    for (let d = 1; d < n; d++) this.inverse[d] = 1 / d;
    this.selector = new SampledSelector(pairs);
    const size = SampledSelector.sampleSize;
    this.sampleI = new Int32Array(size);
    this.sampleJ = new Int32Array(size);
    for (let q = 0; q < size; q++) {
      let rest = Math.floor(SampledSelector.fractions[q] * pairs);
      let i = 0;
      while (rest >= n - 1 - i) rest -= n - 1 - i++;
      this.sampleI[q] = i;
      this.sampleJ[q] = i + 1 + rest;
    }
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

  // Theil–Sen and Mann–Kendall share one pass over the pairs. A sample of 64 pairs brackets the
  // median slope first; the pass then keeps only the slopes inside the bracket (~30%), counts
  // those below it, and counts the rising pairs for S, all without a branch on the data (see
  // SampledSelector). The median is then the exact order statistic of the same slopes, found
  // among the kept ones, so no slope array is sorted or partitioned as a whole.
  const pairs = (n * (n - 1)) / 2;
  const h = pairs >>> 1;
  const even = (pairs & 1) === 0;
  const k = even ? h - 1 : h; // lower middle rank; with `even`, rank k + 1 too
  const sel = s.selector;
  const inv = s.inverse;
  let lo = -Infinity;
  let hi = Infinity;
  if (pairs > 160) {
    const sample = sel.sampleBuffer;
    for (let q = 0; q < sample.length; q++) {
      const i = s.sampleI[q];
      const j = s.sampleJ[q];
      sample[q] = (x[j] - x[i]) * inv[j - i];
    }
    sel.bracket(k, even ? 1 : 0, pairs);
    lo = sel.lo;
    hi = sel.hi;
  }
  const slopes = s.slopes;
  let m = 0;
  let atLeastLo = 0;
  let rising = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i];
    let j = i + 1;
    // Two pairs per step (half the loop overhead).
    for (; j + 1 < n; j += 2) {
      const d0 = x[j] - xi;
      const v0 = d0 * inv[j - i];
      const d1 = x[j + 1] - xi;
      const v1 = d1 * inv[j + 1 - i];
      slopes[m] = v0;
      const c0 = +(v0 >= lo);
      m += c0 & +(v0 <= hi);
      slopes[m] = v1;
      const c1 = +(v1 >= lo);
      m += c1 & +(v1 <= hi);
      atLeastLo += c0 + c1;
      rising += +(d0 > 0) + +(d1 > 0);
    }
    if (j < n) {
      const d = x[j] - xi;
      const v = d * inv[j - i];
      slopes[m] = v;
      const c = +(v >= lo);
      m += c & +(v <= hi);
      atLeastLo += c;
      rising += +(d > 0);
    }
  }
  const below = pairs - atLeastLo;
  let ts: number;
  if (below <= k && k + (even ? 1 : 0) < below + m) {
    const lower = lo > -Infinity && hi < Infinity ? sel.kthInRange(slopes, m, k - below, even, lo, hi) : sel.kthAndNext(slopes, m, k - below, even);
    ts = even ? (lower + sel.next) / 2 : lower;
  } else {
    // The bracket missed (rare): every slope, and the plain median.
    let p = 0;
    for (let i = 0; i < n - 1; i++) {
      const xi = x[i];
      for (let j = i + 1; j < n; j++) slopes[p++] = (x[j] - xi) * inv[j - i];
    }
    ts = medianInPlace(slopes, pairs);
  }
  const resid = ws.scratch;
  for (let t = 0; t < n; t++) resid[t] = x[t] - ts * t;
  out[o + I.theil_sen_slope] = ts;
  out[o + I.theil_sen_intercept] = sel.median(resid, n);

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
  // S = rising pairs − falling pairs, and falling = pairs − rising − tied (x_j − x_i is 0
  // exactly when the values are equal, so the tied pairs are those counted from the sorted values).
  const mk = 2 * rising + tiePairs - pairs;
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
