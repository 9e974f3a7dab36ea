/**
 * Interpretable features of a VM's multi-metric usage history, the input of the workload
 * classifier (workload-patterns.ts).
 *
 * The series arrives as epoch-ms timestamps (any order, irregular, duplicates allowed) plus up to
 * four utilisation metrics as fractions 0–1 (cpu, memory, io, network; any subset; NaN = missing).
 * It is put on a regular grid whose step is the median spacing of the distinct timestamps (snapped
 * to a whole-ms divisor of the day when within 1 %, so jittered "5-minute" samples give exactly
 * 288 steps a day): each point goes to its nearest grid step, several points in one step are
 * averaged, a step with none is NaN (a gap). Every feature below skips gaps; on/off runs bridge
 * gaps of up to MAX_BRIDGED_GAP_STEPS.
 *
 * Per metric:
 * - level and spread: mean, sd, coefficient of variation (sd / mean), min, max, median, p95,
 *   robust sd (1.4826 · MAD), max / mean and p95 / mean;
 * - burstiness: the share of steps above mean + 2 sd (≈ 0.023 for Gaussian noise, ≈ 0.05 for
 *   exponential bursts, the duty for a rare on/off job);
 * - duty cycle: with lo = the 1st and hi = the 99.5th percentile, a step is "on" above
 *   lo + ½ (hi − lo); the on share, the share of steps within a fifth of the range of either
 *   level (`twoLevelShare`: ≈ 1 for an on/off signal, ≈ 0.5 for a sine, ≈ 0.1 for noise), the
 *   on and off run lengths, the level inside on and off runs, when the on runs start (typical
 *   hour, spacing and its regularity) and the share of on steps at night (20:00–08:00 local).
 *   A swing under MIN_DUTY_SWING has no duty cycle (null);
 * - seasonality: `detectSeasonality` of src/ml/forecast (Hyndman's seasonal strength over the
 *   day, the week (exactly 7 days of steps, so it is measured net of the day), the hour when the
 *   step is ≤ 10 minutes, and up to three autocorrelation peaks; each candidate needs two full
 *   cycles), reported as periods in ms; the dominant period is the present one with the largest
 *   strength net of shorter periods;
 * - the daily profile (local time = UTC + `utcOffsetMinutes`, default 0): the mean per hour of
 *   day, the 2-hour window with the highest and the lowest mean and their ratio to the daily
 *   mean, the peak and low hours (at least halfway from the daily mean to the extreme hour), the
 *   day/night ratio (08:00–20:00 vs 20:00–08:00), from one day of history on;
 * - the weekend ratio (mean on Saturday and Sunday / mean on Monday–Friday), once a weekend
 *   day and two weekdays are covered;
 * - trend: Theil–Sen slope over bucket means (whole days from 7 days of history on, so the daily
 *   cycle cancels; 32 equal buckets below that), per day and relative to the mean, with
 *   Kendall's τ over the same buckets, from 12 hours of history on.
 * Across metrics: each metric's share of the summed means (cpu vs memory, io, network).
 *
 * Cost: O(n) per metric (quantiles by selection, not sorting) plus detectSeasonality's O(n · candidates);
 * about 1 ms per metric for 10,000 steps.
 */
import { DAY_MS, detectSeasonality, HOUR_MS, quantilesSelect } from '../ml/forecast/index.js';

export const WORKLOAD_METRICS = ['cpu', 'memory', 'io', 'network'] as const;
export type WorkloadMetric = (typeof WORKLOAD_METRICS)[number];

/** Most grid steps one analysis builds; a sparser grid (a longer step) is used beyond it. */
export const MAX_GRID_STEPS = 200_000;
/** Relative distance within which the median spacing is snapped to a divisor of the day. */
export const STEP_SNAP = 0.01;
/** Gaps of at most this many steps inside an on or off run do not end it. */
export const MAX_BRIDGED_GAP_STEPS = 3;
/** Smallest hi − lo (utilisation fraction) that is a duty cycle rather than noise around one level. */
export const MIN_DUTY_SWING = 0.05;
/** Local hours counted as daytime for the day/night ratio: [08:00, 20:00). */
export const DAY_START_HOUR = 8;
export const DAY_END_HOUR = 20;
/** Width of the peak and low windows of the daily profile, in hours. */
export const PEAK_WINDOW_HOURS = 2;
/** History a trend needs before it is estimated: 12 hours. */
export const MIN_TREND_SPAN_MS = 12 * HOUR_MS;

