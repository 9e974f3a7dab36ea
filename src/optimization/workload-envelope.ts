/**
 * NovaCron's `workload_pattern_recognition/analyze_patterns` envelope pair (alias `workload/analyze`,
 * contract §2A), plus the wire helpers the `/analyze/workload` route shares with it: metric names,
 * percent-or-fraction scaling, and the Go-safe rendering of an analysis.
 *
 * Request `data`: `{workload_id, time_range:{start,end}, metric_types:[str], data_points:[{timestamp
 * (RFC 3339 with a zone, nanoseconds allowed, or epoch), value, metadata?:{}}], utc_offset_minutes?}`.
 * `value` is the first metric of `metric_types` (cpu when absent); `metadata` may carry the other
 * metrics by name, in either spelling (`memory` or `memory_usage`; see METRIC_ALIASES); other
 * metadata keys are ignored. `time_range` is informational: the points sent are what is analysed.
 *
 * Units: a metric whose values all lie in [0, 1] is read as fractions; one with any value above 1
 * as percent (÷ 100). A series of percentages all at or under 1 % is therefore read as fractions:
 * the wire cannot tell them apart. Values above 100 or below 0 are refused for the primary metric
 * and make another metric be left out (with a note).
 *
 * Response `data` is safe for Go's encoding/json: times are RFC 3339 with `Z`,
 * `seasonality.period` is a time.Duration, an integer number of nanoseconds (the period in whole
 * ms × 10⁶; exact as a JSON number for any period under ≈ 18 years, and below 2⁵³ ns ≈ 104 days a
 * safe integer), arrays are never null, no number is NaN. With too little history (fewer than 12
 * points or under an hour) the answer is `success:false` with an "insufficient data: …" error.
 */
import { EnvelopeError, type EnvelopeRegistry } from '../platform/envelope.js';
import { parseTimestamp } from '../telemetry/index.js';
import { VERSION } from '../version.js';
import { WORKLOAD_METRICS, type WorkloadMetric } from './workload-features.js';
import { analyzeWorkload, InsufficientWorkloadDataError, periodName, type WorkloadAnalysis } from './workload-patterns.js';

/** Most data points one analysis may hold (the same limit as anomaly_detection's MAX_SERIES_POINTS). */
export const MAX_WORKLOAD_POINTS = 100_000;
/** The id answers name as their model: rule-based, no trained state. */
export const WORKLOAD_MODEL_ID = `workload-pattern-rules-${VERSION}`;

/** Wire spellings of each metric (lower-cased, trimmed). */
export const METRIC_ALIASES: Record<WorkloadMetric, readonly string[]> = {
  cpu: ['cpu', 'cpu_usage', 'cpu_utilization', 'cpu_util', 'cpu_percent'],
  memory: ['memory', 'mem', 'memory_usage', 'memory_utilization', 'mem_usage', 'memory_percent'],
  io: ['io', 'io_usage', 'disk', 'disk_usage', 'disk_io', 'disk_utilization', 'io_utilization', 'storage'],
  network: ['network', 'net', 'network_usage', 'network_utilization', 'net_usage', 'bandwidth'],
};

const ALIAS_TO_METRIC = new Map<string, WorkloadMetric>(WORKLOAD_METRICS.flatMap((m) => METRIC_ALIASES[m].map((a) => [a, m] as const)));

/** The metric a wire name means, or undefined. */
export function metricFromName(name: string): WorkloadMetric | undefined {
  return ALIAS_TO_METRIC.get(name.trim().toLowerCase());
}

export type ScaleResult = { ok: true; percent: boolean } | { ok: false; reason: string };

/**
 * Scales one metric's values to fractions in place: all within [0, 1] → fractions as they are;
 * any value in (1, 100] → percent, ÷ 100. NaN (missing) is left alone. Refuses values below 0
 * or above 100.
 */
export function scaleToFractions(values: Float64Array): ScaleResult {
  let max = -Infinity;
  let min = Infinity;
  for (const v of values) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (min < 0) return { ok: false, reason: `has a negative value (${min}); utilisation is a fraction 0–1 or a percent 0–100` };
  if (max > 100) return { ok: false, reason: `has a value above 100 (${max}); utilisation is a fraction 0–1 or a percent 0–100` };
  if (max > 1) {
    for (let i = 0; i < values.length; i++) values[i] /= 100;
    return { ok: true, percent: true };
  }
  return { ok: true, percent: false };
}

const finiteOrNull = (x: number | null | undefined, digits = 4): number | null => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
const iso = (ms: number) => new Date(ms).toISOString();
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** A period in ms as Go's time.Duration: whole nanoseconds. */
export function durationNs(ms: number): number {
  return Math.round(ms) * 1_000_000;
}

