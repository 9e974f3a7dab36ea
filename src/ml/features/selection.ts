/**
 * Order statistics on a prefix of a reused Float64Array, without sorting it and without
 * allocating. Inputs must not contain NaN (windows are filled before any feature sees them).
 *
 * On this kind of data selection is bound by mispredicted comparisons, not by arithmetic: a
 * partition loop that branches on `a[i] < pivot` mispredicts about every other value. So:
 *
 * - `selectKth` / `medianInPlace`: Floyd & Rivest's (1975) algorithm, in place; the reference and
 *   the fallback.
 * - `selectKthBranchFree`: quickselect whose three-way partitions advance their store indices by
 *   the comparison results (0 or 1) instead of branching on them; 2–3× faster than Floyd & Rivest
 *   on tens to hundreds of values.
 * - `SampledSelector`, for long arrays (Theil–Sen's ~1,800 pairwise slopes at 60 points):
 *   brackets the wanted ranks between two order statistics of a spread-out sample, keeps the
 *   values inside the bracket with a comparison-free filter pass, then sorts those into value
 *   buckets (counts only, no comparisons) and selects among the one or two buckets that hold the
 *   wanted ranks: a few dozen values.
 *
 * All return exactly the value a sort would put at the rank (a zero may come back as −0 where
 * a sort would have put a +0 there, or the reverse: they compare equal).
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


/**
 * The k-th smallest (0-based) of src[0..len), src unchanged; a and b are scratch of ≥ len values.
 * Quickselect with three-way partitions written without a branch on the comparisons: every
 * value is stored both at the next "less" slot from the left and the next "greater" slot from
 * the right, and the two counters advance by the comparison results (0 or 1). On the few dozen
 * to few hundred values it is used for, that is 2–3× faster than Floyd & Rivest, whose
 * partition loops mispredict about every other comparison. Returns the same value selectKth
 * does (up to the sign of a zero among equal ±0).
 */
export function selectKthBranchFree(src: Float64Array, len: number, k: number, a: Float64Array, b: Float64Array): number {
  let from = src;
  let to = a;
  let lo = 0;
  let hi = len;
  // A bad run of pivots (middle elements) can only cost time: give up on it after many rounds.
  for (let rounds = 0; hi - lo > 8; rounds++) {
    if (rounds > 64) {
      for (let i = lo; i < hi; i++) to[i] = from[i];
      return selectKthRange(to, lo, hi, k);
    }
    const p = from[lo + ((hi - lo) >>> 1)];
    let less = lo;
    let greater = hi - 1;
    for (let i = lo; i < hi; i++) {
      const v = from[i];
      to[less] = v;
      less += +(v < p);
      to[greater] = v;
      greater -= +(v > p);
    }
    // to[lo, less) < p, to(greater, hi) > p, and everything between equals p.
    if (k < less) hi = less;
    else if (k > greater) lo = greater + 1;
    else return p;
    from = to;
    to = to === a ? b : a;
  }
  // A few values left: insertion sort them in the scratch.
  if (from === src) {
    for (let i = lo; i < hi; i++) to[i] = from[i];
    from = to;
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = from[i];
    let j = i - 1;
    while (j >= lo && from[j] > v) {
      from[j + 1] = from[j];
      j--;
    }
    from[j + 1] = v;
  }
  return from[k];
}

/** selectKth on a[lo..hi) (k absolute). */
function selectKthRange(a: Float64Array, lo: number, hi: number, k: number): number {
  floydRivest(a, lo, hi - 1, k);
  return a[k];
}

/** Sample size of one bracketing step, and how many sample standard deviations the bracket spans either side. */
const SAMPLE = 64;
const SPREAD = 2;
/** Below this many values, kthAndNext selects directly. */
const DIRECT_MAX = 200;
/** kthInRange stops bucketing at this many values. */
const SMALL = 32;
/** Most buckets kthInRange uses (bucket numbers are stored in a byte). */
const MAX_BUCKETS = 64;

