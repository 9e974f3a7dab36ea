import { assertFitted } from '../core/estimator.js';
import { MLInputError } from '../core/errors.js';
import { quantilesSelect } from './empirical-quantile.js';
import { InsufficientHistoryError } from './errors.js';
import type { Forecaster, QuantileForecast, SeriesGrid } from './forecaster.js';
import { detectSeasonality, type SeasonalityOptions, type SeasonalityResult } from './seasonality.js';
import { checkHorizon, checkLevels, checkSeries, countFinite, DAY_MS, periodSteps, WEEK_MS } from './series-grid.js';

/**
 * Holt–Winters exponential smoothing with up to two additive seasonalities (Taylor 2003,
 * "Short-term electricity demand forecasting using double seasonal exponential smoothing"), in
 * error-correction form, with no trend or an additive damped trend:
 *
 *   ŷ(t) = l + φb + d[t mod m1] + w[t mod m2],   e = y(t) − ŷ(t)
 *   l ← l + φb + αe,   b ← φb + βe,   d[t mod m1] += γe,   w[t mod m2] += δe
 *
 * (β here is the α·β* of the component form.) A missing y(t) skips the update: the state
 * carries (the level follows the damped trend, the seasonal slots keep their values).
 *
 * Initialisation from the first cycles: the level is the mean of the first long cycle, the daily
 * profile the mean of each phase's deviation from its own cycle's mean over up to the first
 * seven short cycles (two long ones when longer), the weekly profile the same for what the daily
 * profile leaves over the first two weeks, smoothed over an hour of phases (a weekly profile from
 * two samples per phase is mostly noise, and δ updates each slot only once a week). Trend starts at 0.
 *
 * Parameters minimise the one-step squared error by a small deterministic search: a coarse grid
 * over α and γ (6 passes), then a pattern search in logit space over every smoothing parameter,
 * halving the step from 1 until it is below 0.5; a pass stops early once its error passes the
 * best so far. About 15–30 passes over the series in all (against a fine search's ~100, for
 * ≤ 0.1 % more squared error on average). The damped trend (φ ∈ {0.9, 0.98}, β ≤ α searched)
 * is kept when it lowers the AIC (trend: 'auto'). Taylor's AR(1) error correction is not used.
 *
 * Quantiles: empirical, from the model's own in-sample h-step-ahead errors. One pass with the
 * chosen parameters records the state after every step, which makes the forecast from any past
 * origin t at any horizon h an O(1) lookup; errors are taken at horizons 1, 2, 4, … (up to two
 * long cycles), ≤ 200 origins each spread over the history after the initialisation window. Each
 * horizon's errors are divided by their mean absolute value, the standardised errors of all
 * horizons pooled into one sample (its shape: skew, heavy tails), and the quantile at h
 * is point + scale(h) · z_level with scale interpolated in log h between the measured horizons and,
 * beyond the last, grown by the analytic variance ratio of the additive model (Hyndman et al.
 * 2008, class 1: 1 + Σ_{j<h} c_j², c_j = α + βΣ_{i≤j}φ^i + γ[m1 | j] + δ[m2 | j]).
 */

export interface HoltWintersParams {
  /**
   * Seasonal periods in steps (none, one or two, ascending), or 'auto' (default): the daily and
   * weekly periods that detectSeasonality finds present (at most those two), or the dominant
   * detected period when neither is.
   */
  periods?: readonly number[] | 'auto';
  /**
   * 'none' (default), 'damped', or 'auto': the damped trend when it lowers the AIC of the
   * one-step errors. Not the default because a one-step criterion rewards a trend that tracks
   * short-lived momentum, which then leans every long-horizon forecast, and it costs ~40 % more.
   */
  trend?: 'none' | 'damped' | 'auto';
  /** Options for the detection that 'auto' periods run. */
  seasonality?: SeasonalityOptions;
}

