/**
 * A robust seasonal baseline: the median, per phase of the season, of the last `cycles` cycles.
 *
 * The season (a day by default) is cut into `bins` phases by timestamp, so irregular or missing
 * samples are no problem. Within one cycle the points of a phase are averaged; when the cycle moves
 * on, that mean joins the phase's last `cycles` values, kept sorted (insertion into ≤ `cycles`
 * slots: O(cycles) = O(1)). The expected value at a time is the median of its phase, linearly
 * interpolated between the two nearest phase centres so a smooth daily curve is not a staircase.
 * Memory: bins × cycles × 2 numbers.
 *
 * The baseline also tracks how much of the series it explains: the ratio of its mean absolute
 * residual to the mean absolute deviation from a slow level (1 = no better than a flat line,
 * near 0 = the season is almost everything).
 */
import { RobustScale } from './rolling-stats.js';
import { packF64, packI32, packScalars, unpackF64, unpackI32, unpackScalars, type EncodedArray } from './state-codec.js';

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

export class SeasonalBaseline {
  readonly options: SeasonalBaselineOptions;
  /** Per bin: the last `cycles` cycle means, in arrival order (a ring per bin). */
  private readonly ring: Float64Array;
  /** Per bin: the same values sorted ascending. */
  private readonly sorted: Float64Array;
  /** Per bin: values held, and the ring's next write slot. */
  private readonly count: Int32Array;
  private readonly head: Int32Array;
  /** Per bin: sum and count of the current cycle's points, and which cycle they belong to. */
  private readonly accSum: Float64Array;
  private readonly accN: Float64Array;
  private readonly accCycle: Float64Array;
  /** Robust scale of x − expected. */
  readonly residualScale: RobustScale;
  /** Mean absolute residual of the baseline and of a slow level (for the explained share). */
  private absResidual = 0;
  private absDeviation = 0;
  private slowLevel = 0;
  private nObserved = 0;
  private nCompared = 0;
  /** Results of the last {@link predict}. */
  expected = NaN;

  constructor(options: Partial<SeasonalBaselineOptions> = {}) {
    this.options = { ...DEFAULT_SEASONAL, ...options };
    const { bins, cycles } = this.options;
    this.ring = new Float64Array(bins * cycles);
    this.sorted = new Float64Array(bins * cycles);
    this.count = new Int32Array(bins);
    this.head = new Int32Array(bins);
    this.accSum = new Float64Array(bins);
    this.accN = new Float64Array(bins);
    this.accCycle = new Float64Array(bins).fill(-1);
    this.residualScale = new RobustScale(this.options.alpha, 4);
  }

  /** Share of the variation the season does NOT explain (1 = none explained); 1 until known. */
  get unexplained(): number {
    if (this.nCompared < 50 || this.absDeviation <= 0) return 1;
    const r = this.absResidual / this.absDeviation;
    return r < 1 ? r : 1;
  }

  /** Whether the baseline has predicted for long enough to be trusted. */
  get ready(): boolean {
    return this.nCompared >= 50;
  }

  private median(b: number): number {
    const n = this.count[b];
    if (n < this.options.minCycles) return NaN;
    const o = b * this.options.cycles;
    const h = n >> 1;
    return n & 1 ? this.sorted[o + h] : 0.5 * (this.sorted[o + h - 1] + this.sorted[o + h]);
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
    const m0 = this.median(b0);
    const m1 = this.median(b1);
    let e: number;
    if (m0 === m0 && m1 === m1) e = m0 + w * (m1 - m0);
    else if (m0 === m0) e = m0;
    else e = m1;
    this.expected = e;
    return e;
  }

