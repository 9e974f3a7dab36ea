/**
 * A host's stored series → the regular matrix the multivariate model reads (rows = time steps,
 * columns = metrics). Stored telemetry is irregular: each metric has its own sampling interval
 * and jitter, collectors miss scrapes, hosts go dark. The model needs one row per step, so:
 *
 *  1. The step is the median interval between consecutive samples, pooled over the host's
 *     series (the cadence most samples arrive at), rounded to a whole second and at least
 *     `minStepMs` (10 s): finer grids only add rows of noise and forward-filled copies.
 *  2. Rows start at multiples of the step since the epoch (bucket [t, t + step)), so a grid built
 *     for training and one built later for scoring put the same timestamps on the same rows.
 *  3. A gauge's value in a bucket is the mean of its samples there; a counter's is its rate per
 *     second since the previous bucket with a sample (a decrease is a counter reset: the rate
 *     is the new value over the elapsed time, as Prometheus assumes).
 *  4. An empty bucket takes the metric's previous value when that is at most `fillLimit` steps
 *     old (a missed scrape, or a metric sampled less often than the step). Longer gaps stay
 *     NaN: the model treats NaN as missing (it imputes the training mean, evidence neither way),
 *     where an old value carried forward would be a made-up reading.
 *  5. Unless the caller fixes the columns (scoring on a fitted model's metrics), a metric is
 *     dropped when it has fewer than `minPoints` samples or a value on fewer than `minCoverage`
 *     of the rows after filling (rows between the host's first and last sample of any metric): a metric that is mostly missing would mostly be imputed, and
 *     teach the model that "at its mean" is normal whatever the other metrics do. When more than
 *     `maxMetrics` remain, the best-covered are kept (ties by name).
 *
 * Pure: samples in, matrix out.
 */
import { matrix, type Matrix } from '../../ml/core/matrix.js';

/** One metric's samples, timestamps ascending (epoch ms). */
export interface SeriesSamples {
  metric: string;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
  /** A cumulative counter: aligned as a rate per second instead of a level. */
  counter?: boolean;
}

export interface GridOptions {
  /** The step (ms); by default the median sampling interval (see `samplingStep`). */
  stepMs?: number;
  /** Smallest step chosen from the data (default 10 s). */
  minStepMs: number;
  /** Empty buckets filled with the previous value when it is at most this many steps old (default 5). */
  fillLimit: number;
  /** Share of rows a metric must have a value on, after filling, to be kept (default 0.5). */
  minCoverage: number;
  /** Fewest samples a metric needs to be kept (default 10). */
  minPoints: number;
  /** Most metrics kept, the best-covered first (default 32). */
  maxMetrics: number;
  /** First row: the bucket holding `from` (default: the earliest sample's bucket). */
  from?: number;
  /** End, exclusive: rows start before `to` (default: just after the latest sample). */
  to?: number;
  /**
   * Keep every given metric, in the given order, whatever its coverage (scoring on a fitted
   * model's columns); default false.
   */
  keepAll?: boolean;
  /** Drop leading and trailing rows where no kept metric has a value (default false). */
  trim?: boolean;
}

export const DEFAULT_GRID_OPTIONS: Readonly<GridOptions> = {
  minStepMs: 10_000,
  fillLimit: 5,
  minCoverage: 0.5,
  minPoints: 10,
  maxMetrics: 32,
};

export interface DroppedMetric {
  metric: string;
  reason: string;
}

export interface HostGrid {
  stepMs: number;
  /** Timestamp of row 0 (a multiple of stepMs); row i is the bucket [start + i·step, start + (i+1)·step). */
  start: number;
  /** rows × metrics; NaN = missing. */
  X: Matrix;
  metrics: string[];
  dropped: DroppedMetric[];
}