export interface HoltWintersFit {
  periods: number[];
  alpha: number;
  beta: number;
  phi: number;
  gamma: number;
  delta: number;
  trend: 'none' | 'damped';
  /** Root mean squared one-step in-sample error. */
  rmse: number;
}

interface State {
  fit: HoltWintersFit;
  level: number;
  slope: number;
  /** Seasonal slots; slot (t mod m) holds the component for time t. */
  s1: Float64Array;
  s2: Float64Array;
  m1: number;
  m2: number;
  /** Index of the first step after the series. */
  n: number;
  startMs: number;
  stepMs: number;
  /** Horizons of the error scales, ascending, and the mean absolute error at each. */
  errHorizons: Float64Array;
  errScales: Float64Array;
  /** Pooled standardised errors (unsorted: a forecast selects the few levels it needs). */
  z: Float64Array;
}

/** Shortest history without seasonality. */
const MIN_STEPS = 8;
/** Origins sampled per error horizon. */
const ORIGINS_PER_HORIZON = 200;
const MIN_PARAM = 1e-3;
const MAX_PARAM = 0.999;

// Work buffers shared by every fit on this thread (fits are synchronous): fitting thousands of
// series must not allocate per series what it can reuse.
let work1 = new Float64Array(0);
let work2 = new Float64Array(0);
let histL = new Float64Array(0);
let histB = new Float64Array(0);
let histD = new Float64Array(0);
let histW = new Float64Array(0);
let zBuf = new Float64Array(0);
let eBuf = new Float64Array(0);
let zWork = new Float64Array(0);
const scalars = new Float64Array(8);

export class HoltWinters implements Forecaster {
  readonly name = 'holt_winters';
  readonly params: HoltWintersParams;
  private state?: State;

  constructor(params: HoltWintersParams = {}) {
    this.params = { ...params };
  }

  /**
   * The periods 'auto' picks from a detection result: the present daily and weekly periods, or
   * the dominant period when neither is present. For a caller that has run detectSeasonality
   * anyway (to report it): pass the result's periods to the constructor and skip a second detection.
   */
  static periodsFrom(detected: SeasonalityResult, stepMs: number): number[] {
    const day = periodSteps(DAY_MS, stepMs);
    const week = periodSteps(WEEK_MS, stepMs);
    const calendar = detected.periods.filter((s) => s.present && (s.steps === day || s.steps === week)).map((s) => s.steps);
    if (calendar.length) return calendar;
    return detected.dominant !== null ? [detected.dominant] : [];
  }

  /** The fitted parameters and periods. */
  get fitted(): HoltWintersFit {
    return { ...this.ready().fit, periods: [...this.ready().fit.periods] };
  }

