/**
 * catch22's distribution features (Lubba et al. 2019, after hctsa's DN_ operations), written
 * from their published definitions; arithmetic follows the reference C implementation step by
 * step where it decides a discrete outcome (bin edges, thresholds), so results match it.
 */
import type { Catch22Scratch } from './catch22-scratch.js';

/**
 * DN_HistogramMode_<bins>: centre of the fullest of `bins` equal-width bins spanning [min, max]
 * (the maximum falls in the last bin); when several bins tie, the mean of their centres. `min`
 * and `max` are those of y[0..n).
 */
export function histogramMode(y: Float64Array, n: number, bins: number, counts: Int32Array, min: number, max: number): number {
  const step = (max - min) / bins;
  counts.fill(0, 0, bins);
  for (let i = 0; i < n; i++) {
    let b = Math.trunc((y[i] - min) / step);
    if (b < 0) b = 0;
    if (b >= bins) b = bins - 1;
    counts[b]++;
  }
  let maxCount = 0;
  let ties = 1;
  let sum = 0;
  for (let i = 0; i < bins; i++) {
    const centre = (i * step + min + ((i + 1) * step + min)) * 0.5;
    if (counts[i] > maxCount) {
      maxCount = counts[i];
      ties = 1;
      sum = centre;
    } else if (counts[i] === maxCount) {
      ties++;
      sum += centre;
    }
  }
  return sum / ties;
}

/**
 * DN_OutlierInclude_{p,n}_001_mdrmd. For thresholds θ_j = 0.01·j (j = 0 … ⌊max/0.01⌋) on
 * sign·z, take the points with sign·z ≥ θ_j and the median of their (1-based) positions, scaled
 * to −1 … 1 by position / (n/2) − 1. Keep the thresholds that still hold more than 2% of the
 * non-negative points and at least two points; the feature is the median of those scaled
 * medians: do the extremes sit early (< 0) or late (> 0) in the window?
 *
 * The reference recomputes the point set for every threshold (O(n · thresholds)). Here the points
 * are visited from the most extreme down (`order` lists the positions of z in ascending order),
 * each with the highest threshold it reaches; a threshold's set is the points visited so far, so
 * the thresholds form runs sharing one median, one run per distinct highest threshold. The median
 * position is kept by a pointer into an occupancy array, moved one occupied place per added
 * point: the work is O(n) beyond the visit whatever the thresholds' count.
 */
export function outlierInclude(z: Float64Array, n: number, sign: 1 | -1, order: Int32Array, s: Catch22Scratch): number {
  const inc = 0.01;
  // The largest sign·z, whether z is constant, and how many sign·z are ≥ 0 (counted without a
  // branch on the data), from the order.
  const zMin = z[order[0]];
  const zMax = z[order[n - 1]];
  if (zMin === zMax) return 0;
  const maxVal = sign > 0 ? zMax : -zMin;
  if (maxVal < inc) return 0;
  let nonNegative = 0;
  for (let i = 0; i < n; i++) nonNegative += +(sign * z[i] >= 0);
  const thresholds = Math.trunc(maxVal / inc + 1);

  const occupied = s.occupied;
  occupied.fill(0, 0, n);
  const runKey = s.runKey;
  const runTop = s.runTop;
  const half = n / 2;
  let runs = 0;
  let count = 0;
  let runCount = 0; // points in the current run
  let lastKept = -1; // largest j whose exceedances are more than 2% of the non-negative points
  let firstSingle = thresholds - 1; // smallest j with a single exceedance (no interval between two)
  let median = 0; // lower median position (0-based) of the points visited so far
  let medianRank = 0; // its rank among them (1-based)

  // Visit sign·z from the largest down: z descending for sign 1, ascending for −1.
  const step = sign > 0 ? -1 : 1;
  let k = sign > 0 ? n - 1 : 0;
  let i = order[k];
  let v = sign * z[i];
  let j = highestThreshold(v, thresholds, inc);
  if (j < thresholds - 1) {
    // Rounding left the top threshold without a point. The reference takes the median of an
    // empty set there; this function's earlier Fenwick-tree form evaluated it to position
    // (p + 2) / 2, p = n rounded up to a power of two, and that value is kept.
    runKey[0] = s.emptyTopKey;
    runTop[0] = thresholds - 1;
    runs = 1;
  }
  while (j >= 0) {
    const top = j;
    // Add every point whose highest threshold is `top`.
    for (;;) {
      occupied[i] = 1;
      count++;
      if (count === 1) {
        median = i;
        medianRank = 1;
      } else medianRank += +(i < median);
      k += step;
      if (k < 0 || k >= n) {
        j = -1;
        break;
      }
      i = order[k];
      v = sign * z[i];
      if (!(v >= 0)) {
        j = -1;
        break;
      }
      j = highestThreshold(v, thresholds, inc);
      if (j !== top) break;
    }
    const target = (count + 1) >>> 1;
    while (medianRank > target) {
      do median--;
      while (occupied[median] === 0);
      medianRank--;
    }
    while (medianRank < target) {
      do median++;
      while (occupied[median] === 0);
      medianRank++;
    }
    // Twice the median position (1-based): an integer, the run's key.
    let key: number;
    if (count & 1) key = 2 * (median + 1);
    else {
      let upper = median + 1;
      while (occupied[upper] === 0) upper++;
      key = median + 1 + (upper + 1);
    }
    // Only one run can hold a single exceedance; it lasts down to just above the next run.
    if (runs > 0 && runCount === 1) firstSingle = top + 1;
    runKey[runs] = key;
    runTop[runs] = top;
    runs++;
    runCount = count;
    if (lastKept < 0 && ((count - 1) * 100.0) / nonNegative > 2) lastKept = top;
  }
  if (runCount === 1) firstSingle = 0;
  const mj = lastKept < 0 ? 0 : lastKept;
  const limit = mj < firstSingle ? mj : firstSingle;

  // Median of the values of thresholds 0 … limit: each run contributes its value once per
  // threshold it covers. A value is a function of the run's key (position / (n/2) − 1), so the
  // weights are counted per key and the keys walked in order: no sort.
  const weight = s.keyWeight;
  weight.fill(0);
  for (let r = 0; r < runs; r++) {
    const bottom = r + 1 < runs ? runTop[r + 1] + 1 : 0;
    const top = runTop[r] < limit ? runTop[r] : limit;
    const w = top - bottom + 1;
    if (w > 0) weight[runKey[r]] += w;
  }
  const total = limit + 1;
  const lowRank = (total - 1) >>> 1;
  const highRank = total >>> 1;
  let seen = 0;
  let low = NaN;
  for (let key = 0; key < weight.length; key++) {
    const w = weight[key];
    if (w === 0) continue;
    seen += w;
    const value = key / 2 / half - 1;
    if (Number.isNaN(low) && seen > lowRank) low = value;
    if (seen > highRank) return (low + value) / 2;
  }
  return low;
}

/** Largest j < thresholds with v ≥ j·inc, by the exact comparison the definition makes (−1 when there is none). */
function highestThreshold(v: number, thresholds: number, inc: number): number {
  let j = Math.floor(v / inc);
  if (j > thresholds - 1) j = thresholds - 1;
  while (j < thresholds - 1 && v >= (j + 1) * inc) j++;
  while (j >= 0 && !(v >= j * inc)) j--;
  return j;
}

