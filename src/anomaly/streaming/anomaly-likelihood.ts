/**
 * The anomaly-likelihood step (after Numenta's post-processing of HTM scores, Ahmad et al. 2017):
 * a detector's raw surprise is judged against that same detector's own recent history on this
 * series, so one threshold works for quiet and for noisy series alike.
 *
 *   m_t   = mean of the last `shortWindow` raw values           (short-term level of surprise)
 *   μ, σ  = mean and standard deviation of m over the previous `historyWindow` points
 *   z     = (m_t − μ) / max(σ, stdFloor)
 *   score = min(1, −log10 Q(z) / decades)       Q = upper tail of the standard normal
 *
 * so a score of 0.5 with decades = 10 means "a short-term surprise this high happens once in 10⁵
 * points of this series' recent past". Only upward excursions count: surprise below its usual level
 * is not anomalous.
 *
 * That Gaussian reading is sharp but fooled by heavy-tailed or recurring surprise (a jump every
 * morning inflates σ yet still scores as a five-sigma event each day). The default 'empirical'
 * tail instead counts how much of the history was at least as surprising: a histogram of the
 * surprise on a log scale (`binsPerOctave` bins per doubling) with exponential forgetting over
 * `historyWindow` points, p = (weight at or above m, mid-rank + 1) / (history weight + 1). Beyond
 * everything seen, p keeps falling as a power law, 2^−γ per doubling past the top occupied bin.
 * Both are O(1) per point (128 bins in 16 groups: at most 24 additions), and the empirical history
 * is 1.2 KiB however long the window. A kernel (see kernel.ts).
 */
import type { Kernel } from './kernel.js';
import { WindowMoments } from './rolling-stats.js';
import { withDefaults } from './shared-options.js';

export interface AnomalyLikelihoodOptions {
  /** Points averaged into the short-term surprise (1 = the point itself). */
  shortWindow: number;
  /** Points of history the short-term surprise is compared with (the forgetting horizon of the empirical tail). */
  historyWindow: number;
  /** History needed before any score above 0 is given. */
  minHistory: number;
  /** Lower bound of σ, in the raw surprise's units (keeps near-constant surprise from exploding). */
  stdFloor: number;
  /** Decades of tail probability that map to a score of 1. */
  decades: number;
  /**
   * How the tail probability is estimated: 'gaussian' from the mean and σ of the history (Numenta's
   * way; sharp but fooled by heavy or recurring surprises), 'empirical' from the history's own
   * histogram (a surprise that recurs daily stays unremarkable), 'both' the larger (more cautious)
   * of the two.
   */
  tail: 'gaussian' | 'empirical' | 'both';
  /** Empirical tail: histogram bins per doubling of the surprise. */
  binsPerOctave: number;
  /** Empirical tail beyond the largest surprise in the history: p falls by 2^−γ per doubling. */
  tailExponent: number;
}

export const DEFAULT_LIKELIHOOD: AnomalyLikelihoodOptions = {
  shortWindow: 1,
  historyWindow: 8000,
  minHistory: 100,
  stdFloor: 0.05,
  decades: 10,
  tail: 'empirical',
  binsPerOctave: 4,
  tailExponent: 4,
};

const LOG10E = 0.4342944819032518;

/**
 * log10 of Q(z) = P(Z > z) for a standard normal Z, accurate to ~1e-7 relative for every z and
 * free of underflow in the far tail (the complementary error function of Numerical Recipes'
 * Chebyshev fit, kept in logs).
 */
export function log10NormalTail(z: number): number {
  const x = Math.abs(z) * 0.7071067811865476;
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  // ln erfc(x) = ln t + poly;  Q(z) = erfc(z/√2)/2 for z ≥ 0, 1 − erfc(|z|/√2)/2 below.
  const lnHalfErfc = Math.log(t) + poly - Math.LN2;
  if (z >= 0) return lnHalfErfc * LOG10E;
  return Math.log10(1 - Math.exp(lnHalfErfc));
}

const HIST_BINS = 128;
/** Bins are summed in groups of GROUP_BINS (one cache line of bins), whose totals are kept too. */
const GROUP_BINS = 8;
const GROUPS = HIST_BINS / GROUP_BINS;
/** log2 of the smallest surprise with its own bin (everything below, zero included, shares bin 0). */
const HIST_LOG2_MIN = -10;
/** Weights are renormalised when the growing increment passes this (O(bins), very rarely). */
const RESCALE_AT = 1e150;
/**
 * Slots from `at`: the scalars and the group totals, which every update touches; then the short
 * window's moments (where shortWindow > 1); then the bins; then the history's moments (gaussian
 * and 'both' tails). "Weight at or above bin b" is the sum of the groups above b's group and of
 * b's group's bins from b up: an update touches the head and one line of bins, where a Fenwick
 * tree touched about five lines (when thousands of series take turns, each line is a likely miss).
 */
const SEEN = 0;
const INCREMENT = 1;
const TOTAL = 2;
const LAST_Z = 3;
const GROUP_SUMS = 4;
const HEAD = GROUP_SUMS + GROUPS;

export class AnomalyLikelihood implements Kernel {
  readonly options: AnomalyLikelihoodOptions;
  readonly slots: number;
  /** Slots from `at` that every update touches (the head and the short window); the bins follow. */
  readonly hotSlots: number;
  /** The moving average of raw surprise (only when shortWindow > 1), at `at + HEAD`. */
  private readonly short: WindowMoments | undefined;
  /** Mean and variance over the sliding history ('gaussian' and 'both' tails only), after the bins. */
  private readonly history: WindowMoments | undefined;
  private readonly binsAt: number;
  private readonly historyAt: number;
  /** Weight growth per point: 1 / (1 − 1/historyWindow). */
  private readonly growth: number;