export interface WorkloadSeriesInput {
  /** Epoch ms per row, any order. */
  timestamps: ArrayLike<number>;
  /** Utilisation fractions per row (NaN = missing), one array per metric present, each as long as `timestamps`. */
  metrics: Partial<Record<WorkloadMetric, ArrayLike<number>>>;
  /** Local time = UTC + this many minutes, for hours of day and weekends. Default 0 (UTC). */
  utcOffsetMinutes?: number;
}

export interface WorkloadGrid {
  startMs: number;
  stepMs: number;
  length: number;
  /** One array per metric present in the input; NaN = no sample in that step. */
  values: Partial<Record<WorkloadMetric, Float64Array>>;
}

export interface PeriodFeature {
  periodMs: number;
  /** Seasonal strength net of any shorter present period it is a multiple of. */
  strength: number;
  /** Seasonal strength of its own profile. */
  totalStrength: number;
  present: boolean;
}

export interface SeasonalityFeatures {
  /** Every candidate tested (empty when the history is shorter than two cycles of any). */
  periods: PeriodFeature[];
  /** Total strength of the 1-day period, null when under 2 days of history. */
  dayStrength: number | null;
  /** Strength of the 1-week period beyond the day, null when under 2 weeks. */
  weekStrength: number | null;
  /** The present period with the largest strength net of shorter present periods, null when none is present. */
  dominantPeriodMs: number | null;
  dominantStrength: number;
}

export interface HourWindow {
  /** Local hour the window starts at, 0–23; the window ends PEAK_WINDOW_HOURS later (mod 24). */
  startHour: number;
  endHour: number;
  mean: number;
  /** Window mean / mean of the 24 hourly means. */
  ratio: number;
}

export interface DailyProfile {
  /** Mean per local hour of day (NaN for an hour never observed). */
  hourMeans: number[];
  peak: HourWindow;
  low: HourWindow;
  /** Hours whose mean is at least halfway from the daily mean to the busiest hour's, ascending. */
  peakHours: number[];
  /** Hours whose mean is at least halfway from the daily mean to the quietest hour's, ascending. */
  lowHours: number[];
  /** Mean of the daytime hours / mean of the night hours (null when the night mean is 0). */
  dayNightRatio: number | null;
}

export interface DutyCycle {
  /** The on/off threshold lo + ½ (hi − lo). */
  level: number;
  lo: number;
  hi: number;
  /** Share of observed steps above `level`. */
  onShare: number;
  /** Share of observed steps within a fifth of the range of lo or hi. */
  twoLevelShare: number;
  onRuns: number;
  medianOnRunMs: number;
  medianOffRunMs: number;
  /** Mean of the metric in on and in off steps. */
  onMean: number;
  offMean: number;
  /** Median time between consecutive on-run starts, null with fewer than 2 runs. */
  medianStartIntervalMs: number | null;
  /** Coefficient of variation of those intervals (0 = clockwork), null with fewer than 3 runs. */
  startIntervalCov: number | null;
  /** Most common local hour an on-run starts at. */
  typicalStartHour: number | null;
  /** Share of on steps falling in local night hours. */
  nightShare: number;
  /** First on-run start and last on-run end (epoch ms), null with no on-run. */
  firstOnMs: number | null;
  lastOnEndMs: number | null;
}

export interface TrendFeature {
  /** Theil–Sen slope in utilisation per day. */
  slopePerDay: number;
  /** slopePerDay / mean. */
  relativePerDay: number;
  /** Kendall's τ of the bucket means against time, −1…1. */
  tau: number;
  /** The fitted line's value at the last grid step. */
  levelAtEnd: number;
  buckets: number;
}

