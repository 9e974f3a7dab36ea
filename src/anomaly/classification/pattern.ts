/**
 * The shape of an anomaly, read from the recent window of one metric and (optionally) the value the
 * detector expected: a spike or dip (a few points far out), a level shift (the level moved and
 * stayed), a trend (a steady climb or fall), or a variance change (the same level, but far more or
 * far less erratic).
 *
 * Everything is robust statistics on a short window, evaluated once per anomaly:
 *
 * 1. **Spike / dip.** With the window's median and robust σ (1.4826·MAD), the most extreme point
 *    lies beyond `outlierZ` σ, its excursion (neighbours on the same side beyond `outlierZ`/2) is at
 *    most `spikeMaxPoints` long, and outside it few points (≤ max(2, 5 % of n)) lie beyond
 *    max(2.5 σ, a third of the excursion) — so a variance change, which throws many large points,
 *    is not mistaken for a spike. Up is a spike, down a dip.
 * 2. **Change point.** The single split that best separates the window into two levels (largest
 *    between-segment sum of squares; O(n) with prefix sums), with at least `minSegment` points
 *    before it. "Before" and "after" are then summarised by median and robust σ.
 * 3. **Trend.** A Theil–Sen line explains the window (or the part after the change point) much
 *    better than two flat levels do (line residual σ ≤ 0.7 × step residual σ) and its rise over the
 *    span is at least `trendZ` residual σ. Checked before the level shift because a ramp also moves
 *    the median.
 * 4. **Level shift.** |median after − median before| ≥ `shiftZ` × the larger of the two segments' σ
 *    and the after segment is longer than a spike.
 * 5. **Variance change.** The split that best separates two variances (Gaussian likelihood ratio,
 *    each side ≥ `minSegment` points) has a σ ratio ≥ `varianceRatio` (or ≤ its inverse).
 * 6. **Displaced window.** When `expected` is given and the whole window sits ≥ `shiftZ` σ (and
 *    ≥ 5 %) away from it, the shift began before the window: a level shift that started earlier.
 * 7. Otherwise the latest value against the expected one (or the window's median) decides spike or
 *    dip, with low confidence.
 *
 * `confidence` is a heuristic in [0.25, 1]: 0.5 exactly at a rule's threshold, approaching 1 as the
 * statistic grows past it. It ranks explanations; it is not a probability.
 */
import { median, robustScale, theilSen } from './robust-stats.js';

export type AnomalyPattern = 'spike' | 'dip' | 'level_shift' | 'trend' | 'variance_change';

export const ANOMALY_PATTERNS: readonly AnomalyPattern[] = ['spike', 'dip', 'level_shift', 'trend', 'variance_change'];

export type PatternDirection = 'up' | 'down';

export interface PatternWindow {
  values: ArrayLike<number>;
  /** Epoch milliseconds, ascending, one per value. Without them positions are used and durations are unknown. */
  timestamps?: ArrayLike<number>;
}

export interface PatternOptions {
  /** The value the detector expected at the latest point (its baseline). */
  expected?: number;
  /** Most points an excursion may have to count as a spike or dip (default 3). */
  spikeMaxPoints?: number;
  /** Fewer finite points than this: only the latest value is compared (default 6). */
  minPoints?: number;
  /** Robust z beyond which a point is an outlier for spike detection (default 4). */
  outlierZ?: number;
  /** Robust z of the before/after medians for a level shift (default 3). */
  shiftZ?: number;
  /** Rise of a trend line over its span, in residual σ (default 3). */
  trendZ?: number;
  /** σ ratio for a variance change (default 2.5; its inverse for a drop). */
  varianceRatio?: number;
  /** Fewest points on each side of a variance split or in a partial trend (default 5). */
  minSegment?: number;
}

export interface PatternResult {
  pattern: AnomalyPattern;
  /** Up for spikes, rises, climbs and growing variance; down for the opposite. */
  direction: PatternDirection;
  /** Heuristic strength of the evidence in [0.25, 1] (see the module comment). */
  confidence: number;
  /** Index (in the window after dropping non-finite values) where the anomalous behaviour starts. */
  startIndex: number;
  /** True when the shift began before the window's first point. */
  startedBeforeWindow: boolean;
  /** Timestamp of `startIndex`, when timestamps were given. */
  startTime?: number;
  /** Points from the start to the latest point (for a spike: the excursion's length). */
  durationPoints: number;
  /** Milliseconds from the start to the latest point (for a spike: first to last outlier). */
  durationMs?: number;
  /** Level before the anomaly: the expected value when given, else the robust level before it. */
  baseline: number;
  /** Level now: a spike's extreme value, the median after a shift, a trend line's latest value, the latest value otherwise. */
  level: number;
  /** (level after − level before) in robust σ; 0 when not computed. */
  shiftZ: number;
  /** σ after / σ before across the chosen split; 1 when not computed. */
  varianceRatio: number;
  /** Theil–Sen slope: per second with timestamps, per point without; 0 when not computed. */
  slope: number;
  /** One sentence on why this pattern was chosen. */
  reason: string;
}