/**
 * Fractions in [0, 1) spread evenly in any prefix (the golden-ratio sequence), so that
 * floor(f·len) samples any array, however ordered, across its whole length.
 */
export function spreadFractions(count: number): Float64Array {
  const f = new Float64Array(count);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < count; i++) f[i] = ((i + 0.5) * g) % 1;
  return f;
}

const FRACTIONS = spreadFractions(SAMPLE);

/**
 * Exact order statistics of long arrays by sampled brackets and value buckets (see the header);
 * results are the values `selectKth` / `medianInPlace` return (up to the sign of a zero among
 * equal ±0). Holds scratch buffers of `capacity` values; one instance per window length.
 */
export class SampledSelector {
  static readonly sampleSize = SAMPLE;
  static readonly fractions = FRACTIONS;

  /** After `kthAndNext` / `kthInRange` with wantNext: the (k+1)-th smallest, or +Infinity when k was the largest rank. */
  next = Infinity;
  /** After `bracket`: the bracket's ends (−/+Infinity when it is open on that side). */
  lo = -Infinity;
  hi = Infinity;
  private readonly bufA: Float64Array;
  private readonly bufB: Float64Array;
  private readonly selA: Float64Array;
  private readonly selB: Float64Array;
  private readonly bucketOf: Uint8Array;
  private readonly bucketCount = new Int32Array(MAX_BUCKETS + 1);
  private readonly sample = new Float64Array(SAMPLE);

  constructor(capacity: number) {
    this.bufA = new Float64Array(capacity);
    this.bufB = new Float64Array(capacity);
    this.selA = new Float64Array(Math.max(capacity, SAMPLE));
    this.selB = new Float64Array(Math.max(capacity, SAMPLE));
    this.bucketOf = new Uint8Array(capacity);
  }

  /** Sample buffer of SAMPLE values for `bracket` (callers sampling their own values fill it). */
  get sampleBuffer(): Float64Array {
    return this.sample;
  }

  /**
   * Sets lo / hi to order statistics of the sample (this.sampleBuffer, already filled) that hold
   * ranks k … k + extra of `len` values between them with high probability (SPREAD sample
   * standard deviations each side); an end is open (±Infinity) when it would fall off the sample.
   */
  bracket(k: number, extra: number, len: number): void {
    const s = SAMPLE;
    const p0 = (k + 0.5) / len;
    const p1 = (k + extra + 0.5) / len;
    const rlo = Math.floor(p0 * s - 0.5 - SPREAD * Math.sqrt(s * p0 * (1 - p0)));
    const rhi = Math.ceil(p1 * s - 0.5 + SPREAD * Math.sqrt(s * p1 * (1 - p1)));
    this.hi = rhi < s ? selectKthBranchFree(this.sample, s, rhi, this.selA, this.selB) : Infinity;
    this.lo = rlo >= 0 ? selectKthBranchFree(this.sample, s, rlo, this.selA, this.selB) : -Infinity;
  }

  /**
   * The k-th smallest (0-based) of a[0..len); with `wantNext`, also sets this.next to the
   * (k+1)-th. a is overwritten (used as scratch).
   */
  kthAndNext(a: Float64Array, len: number, k: number, wantNext: boolean): number {
    let src = a;
    let dst = a === this.bufA ? this.bufB : this.bufA;
    const extra = wantNext && k + 1 < len ? 1 : 0;
    for (let round = 0; round < 4 && len > DIRECT_MAX; round++) {
      const sample = this.sample;
      for (let i = 0; i < SAMPLE; i++) sample[i] = src[Math.floor(FRACTIONS[i] * len)];
      this.bracket(k, extra, len);
      const lo = this.lo;
      const hi = this.hi;
      let m = 0;
      let below = 0;
      for (let i = 0; i < len; i++) {
        const v = src[i];
        dst[m] = v;
        m += +(v >= lo) & +(v <= hi);
        below += +(v < lo);
      }
      // A miss (the ranks fell outside the bracket, a few per cent of the time) or no progress
      // (every value inside it): finish on what we have.
      if (below > k || k + extra >= below + m || m === len) break;
      k -= below;
      len = m;
      src = dst;
      dst = dst === this.bufA ? this.bufB : this.bufA;
    }
    return this.finish(src, len, k, wantNext);
  }

