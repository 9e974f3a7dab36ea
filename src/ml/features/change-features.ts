/**
 * Where the window ends up relative to where it has been: the last value against the window's
 * level and spread, the most recent points against the rest, the size and the recency of the
 * biggest jumps, and whether the window's second half differs from its first (CUSUM). Positions
 * are counted back from the end of the window ("steps since"), so recency reads the same for any
 * window length. Ratios are guarded: a zero denominator never produces ±Infinity (see RATIO_CAP).
 */
import { defineGroup } from './feature-group.js';
import type { WindowWorkspace } from './window-workspace.js';

/** Largest magnitude a guarded ratio takes; a nonzero numerator over a zero denominator gives ±RATIO_CAP. */
export const RATIO_CAP = 1e6;
export const RATIO_CAP_TEXT = '1e6';

export const CHANGE = defineGroup('change', [
  ['last_value', 'The last point (metric units).'],
  ['last_minus_mean', 'Last point − window mean (metric units).'],
  ['last_zscore', '(last − mean) / std (standard deviations): how unusual the current value is for this window; 0 for a constant window.'],
  ['last_mads_from_median', '(last − median) / MAD (median absolute deviations): the same, robust to spikes earlier in the window; falls back to the mean absolute deviation from the median when MAD is 0; 0 when every point equals the median.'],
  ['last5_minus_rest_mean', 'Mean of the last 5 points − mean of the points before them (metric units): a recent level shift.'],
  ['last5_minus_rest_z', 'last5_minus_rest_mean / std (standard deviations); 0 for a constant window.'],
  ['last10_minus_rest_mean', 'Mean of the last 10 points − mean of the points before them (metric units); NaN when the window has ≤ 10 points.'],
  ['last10_minus_rest_z', 'last10_minus_rest_mean / std (standard deviations); 0 for a constant window, NaN when the window has ≤ 10 points.'],
  ['max_abs_step', 'Largest |x[i+1] − x[i]| (metric units per step): the biggest jump.'],
  ['mean_abs_step', 'Mean |x[i+1] − x[i]| (metric units per step): roughness of the series.'],
  ['largest_step', 'The step with the largest magnitude, with its sign (metric units per step): a jump up or a drop.'],
  ['steps_since_largest_step', 'Steps from the largest jump (earliest one on ties) to the end of the window (steps): 0 when it happened last.'],
  ['cusum_max', 'max_t |Σ_{i≤t} (x_i − mean)| / (std·√n) (unitless): evidence of a change of level inside the window; 0 for a constant window.'],
  ['steps_since_cusum_max', 'Steps from the CUSUM maximum (the most likely change point) to the end of the window (steps).'],
  ['last_quarter_over_first_quarter', `Mean of the last ⌊n/4⌋ points / mean of the first ⌊n/4⌋ (ratio): growth across the window; 1 when both are 0, ±${RATIO_CAP_TEXT} when only the first is 0, clipped to ±${RATIO_CAP_TEXT}.`],
  ['last_quarter_vs_first_quarter', '(last-quarter mean − first-quarter mean) / (|last| + |first|) (−1 to 1): the same growth, bounded; 0 when both are 0.'],
  ['volatility_ratio', `Standard deviation of the last ⌊n/3⌋ points / that of the first ⌊n/3⌋ (ratio): rising instability; 1 when both are 0, ${RATIO_CAP_TEXT} when only the first is 0.`],
  ['mean_crossing_rate', 'Share of steps that cross the mean (0–1): high for noise around a level, low for a trend or a shift.'],
  ['share_up_steps', 'Share of steps with x[i+1] > x[i] (0–1).'],
  ['max_rise', 'Largest x_j − x_i over i < j (metric units, ≥ 0): the biggest climb inside the window, e.g. memory growth.'],
  ['max_drop', 'Largest x_i − x_j over i < j (metric units, ≥ 0): the biggest fall, e.g. free space consumed.'],
] as const);

const I = CHANGE.at;