  fit(series: SeriesGrid): this {
    const kind = 'HoltWinters';
    checkSeries(kind, series);
    const x = series.values;
    const n = x.length;
    const trendMode = this.params.trend ?? 'none';
    if (trendMode !== 'none' && trendMode !== 'damped' && trendMode !== 'auto') throw new MLInputError(`${kind}: trend must be 'none', 'damped' or 'auto', got ${String(trendMode)}`);
    const periods = this.choosePeriods(series);
    const longest = periods.length ? periods[periods.length - 1] : 0;
    const needed = Math.max(MIN_STEPS, 2 * longest);
    if (n < needed) throw new InsufficientHistoryError(kind, needed, n, longest ? `two cycles of the ${longest}-step period` : '');
    const finite = countFinite(x);
    if (finite < MIN_STEPS) throw new InsufficientHistoryError(kind, MIN_STEPS, finite, 'observed, not missing, steps');

    const m1 = periods.length ? periods[0] : 1;
    const m2 = periods.length > 1 ? periods[1] : 1;
    const init = initialise(x, m1, m2);
    if (work1.length < m1) work1 = new Float64Array(m1);
    if (work2.length < m2) work2 = new Float64Array(m2);
    const ctx: Ctx = { x, n, m1, m2, init1: init.s1, init2: init.s2, l0: init.level };

    // Free parameters in logit space: α, then γ when seasonal, δ when double seasonal.
    const free: ('alpha' | 'gamma' | 'delta' | 'beta')[] = ['alpha'];
    if (periods.length) free.push('gamma');
    if (periods.length > 1) free.push('delta');
    const none = search(ctx, free, { alpha: 0.2, gamma: 0.1, delta: 0.1, beta: 0, phi: 0 });
    let best = none;
    let trend: 'none' | 'damped' = 'none';
    if (trendMode !== 'none') {
      const damped = searchTrend(ctx, free, none.p);
      const k = free.length;
      const aic = (sse: number, params: number) => finite * Math.log(Math.max(sse, 1e-300) / finite) + 2 * params;
      if (trendMode === 'damped' || aic(damped.sse, k + 2) < aic(none.sse, k)) {
        best = damped;
        trend = 'damped';
      }
    }
    const p = best.p;
    const fit: HoltWintersFit = {
      periods,
      alpha: p.alpha,
      beta: trend === 'none' ? 0 : p.beta,
      phi: trend === 'none' ? 0 : p.phi,
      gamma: periods.length ? p.gamma : 0,
      delta: periods.length > 1 ? p.delta : 0,
      trend,
      rmse: Math.sqrt(best.sse / finite),
    };
    this.state = finalPass(ctx, fit, init.window, series);
    return this;
  }

  forecast(horizon: number, levels: readonly number[]): QuantileForecast {
    const kind = 'HoltWinters';
    const s = this.ready();
    checkHorizon(kind, horizon);
    checkLevels(kind, levels);
    const { alpha, beta, phi, gamma, delta } = s.fit;
    const point = new Float64Array(horizon);
    const scale = new Float64Array(horizon);
    const hs = s.errHorizons;
    const sc = s.errScales;
    const last = hs.length - 1;
    let damp = 0; // Σ_{i≤h} φ^i
    let phiPow = 1;
    let variance = 1; // analytic h-step variance in units of the one-step variance
    let varianceAtLast = 1;
    let j = 0; // hs[j] < h ≤ hs[j + 1] between the measured horizons
    let i1 = s.n % s.m1;
    let i2 = s.n % s.m2;
    for (let h = 1; h <= horizon; h++) {
      phiPow *= phi;
      damp += phiPow;
      if (last >= 0 && h === hs[last]) varianceAtLast = variance;
      point[h - 1] = s.level + damp * s.slope + s.s1[i1] + s.s2[i2];
      if (++i1 === s.m1) i1 = 0;
      if (++i2 === s.m2) i2 = 0;
      if (last < 0) scale[h - 1] = 0;
      else if (h <= hs[0]) scale[h - 1] = sc[0];
      else if (h >= hs[last]) scale[h - 1] = sc[last] * Math.sqrt(variance / varianceAtLast);
      else {
        while (hs[j + 1] < h) j++;
        const f = Math.log(h / hs[j]) / Math.log(hs[j + 1] / hs[j]);
        scale[h - 1] = sc[j] + f * (sc[j + 1] - sc[j]);
      }
      // c_h for the variance of step h + 1.
      const c = alpha + beta * damp + (s.m1 > 1 && h % s.m1 === 0 ? gamma : 0) + (s.m2 > 1 && h % s.m2 === 0 ? delta : 0);
      variance += c * c;
    }
    if (zWork.length < s.z.length) zWork = new Float64Array(s.z.length);
    zWork.set(s.z);
    const zqs = quantilesSelect(zWork, levels, s.z.length);
    const quantiles = levels.map((_, k) => {
      const zq = zqs[k];
      const q = new Float64Array(horizon);
      for (let h = 0; h < horizon; h++) q[h] = point[h] + scale[h] * (zq === zq ? zq : 0);
      return q;
    });
    return { startMs: s.startMs + s.n * s.stepMs, stepMs: s.stepMs, point, levels: [...levels], quantiles };
  }

