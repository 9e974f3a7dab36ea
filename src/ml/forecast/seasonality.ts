import { MLInputError } from '../core/errors.js';
import { nextPowerOfTwo, Radix2Fft } from '../features/fft.js';
import type { SeriesGrid } from './forecaster.js';
import { checkSeries, DAY_MS, periodSteps, WEEK_MS } from './series-grid.js';

/**
 * Automatic seasonality detection: which periods a series repeats with, and how strongly.
 *
 * Strength is Hyndman's seasonal strength F_S = 1 − Var(R) / Var(S + R) (Wang, Smith & Hyndman
 * 2006; Hyndman & Athanasopoulos, FPP3 §4.3) from a classical decomposition at each candidate
 * period p: the trend is the centred moving average of length p (2×p when p is even; at the
 * ends, where the window does not fit, the nearest full window's value), S + R is the series
 * minus that trend, S the mean of S + R at each phase, R what is left. Both variances are
 * degrees-of-freedom adjusted (divided by N − phases and N − 1, like an adjusted R²): without
 * that, p phase means fitted to N points "explain" about p/N of pure noise, which for a weekly
 * period on 30 days of 5-minute data is 0.3 of white noise. Adjusted, white noise scores ≈ 0.
 *
 * A longer period that is a multiple of a shorter present one (a week of days) would explain the
 * shorter one's pattern all over again, so its `strength` is measured on what the shorter
 * period's profile leaves (the week beyond the day, as MSTL separates them); `totalStrength` is
 * its own profile's share without that netting. A period is present when `strength` ≥ the
 * threshold (default 0.3: a seasonal swing with a standard deviation of about 0.65 of the noise's).
 *
 * Candidates: the calendar periods (1 day and 1 week by default) plus up to three peaks of the
 * autocorrelation function (an hourly cron, a 12-hour shift, a 3-day batch), each needing at
 * least two full cycles of history. Peaks come from two FFTs of ≤ 1,024 points: the raw ACF of
 * the latest 512 steps for periods up to 256 steps, and the ACF of the whole series averaged
 * into ≤ 512 buckets for longer ones (found to within a bucket, then interpolated and rounded to
 * steps). Cost: one prefix-sum pass, one O(n) pass per candidate and the two FFTs:
 * O(n · candidates).
 */

export interface SeasonalPeriod {
  /** Period in grid steps. */
  steps: number;
  /** Seasonal strength in [0, 1], net of any shorter present period this one is a multiple of. */
  strength: number;
  /** Seasonal strength of this period's own profile, without that netting. */
  totalStrength: number;
  /** strength ≥ the detection threshold. */
  present: boolean;
  /** 'calendar' for the fixed candidates, 'acf' for a period found as an autocorrelation peak. */
  source: 'calendar' | 'acf';
}

export interface SeasonalityResult {
  /** Every candidate tested, ascending by steps. */
  periods: SeasonalPeriod[];
  /** Steps of the present period with the largest totalStrength, or null when none is present. */
  dominant: number | null;
  /** The threshold `present` was judged against. */
  threshold: number;
}

export interface SeasonalityOptions {
  /** Calendar candidate periods in ms. Default 1 day and 1 week. */
  candidatesMs?: readonly number[];
  /** Further candidate periods in steps. */
  candidateSteps?: readonly number[];
  /** Autocorrelation peaks to add as candidates (0 = none). Default 3. */
  acfPeaks?: number;
  /** Strength at or above which a period is present. Default 0.3. */
  threshold?: number;
  /** Full cycles of history a candidate needs to be tested. Default 2. */
  minCycles?: number;
}

export const DEFAULT_SEASONALITY_CANDIDATES_MS: readonly number[] = [DAY_MS, WEEK_MS];
export const DEFAULT_SEASONALITY_THRESHOLD = 0.3;

/** Latest points whose raw ACF is searched for short periods (lags up to half of it). */
const ACF_FINE = 512;
/** Buckets the ACF search for long periods averages the whole series into, at most. */
const ACF_BUCKETS = 512;
/** Autocorrelation an ACF peak needs to become a candidate. */
const ACF_MIN_PEAK = 0.2;
/** How far a peak must rise above the lowest ACF value between half its lag and its lag. */
const ACF_MIN_PROMINENCE = 0.1;

