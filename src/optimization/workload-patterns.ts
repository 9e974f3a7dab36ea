/**
 * Workload classification and pattern detection from the features of workload-features.ts.
 * Transparent rules, no trained model: every threshold is a named constant below with the reason
 * for its value, and every answer carries its reasons in plain words.
 *
 * Classes. Each specialist class scores gate × quality in [0, 1]: the gate is the behaviour that
 * defines the class (without it the class is not considered), the quality a weighted sum of the
 * supporting evidence (an absent metric counts as neutral evidence, 0.5):
 * - web_application: gate = a strong daily cycle peaking in the local daytime; quality = weekdays
 *   above weekends, network-heavy, moderate burstiness;
 * - batch_processing: gate = an on/off duty cycle (two levels, mostly off, runs of several
 *   steps); quality = high CPU while on, regular starts (a seasonal period or evenly spaced
 *   starts), low network, runs at night;
 * - data_streaming: gate = steady (low CoV) at a high CPU or network level; quality = no strong
 *   daily swing, network-heavy, very low CoV;
 * - database: needs memory and io; gate = high and steady memory; quality = io-heavy, a moderate
 *   daily cycle, moderate CPU;
 * - general_purpose: a constant GENERAL_PURPOSE_SCORE, so a specialist class is claimed only when
 *   it scores above it ("nothing dominant" otherwise).
 *
 * Confidence (a monotone heuristic, not fitted to labels: no labelled workload set exists) is
 *   data × (0.45 + 0.35 · margin + 0.2 · best),
 * with margin = min(1, (best − second) / DECISIVE_MARGIN) over all five scores and
 * data = min(1, coverage / FULL_COVERAGE) × spanTerm, where spanTerm rises on a log scale from
 * 0.55 at 1 hour of history to 1 at 7 days (0.83 at a day). So a clear winner over a covered week
 * is ≥ 0.8, a close call or a few hours of history 0.5–0.7, and poor coverage below 0.5.
 *
 * Minimum history: fewer than MIN_WORKLOAD_POINTS observed steps of the primary metric, or a span
 * under MIN_WORKLOAD_SPAN_MS, throws InsufficientWorkloadDataError (its message starts with
 * "insufficient data"); no class, pattern or number is made up for such a series. Seasonality is
 * claimed only for periods with two full cycles of history (detectSeasonality's rule), the daily
 * profile from a day on, weekends once a weekend day is covered, trends from MIN_TREND_SPAN_MS.
 */
import { DAY_MS, HOUR_MS, WEEK_MS } from '../ml/forecast/index.js';
import {
  computeWorkloadFeatures,
  PEAK_WINDOW_HOURS,
  WORKLOAD_METRICS,
  type MetricFeatures,
  type SeasonalityFeatures,
  type WorkloadFeatures,
  type WorkloadMetric,
  type WorkloadSeriesInput,
} from './workload-features.js';

export const WORKLOAD_CLASSES = ['web_application', 'batch_processing', 'data_streaming', 'database', 'general_purpose'] as const;
export type WorkloadClass = (typeof WORKLOAD_CLASSES)[number];

export const PATTERN_TYPES = ['periodic', 'batch', 'trending', 'bursty', 'steady_state', 'idle', 'irregular', 'spike'] as const;
export type WorkloadPatternType = (typeof PATTERN_TYPES)[number];

// ── minimum history ──
/** Observed steps an analysis needs: fewer cannot tell a level from its noise. */
export const MIN_WORKLOAD_POINTS = 12;
/** Span an analysis needs: under an hour no behaviour (a job, a burst pattern) can repeat. */
export const MIN_WORKLOAD_SPAN_MS = HOUR_MS;

