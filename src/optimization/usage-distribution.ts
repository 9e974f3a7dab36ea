/**
 * The distribution of a VM's resource usage over a future window (e.g. the next 7 days), as a
 * weighted histogram on a fixed log-spaced grid. Rightsizing asks it three things: a quantile
 * ("what covers 95 % of the 5-minute intervals?"), an exceedance ("what share of intervals would
 * exceed x?") and a cost-optimal size (the smallest allocation + penalty × exceedance).
 *
 * Grid: bin 0 holds [0, lo); bin k ≥ 1 holds [lo·ratio^(k−1), lo·ratio^k); the last bin is open.
 * With ratio 1.01 every bin is 1 % wide, so reading a quantile off a bin's upper edge errs by at
 * most 1 % upwards (the safe side). Everything is typed arrays and O(bins) per query; building a
 * histogram is O(n) with one logarithm per sample, so no sorting anywhere.
 *
 * `fromQuantileForecast` turns a step-wise probabilistic forecast (the forecasting library's
 * QuantileForecast) into the same distribution, so any forecaster can feed rightsizing.
 */
import type { QuantileForecast } from '../ml/forecast/forecaster.js';

export interface LogGrid {
  readonly lo: number;
  readonly ratio: number;
  readonly logRatio: number;
  readonly bins: number;
  /** upper[k] = the upper edge of bin k (lo for bin 0). */
  readonly upper: Float64Array;
}

export function logGrid(lo: number, hi: number, ratio: number): LogGrid {
  if (!(lo > 0 && hi > lo && ratio > 1)) throw new RangeError('logGrid: need 0 < lo < hi and ratio > 1');
  const logRatio = Math.log(ratio);
  const bins = Math.ceil(Math.log(hi / lo) / logRatio) + 2;
  const upper = new Float64Array(bins);
  for (let k = 0; k < bins; k++) upper[k] = lo * Math.exp(k * logRatio);
  return { lo, ratio, logRatio, bins, upper };
}

/** Cores: 0.001 … 10,000 in 1 % bins. */
export const CPU_GRID = logGrid(1e-3, 1e4, 1.01);
/** GiB: 0.001 (≈ 1 MiB) … 100,000 in 1 % bins. */
export const MEMORY_GRID = logGrid(1e-3, 1e5, 1.01);

// log2 from the IEEE-754 bits: exponent + a 1,025-entry table of log2(1 + m/1024), linear inside
// an entry (error < 2e-7, a 70,000th of a 1 % bin), about three times faster than Math.log.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LOG2_TABLE = Float64Array.from({ length: 1026 }, (_, m) => Math.log2(1 + m / 1024));

/** log2(x) for a finite x > 0 (see above). */
export function fastLog2(x: number): number {
  if (!LITTLE_ENDIAN) return Math.log2(x);
  F64[0] = x;
  const hi = U32[1];
  const e = (hi >>> 20) - 1023;
  if (e === -1023) return Math.log2(x); // subnormal
  const mant = hi & 0xfffff;
  const idx = mant >>> 10;
  const a = LOG2_TABLE[idx];
  return e + a + ((mant & 1023) / 1024) * (LOG2_TABLE[idx + 1] - a);
}

export function binOf(g: LogGrid, v: number): number {
  if (!(v >= g.lo)) return 0;
  // The same arithmetic as addRange, so a value and a query land in the same bin.
  const k = 1 + Math.floor(fastLog2(v * (1 / g.lo)) * (Math.LN2 / g.logRatio));
  return k >= g.bins ? g.bins - 1 : k;
}

/** A (not necessarily normalised) weighted histogram on a grid. */
export class UsageHistogram {
  readonly w: Float64Array;
  total = 0;
  constructor(readonly grid: LogGrid, weights?: Float64Array) {
    this.w = weights ?? new Float64Array(grid.bins);
    if (weights) for (let k = 0; k < weights.length; k++) this.total += weights[k];
  }

  add(v: number, weight = 1): void {
    this.w[binOf(this.grid, v)] += weight;
    this.total += weight;
  }