export interface MetricFeatures {
  metric: WorkloadMetric;
  /** Observed steps / grid steps. */
  coverage: number;
  observed: number;
  mean: number;
  sd: number;
  /** sd / mean (0 when the mean is 0). */
  cov: number;
  min: number;
  max: number;
  median: number;
  p95: number;
  /** 1.4826 · median absolute deviation. */
  robustSd: number;
  peakToMean: number;
  p95ToMean: number;
  burstShare: number;
  duty: DutyCycle | null;
  /** Null when not requested for this metric (computeWorkloadFeatures' `seasonalityMetrics`). */
  seasonality: SeasonalityFeatures | null;
  daily: DailyProfile | null;
  weekendRatio: number | null;
  trend: TrendFeature | null;
}

export interface WorkloadFeatures {
  grid: WorkloadGrid;
  /** Input rows. */
  points: number;
  startMs: number;
  /** Time of the last grid step. */
  endMs: number;
  spanMs: number;
  stepMs: number;
  utcOffsetMinutes: number;
  metrics: Partial<Record<WorkloadMetric, MetricFeatures>>;
  /** Each metric's mean / the sum of the present metrics' means; absent when that sum is 0. */
  shares: Partial<Record<WorkloadMetric, number>>;
}

// ── grid ──

/** Puts the rows on a regular grid (see the file comment). Throws RangeError on mismatched lengths or non-finite timestamps. */
export function resampleWorkload(input: WorkloadSeriesInput): WorkloadGrid {
  const ts = input.timestamps;
  const n = ts.length;
  const names = WORKLOAD_METRICS.filter((m) => input.metrics[m] !== undefined);
  for (const m of names) if (input.metrics[m]!.length !== n) throw new RangeError(`metric ${m} has ${input.metrics[m]!.length} values for ${n} timestamps`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(ts[i])) throw new RangeError(`timestamps[${i}] is not a finite epoch-ms time`);
  if (n === 0) return { startMs: 0, stepMs: 1, length: 0, values: Object.fromEntries(names.map((m) => [m, new Float64Array(0)])) };
  const sorted = Float64Array.from(ts);
  let ascending = true;
  for (let i = 1; i < n && ascending; i++) if (sorted[i] < sorted[i - 1]) ascending = false;
  if (!ascending) sorted.sort();
  const t0 = sorted[0];
  const span = sorted[n - 1] - t0;
  const diffs = new Float64Array(Math.max(0, n - 1));
  let nd = 0;
  for (let i = 1; i < n; i++) if (sorted[i] > sorted[i - 1]) diffs[nd++] = sorted[i] - sorted[i - 1];
  let step = nd ? quantilesSelect(diffs, [0.5], nd)[0] : 1;
  // Nominal sampling intervals arrive with jitter (299,871 ms for "5 minutes"): a step within
  // STEP_SNAP of a whole-ms divisor of the day is snapped to it, so that a day and a week are
  // whole numbers of steps and the phases of a daily cycle do not drift across the history.
  if (step < DAY_MS) {
    const k = Math.round(DAY_MS / step);
    const snapped = DAY_MS / k;
    if (Number.isInteger(snapped) && Math.abs(snapped - step) <= STEP_SNAP * step) step = snapped;
  }
  if (span / step + 1 > MAX_GRID_STEPS) step = Math.ceil(span / (MAX_GRID_STEPS - 1));
  const length = Math.floor(span / step + 0.5) + 1;
  const values: Partial<Record<WorkloadMetric, Float64Array>> = {};
  const counts = new Float64Array(length);
  for (const m of names) {
    const src = input.metrics[m]!;
    const sum = new Float64Array(length);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (!Number.isFinite(v)) continue;
      const k = Math.min(length - 1, Math.round((ts[i] - t0) / step));
      sum[k] += v;
      counts[k]++;
    }
    for (let k = 0; k < length; k++) sum[k] = counts[k] > 0 ? sum[k] / counts[k] : NaN;
    values[m] = sum;
  }
  return { startMs: t0, stepMs: step, length, values };
}

