/**
 * A robust seasonal baseline: the median, per phase of the season, of the last `cycles` cycles.
 *
 * The season (a day by default) is cut into `bins` phases by timestamp, so irregular or missing
 * samples are no problem. Within one cycle the points of a phase are averaged; when the cycle moves
 * on, that mean joins the phase's last `cycles` values, kept sorted (insertion into ≤ `cycles`
 * slots: O(cycles) = O(1)). The expected value at a time is the median of its phase, linearly
 * interpolated between the two nearest phase centres so a smooth daily curve is not a staircase;
 * it is computed when a phase's values change (once per phase per cycle), not per prediction.
 * Memory: bins × (cycles + 5) numbers, in one Float64Array (see the layout below).
 *
 * The baseline also tracks how much of the series it explains: the ratio of its mean absolute
 * residual to the mean absolute deviation from a slow level (1 = no better than a flat line,
 * near 0 = the season is almost everything).
 */
import { RobustScale } from './rolling-stats.js';
import { packF64, packScalars, unpackF64, unpackScalars, type EncodedArray } from './state-codec.js';
import { withDefaults } from './shared-options.js';

export interface SeasonalBaselineOptions {
  /** Length of the season in ms (default one day). */
  periodMs: number;
  /** Phases per season. */
  bins: number;
  /** Past cycles whose median gives each phase's expected value. */
  cycles: number;
  /** Cycles a phase needs before it predicts. */
  minCycles: number;
  /** Weight of a new residual in the running residual scale and explained-share estimates. */
  alpha: number;
}

export const DEFAULT_SEASONAL: SeasonalBaselineOptions = {
  periodMs: 86_400_000,
  bins: 48,
  cycles: 7,
  minCycles: 2,
  alpha: 0.01,
};

/**
 * Layout of the one Float64Array that holds the baseline's numbers. A prediction and an observation
 * each touch only the per-phase slots of one or two phases (adjacent, so usually one cache line);
 * the rings of past cycle means are touched once per phase per cycle. One block rather than seven
 * arrays and boxed fields: when thousands of series take turns, every separate block is a cache miss.
 */
const ABS_RESIDUAL = 0;
const ABS_DEVIATION = 1;
const SLOW_LEVEL = 2;
const EXPECTED = 3;
/** The residual scale's numbers (RobustScale.SLOTS). */
const RESIDUAL_SCALE = 4;
const HEAD_SLOTS = 6;
/** Per phase: its median (NaN until `minCycles` cycles), values held, the ring's next write slot, and the current cycle's sum, count and index. */
const MEDIAN = 0;
const COUNT = 1;
const RING_HEAD = 2;
const ACC_SUM = 3;
const ACC_N = 4;
const ACC_CYCLE = 5;
const PER_BIN = 6;

/** Scratch for sorting one phase's cycle means (one thread, never held across calls). */
let sortScratch = new Float64Array(8);

export class SeasonalBaseline {
  readonly options: SeasonalBaselineOptions;
  /** HEAD_SLOTS scalars, then PER_BIN slots per phase, then per phase a ring of its last `cycles` cycle means. */
  private readonly v: Float64Array;
  /** Robust scale of x − expected. */
  readonly residualScale: RobustScale;
  private nObserved = 0;
  private nCompared = 0;

  constructor(options: Partial<SeasonalBaselineOptions> = {}) {
    this.options = withDefaults(DEFAULT_SEASONAL, options);
    const { bins, cycles } = this.options;
    this.v = new Float64Array(HEAD_SLOTS + bins * (PER_BIN + cycles));
    for (let b = 0; b < bins; b++) {
      this.v[HEAD_SLOTS + b * PER_BIN + MEDIAN] = NaN;
      this.v[HEAD_SLOTS + b * PER_BIN + ACC_CYCLE] = -1;
    }
    this.v[EXPECTED] = NaN;
    this.residualScale = new RobustScale(this.options.alpha, 4, this.v, RESIDUAL_SCALE);
  }

  /** Result of the last {@link predict}. */
  get expected(): number {
    return this.v[EXPECTED];
  }

  /** Share of the variation the season does NOT explain (1 = none explained); 1 until known. */
  get unexplained(): number {
    const absDeviation = this.v[ABS_DEVIATION];
    if (this.nCompared < 50 || absDeviation <= 0) return 1;
    const r = this.v[ABS_RESIDUAL] / absDeviation;
    return r < 1 ? r : 1;
  }

  /** Whether the baseline has predicted for long enough to be trusted. */
  get ready(): boolean {
    return this.nCompared >= 50;
  }