const DEFAULTS = {
  spikeMaxPoints: 3,
  minPoints: 6,
  outlierZ: 4,
  shiftZ: 3,
  trendZ: 3,
  varianceRatio: 2.5,
  minSegment: 5,
};

function margin(stat: number, threshold: number): number {
  const s = Math.abs(stat);
  if (!(s > 0) || !Number.isFinite(s)) return s === Number.POSITIVE_INFINITY ? 1 : 0.5;
  return Math.min(1, Math.max(0.5, 0.5 + 0.5 * (1 - threshold / s)));
}

function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Finite values (with their timestamps), sorted by time when timestamps were given out of order. */
function clean(window: PatternWindow): { x: Float64Array; ts?: Float64Array } {
  const n = window.values.length;
  const hasTs = window.timestamps !== undefined && window.timestamps.length === n;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(window.values[i])) continue;
    if (hasTs && !Number.isFinite(window.timestamps![i])) continue;
    idx.push(i);
  }
  if (hasTs) {
    let sorted = true;
    for (let j = 1; j < idx.length; j++) if (window.timestamps![idx[j]] < window.timestamps![idx[j - 1]]) sorted = false;
    if (!sorted) idx.sort((a, b) => window.timestamps![a] - window.timestamps![b] || a - b);
  }
  const x = new Float64Array(idx.length);
  for (let j = 0; j < idx.length; j++) x[j] = window.values[idx[j]];
  if (!hasTs) return { x };
  const ts = new Float64Array(idx.length);
  for (let j = 0; j < idx.length; j++) ts[j] = window.timestamps![idx[j]];
  return { x, ts };
}

/** Split k (after = [k, n)) with the largest between-segment sum of squares, k ∈ [minBefore, n − 1]. */
function meanChangePoint(x: Float64Array, minBefore: number): number {
  const n = x.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += x[i];
  let left = 0;
  let best = -1;
  let bestK = Math.max(minBefore, 1);
  for (let k = 1; k < n; k++) {
    left += x[k - 1];
    if (k < minBefore) continue;
    const right = total - left;
    const gain = (left * left) / k + (right * right) / (n - k);
    if (gain > best + 1e-12 * Math.abs(best)) {
      best = gain;
      bestK = k;
    }
  }
  return bestK;
}

/** Split with the largest Gaussian likelihood ratio for a change of variance of `d`, each side ≥ m. */
function varianceChangePoint(d: Float64Array, m: number): number {
  const n = d.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += d[i] * d[i];
  const floor = Math.max(1e-300, (total / n) * 1e-12);
  let left = 0;
  let bestK = -1;
  let best = Number.POSITIVE_INFINITY;
  for (let k = 1; k < n; k++) {
    left += d[k - 1] * d[k - 1];
    if (k < m || n - k < m) continue;
    const v1 = Math.max(left / k, floor);
    const v2 = Math.max((total - left) / (n - k), floor);
    const cost = k * Math.log(v1) + (n - k) * Math.log(v2);
    if (cost < best) {
      best = cost;
      bestK = k;
    }
  }
  return bestK;
}

