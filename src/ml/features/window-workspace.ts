/**
 * Everything one window length needs, allocated once and reused for every window of that length:
 * the filled series, its centred and sorted copies, first differences, a lazy autocorrelation,
 * and the summary numbers several groups share (mean, standard deviation, median, …). Groups
 * that need more scratch (Theil–Sen's pairwise slopes, the spectrum, catch22) hang it here on
 * first use, so a window length pays for its buffers once.
 */
import { LazyAutocorrelation } from './autocorrelation.js';
import type { Catch22Scratch } from './catch22-scratch.js';
import { fillMissing, GAP_LONGEST_RUN, GAP_MISSING } from './missing-values.js';
import { medianInPlace } from './selection.js';
import type { SpectralScratch } from './spectral-features.js';
import type { TrendScratch } from './trend-features.js';

export class WindowWorkspace {
  readonly n: number;
  /** The window with missing values filled (see missing-values.ts). */
  readonly x: Float64Array;
  /** x − mean. */
  readonly centered: Float64Array;
  /** x in ascending order. */
  readonly sorted: Float64Array;
  /** First differences x[i+1] − x[i], n − 1 of them. */
  readonly steps: Float64Array;
  /** Free buffer of n values for order statistics (overwritten by whoever uses it). */
  readonly scratch: Float64Array;
  /** Autocorrelation of x, filled lag by lag on demand. */
  readonly acf: LazyAutocorrelation;
  private readonly gaps = new Int32Array(2);

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

    const sorted = this.sorted;
    sorted.set(x);
    sorted.sort();
    this.min = min;
    this.max = max;
    const h = n >>> 1;
    this.median = n & 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;

    this.acf.resetCentered(c, n, ss);
    return true;
  }

  /** Median absolute deviation from the median (unscaled), computed once per window. */
  mad(): number {
    if (!this.madKnown) {
      const s = this.scratch;
      const x = this.x;
      const med = this.median;
      for (let i = 0; i < this.n; i++) s[i] = Math.abs(x[i] - med);
      this.madValue = medianInPlace(s, this.n);
      this.madKnown = true;
    }
    return this.madValue;
  }
}
