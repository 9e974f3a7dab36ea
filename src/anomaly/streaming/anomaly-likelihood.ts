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
 * Both are O(1) per point (a 128-bin Fenwick tree: O(log 128)), and the empirical history is 1 KiB
 * however long the window.
 */
import { WindowMoments, type WindowMomentsState } from './rolling-stats.js';
import { MLInputError } from '../../ml/core/index.js';
import { packF64, unpackF64, type EncodedArray } from './state-codec.js';
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
/** log2 of the smallest surprise with its own bin (everything below, zero included, shares bin 0). */
const HIST_LOG2_MIN = -10;
/** Weights are renormalised when the growing increment passes this (O(bins), very rarely). */
const RESCALE_AT = 1e150;
/**
 * A likelihood step's numbers are PACKED slots of a Float64Array: the Fenwick tree (slots
 * 1…HIST_BINS; slot 0 is unused) followed by its scalars, right after the tree's root (slot
 * HIST_BINS), which every update touches. The array may be shared: a series detector keeps all its
 * likelihood steps in one, since when thousands of series take turns every separate allocation
 * (and boxed double field) is one more cache miss per point.
 */
const INCREMENT = HIST_BINS + 1;
const TOTAL = HIST_BINS + 2;
const LAST_Z = HIST_BINS + 3;
const SEEN = HIST_BINS + 4;
const PACKED = HIST_BINS + 5;

export class AnomalyLikelihood {
  /** Float64Array slots one likelihood step takes in a shared store (see the constructor). */
  static readonly SLOTS = PACKED;
  readonly options: AnomalyLikelihoodOptions;
  /** The moving average of raw surprise (only when shortWindow > 1). */
  private short: WindowMoments | undefined;
  /** Mean and variance over the sliding history ('gaussian' and 'both' tails only). */
  private history: WindowMoments | undefined;
  /**
   * Empirical tail: a Fenwick tree of exponentially forgotten bin weights, indexed from the top bin
   * down so prefix sums are "weight at or above". Instead of shrinking every weight each step, each
   * new point adds a weight that grows by 1/(1 − 1/historyWindow) per step (`increment`), and
   * `totalWeight` sums them (both packed after the tree, see INCREMENT): slots at…at + SLOTS of f.
   */
  private readonly f: Float64Array;
  private readonly at: number;

  /** Keeps its numbers in `store` from slot `at` (SLOTS of them) when given, else in an array of its own. */
  constructor(options: Partial<AnomalyLikelihoodOptions> = {}, store?: Float64Array, at = 0) {
    this.options = withDefaults(DEFAULT_LIKELIHOOD, options);
    this.short = this.options.shortWindow > 1 ? new WindowMoments(this.options.shortWindow) : undefined;
    this.history = this.options.tail === 'empirical' ? undefined : new WindowMoments(this.options.historyWindow);
    if (store && store.length < at + PACKED) throw new MLInputError(`AnomalyLikelihood: store has no room for ${PACKED} slots at ${at}`);
    this.f = store ?? new Float64Array(PACKED);
    this.at = store ? at : 0;
    this.f.fill(0, this.at, this.at + PACKED);
    this.f[this.at + INCREMENT] = 1;
  }

  /** The last z against the history's mean and σ ('gaussian' and 'both' tails only). */
  get lastZ(): number {
    return this.f[this.at + LAST_Z];
  }

  /** Points fed so far. */
  get historyLength(): number {
    return this.f[this.at + SEEN];
  }

  private bin(x: number): number {
    if (!(x > 0)) return 0;
    const b = Math.floor((Math.log2(x) - HIST_LOG2_MIN) * this.options.binsPerOctave);
    return b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b;
  }

  /** Weight of the history at or above `bin`, in units of the newest point's weight. */
  private atLeast(bin: number): number {
    const f = this.f;
    const at = this.at;
    let s = 0;
    for (let i = HIST_BINS - bin; i > 0; i -= i & -i) s += f[at + i];
    return s / f[at + INCREMENT];
  }