  /** Expected value at `t` (NaN while its phases have too few cycles); also stored in `expected`. */
  predict(t: number): number {
    const { periodMs, bins } = this.options;
    let phase = (t % periodMs) / periodMs;
    if (phase < 0) phase += 1;
    const p = phase * bins - 0.5;
    const f = Math.floor(p);
    const w = p - f;
    const b0 = f < 0 ? bins - 1 : f;
    const b1 = b0 + 1 === bins ? 0 : b0 + 1;
    const m0 = this.v[HEAD_SLOTS + b0 * PER_BIN + MEDIAN];
    const m1 = this.v[HEAD_SLOTS + b1 * PER_BIN + MEDIAN];
    let e: number;
    if (m0 === m0 && m1 === m1) e = m0 + w * (m1 - m0);
    else if (m0 === m0) e = m0;
    else e = m1;
    this.v[EXPECTED] = e;
    return e;
  }

  /** Learns the point (after {@link predict} was asked about it). */
  observe(t: number, x: number): void {
    const o = this.options;
    const v = this.v;
    // Residual statistics against the prediction made before seeing x.
    this.nObserved++;
    const a = 1 / this.nObserved > o.alpha ? 1 / this.nObserved : o.alpha;
    v[SLOW_LEVEL] += a * (x - v[SLOW_LEVEL]);
    const expected = v[EXPECTED];
    if (expected === expected) {
      const r = x - expected;
      this.residualScale.update(r);
      this.nCompared++;
      const ac = 1 / this.nCompared > o.alpha ? 1 / this.nCompared : o.alpha;
      v[ABS_RESIDUAL] += ac * (Math.abs(r) - v[ABS_RESIDUAL]);
      v[ABS_DEVIATION] += ac * (Math.abs(x - v[SLOW_LEVEL]) - v[ABS_DEVIATION]);
    }
    // Accumulate into this cycle's phase; commit the phase's previous cycle when a new one starts.
    const cycle = Math.floor(t / o.periodMs);
    let phase = (t % o.periodMs) / o.periodMs;
    if (phase < 0) phase += 1;
    let b = Math.floor(phase * o.bins);
    if (b >= o.bins) b = o.bins - 1;
    const at = HEAD_SLOTS + b * PER_BIN;
    if (v[at + ACC_CYCLE] !== cycle) {
      if (v[at + ACC_N] > 0) this.commit(b, v[at + ACC_SUM] / v[at + ACC_N]);
      v[at + ACC_CYCLE] = cycle;
      v[at + ACC_SUM] = 0;
      v[at + ACC_N] = 0;
    }
    v[at + ACC_SUM] += x;
    v[at + ACC_N]++;
  }

  /** Enters a finished cycle's mean into phase b's ring (dropping the oldest) and refreshes its median. */
  private commit(b: number, mean: number): void {
    const { bins, cycles: K, minCycles } = this.options;
    const v = this.v;
    const at = HEAD_SLOTS + b * PER_BIN;
    const ring = HEAD_SLOTS + bins * PER_BIN + b * K;
    const head = v[at + RING_HEAD];
    v[ring + head] = mean;
    v[at + RING_HEAD] = head + 1 === K ? 0 : head + 1;
    const n = v[at + COUNT] < K ? v[at + COUNT] + 1 : K;
    v[at + COUNT] = n;
    if (n < minCycles) return;
    // The median of ≤ `cycles` values by insertion sort: O(cycles) = O(1), once per phase per cycle.
    if (sortScratch.length < n) sortScratch = new Float64Array(n);
    const s = sortScratch;
    for (let i = 0; i < n; i++) {
      const x = v[ring + i];
      let j = i;
      while (j > 0 && s[j - 1] > x) {
        s[j] = s[j - 1];
        j--;
      }
      s[j] = x;
    }
    const h = n >> 1;
    v[at + MEDIAN] = n & 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
  }

  toState(): SeasonalBaselineState {
    return { v: packF64(this.v), s: packScalars([this.nObserved, this.nCompared]) };
  }

  static fromState(options: Partial<SeasonalBaselineOptions>, s: SeasonalBaselineState): SeasonalBaseline {
    const b = new SeasonalBaseline(options);
    b.v.set(unpackF64(s.v, b.v.length, 'SeasonalBaseline'));
    [b.nObserved, b.nCompared] = unpackScalars(s.s, 2, 'SeasonalBaseline');
    return b;
  }
}

export interface SeasonalBaselineState {
  /** Every number but the point counts, in the layout above. */
  v: EncodedArray;
  s: EncodedArray;
}