// Scratch reused across calls: detection runs once per VM for fleets of thousands, and one
// buffer per call would be megabytes of garbage per fleet pass. Calls are synchronous, so
// sharing within a thread is safe.
let prefixSum = new Float64Array(0);
let prefixCount = new Float64Array(0);
let centred = new Float64Array(0);
let present = new Float64Array(0);
let fftRe = new Float64Array(0);
let fftIm = new Float64Array(0);
let phaseSum = new Float64Array(0);
let phaseNested = new Float64Array(0);
let phaseCount = new Float64Array(0);
const ffts = new Map<number, Radix2Fft>();
const constants = new Float64Array(2);

export function detectSeasonality(series: SeriesGrid, opts: SeasonalityOptions = {}): SeasonalityResult {
  checkSeries('detectSeasonality', series);
  const threshold = opts.threshold ?? DEFAULT_SEASONALITY_THRESHOLD;
  const minCycles = opts.minCycles ?? 2;
  const acfPeaks = opts.acfPeaks ?? 3;
  if (!(threshold >= 0 && threshold <= 1)) throw new MLInputError(`detectSeasonality: threshold must be in [0, 1], got ${threshold}`);
  if (!(minCycles >= 2)) throw new MLInputError(`detectSeasonality: minCycles must be at least 2, got ${minCycles}`);
  if (!(Number.isInteger(acfPeaks) && acfPeaks >= 0)) throw new MLInputError(`detectSeasonality: acfPeaks must be a non-negative integer, got ${acfPeaks}`);
  const x = series.values;
  const n = x.length;
  const fits = (p: number) => Number.isInteger(p) && p >= 2 && p * minCycles <= n;
  const steps = new Set<number>();
  for (const ms of opts.candidatesMs ?? DEFAULT_SEASONALITY_CANDIDATES_MS) {
    const p = periodSteps(ms, series.stepMs);
    if (fits(p)) steps.add(p);
  }
  for (const p of opts.candidateSteps ?? []) if (fits(p)) steps.add(p);

  const periods: SeasonalPeriod[] = [];
  const finite = prepare(x);
  if (finite < 4) return { periods, dominant: null, threshold };

  const candidates: { steps: number; source: 'calendar' | 'acf' }[] = [...steps].map((p) => ({ steps: p, source: 'calendar' as const }));
  if (acfPeaks > 0) {
    // Short periods from the raw ACF of the latest ACF_FINE points, long ones from the ACF of
    // the whole series in buckets; a peak next to a calendar candidate is that candidate.
    const fineLen = Math.min(n, ACF_FINE);
    const found = acfPeakPeriods(n - fineLen, fineLen, 1, 2, acfPeaks);
    if (n > ACF_FINE) found.push(...acfPeakPeriods(0, n, Math.ceil(n / ACF_BUCKETS), ACF_FINE / 2, acfPeaks));
    for (const p of found) {
      if (fits(p) && !candidates.some((c) => Math.abs(c.steps - p) <= tolerance(p))) candidates.push({ steps: p, source: 'acf' });
    }
  }
  candidates.sort((a, b) => a.steps - b.steps);

  // Shortest first, so a longer period can be netted of the shorter present ones it contains.
  const profiles = new Map<number, Float64Array>();
  for (const { steps: p, source } of candidates) {
    // An ACF peak at a multiple of a present period (or its alias in the buckets) is that period again.
    if (source === 'acf' && periods.some((s) => s.present && nearMultiple(p, s.steps, tolerance(p)))) continue;
    // Net out the longest present period that divides this one (it carries the shorter ones too).
    let q = 0;
    for (const s of periods) if (s.present && p % s.steps === 0 && s.steps > q) q = s.steps;
    const profile = new Float64Array(p);
    const r = measurePeriod(n, p, q ? profiles.get(q)! : null, q, profile);
    profiles.set(p, profile);
    periods.push({ steps: p, strength: r.nested, totalStrength: r.total, present: r.nested > 0 && r.nested >= threshold, source });
  }

  let dominant: number | null = null;
  let best = -1;
  for (const s of periods) {
    if (s.present && s.totalStrength > best) {
      best = s.totalStrength;
      dominant = s.steps;
    }
  }
  return { periods, dominant, threshold };
}

/**
 * Seasonal strength of one period in [0, 1] (the `totalStrength` of detectSeasonality), for
 * callers that already know the period. 0 for a constant series or one shorter than two cycles.
 */
export function seasonalStrength(values: Float64Array, period: number): number {
  if (!(Number.isInteger(period) && period >= 2)) throw new MLInputError(`seasonalStrength: period must be an integer ≥ 2, got ${period}`);
  const n = values.length;
  if (n < 2 * period || prepare(values) < 4) return 0;
  return measurePeriod(n, period, null, 0, new Float64Array(period)).total;
}