// ── small helpers ──

function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (!n) return NaN;
  return n & 1 ? sorted[n >> 1] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

/** Local hour of day 0–23 of an epoch-ms time. */
export function localHour(ms: number, offsetMinutes: number): number {
  const local = ms + offsetMinutes * 60_000;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
}

/** Local day of week, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function localWeekday(ms: number, offsetMinutes: number): number {
  const day = Math.floor((ms + offsetMinutes * 60_000) / DAY_MS);
  return (((day + 4) % 7) + 7) % 7;
}

const isNight = (hour: number) => hour < DAY_START_HOUR || hour >= DAY_END_HOUR;

// ── per-metric features ──

function seasonalityOf(values: Float64Array, grid: WorkloadGrid): SeasonalityFeatures {
  // The week as exactly 7 days of steps, so that its strength is measured net of the day's.
  const daySteps = Math.round(DAY_MS / grid.stepMs);
  const weekSteps = 7 * daySteps;
  const candidateSteps = grid.stepMs <= 10 * 60_000 ? [Math.round(HOUR_MS / grid.stepMs), daySteps, weekSteps] : [daySteps, weekSteps];
  const r = detectSeasonality({ values, startMs: grid.startMs, stepMs: grid.stepMs }, { candidatesMs: [], candidateSteps, acfPeaks: 3 });
  const periods = r.periods.map((p) => ({ periodMs: p.steps * grid.stepMs, strength: p.strength, totalStrength: p.totalStrength, present: p.present }));
  const day = r.periods.find((p) => p.steps === daySteps && p.source === 'calendar');
  const week = r.periods.find((p) => p.steps === weekSteps && p.source === 'calendar');
  // The dominant period is the present one with the largest strength net of shorter periods: a
  // web day-cycle with quieter weekends is daily first (its week "contains" the day, so the
  // week's own total strength would always win).
  let dom: (typeof r.periods)[number] | undefined;
  for (const p of r.periods) if (p.present && (!dom || p.strength > dom.strength)) dom = p;
  return {
    periods,
    dayStrength: day ? day.totalStrength : null,
    weekStrength: week ? week.strength : null,
    dominantPeriodMs: dom ? dom.steps * grid.stepMs : null,
    dominantStrength: dom ? dom.strength : 0,
  };
}

function dailyProfile(values: Float64Array, grid: WorkloadGrid, cal: GridCalendar): DailyProfile | null {
  if ((grid.length - 1) * grid.stepMs < DAY_MS - grid.stepMs) return null;
  const sum = new Float64Array(24);
  const cnt = new Float64Array(24);
  for (let i = 0; i < grid.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    const h = cal.hour[i];
    sum[h] += v;
    cnt[h]++;
  }
  const hourMeans: number[] = [];
  let total = 0;
  let hours = 0;
  for (let h = 0; h < 24; h++) {
    const m = cnt[h] > 0 ? sum[h] / cnt[h] : NaN;
    hourMeans.push(m);
    if (m === m) {
      total += m;
      hours++;
    }
  }
  // A step of several hours leaves hours unobserved; the profile needs most of the day.
  if (hours < 18) return null;
  const dayMean = total / hours;
  let best = -Infinity;
  let worst = Infinity;
  let bestH = 0;
  let worstH = 0;
  for (let h = 0; h < 24; h++) {
    let s = 0;
    let c = 0;
    for (let k = 0; k < PEAK_WINDOW_HOURS; k++) {
      const m = hourMeans[(h + k) % 24];
      if (m === m) {
        s += m;
        c++;
      }
    }
    if (!c) continue;
    const w = s / c;
    if (w > best) {
      best = w;
      bestH = h;
    }
    if (w < worst) {
      worst = w;
      worstH = h;
    }
  }
  let dS = 0;
  let dC = 0;
  let nS = 0;
  let nC = 0;
  for (let h = 0; h < 24; h++) {
    const m = hourMeans[h];
    if (m !== m) continue;
    if (isNight(h)) {
      nS += m;
      nC++;
    } else {
      dS += m;
      dC++;
    }
  }
  const dayM = dC ? dS / dC : NaN;
  const nightM = nC ? nS / nC : NaN;
  const ratio = (x: number) => (dayMean > 0 ? x / dayMean : 1);
  let maxH = -Infinity;
  let minH = Infinity;
  for (const m of hourMeans) {
    if (m > maxH) maxH = m;
    if (m < minH) minH = m;
  }
  const peakHours: number[] = [];
  const lowHours: number[] = [];
  if (maxH > minH) {
    for (let h = 0; h < 24; h++) {
      const m = hourMeans[h];
      if (m >= dayMean + 0.5 * (maxH - dayMean)) peakHours.push(h);
      else if (m <= dayMean - 0.5 * (dayMean - minH)) lowHours.push(h);
    }
  }
  return {
    hourMeans,
    peakHours,
    lowHours,
    peak: { startHour: bestH, endHour: (bestH + PEAK_WINDOW_HOURS) % 24, mean: best, ratio: ratio(best) },
    low: { startHour: worstH, endHour: (worstH + PEAK_WINDOW_HOURS) % 24, mean: worst, ratio: ratio(worst) },
    dayNightRatio: nightM > 0 && dayM === dayM ? dayM / nightM : null,
  };
}

function weekendRatio(values: Float64Array, grid: WorkloadGrid, cal: GridCalendar): number | null {
  let wS = 0;
  let wC = 0;
  let dS = 0;
  let dC = 0;
  for (let i = 0; i < grid.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    const d = cal.weekday[i];
    if (d === 0 || d === 6) {
      wS += v;
      wC++;
    } else {
      dS += v;
      dC++;
    }
  }
  const perDay = DAY_MS / grid.stepMs;
  // One weekend day and two weekdays observed (80 % of their steps).
  if (wC < 0.8 * perDay || dC < 1.6 * perDay || !(dS > 0)) return null;
  return wS / wC / (dS / dC);
}

function dutyCycle(values: Float64Array, lo: number, hi: number, grid: WorkloadGrid, cal: GridCalendar): DutyCycle | null {
  const range = hi - lo;
  if (!(range >= MIN_DUTY_SWING)) return null;
  const level = lo + 0.5 * range;
  const band = 0.2 * range;
  let on = 0;
  let obs = 0;
  let nearLevels = 0;
  let onSum = 0;
  let offSum = 0;
  let nightOn = 0;
  const onRuns: number[] = [];
  const offRuns: number[] = [];
  const starts: number[] = [];
  const startHours = new Float64Array(24);
  let firstOn: number | null = null;
  let lastOnEnd: number | null = null;
  let state = -1; // -1 none, 0 off, 1 on
  let run = 0;
  let gap = 0;
  const close = () => {
    if (state === 1) onRuns.push(run);
    else if (state === 0) offRuns.push(run);
  };
  for (let i = 0; i < grid.length; i++) {
    const v = values[i];
    if (v !== v) {
      // A short gap is bridged (the run goes on if the state is the same after it); a longer
      // one ends the run, and what follows starts afresh.
      if (++gap === MAX_BRIDGED_GAP_STEPS + 1) {
        close();
        state = -1;
        run = 0;
      }
      continue;
    }
    if (gap > 0 && gap <= MAX_BRIDGED_GAP_STEPS) run += gap;
    gap = 0;
    obs++;
    if (v - lo <= band || hi - v <= band) nearLevels++;
    const s = v > level ? 1 : 0;
    const t = grid.startMs + i * grid.stepMs;
    if (s === 1) {
      on++;
      onSum += v;
      if (isNight(cal.hour[i])) nightOn++;
      lastOnEnd = t + grid.stepMs;
    } else offSum += v;
    if (s !== state) {
      close();
      if (s === 1) {
        starts.push(t);
        startHours[cal.hour[i]]++;
        if (firstOn === null) firstOn = t;
      }
      state = s;
      run = 1;
    } else run++;
  }
  close();
  const med = (xs: number[]) => (xs.length ? median(Float64Array.from(xs).sort()) : 0);
  let medianStartIntervalMs: number | null = null;
  let startIntervalCov: number | null = null;
  if (starts.length >= 2) {
    const iv = Float64Array.from(starts.slice(1).map((s, k) => s - starts[k]));
    medianStartIntervalMs = med([...iv]);
    if (iv.length >= 2) {
      let m = 0;
      for (const x of iv) m += x;
      m /= iv.length;
      let s2 = 0;
      for (const x of iv) s2 += (x - m) * (x - m);
      startIntervalCov = m > 0 ? Math.sqrt(s2 / (iv.length - 1)) / m : null;
    }
  }
  let typicalStartHour: number | null = null;
  let most = 0;
  for (let h = 0; h < 24; h++) {
    if (startHours[h] > most) {
      most = startHours[h];
      typicalStartHour = h;
    }
  }
  return {
    level,
    lo,
    hi,
    onShare: obs ? on / obs : 0,
    twoLevelShare: obs ? nearLevels / obs : 0,
    onRuns: onRuns.length,
    medianOnRunMs: med(onRuns) * grid.stepMs,
    medianOffRunMs: med(offRuns) * grid.stepMs,
    onMean: on ? onSum / on : NaN,
    offMean: obs - on ? offSum / (obs - on) : NaN,
    medianStartIntervalMs,
    startIntervalCov,
    typicalStartHour,
    nightShare: on ? nightOn / on : 0,
    firstOnMs: firstOn,
    lastOnEndMs: lastOnEnd,
  };
}

function trendOf(values: Float64Array, grid: WorkloadGrid, mean: number): TrendFeature | null {
  const span = (grid.length - 1) * grid.stepMs;
  if (span < MIN_TREND_SPAN_MS) return null;
  // Whole days cancel the daily cycle; at most 128 buckets keep Theil–Sen's pairs cheap.
  let bucketSteps: number;
  if (span >= 7 * DAY_MS) bucketSteps = Math.max(1, Math.round(DAY_MS / grid.stepMs)) * Math.max(1, Math.ceil(span / DAY_MS / 128));
  else bucketSteps = Math.max(1, Math.floor(grid.length / 32));
  const B = Math.floor(grid.length / bucketSteps);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let b = 0; b < B; b++) {
    let s = 0;
    let c = 0;
    for (let i = b * bucketSteps; i < (b + 1) * bucketSteps; i++) {
      const v = values[i];
      if (v === v) {
        s += v;
        c++;
      }
    }
    // A bucket needs half its steps observed.
    if (c >= bucketSteps / 2) {
      xs.push(b);
      ys.push(s / c);
    }
  }
  const m = xs.length;
  if (m < 4) return null;
  const slopes = new Float64Array((m * (m - 1)) / 2);
  let k = 0;
  let conc = 0;
  let disc = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const d = ys[j] - ys[i];
      slopes[k++] = d / (xs[j] - xs[i]);
      if (d > 0) conc++;
      else if (d < 0) disc++;
    }
  }
  slopes.sort();
  const slope = median(slopes); // per bucket
  const res = Float64Array.from(ys.map((y, i) => y - slope * xs[i])).sort();
  const intercept = median(res);
  const bucketMs = bucketSteps * grid.stepMs;
  const slopePerDay = (slope / bucketMs) * DAY_MS;
  // The line at the last grid step: bucket b's centre is at steps (b + ½) · bucketSteps.
  const lastX = (grid.length - 1) / bucketSteps - 0.5;
  return {
    slopePerDay,
    relativePerDay: mean > 0 ? slopePerDay / mean : 0,
    tau: (conc - disc) / ((m * (m - 1)) / 2),
    levelAtEnd: intercept + slope * lastX,
    buckets: m,
  };
}

function metricFeatures(metric: WorkloadMetric, values: Float64Array, grid: WorkloadGrid, cal: GridCalendar, withSeasonality: boolean): MetricFeatures | null {
  let n = 0;
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      n++;
      s += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (n === 0) return null;
  const mean = s / n;
  const scratch = new Float64Array(n);
  let k = 0;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      scratch[k++] = v;
      ss += (v - mean) * (v - mean);
    }
  }
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const burstLevel = mean + 2 * sd;
  let burst = 0;
  if (sd > 0) for (let i = 0; i < n; i++) if (scratch[i] > burstLevel) burst++;
  const [lo, med, p95, hi] = quantilesSelect(scratch, [0.01, 0.5, 0.95, 0.995], n);
  for (let i = 0; i < n; i++) scratch[i] = Math.abs(scratch[i] - med);
  const mad = quantilesSelect(scratch, [0.5], n)[0];
  return {
    metric,
    coverage: grid.length ? n / grid.length : 0,
    observed: n,
    mean,
    sd,
    cov: mean > 0 ? sd / mean : 0,
    min,
    max,
    median: med,
    p95,
    robustSd: 1.4826 * mad,
    peakToMean: mean > 0 ? max / mean : 1,
    p95ToMean: mean > 0 ? p95 / mean : 1,
    burstShare: burst / n,
    duty: dutyCycle(values, lo, hi, grid, cal),
    seasonality: withSeasonality ? seasonalityOf(values, grid) : null,
    daily: dailyProfile(values, grid, cal),
    weekendRatio: weekendRatio(values, grid, cal),
    trend: trendOf(values, grid, mean),
  };
}

/** Local hour and weekday of every grid step, computed once and shared by the metrics. */
interface GridCalendar {
  hour: Uint8Array;
  weekday: Uint8Array;
}

