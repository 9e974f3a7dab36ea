/**
 * The few robust statistics the classifiers need: median, MAD, a scale that never collapses to
 * zero, and the Theil–Sen slope. They run once per anomaly on a short window (not per point), so
 * clarity wins over allocation here. Kept local to the classification code on purpose: `ml/stats`
 * is being reworked in parallel and these five functions are not worth a cross-folder dependency.
 */

/** 1.4826 · MAD estimates σ for normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

/** Median of `x[from, to)`; NaN for an empty range. Does not modify `x`. */
export function median(x: ArrayLike<number>, from = 0, to = x.length): number {
  const n = to - from;
  if (n <= 0) return Number.NaN;
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = x[from + i];
  a.sort();
  const h = n >> 1;
  return n % 2 === 1 ? a[h] : (a[h - 1] + a[h]) / 2;
}

/** Median absolute deviation from `center` over `x[from, to)`. */
export function mad(x: ArrayLike<number>, center: number, from = 0, to = x.length): number {
  const n = to - from;
  if (n <= 0) return Number.NaN;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.abs(x[from + i] - center);
  return median(d);
}

/**
 * A robust σ for `x[from, to)` that does not collapse to 0 when more than half the points are
 * equal (a flat baseline, a pegged 100 % CPU): 1.4826·MAD, else 1.2533·mean absolute deviation,
 * else `floor`. `floor` defaults to a tiny multiple of the magnitude so ratios stay finite.
 */
export function robustScale(x: ArrayLike<number>, from = 0, to = x.length, floor?: number): number {
  const n = to - from;
  if (n <= 0) return floor ?? 1e-12;
  const c = median(x, from, to);
  const s = MAD_TO_SIGMA * mad(x, c, from, to);
  if (s > 0) return Math.max(s, floor ?? 0);
  let sum = 0;
  for (let i = from; i < to; i++) sum += Math.abs(x[i] - c);
  const meanAbs = (1.2533 * sum) / n;
  if (meanAbs > 0) return Math.max(meanAbs, floor ?? 0);
  return floor ?? Math.max(1e-12, 1e-9 * Math.abs(c));
}

/** Most pairwise slopes Theil–Sen evaluates; beyond this, pairs are strided deterministically. */
const MAX_PAIRS = 40_000;

/**
 * Theil–Sen line over `(t[i], y[i])` for i in `[from, to)`: slope = median of pairwise slopes,
 * intercept = median of `y − slope·t`. Robust to up to ~29 % outliers. Pairs with equal `t` are
 * skipped. For long windows only a deterministic stride of pairs is used (at most ~40 000).
 */
export function theilSen(t: ArrayLike<number>, y: ArrayLike<number>, from = 0, to = y.length): { slope: number; intercept: number } {
  const n = to - from;
  if (n < 2) return { slope: 0, intercept: n === 1 ? y[from] : Number.NaN };
  const total = (n * (n - 1)) / 2;
  const stride = Math.max(1, Math.ceil(total / MAX_PAIRS));
  const slopes: number[] = [];
  let k = 0;
  for (let i = from; i < to; i++) {
    for (let j = i + 1; j < to; j++, k++) {
      if (k % stride !== 0) continue;
      const dt = t[j] - t[i];
      if (dt !== 0) slopes.push((y[j] - y[i]) / dt);
    }
  }
  const slope = slopes.length > 0 ? median(slopes) : 0;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = y[from + i] - slope * t[from + i];
  return { slope, intercept: median(r) };
}
