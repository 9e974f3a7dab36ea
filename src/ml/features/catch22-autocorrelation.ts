/**
 * catch22's features built on linear and nonlinear autocorrelation and on simple forecasts
 * (CO_, IN_, FC_, MD_ families), from their published definitions. `acf` is the autocorrelation
 * of the window (it does not change under z-scoring).
 */
import type { LazyAutocorrelation } from './autocorrelation.js';
import type { Catch22Scratch } from './catch22-scratch.js';

/** CO_f1ecac: lag at which the autocorrelation first falls below 1/e, interpolated linearly between the lags around it; n when it never does. */
export function firstOneOverECrossing(acf: LazyAutocorrelation, n: number): number {
  const threshold = 1 / Math.exp(1);
  for (let i = 0; i < n - 2; i++) {
    const next = acf.at(i + 1);
    if (next < threshold) {
      const here = acf.at(i);
      return i + (threshold - here) / (next - here);
    }
  }
  return n;
}

/** CO_FirstMin_ac: first lag whose autocorrelation is below both neighbours; n when there is none. */
export function firstAutocorrelationMinimum(acf: LazyAutocorrelation, n: number): number {
  for (let i = 1; i < n - 1; i++) {
    const v = acf.at(i);
    if (v < acf.at(i - 1) && v < acf.at(i + 1)) return i;
  }
  return n;
}

/** CO_trev_1_num: mean of (z[i+1] − z[i])³. */
export function timeReversibility(z: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const d = z[i + 1] - z[i];
    s += d * d * d;
  }
  return s / (n - 1);
}

/** MD_hrv_classic_pnn40: share of successive differences larger than 0.04 in magnitude. */
export function pnn40(z: Float64Array, n: number): number {
  let count = 0;
  for (let i = 0; i < n - 1; i++) count += +(Math.abs(z[i + 1] - z[i]) * 1000 > 40);
  return count / (n - 1);
}

/**
 * CO_Embed2_Dist_tau_d_expfit_meandiff. Embed the series in 2-d with delay τ (the first zero of
 * the autocorrelation, at most n/10); take the distances between successive embedded points;
 * histogram them (bin count from Scott's rule, 3.5σ/m^⅓); return the mean absolute difference
 * between the normalised histogram and the exponential density with the same mean, at the bin
 * centres. 0 when the distances barely vary (σ < 0.001).
 */
export function embeddingDistanceExpFit(z: Float64Array, n: number, acf: LazyAutocorrelation, s: Catch22Scratch): number {
  let tau = acf.firstZero(n);
  if (tau > n / 10) tau = Math.floor(n / 10);
  const m = n - tau - 1;
  const d = s.work;
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const a = z[i + 1] - z[i];
    const b = z[i + tau] - z[i + tau + 1];
    d[i] = Math.sqrt(a * a + b * b);
    sum += d[i];
  }
  const mean = sum / m;
  let ss = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < m; i++) {
    const e = d[i] - mean;
    ss += e * e;
    if (d[i] < min) min = d[i];
    if (d[i] > max) max = d[i];
  }
  const sd = Math.sqrt(ss / (m - 1));
  if (sd < 0.001) return 0;
  const bins = Math.ceil((max - min) / ((3.5 * sd) / Math.pow(m, 1 / 3)));
  const counts = s.histogramOf(bins);
  counts.fill(0, 0, bins);
  const step = (max - min) / bins;
  for (let i = 0; i < m; i++) {
    let b = Math.trunc((d[i] - min) / step);
    if (b < 0) b = 0;
    if (b >= bins) b = bins - 1;
    counts[b]++;
  }
  let diff = 0;
  for (let i = 0; i < bins; i++) {
    const lo = i * step + min;
    const hi = (i + 1) * step + min;
    const density = Math.exp((-(lo + hi) * 0.5) / mean) / mean;
    diff += Math.abs(counts[i] / m - density);
  }
  return diff / bins;
}

/**
 * CO_HistogramAMI_even_2_5: automutual information (nats) between z[t] and z[t+2], from a 5×5
 * joint histogram with equal-width bins over [min − 0.1, max + 0.1]. `min` and `max` are z's.
 */
export function histogramAutoMutualInfo(z: Float64Array, n: number, min: number, max: number, s: Catch22Scratch): number {
  const lag = 2;
  const bins = 5;
  const step = (max - min + 0.2) / bins;
  // A value's bin is the first j = 1 … 5 with v < min + step·j − 0.1, minus one. The edges
  // increase, so that is the number of the first four edges v reaches: counted without a branch.
  const e1 = min + step * 1 - 0.1;
  const e2 = min + step * 2 - 0.1;
  const e3 = min + step * 3 - 0.1;
  const e4 = min + step * 4 - 0.1;
  const joint = s.joint;
  joint.fill(0);
  for (let i = 0; i < n - lag; i++) {
    const u = z[i + lag];
    const v = z[i];
    const a = +(u >= e1) + +(u >= e2) + +(u >= e3) + +(u >= e4);
    const b = +(v >= e1) + +(v >= e2) + +(v >= e3) + +(v >= e4);
    joint[a * bins + b]++;
  }
  let total = 0;
  for (let k = 0; k < 25; k++) total += joint[k];
  const pa = s.marginalA;
  const pb = s.marginalB;
  pa.fill(0);
  pb.fill(0);
  for (let k = 0; k < 25; k++) joint[k] /= total;
  for (let a = 0; a < bins; a++)
    for (let b = 0; b < bins; b++) {
      pa[a] += joint[a * bins + b];
      pb[b] += joint[a * bins + b];
    }
  let mi = 0;
  for (let a = 0; a < bins; a++)
    for (let b = 0; b < bins; b++) {
      const p = joint[a * bins + b];
      if (p > 0) mi += p * Math.log(p / (pb[b] * pa[a]));
    }
  return mi;
}