  private choosePeriods(series: SeriesGrid): number[] {
    const p = this.params.periods ?? 'auto';
    if (p !== 'auto') {
      if (!Array.isArray(p) || p.length > 2) throw new MLInputError(`HoltWinters: periods must be 'auto' or an array of at most two periods in steps, got ${JSON.stringify(p)}`);
      for (const v of p) if (!(Number.isInteger(v) && v >= 2)) throw new MLInputError(`HoltWinters: a period must be an integer ≥ 2 steps, got ${v}`);
      if (p.length === 2 && !(p[1] > p[0])) throw new MLInputError(`HoltWinters: periods must be ascending, got ${p.join(', ')}`);
      return [...p];
    }
    return HoltWinters.periodsFrom(detectSeasonality(series, { acfPeaks: 0, ...this.params.seasonality }), series.stepMs);
  }

  private ready(): State {
    assertFitted('HoltWinters', this.state);
    return this.state;
  }
}

interface Ctx {
  x: Float64Array;
  n: number;
  m1: number;
  m2: number;
  init1: Float64Array;
  init2: Float64Array;
  l0: number;
}

interface SmoothingParams {
  alpha: number;
  beta: number;
  phi: number;
  gamma: number;
  delta: number;
}

/**
 * One-step SSE of a parameter set over the whole series; Infinity as soon as it passes `bound`.
 * The recursion is latency-bound (each step needs the last level), so the updates are written
 * with the fewest dependent operations on the level and slope: l' = (1−α)(l + φb) + α(y − s),
 * with the error, the SSE and the seasonal updates off that chain; the trend-free model gets its
 * own loop without the slope.
 */
function sse(c: Ctx, p: SmoothingParams, bound: number): number {
  const v = scalars;
  v[0] = p.alpha;
  v[1] = p.beta;
  v[2] = p.phi;
  v[3] = p.gamma;
  v[4] = p.delta;
  v[5] = c.l0;
  v[6] = bound;
  return ssePass(c.x, c.n, c.m1, c.m2, c.init1, c.init2, v);
}

/**
 * The loop behind sse. Its scalars arrive through a Float64Array: read from one they are always
 * doubles, whereas arguments that are sometimes the integer 0 (no trend, no second season) and
 * sometimes fractions leave V8 with mixed feedback and a loop about 3× slower (measured).
 */
function ssePass(x: Float64Array, n: number, m1: number, m2: number, init1: Float64Array, init2: Float64Array, v: Float64Array): number {
  const s1 = work1;
  const s2 = work2;
  s1.set(init1);
  s2.set(init2);
  const alpha = v[0];
  const beta = v[1];
  const phi = v[2];
  const gamma = v[3];
  const delta = v[4];
  const l0 = v[5];
  const bound = v[6];
  const keep = 1 - alpha;
  let l = l0;
  let i1 = 0;
  let i2 = 0;
  let total = 0;
  if (phi === 0) {
    for (let t = 0; t < n; t++) {
      const y = x[t];
      if (y === y) {
        const a = s1[i1];
        const w = s2[i2];
        const u = y - a - w;
        const e = u - l;
        l = keep * l + alpha * u;
        total += e * e;
        s1[i1] = a + gamma * e;
        s2[i2] = w + delta * e;
      }
      if (++i1 === m1) i1 = 0;
      if (++i2 === m2) i2 = 0;
      if ((t & 511) === 511 && total > bound) return Infinity;
    }
    return total;
  }
  // l' = (1−α)l + (1−α)φb + αu,  b' = φ(1−β)b − βl + βu
  const lb = keep * phi;
  const bb = phi * (1 - beta);
  let b = 0;
  for (let t = 0; t < n; t++) {
    const y = x[t];
    if (y === y) {
      const a = s1[i1];
      const w = s2[i2];
      const u = y - a - w;
      const e = u - l - phi * b;
      const l1 = keep * l + lb * b + alpha * u;
      b = bb * b - beta * l + beta * u;
      l = l1;
      total += e * e;
      s1[i1] = a + gamma * e;
      s2[i2] = w + delta * e;
    } else {
      l += phi * b;
      b *= phi;
    }
    if (++i1 === m1) i1 = 0;
    if (++i2 === m2) i2 = 0;
    if ((t & 511) === 511 && total > bound) return Infinity;
  }
  return total;
}

