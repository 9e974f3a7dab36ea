/**
 * Sample autocorrelation computed lag by lag, only as far as someone asks. Most users stop early
 * (the first zero crossing, the first minimum, lags 1–10), so the direct O(n) sum per lag beats an
 * FFT of the whole function for the window sizes we see (60–240 points).
 *
 * r(k) = Σ_{i<n−k} c_i·c_{i+k} / Σ_i c_i², with c the series minus its mean: the biased estimator
 * (divided by the lag-0 sum, not by n − k), which is what catch22 and most libraries use. It is
 * NaN for a constant series (0/0) and 0 for lags ≥ n.
 */
export class LazyAutocorrelation {
  private readonly own: Float64Array;
  private readonly values: Float64Array;
  private c: Float64Array;
  private n = 0;
  private known = 0;
  private denom = 0;

  constructor(capacity: number) {
    this.own = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.c = this.own;
  }

  /** Starts a new series: centres series[0..n) into an internal buffer. */
  reset(series: Float64Array, n: number): void {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += series[i];
    const mean = sum / n;
    const c = this.own;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = series[i] - mean;
      c[i] = d;
      ss += d * d;
    }
    this.c = c;
    this.n = n;
    this.denom = ss;
    this.known = 0;
  }

  /** Starts a new series that is already centred (kept by reference, not copied); `sumSquares` is Σ c². */
  resetCentered(centered: Float64Array, n: number, sumSquares: number): void {
    this.c = centered;
    this.n = n;
    this.denom = sumSquares;
    this.known = 0;
  }

  at(lag: number): number {
    if (lag >= this.n) return 0;
    const values = this.values;
    while (this.known <= lag) {
      const k = this.known;
      const c = this.c;
      const m = this.n - k;
      let s = 0;
      for (let i = 0; i < m; i++) s += c[i] * c[i + k];
      values[k] = s / this.denom;
      this.known = k + 1;
    }
    return values[lag];
  }

  /** First lag at which r ≤ 0, searching lags < maxLag; maxLag when there is none (catch22's co_firstzero). */
  firstZero(maxLag: number): number {
    let k = 0;
    while (k < maxLag && this.at(k) > 0) k++;
    return k;
  }
}
