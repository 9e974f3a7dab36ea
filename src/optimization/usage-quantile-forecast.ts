/**
 * Our usage forecaster for rightsizing: the distribution of a VM's usage over the next window
 * (one week by default), not a step path, because a size must cover the whole window.
 *
 * - Seasonality: the history is weighted in WHOLE WEEKS counted back from its end (this week 1,
 *   the week before `weekDecay`, then weekDecay², …), so every hour of every weekday keeps its
 *   share and a quiet weekend or a busy Monday at the end of the history cannot tilt the
 *   forecast the way a per-sample exponential decay (VPA's 24 h half-life) does. The daily
 *   profile (peak hour, strength) and weekend/weekday ratio are measured and reported.
 * - Recency: older weeks count less (`weekDecay`, 0.7 per week).
 * - Trend: the seasonal (lag-7 days) Theil–Sen slope of the daily 95th percentiles (log
 *   scale), so the weekly pattern does not read as a trend, with a sign test over the same
 *   pairs (needs ≥ 12 days). Only a significant upward trend lifts the forecast (damped by half,
 *   projected to the horizon's middle, capped at ×1.5): growth is a risk to cover, a decline is
 *   left to the next run to confirm. On the evaluation's inner split the trend is about neutral.
 * - Uncertainty: next week's level is uncertain; the distribution is mixed over a log-normal
 *   scale e^(σZ) with σ = `uncertaintyFactor` × the standard deviation of the daily log 95th
 *   percentiles (clamped to [minSigma, maxSigma]), so volatile VMs get a wider tail and steady
 *   ones a narrow one — per-VM headroom instead of one margin for all. Rightsizing sets the
 *   factor per resource (rightsizing.ts `forecastByResource`: 0 for CPU, 0.25 for memory, chosen
 *   on the evaluation's tuning splits).
 * - Ceiling: the forecast's tail is cut at 1.1 × the largest value in the history.
 * - Backtest: the same forecast made one week earlier (history minus its last week) against
 *   what that last week did, returned for the rightsizer to score its own rule on.
 *
 * One pass over the samples with one logarithm each (histograms on a log grid), a per-day
 * selection for the daily percentiles: O(n) with typed arrays, no sorting.
 */
import { selectKth } from '../ml/features/index.js';
import { CPU_GRID, UsageHistogram, type LogGrid, type UsageDistribution, type UsageDistributionForecast } from './usage-distribution.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface UsageForecastOptions {
  grid: LogGrid;
  /** Weight of each older whole week relative to the next newer one (0.7). */
  weekDecay: number;
  /** σ = uncertaintyFactor × sd(daily log p95) (0.5), clamped to [minSigma, maxSigma]. */
  uncertaintyFactor: number;
  minSigma: number;
  maxSigma: number;
  /** Extra σ while the history is short: + shortHistorySigma × √(7 / days − 1) below 7 days (0.15). */
  shortHistorySigma: number;
  /**
   * The forecast never reaches beyond the history's peak × this (1.1; × the trend factor when a
   * trend applies): a statistical tail alone is no reason to size far above anything ever
   * observed, and on a VM saturated at its provisioned size the tail above the ceiling is
   * unobservable, so scale-ups go in steps (chosen on the inner split: on/off VMs pinned at
   * their ceiling got a σ of 0.5 and were sized at 2–2.4 × a ceiling they never exceeded).
   */
  maxExtrapolation: number;
  /** Apply a significant upward trend (true). */
  trend: boolean;
  /** Forecast horizon in days (7): the trend is projected to its middle. */
  horizonDays: number;
  /** Percentile of each day used for dispersion and trend (0.95). */
  dailyLevel: number;
}

export const USAGE_FORECAST_DEFAULTS: Readonly<UsageForecastOptions> = Object.freeze({
  grid: CPU_GRID,
  weekDecay: 0.7,
  uncertaintyFactor: 0.5,
  minSigma: 0,
  maxSigma: 0.5,
  shortHistorySigma: 0.15,
  maxExtrapolation: 1.1,
  trend: true,
  horizonDays: 7,
  dailyLevel: 0.95,
});

