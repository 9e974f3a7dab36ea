/**
 * Sample autocorrelation computed four lags at a time, only as far as someone asks. Most users
 * stop early (the first zero crossing, the first minimum, lags 1–10), so the direct O(n) sum per
 * lag beats an FFT of the whole function for the window sizes we see (60–240 points); it also
 * keeps the direct sum's rounding, which an FFT's would not (catch22 compares these values with
 * thresholds, and its reference sums directly).
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
    while (this.known <= lag) this.extend();
    return this.values[lag];
  }

  /**
   * Computes the next four lags (fewer near the end) in one pass. Each lag's sum is a chain of
   * dependent additions; four chains side by side overlap their latency, and every sum still
   * adds its terms in the same order as a lag-by-lag loop, so the values do not change.
   */
  private extend(): void {
    const k = this.known;
    const n = this.n;
    const c = this.c;
    const values = this.values;
    const denom = this.denom;
    if (k + 3 >= n) {
      for (let lag = k; lag < n; lag++) {
        let s = 0;
        for (let i = 0; i < n - lag; i++) s += c[i] * c[i + lag];
        values[lag] = s / denom;
      }
      this.known = n;
      return;
    }
    const m = n - k - 3; // terms every one of the four sums has
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < m; i++) {
      const v = c[i];
      s0 += v * c[i + k];
      s1 += v * c[i + k + 1];
      s2 += v * c[i + k + 2];
      s3 += v * c[i + k + 3];
    }
    // Lag k has three more terms, lag k + 1 two, lag k + 2 one.
    s0 += c[m] * c[m + k];
    s1 += c[m] * c[m + k + 1];
    s2 += c[m] * c[m + k + 2];
    s0 += c[m + 1] * c[m + 1 + k];
    s1 += c[m + 1] * c[m + 2 + k];
    s0 += c[m + 2] * c[m + 2 + k];
    values[k] = s0 / denom;
    values[k + 1] = s1 / denom;
    values[k + 2] = s2 / denom;
    values[k + 3] = s3 / denom;
    this.known = k + 4;
  }

  /** First lag at which r ≤ 0, searching lags < maxLag; maxLag when there is none (catch22's co_firstzero). */
  firstZero(maxLag: number): number {
    let k = 0;
    while (k < maxLag && this.at(k) > 0) k++;
    return k;
  }
}