  /** log10 of the empirical probability of a surprise at least m. */
  private log10EmpiricalTail(m: number): number {
    const b = this.bin(m);
    if (b === 0) return 0; // no surprise at all (below 2^−10) is never anomalous
    const n = this.f[this.at + TOTAL] / this.f[this.at + INCREMENT];
    const ge = this.atLeast(b);
    if (ge >= 1) {
      const inBin = ge - (b + 1 < HIST_BINS ? this.atLeast(b + 1) : 0);
      return Math.log10((ge - 0.5 * inBin + 1) / (n + 1));
    }
    // Beyond (almost) everything seen: a power-law tail from the top bin holding a point's worth.
    let top = b - 1;
    while (top > 0 && this.atLeast(top) < 1) top--;
    const octaves = (b - top) / this.options.binsPerOctave;
    return -Math.log10(n + 1) - this.options.tailExponent * octaves * Math.LOG10E * Math.LN2;
  }

  private remember(m: number): void {
    const f = this.f;
    const at = this.at;
    if (f[at + INCREMENT] > RESCALE_AT) {
      const inc = f[at + INCREMENT];
      for (let i = 0; i <= HIST_BINS; i++) f[at + i] /= inc;
      f[at + TOTAL] /= inc;
      f[at + INCREMENT] = 1;
    }
    const w = f[at + INCREMENT];
    for (let i = HIST_BINS - this.bin(m); i <= HIST_BINS; i += i & -i) f[at + i] += w;
    f[at + TOTAL] += w;
    f[at + INCREMENT] = w / (1 - 1 / this.options.historyWindow);
  }

  /** Feeds one raw surprise; returns its likelihood score in [0, 1]. */
  update(raw: number): number {
    const o = this.options;
    let m = raw;
    if (this.short) {
      this.short.push(raw);
      m = this.short.mean;
    }
    let score = 0;
    const seen = this.f[this.at + SEEN];
    if (seen >= o.minHistory) {
      let lp: number;
      if (this.history) {
        const sd = Math.sqrt(this.history.variance);
        const z = (m - this.history.mean) / (sd > o.stdFloor ? sd : o.stdFloor);
        this.f[this.at + LAST_Z] = z;
        lp = z > 0 ? log10NormalTail(z) : 0;
        if (o.tail === 'both') {
          const le = this.log10EmpiricalTail(m);
          if (le > lp) lp = le;
        }
      } else lp = this.log10EmpiricalTail(m);
      score = -lp / o.decades;
      if (score > 1) score = 1;
      else if (score < 0) score = 0;
    }
    this.f[this.at + SEEN] = seen + 1;
    this.history?.push(m);
    if (o.tail !== 'gaussian') this.remember(m);
    return score;
  }

  toState(): AnomalyLikelihoodState {
    return {
      short: this.short?.toState(),
      history: this.history?.toState(),
      f: packF64(this.f.slice(this.at, this.at + PACKED)),
    };
  }

  /** Restores a likelihood step (into `store` from slot `at`, when given: see the constructor). */
  static fromState(options: Partial<AnomalyLikelihoodOptions>, s: AnomalyLikelihoodState, store?: Float64Array, at = 0): AnomalyLikelihood {
    const a = new AnomalyLikelihood(options, store, at);
    if (a.short) {
      if (!s.short) throw new MLInputError('AnomalyLikelihood: state lacks the short window its options need');
      a.short = WindowMoments.fromState(s.short);
    }
    if (a.history) {
      if (!s.history) throw new MLInputError('AnomalyLikelihood: state lacks the history moments its options need');
      a.history = WindowMoments.fromState(s.history);
    }
    a.f.set(unpackF64(s.f, PACKED, 'AnomalyLikelihood'), a.at);
    return a;
  }
}

export interface AnomalyLikelihoodState {
  short: WindowMomentsState | undefined;
  history: WindowMomentsState | undefined;
  /** The Fenwick tree and its scalars (see INCREMENT). */
  f: EncodedArray;
}