export function computeChange(ws: WindowWorkspace, out: Float64Array, o: number): void {
  const n = ws.n;
  const x = ws.x;
  const c = ws.centered;
  const steps = ws.steps;
  const mean = ws.mean;
  const std = ws.std;
  const last = x[n - 1];

  out[o + I.last_value] = last;
  out[o + I.last_minus_mean] = last - mean;
  out[o + I.last_zscore] = std > 0 ? (last - mean) / std : 0;
  const fromMedian = last - ws.median;
  let robustScale = ws.mad();
  if (robustScale === 0) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(x[i] - ws.median);
    robustScale = s / n;
  }
  out[o + I.last_mads_from_median] = robustScale > 0 ? fromMedian / robustScale : 0;

  const shift5 = recentMinusRest(x, n, 5);
  out[o + I.last5_minus_rest_mean] = shift5;
  out[o + I.last5_minus_rest_z] = std > 0 ? shift5 / std : 0;
  const shift10 = recentMinusRest(x, n, 10);
  out[o + I.last10_minus_rest_mean] = shift10;
  out[o + I.last10_minus_rest_z] = n <= 10 ? NaN : std > 0 ? shift10 / std : 0;

  let maxAbs = -1;
  let maxAt = 0;
  let absSum = 0;
  let up = 0;
  let crossings = 0;
  let runMin = x[0];
  let runMax = x[0];
  let rise = 0;
  let drop = 0;
  for (let i = 0; i < n - 1; i++) {
    const d = steps[i];
    const a = Math.abs(d);
    absSum += a;
    if (a > maxAbs) {
      maxAbs = a;
      maxAt = i;
    }
    // Rising or not, and crossing or not, are coin tosses on noisy data: counted without a branch.
    up += +(d > 0);
    crossings += +(c[i] > 0 !== c[i + 1] > 0);
    const v = x[i + 1];
    if (v - runMin > rise) rise = v - runMin;
    if (runMax - v > drop) drop = runMax - v;
    if (v < runMin) runMin = v;
    if (v > runMax) runMax = v;
  }
  out[o + I.max_abs_step] = maxAbs;
  out[o + I.mean_abs_step] = absSum / (n - 1);
  out[o + I.largest_step] = steps[maxAt];
  out[o + I.steps_since_largest_step] = n - 2 - maxAt;
  out[o + I.mean_crossing_rate] = crossings / (n - 1);
  out[o + I.share_up_steps] = up / (n - 1);
  out[o + I.max_rise] = rise;
  out[o + I.max_drop] = drop;

  let cusum = 0;
  let cusumMax = 0;
  let cusumAt = n - 1;
  for (let i = 0; i < n; i++) {
    cusum += c[i];
    const a = Math.abs(cusum);
    if (a > cusumMax) {
      cusumMax = a;
      cusumAt = i;
    }
  }
  out[o + I.cusum_max] = std > 0 ? cusumMax / (std * Math.sqrt(n)) : 0;
  out[o + I.steps_since_cusum_max] = n - 1 - cusumAt;

  const q = Math.max(1, Math.floor(n / 4));
  const head = segmentMean(x, 0, q);
  const tail = segmentMean(x, n - q, q);
  out[o + I.last_quarter_over_first_quarter] = guardedRatio(tail, head, 1);
  const scale = Math.abs(tail) + Math.abs(head);
  out[o + I.last_quarter_vs_first_quarter] = scale > 0 ? (tail - head) / scale : 0;

  const third = Math.max(2, Math.floor(n / 3));
  out[o + I.volatility_ratio] = guardedRatio(segmentStd(x, n - third, third), segmentStd(x, 0, third), 1);
}

/** a / b, clipped to ±RATIO_CAP; when b is 0: `whenBothZero` if a is 0 too, else ±RATIO_CAP with a's sign. */
export function guardedRatio(a: number, b: number, whenBothZero: number): number {
  if (b === 0) return a === 0 ? whenBothZero : a > 0 ? RATIO_CAP : -RATIO_CAP;
  const r = a / b;
  return r > RATIO_CAP ? RATIO_CAP : r < -RATIO_CAP ? -RATIO_CAP : r;
}

/** Mean of the last k points minus the mean of the points before them; NaN when nothing precedes them. */
function recentMinusRest(x: Float64Array, n: number, k: number): number {
  if (n <= k) return NaN;
  return segmentMean(x, n - k, k) - segmentMean(x, 0, n - k);
}

function segmentMean(x: Float64Array, start: number, len: number): number {
  let s = 0;
  for (let i = start; i < start + len; i++) s += x[i];
  return s / len;
}

/** Population standard deviation of x[start .. start+len). */
function segmentStd(x: Float64Array, start: number, len: number): number {
  const m = segmentMean(x, start, len);
  let ss = 0;
  for (let i = start; i < start + len; i++) ss += (x[i] - m) * (x[i] - m);
  return Math.sqrt(ss / len);
}
