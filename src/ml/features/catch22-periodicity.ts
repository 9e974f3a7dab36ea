/**
 * catch22's PD_PeriodicityWang_th0_01 (after Wang, Smith & Hyndman 2007): remove a cubic
 * smoothing trend, then look for the first peak of the autocovariance that stands at least 0.01
 * above the trough before it and is positive; its lag is the period (0 when there is none).
 *
 * The trend is the least-squares cubic spline with one interior knot at ⌊n/2⌋ − 1 (two pieces,
 * twice continuously differentiable), as the reference fits with a B-spline basis. Here the
 * same function space is spanned by 1, u, u², u³ and (u − knot)³₊ on u ∈ [−1, 1],
 * orthonormalised once per window length (modified Gram–Schmidt, twice), so the fit is five dot
 * products and the detrended series their residual.
 */
import type { Catch22Scratch } from './catch22-scratch.js';

const BASIS = 5;

/** Orthonormal basis (BASIS rows of n values) of the cubic splines on 0 … n−1 with a knot at ⌊n/2⌋ − 1. */
export function splineBasis(n: number): Float64Array {
  const q = new Float64Array(BASIS * n);
  if (n < BASIS) return q;
  const scale = n > 1 ? 2 / (n - 1) : 1;
  const knot = (Math.floor(n / 2) - 1) * scale - 1;
  for (let t = 0; t < n; t++) {
    const u = t * scale - 1;
    const v = u > knot ? u - knot : 0;
    q[t] = 1;
    q[n + t] = u;
    q[2 * n + t] = u * u;
    q[3 * n + t] = u * u * u;
    q[4 * n + t] = v * v * v;
  }
  for (let k = 0; k < BASIS; k++) {
    const row = k * n;
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < k; j++) {
        let dot = 0;
        for (let t = 0; t < n; t++) dot += q[row + t] * q[j * n + t];
        for (let t = 0; t < n; t++) q[row + t] -= dot * q[j * n + t];
      }
    }
    let norm = 0;
    for (let t = 0; t < n; t++) norm += q[row + t] * q[row + t];
    norm = Math.sqrt(norm);
    for (let t = 0; t < n; t++) q[row + t] /= norm;
  }
  return q;
}

export function periodicityWang(z: Float64Array, n: number, s: Catch22Scratch): number {
  const threshold = 0.01;
  const q = s.spline;
  const r = s.work;
  // Projections on the five basis functions in one pass (five independent sums), then the
  // residual z − Σ dot_k·q_k, subtracted in the order k = 0 … 4.
  let d0 = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  let d4 = 0;
  for (let t = 0; t < n; t++) {
    const v = z[t];
    d0 += q[t] * v;
    d1 += q[n + t] * v;
    d2 += q[2 * n + t] * v;
    d3 += q[3 * n + t] * v;
    d4 += q[4 * n + t] * v;
  }
  for (let t = 0; t < n; t++) r[t] = z[t] - d0 * q[t] - d1 * q[n + t] - d2 * q[2 * n + t] - d3 * q[3 * n + t] - d4 * q[4 * n + t];

  // Autocovariance (no centring, divided by the overlap) up to lag ⌈n/3⌉, four lags per pass
  // (independent sums, each adding its terms in order).
  const maxLag = Math.ceil(n / 3);
  const acov = s.autocov;
  let lag = 1;
  for (; lag + 3 <= maxLag; lag += 4) {
    const m = n - lag - 3;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < m; i++) {
      const v = r[i];
      s0 += v * r[i + lag];
      s1 += v * r[i + lag + 1];
      s2 += v * r[i + lag + 2];
      s3 += v * r[i + lag + 3];
    }
    s0 += r[m] * r[m + lag];
    s1 += r[m] * r[m + lag + 1];
    s2 += r[m] * r[m + lag + 2];
    s0 += r[m + 1] * r[m + 1 + lag];
    s1 += r[m + 1] * r[m + 2 + lag];
    s0 += r[m + 2] * r[m + 2 + lag];
    acov[lag - 1] = s0 / (n - lag);
    acov[lag] = s1 / (n - lag - 1);
    acov[lag + 1] = s2 / (n - lag - 2);
    acov[lag + 2] = s3 / (n - lag - 3);
  }
  for (; lag <= maxLag; lag++) {
    const m = n - lag;
    let sum = 0;
    for (let i = 0; i < m; i++) sum += r[i] * r[i + lag];
    acov[lag - 1] = sum / m;
  }

  const troughs = s.troughs;
  const peaks = s.peaks;
  let nTroughs = 0;
  let nPeaks = 0;
  for (let i = 1; i < maxLag - 1; i++) {
    const into = acov[i] - acov[i - 1];
    const outOf = acov[i + 1] - acov[i];
    if (into < 0 && outOf > 0) troughs[nTroughs++] = i;
    else if (into > 0 && outOf < 0) peaks[nPeaks++] = i;
  }
  let t = -1;
  for (let p = 0; p < nPeaks; p++) {
    const at = peaks[p];
    while (t + 1 < nTroughs && troughs[t + 1] < at) t++;
    if (t < 0) continue;
    const peak = acov[at];
    if (peak - acov[troughs[t]] < threshold) continue;
    if (peak < 0) continue;
    return at + 1; // acov[at] is lag at + 1
  }
  return 0;
}
