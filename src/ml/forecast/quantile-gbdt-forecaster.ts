import { MLInputError } from '../core/errors.js';
import { assertFitted, throwIfCancelled } from '../core/estimator.js';
import { matrix } from '../core/matrix.js';
import { Random } from '../core/random.js';
import { GradientBoostedTrees, type GradientBoostingParams } from '../tree/index.js';
import { InsufficientHistoryError } from './errors.js';
import { DEFAULT_LEVELS, type AsyncForecaster, type QuantileForecast, type SeriesGrid } from './forecaster.js';
import { checkHorizon, checkLevels, checkSeries, countFinite, DAY_MS, HOUR_MS, periodSteps, WEEK_MS } from './series-grid.js';

/**
 * Quantile gradient-boosted trees on lag and calendar features: a direct multi-horizon model
 * (one row per forecast origin t and horizon h, the horizon a feature) instead of a recursive
 * one, so errors do not compound over a week of 5-minute steps.
 *
 * Features of the target step t + h seen from origin t (values only at or before t):
 *   h; the target's hour of day and day of week (UTC: shift startMs for a local calendar);
 *   the last value; the mean over the last hour, day and week; the standard deviation over the
 *   last day; the most recent value at the target's phase of the day and of the week
 *   (y(t + h − k·period) with the smallest k that reaches back to t, so a day-ahead target sees
 *   yesterday and a three-day-ahead one the latest day that is known); and the mean at the
 *   target's phase of the day over the last seven days.
 *
 * One GradientBoostedTrees per quantile level (objective 'quantile') plus one squared-error model
 * for the point forecast (the conditional mean). Separately fitted quantiles can cross; each
 * horizon's quantiles are sorted (Chernozhukov et al. 2010's rearrangement, which can only lower
 * the pinball loss), so they are monotone in the level. Levels not trained are interpolated
 * linearly between the nearest trained ones; levels outside the trained range are refused.
 *
 * Every series is divided by its own scale (the mean absolute value over its training window),
 * so one model can be trained on many series at once (GLOBAL mode: fitAsync with an array): a
 * fleet of thousands of VMs shares one model and a VM with a week of history borrows the shape
 * the others taught it; forecastFor(series, …) then forecasts any series, rescaled by its own scale.
 *
 * Training draws `rows` (origin, horizon) pairs at random (seeded), horizons uniform in
 * 1…maxHorizon; the same seed and data give the same forecasts. GradientBoostedTrees trains
 * asynchronously (worker threads for big data), so this forecaster is an AsyncForecaster: fit()
 * throws and says to call fitAsync().
 */

export interface QuantileGbdtParams {
  /** Quantile levels to train, ascending in (0, 1). Default DEFAULT_LEVELS (0.5, 0.9, 0.95, 0.99). */
  levels?: readonly number[];
  /** Longest horizon trained, in steps. Default one week of steps. Longer forecasts are refused. */
  maxHorizon?: number;
  /** Training rows drawn (over all series in global mode). Default 20,000. */
  rows?: number;
  /** Boosting rounds per model. Default 100. */
  nEstimators?: number;
  /** Shrinkage. Default 0.1. */
  learningRate?: number;
  /** Tree depth. Default 5. */
  maxDepth?: number;
  /** Further GradientBoostedTrees parameters (objective and quantileAlpha are set per model). */
  boosting?: Omit<GradientBoostingParams, 'objective' | 'quantileAlpha' | 'nEstimators' | 'learningRate' | 'maxDepth'>;
  /** Seed of the row draw and of the trees. Default 0. */
  seed?: number;
}

export interface QuantileGbdtFitOptions {
  signal?: AbortSignal;
}

/** Names of the feature columns, in order. */
export const GBDT_FORECAST_FEATURES = [
  'horizon',
  'hour_of_day',
  'day_of_week',
  'last_value',
  'mean_last_hour',
  'mean_last_day',
  'std_last_day',
  'mean_last_week',
  'same_phase_last_day',
  'same_phase_last_week',
  'same_phase_mean_7_days',
] as const;
const F = GBDT_FORECAST_FEATURES.length;

interface Calendar {
  stepMs: number;
  hour: number;
  day: number;
  week: number;
}

interface State {
  levels: number[];
  maxHorizon: number;
  calendar: Calendar;
  point: GradientBoostedTrees;
  quantiles: GradientBoostedTrees[];
  /** The single series fitted (single mode), for forecast(). */
  series?: SeriesGrid;
}

