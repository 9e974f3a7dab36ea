/**
 * A robust seasonal baseline: the median, per phase of the season, of the last `cycles` cycles.
 *
 * The season (a day by default) is cut into `bins` phases by timestamp, so irregular or missing
 * samples are no problem. Within one cycle the points of a phase are averaged; when the cycle moves
 * on, that mean joins the phase's last `cycles` values, kept sorted (insertion into ≤ `cycles`
 * slots: O(cycles) = O(1)). The expected value at a time is the median of its phase, linearly
 * interpolated between the two nearest phase centres so a smooth daily curve is not a staircase;
 * it is computed when a phase's values change (once per phase per cycle), not per prediction.
 * Memory: 8 + bins × (cycles + 6) numbers (a kernel: see kernel.ts; the layout is below).
 *
 * The baseline also tracks how much of the series it explains: the ratio of its mean absolute
 * residual to the mean absolute deviation from a slow level (1 = no better than a flat line,
 * near 0 = the season is almost everything).
 */
import type { Kernel } from './kernel.js';
import { RobustScale } from './rolling-stats.js';
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
 * Slots from `at`. A prediction and an observation each touch only the head and the per-phase
 * slots of one or two phases (adjacent, so usually one cache line); the rings of past cycle means
 * are touched once per phase per cycle.
 */
const ABS_RESIDUAL = 0;
const ABS_DEVIATION = 1;
const SLOW_LEVEL = 2;
const EXPECTED = 3;
const N_OBSERVED = 4;
const N_COMPARED = 5;
/** The residual scale's numbers (RobustScale.SLOTS). */
const RESIDUAL_SCALE = 6;
const HEAD_SLOTS = 8;
/** Per phase: its median (NaN until `minCycles` cycles), values held, the ring's next write slot, and the current cycle's sum, count and index. */
const MEDIAN = 0;
const COUNT = 1;
const RING_HEAD = 2;
const ACC_SUM = 3;
const ACC_N = 4;
const ACC_CYCLE = 5;
const PER_BIN = 6;
/** Comparisons before the baseline is trusted. */
const READY_AFTER = 50;

/** Scratch for sorting one phase's cycle means (one thread, never held across calls). */
let sortScratch = new Float64Array(8);

export class SeasonalBaseline implements Kernel {
  readonly options: SeasonalBaselineOptions;
  readonly slots: number;
  /** Robust scale of x − expected. */
  private readonly residualScale: RobustScale;

  constructor(options: Partial<SeasonalBaselineOptions> = {}) {
    this.options = withDefaults(DEFAULT_SEASONAL, options);
    this.slots = HEAD_SLOTS + this.options.bins * (PER_BIN + this.options.cycles);
    this.residualScale = new RobustScale(this.options.alpha, 4);
  }

  init(v: Float64Array, at: number): void {
    v.fill(0, at, at + this.slots);
    for (let b = 0; b < this.options.bins; b++) {
      v[at + HEAD_SLOTS + b * PER_BIN + MEDIAN] = NaN;
      v[at + HEAD_SLOTS + b * PER_BIN + ACC_CYCLE] = -1;
    }
    v[at + EXPECTED] = NaN;
    this.residualScale.init(v, at + RESIDUAL_SCALE);
  }

  /** Result of the last {@link predict}. */
  expected(v: Float64Array, at: number): number {
    return v[at + EXPECTED];
  }

  /** σ of the residuals against the baseline. */
  residualSigma(v: Float64Array, at: number): number {
    return this.residualScale.sigma(v, at + RESIDUAL_SCALE);
  }

  /** Share of the variation the season does NOT explain (1 = none explained); 1 until known. */
  unexplained(v: Float64Array, at: number): number {
    const absDeviation = v[at + ABS_DEVIATION];
    if (v[at + N_COMPARED] < READY_AFTER || absDeviation <= 0) return 1;
    const r = v[at + ABS_RESIDUAL] / absDeviation;
    return r < 1 ? r : 1;
  }

  /** Whether the baseline has predicted for long enough to be trusted. */
  ready(v: Float64Array, at: number): boolean {
    return v[at + N_COMPARED] >= READY_AFTER;
  }