/** How close two periods must be to count as the same: 5 %, at least one step. */
function tolerance(p: number): number {
  return Math.max(1, Math.round(0.05 * p));
}

function nearMultiple(p: number, q: number, tol: number): boolean {
  const k = Math.round(p / q);
  return k >= 2 && Math.abs(p - k * q) <= tol;
}

/**
 * Centres the series on its mean into `centred` with gaps as 0 and a 0/1 `present` mask (so a
 * constant series is exactly 0 and its strength exactly 0, not a ratio of rounding errors, and
 * the per-candidate pass runs without branches on gaps), and builds prefix sums of both.
 * Returns the number of finite values.
 */
function prepare(x: Float64Array): number {
  const n = x.length;
  if (centred.length < n) {
    centred = new Float64Array(n);
    present = new Float64Array(n);
    prefixSum = new Float64Array(n + 1);
    prefixCount = new Float64Array(n + 1);
  }
  const z = centred;
  const m = present;
  const P = prefixSum;
  const C = prefixCount;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v === v) {
      sum += v;
      count++;
    }
  }
  const mean = count ? sum / count : 0;
  let s = 0;
  let c = 0;
  P[0] = 0;
  C[0] = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] - mean;
    if (v === v) {
      z[i] = v;
      m[i] = 1;
      s += v;
      c++;
    } else {
      z[i] = 0;
      m[i] = 0;
    }
    P[i + 1] = s;
    C[i + 1] = c;
  }
  return count;
}

const NO_PROFILE = new Float64Array(1);

/**
 * One pass at period p over the prepared series: detrend by the centred moving average, sum the
 * detrended values by phase (and, when netting, the detrended values minus the shorter period's
 * profile), and turn the within-phase and total sums of squares into adjusted strengths. Writes
 * p's zero-mean seasonal profile into `profile`. Gaps carry weight 0 rather than a branch.
 */
function measurePeriod(n: number, p: number, nested: Float64Array | null, q: number, profile: Float64Array): { total: number; nested: number } {
  const z = centred;
  const m = present;
  const P = prefixSum;
  const C = prefixCount;
  if (phaseSum.length < p) {
    phaseSum = new Float64Array(p);
    phaseNested = new Float64Array(p);
    phaseCount = new Float64Array(p);
  }
  const sumD = phaseSum;
  const sumE = phaseNested;
  const cnt = phaseCount;
  sumD.fill(0, 0, p);
  sumE.fill(0, 0, p);
  cnt.fill(0, 0, p);
  // Window [t − h, t + h]: the 2×p average (end points at half weight) for even p, plain for odd.
  const h = p >> 1;
  const lo = h;
  const hi = n - 1 - h;
  if (hi < lo) return { total: 0, nested: 0 };
  const prof = nested ?? NO_PROFILE;
  const qn = nested ? q : 1;
  // Weights read back from a Float64Array are always doubles; as plain numbers they are
  // sometimes small integers, and mixed feedback makes V8's loop several times slower.
  const k = constants;
  k[0] = (p & 1) === 0 ? 0.5 : 1;
  k[1] = p / 2; // a trend needs at least half its window present
  const endWeight = k[0];
  const minWeight = k[1];
  let sD = 0;
  let sD2 = 0;
  let sE = 0;
  let sE2 = 0;
  let N = 0;
  let ph = 0;
  let qh = 0;
  for (let t = 0; t < n; t++) {
    const tc = t < lo ? lo : t > hi ? hi : t;
    const s = P[tc + h] - P[tc - h + 1] + endWeight * (z[tc - h] + z[tc + h]);
    const w = C[tc + h] - C[tc - h + 1] + endWeight * (m[tc - h] + m[tc + h]);
    const wt = w >= minWeight ? m[t] : 0;
    const d = wt > 0 ? z[t] - s / w : 0;
    const e = d - prof[qh] * wt;
    sumD[ph] += d;
    sumE[ph] += e;
    cnt[ph] += wt;
    sD += d;
    sD2 += d * d;
    sE += e;
    sE2 += e * e;
    N += wt;
    if (++ph === p) ph = 0;
    if (++qh === qn) qh = 0;
  }
  let between = 0;
  let betweenE = 0;
  let phases = 0;
  let profileMean = 0;
  for (let j = 0; j < p; j++) {
    const c = cnt[j];
    if (c > 0) {
      between += (sumD[j] * sumD[j]) / c;
      betweenE += (sumE[j] * sumE[j]) / c;
      phases++;
      profile[j] = sumD[j] / c;
      profileMean += profile[j];
    } else profile[j] = 0;
  }
  if (phases) {
    profileMean /= phases;
    for (let j = 0; j < p; j++) if (cnt[j] > 0) profile[j] -= profileMean;
  }
  const total = adjustedStrength(sD, sD2, between, N, phases);
  return { total, nested: nested ? adjustedStrength(sE, sE2, betweenE, N, phases) : total };
}