/** A series divided by its scale, with the prefix sums that make window means O(1). */
interface Prepared {
  x: Float64Array;
  scale: number;
  startMs: number;
  sum: Float64Array;
  sumSq: Float64Array;
  count: Float64Array;
}

export class QuantileGbdtForecaster implements AsyncForecaster {
  readonly name = 'quantile_gbdt';
  readonly params: QuantileGbdtParams;
  private state?: State;

  constructor(params: QuantileGbdtParams = {}) {
    this.params = { ...params };
  }

  /** Steps of history a series needs: two days (the day lags and the day's statistics need one before the origin). */
  static minHistory(stepMs: number): number {
    return Math.max(2 * Math.max(1, periodSteps(DAY_MS, stepMs)), 8);
  }

  /** Not available (the trees train asynchronously): throws, saying to call fitAsync. */
  fit(_series: SeriesGrid): this {
    throw new MLInputError('QuantileGbdtForecaster trains asynchronously: call await fitAsync(series) (or backtestAsync / selectForecasterAsync)');
  }

  /**
   * Fits on one series, or (global mode) on many sharing one grid step: series shorter than
   * minHistory are skipped; when none is long enough, InsufficientHistoryError.
   */
  async fitAsync(input: SeriesGrid | readonly SeriesGrid[], opts: QuantileGbdtFitOptions = {}): Promise<this> {
    const kind = 'QuantileGbdtForecaster';
    const list = Array.isArray(input) ? (input as readonly SeriesGrid[]) : [input as SeriesGrid];
    if (list.length === 0) throw new MLInputError(`${kind}: fitAsync needs at least one series`);
    for (const s of list) checkSeries(kind, s);
    const stepMs = list[0].stepMs;
    for (const s of list) if (s.stepMs !== stepMs) throw new MLInputError(`${kind}: every series of a global fit must share one grid step; got ${stepMs} and ${s.stepMs} ms`);
    const p = this.resolve(stepMs);
    const calendar = calendarOf(stepMs);
    const needed = QuantileGbdtForecaster.minHistory(stepMs);
    const usable = list.filter((s) => s.values.length >= needed && countFinite(s.values) >= needed / 2);
    if (usable.length === 0) {
      const longest = Math.max(...list.map((s) => s.values.length));
      throw new InsufficientHistoryError(kind, needed, longest, 'two days of steps, half of them observed');
    }
    throwIfCancelled(opts.signal);

    // Rows: each usable series gets its share of the budget, in proportion to its length.
    const rng = new Random(p.seed);
    const totalLen = usable.reduce((s, v) => s + v.values.length, 0);
    const X = new Float64Array(p.rows * F);
    const y = new Float64Array(p.rows);
    let r = 0;
    for (let i = 0; i < usable.length && r < p.rows; i++) {
      const prep = prepare(usable[i]);
      const share = i === usable.length - 1 ? p.rows - r : Math.max(1, Math.round((p.rows * usable[i].values.length) / totalLen));
      r = drawRows(prep, calendar, p.maxHorizon, Math.min(share, p.rows - r), rng, X, y, r);
    }
    if (r < 16) throw new InsufficientHistoryError(kind, needed, Math.max(...usable.map((s) => s.values.length)), 'enough observed targets to learn from');
    const Xm = matrix(X.subarray(0, r * F), r, F);
    const ys = y.subarray(0, r);
    const base = { ...p.boosting, nEstimators: p.nEstimators, learningRate: p.learningRate, maxDepth: p.maxDepth };
    const point = await new GradientBoostedTrees({ ...base, objective: 'regression' }).fit(Xm, ys, { seed: p.seed, signal: opts.signal });
    const quantiles: GradientBoostedTrees[] = [];
    for (const alpha of p.levels) {
      quantiles.push(await new GradientBoostedTrees({ ...base, objective: 'quantile', quantileAlpha: alpha }).fit(Xm, ys, { seed: p.seed, signal: opts.signal }));
    }
    this.state = { levels: p.levels, maxHorizon: p.maxHorizon, calendar, point, quantiles, series: list.length === 1 ? copySeries(list[0]) : undefined };
    return this;
  }

  /** Forecast past the end of the series fitted (single mode only; in global mode use forecastFor). */
  forecast(horizon: number, levels: readonly number[]): QuantileForecast {
    const s = this.ready();
    if (!s.series) throw new MLInputError('QuantileGbdtForecaster: this model was fitted on many series; call forecastFor(series, horizon, levels)');
    return this.forecastFor(s.series, horizon, levels);
  }

