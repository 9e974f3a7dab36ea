/**
 * catch22's distribution features (Lubba et al. 2019, after hctsa's DN_ operations), written
 * from their published definitions; arithmetic follows the reference C implementation step by
 * step where it decides a discrete outcome (bin edges, thresholds), so results match it.
 */
import type { Catch22Scratch } from './catch22-scratch.js';

/**
 * DN_HistogramMode_<bins>: centre of the fullest of `bins` equal-width bins spanning [min, max]
 * (the maximum falls in the last bin); when several bins tie, the mean of their centres.
 */
export function histogramMode(y: Float64Array, n: number, bins: number, counts: Int32Array): number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (y[i] < min) min = y[i];
    if (y[i] > max) max = y[i];
  }
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
 * The reference recomputes the point set for every threshold (O(n · thresholds)); here points
 * are bucketed by the highest threshold they reach and added to a Fenwick tree of positions
 * from the top threshold down, so a median is an O(log n) order-statistic query, needed only
 * when points were added: the work is O(n log n + thresholds) whatever the thresholds' count.
 */
export function outlierInclude(z: Float64Array, n: number, sign: 1 | -1, s: Catch22Scratch): number {
  const inc = 0.01;
  let nonNegative = 0;
  let constant = true;
  let maxVal = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = sign * z[i];
    if (z[i] !== z[0]) constant = false;
    if (v >= 0) nonNegative++;
    if (v > maxVal) maxVal = v;
  }
  if (constant || maxVal < inc) return 0;
  const thresholds = Math.trunc(maxVal / inc + 1);

  const head = s.bucketHead;
  const next = s.bucketNext;
  head.fill(-1, 0, thresholds);
  for (let i = 0; i < n; i++) {
    const v = sign * z[i];
    if (v < 0) continue;
    let j = Math.floor(v / inc);
    if (j > thresholds - 1) j = thresholds - 1;
    // Settle the floor against the exact comparison the definition makes (v ≥ j·0.01).
    while (j < thresholds - 1 && v >= (j + 1) * inc) j++;
    while (j >= 0 && !(v >= j * inc)) j--;
    if (j < 0) continue;
    next[i] = head[j];
    head[j] = i;
  }

  // From the top threshold down, add each threshold's points to the Fenwick tree. The median
  // position changes only when points are added, so the thresholds form runs sharing one value:
  // at most one run per point, however fine the thresholds.
  const tree = s.fenwick;
  const size = s.fenwickSize;
  tree.fill(0);
  const runValue = s.runValue;
  const runTop = s.runTop;
  let runs = 0;
  let count = 0;
  let runCount = 0; // points in the current run
  let lastKept = -1; // largest j whose exceedances are more than 2% of the non-negative points
  let firstSingle = thresholds - 1; // smallest j with a single exceedance (no interval between two)
  const half = n / 2;
  for (let j = thresholds - 1; j >= 0; j--) {
    let i = head[j];
    if (i < 0 && runs > 0) continue; // no new point: the run goes on
    for (; i >= 0; i = next[i]) {
      for (let p = i + 1; p <= size; p += p & -p) tree[p]++;
      count++;
    }
    let median: number;
    if (count & 1) median = kth(tree, size, (count + 1) >>> 1);
    else median = (kth(tree, size, count >>> 1) + kth(tree, size, (count >>> 1) + 1)) / 2;
    // Only one run can hold a single exceedance; it lasts down to just above the next run.
    if (runs > 0 && runCount === 1) firstSingle = j + 1;
    runValue[runs] = median / half - 1;
    runTop[runs] = j;
    runs++;
    runCount = count;
    if (lastKept < 0 && ((count - 1) * 100.0) / nonNegative > 2) lastKept = j;
  }
  if (runCount === 1) firstSingle = 0;
  const mj = lastKept < 0 ? 0 : lastKept;
  const limit = mj < firstSingle ? mj : firstSingle;

  // Median of the values of thresholds 0 … limit: each run contributes its value once per
  // threshold it covers. Sort the runs by value (few) and walk the cumulative counts.
  const order = s.runOrder;
  const weight = s.runWeight;
  let used = 0;
  for (let r = 0; r < runs; r++) {
    const bottom = r + 1 < runs ? runTop[r + 1] + 1 : 0;
    const top = runTop[r] < limit ? runTop[r] : limit;
    const w = top - bottom + 1;
    if (w <= 0) continue;
    // Insertion by value.
    let k = used - 1;
    const v = runValue[r];
    while (k >= 0 && runValue[order[k]] > v) {
      order[k + 1] = order[k];
      k--;
    }
    order[k + 1] = r;
    weight[r] = w;
    used++;
  }
  const total = limit + 1;
  const lowRank = (total - 1) >>> 1;
  const highRank = total >>> 1;
  let seen = 0;
  let low = NaN;
  for (let k = 0; k < used; k++) {
    const r = order[k];
    seen += weight[r];
    if (Number.isNaN(low) && seen > lowRank) low = runValue[r];
    if (seen > highRank) return (low + runValue[r]) / 2;
  }
  return low;
}

/** Position (1-based) of the k-th smallest occupied position in a Fenwick tree of counts. */
function kth(tree: Int32Array, size: number, k: number): number {
  let pos = 0;
  let rest = k;
  for (let step = size; step > 0; step >>= 1) {
    const nextPos = pos + step;
    if (nextPos <= size && tree[nextPos] < rest) {
      pos = nextPos;
      rest -= tree[nextPos];
    }
  }
  return pos + 1;
}
