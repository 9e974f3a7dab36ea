/**
 * Multi-scale features of one host's recent history, for failure prediction: what the last
 * minutes look like against the last hours. Failure precursors live on very different clocks —
 * a fan dies 20 minutes before a thermal trip, SMART sectors creep for a day — so one 30-minute
 * window is not enough: every gauge is summarised over 5 minutes, 30 minutes and 6 hours, every
 * error counter by its increments over 5 minutes to 24 hours, and the short spans are also
 * expressed relative to the long ones (a shift in units of the host's own 6-hour spread, a rate
 * against the host's own 6-hour rate), which is what tells a storm from a chronic trickle.
 *
 * Prefix sums over the host's series make every feature O(1) per window, so a training set of
 * hundreds of thousands of windows costs little more than reading the data, and serving one host
 * costs one pass over its last day.
 */
import { MLInputError } from '../ml/core/index.js';

export type HistoryMetricKind = 'gauge' | 'counter';

export interface HistoryMetric {
  name: string;
  kind: HistoryMetricKind;
}

/** A series computed from others before features are taken (e.g. CPU temperature above inlet). */
export interface DerivedGauge {
  name: string;
  /** Inputs by name (metrics or derived gauges listed before) and how to combine one sample of each (NaN when any input is NaN). */
  inputs: readonly [string, string];
  op: 'difference' | 'ratio';
}

export interface HistoryFeatureSpec {
  metrics: readonly HistoryMetric[];
  derived?: readonly DerivedGauge[];
  /** Sample spacing the spans are counted in (ms). Default 60 s. */
  stepMs?: number;
}

const MINUTE = 60_000;
/** Gauge spans: short, window and baseline, in minutes. */
const GAUGE_SPANS = { short: 5, window: 30, baseline: 360 } as const;
/** Counter increment spans, in minutes. */
const COUNTER_SPANS = [5, 30, 120, 360, 1440] as const;
/** How far back the features read: the longest span. */
export const HISTORY_MINUTES = 1440;
/** A span with fewer finite samples than this share of its length gives NaN. */
const MIN_FINITE_SHARE = 0.5;

const GAUGE_FEATURES = ['last', 'mean_5m', 'mean_30m', 'mean_6h', 'std_30m', 'std_6h', 'min_30m', 'max_30m', 'slope_30m', 'slope_6h', 'shift_5m_vs_6h', 'shift_30m_vs_6h', 'spread_30m_vs_6h'] as const;
const COUNTER_FEATURES = [...COUNTER_SPANS.map((m) => `inc_${spanName(m)}`), 'rate_30m_vs_6h', 'minutes_since_increase'] as const;