/**
 * IN_AutoMutualInfoStats_40_gaussian_fmmi: the automutual information of a Gaussian process,
 * −½·log(1 − r²) with r the Pearson correlation of the series with itself shifted by τ, over
 * τ = 1 … min(40, ⌈n/2⌉); returns the lag τ of its first local minimum, or the maximum lag
 * when there is none.
 */
export function gaussianAutoMutualInfoFirstMin(z: Float64Array, n: number, s: Catch22Scratch): number {
  let maxLag = 40;
  if (maxLag > Math.ceil(n / 2)) maxLag = Math.ceil(n / 2);
  if (maxLag < 3) return maxLag;
  const ami = s.ami; // ami[j] is lag j + 1
  let known = 0;
  for (let i = 1; i < maxLag - 1; i++) {
    // Lags are computed two at a time (their sums share passes over z), as far as needed.
    while (known <= i + 1) {
      if (known + 1 < maxLag) {
        gaussianAutoMutualInfoPair(z, n, known + 1, ami, known);
        known += 2;
      } else {
        ami[known] = -0.5 * Math.log(1 - square(laggedCorrelation(z, n, known + 1)));
        known++;
      }
    }
    if (ami[i] < ami[i - 1] && ami[i] < ami[i + 1]) return i + 1;
  }
  return maxLag;
}

function square(r: number): number {
  return r * r;
}

/** Pearson correlation between z[0 .. n−lag) and z[lag .. n), each part centred on its own mean. */
function laggedCorrelation(z: Float64Array, n: number, lag: number): number {
  const m = n - lag;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < m; i++) {
    sx += z[i];
    sy += z[i + lag];
  }
  const mx = sx / m;
  const my = sy / m;
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < m; i++) {
    const a = z[i] - mx;
    const b = z[i + lag] - my;
    num += a * b;
    dx += a * a;
    dy += b * b;
  }
  return num / Math.sqrt(dx * dy);
}

/**
 * −½·log(1 − r²) for lags `lag` and `lag` + 1 into out[at], out[at + 1]: laggedCorrelation of
 * both in the same two passes. Each sum still adds the same terms in the same order (the lag + 1
 * sums stop one term earlier), so the values are those of two separate calls; the passes just
 * run twice as many independent chains of additions.
 */
function gaussianAutoMutualInfoPair(z: Float64Array, n: number, lag: number, out: Float64Array, at: number): void {
  const m = n - lag; // terms for lag; lag + 1 has m − 1
  let sx = 0;
  let sy = 0;
  let sy1 = 0;
  for (let i = 0; i < m - 1; i++) {
    sx += z[i];
    sy += z[i + lag];
    sy1 += z[i + lag + 1];
  }
  const sx1 = sx;
  sx += z[m - 1];
  sy += z[m - 1 + lag];
  const mx = sx / m;
  const my = sy / m;
  const mx1 = sx1 / (m - 1);
  const my1 = sy1 / (m - 1);
  let num = 0;
  let dx = 0;
  let dy = 0;
  let num1 = 0;
  let dx1 = 0;
  let dy1 = 0;
  for (let i = 0; i < m - 1; i++) {
    const v = z[i];
    const a = v - mx;
    const b = z[i + lag] - my;
    num += a * b;
    dx += a * a;
    dy += b * b;
    const a1 = v - mx1;
    const b1 = z[i + lag + 1] - my1;
    num1 += a1 * b1;
    dx1 += a1 * a1;
    dy1 += b1 * b1;
  }
  const a = z[m - 1] - mx;
  const b = z[m - 1 + lag] - my;
  num += a * b;
  dx += a * a;
  dy += b * b;
  const r = num / Math.sqrt(dx * dy);
  const r1 = num1 / Math.sqrt(dx1 * dy1);
  out[at] = -0.5 * Math.log(1 - r * r);
  out[at + 1] = -0.5 * Math.log(1 - r1 * r1);
}

/**
 * FC_LocalSimple_mean1_tauresrat: forecast each point by the previous one; the first zero
 * crossing of the residuals' autocorrelation over that of the series. Small when a naive
 * forecast removes most of the memory.
 */
export function meanForecast1TauRatio(z: Float64Array, n: number, acf: LazyAutocorrelation, s: Catch22Scratch): number {
  const res = s.work2;
  for (let i = 0; i < n - 1; i++) res[i] = z[i + 1] - z[i];
  s.residualAcf.reset(res, n - 1);
  return s.residualAcf.firstZero(n - 1) / acf.firstZero(n);
}

/** FC_LocalSimple_mean3_stderr: sample standard deviation of the residuals of forecasting each point by the mean of the 3 before it. */
export function meanForecast3StdErr(z: Float64Array, n: number, s: Catch22Scratch): number {
  const m = n - 3;
  const res = s.work2;
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const r = z[i + 3] - (z[i] + z[i + 1] + z[i + 2]) / 3;
    res[i] = r;
    sum += r;
  }
  const mean = sum / m;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (res[i] - mean) * (res[i] - mean);
  return Math.sqrt(ss / (m - 1));
}