/** 1 − (within-phase SS / (N − phases)) / (total SS / (N − 1)), clamped to [0, 1]. */
function adjustedStrength(s: number, s2: number, between: number, N: number, phases: number): number {
  if (N - phases < 1 || N < 2) return 0;
  const ssTotal = s2 - (s * s) / N;
  const ssWithin = s2 - between;
  // A (numerically) constant series has no seasonality to speak of.
  if (!(ssTotal > 1e-24 * Math.max(1, s2))) return 0;
  const f = 1 - ssWithin / (N - phases) / (ssTotal / (N - 1));
  return f < 0 ? 0 : f > 1 ? 1 : f;
}

/**
 * Lags (in steps) of the strongest local maxima of the autocorrelation of centred[start,
 * start + len) averaged into buckets of b steps and linearly detrended, strongest first, each at
 * least `minSteps`. A peak must reach ACF_MIN_PEAK and rise ACF_MIN_PROMINENCE above the ACF's
 * minimum between half its lag and its lag (a slowly decaying trend ACF has bumps, not peaks).
 */
function acfPeakPeriods(start: number, len: number, b: number, minSteps: number, maxPeaks: number): number[] {
  const m = Math.floor(len / b);
  if (m < 8) return [];
  const size = nextPowerOfTwo(2 * m);
  let fft = ffts.get(size);
  if (!fft) ffts.set(size, (fft = new Radix2Fft(size)));
  if (fftRe.length < size) {
    fftRe = new Float64Array(size);
    fftIm = new Float64Array(size);
  }
  const re = fftRe.subarray(0, size);
  const im = fftIm.subarray(0, size);
  re.fill(0);
  im.fill(0);
  // Bucket means of the centred series; an empty bucket is left at 0 (the mean).
  for (let k = 0; k < m; k++) {
    const a = start + k * b;
    const c = prefixCount[a + b] - prefixCount[a];
    re[k] = c > 0 ? (prefixSum[a + b] - prefixSum[a]) / c : 0;
  }
  // Least-squares line through the buckets, removed so a trend does not swamp the ACF.
  const tm = (m - 1) / 2;
  let sty = 0;
  let stt = 0;
  let sy = 0;
  for (let k = 0; k < m; k++) {
    sy += re[k];
    sty += (k - tm) * re[k];
    stt += (k - tm) * (k - tm);
  }
  const slope = sty / stt;
  const mean = sy / m;
  for (let k = 0; k < m; k++) re[k] -= mean + slope * (k - tm);
  fft.forward(re, im);
  for (let k = 0; k < size; k++) {
    re[k] = re[k] * re[k] + im[k] * im[k];
    im[k] = 0;
  }
  fft.inverse(re, im);
  const r0 = re[0];
  if (!(r0 > 0)) return [];
  const maxLag = Math.floor(m / 2);
  const peaks: { lag: number; r: number }[] = [];
  for (let L = 2; L < maxLag; L++) {
    const r = re[L] / r0;
    const prev = re[L - 1] / r0;
    const next = re[L + 1] / r0;
    if (r > prev && r >= next && r >= ACF_MIN_PEAK && L * b >= minSteps) {
      let low = Infinity;
      for (let j = Math.max(1, L >> 1); j < L; j++) if (re[j] / r0 < low) low = re[j] / r0;
      if (r - low >= ACF_MIN_PROMINENCE) {
        // Parabolic interpolation of the peak between buckets.
        const den = prev - 2 * r + next;
        const shift = den < 0 ? (0.5 * (prev - next)) / den : 0;
        peaks.push({ lag: (L + shift) * b, r });
      }
    }
  }
  peaks.sort((a, c) => c.r - a.r || a.lag - c.lag);
  return peaks.slice(0, maxPeaks).map((pk) => Math.round(pk.lag));
}