  /** Adds the finite values of values[from, to), each with weight `weight`. Returns how many. */
  addRange(values: ArrayLike<number>, from: number, to: number, weight = 1): number {
    const g = this.grid;
    const w = this.w;
    const inv = Math.LN2 / g.logRatio;
    const invLo = 1 / g.lo;
    const last = g.bins - 1;
    let n = 0;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (!(v >= 0)) continue; // NaN and negatives are gaps
      let k = 0;
      if (v >= g.lo) {
        k = 1 + Math.floor(fastLog2(v * invLo) * inv);
        if (k > last) k = last;
      }
      w[k] += weight;
      n++;
    }
    this.total += n * weight;
    return n;
  }

  /** this += other × factor. */
  merge(other: UsageHistogram, factor = 1): this {
    for (let k = 0; k < this.w.length; k++) this.w[k] += other.w[k] * factor;
    this.total += other.total * factor;
    return this;
  }

  isEmpty(): boolean {
    return !(this.total > 0);
  }

  /** A normalised copy as a distribution. */
  toDistribution(): UsageDistribution {
    const p = new Float64Array(this.w.length);
    if (this.total > 0) for (let k = 0; k < p.length; k++) p[k] = this.w[k] / this.total;
    return new UsageDistribution(this.grid, p);
  }
}

/** Three-point Gauss–Hermite rule for a standard normal: nodes 0, ±√3 with weights 2/3, 1/6, 1/6. */
const GH_NODES = [-Math.sqrt(3), 0, Math.sqrt(3)];
const GH_WEIGHTS = [1 / 6, 2 / 3, 1 / 6];

/** A probability distribution of usage on a grid: p[k] = P(usage falls into bin k). */
export class UsageDistribution {
  constructor(readonly grid: LogGrid, readonly p: Float64Array) {}

  /** tail[k] = P(usage lies above bin k) = Σ_{j>k} p[j]. */
  tail(): Float64Array {
    const t = new Float64Array(this.p.length);
    let acc = 0;
    for (let k = this.p.length - 1; k >= 0; k--) {
      t[k] = acc;
      acc += this.p[k];
    }
    return t;
  }

  /** The smallest bin upper edge covering at least `level` of the probability (0 when empty). */
  quantile(level: number): number {
    let acc = 0;
    const p = this.p;
    const target = level - 1e-12;
    for (let k = 0; k < p.length; k++) {
      acc += p[k];
      if (acc >= target && acc > 0) return this.grid.upper[k];
    }
    return 0;
  }

  /** P(usage > x): the bins above x's bin, plus the part of x's bin above x (log-uniform inside a bin). */
  exceedance(x: number): number {
    const g = this.grid;
    const k = binOf(g, x);
    let s = 0;
    for (let j = k + 1; j < this.p.length; j++) s += this.p[j];
    if (k > 0 && k < g.bins - 1) s += this.p[k] * Math.max(0, Math.min(1, Math.log(g.upper[k] / x) / g.logRatio));
    else if (k === 0) s += this.p[0] * Math.max(0, 1 - x / g.lo);
    return s;
  }

  /** Mean usage (each bin at its geometric midpoint; bin 0 at lo/2). */
  mean(): number {
    const g = this.grid;
    let m = this.p[0] * g.lo * 0.5;
    const half = Math.sqrt(g.ratio);
    for (let k = 1; k < this.p.length; k++) if (this.p[k] > 0) m += (this.p[k] * g.upper[k]) / half;
    return m;
  }

  /** The largest bin edge with any probability (0 when empty). */
  max(): number {
    for (let k = this.p.length - 1; k >= 0; k--) if (this.p[k] > 0) return this.grid.upper[k];
    return 0;
  }

  /**
   * Mixes the distribution over an uncertain scale: usage × e^(σZ), Z standard normal (3-point
   * Gauss–Hermite). This is how forecast uncertainty about next week's level widens the tail.
   */
  scaleMixture(sigma: number): UsageDistribution {
    if (!(sigma > 0)) return this;
    const n = this.p.length;
    const out = new Float64Array(n);
    for (let j = 0; j < 3; j++) {
      const shift = Math.round((GH_NODES[j] * sigma) / this.grid.logRatio);
      const wj = GH_WEIGHTS[j];
      for (let k = 0; k < n; k++) {
        const pk = this.p[k];
        if (pk === 0) continue;
        // Bin 0 (below lo) stays where it is: scaling a near-zero value keeps it near zero.
        let t = k === 0 ? 0 : k + shift;
        if (k > 0 && t < 1) t = 1;
        if (t > n - 1) t = n - 1;
        out[t] += pk * wj;
      }
    }
    return new UsageDistribution(this.grid, out);
  }