  /** Learns the point (after {@link predict} was asked about it). */
  observe(t: number, x: number): void {
    const o = this.options;
    // Residual statistics against the prediction made before seeing x.
    this.nObserved++;
    const a = 1 / this.nObserved > o.alpha ? 1 / this.nObserved : o.alpha;
    this.slowLevel += a * (x - this.slowLevel);
    if (this.expected === this.expected) {
      const r = x - this.expected;
      this.residualScale.update(r);
      this.nCompared++;
      const ac = 1 / this.nCompared > o.alpha ? 1 / this.nCompared : o.alpha;
      this.absResidual += ac * (Math.abs(r) - this.absResidual);
      this.absDeviation += ac * (Math.abs(x - this.slowLevel) - this.absDeviation);
    }
    // Accumulate into this cycle's phase; commit the phase's previous cycle when a new one starts.
    const cycle = Math.floor(t / o.periodMs);
    let phase = (t % o.periodMs) / o.periodMs;
    if (phase < 0) phase += 1;
    let b = Math.floor(phase * o.bins);
    if (b >= o.bins) b = o.bins - 1;
    if (this.accCycle[b] !== cycle) {
      if (this.accN[b] > 0) this.commit(b, this.accSum[b] / this.accN[b]);
      this.accCycle[b] = cycle;
      this.accSum[b] = 0;
      this.accN[b] = 0;
    }
    this.accSum[b] += x;
    this.accN[b]++;
  }

  private commit(b: number, v: number): void {
    const K = this.options.cycles;
    const o = b * K;
    const n = this.count[b];
    if (n === K) {
      // Remove the oldest value from the sorted run.
      const old = this.ring[o + this.head[b]];
      let i = 0;
      while (i < n - 1 && this.sorted[o + i] !== old) i++;
      for (; i < n - 1; i++) this.sorted[o + i] = this.sorted[o + i + 1];
      this.count[b] = n - 1;
    }
    this.ring[o + this.head[b]] = v;
    this.head[b] = this.head[b] + 1 === K ? 0 : this.head[b] + 1;
    let j = this.count[b];
    while (j > 0 && this.sorted[o + j - 1] > v) {
      this.sorted[o + j] = this.sorted[o + j - 1];
      j--;
    }
    this.sorted[o + j] = v;
    this.count[b]++;
  }

  toState(): SeasonalBaselineState {
    return {
      ring: packF64(this.ring),
      sorted: packF64(this.sorted),
      count: packI32(this.count),
      head: packI32(this.head),
      accSum: packF64(this.accSum),
      accN: packF64(this.accN),
      accCycle: packF64(this.accCycle),
      s: packScalars([...this.residualScale.pack(), this.absResidual, this.absDeviation, this.slowLevel, this.nObserved, this.nCompared, this.expected]),
    };
  }

  static fromState(options: Partial<SeasonalBaselineOptions>, s: SeasonalBaselineState): SeasonalBaseline {
    const b = new SeasonalBaseline(options);
    const { bins, cycles } = b.options;
    b.ring.set(unpackF64(s.ring, bins * cycles, 'SeasonalBaseline'));
    b.sorted.set(unpackF64(s.sorted, bins * cycles, 'SeasonalBaseline'));
    b.count.set(unpackI32(s.count, bins, 'SeasonalBaseline'));
    b.head.set(unpackI32(s.head, bins, 'SeasonalBaseline'));
    b.accSum.set(unpackF64(s.accSum, bins, 'SeasonalBaseline'));
    b.accN.set(unpackF64(s.accN, bins, 'SeasonalBaseline'));
    b.accCycle.set(unpackF64(s.accCycle, bins, 'SeasonalBaseline'));
    const v = unpackScalars(s.s, 8, 'SeasonalBaseline');
    let at = b.residualScale.unpack(v, 0);
    b.absResidual = v[at++];
    b.absDeviation = v[at++];
    b.slowLevel = v[at++];
    b.nObserved = v[at++];
    b.nCompared = v[at++];
    b.expected = v[at++];
    return b;
  }
}

export interface SeasonalBaselineState {
  ring: EncodedArray;
  sorted: EncodedArray;
  count: EncodedArray;
  head: EncodedArray;
  accSum: EncodedArray;
  accN: EncodedArray;
  accCycle: EncodedArray;
  s: EncodedArray;
}