const logit = (v: number) => Math.log(v / (1 - v));
const clampParam = (v: number) => (v < MIN_PARAM ? MIN_PARAM : v > MAX_PARAM ? MAX_PARAM : v);
const fromLogit = (u: number) => clampParam(1 / (1 + Math.exp(-u)));

/**
 * Pattern search in logit space from `start`: try ±step on each free parameter, keep any
 * improvement, halve the step after a sweep without one, stop below MIN_STEP or after
 * MAX_SWEEPS. Deterministic, and cheap because most trial passes stop early.
 */
function refine(c: Ctx, free: readonly (keyof SmoothingParams)[], start: SmoothingParams, startSse: number, step0: number): { p: SmoothingParams; sse: number } {
  const MIN_STEP = 0.5;
  const MAX_SWEEPS = 4;
  let p = { ...start };
  let best = startSse;
  let step = step0;
  for (let sweep = 0; sweep < MAX_SWEEPS && step >= MIN_STEP; sweep++) {
    let improved = false;
    for (const name of free) {
      const u = logit(p[name]);
      for (const dir of [1, -1]) {
        const trial = { ...p, [name]: fromLogit(u + dir * step) };
        if (trial[name] === p[name]) continue;
        if (trial.beta > trial.alpha) continue; // β ≤ α keeps the trend from out-running the level
        const v = sse(c, trial, best);
        if (v < best) {
          best = v;
          p = trial;
          improved = true;
          break;
        }
      }
    }
    if (!improved) step /= 2;
  }
  return { p, sse: best };
}

function search(c: Ctx, free: readonly (keyof SmoothingParams)[], defaults: SmoothingParams): { p: SmoothingParams; sse: number } {
  // Coarse grid over the level and the first seasonal rate; δ starts where γ does.
  const alphas = [0.05, 0.2, 0.5];
  const gammas = free.includes('gamma') ? [0.05, 0.2] : [0];
  let best = Infinity;
  let p = { ...defaults };
  for (const alpha of alphas) {
    for (const gamma of gammas) {
      const trial = { ...defaults, alpha, gamma, delta: free.includes('delta') ? gamma : 0 };
      const v = sse(c, trial, best);
      if (v < best) {
        best = v;
        p = trial;
      }
    }
  }
  if (best === Infinity) best = sse(c, p, Infinity);
  return refine(c, free, p, best, 1);
}

/** The damped trend: φ from {0.9, 0.98} and β from a short grid, then a refinement of β and α. */
function searchTrend(c: Ctx, free: readonly (keyof SmoothingParams)[], from: SmoothingParams): { p: SmoothingParams; sse: number } {
  let best = Infinity;
  let p = from;
  for (const phi of [0.9, 0.98]) {
    for (const frac of [0.02, 0.1]) {
      const trial = { ...from, phi, beta: clampParam(frac * from.alpha) };
      const v = sse(c, trial, best);
      if (v < best) {
        best = v;
        p = trial;
      }
    }
  }
  if (best === Infinity) best = sse(c, p, Infinity);
  return refine(c, ['beta', ...free.filter((f) => f === 'alpha')], p, best, 1);
}

/**
 * Initial level and seasonal profiles from the first cycles (see the file comment). Returns the
 * window they used: in-sample errors are sampled after it, where the start does not see the data.
 */