// ── class rules ──
/** A specialist class must beat this to be claimed; otherwise the workload is general purpose. */
export const GENERAL_PURPOSE_SCORE = 0.4;
/** Daily seasonal strength from which the web gate opens / is fully open (the detector calls 0.3 present). */
export const WEB_DAILY_MIN = 0.2;
export const WEB_DAILY_FULL = 0.5;
/** Local hours the centre of a web VM's daily peak falls in: [08:00, 22:00) (half credit up to 2 h outside). */
export const WEB_PEAK_FROM_HOUR = 8;
export const WEB_PEAK_TO_HOUR = 22;
/** Weekend/weekday ratio at which weekdays start to / fully count as busier (0.7: a third less at weekends). */
export const WEEKDAY_RATIO_NONE = 1.0;
export const WEEKDAY_RATIO_FULL = 0.7;
/** Network share of the summed means that starts to / fully counts as network-heavy (0.25 = even split of four). */
export const NETWORK_SHARE_LOW = 0.15;
export const NETWORK_SHARE_HIGH = 0.35;
/** CoV band called "moderate bursts": below it is flat, above it is spiky. */
export const MODERATE_COV_LOW = 0.15;
export const MODERATE_COV_HIGH = 1.5;
/** twoLevelShare at which the batch gate starts to / fully opens (a sine gives ≈ 0.5, an on/off job ≈ 1). */
export const TWO_LEVEL_MIN = 0.6;
export const TWO_LEVEL_FULL = 0.85;
/** On share above which a signal is "mostly on", not a batch (fully closed at 0.9). */
export const BATCH_DUTY_MAX = 0.7;
/** Median on-run length (steps) from which on-runs are jobs rather than blips. */
export const BATCH_RUN_STEPS = 3;
/** Utilisation while on that counts as "high" (0.6: most of the VM busy). */
export const BATCH_ON_LOW = 0.2;
export const BATCH_ON_HIGH = 0.6;
/** Start-interval CoV under which job starts are regular (a cron). */
export const REGULAR_START_COV = 0.2;
/** Share of on steps at night that counts as a night window. */
export const NIGHT_SHARE_LOW = 0.5;
export const NIGHT_SHARE_HIGH = 0.8;
/** Throughput level (max of CPU and network means) that starts to / fully counts as high. */
export const STREAM_LEVEL_LOW = 0.15;
export const STREAM_LEVEL_HIGH = 0.35;
/** CoV under which a stream is steady (fully at 0.15, not at all at 0.35). */
export const STREAM_COV_FULL = 0.15;
export const STREAM_COV_NONE = 0.35;
/** Memory mean and CoV of a database-like VM (high, steady working set). */
export const DB_MEMORY_LOW = 0.4;
export const DB_MEMORY_HIGH = 0.7;
export const DB_MEMORY_COV_FULL = 0.1;
export const DB_MEMORY_COV_NONE = 0.3;
/** io share that counts as io-heavy. */
export const IO_SHARE_LOW = 0.2;
export const IO_SHARE_HIGH = 0.35;

// ── confidence ──
/** Score margin between the best and second class that counts as decisive. */
export const DECISIVE_MARGIN = 0.3;
/** Share of grid steps observed that gets full credit. */
export const FULL_COVERAGE = 0.8;

// ── patterns ──
/** CoV under which usage is steady state. */
export const STEADY_COV = 0.1;
/** Mean and p95 under which a VM is idle. */
export const IDLE_MEAN = 0.05;
export const IDLE_P95 = 0.1;
/** Bursty: CoV, max/mean and share above mean + 2 sd all at least these (Gaussian noise: share 0.023). */
export const BURSTY_COV = 0.5;
export const BURSTY_PEAK_TO_MEAN = 3;
export const BURSTY_SHARE = 0.02;
/** Trending: |Kendall τ| and total change over the span (relative to the mean) at least these. */
export const TREND_TAU = 0.5;
export const TREND_TOTAL_CHANGE = 0.1;
/** Spike: a run of at most SPIKE_MAX_STEPS above median + SPIKE_ROBUST_SDS robust sds and at least SPIKE_MIN_RISE above the median. */
export const SPIKE_ROBUST_SDS = 6;
export const SPIKE_MIN_RISE = 0.1;
export const SPIKE_MAX_STEPS = 3;
/** Spikes listed individually (the largest); the rest are counted in the description of the last. */
export const MAX_SPIKES_LISTED = 10;
/** Occurrences of the seasonal peak and low listed in peak_times / low_times (the latest cycles). */
export const MAX_SEASONAL_TIMES = 7;
/** Utilisation a rising trend is projected to (for "reaches 90 % in N days"). */
export const TREND_TARGET = 0.9;

export class InsufficientWorkloadDataError extends Error {
  override name = 'InsufficientWorkloadDataError';
}

export interface WorkloadPattern {
  type: WorkloadPatternType;
  /** Epoch ms. */
  startMs: number;
  endMs: number;
  /** 0–1: how pronounced the behaviour is (see each type's description). */
  intensity: number;
  /** "hourly", "daily", "weekly", "every 6 h", "continuous" or "irregular". */
  frequency: string;
  confidence: number;
  description: string;
  metric: WorkloadMetric;
}

export interface WorkloadSeasonality {
  hasSeasonality: boolean;
  /** The dominant period in ms, 0 when none is present. */
  periodMs: number;
  /** Its seasonal strength (0–1); with none present, the strongest candidate's (below the threshold). */
  strength: number;
  /** Names of the present periods, e.g. ["daily", "weekly"]. */
  components: string[];
  /** Times of the dominant period's peak and low phase in the latest cycles (epoch ms, ascending). */
  peakTimesMs: number[];
  lowTimesMs: number[];
  metric: WorkloadMetric;
}

