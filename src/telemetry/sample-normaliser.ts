import type { EntityType, SeriesKey } from '../platform/store/index.js';
import { resolveMetric, type ResolvedMetric } from './metric-catalogue.js';
import { parseTimestamp } from './timestamps.js';

export interface RowSample {
  entity_id: string;
  entity_type?: string;
  metric: string;
  timestamp: unknown;
  value: unknown;
  unit?: string;
}

export interface ColumnarSeries {
  entity_id: string;
  entity_type?: string;
  metric: string;
  unit?: string;
  timestamps: unknown[];
  values: unknown[];
}

export interface Rejection {
  /** JSON pointer of the bad sample, e.g. `/samples/12` or `/series/0/values/7`. */
  path: string;
  /** Index of the sample in `samples`, or of the value within its series. */
  index: number;
  /** For columnar input: which series. */
  series?: number;
  reason: string;
}

/** A batch after validation: accepted samples column-wise, each pointing at a distinct series key. */
export interface NormalisedBatch {
  keys: SeriesKey[];
  keyOf: Int32Array;
  timestamps: Float64Array;
  values: Float64Array;
  accepted: number;
  rejected: Rejection[];
  rejectedCount: number;
  percentConverted: number;
  customMetrics: string[];
}

/** At most this many rejections are listed; `rejected_count` still counts all of them. */
export const MAX_LISTED_REJECTIONS = 1000;

function entityTypeOf(raw: string | undefined): EntityType {
  return raw === 'vm' ? 'vm' : 'node';
}

function declaredPercent(unit: string | undefined): boolean | undefined {
  if (unit === undefined) return undefined;
  const u = unit.trim().toLowerCase();
  if (u === 'percent' || u === '%' || u === 'pct') return true;
  if (u === 'fraction' || u === 'ratio') return false;
  return undefined;
}

/**
 * Validates and normalises samples one by one, so a bad sample costs only itself: units are
 * converted to canonical (percent utilisation to fractions), values and timestamps checked,
 * and every rejection reported with its position.
 */
export class BatchNormaliser {
  /** entity → metric → index in `keys`: nested maps avoid building a string per sample. */
  private readonly keyIndex = new Map<string, Map<string, number>>();
  private readonly keys: SeriesKey[] = [];
  private readonly keyOf: Int32Array;
  private readonly ts: Float64Array;
  private readonly vals: Float64Array;
  private n = 0;
  private readonly rejected: Rejection[] = [];
  private rejectedCount = 0;
  private percentConverted = 0;
  private readonly custom = new Set<string>();
  private readonly metricCache = new Map<string, ResolvedMetric | undefined>();
  /** Collectors stamp every metric of a scrape alike: parse each distinct timestamp text once. */
  private lastStamp: unknown = undefined;
  private lastParsed: number | string = 0;

  constructor(capacity: number, private readonly latestMs: number) {
    this.keyOf = new Int32Array(capacity);
    this.ts = new Float64Array(capacity);
    this.vals = new Float64Array(capacity);
  }

  private reject(path: string, index: number, reason: string, series?: number): void {
    this.rejectedCount++;
    if (this.rejected.length < MAX_LISTED_REJECTIONS) this.rejected.push(series === undefined ? { path, index, reason } : { path, index, series, reason });
  }

  private metric(name: string): ResolvedMetric | undefined {
    let r = this.metricCache.get(name);
    if (r === undefined && !this.metricCache.has(name)) {
      r = resolveMetric(name);
      this.metricCache.set(name, r);
      if (r && !r.spec) this.custom.add(r.name);
    }
    return r;
  }

  private key(entityId: string, entityType: EntityType, metric: string): number {
    let byMetric = this.keyIndex.get(entityId);
    if (byMetric === undefined) {
      byMetric = new Map();
      this.keyIndex.set(entityId, byMetric);
    }
    let i = byMetric.get(metric);
    if (i === undefined) {
      i = this.keys.length;
      this.keys.push({ entityId, entityType, metric });
      byMetric.set(metric, i);
    }
    return i;
  }

