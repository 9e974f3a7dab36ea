/**
 * Everything one window length needs, allocated once and reused for every window of that length:
 * the filled series, its centred and sorted copies (and where each sorted value came from), first
 * differences, a lazy autocorrelation, and the summary numbers several groups share (mean,
 * standard deviation, median, …). Groups that need more scratch (Theil–Sen's pairwise slopes,
 * the spectrum, catch22) hang it here on first use, so a window length pays for its buffers once.
 */
import { LazyAutocorrelation } from './autocorrelation.js';
import type { Catch22Scratch } from './catch22-scratch.js';
import { fillMissing, GAP_LONGEST_RUN, GAP_MISSING } from './missing-values.js';
import type { SpectralScratch } from './spectral-features.js';
import type { TrendScratch } from './trend-features.js';

/** Windows up to this long always finish with insertion sort; longer ones hand over to TypedArray sort beyond INSERTION_MOVES_PER_VALUE·n moves. */
const INSERTION_SORT_ANY = 96;
const INSERTION_MOVES_PER_VALUE = 8;

export class WindowWorkspace {
  readonly n: number;
  /** The window with missing values filled (see missing-values.ts). */
  readonly x: Float64Array;
  /** x − mean. */
  readonly centered: Float64Array;
  /** x in ascending order (−0 before +0, as TypedArray sort puts them). */
  readonly sorted: Float64Array;
  /** First differences x[i+1] − x[i], n − 1 of them. */
  readonly steps: Float64Array;
  /** Free buffer of n values for order statistics (overwritten by whoever uses it). */
  readonly scratch: Float64Array;
  /** Autocorrelation of x, filled lag by lag on demand. */
  readonly acf: LazyAutocorrelation;
  private readonly gaps = new Int32Array(2);
  /** Positions of x in ascending order, equal values by position (see order()). */
  private readonly rank: Int32Array;
  private readonly tieCount: Int32Array;
  private readonly bucketCount: Int32Array;
  private readonly bucketOf: Int32Array;
  private rankKnown = false;

  // Per-window numbers, set by load().
  finiteCount = 0;
  missingCount = 0;
  longestMissingRun = 0;
  sum = 0;
  mean = 0;
  /** Σ (x − mean)². */
  sumSquares = 0;
  /** Population standard deviation (divided by n). */
  std = 0;
  min = 0;
  max = 0;
  median = 0;
  private madValue = 0;
  private madKnown = false;

  // Group scratch, created on first use by the group that needs it.
  trend: TrendScratch | undefined;
  spectral: SpectralScratch | undefined;
  catch22: Catch22Scratch | undefined;

  constructor(n: number) {
    this.n = n;
    this.x = new Float64Array(n);
    this.centered = new Float64Array(n);
    this.sorted = new Float64Array(n);
    this.steps = new Float64Array(Math.max(0, n - 1));
    this.scratch = new Float64Array(n);
    this.acf = new LazyAutocorrelation(n);
    this.rank = new Int32Array(n);
    this.tieCount = new Int32Array(n);
    this.bucketCount = new Int32Array(n);
    this.bucketOf = new Int32Array(n);
  }

  /**
   * Fills and summarises one window of exactly n values. Returns false (and computes nothing
   * beyond the missing-value counts) when fewer than `minFinite` values are finite.
   */
  load(window: ArrayLike<number>, minFinite: number): boolean {
    const n = this.n;
    const x = this.x;
    this.finiteCount = fillMissing(window, n, x, this.gaps);
    this.missingCount = this.gaps[GAP_MISSING];
    this.longestMissingRun = this.gaps[GAP_LONGEST_RUN];
    this.madKnown = false;
    if (this.finiteCount < minFinite || this.finiteCount === 0) return false;

    let sum = 0;
    let min = x[0];
    let max = x[0];
    for (let i = 0; i < n; i++) {
      const v = x[i];
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // A constant window is exactly constant: sum / n can miss the value by an ulp, which would
    // leave ±1e-16 "deviations" and make every shape statistic noise.
    const mean = min === max ? min : sum / n;
    const c = this.centered;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i] - mean;
      c[i] = d;
      ss += d * d;
    }
    this.sum = sum;
    this.mean = mean;
    this.sumSquares = ss;
    this.std = Math.sqrt(ss / n);

    const steps = this.steps;
    for (let i = 1; i < n; i++) steps[i - 1] = x[i] - x[i - 1];

    this.sortWindow(min, max);
    const sorted = this.sorted;
    this.min = min;
    this.max = max;
    const h = n >>> 1;
    this.median = n & 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;