export interface SeasonalProfile {
  /** UTC hour (0–23) with the highest mean usage; NaN without data. */
  peakHourUtc: number;
  /** Share of the variance of usage explained by the hour of day (0–1). */
  dailyStrength: number;
  /** Mean usage on Saturdays and Sundays (UTC) over mean usage on weekdays; NaN if either is missing. */
  weekendRatio: number;
}

export interface UsageForecast extends UsageDistributionForecast {
  /** Days from the first sample with data to the end of the window. */
  historyDays: number;
  samples: number;
  /** The weighted history without uncertainty or trend (what was seen). */
  empirical: UsageDistribution;
  /** σ of the log-normal scale mixture. */
  sigma: number;
  /** sd of the daily log 95th percentiles; NaN below 3 days. */
  dailyDispersion: number;
  /** Multiplicative level change applied for the trend (1 = none). */
  trendFactor: number;
  /** Trend in the daily 95th percentile, per day (e^slope − 1); 0 without enough days. */
  trendPerDay: number;
  seasonality: SeasonalProfile;
  /** Largest value in the last 24 h of the window, and in the whole window. */
  recentPeak: number;
  peak: number;
  /** Share of intervals in the last 24 h at or above `atOrAbove` (when asked). */
  recentShareAtOrAbove: number;
  /** The forecast as it would have been made a week earlier, and what that last week did. */
  backtest?: { forecast: UsageDistribution; realized: UsageDistribution };
}

let scratch = new Float64Array(512);

export interface UsageSeriesWindow {
  values: ArrayLike<number>;
  startMs: number;
  stepMs: number;
  /** Steps [from, to) form the history (defaults: the whole series). */
  from?: number;
  to?: number;
}

/**
 * Forecasts the distribution of usage over the `horizonDays` after the window's end.
 * `atOrAbove` (optional) asks for the share of the last 24 h at or above that level (e.g. the
 * provisioned size, to tell a starved VM).
 */
