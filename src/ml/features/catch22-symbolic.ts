/**
 * catch22's symbolic features (SB_ family): the series turned into symbols — above or below the
 * mean, up or down steps, terciles — and statistics of the symbol sequence.
 */
import type { LazyAutocorrelation } from './autocorrelation.js';
import type { Catch22Scratch } from './catch22-scratch.js';
import { selectKthBranchFree } from './selection.js';

/** SB_BinaryStats_mean_longstretch1: longest run of consecutive points strictly above the mean (points). */
export function longestStretchAboveMean(z: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += z[i];
  const mean = sum / n;
  let longest = 0;
  let run = 0;
  for (let i = 0; i < n; i++) {
    if (z[i] - mean > 0) {
      run++;
      if (run > longest) longest = run;
    } else run = 0;
  }
  return longest;
}

/** SB_BinaryStats_diff_longstretch0: longest run of consecutive decreasing steps, z[i+1] < z[i] (steps). */
export function longestStretchDecreasing(z: Float64Array, n: number): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < n - 1; i++) {
    if (z[i + 1] - z[i] < 0) {
      run++;
      if (run > longest) longest = run;
    } else run = 0;
  }
  return longest;
}

/**
 * Labels y[0..len) 1, 2, 3 by terciles: thresholds at the 1/3 and 2/3 quantiles as catch22's
 * `quantile` computes them (order statistic k at position len·q − 0.5, linear in between), a
 * value goes to the first group whose upper threshold it does not exceed. `a` and `b` are
 * scratch of ≥ len values.
 */
export function tercileLabels(y: Float64Array, len: number, labels: Int32Array, a: Float64Array, b: Float64Array): void {
  const t1 = catch22Quantile(y, len, TERCILE_1, a, b);
  const t2 = catch22Quantile(y, len, TERCILE_2, a, b);
  labelByThresholds(y, len, labels, t1, t2);
}

// linspace(0, 1, 4) accumulates the step, as the reference does.
const TERCILE_1 = 0 + 1 / 3;
const TERCILE_2 = TERCILE_1 + 1 / 3;

/** labels[i] = 1 when y[i] ≤ t1, else 2 when y[i] ≤ t2, else 3. */
function labelByThresholds(y: Float64Array, len: number, labels: Int32Array, t1: number, t2: number): void {
  if (t1 <= t2) {
    // Without a branch on the data: the label is 1 plus the thresholds exceeded.
    for (let i = 0; i < len; i++) labels[i] = 1 + +(y[i] > t1) + +(y[i] > t2);
  } else {
    for (let i = 0; i < len; i++) labels[i] = y[i] <= t1 ? 1 : y[i] <= t2 ? 2 : 3;
  }
}

/** catch22's quantile of y[0..len): clamps to min/max within half a point of the ends, else interpolates around position len·q − 0.5. */
function catch22Quantile(y: Float64Array, len: number, q: number, a: Float64Array, b: Float64Array): number {
  const edge = 0.5 / len;
  if (q < edge) return selectKthBranchFree(y, len, 0, a, b);
  if (q > 1 - edge) return selectKthBranchFree(y, len, len - 1, a, b);
  const idx = len * q - 0.5;
  const left = Math.floor(idx);
  const right = Math.ceil(idx);
  const lower = selectKthBranchFree(y, len, left, a, b);
  if (right === left) return NaN; // the reference divides 0 by 0 here (never for terciles: len·q − 0.5 is not an integer)
  const upper = selectKthBranchFree(y, len, left + 1, a, b);
  return lower + ((idx - left) * (upper - lower)) / (right - left);
}

/** catch22Quantile of values already in ascending order. */
function sortedCatch22Quantile(sorted: Float64Array, len: number, q: number): number {
  const edge = 0.5 / len;
  if (q < edge) return sorted[0];
  if (q > 1 - edge) return sorted[len - 1];
  const idx = len * q - 0.5;
  const left = Math.floor(idx);
  const right = Math.ceil(idx);
  const a = sorted[left];
  if (right === left) return NaN;
  const b = sorted[left + 1];
  return a + ((idx - left) * (b - a)) / (right - left);
}

/**
 * SB_MotifThree_quantile_hh: entropy (nats) of the pairs of successive tercile symbols, summed
 * over the rows of the 3×3 pair frequencies. `sorted` is z in ascending order.
 */
export function tercilePairEntropy(z: Float64Array, n: number, sorted: Float64Array, s: Catch22Scratch): number {
  const labels = s.labels;
  labelByThresholds(z, n, labels, sortedCatch22Quantile(sorted, n, TERCILE_1), sortedCatch22Quantile(sorted, n, TERCILE_2));
  const pairs = s.transitions;
  pairs.fill(0);
  for (let i = 0; i < n - 1; i++) pairs[(labels[i] - 1) * 3 + labels[i + 1] - 1]++;
  let h = 0;
  for (let a = 0; a < 3; a++) {
    let f = 0;
    for (let b = 0; b < 3; b++) {
      const p = pairs[a * 3 + b] / (n - 1);
      if (p > 0) f += p * Math.log(p);
    }
    h += -f;
  }
  return h;
}

/**
 * SB_TransitionMatrix_3ac_sumdiagcov: sample the series every τ steps (τ = first zero of the
 * autocorrelation), label by terciles, form the 3×3 transition frequencies, and return the sum
 * of the variances (n − 1 = 2) of its three columns.
 */
export function transitionMatrixColumnVariance(z: Float64Array, n: number, acf: LazyAutocorrelation, s: Catch22Scratch): number {
  const tau = Math.max(1, acf.firstZero(n));
  const down = Math.trunc((n - 1) / tau) + 1;
  const sampled = s.work2;
  for (let i = 0; i < down; i++) sampled[i] = z[i * tau];
  const labels = s.labels;
  tercileLabels(sampled, down, labels, s.work, s.work3);
  const t = s.transitions;
  t.fill(0);
  for (let i = 0; i < down - 1; i++) t[(labels[i] - 1) * 3 + labels[i + 1] - 1]++;
  for (let k = 0; k < 9; k++) t[k] /= down - 1;
  let total = 0;
  for (let col = 0; col < 3; col++) {
    const a = t[col];
    const b = t[3 + col];
    const c = t[6 + col];
    const mean = (a + b + c) / 3;
    total += ((a - mean) * (a - mean) + (b - mean) * (b - mean) + (c - mean) * (c - mean)) / 2;
  }
  return total;
}