  /**
   * kthAndNext for values known to lie in [lo, hi] (finite): one pass sorts them into `buckets`
   * (≤ MAX_BUCKETS) equal-width buckets (the bucket is a non-decreasing function of the value,
   * so buckets hold consecutive ranks), counts show which buckets hold ranks k and k + 1, and
   * only those are kept; again over the kept values' own range while many are left. No step
   * branches on a comparison between values. a is not modified.
   */
  kthInRange(a: Float64Array, len: number, k: number, wantNext: boolean, lo: number, hi: number, buckets = MAX_BUCKETS): number {
    const bucketOf = this.bucketOf;
    const count = this.bucketCount;
    let src = a;
    let dst = this.bufB;
    for (let round = 0; ; round++) {
      if (lo === hi) {
        // Every value left is lo.
        this.next = k + 1 < len ? lo : Infinity;
        return lo;
      }
      const scale = buckets / (hi - lo);
      for (let b = 0; b <= buckets; b++) count[b] = 0;
      for (let i = 0; i < len; i++) {
        const b = ((src[i] - lo) * scale) | 0; // 0 … buckets
        bucketOf[i] = b;
        count[b]++;
      }
      const last = wantNext && k + 1 < len ? k + 1 : k;
      let first = 0;
      let below = 0;
      while (below + count[first] <= k) below += count[first++];
      let end = first;
      let through = below + count[first];
      while (through <= last) through += count[++end];
      let m = 0;
      for (let i = 0; i < len; i++) {
        const b = bucketOf[i];
        dst[m] = src[i];
        m += +(b >= first) & +(b <= end);
      }
      k -= below;
      len = m;
      src = dst;
      dst = dst === this.bufB ? this.bufA : this.bufB;
      if (len <= SMALL || round === 2) break;
      // Many values in the buckets kept (ties, or a cluster): again over their own range.
      lo = src[0];
      hi = src[0];
      for (let i = 1; i < len; i++) {
        const v = src[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      buckets = MAX_BUCKETS;
    }
    return this.finish(src, len, k, wantNext);
  }

  /** Median of a[0..len), as medianInPlace(a, len), by kthInRange over [min, max]; a is not modified. */
  median(a: Float64Array, len: number): number {
    if (len <= 0) return NaN;
    const h = len >>> 1;
    if (len <= SMALL) {
      if (len & 1) return selectKthBranchFree(a, len, h, this.selA, this.selB);
      return (selectKthBranchFree(a, len, h - 1, this.selA, this.selB) + selectKthBranchFree(a, len, h, this.selA, this.selB)) / 2;
    }
    let min = a[0];
    let max = a[0];
    for (let i = 1; i < len; i++) {
      const v = a[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // About four values per bucket.
    let buckets = 4;
    while (buckets < MAX_BUCKETS && buckets * 4 < len) buckets *= 2;
    if (len & 1) return this.kthInRange(a, len, h, false, min, max, buckets);
    const lower = this.kthInRange(a, len, h - 1, true, min, max, buckets);
    return (lower + this.next) / 2;
  }

  private finish(src: Float64Array, len: number, k: number, wantNext: boolean): number {
    const v = selectKthBranchFree(src, len, k, this.selA, this.selB);
    if (wantNext) this.next = k + 1 < len ? selectKthBranchFree(src, len, k + 1, this.selA, this.selB) : Infinity;
    return v;
  }
}
