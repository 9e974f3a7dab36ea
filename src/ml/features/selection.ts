/**
 * Order statistics on a prefix of a reused Float64Array, without sorting it and without
 * allocating. Selection is Floyd & Rivest's (1975) algorithm: on long ranges it first selects
 * recursively inside a small sample around the target rank, so the pivot lands within a few
 * places of it and one partition pass finishes most of the work. That matters because on this
 * kind of data selection is bound by mispredicted comparisons: for Theil–Sen's 1,770 pairwise
 * slopes it is ~1.5× faster than median-of-three quickselect. Inputs must not contain NaN
 * (windows are filled before any feature sees them).
 */

/**
 * The k-th smallest (0-based) of a[0..len). Rearranges a[0..len) so that a[0..k) ≤ a[k] ≤ a[k+1..len),
 * which `medianInPlace` relies on to find the lower middle value in one more pass.
 */
export function selectKth(a: Float64Array, len: number, k: number): number {
  floydRivest(a, 0, len - 1, k);
  return a[k];
}

function floydRivest(a: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    if (right - left > 600) {
      // Narrow to a sample range expected to hold the k-th value, and select there first.
      const n = right - left + 1;
      const i = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (i - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (i * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - i) * s) / n + sd));
      floydRivest(a, newLeft, newRight, k);
    }
    const t = a[k];
    let i = left;
    let j = right;
    swap(a, left, k);
    if (a[right] > t) swap(a, right, left);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

/** Median of a[0..len): the middle value, or the mean of the two middle values when len is even. NaN when len is 0. Rearranges a. */
export function medianInPlace(a: Float64Array, len: number): number {
  if (len <= 0) return NaN;
  const h = len >>> 1;
  const upper = selectKth(a, len, h);
  if (len & 1) return upper;
  let lower = a[0];
  for (let i = 1; i < h; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

/** Quantile of an ascending-sorted prefix by linear interpolation between order statistics (numpy's default, "type 7"). */
export function sortedQuantile(sorted: Float64Array, len: number, p: number): number {
  const h = (len - 1) * p;
  const lo = Math.floor(h);
  const hi = lo + 1 < len ? lo + 1 : len - 1;
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