  private timestamp(raw: unknown): number | string {
    if (raw !== this.lastStamp || typeof raw !== 'string') {
      this.lastParsed = parseTimestamp(raw, this.latestMs);
      this.lastStamp = raw;
    }
    return this.lastParsed;
  }

  /** Checks one value; returns the canonical value or a reason for rejecting it. */
  private value(raw: unknown, metric: ResolvedMetric, percent: boolean | undefined): number | string {
    if (typeof raw !== 'number') {
      if (raw === null) return 'value is null';
      if (typeof raw === 'string' && /^[+-]?(nan|inf|infinity)$/i.test(raw.trim())) return `value is ${raw.trim()}`;
      return 'value must be a number';
    }
    if (Number.isNaN(raw)) return 'value is NaN';
    if (!Number.isFinite(raw)) return 'value is not finite';
    const spec = metric.spec;
    let v = raw * metric.scale;
    if (spec?.unit === 'fraction' && metric.scale === 1) {
      if (percent === true || (percent === undefined && v > 1 && v <= 100)) {
        v /= 100;
        this.percentConverted++;
      }
    }
    if (spec && (v < spec.min || v > spec.max)) {
      return `value ${raw} is outside the range of ${spec.name} [${spec.min}, ${spec.max}] (${spec.unit})`;
    }
    return v;
  }

  private add(keyIdx: number, ts: number, v: number): void {
    this.keyOf[this.n] = keyIdx;
    this.ts[this.n] = ts;
    this.vals[this.n] = v;
    this.n++;
  }

  addRows(rows: RowSample[]): void {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const metric = this.metric(r.metric);
      if (!metric) {
        this.reject(`/samples/${i}/metric`, i, 'metric name must match [A-Za-z_][A-Za-z0-9_.-/]* with an optional :qualifier');
        continue;
      }
      const ts = this.timestamp(r.timestamp);
      if (typeof ts === 'string') {
        this.reject(`/samples/${i}/timestamp`, i, ts);
        continue;
      }
      const v = this.value(r.value, metric, declaredPercent(r.unit));
      if (typeof v === 'string') {
        this.reject(`/samples/${i}/value`, i, v);
        continue;
      }
      this.add(this.key(r.entity_id, entityTypeOf(r.entity_type), metric.name), ts, v);
    }
  }

  addSeries(series: ColumnarSeries[]): void {
    for (let j = 0; j < series.length; j++) {
      const s = series[j];
      const metric = this.metric(s.metric);
      const count = Math.max(s.timestamps.length, s.values.length);
      if (!metric) {
        for (let i = 0; i < count; i++) this.reject(`/series/${j}/metric`, i, 'metric name must match [A-Za-z_][A-Za-z0-9_.-/]* with an optional :qualifier', j);
        continue;
      }
      const keyIdx = this.key(s.entity_id, entityTypeOf(s.entity_type), metric.name);
      const percent = declaredPercent(s.unit);
      for (let i = 0; i < count; i++) {
        if (i >= s.timestamps.length || i >= s.values.length) {
          this.reject(`/series/${j}/${i >= s.values.length ? 'values' : 'timestamps'}/${i}`, i, 'timestamps and values have different lengths', j);
          continue;
        }
        const ts = this.timestamp(s.timestamps[i]);
        if (typeof ts === 'string') {
          this.reject(`/series/${j}/timestamps/${i}`, i, ts, j);
          continue;
        }
        const v = this.value(s.values[i], metric, percent);
        if (typeof v === 'string') {
          this.reject(`/series/${j}/values/${i}`, i, v, j);
          continue;
        }
        this.add(keyIdx, ts, v);
      }
    }
  }

  result(): NormalisedBatch {
    return {
      keys: this.keys,
      keyOf: this.keyOf.subarray(0, this.n),
      timestamps: this.ts.subarray(0, this.n),
      values: this.vals.subarray(0, this.n),
      accepted: this.n,
      rejected: this.rejected,
      rejectedCount: this.rejectedCount,
      percentConverted: this.percentConverted,
      customMetrics: [...this.custom].slice(0, 50),
    };
  }
}