    this.acf.resetCentered(c, n, ss);
    return true;
  }

  /**
   * Sorts x into `sorted`, with positions into `rank` (equal values by position). A counting
   * sort by value bucket (n equal-width buckets over [min, max], stable) puts every value within
   * its bucket's stretch, then an insertion sort finishes, moving values only within a bucket:
   * about linear for the windows we see. When a long window needs many moves (a spike stretching
   * the range crowds the rest into few buckets), TypedArray sort takes over and the positions are
   * found later, on demand (order()).
   */
  private sortWindow(min: number, max: number): void {
    const n = this.n;
    const x = this.x;
    const sorted = this.sorted;
    const rank = this.rank;
    const count = this.bucketCount;
    const bucketOf = this.bucketOf;
    count.fill(0);
    const scale = (n - 1) / (max - min); // Infinity for a constant window: every bucket number is then 0
    for (let i = 0; i < n; i++) {
      const b = ((x[i] - min) * scale) | 0; // 0 … n − 1
      bucketOf[i] = b;
      count[b]++;
    }
    let start = 0;
    for (let b = 0; b < n; b++) {
      const c = count[b];
      count[b] = start;
      start += c;
    }
    for (let i = 0; i < n; i++) {
      const p = count[bucketOf[i]]++;
      sorted[p] = x[i];
      rank[p] = i;
    }
    let budget = n <= INSERTION_SORT_ANY ? n * n : INSERTION_MOVES_PER_VALUE * n; // n² is more than any insertion sort moves
    for (let i = 1; i < n; i++) {
      const v = sorted[i];
      if (!(sorted[i - 1] > v)) continue;
      const r = rank[i];
      let k = i - 1;
      while (k >= 0 && sorted[k] > v) {
        sorted[k + 1] = sorted[k];
        rank[k + 1] = rank[k];
        k--;
      }
      sorted[k + 1] = v;
      rank[k + 1] = r;
      budget -= i - k;
      if (budget < 0) {
        sorted.set(x);
        sorted.sort();
        this.rankKnown = false;
        return;
      }
    }
    if (min <= 0 && max >= 0) this.signedZerosFirst();
    this.rankKnown = true;
  }

  /**
   * Positions of x in ascending order (x[order[k]] = sorted[k]; equal values by position), for
   * the features that need to know where the largest or smallest values sit.
   */
  order(): Int32Array {
    if (!this.rankKnown) {
      // Each value's place in `sorted` by a binary search with no branch on the data, equal
      // values taking consecutive places in position order.
      const n = this.n;
      const x = this.x;
      const sorted = this.sorted;
      const rank = this.rank;
      const ties = this.tieCount;
      ties.fill(0);
      for (let i = 0; i < n; i++) {
        const v = x[i];
        let base = 0;
        let len = n;
        while (len > 1) {
          const half = len >>> 1;
          base += half * +(sorted[base + half - 1] < v);
          len -= half;
        }
        rank[base + ties[base]++] = i;
      }
      if (this.min <= 0 && this.max >= 0) this.signedZerosFirst();
      this.rankKnown = true;
    }
    return this.rank;
  }

  /**
   * Within the run of zeros, −0 before +0 (as TypedArray sort orders them), each sign in position
   * order: both sorts above leave the run's zeros in position order whatever their sign.
   */
  private signedZerosFirst(): void {
    const sorted = this.sorted;
    const rank = this.rank;
    const x = this.x;
    const n = this.n;
    let lo = 0;
    while (lo < n && sorted[lo] < 0) lo++;
    let hi = lo;
    let negative = 0;
    while (hi < n && sorted[hi] === 0) {
      if (1 / x[rank[hi]] < 0) negative++;
      hi++;
    }
    if (negative === 0 || negative === hi - lo) return;
    const tmp = this.tieCount;
    let a = 0;
    for (let k = lo; k < hi; k++) if (1 / x[rank[k]] < 0) tmp[a++] = rank[k];
    for (let k = lo; k < hi; k++) if (1 / x[rank[k]] > 0) tmp[a++] = rank[k];
    for (let k = lo; k < hi; k++) {
      rank[k] = tmp[k - lo];
      sorted[k] = k - lo < negative ? -0 : 0;
    }
  }

  /**
   * Median absolute deviation from the median (unscaled), computed once per window. The
   * deviations below the median, med − sorted[k] for k = h − 1 down to 0, and those above it,
   * sorted[k] − med for k = h up, are each already in ascending order (h = ⌊n/2⌋; the median lies
   * between sorted[h − 1] and sorted[h]), so the middle deviations come from merging the two
   * lists as far as the middle: no selection. |x − med| equals med − x or x − med exactly.
   */
  mad(): number {
    if (!this.madKnown) {
      const n = this.n;
      const sorted = this.sorted;
      const med = this.median;
      const h = n >>> 1;
      let i = h - 1;
      let j = h;
      let previous = 0;
      let current = 0;
      for (let t = 0; t <= h; t++) {
        const below = i >= 0 ? med - sorted[i] : Infinity;
        const above = j < n ? sorted[j] - med : Infinity;
        previous = current;
        if (above < below) {
          current = above;
          j++;
        } else {
          current = below;
          i--;
        }
      }
      // current is the deviation of rank h (0-based), previous that of rank h − 1.
      this.madValue = n & 1 ? current : (previous + current) / 2;
      this.madKnown = true;
    }
    return this.madValue;
  }
}
