/**
 * Empirical quantiles: linear interpolation between order statistics (Hyndman & Fan type 7,
 * numpy's default), which is monotone in the level, so quantiles read off one sample never cross.
 */

/** The level-quantile of sorted[0..n). NaN for an empty sample. */
export function quantileSorted(sorted: ArrayLike<number>, level: number, n = sorted.length): number {
  if (n === 0) return NaN;
  const pos = level * (n - 1);
  const lo = pos | 0; // an int32, not a double, for the indexing below
  if (lo >= n - 1) return sorted[n - 1];
  const f = pos - lo;
  return sorted[lo] + f * (sorted[lo + 1] - sorted[lo]);
}

/**
 * The quantiles at ascending `levels` of sample[0..n) without sorting it: quickselect (Hoare
 * partition, middle pivot) for each lower order statistic, each search starting where the last
 * one left the sample partitioned, then the minimum of the part above for the next order
 * statistic. O(n) on average against O(n log n) for a sort; it reorders `sample` in place. Used
 * when a forecast needs a handful of levels from a few thousand errors. NaN for an empty sample.
 */
export function quantilesSelect(sample: Float64Array, levels: readonly number[], n = sample.length): Float64Array {
  const out = new Float64Array(levels.length);
  if (n === 0) return out.fill(NaN);
  let from = 0;
  for (let j = 0; j < levels.length; j++) {
    const pos = levels[j] * (n - 1);
    const k = pos | 0; // an int32: Math.floor would give V8 a double index, several times slower
    if (k >= n - 1) {
      let max = -Infinity;
      for (let i = from; i < n; i++) if (sample[i] > max) max = sample[i];
      out[j] = max;
      continue;
    }
    const lo = select(sample, k, from, n);
    let next = Infinity;
    for (let i = k + 1; i < n; i++) if (sample[i] < next) next = sample[i];
    out[j] = lo + (pos - k) * (next - lo);
    from = k; // everything before k is ≤ sample[k]; the next level's order statistic is at or after it
  }
  return out;
}

/** Reorders a[from..n) so that a[k] is the k-th smallest of a[0..n), given a[0..from) ≤ a[from..n). */
function select(a: Float64Array, k: number, from: number, n: number): number {
  let left = from;
  let right = n - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
}