/** Classifies the shape of the anomaly in `window` (see the module comment for the rules). */
export function classifyPattern(window: PatternWindow, options: PatternOptions = {}): PatternResult {
  const o = { ...DEFAULTS, ...options };
  const expected = options.expected !== undefined && Number.isFinite(options.expected) ? options.expected : undefined;
  const { x, ts } = clean(window);
  const n = x.length;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = ts ? (ts[i] - ts[0]) / 1000 : i;
  const span = (from: number, to: number): number | undefined => (ts && n > 0 ? ts[to] - ts[from] : undefined);

  const base = (pattern: AnomalyPattern, direction: PatternDirection, fields: Partial<PatternResult> & { startIndex: number; confidence: number; reason: string; baseline: number; level: number }): PatternResult => {
    const startIndex = Math.max(0, Math.min(fields.startIndex, Math.max(0, n - 1)));
    const endIndex = fields.durationPoints !== undefined ? Math.min(n - 1, startIndex + fields.durationPoints - 1) : n - 1;
    return {
      pattern,
      direction,
      confidence: round(Math.max(0.25, Math.min(1, fields.confidence))),
      startIndex,
      startedBeforeWindow: fields.startedBeforeWindow ?? false,
      startTime: ts && n > 0 ? ts[startIndex] : undefined,
      durationPoints: n === 0 ? 0 : endIndex - startIndex + 1,
      durationMs: n > 0 ? span(startIndex, endIndex) : undefined,
      baseline: fields.baseline,
      level: fields.level,
      shiftZ: round(fields.shiftZ ?? 0),
      varianceRatio: round(fields.varianceRatio ?? 1),
      slope: fields.slope ?? 0,
      reason: fields.reason,
    };
  };

  // 7 (early). Too few points for shape: the latest value against the expected one.
  if (n < o.minPoints) {
    const last = n > 0 ? x[n - 1] : (expected ?? 0);
    const ref = expected ?? (n > 1 ? median(x, 0, n - 1) : last);
    const dir: PatternDirection = last < ref ? 'down' : 'up';
    return base(dir === 'down' ? 'dip' : 'spike', dir, {
      startIndex: Math.max(0, n - 1),
      confidence: 0.25,
      baseline: ref,
      level: last,
      reason: `only ${n} point${n === 1 ? '' : 's'}: the latest value is ${dir === 'down' ? 'below' : 'above'} the ${expected !== undefined ? 'expected value' : 'earlier median'}`,
    });
  }

  const med = median(x);
  const sigma = robustScale(x);

  // 1. Spike or dip: one short excursion far out, and hardly any other unusual point.
  const z = new Float64Array(n);
  let extreme = 0;
  for (let i = 0; i < n; i++) {
    z[i] = (x[i] - med) / sigma;
    if (Math.abs(z[i]) > Math.abs(z[extreme])) extreme = i;
  }
  if (Math.abs(z[extreme]) > o.outlierZ) {
    // The excursion: the extreme point and its neighbours on the same side beyond outlierZ / 2.
    const sign = Math.sign(z[extreme]);
    let first = extreme;
    let last = extreme;
    while (first > 0 && z[first - 1] * sign > o.outlierZ / 2) first--;
    while (last < n - 1 && z[last + 1] * sign > o.outlierZ / 2) last++;
    // Other unusual points, judged relative to the excursion: a 17 σ spike is not undone by a few
    // 3 σ points (MAD under-estimates σ on short windows), a variance change throws many of them.
    const bar = Math.max(2.5, Math.abs(z[extreme]) / 3);
    let others = 0;
    for (let i = 0; i < n; i++) if ((i < first || i > last) && Math.abs(z[i]) > bar) others++;
    if (last - first + 1 <= o.spikeMaxPoints && others <= Math.max(2, Math.ceil(0.05 * n))) {
      const dir: PatternDirection = sign < 0 ? 'down' : 'up';
      const count = last - first + 1;
      return base(dir === 'down' ? 'dip' : 'spike', dir, {
        startIndex: first,
        durationPoints: count,
        confidence: margin(z[extreme], o.outlierZ),
        baseline: expected ?? med,
        level: x[extreme],
        shiftZ: z[extreme],
        reason: `${count} point${count === 1 ? '' : 's'} up to ${Math.abs(z[extreme]).toFixed(1)} σ ${dir === 'down' ? 'below' : 'above'} the window's median, the rest near it`,
      });
    }
  }

  // 2. The best single change of level.
  const k = meanChangePoint(x, Math.min(o.minSegment, n - 1));
  const medB = median(x, 0, k);
  const medA = median(x, k, n);
  const sB = robustScale(x, 0, k);
  const sA = robustScale(x, k, n);
  const shiftScale = Math.max(sB, sA);
  const shiftZ = (medA - medB) / shiftScale;

  // 3. Trend over the whole window, then over the part after the change point.
  {
    const line = theilSen(t, x);
    const r = new Float64Array(n);
    const stepR = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      r[i] = x[i] - (line.intercept + line.slope * t[i]);
      stepR[i] = x[i] - (i < k ? medB : medA);
    }
    const sL = robustScale(r);
    const sS = robustScale(stepR);
    const rise = line.slope * (t[n - 1] - t[0]);
    const riseZ = rise / Math.max(sL, 1e-12 * Math.max(1, Math.abs(med)));
    if (Math.abs(riseZ) >= o.trendZ && sL <= 0.7 * sS) {
      const dir: PatternDirection = rise < 0 ? 'down' : 'up';
      return base('trend', dir, {
        startIndex: 0,
        confidence: Math.min(margin(riseZ, o.trendZ), margin(sS / Math.max(sL, 1e-300), 1 / 0.7)),
        baseline: expected ?? line.intercept + line.slope * t[0],
        level: line.intercept + line.slope * t[n - 1],
        shiftZ: riseZ,
        slope: line.slope,
        reason: `a steady ${dir === 'up' ? 'climb' : 'fall'} across the window (Theil–Sen rise ${Math.abs(riseZ).toFixed(1)} σ; a line fits ${(sS / Math.max(sL, 1e-300)).toFixed(1)}× better than two levels)`,
      });
    }
  }
  if (n - k >= o.minSegment) {
    const line = theilSen(t, x, k, n);
    const r = new Float64Array(n - k);
    for (let i = k; i < n; i++) r[i - k] = x[i] - (line.intercept + line.slope * t[i]);
    const sLA = robustScale(r);
    const rise = line.slope * (t[n - 1] - t[k]);
    const riseZ = rise / Math.max(sLA, sB);
    if (Math.abs(riseZ) >= o.trendZ && sLA <= 0.5 * sA) {
      const dir: PatternDirection = rise < 0 ? 'down' : 'up';
      // Where the line leaves the earlier level: the trend's start.
      let start = k;
      if (line.slope !== 0) {
        const tStart = (medB - line.intercept) / line.slope;
        for (let i = 0; i <= k; i++) {
          if (t[i] >= tStart) {
            start = i;
            break;
          }
        }
      }
      return base('trend', dir, {
        startIndex: start,
        confidence: Math.min(margin(riseZ, o.trendZ), margin(sA / Math.max(sLA, 1e-300), 2)),
        baseline: expected ?? medB,
        level: line.intercept + line.slope * t[n - 1],
        shiftZ: riseZ,
        slope: line.slope,
        reason: `a steady ${dir === 'up' ? 'climb' : 'fall'} over the last ${n - start} points (Theil–Sen rise ${Math.abs(riseZ).toFixed(1)} σ)`,
      });
    }
  }

  // 4. Level shift inside the window.
  if (Math.abs(shiftZ) >= o.shiftZ && n - k > o.spikeMaxPoints) {
    const dir: PatternDirection = shiftZ < 0 ? 'down' : 'up';
    return base('level_shift', dir, {
      startIndex: k,
      confidence: margin(shiftZ, o.shiftZ),
      baseline: expected ?? medB,
      level: medA,
      shiftZ,
      varianceRatio: sA / sB,
      reason: `the level moved from ≈ ${medB.toPrecision(3)} to ≈ ${medA.toPrecision(3)} (${Math.abs(shiftZ).toFixed(1)} σ) and stayed for ${n - k} points`,
    });
  }

  // 5. Variance change around a steady level.
  {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = x[i] - med;
    const kv = varianceChangePoint(d, o.minSegment);
    if (kv > 0) {
      const vB = robustScale(x, 0, kv);
      const vA = robustScale(x, kv, n);
      const ratio = vA / vB;
      if (ratio >= o.varianceRatio || ratio <= 1 / o.varianceRatio) {
        const dir: PatternDirection = ratio < 1 ? 'down' : 'up';
        return base('variance_change', dir, {
          startIndex: kv,
          confidence: margin(ratio >= 1 ? ratio : 1 / ratio, o.varianceRatio),
          baseline: expected ?? median(x, 0, kv),
          level: x[n - 1],
          varianceRatio: ratio,
          reason: `the level held but the spread ${dir === 'up' ? 'grew' : 'shrank'} ${(ratio >= 1 ? ratio : 1 / ratio).toFixed(1)}× for the last ${n - kv} points`,
        });
      }
    }
  }

  // 6. The whole window is displaced from the expected value: the shift began before the window.
  if (expected !== undefined) {
    const diff = med - expected;
    const z = diff / sigma;
    if (Math.abs(z) >= o.shiftZ && Math.abs(diff) >= 0.05 * Math.abs(expected)) {
      const dir: PatternDirection = diff < 0 ? 'down' : 'up';
      return base('level_shift', dir, {
        startIndex: 0,
        startedBeforeWindow: true,
        confidence: margin(z, o.shiftZ),
        baseline: expected,
        level: med,
        shiftZ: z,
        reason: `the whole window sits ${Math.abs(z).toFixed(1)} σ ${dir === 'up' ? 'above' : 'below'} the expected value: the shift began before it`,
      });
    }
  }

  // 7. No clear shape: the latest value against the reference.
  const ref = expected ?? medB;
  const lastValue = x[n - 1];
  const dir: PatternDirection = lastValue < ref ? 'down' : 'up';
  return base(dir === 'down' ? 'dip' : 'spike', dir, {
    startIndex: n - 1,
    confidence: 0.25,
    baseline: ref,
    level: lastValue,
    reason: `no clear shape in the window; the latest value is ${dir === 'down' ? 'below' : 'above'} the ${expected !== undefined ? 'expected value' : 'earlier level'}`,
  });
}