  /** Forecast past the end of any series on the fitted grid step, from its own history and scale. */
  forecastFor(series: SeriesGrid, horizon: number, levels: readonly number[]): QuantileForecast {
    const kind = 'QuantileGbdtForecaster';
    const s = this.ready();
    checkSeries(kind, series);
    checkHorizon(kind, horizon);
    checkLevels(kind, levels);
    if (series.stepMs !== s.calendar.stepMs) throw new MLInputError(`${kind}: the model was fitted on ${s.calendar.stepMs} ms steps, the series has ${series.stepMs} ms`);
    if (horizon > s.maxHorizon) throw new MLInputError(`${kind}: horizon ${horizon} is past the longest trained horizon (${s.maxHorizon} steps); fit with a larger maxHorizon`);
    const lo = s.levels[0];
    const hi = s.levels[s.levels.length - 1];
    for (const l of levels) if (l < lo - 1e-12 || l > hi + 1e-12) throw new MLInputError(`${kind}: level ${l} is outside the trained levels ${lo}…${hi}; fit with it in params.levels`);
    const n = series.values.length;
    if (n === 0 || countFinite(series.values) === 0) throw new InsufficientHistoryError(kind, 1, 0, 'an observed step');
    const prep = prepare(series);
    const X = new Float64Array(horizon * F);
    for (let h = 1; h <= horizon; h++) writeFeatures(prep, s.calendar, n - 1, h, X, (h - 1) * F);
    const Xm = matrix(X, horizon, F);
    const point = s.point.predict(Xm);
    const trained = s.quantiles.map((m) => m.predict(Xm));
    // Rearrangement: sort each horizon's trained quantiles so they never cross.
    const K = trained.length;
    const col = new Float64Array(K);
    for (let h = 0; h < horizon; h++) {
      for (let k = 0; k < K; k++) col[k] = trained[k][h];
      col.sort();
      for (let k = 0; k < K; k++) trained[k][h] = col[k];
    }
    for (let h = 0; h < horizon; h++) point[h] *= prep.scale;
    for (const q of trained) for (let h = 0; h < horizon; h++) q[h] *= prep.scale;
    const quantiles = levels.map((level) => interpolateLevel(s.levels, trained, level, horizon));
    return { startMs: series.startMs + n * series.stepMs, stepMs: series.stepMs, point, levels: [...levels], quantiles };
  }

  /** Gain importance of each feature in the point model, by GBDT_FORECAST_FEATURES name. */
  featureImportance(): Record<string, number> {
    const imp = this.ready().point.featureImportance('gain');
    return Object.fromEntries(GBDT_FORECAST_FEATURES.map((name, i) => [name, imp[i]]));
  }

  private resolve(stepMs: number) {
    const kind = 'QuantileGbdtForecaster';
    const p = this.params;
    const levels = [...(p.levels ?? DEFAULT_LEVELS)];
    checkLevels(kind, levels);
    const maxHorizon = p.maxHorizon ?? Math.max(1, periodSteps(WEEK_MS, stepMs));
    const rows = p.rows ?? 20_000;
    if (!(Number.isInteger(maxHorizon) && maxHorizon >= 1)) throw new MLInputError(`${kind}: maxHorizon must be a positive integer, got ${maxHorizon}`);
    if (!(Number.isInteger(rows) && rows >= 16)) throw new MLInputError(`${kind}: rows must be an integer ≥ 16, got ${rows}`);
    return {
      levels,
      maxHorizon,
      rows,
      nEstimators: p.nEstimators ?? 100,
      learningRate: p.learningRate ?? 0.1,
      maxDepth: p.maxDepth ?? 5,
      boosting: p.boosting ?? {},
      seed: p.seed ?? 0,
    };
  }

  private ready(): State {
    assertFitted('QuantileGbdtForecaster', this.state);
    return this.state;
  }
}

function copySeries(s: SeriesGrid): SeriesGrid {
  return { values: s.values.slice(), startMs: s.startMs, stepMs: s.stepMs };
}

function calendarOf(stepMs: number): Calendar {
  return {
    stepMs,
    hour: Math.max(1, periodSteps(HOUR_MS, stepMs)),
    day: Math.max(1, periodSteps(DAY_MS, stepMs)),
    week: Math.max(1, periodSteps(WEEK_MS, stepMs)),
  };
}