function calendarOf(grid: WorkloadGrid, offset: number): GridCalendar {
  const hour = new Uint8Array(grid.length);
  const weekday = new Uint8Array(grid.length);
  for (let i = 0; i < grid.length; i++) {
    const t = grid.startMs + i * grid.stepMs;
    hour[i] = localHour(t, offset);
    weekday[i] = localWeekday(t, offset);
  }
  return { hour, weekday };
}

export interface WorkloadFeatureOptions {
  /** Metrics whose seasonality is measured (the costliest feature, about 1 ms per 10,000 steps). Default all. */
  seasonalityMetrics?: readonly WorkloadMetric[];
}

/** Resamples the rows and computes every feature of every metric present (see the file comment). */
export function computeWorkloadFeatures(input: WorkloadSeriesInput, opts: WorkloadFeatureOptions = {}): WorkloadFeatures {
  const offset = input.utcOffsetMinutes ?? 0;
  if (!(Number.isFinite(offset) && Math.abs(offset) <= 14 * 60)) throw new RangeError(`utcOffsetMinutes must be within ±840, got ${offset}`);
  const grid = resampleWorkload(input);
  const metrics: Partial<Record<WorkloadMetric, MetricFeatures>> = {};
  const cal = calendarOf(grid, offset);
  for (const m of WORKLOAD_METRICS) {
    const v = grid.values[m];
    if (!v) continue;
    const f = metricFeatures(m, v, grid, cal, opts.seasonalityMetrics?.includes(m) ?? true);
    if (f) metrics[m] = f;
  }
  let total = 0;
  for (const m of WORKLOAD_METRICS) total += metrics[m]?.mean ?? 0;
  const shares: Partial<Record<WorkloadMetric, number>> = {};
  if (total > 0) for (const m of WORKLOAD_METRICS) if (metrics[m]) shares[m] = metrics[m]!.mean / total;
  const spanMs = grid.length ? (grid.length - 1) * grid.stepMs : 0;
  return {
    grid,
    points: input.timestamps.length,
    startMs: grid.startMs,
    endMs: grid.startMs + spanMs,
    spanMs,
    stepMs: grid.stepMs,
    utcOffsetMinutes: offset,
    metrics,
    shares,
  };
}