/** §2A seasonality, Go-safe. */
export function seasonalityWire(a: WorkloadAnalysis) {
  const s = a.seasonality;
  return {
    has_seasonality: s.hasSeasonality,
    period: durationNs(s.periodMs),
    period_seconds: Math.round(s.periodMs / 1000),
    period_name: s.hasSeasonality ? periodName(s.periodMs) : '',
    strength: finiteOrNull(s.strength) ?? 0,
    components: [...s.components],
    peak_times: s.peakTimesMs.map(iso),
    low_times: s.lowTimesMs.map(iso),
    metric: s.metric,
  };
}

/** §2A patterns, Go-safe. */
export function patternsWire(a: WorkloadAnalysis) {
  return a.patterns.map((p) => ({
    type: p.type,
    start_time: iso(p.startMs),
    end_time: iso(p.endMs),
    intensity: finiteOrNull(p.intensity) ?? 0,
    frequency: p.frequency,
    confidence: finiteOrNull(p.confidence) ?? 0,
    description: p.description,
    metric: p.metric,
  }));
}

/**
 * A flat map of the features behind the answer (§1B `characteristics`): per metric mean, CoV,
 * p95, peak/mean, burst share, duty (on share) and share of the load; for the primary metric the
 * daily and weekly strengths, peak and low windows, peak and low hours (comma-separated), day/night and weekend ratios, trend per day.
 * A feature the history cannot support is null.
 */
export function workloadCharacteristics(a: WorkloadAnalysis): Record<string, number | string | null> {
  const f = a.features;
  const out: Record<string, number | string | null> = {};
  for (const m of WORKLOAD_METRICS) {
    const x = f.metrics[m];
    if (!x) continue;
    out[`${m}_mean`] = finiteOrNull(x.mean);
    out[`${m}_cov`] = finiteOrNull(x.cov);
    out[`${m}_p95`] = finiteOrNull(x.p95);
    out[`${m}_peak_to_mean`] = finiteOrNull(x.peakToMean);
    out[`${m}_burst_share`] = finiteOrNull(x.burstShare);
    out[`${m}_duty_cycle`] = x.duty ? finiteOrNull(x.duty.onShare) : null;
    out[`${m}_share`] = finiteOrNull(f.shares[m]);
  }
  const p = f.metrics[a.primary]!;
  const zone = f.utcOffsetMinutes === 0 ? 'UTC' : `UTC${f.utcOffsetMinutes < 0 ? '-' : '+'}${Math.abs(f.utcOffsetMinutes)}min`;
  out.primary_metric = a.primary;
  out.daily_seasonal_strength = finiteOrNull(p.seasonality?.dayStrength);
  out.weekly_seasonal_strength = finiteOrNull(p.seasonality?.weekStrength);
  out.peak_window = p.daily ? `${hh(p.daily.peak.startHour)}-${hh(p.daily.peak.endHour)} ${zone}` : null;
  out.peak_to_daily_mean = p.daily ? finiteOrNull(p.daily.peak.ratio) : null;
  out.low_window = p.daily ? `${hh(p.daily.low.startHour)}-${hh(p.daily.low.endHour)} ${zone}` : null;
  out.low_to_daily_mean = p.daily ? finiteOrNull(p.daily.low.ratio) : null;
  out.peak_hours = p.daily && p.daily.peakHours.length ? p.daily.peakHours.join(',') : null;
  out.low_hours = p.daily && p.daily.lowHours.length ? p.daily.lowHours.join(',') : null;
  out.day_night_ratio = finiteOrNull(p.daily?.dayNightRatio);
  out.weekend_ratio = finiteOrNull(p.weekendRatio);
  out.trend_per_day = finiteOrNull(p.trend?.slopePerDay);
  out.trend_relative_per_day = finiteOrNull(p.trend?.relativePerDay);
  out.trend_tau = finiteOrNull(p.trend?.tau);
  out.history_hours = finiteOrNull(f.spanMs / 3_600_000, 2);
  out.step_seconds = finiteOrNull(f.stepMs / 1000, 3);
  out.coverage = finiteOrNull(a.dataQuality.coverage);
  return out;
}