/** Median of the first n values of v (sorted in place). */
function medianOf(v: Float64Array, n: number): number {
  const s = v.subarray(0, n).sort();
  return n % 2 ? s[(n - 1) >> 1] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/**
 * The median interval between consecutive samples over all the series, rounded to a whole
 * second and at least `minStepMs`; `minStepMs` when no series has two samples.
 */
export function samplingStep(series: readonly SeriesSamples[], minStepMs = DEFAULT_GRID_OPTIONS.minStepMs): number {
  let total = 0;
  for (const s of series) total += Math.max(0, s.timestamps.length - 1);
  const gaps = new Float64Array(total);
  let n = 0;
  for (const s of series) {
    const ts = s.timestamps;
    for (let i = 1; i < ts.length; i++) {
      const d = ts[i] - ts[i - 1];
      if (d > 0) gaps[n++] = d;
    }
  }
  if (n === 0) return minStepMs;
  return Math.max(minStepMs, Math.round(medianOf(gaps, n) / 1000) * 1000);
}

/** One metric on the grid: bucket values (mean or counter rate), NaN where the bucket is empty. */
function bucketise(s: SeriesSamples, start: number, step: number, rows: number, fillLimit: number): Float64Array {
  const sum = new Float64Array(rows);
  const count = new Uint32Array(rows);
  const last = new Float64Array(rows).fill(NaN);
  const ts = s.timestamps;
  const vs = s.values;
  for (let i = 0; i < ts.length; i++) {
    const v = vs[i];
    if (!Number.isFinite(v)) continue;
    const r = Math.floor((ts[i] - start) / step);
    if (r < 0 || r >= rows) continue;
    sum[r] += v;
    count[r]++;
    last[r] = v; // timestamps ascend, so the last write is the bucket's latest value
  }
  const out = new Float64Array(rows).fill(NaN);
  if (!s.counter) {
    for (let r = 0; r < rows; r++) if (count[r] > 0) out[r] = sum[r] / count[r];
    return out;
  }
  // Counter: rate since the previous bucket with a sample, when that is close enough to trust.
  let prev = -1;
  for (let r = 0; r < rows; r++) {
    if (count[r] === 0) continue;
    if (prev >= 0 && r - prev <= fillLimit + 1) {
      const seconds = ((r - prev) * step) / 1000;
      const delta = last[r] - last[prev];
      out[r] = (delta >= 0 ? delta : last[r]) / seconds;
    }
    prev = r;
  }
  return out;
}

/** Fills empty buckets with the previous value when it is at most `limit` rows old. */
function forwardFill(col: Float64Array, limit: number): void {
  let lastRow = -Infinity;
  let lastValue = NaN;
  for (let r = 0; r < col.length; r++) {
    const v = col[r];
    if (v === v) {
      lastRow = r;
      lastValue = v;
    } else if (r - lastRow <= limit) col[r] = lastValue;
  }
}

/** Aligns a host's series on one regular grid (see the module comment). */
export function alignGrid(series: readonly SeriesSamples[], options: Partial<GridOptions> = {}): HostGrid {
  const o: GridOptions = { ...DEFAULT_GRID_OPTIONS, ...options };
  const step = o.stepMs ?? samplingStep(series, o.minStepMs);
  if (!(step > 0 && Number.isFinite(step))) throw new RangeError(`grid step must be a positive number of milliseconds, got ${step}`);
  let first = Infinity;
  let lastTs = -Infinity;
  for (const s of series) {
    if (s.timestamps.length === 0) continue;
    first = Math.min(first, s.timestamps[0]);
    lastTs = Math.max(lastTs, s.timestamps[s.timestamps.length - 1]);
  }
  const from = o.from ?? first;
  const to = o.to ?? lastTs + 1;
  const empty = (dropped: DroppedMetric[] = []): HostGrid => ({ stepMs: step, start: Number.isFinite(from) ? Math.floor(from / step) * step : 0, X: matrix(new Float64Array(0), 0, o.keepAll ? series.length : 0), metrics: o.keepAll ? series.map((s) => s.metric) : [], dropped });
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return empty(o.keepAll ? [] : series.map((s) => ({ metric: s.metric, reason: 'no samples' })));
  const start = Math.floor(from / step) * step;
  const rows = Math.ceil((to - start) / step);

  // Coverage counts the rows between the host's first and last sample: a host that has reported
  // for two days of a seven-day window is not missing the other five, it did not exist.
  const span0 = Math.max(0, Math.floor((first - start) / step));
  const span1 = Math.min(rows, Math.floor((lastTs - start) / step) + 1);
  const spanRows = Math.max(1, span1 - span0);
  const columns: { metric: string; values: Float64Array; coverage: number }[] = [];
  const dropped: DroppedMetric[] = [];
  for (const s of series) {
    const col = bucketise(s, start, step, rows, o.fillLimit);
    forwardFill(col, o.fillLimit);
    let covered = 0;
    for (let r = span0; r < span1; r++) if (col[r] === col[r]) covered++;
    const coverage = covered / spanRows;
    if (!o.keepAll) {
      if (s.timestamps.length < o.minPoints) {
        dropped.push({ metric: s.metric, reason: `${s.timestamps.length} samples, fewer than ${o.minPoints}` });
        continue;
      }
      if (coverage < o.minCoverage) {
        dropped.push({ metric: s.metric, reason: `a value on ${(100 * coverage).toFixed(1)} % of the rows, under ${(100 * o.minCoverage).toFixed(0)} %` });
        continue;
      }
    }
    columns.push({ metric: s.metric, values: col, coverage });
  }
  if (!o.keepAll && columns.length > o.maxMetrics) {
    const ranked = [...columns].sort((a, b) => b.coverage - a.coverage || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
    const kept = new Set(ranked.slice(0, o.maxMetrics));
    for (const c of ranked.slice(o.maxMetrics)) dropped.push({ metric: c.metric, reason: `over the cap of ${o.maxMetrics} metrics (less covered than those kept)` });
    columns.splice(0, columns.length, ...columns.filter((c) => kept.has(c)));
  }

  let r0 = 0;
  let r1 = rows;
  if (o.trim) {
    const hasValue = (r: number) => columns.some((c) => c.values[r] === c.values[r]);
    while (r0 < r1 && !hasValue(r0)) r0++;
    while (r1 > r0 && !hasValue(r1 - 1)) r1--;
  }
  const n = r1 - r0;
  const cols = columns.length;
  const data = new Float64Array(n * cols);
  for (let j = 0; j < cols; j++) {
    const v = columns[j].values;
    for (let r = 0; r < n; r++) data[r * cols + j] = v[r0 + r];
  }
  return { stepMs: step, start: start + r0 * step, X: matrix(data, n, cols), metrics: columns.map((c) => c.metric), dropped };
}

/** Whether row `r` of X has at least one value. */
export function rowHasValue(X: Matrix, r: number): boolean {
  for (let j = 0; j < X.cols; j++) {
    const v = X.data[r * X.cols + j];
    if (v === v) return true;
  }
  return false;
}