export interface WorkloadAnalysis {
  classification: WorkloadClass;
  confidence: number;
  scores: Record<WorkloadClass, number>;
  /** Why the class won, in plain words with the numbers. */
  reasons: string[];
  patterns: WorkloadPattern[];
  seasonality: WorkloadSeasonality;
  recommendations: string[];
  /** The metric patterns and seasonality are read from. */
  primary: WorkloadMetric;
  features: WorkloadFeatures;
  dataQuality: { points: number; observed: number; steps: number; stepMs: number; spanMs: number; coverage: number; dataFactor: number };
  notes: string[];
}

export interface AnalyzeWorkloadOptions {
  /** The metric patterns and seasonality are read from. Default cpu, else the first present. */
  primary?: WorkloadMetric;
}

// ── helpers ──

/** Linear ramp: 0 at `zero`, 1 at `one` (either order), clamped. */
function ramp(x: number, zero: number, one: number): number {
  const t = (x - zero) / (one - zero);
  return t <= 0 ? 0 : t >= 1 ? 1 : t;
}
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (x: number) => `${Math.round(x * 100)}%`;
const fx = (x: number, d = 2) => x.toFixed(d);
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

function zoneName(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const sign = offsetMinutes < 0 ? '−' : '+';
  const a = Math.abs(offsetMinutes);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

const METRIC_LABEL: Record<WorkloadMetric, string> = { cpu: 'CPU', memory: 'Memory', io: 'I/O', network: 'Network' };

/** "hourly", "daily", "weekly" within 5 %, else "every N h/min/d". */
export function periodName(ms: number): string {
  const near = (p: number) => Math.abs(ms - p) <= 0.05 * p;
  if (near(HOUR_MS)) return 'hourly';
  if (near(DAY_MS)) return 'daily';
  if (near(WEEK_MS)) return 'weekly';
  if (ms < HOUR_MS) return `every ${Math.round(ms / 60_000)} min`;
  if (ms < 2 * DAY_MS) return `every ${Math.round((ms / HOUR_MS) * 10) / 10} h`;
  return `every ${Math.round((ms / DAY_MS) * 10) / 10} d`;
}

function durationText(ms: number): string {
  if (ms < HOUR_MS) return `${Math.round(ms / 60_000)} min`;
  if (ms < 2 * DAY_MS) return `${Math.round((ms / HOUR_MS) * 10) / 10} h`;
  return `${Math.round((ms / DAY_MS) * 10) / 10} days`;
}

// ── classification ──

interface ClassResult {
  scores: Record<WorkloadClass, number>;
  why: Record<WorkloadClass, string>;
}

function classify(f: WorkloadFeatures, primary: MetricFeatures, ps: SeasonalityFeatures): ClassResult {
  const cpu = f.metrics.cpu ?? primary;
  const net = f.metrics.network;
  const mem = f.metrics.memory;
  const io = f.metrics.io;
  const zone = zoneName(f.utcOffsetMinutes);
  const netShare = f.shares.network;
  const daily = ps.dayStrength ?? 0;
  const networkHeavy = netShare === undefined ? 0.5 : ramp(netShare, NETWORK_SHARE_LOW, NETWORK_SHARE_HIGH);

  // web_application: the gate is a daily cycle that peaks in the (local) daytime.
  const peak = primary.daily?.peak;
  const peakCentre = peak ? (peak.startHour + PEAK_WINDOW_HOURS / 2) % 24 : -1;
  const daytime = peakCentre >= WEB_PEAK_FROM_HOUR && peakCentre < WEB_PEAK_TO_HOUR ? 1 : peakCentre >= WEB_PEAK_FROM_HOUR - 2 && peakCentre < WEB_PEAK_TO_HOUR + 2 ? 0.5 : 0;
  const webGate = ramp(daily, WEB_DAILY_MIN, WEB_DAILY_FULL) * daytime;
  const weekday = primary.weekendRatio === null ? 0.5 : ramp(primary.weekendRatio, WEEKDAY_RATIO_NONE, WEEKDAY_RATIO_FULL);
  const moderate = primary.cov < MODERATE_COV_LOW ? ramp(primary.cov, 0.05, MODERATE_COV_LOW) : ramp(primary.cov, MODERATE_COV_HIGH + 1, MODERATE_COV_HIGH);
  const web = webGate * (0.35 * weekday + 0.3 * networkHeavy + 0.35 * moderate);
  const webWhy =
    `daily seasonal strength ${fx(daily)}` +
    (peak && daily >= WEB_DAILY_MIN ? `, peak ${hh(peak.startHour)}–${hh(peak.endHour)} ${zone}` : '') +
    (primary.weekendRatio !== null ? `, weekend at ${pct(primary.weekendRatio)} of weekdays` : '') +
    (netShare !== undefined ? `, network ${pct(netShare)} of the load` : '') +
    `, CoV ${fx(primary.cov)}`;

  // batch_processing
  const d = primary.duty;
  let batch = 0;
  let batchWhy = 'no on/off duty cycle';
  if (d) {
    const gate = ramp(d.twoLevelShare, TWO_LEVEL_MIN, TWO_LEVEL_FULL) * ramp(d.onShare, 0.9, BATCH_DUTY_MAX) * ramp(d.medianOnRunMs / f.stepMs, 1, BATCH_RUN_STEPS) * (d.onRuns >= 2 ? 1 : 0.5);
    const highOn = ramp(d.onMean, BATCH_ON_LOW, BATCH_ON_HIGH);
    const regular = ps.dominantPeriodMs !== null || (d.startIntervalCov !== null && d.startIntervalCov <= REGULAR_START_COV) ? 1 : 0.3;
    const lowNet = netShare === undefined ? 0.5 : ramp(netShare, NETWORK_SHARE_HIGH, NETWORK_SHARE_LOW);
    const night = ramp(d.nightShare, NIGHT_SHARE_LOW, NIGHT_SHARE_HIGH);
    batch = gate * (0.3 * highOn + 0.3 * regular + 0.2 * lowNet + 0.2 * night);
    batchWhy =
      `${pct(d.twoLevelShare)} of steps at the on or off level, ${pct(d.onShare)} duty, ${d.onRuns} on-runs of median ${durationText(d.medianOnRunMs)} at ${fx(d.onMean)}` +
      (d.medianStartIntervalMs !== null ? `, started every ${durationText(d.medianStartIntervalMs)}` : '') +
      `, ${pct(d.nightShare)} of on-time at night`;
  }

  // data_streaming
  const level = Math.max(cpu.mean, net?.mean ?? 0);
  const streamGate = ramp(level, STREAM_LEVEL_LOW, STREAM_LEVEL_HIGH) * ramp(primary.cov, STREAM_COV_NONE, STREAM_COV_FULL);
  const stream = streamGate * (0.35 * ramp(daily, WEB_DAILY_FULL, WEB_DAILY_MIN) + 0.35 * networkHeavy + 0.3 * ramp(primary.cov, STREAM_COV_FULL, 0.05));
  const streamWhy = `throughput level ${fx(level)} (max of CPU and network means), CoV ${fx(primary.cov)}, daily seasonal strength ${fx(daily)}` + (netShare !== undefined ? `, network ${pct(netShare)} of the load` : '');

  // database
  let db = 0;
  let dbWhy = 'needs memory and I/O metrics';
  if (mem && io) {
    const gate = ramp(mem.mean, DB_MEMORY_LOW, DB_MEMORY_HIGH) * ramp(mem.cov, DB_MEMORY_COV_NONE, DB_MEMORY_COV_FULL);
    const ioHeavy = ramp(f.shares.io ?? 0, IO_SHARE_LOW, IO_SHARE_HIGH);
    const moderateDaily = ramp(daily, 0.05, 0.2) * ramp(daily, 0.7, 0.5);
    db = gate * (0.45 * ioHeavy + 0.3 * moderateDaily + 0.25 * ramp(cpu.mean, 0.7, 0.4));
    dbWhy = `memory ${fx(mem.mean)} (CoV ${fx(mem.cov)}), I/O ${pct(f.shares.io ?? 0)} of the load, daily seasonal strength ${fx(daily)}`;
  }

  return {
    scores: { web_application: web, batch_processing: batch, data_streaming: stream, database: db, general_purpose: GENERAL_PURPOSE_SCORE },
    why: {
      web_application: webWhy,
      batch_processing: batchWhy,
      data_streaming: streamWhy,
      database: dbWhy,
      general_purpose: `no specialist class scores above ${GENERAL_PURPOSE_SCORE}`,
    },
  };
}

// ── patterns ──

function seasonalityOf(f: WorkloadFeatures, p: MetricFeatures): WorkloadSeasonality {
  const s = p.seasonality!;
  const present = s.periods.filter((x) => x.present);
  const components = [...new Set(present.map((x) => periodName(x.periodMs)))];
  const strongest = s.periods.reduce((m, x) => Math.max(m, x.totalStrength), 0);
  const out: WorkloadSeasonality = {
    hasSeasonality: s.dominantPeriodMs !== null,
    periodMs: s.dominantPeriodMs ?? 0,
    strength: s.dominantPeriodMs !== null ? s.dominantStrength : strongest,
    components,
    peakTimesMs: [],
    lowTimesMs: [],
    metric: p.metric,
  };
  if (s.dominantPeriodMs === null) return out;
  // The dominant period's phase profile: its peak and low phases in the latest cycles.
  const g = f.grid;
  const x = g.values[p.metric]!;
  const P = Math.round(s.dominantPeriodMs / g.stepMs);
  const sum = new Float64Array(P);
  const cnt = new Float64Array(P);
  for (let i = 0; i < g.length; i++) {
    const v = x[i];
    if (v === v) {
      sum[i % P] += v;
      cnt[i % P]++;
    }
  }
  let hi = -1;
  let lo = -1;
  for (let j = 0; j < P; j++) {
    if (!cnt[j]) continue;
    const m = sum[j] / cnt[j];
    if (hi < 0 || m > sum[hi] / cnt[hi]) hi = j;
    if (lo < 0 || m < sum[lo] / cnt[lo]) lo = j;
  }
  const times = (phase: number) => {
    const ts: number[] = [];
    const lastCycle = Math.floor((g.length - 1 - phase) / P);
    for (let c = Math.max(0, lastCycle - MAX_SEASONAL_TIMES + 1); c <= lastCycle; c++) ts.push(g.startMs + (c * P + phase) * g.stepMs);
    return ts;
  };
  if (hi >= 0) out.peakTimesMs = times(hi);
  if (lo >= 0) out.lowTimesMs = times(lo);
  return out;
}

function spikes(f: WorkloadFeatures, p: MetricFeatures, dataFactor: number): { listed: WorkloadPattern[]; total: number } {
  const g = f.grid;
  const x = g.values[p.metric]!;
  const threshold = Math.max(p.median + SPIKE_ROBUST_SDS * p.robustSd, p.median + SPIKE_MIN_RISE);
  const found: { start: number; end: number; peak: number }[] = [];
  let start = -1;
  let peak = 0;
  const flush = (end: number) => {
    if (start >= 0 && end - start <= SPIKE_MAX_STEPS) found.push({ start, end, peak });
    start = -1;
  };
  for (let i = 0; i < g.length; i++) {
    const v = x[i];
    if (v === v && v > threshold) {
      if (start < 0) {
        start = i;
        peak = v;
      } else if (v > peak) peak = v;
    } else flush(i);
  }
  flush(g.length);
  found.sort((a, b) => b.peak - a.peak || a.start - b.start);
  const headroom = Math.max(0.01, 1 - p.median);
  const name = METRIC_LABEL[p.metric];
  const listed = found.slice(0, MAX_SPIKES_LISTED).map((s) => {
    const rsd = p.robustSd > 0 ? (s.peak - p.median) / p.robustSd : Infinity;
    return {
      type: 'spike' as const,
      startMs: g.startMs + s.start * g.stepMs,
      endMs: g.startMs + s.end * g.stepMs,
      intensity: round(clamp01((s.peak - p.median) / headroom)),
      frequency: 'irregular',
      confidence: round(clamp01(0.5 + 0.5 * dataFactor) * Math.min(1, 0.6 + (Number.isFinite(rsd) ? rsd : 20) / 50)),
      description: `${name} spiked to ${fx(s.peak)} (median ${fx(p.median)}${Number.isFinite(rsd) ? `, ${rsd.toFixed(1)} robust SDs above it` : ''}) for ${durationText((s.end - s.start) * g.stepMs)}`,
      metric: p.metric,
    };
  });
  listed.sort((a, b) => a.startMs - b.startMs);
  return { listed, total: found.length };
}

function detectPatterns(f: WorkloadFeatures, p: MetricFeatures, season: WorkloadSeasonality, dataFactor: number, batchScore: number): WorkloadPattern[] {
  const out: WorkloadPattern[] = [];
  const name = METRIC_LABEL[p.metric];
  const zone = zoneName(f.utcOffsetMinutes);
  const whole = { startMs: f.startMs, endMs: f.endMs + f.stepMs, metric: p.metric };
  const conf = (x: number) => round(clamp01(x) * dataFactor);

  // periodic: every present seasonal period, strongest first.
  const ps = p.seasonality!;
  const present = ps.periods.filter((x) => x.present).sort((a, b) => b.totalStrength - a.totalStrength);
  for (const s of present) {
    let desc = `${name} repeats ${periodName(s.periodMs)} (period ${durationText(s.periodMs)}, seasonal strength ${fx(s.strength)})`;
    if (periodName(s.periodMs) === 'daily' && p.daily) {
      desc += `; peak ${hh(p.daily.peak.startHour)}–${hh(p.daily.peak.endHour)} ${zone} at ${fx(p.daily.peak.ratio, 1)}× the daily mean, low ${hh(p.daily.low.startHour)}–${hh(p.daily.low.endHour)} ${zone} at ${fx(p.daily.low.ratio, 1)}×`;
    }
    if (periodName(s.periodMs) === 'weekly' && p.weekendRatio !== null) desc += `; weekends at ${pct(p.weekendRatio)} of weekdays`;
    out.push({ ...whole, type: 'periodic', intensity: round(s.strength), frequency: periodName(s.periodMs), confidence: conf(0.5 + 0.5 * s.strength), description: desc });
  }

  // batch: the on/off cycle, when the batch gate is (mostly) open.
  const d = p.duty;
  const isBatch = d !== null && batchScore > 0 && d.twoLevelShare >= TWO_LEVEL_MIN && d.onShare <= BATCH_DUTY_MAX && d.onRuns >= 2 && d.medianOnRunMs >= BATCH_RUN_STEPS * f.stepMs;
  if (isBatch && d) {
    const freq =
      d.medianStartIntervalMs !== null && d.startIntervalCov !== null && d.startIntervalCov <= REGULAR_START_COV
        ? periodName(d.medianStartIntervalMs)
        : ps.dominantPeriodMs !== null
          ? periodName(ps.dominantPeriodMs)
          : 'irregular';
    out.push({
      type: 'batch',
      startMs: d.firstOnMs ?? f.startMs,
      endMs: d.lastOnEndMs ?? f.endMs,
      metric: p.metric,
      intensity: round(clamp01(d.onMean)),
      frequency: freq,
      confidence: conf(0.4 + 0.6 * Math.min(1, batchScore / 0.8)),
      description:
        `On/off batch cycle: ${d.onRuns} on-phases of median ${durationText(d.medianOnRunMs)} at ${name} ${fx(d.onMean)} (off: ${fx(d.offMean)}), ${pct(d.onShare)} duty` +
        (d.typicalStartHour !== null ? `, usually starting around ${hh(d.typicalStartHour)} ${zone}` : '') +
        (d.medianStartIntervalMs !== null ? `, every ${durationText(d.medianStartIntervalMs)}` : ''),
    });
  }

  // trending
  const t = p.trend;
  if (t && Math.abs(t.tau) >= TREND_TAU && Math.abs(t.relativePerDay) * (f.spanMs / DAY_MS) >= TREND_TOTAL_CHANGE) {
    const dir = t.slopePerDay > 0 ? 'rises' : 'falls';
    out.push({
      ...whole,
      type: 'trending',
      intensity: round(clamp01(Math.abs(t.relativePerDay) * 10)),
      frequency: 'continuous',
      confidence: conf(0.4 + 0.6 * Math.abs(t.tau)),
      description: `${name} ${dir} ${fx(Math.abs(t.slopePerDay) * 100, 1)} points/day (${fx(Math.abs(t.relativePerDay) * 100, 1)}% of its mean per day, Kendall τ ${fx(t.tau)}), now about ${fx(t.levelAtEnd)}`,
    });
  }

  // idle / steady / bursty
  if (p.mean < IDLE_MEAN && p.p95 < IDLE_P95) {
    out.push({ ...whole, type: 'idle', intensity: round(clamp01(1 - p.mean / IDLE_MEAN)), frequency: 'continuous', confidence: conf(0.9), description: `${name} is nearly idle: mean ${fx(p.mean, 3)}, p95 ${fx(p.p95, 3)}` });
  } else if (p.cov < STEADY_COV) {
    out.push({ ...whole, type: 'steady_state', intensity: round(clamp01(p.mean)), frequency: 'continuous', confidence: conf(0.6 + 0.4 * (1 - p.cov / STEADY_COV)), description: `${name} is steady at ${fx(p.mean)} (CoV ${fx(p.cov, 3)}, p95 ${fx(p.p95)})` });
  } else if (!isBatch && p.cov >= BURSTY_COV && p.peakToMean >= BURSTY_PEAK_TO_MEAN && p.burstShare >= BURSTY_SHARE) {
    out.push({
      ...whole,
      type: 'bursty',
      intensity: round(clamp01((p.peakToMean - 1) / 9)),
      frequency: 'irregular',
      confidence: conf(0.5 + 0.5 * Math.min(1, p.burstShare / 0.05)),
      description: `${name} is bursty: ${pct(p.burstShare)} of the time above mean + 2 SD, peaks at ${fx(p.peakToMean, 1)}× the mean ${fx(p.mean)} (CoV ${fx(p.cov)})`,
    });
  }

  // spikes (short excursions far above the median), not the on-phases of a batch.
  if (!isBatch) {
    const sp = spikes(f, p, dataFactor);
    if (sp.total > sp.listed.length && sp.listed.length) sp.listed[sp.listed.length - 1].description += ` (${sp.total} spikes in all; the ${sp.listed.length} largest are listed)`;
    out.push(...sp.listed);
  }

  if (out.length === 0) {
    out.push({
      ...whole,
      type: 'irregular',
      intensity: round(clamp01(p.cov)),
      frequency: 'irregular',
      confidence: conf(0.6),
      description: `No repeating, steady, trending or bursty behaviour: ${name} varies around ${fx(p.mean)} (CoV ${fx(p.cov)}, p95 ${fx(p.p95)})` + (season.strength > 0 ? `; the strongest seasonal candidate reaches only ${fx(season.strength)}` : ''),
    });
  }
  return out;
}

// ── recommendations ──

function recommend(f: WorkloadFeatures, p: MetricFeatures, cls: WorkloadClass, patterns: WorkloadPattern[]): string[] {
  const out: string[] = [];
  const name = METRIC_LABEL[p.metric];
  const zone = zoneName(f.utcOffsetMinutes);
  const has = (t: WorkloadPatternType) => patterns.some((x) => x.type === t);
  const dailyPresent = patterns.some((x) => x.type === 'periodic' && x.frequency === 'daily');
  if (dailyPresent && p.daily) {
    const { peak, low } = p.daily;
    out.push(
      `${name} peaks at ${hh(peak.startHour)}–${hh(peak.endHour)} ${zone} at ${fx(peak.ratio, 1)}× the daily mean: schedule maintenance, backups and migrations at ${hh(low.startHour)}–${hh(low.endHour)} ${zone} (the daily low, ${fx(low.ratio, 1)}× the mean).`,
    );
    if (peak.ratio >= 1.5 && !has('batch')) out.push(`Daily swing of ${fx(peak.ratio / Math.max(low.ratio, 0.01), 1)}× between the low and the peak: scheduled scaling (scale out before ${hh(peak.startHour)} ${zone}, in after ${hh(peak.endHour)}) serves the peak without paying for it all day.`);
  }
  if (p.weekendRatio !== null && p.weekendRatio <= WEEKDAY_RATIO_FULL) {
    out.push(`Weekend load is ${pct(p.weekendRatio)} of weekday load: scale in or consolidate this VM at weekends.`);
  }
  const d = p.duty;
  if (has('batch') && d) {
    out.push(
      `On/off batch cycle with ${pct(d.onShare)} duty (on-phases of ${durationText(d.medianOnRunMs)} at ${fx(d.onMean)}): a smaller VM with burst credits, or run the jobs on spot/preemptible capacity` +
        (d.typicalStartHour !== null ? `; keep other heavy work away from ${hh(d.typicalStartHour)} ${zone}, when jobs usually start.` : '.'),
    );
  }
  if (cls === 'data_streaming') {
    out.push(`Steady throughput (CoV ${fx(p.cov)}) at ${name} ${fx(p.mean)}: size for the p95 ${fx(p.p95)} plus modest headroom; committed/reserved capacity fits a load that never rests. Prefer hosts with spare network bandwidth.`);
  }
  if (cls === 'database' && f.metrics.memory) {
    out.push(`Memory-heavy (mean ${fx(f.metrics.memory.mean)}, CoV ${fx(f.metrics.memory.cov)}): do not shrink memory; place on hosts with fast storage and live-migrate only in the daily low.`);
  }
  const t = p.trend;
  if (has('trending') && t) {
    if (t.slopePerDay > 0 && t.levelAtEnd < TREND_TARGET) {
      const days = (TREND_TARGET - t.levelAtEnd) / t.slopePerDay;
      out.push(`${name} grows ${fx(t.slopePerDay * 100, 1)} points/day: at this rate it reaches ${pct(TREND_TARGET)} in about ${days < 2 ? `${Math.max(1, Math.round(days * 24))} hours` : `${Math.round(days)} days`}; plan a resize before then.`);
    } else if (t.slopePerDay > 0) {
      out.push(`${name} is at ${fx(t.levelAtEnd)} and still growing ${fx(t.slopePerDay * 100, 1)} points/day: resize now.`);
    } else {
      out.push(`${name} falls ${fx(-t.slopePerDay * 100, 1)} points/day: re-check the VM size once the decline settles.`);
    }
  }
  if (has('idle')) out.push(`${name} averages ${fx(p.mean * 100, 1)}% (p95 ${fx(p.p95 * 100, 1)}%): a candidate to downsize, consolidate or power off.`);
  if (has('bursty')) out.push(`Bursts reach ${fx(p.peakToMean, 1)}× the mean for ${pct(p.burstShare)} of the time: keep headroom for them or use a burstable instance type rather than sizing for the mean.`);
  const spikeCount = patterns.filter((x) => x.type === 'spike').length;
  if (spikeCount > 0) out.push(`${spikeCount} short spike${spikeCount > 1 ? 's' : ''} far above the usual ${fx(p.median)}: check them against deployments or cron jobs before acting on them.`);
  if (out.length === 0) out.push(`No action indicated: ${name} shows no pattern strong enough to act on (mean ${fx(p.mean)}, p95 ${fx(p.p95)}).`);
  return out;
}

// ── entry point ──

/** Classifies the workload and lists its patterns and recommendations (see the file comment). */
export function analyzeWorkload(input: WorkloadSeriesInput, opts: AnalyzeWorkloadOptions = {}): WorkloadAnalysis {
  const hasValues = (m: WorkloadMetric) => {
    const v = input.metrics[m];
    if (!v) return false;
    for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) return true;
    return false;
  };
  const primaryName = opts.primary && hasValues(opts.primary) ? opts.primary : hasValues('cpu') ? 'cpu' : WORKLOAD_METRICS.find(hasValues);
  // Seasonality is read from the primary metric only: it is the costliest feature.
  const f = computeWorkloadFeatures(input, { seasonalityMetrics: primaryName ? [primaryName] : [] });
  const p = primaryName ? f.metrics[primaryName] : undefined;
  const observed = p?.observed ?? 0;
  if (!p || observed < MIN_WORKLOAD_POINTS || f.spanMs < MIN_WORKLOAD_SPAN_MS) {
    throw new InsufficientWorkloadDataError(
      `insufficient data: ${observed} observed point${observed === 1 ? '' : 's'}${opts.primary ? ` of ${opts.primary}` : ''} over ${durationText(f.spanMs)}; ` +
        `workload analysis needs at least ${MIN_WORKLOAD_POINTS} points spanning ${durationText(MIN_WORKLOAD_SPAN_MS)}`,
    );
  }
  const notes: string[] = [];
  if (opts.primary && primaryName !== opts.primary) notes.push(`${opts.primary} has no values; patterns are read from ${primaryName}`);

  const spanTerm = Math.min(1, 0.55 + (0.45 * Math.log(Math.max(1, f.spanMs / HOUR_MS))) / Math.log(WEEK_MS / HOUR_MS));
  const dataFactor = Math.min(1, p.coverage / FULL_COVERAGE) * spanTerm;
  if (p.coverage < FULL_COVERAGE) notes.push(`${pct(p.coverage)} of the ${f.grid.length} steps of ${durationText(f.stepMs)} have a ${primaryName} value; confidence is reduced`);
  if (f.spanMs < 2 * DAY_MS) notes.push(`${durationText(f.spanMs)} of history: daily seasonality needs 2 days, weekly 2 weeks`);

  const ps = p.seasonality!;
  const { scores, why } = classify(f, p, ps);
  const ranked = [...WORKLOAD_CLASSES].sort((a, b) => scores[b] - scores[a] || WORKLOAD_CLASSES.indexOf(a) - WORKLOAD_CLASSES.indexOf(b));
  const best = ranked[0];
  const s1 = scores[best];
  const s2 = scores[ranked[1]];
  const margin = Math.min(1, (s1 - s2) / DECISIVE_MARGIN);
  const confidence = round(dataFactor * (0.45 + 0.35 * margin + 0.2 * s1));
  const reasons = [`${best} scores ${fx(s1)} (next: ${ranked[1]} ${fx(s2)}): ${why[best]}`];
  if (best !== 'general_purpose') reasons.push(`runner-up ${ranked[1]}: ${why[ranked[1]]}`);
  else {
    const top = ranked.find((c) => c !== 'general_purpose')!;
    reasons.push(`strongest specialist ${top} at ${fx(scores[top])}: ${why[top]}`);
  }

  const seasonality = seasonalityOf(f, p);
  const patterns = detectPatterns(f, p, seasonality, dataFactor, scores.batch_processing);
  const recommendations = recommend(f, p, best, patterns);
  const roundedScores = Object.fromEntries(WORKLOAD_CLASSES.map((c) => [c, round(scores[c])])) as Record<WorkloadClass, number>;
  return {
    classification: best,
    confidence,
    scores: roundedScores,
    reasons,
    patterns,
    seasonality,
    recommendations,
    primary: p.metric,
    features: f,
    dataQuality: { points: f.points, observed, steps: f.grid.length, stepMs: f.stepMs, spanMs: f.spanMs, coverage: round(p.coverage), dataFactor: round(dataFactor) },
    notes,
  };
}
