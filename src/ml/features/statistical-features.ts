/**
 * Distribution of the values in the window, ignoring their order: level, spread, shape and a few
 * counts that tell quantised or idle metrics apart. Quantiles interpolate linearly between order
 * statistics (numpy's default). A constant window gives 0 for every shape statistic (skewness,
 * kurtosis, coefficient of variation): a flat line has no asymmetry and no tails, and a model is
 * better served by 0 than by a NaN that looks like missing data.
 */
import { defineGroup } from './feature-group.js';
import { sortedQuantile } from './selection.js';
import type { WindowWorkspace } from './window-workspace.js';

export const STATISTICAL = defineGroup('statistical', [
  ['mean', 'Arithmetic mean of the window (metric units): the current level.'],
  ['std', 'Population standard deviation (divided by n; metric units): how much the metric moves.'],
  ['min', 'Smallest value (metric units).'],
  ['max', 'Largest value (metric units): peaks that an average hides.'],
  ['range', 'max − min (metric units).'],
  ['median', 'Median (metric units): the level, robust to spikes.'],
  ['q05', '5th percentile, linear interpolation between order statistics (metric units).'],
  ['q25', '25th percentile (metric units).'],
  ['q75', '75th percentile (metric units).'],
  ['q95', '95th percentile (metric units): the near-peak level, robust to a single spike.'],
  ['iqr', 'Inter-quartile range q75 − q25 (metric units): spread robust to outliers.'],
  ['mad', 'Median absolute deviation from the median, unscaled (metric units): robust spread.'],
  ['mean_abs_deviation', 'Mean of |x − mean| (metric units).'],
  ['skewness', 'Population skewness m3 / m2^1.5 (unitless): positive when spikes go up; 0 for a constant window.'],
  ['kurtosis', 'Excess kurtosis m4 / m2² − 3 (unitless): heavy tails, bursts; 0 for a constant window.'],
  ['cv', 'Coefficient of variation std / |mean| (unitless): relative noise; 0 for a constant window, NaN when the mean is exactly 0 and the window is not constant.'],
  ['rms', 'Root mean square sqrt(Σx² / n) (metric units).'],
  ['energy', 'Sum of squares Σx² (metric units²): grows with both level and window length.'],
  ['sum', 'Sum of the values (metric units): total over the window, e.g. errors in a per-step error count.'],
  ['share_above_mean', 'Share of points strictly above the mean (0–1): < 0.5 when a few high spikes pull the mean up.'],
  ['share_beyond_2sd', 'Share of points more than 2 standard deviations from the mean (0–1): how often the metric makes excursions; 0 for a constant window.'],
  ['zero_share', 'Share of points exactly 0 (0–1): idle devices, counters that rarely move.'],
  ['distinct_share', 'Number of distinct values / n (0–1]: low for quantised or stuck metrics.'],
  ['missing_count', 'Number of missing points (NaN, ±Infinity or |x| > 1e100) in the raw window, before filling (points): telemetry gaps, often a symptom themselves.'],
  ['longest_missing_run', 'Longest run of consecutive missing points in the raw window (points): one long outage versus scattered drops.'],
] as const);

const I = STATISTICAL.at;

export function computeStatistical(ws: WindowWorkspace, out: Float64Array, o: number): void {
  const n = ws.n;
  const x = ws.x;
  const c = ws.centered;
  const sorted = ws.sorted;
  const mean = ws.mean;
  const std = ws.std;

  // Standardised moments accumulate (d/σ)³ and (d/σ)⁴, which cannot overflow.
  const inv = std > 0 ? 1 / std : 0;
  let m3 = 0;
  let m4 = 0;
  let absDev = 0;
  let energy = 0;
  let above = 0;
  let beyond = 0;
  let zeros = 0;
  const band = 2 * std;
  for (let i = 0; i < n; i++) {
    const d = c[i];
    const u = d * inv;
    const u2 = u * u;
    m3 += u2 * u;
    m4 += u2 * u2;
    absDev += Math.abs(d);
    energy += x[i] * x[i];
    // Counted without a branch: above the mean or not is a coin toss on noisy data.
    above += +(d > 0);
    beyond += +(Math.abs(d) > band);
    zeros += +(x[i] === 0);
  }
  let distinct = 1;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;

  const m2 = ws.sumSquares / n;
  const constant = m2 === 0;
  const q25 = sortedQuantile(sorted, n, 0.25);
  const q75 = sortedQuantile(sorted, n, 0.75);

  out[o + I.mean] = mean;
  out[o + I.std] = std;
  out[o + I.min] = ws.min;
  out[o + I.max] = ws.max;
  out[o + I.range] = ws.max - ws.min;
  out[o + I.median] = ws.median;
  out[o + I.q05] = sortedQuantile(sorted, n, 0.05);
  out[o + I.q25] = q25;
  out[o + I.q75] = q75;
  out[o + I.q95] = sortedQuantile(sorted, n, 0.95);
  out[o + I.iqr] = q75 - q25;
  out[o + I.mad] = ws.mad();
  out[o + I.mean_abs_deviation] = absDev / n;
  out[o + I.skewness] = constant ? 0 : m3 / n;
  out[o + I.kurtosis] = constant ? 0 : m4 / n - 3;
  out[o + I.cv] = constant ? 0 : mean === 0 ? NaN : std / Math.abs(mean);
  out[o + I.rms] = Math.sqrt(energy / n);
  out[o + I.energy] = energy;
  out[o + I.sum] = ws.sum;
  out[o + I.share_above_mean] = above / n;
  out[o + I.share_beyond_2sd] = constant ? 0 : beyond / n;
  out[o + I.zero_share] = zeros / n;
  out[o + I.distinct_share] = distinct / n;
  out[o + I.missing_count] = ws.missingCount;
  out[o + I.longest_missing_run] = ws.longestMissingRun;
}