function spanName(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

/** What each feature means, for documentation and for turning explanations into words. */
export const HISTORY_FEATURE_MEANING: Readonly<Record<string, string>> = {
  last: 'mean of the last 3 samples',
  mean_5m: 'mean over the last 5 minutes',
  mean_30m: 'mean over the last 30 minutes',
  mean_6h: 'mean over the last 6 hours',
  std_30m: 'standard deviation over the last 30 minutes',
  std_6h: 'standard deviation over the last 6 hours',
  min_30m: 'minimum over the last 30 minutes',
  max_30m: 'maximum over the last 30 minutes',
  slope_30m: 'least-squares slope over the last 30 minutes, per hour',
  slope_6h: 'least-squares slope over the last 6 hours, per hour',
  shift_5m_vs_6h: '(5-minute mean − 6-hour mean) / 6-hour standard deviation',
  shift_30m_vs_6h: '(30-minute mean − 6-hour mean) / 6-hour standard deviation',
  spread_30m_vs_6h: '30-minute standard deviation / 6-hour standard deviation',
  inc_5m: 'increase over the last 5 minutes (counter resets counted from zero)',
  inc_30m: 'increase over the last 30 minutes',
  inc_2h: 'increase over the last 2 hours',
  inc_6h: 'increase over the last 6 hours',
  inc_24h: 'increase over the last 24 hours',
  rate_30m_vs_6h: '(30-minute increase + 0.5) / (6-hour increase / 12 + 0.5): how much faster than usual the counter runs',
  minutes_since_increase: 'minutes since the counter last increased (capped at 1440)',
};

/** Per-host prefix sums; `featuresAt(end)` reads the features of the window ending at sample `end`. */
export interface PreparedHistory {
  readonly length: number;
  featuresAt(end: number, out: Float64Array, offset: number): void;
}

/** Every gauge and counter of the feature set, in column order; see HISTORY_FEATURE_MEANING. */
export class HistoryFeatures {
  readonly names: readonly string[];
  readonly size: number;
  readonly stepMs: number;
  /** Samples of history the longest span reads. */
  readonly historyPoints: number;
  private readonly gauges: readonly string[];
  private readonly counters: readonly string[];
  private readonly derived: readonly DerivedGauge[];

  constructor(readonly spec: HistoryFeatureSpec) {
    this.stepMs = spec.stepMs ?? MINUTE;
    if (!(this.stepMs > 0 && this.stepMs <= 5 * MINUTE)) throw new MLInputError(`history features: stepMs must be in (0, 5 min], got ${this.stepMs}`);
    const seen = new Set<string>();
    for (const m of spec.metrics) {
      if (seen.has(m.name)) throw new MLInputError(`history features: metric ${m.name} listed twice`);
      seen.add(m.name);
    }
    this.derived = spec.derived ?? [];
    for (const d of this.derived) {
      for (const i of d.inputs) if (!seen.has(i)) throw new MLInputError(`history features: derived ${d.name} needs ${i}, which is neither a metric nor a derived gauge listed before it`);
      seen.add(d.name);
    }
    this.gauges = [...spec.metrics.filter((m) => m.kind === 'gauge').map((m) => m.name), ...this.derived.map((d) => d.name)];
    this.counters = spec.metrics.filter((m) => m.kind === 'counter').map((m) => m.name);
    this.names = [...this.gauges.flatMap((g) => GAUGE_FEATURES.map((f) => `${g}.${f}`)), ...this.counters.flatMap((c) => COUNTER_FEATURES.map((f) => `${c}.${f}`))];
    this.size = this.names.length;
    this.historyPoints = this.points(HISTORY_MINUTES);
  }

  /** Samples in a span of `minutes` (at least 2). */
  points(minutes: number): number {
    return Math.max(2, Math.round((minutes * MINUTE) / this.stepMs));
  }

  /** Builds the prefix sums of one host (series on the regular grid, NaN where missing). */
  prepare(series: Readonly<Record<string, ArrayLike<number> | undefined>>, length: number): PreparedHistory {
    const all: Record<string, ArrayLike<number> | undefined> = { ...series };
    for (const d of this.derived) all[d.name] = combine(all[d.inputs[0]], all[d.inputs[1]], d.op, length);
    const gaugeSums = this.gauges.map((g) => {
      const v = all[g];
      return v ? new GaugeSums(v, length) : null;
    });
    const counterSums = this.counters.map((c) => {
      const v = series[c];
      return v ? new CounterSums(v, length) : null;
    });
    const p = {
      short: this.points(GAUGE_SPANS.short),
      window: this.points(GAUGE_SPANS.window),
      baseline: this.points(GAUGE_SPANS.baseline),
      counter: COUNTER_SPANS.map((m) => this.points(m)),
      perHour: (60 * MINUTE) / this.stepMs,
      stepMinutes: this.stepMs / MINUTE,
    };
    const gf = GAUGE_FEATURES.length;
    const cf = COUNTER_FEATURES.length;
    const counterBase = this.gauges.length * gf;
    return {
      length,
      featuresAt: (end, out, offset) => {
        if (!(end >= 0 && end < length)) throw new RangeError(`window end ${end} outside 0..${length - 1}`);
        for (let g = 0; g < gaugeSums.length; g++) {
          const o = offset + g * gf;
          const s = gaugeSums[g];
          if (!s) {
            out.fill(NaN, o, o + gf);
            continue;
          }
          const mean30 = s.mean(end, p.window);
          const std30 = s.std(end, p.window);
          const mean6h = s.mean(end, p.baseline);
          const std6h = s.std(end, p.baseline);
          out[o] = s.mean(end, 3);
          const mean5 = s.mean(end, p.short);
          out[o + 1] = mean5;
          out[o + 2] = mean30;
          out[o + 3] = mean6h;
          out[o + 4] = std30;
          out[o + 5] = std6h;
          s.minMax(end, p.window, out, o + 6);
          out[o + 8] = s.slope(end, p.window) * p.perHour;
          out[o + 9] = s.slope(end, p.baseline) * p.perHour;
          // The floor keeps a flat baseline (std 0) from turning any wiggle into an infinite shift.
          const floor = 1e-3 * (Math.abs(mean6h) + 1);
          out[o + 10] = (mean5 - mean6h) / (std6h + floor);
          out[o + 11] = (mean30 - mean6h) / (std6h + floor);
          out[o + 12] = std30 / (std6h + floor);
        }
        for (let c = 0; c < counterSums.length; c++) {
          const o = offset + counterBase + c * cf;
          const s = counterSums[c];
          if (!s) {
            out.fill(NaN, o, o + cf);
            continue;
          }
          for (let k = 0; k < p.counter.length; k++) out[o + k] = s.increase(end, p.counter[k]);
          const inc30 = out[o + 1];
          const inc6h = out[o + 3];
          out[o + p.counter.length] = (inc30 + 0.5) / (inc6h / 12 + 0.5);
          out[o + p.counter.length + 1] = Math.min(HISTORY_MINUTES, s.stepsSinceIncrease(end, this.historyPoints) * p.stepMinutes);
        }
      },
    };
  }

  /** One host, one window: the features of the window ending at the last sample. */
  extractLatest(series: Readonly<Record<string, ArrayLike<number> | undefined>>, length: number, out = new Float64Array(this.size)): Float64Array {
    if (length < 1) throw new MLInputError('history features: no samples');
    this.prepare(series, length).featuresAt(length - 1, out, 0);
    return out;
  }
}

function combine(a: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined, op: DerivedGauge['op'], n: number): Float64Array | undefined {
  if (!a || !b) return undefined;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = op === 'difference' ? a[i] - b[i] : b[i] !== 0 ? a[i] / b[i] : NaN;
  return v;
}

/** Prefix sums of count, Σv, Σv², Σi·v over the finite samples of a gauge (centred to keep the sums exact enough). */
class GaugeSums {
  private readonly n: Float64Array;
  private readonly s: Float64Array;
  private readonly s2: Float64Array;
  private readonly si: Float64Array;
  private readonly si2: Float64Array;
  private readonly sii: Float64Array;
  private readonly v: ArrayLike<number>;
  private readonly centre: number;

  constructor(v: ArrayLike<number>, length: number) {
    this.v = v;
    let first = NaN;
    for (let i = 0; i < length && first !== first; i++) if (Number.isFinite(v[i])) first = v[i];
    this.centre = first === first ? first : 0;
    const L = length + 1;
    this.n = new Float64Array(L);
    this.s = new Float64Array(L);
    this.s2 = new Float64Array(L);
    this.si = new Float64Array(L);
    this.sii = new Float64Array(L);
    this.si2 = new Float64Array(L);
    for (let i = 0; i < length; i++) {
      const x = v[i] - this.centre;
      const ok = Number.isFinite(x);
      this.n[i + 1] = this.n[i] + (ok ? 1 : 0);
      this.s[i + 1] = this.s[i] + (ok ? x : 0);
      this.s2[i + 1] = this.s2[i] + (ok ? x * x : 0);
      this.si[i + 1] = this.si[i] + (ok ? i : 0);
      this.sii[i + 1] = this.sii[i] + (ok ? i * i : 0);
      this.si2[i + 1] = this.si2[i] + (ok ? i * x : 0);
    }
  }

  /** Finite samples in the span ending at `end`, or 0 if too few to trust. */
  private count(end: number, span: number): number {
    const from = Math.max(0, end + 1 - span);
    const c = this.n[end + 1] - this.n[from];
    return c >= Math.max(1, span * MIN_FINITE_SHARE) ? c : 0;
  }

  mean(end: number, span: number): number {
    const c = this.count(end, span);
    if (c === 0) return NaN;
    const from = Math.max(0, end + 1 - span);
    return (this.s[end + 1] - this.s[from]) / c + this.centre;
  }

  std(end: number, span: number): number {
    const c = this.count(end, span);
    if (c < 2) return NaN;
    const from = Math.max(0, end + 1 - span);
    const m = (this.s[end + 1] - this.s[from]) / c;
    const v = (this.s2[end + 1] - this.s2[from]) / c - m * m;
    return Math.sqrt(Math.max(0, (v * c) / (c - 1)));
  }

  slope(end: number, span: number): number {
    const c = this.count(end, span);
    if (c < 3) return NaN;
    const from = Math.max(0, end + 1 - span);
    const sx = this.si[end + 1] - this.si[from];
    const sxx = this.sii[end + 1] - this.sii[from];
    const sy = this.s[end + 1] - this.s[from];
    const sxy = this.si2[end + 1] - this.si2[from];
    const den = c * sxx - sx * sx;
    return den > 0 ? (c * sxy - sx * sy) / den : NaN;
  }

  minMax(end: number, span: number, out: Float64Array, at: number): void {
    if (this.count(end, span) === 0) {
      out[at] = NaN;
      out[at + 1] = NaN;
      return;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = Math.max(0, end + 1 - span); i <= end; i++) {
      const x = this.v[i];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    out[at] = lo;
    out[at + 1] = hi;
  }
}

/**
 * Prefix sums of a cumulative counter's increases: a drop (restart) counts the new value as the
 * increase, as Prometheus' increase() does; a gap carries the last value across.
 */
class CounterSums {
  private readonly inc: Float64Array;
  private readonly seen: Float64Array;

  constructor(v: ArrayLike<number>, length: number) {
    this.inc = new Float64Array(length + 1);
    this.seen = new Float64Array(length + 1);
    let last = NaN;
    for (let i = 0; i < length; i++) {
      const x = v[i];
      let d = 0;
      if (Number.isFinite(x)) {
        if (last === last) d = x >= last ? x - last : x;
        last = x;
      }
      this.inc[i + 1] = this.inc[i] + d;
      this.seen[i + 1] = this.seen[i] + (Number.isFinite(x) ? 1 : 0);
    }
  }

  increase(end: number, span: number): number {
    const from = Math.max(0, end + 1 - span);
    if (this.seen[end + 1] - this.seen[from] === 0) return NaN;
    return this.inc[end + 1] - this.inc[from];
  }

  /** Steps back from `end` to the last sample that increased the counter (capped at `limit`). */
  stepsSinceIncrease(end: number, limit: number): number {
    const total = this.inc[end + 1];
    // inc is non-decreasing: find the first prefix equal to the total by binary search.
    let lo = Math.max(0, end + 1 - limit);
    if (this.inc[lo] === total) return limit;
    let hi = end + 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.inc[mid] === total) hi = mid;
      else lo = mid;
    }
    // Prefix hi is the first to include the last increase, made by sample hi − 1.
    return end - (hi - 1);
  }
}