  constructor(options: Partial<AnomalyLikelihoodOptions> = {}) {
    this.options = withDefaults(DEFAULT_LIKELIHOOD, options);
    this.short = this.options.shortWindow > 1 ? new WindowMoments(this.options.shortWindow) : undefined;
    this.history = this.options.tail === 'empirical' ? undefined : new WindowMoments(this.options.historyWindow);
    this.binsAt = this.hotSlots = HEAD + (this.short?.slots ?? 0);
    this.historyAt = this.binsAt + HIST_BINS;
    this.slots = this.historyAt + (this.history?.slots ?? 0);
    this.growth = 1 - 1 / this.options.historyWindow;
  }

  init(v: Float64Array, at: number): void {
    v.fill(0, at, at + HEAD);
    v.fill(0, at + this.binsAt, at + this.binsAt + HIST_BINS);
    v[at + INCREMENT] = 1;
    this.short?.init(v, at + HEAD);
    this.history?.init(v, at + this.historyAt);
  }

  /** The last z against the history's mean and σ ('gaussian' and 'both' tails only). */
  lastZ(v: Float64Array, at: number): number {
    return v[at + LAST_Z];
  }

  /** Points fed so far. */
  historyLength(v: Float64Array, at: number): number {
    return v[at + SEEN];
  }

  private bin(x: number): number {
    if (!(x > 0)) return 0;
    const b = Math.floor((Math.log2(x) - HIST_LOG2_MIN) * this.options.binsPerOctave);
    return b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b;
  }

  /**
   * Weight of the history at or above `bin`, in units of the newest point's weight. Instead of
   * shrinking every weight each step, each new point adds a weight that grows by
   * 1/(1 − 1/historyWindow) per step (INCREMENT), and TOTAL sums them.
   */
  private atLeast(v: Float64Array, at: number, bin: number): number {
    const g = bin >> 3;
    let s = 0;
    for (let j = GROUPS - 1; j > g; j--) s += v[at + GROUP_SUMS + j];
    const bins = at + this.binsAt;
    for (let i = (g << 3) + GROUP_BINS - 1; i >= bin; i--) s += v[bins + i];
    return s / v[at + INCREMENT];
  }

  /** log10 of the empirical probability of a surprise at least m. */
  private log10EmpiricalTail(v: Float64Array, at: number, m: number): number {
    const b = this.bin(m);
    if (b === 0) return 0; // no surprise at all (below 2^−10) is never anomalous
    const inc = v[at + INCREMENT];
    const n = v[at + TOTAL] / inc;
    const ge = this.atLeast(v, at, b);
    const bins = at + this.binsAt;
    if (ge >= 1) return Math.log10((ge - (0.5 * v[bins + b]) / inc + 1) / (n + 1));
    // Beyond (almost) everything seen: a power-law tail from the top bin holding a point's worth.
    let top = b - 1;
    for (let above = ge; top > 0; top--) {
      above += v[bins + top] / inc;
      if (above >= 1) break;
    }
    const octaves = (b - top) / this.options.binsPerOctave;
    return -Math.log10(n + 1) - this.options.tailExponent * octaves * Math.LOG10E * Math.LN2;
  }

  private remember(v: Float64Array, at: number, m: number): void {
    const bins = at + this.binsAt;
    if (v[at + INCREMENT] > RESCALE_AT) {
      const inc = v[at + INCREMENT];
      for (let i = 0; i < HIST_BINS; i++) v[bins + i] /= inc;
      for (let j = 0; j < GROUPS; j++) v[at + GROUP_SUMS + j] /= inc;
      v[at + TOTAL] /= inc;
      v[at + INCREMENT] = 1;
    }
    const w = v[at + INCREMENT];
    const b = this.bin(m);
    v[bins + b] += w;
    v[at + GROUP_SUMS + (b >> 3)] += w;
    v[at + TOTAL] += w;
    v[at + INCREMENT] = w / this.growth;
  }

  /** Feeds one raw surprise; returns its likelihood score in [0, 1]. */
  update(v: Float64Array, at: number, raw: number): number {
    const o = this.options;
    let m = raw;
    if (this.short) {
      this.short.push(v, at + HEAD, raw);
      m = this.short.mean(v, at + HEAD);
    }
    let score = 0;
    const seen = v[at + SEEN];
    if (seen >= o.minHistory) {
      let lp: number;
      if (this.history) {
        const h = at + this.historyAt;
        const sd = Math.sqrt(this.history.variance(v, h));
        const z = (m - this.history.mean(v, h)) / (sd > o.stdFloor ? sd : o.stdFloor);
        v[at + LAST_Z] = z;
        lp = z > 0 ? log10NormalTail(z) : 0;
        if (o.tail === 'both') {
          const le = this.log10EmpiricalTail(v, at, m);
          if (le > lp) lp = le;
        }
      } else lp = this.log10EmpiricalTail(v, at, m);
      score = -lp / o.decades;
      if (score > 1) score = 1;
      else if (score < 0) score = 0;
    }
    v[at + SEEN] = seen + 1;
    if (this.history) this.history.push(v, at + this.historyAt, m);
    if (o.tail !== 'gaussian') this.remember(v, at, m);
    return score;
  }
}