function initialise(x: Float64Array, m1: number, m2: number): { level: number; s1: Float64Array; s2: Float64Array; window: number } {
  const n = x.length;
  const longest = Math.max(m1, m2);
  const window = longest > 1 ? Math.min(n, Math.max(2 * longest, 7 * m1)) : Math.min(n, MIN_STEPS);
  const s1 = new Float64Array(m1);
  const s2 = new Float64Array(m2);
  let level = meanFinite(x, 0, Math.min(n, longest > 1 ? longest : MIN_STEPS));
  if (!(level === level)) level = meanFinite(x, 0, n);
  if (m1 > 1) cycleProfile(x, Math.min(n, m1 === longest ? window : Math.max(2 * m1, Math.min(window, 7 * m1))), m1, null, 1, s1);
  if (m2 > 1) {
    cycleProfile(x, Math.min(n, 2 * m2), m2, s1, m1, s2);
    smoothCircular(s2, Math.max(1, Math.round(m2 / 168)));
  }
  return { level, s1, s2, window };
}

function meanFinite(x: Float64Array, from: number, to: number): number {
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (v === v) {
      s += v;
      c++;
    }
  }
  return c ? s / c : NaN;
}

/**
 * Mean deviation of each phase of period m from its own cycle's mean over x[0, len), minus the
 * shorter profile `inner` (period mi) when given; centred to mean 0; phases never seen stay 0.
 */
function cycleProfile(x: Float64Array, len: number, m: number, inner: Float64Array | null, mi: number, out: Float64Array): void {
  const count = new Float64Array(m);
  out.fill(0);
  for (let start = 0; start + m <= len; start += m) {
    const mean = meanFinite(x, start, start + m);
    if (!(mean === mean)) continue;
    for (let j = 0; j < m; j++) {
      const v = x[start + j];
      if (v === v) {
        out[j] += v - mean - (inner ? inner[(start + j) % mi] : 0);
        count[j]++;
      }
    }
  }
  let total = 0;
  let seen = 0;
  for (let j = 0; j < m; j++) {
    if (count[j] > 0) {
      out[j] /= count[j];
      total += out[j];
      seen++;
    }
  }
  if (seen) for (let j = 0; j < m; j++) if (count[j] > 0) out[j] -= total / seen;
}

/** Circular moving average of odd width ≥ 1 around each slot. */
function smoothCircular(a: Float64Array, width: number): void {
  const half = width >> 1;
  if (half === 0) return;
  const m = a.length;
  const src = Float64Array.from(a);
  let s = 0;
  for (let k = -half; k <= half; k++) s += src[(k + m) % m];
  for (let j = 0; j < m; j++) {
    a[j] = s / (2 * half + 1);
    s += src[(j + half + 1) % m] - src[(j - half + m) % m];
  }
}

/**
 * Runs the recursion once with the scalars in v (α, β, φ, γ, δ, l0, b0; doubles, as in ssePass),
 * leaving the final seasonal slots in s1 and s2 and the final level and slope in v[5] and v[6],
 * and records the level, slope and the seasonal values written at every step.
 */
function recordStates(x: Float64Array, n: number, m1: number, m2: number, s1: Float64Array, s2: Float64Array, v: Float64Array, L: Float64Array, B: Float64Array, D: Float64Array, W: Float64Array): void {
  const alpha = v[0];
  const beta = v[1];
  const phi = v[2];
  const gamma = v[3];
  const delta = v[4];
  let l = v[5];
  let b = v[6];
  let i1 = 0;
  let i2 = 0;
  for (let t = 0; t < n; t++) {
    const y = x[t];
    const pb = phi * b;
    if (y === y) {
      const a = s1[i1];
      const w = s2[i2];
      const e = y - (l + pb + a + w);
      l += pb + alpha * e;
      b = pb + beta * e;
      s1[i1] = a + gamma * e;
      s2[i2] = w + delta * e;
    } else {
      l += pb;
      b = pb;
    }
    L[t] = l;
    B[t] = b;
    D[t] = s1[i1];
    W[t] = s2[i2];
    if (++i1 === m1) i1 = 0;
    if (++i2 === m2) i2 = 0;
  }
  v[5] = l;
  v[6] = b;
}