  /** Moves all probability above `limit` into the bin holding `limit` (no tail beyond it). */
  clampedAbove(limit: number): UsageDistribution {
    const k = binOf(this.grid, limit);
    let above = 0;
    for (let j = k + 1; j < this.p.length; j++) above += this.p[j];
    if (above === 0) return this;
    const out = this.p.slice();
    for (let j = k + 1; j < out.length; j++) out[j] = 0;
    out[k] += above;
    return new UsageDistribution(this.grid, out);
  }

  /** usage × factor (a level shift, e.g. from a trend). */
  scaled(factor: number): UsageDistribution {
    if (!(factor > 0) || factor === 1) return this;
    const shift = Math.round(Math.log(factor) / this.grid.logRatio);
    if (shift === 0) return this;
    const n = this.p.length;
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      if (this.p[k] === 0) continue;
      let t = k === 0 ? 0 : k + shift;
      if (k > 0 && t < 1) t = 1;
      if (t > n - 1) t = n - 1;
      out[t] += this.p[k];
    }
    return new UsageDistribution(this.grid, out);
  }

  /**
   * The size x (a bin's upper edge) minimising x + penalty · P(usage > x) among sizes whose
   * exceedance is at most `maxExceedance`. `penalty` is in the resource's unit: what an interval
   * short of the resource costs, in units of the resource held for that interval. With penalty 0
   * this is the (1 − maxExceedance) quantile; a larger penalty buys the tail down where that is
   * cheap (a tight distribution) and leaves it where it is expensive (a long thin tail).
   * Returns the size and its exceedance.
   */
  costOptimal(penalty: number, maxExceedance: number): { size: number; exceedance: number } {
    const p = this.p;
    const up = this.grid.upper;
    // Highest occupied bin: above it nothing is exceeded and a larger size only costs more.
    let top = p.length - 1;
    while (top > 0 && p[top] === 0) top--;
    if (p[top] === 0) return { size: 0, exceedance: 0 };
    let best = up[top];
    let arg = top;
    let argTail = 0;
    let tail = 0; // P(usage above bin k), accumulated from the top down
    for (let k = top - 1; k >= 0; k--) {
      tail += p[k + 1];
      if (p[k] === 0 && k > 0) continue; // a flat stretch: its best point is the occupied bin below
      if (tail > maxExceedance + 1e-12) break; // smaller sizes only exceed more
      const c = up[k] + penalty * tail;
      if (c <= best) {
        best = c;
        arg = k;
        argTail = tail;
      }
    }
    return { size: up[arg], exceedance: argTail };
  }
}

/**
 * A forecast of usage over the next window as a distribution: the pluggable seam between
 * forecasting and rightsizing. Our default (usage-quantile-forecast.ts) builds one directly from
 * the history; `fromQuantileForecast` adapts any step-wise QuantileForecast.
 */
export interface UsageDistributionForecast {
  /** Which forecaster made it. */
  method: string;
  distribution: UsageDistribution;
}

/**
 * The usage distribution over a QuantileForecast's horizon: the equal-weight mixture of the
 * per-step distributions, each read from its quantile levels by linear interpolation of the CDF
 * between levels (below the lowest level down to 0 at the lowest quantile's half; above the
 * highest level the remaining probability sits at 1.25 × the highest quantile, a deliberately
 * pessimistic tail since the forecast says nothing beyond it).
 */
export function fromQuantileForecast(qf: QuantileForecast, grid: LogGrid, method = 'quantile_forecast'): UsageDistributionForecast {
  const h = new UsageHistogram(grid);
  const L = qf.levels.length;
  const steps = qf.point.length;
  const SUB = 8; // points per level interval, spread evenly in probability
  for (let t = 0; t < steps; t++) {
    let prevLevel = 0;
    let prevQ = Math.max(0, qf.quantiles[0][t] * 0.5);
    for (let j = 0; j <= L; j++) {
      const level = j < L ? qf.levels[j] : 1;
      const q = j < L ? Math.max(prevQ, qf.quantiles[j][t]) : Math.max(prevQ, 1.25 * qf.quantiles[L - 1][t]);
      const mass = level - prevLevel;
      if (mass > 0) {
        if (j === L) h.add(q, mass);
        else for (let s = 0; s < SUB; s++) h.add(prevQ + ((s + 0.5) / SUB) * (q - prevQ), mass / SUB);
      }
      prevLevel = level;
      prevQ = q;
    }
  }
  return { method, distribution: h.toDistribution() };
}