export function forecastUsageDistribution(series: UsageSeriesWindow, options: Partial<UsageForecastOptions> = {}, atOrAbove = Infinity): UsageForecast {
  const o: UsageForecastOptions = { ...USAGE_FORECAST_DEFAULTS, ...options };
  const { values, startMs, stepMs } = series;
  const to = Math.min(series.to ?? values.length, values.length);
  const from = Math.max(0, series.from ?? 0);
  const perDay = Math.max(1, Math.round(DAY_MS / stepMs));
  const perWeek = 7 * perDay;

  // Weekly-weighted histograms: the last week alone, and the older weeks with their decay.
  const last = new UsageHistogram(o.grid);
  const older = new UsageHistogram(o.grid);
  let samples = 0;
  for (let end = to, week = 0; end > from; end -= perWeek, week++) {
    const start = Math.max(from, end - perWeek);
    samples += week === 0 ? last.addRange(values, start, end, 1) : older.addRange(values, start, end, o.weekDecay ** week);
  }

  // First sample with data, peaks, the last day's share at/above a level, the daily profile.
  let first = -1;
  let peak = 0;
  let recentPeak = 0;
  let recentN = 0;
  let recentAt = 0;
  const hourSum = new Float64Array(24);
  const hourN = new Float64Array(24);
  let wkSum = 0;
  let wkN = 0;
  let weSum = 0;
  let weN = 0;
  let sum = 0;
  let sumSq = 0;
  const recentFrom = to - perDay;
  const hourSteps = HOUR_MS / stepMs;
  const t0Hour = startMs / HOUR_MS;
  // Hour by hour: the hour of day and day of week are fixed inside each block.
  for (let i = from; i < to; ) {
    const hAbs = Math.floor(t0Hour + i / hourSteps);
    const blockEnd = Math.min(to, Math.max(i + 1, Math.ceil((hAbs + 1 - t0Hour) * hourSteps - 1e-9)));
    const hour = ((hAbs % 24) + 24) % 24;
    // 1970-01-01 was a Thursday: day index 2 and 3 (mod 7) are Saturday and Sunday.
    const dow = ((Math.floor(hAbs / 24) % 7) + 7) % 7;
    const weekend = dow === 2 || dow === 3;
    let bs = 0;
    let bn = 0;
    for (; i < blockEnd; i++) {
      const v = values[i];
      if (!(v >= 0)) continue;
      if (first < 0) first = i;
      if (v > peak) peak = v;
      if (i >= recentFrom) {
        if (v > recentPeak) recentPeak = v;
        recentN++;
        if (v >= atOrAbove) recentAt++;
      }
      bs += v;
      bn++;
      sumSq += v * v;
    }
    hourSum[hour] += bs;
    hourN[hour] += bn;
    if (weekend) {
      weSum += bs;
      weN += bn;
    } else {
      wkSum += bs;
      wkN += bn;
    }
    sum += bs;
  }
  const historyDays = first < 0 ? 0 : ((to - first) * stepMs) / DAY_MS;
  let peakHourUtc = NaN;
  let best = -Infinity;
  let between = 0;
  const mean = samples > 0 ? sum / samples : 0;
  for (let h = 0; h < 24; h++) {
    if (hourN[h] === 0) continue;
    const m = hourSum[h] / hourN[h];
    if (m > best) {
      best = m;
      peakHourUtc = h;
    }
    between += hourN[h] * (m - mean) ** 2;
  }
  const totalVar = sumSq - samples * mean * mean;
  const seasonality: SeasonalProfile = {
    peakHourUtc,
    dailyStrength: totalVar > 0 ? Math.min(1, between / totalVar) : 0,
    weekendRatio: weN > 0 && wkN > 0 && wkSum > 0 ? weSum / weN / (wkSum / wkN) : NaN,
  };

  // Daily percentiles (log): their spread sets σ, their slope the trend.
  const days = Math.floor((to - Math.max(from, first < 0 ? to : first)) / perDay);
  if (scratch.length < perDay) scratch = new Float64Array(perDay);
  const dx = new Float64Array(days);
  const dy = new Float64Array(days);
  let nd = 0;
  for (let d = 0; d < days; d++) {
    const end = to - d * perDay;
    let n = 0;
    for (let i = end - perDay; i < end; i++) {
      const v = values[i];
      if (v >= 0) scratch[n++] = v;
    }
    if (n < perDay / 2) continue;
    const q = selectKth(scratch, n, Math.min(n - 1, Math.floor(o.dailyLevel * n)));
    dx[nd] = -d;
    dy[nd] = Math.log(Math.max(q, o.grid.lo));
    nd++;
  }
  let dailyDispersion = NaN;
  let trendPerDay = 0;
  let trendFactor = 1;
  if (nd >= 3) {
    let m = 0;
    for (let k = 0; k < nd; k++) m += dy[k];
    m /= nd;
    let ss = 0;
    for (let k = 0; k < nd; k++) ss += (dy[k] - m) ** 2;
    dailyDispersion = Math.sqrt(ss / (nd - 1));
    // Seasonal (lag-7) Theil–Sen slope with a sign test (after Hirsch's seasonal Kendall test):
    // comparing each day with the same weekday a week later cancels the weekly pattern. The
    // trend counts when the share of rising pairs is ≥ 2 standard deviations above one half.
    const diffs = new Float64Array(nd);
    let m7 = 0;
    let up = 0;
    for (let a = 0; a < nd; a++) {
      for (let b = a + 1; b < nd; b++) {
        if (dx[a] - dx[b] !== 7) continue;
        const d = dy[a] - dy[b];
        diffs[m7++] = d;
        if (d > 0) up++;
      }
    }
    if (m7 >= 5) {
      const slope = selectKth(diffs, m7, m7 >> 1) / 7;
      trendPerDay = Math.expm1(slope);
      if (o.trend && slope > 0 && up >= m7 / 2 + Math.sqrt(m7)) {
        trendFactor = Math.min(1.5, Math.exp(0.5 * slope * (o.horizonDays / 2)));
      }
    }
  }
  let sigma = Number.isFinite(dailyDispersion) ? o.uncertaintyFactor * dailyDispersion : o.maxSigma;
  if (historyDays < 7) sigma = Math.hypot(sigma, o.shortHistorySigma * Math.sqrt(Math.max(0, 7 / Math.max(historyDays, 0.5) - 1)));
  sigma = Math.min(o.maxSigma, Math.max(o.minSigma, sigma));

  const all = new UsageHistogram(o.grid).merge(last).merge(older);
  const empirical = all.toDistribution();
  const limit = peak * o.maxExtrapolation * trendFactor;
  const distribution = empirical.scaled(trendFactor).scaleMixture(sigma).clampedAbove(limit);
  const out: UsageForecast = {
    method: 'weekly_mixture',
    distribution,
    historyDays,
    samples,
    empirical,
    sigma,
    dailyDispersion,
    trendFactor,
    trendPerDay,
    seasonality,
    recentPeak,
    peak,
    recentShareAtOrAbove: recentN > 0 ? recentAt / recentN : 0,
  };
  if (!older.isEmpty() && last.total >= perWeek / 2) {
    let olderPeak = 0;
    for (let k = older.w.length - 1; k >= 0; k--) if (older.w[k] > 0) {
      olderPeak = o.grid.upper[k];
      break;
    }
    out.backtest = { forecast: older.toDistribution().scaleMixture(sigma).clampedAbove(olderPeak * o.maxExtrapolation), realized: last.toDistribution() };
  }
  return out;
}