/**
 * The pass with the chosen parameters: records the state after every step, reads the final
 * state, and samples the in-sample h-step errors that the quantiles come from.
 */
function finalPass(c: Ctx, fit: HoltWintersFit, window: number, series: SeriesGrid): State {
  const { x, n, m1, m2 } = c;
  if (histL.length < n) {
    histL = new Float64Array(n);
    histB = new Float64Array(n);
    histD = new Float64Array(n);
    histW = new Float64Array(n);
  }
  const L = histL;
  const B = histB;
  const D = histD;
  const W = histW;
  const s1 = Float64Array.from(c.init1);
  const s2 = Float64Array.from(c.init2);
  const v = scalars;
  v[0] = fit.alpha;
  v[1] = fit.beta;
  v[2] = fit.phi;
  v[3] = fit.gamma;
  v[4] = fit.delta;
  v[5] = c.l0;
  v[6] = 0;
  recordStates(x, n, m1, m2, s1, s2, v, L, B, D, W);
  const l = v[5];
  const b = v[6];
  const phi = fit.phi;

  // Error horizons 1, 2, 4, … up to two long cycles (64 steps without seasonality), each with
  // enough origins left after the initialisation window.
  const longest = Math.max(m1, m2);
  const origin0 = Math.min(window, Math.floor(n / 2));
  const maxH = Math.min(Math.max(2 * longest, 64), n - 1 - origin0);
  const horizons: number[] = [];
  for (let h = 1; h <= maxH; h *= 2) horizons.push(h);
  if (zBuf.length < horizons.length * ORIGINS_PER_HORIZON) zBuf = new Float64Array(horizons.length * ORIGINS_PER_HORIZON);
  if (eBuf.length < ORIGINS_PER_HORIZON) eBuf = new Float64Array(ORIGINS_PER_HORIZON);
  const errHorizons: number[] = [];
  const errScales: number[] = [];
  let nz = 0;
  for (const h of horizons) {
    const count = n - h - origin0; // origins origin0 .. n − 1 − h
    const k = Math.min(count, ORIGINS_PER_HORIZON);
    let damp = 0;
    let pw = 1;
    for (let i = 0; i < h; i++) {
      pw *= phi;
      damp += pw;
    }
    // Integer arithmetic (| 0) keeps the indices int32 for V8.
    const back1 = m1 * (((h + m1 - 1) / m1) | 0);
    const back2 = m2 * (((h + m2 - 1) / m2) | 0);
    let ne = 0;
    let abs = 0;
    let u = 0;
    for (let j = 0; j < k; j++) {
      // Origins spread by the golden ratio: even coverage without locking onto a phase.
      u += 0.6180339887498949;
      if (u >= 1) u -= 1;
      const t = origin0 + (k === count ? j : ((u * count) | 0));
      const y = x[t + h];
      if (!(y === y)) continue;
      const tau1 = t + h - back1;
      const tau2 = t + h - back2;
      const d = tau1 >= 0 ? D[tau1] : c.init1[(tau1 + back1) % m1];
      const w = tau2 >= 0 ? W[tau2] : c.init2[(tau2 + back2) % m2];
      const e = y - (L[t] + damp * B[t] + d + w);
      eBuf[ne++] = e;
      abs += Math.abs(e);
    }
    if (ne === 0) continue;
    const scale = abs / ne;
    errHorizons.push(h);
    errScales.push(scale);
    if (scale > 0) for (let j = 0; j < ne; j++) zBuf[nz++] = eBuf[j] / scale;
  }
  return {
    fit,
    level: l,
    slope: b,
    s1,
    s2,
    m1,
    m2,
    n,
    startMs: series.startMs,
    stepMs: series.stepMs,
    errHorizons: Float64Array.from(errHorizons),
    errScales: Float64Array.from(errScales),
    z: zBuf.slice(0, nz),
  };
}