/** Divides by the mean absolute observed value (1 when it is 0) and builds the prefix sums. */
function prepare(series: SeriesGrid): Prepared {
  const v = series.values;
  const n = v.length;
  let abs = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (v[i] === v[i]) {
      abs += Math.abs(v[i]);
      c++;
    }
  }
  const scale = c && abs > 0 ? abs / c : 1;
  const x = new Float64Array(n);
  const sum = new Float64Array(n + 1);
  const sumSq = new Float64Array(n + 1);
  const count = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const u = v[i] / scale;
    x[i] = u;
    const ok = u === u;
    sum[i + 1] = sum[i] + (ok ? u : 0);
    sumSq[i + 1] = sumSq[i] + (ok ? u * u : 0);
    count[i + 1] = count[i] + (ok ? 1 : 0);
  }
  return { x, scale, startMs: series.startMs, sum, sumSq, count };
}

/** Mean of the observed values in (t − len, t], NaN when none. */
function windowMean(p: Prepared, t: number, len: number): number {
  const a = Math.max(0, t + 1 - len);
  const c = p.count[t + 1] - p.count[a];
  return c > 0 ? (p.sum[t + 1] - p.sum[a]) / c : NaN;
}

function windowStd(p: Prepared, t: number, len: number): number {
  const a = Math.max(0, t + 1 - len);
  const c = p.count[t + 1] - p.count[a];
  if (c < 2) return NaN;
  const m = (p.sum[t + 1] - p.sum[a]) / c;
  return Math.sqrt(Math.max(0, (p.sumSq[t + 1] - p.sumSq[a]) / c - m * m));
}

/** y(t + h − k·period) for the smallest k with t + h − k·period ≤ t; NaN when before the start. */
function samePhase(p: Prepared, t: number, h: number, period: number): number {
  const i = t + h - period * (((h + period - 1) / period) | 0); // ⌈h / period⌉, int32
  return i >= 0 ? p.x[i] : NaN;
}

function writeFeatures(p: Prepared, cal: Calendar, t: number, h: number, out: Float64Array, o: number): void {
  const ms = p.startMs + (t + h) * cal.stepMs;
  const inDay = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
  out[o] = h;
  out[o + 1] = inDay / HOUR_MS;
  // 1970-01-01 was a Thursday: day 0 of the epoch is weekday 4 (Sunday = 0).
  out[o + 2] = (((Math.floor(ms / DAY_MS) + 4) % 7) + 7) % 7;
  out[o + 3] = p.x[t];
  out[o + 4] = windowMean(p, t, cal.hour);
  out[o + 5] = windowMean(p, t, cal.day);
  out[o + 6] = windowStd(p, t, cal.day);
  out[o + 7] = windowMean(p, t, cal.week);
  out[o + 8] = samePhase(p, t, h, cal.day);
  out[o + 9] = samePhase(p, t, h, cal.week);
  let s = 0;
  let c = 0;
  const first = t + h - cal.day * (((h + cal.day - 1) / cal.day) | 0);
  for (let k = 0, i = first; k < 7 && i >= 0; k++, i -= cal.day) {
    const v = p.x[i];
    if (v === v) {
      s += v;
      c++;
    }
  }
  out[o + 10] = c ? s / c : NaN;
}

/**
 * Draws up to `rows` (origin, horizon) pairs with an observed target into X and y from row r on;
 * returns the next free row. Origins leave a day of history before them where the series allows.
 */
function drawRows(p: Prepared, cal: Calendar, maxHorizon: number, rows: number, rng: Random, X: Float64Array, y: Float64Array, r: number): number {
  const n = p.x.length;
  const minOrigin = Math.min(cal.day, Math.floor(n / 2));
  let made = 0;
  for (let attempt = 0; made < rows && attempt < rows * 4; attempt++) {
    const h = 1 + rng.int(Math.min(maxHorizon, n - 1 - minOrigin));
    const span = n - 1 - h - minOrigin + 1; // origins minOrigin … n − 1 − h
    if (span < 1) continue;
    const t = minOrigin + rng.int(span);
    const target = p.x[t + h];
    if (!(target === target)) continue;
    writeFeatures(p, cal, t, h, X, r * F);
    y[r++] = target;
    made++;
  }
  return r;
}

/** The level-quantile per horizon: a trained level itself, or linear between the two around it. */
function interpolateLevel(trainedLevels: readonly number[], trained: Float64Array[], level: number, horizon: number): Float64Array {
  const K = trainedLevels.length;
  let j = 0;
  while (j < K - 1 && trainedLevels[j + 1] <= level + 1e-12) j++;
  if (Math.abs(trainedLevels[j] - level) <= 1e-12 || j === K - 1) return trained[j].slice();
  const f = (level - trainedLevels[j]) / (trainedLevels[j + 1] - trainedLevels[j]);
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) out[h] = trained[j][h] + f * (trained[j + 1][h] - trained[j][h]);
  return out;
}