/**
 * A point path for the next `horizon` steps (for accuracy reporting, not for sizing): the
 * hour-of-week profile of the history with the same whole-week weights, blended 1 : 3 with the
 * hour-of-day profile (which has seven times the data and is steadier; the 1 : 3 weight was
 * chosen on the evaluation's inner split). A step
 * `offset` steps past the window's end gets the profile value of its hour of week.
 */
export function forecastUsagePath(series: UsageSeriesWindow, horizon: number, options: { weekDecay?: number; offset?: number; weekWeight?: number } = {}): Float64Array {
  const weekDecay = options.weekDecay ?? USAGE_FORECAST_DEFAULTS.weekDecay;
  const alpha = options.weekWeight ?? 0.25;
  const offset = options.offset ?? 0;
  const { values, startMs, stepMs } = series;
  const to = Math.min(series.to ?? values.length, values.length);
  const from = Math.max(0, series.from ?? 0);
  const perWeek = Math.round((7 * DAY_MS) / stepMs);
  const hourSteps = HOUR_MS / stepMs;
  const t0Hour = startMs / HOUR_MS;
  const howSum = new Float64Array(168);
  const howW = new Float64Array(168);
  const hodSum = new Float64Array(24);
  const hodW = new Float64Array(24);
  let sum = 0;
  let wsum = 0;
  const hourOfWeek = (i: number) => {
    const hAbs = Math.floor(t0Hour + i / hourSteps);
    return ((hAbs % 168) + 168) % 168;
  };
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (!(v >= 0)) continue;
    const w = weekDecay ** Math.floor((to - 1 - i) / perWeek);
    const how = hourOfWeek(i);
    howSum[how] += w * v;
    howW[how] += w;
    hodSum[how % 24] += w * v;
    hodW[how % 24] += w;
    sum += w * v;
    wsum += w;
  }
  const level = wsum > 0 ? sum / wsum : NaN;
  const out = new Float64Array(horizon);
  for (let h = 0; h < horizon; h++) {
    const how = hourOfWeek(to + offset + h);
    const hod = how % 24;
    const d = hodW[hod] > 0 ? hodSum[hod] / hodW[hod] : level;
    out[h] = howW[how] > 0 ? alpha * (howSum[how] / howW[how]) + (1 - alpha) * d : d;
  }
  return out;
}