  /** The first slot (from `at`) of the phase that a point at `t` reads and writes. */
  phaseSlot(t: number): number {
    const { periodMs, bins } = this.options;
    let phase = (t % periodMs) / periodMs;
    if (phase < 0) phase += 1;
    const b = Math.floor(phase * bins);
    return HEAD_SLOTS + (b < bins ? b : bins - 1) * PER_BIN;
  }

  /** Expected value at `t` (NaN while its phases have too few cycles); also stored as `expected`. */
  predict(v: Float64Array, at: number, t: number): number {
    const { periodMs, bins } = this.options;
    let phase = (t % periodMs) / periodMs;
    if (phase < 0) phase += 1;
    const p = phase * bins - 0.5;
    const f = Math.floor(p);
    const w = p - f;
    const b0 = f < 0 ? bins - 1 : f;
    const b1 = b0 + 1 === bins ? 0 : b0 + 1;
    const m0 = v[at + HEAD_SLOTS + b0 * PER_BIN + MEDIAN];
    const m1 = v[at + HEAD_SLOTS + b1 * PER_BIN + MEDIAN];
    let e: number;
    if (m0 === m0 && m1 === m1) e = m0 + w * (m1 - m0);
    else if (m0 === m0) e = m0;
    else e = m1;
    v[at + EXPECTED] = e;
    return e;
  }

  /** Learns the point (after {@link predict} was asked about it). */
  observe(v: Float64Array, at: number, t: number, x: number): void {
    const o = this.options;
    // Residual statistics against the prediction made before seeing x.
    const nObserved = ++v[at + N_OBSERVED];
    const a = 1 / nObserved > o.alpha ? 1 / nObserved : o.alpha;
    v[at + SLOW_LEVEL] += a * (x - v[at + SLOW_LEVEL]);
    const expected = v[at + EXPECTED];
    if (expected === expected) {
      const r = x - expected;
      this.residualScale.update(v, at + RESIDUAL_SCALE, r);
      const nCompared = ++v[at + N_COMPARED];
      const ac = 1 / nCompared > o.alpha ? 1 / nCompared : o.alpha;
      v[at + ABS_RESIDUAL] += ac * (Math.abs(r) - v[at + ABS_RESIDUAL]);
      v[at + ABS_DEVIATION] += ac * (Math.abs(x - v[at + SLOW_LEVEL]) - v[at + ABS_DEVIATION]);
    }
    // Accumulate into this cycle's phase; commit the phase's previous cycle when a new one starts.
    const cycle = Math.floor(t / o.periodMs);
    let phase = (t % o.periodMs) / o.periodMs;
    if (phase < 0) phase += 1;
    let b = Math.floor(phase * o.bins);
    if (b >= o.bins) b = o.bins - 1;
    const p = at + HEAD_SLOTS + b * PER_BIN;
    if (v[p + ACC_CYCLE] !== cycle) {
      if (v[p + ACC_N] > 0) this.commit(v, at, b, v[p + ACC_SUM] / v[p + ACC_N]);
      v[p + ACC_CYCLE] = cycle;
      v[p + ACC_SUM] = 0;
      v[p + ACC_N] = 0;
    }
    v[p + ACC_SUM] += x;
    v[p + ACC_N]++;
  }

  /** Enters a finished cycle's mean into phase b's ring (dropping the oldest) and refreshes its median. */
  private commit(v: Float64Array, at: number, b: number, mean: number): void {
    const { bins, cycles: K, minCycles } = this.options;
    const p = at + HEAD_SLOTS + b * PER_BIN;
    const ring = at + HEAD_SLOTS + bins * PER_BIN + b * K;
    const head = v[p + RING_HEAD];
    v[ring + head] = mean;
    v[p + RING_HEAD] = head + 1 === K ? 0 : head + 1;
    const n = v[p + COUNT] < K ? v[p + COUNT] + 1 : K;
    v[p + COUNT] = n;
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
    v[p + MEDIAN] = n & 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
  }
}