export function dataQualityWire(a: WorkloadAnalysis) {
  const q = a.dataQuality;
  return { points: q.points, observed: q.observed, grid_steps: q.steps, step_seconds: q.stepMs / 1000, span_seconds: q.spanMs / 1000, coverage: q.coverage, data_factor: q.dataFactor };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface ParsedRequest {
  workloadId: string;
  primary: WorkloadMetric;
  timestamps: Float64Array;
  metrics: Partial<Record<WorkloadMetric, Float64Array>>;
  utcOffsetMinutes: number;
  notes: string[];
}

/** Maps the §2A request `data` to the analysis input; EnvelopeError (→ success:false) on anything malformed. */
export function parseWorkloadRequest(d: Record<string, unknown>, now = Date.now()): ParsedRequest {
  if (d.workload_id !== undefined && d.workload_id !== null && typeof d.workload_id !== 'string') throw new EnvelopeError('data.workload_id must be a string');
  const workloadId = typeof d.workload_id === 'string' ? d.workload_id : '';
  if (d.metric_types !== undefined && d.metric_types !== null && !(Array.isArray(d.metric_types) && d.metric_types.every((x) => typeof x === 'string'))) {
    throw new EnvelopeError('data.metric_types must be an array of metric names (cpu, memory, io, network) or null');
  }
  const types = (d.metric_types as string[] | undefined | null) ?? [];
  let primary: WorkloadMetric = 'cpu';
  if (types.length > 0) {
    const m = metricFromName(types[0]);
    if (!m) throw new EnvelopeError(`data.metric_types[0] "${types[0]}" is not a known metric: use cpu, memory, io (disk) or network`);
    primary = m;
  }
  let utcOffsetMinutes = 0;
  if (d.utc_offset_minutes !== undefined && d.utc_offset_minutes !== null) {
    if (!(Number.isInteger(d.utc_offset_minutes) && Math.abs(d.utc_offset_minutes as number) <= 840)) throw new EnvelopeError('data.utc_offset_minutes must be an integer within ±840');
    utcOffsetMinutes = d.utc_offset_minutes as number;
  }
  const raw = d.data_points;
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) throw new EnvelopeError('data.data_points must be an array of {timestamp, value, metadata?} or null');
  const points = (raw as unknown[] | undefined | null) ?? [];
  if (points.length > MAX_WORKLOAD_POINTS) throw new EnvelopeError(`data.data_points holds ${points.length} points; the limit is ${MAX_WORKLOAD_POINTS}`);
  const n = points.length;
  const timestamps = new Float64Array(n);
  const metrics: Partial<Record<WorkloadMetric, Float64Array>> = { [primary]: new Float64Array(n).fill(NaN) };
  for (let i = 0; i < n; i++) {
    const p = points[i];
    if (!isObject(p)) throw new EnvelopeError(`data.data_points[${i}] must be an object`);
    const ts = parseTimestamp(p.timestamp, now + 86_400_000);
    if (typeof ts === 'string') throw new EnvelopeError(`data.data_points[${i}].timestamp: ${ts}`);
    timestamps[i] = ts;
    if (p.value !== undefined && p.value !== null) {
      if (typeof p.value !== 'number' || !Number.isFinite(p.value)) throw new EnvelopeError(`data.data_points[${i}].value must be a finite number`);
      metrics[primary]![i] = p.value;
    }
    if (p.metadata === undefined || p.metadata === null) continue;
    if (!isObject(p.metadata)) throw new EnvelopeError(`data.data_points[${i}].metadata must be an object`);
    for (const [k, v] of Object.entries(p.metadata)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue; // labels and ids, not metrics
      const m = metricFromName(k);
      if (!m || m === primary) continue; // `value` is the primary metric
      let arr = metrics[m];
      if (!arr) metrics[m] = arr = new Float64Array(n).fill(NaN);
      arr[i] = v;
    }
  }
  const notes: string[] = [];
  for (const m of WORKLOAD_METRICS) {
    const arr = metrics[m];
    if (!arr) continue;
    const r = scaleToFractions(arr);
    if (!r.ok) {
      if (m === primary) throw new EnvelopeError(`data.data_points[].value (${m}) ${r.reason}`);
      delete metrics[m];
      notes.push(`metadata ${m} ${r.reason}: left out`);
    } else if (r.percent) notes.push(`${m} read as percent (values above 1)`);
  }
  return { workloadId, primary, timestamps, metrics, utcOffsetMinutes, notes };
}

/** Registers `workload_pattern_recognition/analyze_patterns` (alias `workload/analyze`). */
export function registerWorkloadEnvelope(envelope: EnvelopeRegistry): void {
  envelope.register(
    'workload_pattern_recognition',
    'analyze_patterns',
    async (req) => {
      const parsed = parseWorkloadRequest(req.data);
      let a: WorkloadAnalysis;
      try {
        a = analyzeWorkload({ timestamps: parsed.timestamps, metrics: parsed.metrics, utcOffsetMinutes: parsed.utcOffsetMinutes }, { primary: parsed.primary });
      } catch (err) {
        if (err instanceof InsufficientWorkloadDataError) throw new EnvelopeError(err.message);
        throw err;
      }
      return {
        data: {
          workload_id: parsed.workloadId,
          patterns: patternsWire(a),
          classification: a.classification,
          seasonality: seasonalityWire(a),
          recommendations: [...a.recommendations],
          confidence: a.confidence,
          classification_scores: { ...a.scores },
          reasons: [...a.reasons],
          characteristics: workloadCharacteristics(a),
          data_quality: dataQualityWire(a),
          notes: [...parsed.notes, ...a.notes],
          model_version: WORKLOAD_MODEL_ID,
        },
        confidence: a.confidence,
        modelVersion: WORKLOAD_MODEL_ID,
      };
    },
    { role: 'operator', aliases: [['workload', 'analyze']] },
  );
}
