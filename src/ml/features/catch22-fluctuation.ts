/**
 * catch22's scaling features (SC_FluctAnal_2_*_logi_prop_r1): fluctuation analysis of the
 * cumulative sum over up to 50 log-spaced scales τ between 5 and n/2, then the scale at which a
 * two-segment straight-line fit of log F against log τ breaks best, as a share of the scales.
 *
 * - rsrangefit: F(τ) = √(mean over windows of (max − min of the linearly detrended window)²);
 * - dfa (every second point): F(τ) = √(mean over windows and points of the detrended residual²).
 */
import type { Catch22Scratch } from './catch22-scratch.js';

const SCALES = 50;
const MIN_POINTS = 6;

/** The scales for a window of n points: log-spaced from 5 to ⌊n/2⌋, rounded, duplicates (which arrive in runs) dropped. */
export function fluctuationScales(n: number, taus: Int32Array): number {
  const low = Math.log(5);
  const high = Math.log(Math.trunc(n / 2));
  const spacing = (high - low) / (SCALES - 1);
  let count = 0;
  for (let i = 0; i < SCALES; i++) {
    const t = Math.round(Math.exp(low + i * spacing));
    if (count === 0 || t !== taus[count - 1]) taus[count++] = t;
  }
  return count;
}

export function fluctuationBreakpoint(z: Float64Array, n: number, lag: 1 | 2, method: 'rsrange' | 'dfa', s: Catch22Scratch): number {
  const taus = s.taus;
  const count = s.scaleCount;
  if (count < 12) return 0;

  // Cumulative sum of every lag-th point, with prefix sums of it, of index × it and of its square,
  // so each window's regression sums are differences instead of a pass over the window.
  const size = Math.trunc(n / lag);
  const cs = s.cumulative;
  const p1 = s.prefix1;
  const pg = s.prefixIndex;
  const p2 = s.prefix2;
  cs[0] = z[0];
  for (let i = 0; i < size - 1; i++) cs[i + 1] = cs[i] + z[(i + 1) * lag];
  p1[0] = pg[0] = p2[0] = 0;
  for (let g = 0; g < size; g++) {
    const v = cs[g];
    p1[g + 1] = p1[g] + v;
    pg[g + 1] = pg[g] + g * v;
    p2[g + 1] = p2[g] + v * v;
  }

  const F = s.fluctuation;
  const dfa = method === 'dfa';
  const pick = s.pick;
  for (let i = 0; i < count; i++) {
    const t = taus[i];
    const windows = Math.trunc(size / t);
    // Regressor x = 1 … t: its sums depend on t only.
    const sumx = (t * (t + 1)) / 2;
    const sumx2 = (t * (t + 1) * (2 * t + 1)) / 6;
    const denom = t * sumx2 - sumx * sumx;
    let acc = 0;
    for (let j = 0; j < windows; j++) {
      const o = j * t;
      const sumy = p1[o + t] - p1[o];
      const sumxy = pg[o + t] - pg[o] + (1 - o) * sumy;
      const m = (t * sumxy - sumx * sumy) / denom;
      const b = (sumy * sumx2 - sumx * sumxy) / denom;
      if (dfa) {
        // Least-squares residual sum of squares: Σy² − m·Σxy − b·Σy.
        const sse = p2[o + t] - p2[o] - m * sumxy - b * sumy;
        acc += sse > 0 ? sse : 0;
      } else {
        const range = residualRange(cs, o, t, m, b, pick);
        acc += range * range;
      }
    }
    F[i] = dfa ? Math.sqrt(acc / (windows * t)) : Math.sqrt(acc / windows);
  }

  const lt = s.logTau;
  const lf = s.logFluctuation;
  for (let i = 0; i < count; i++) lf[i] = Math.log(F[i]);
  // Two straight lines, split at scale index i − 1 (shared point); error = sum of the two
  // residual norms. Prefix sums make each candidate split O(1).
  const q = s.fitPrefix;
  for (let i = 0; i < count; i++) {
    const x = lt[i];
    const y = lf[i];
    const o = 5 * i;
    q[o + 5] = q[o] + x;
    q[o + 6] = q[o + 1] + x * x;
    q[o + 7] = q[o + 2] + x * y;
    q[o + 8] = q[o + 3] + y;
    q[o + 9] = q[o + 4] + y * y;
  }
  const errors = s.fitError;
  const fits = count - 2 * MIN_POINTS + 1;
  for (let i = MIN_POINTS; i < count - MIN_POINTS + 1; i++) {
    errors[i - MIN_POINTS] = lineFitResidualNorm(q, 0, i) + lineFitResidualNorm(q, i - 1, count);
  }
  let min = errors[0];
  for (let i = 1; i < fits; i++) if (errors[i] < min) min = errors[i];
  let best = 0;
  for (let i = 0; i < fits; i++) {
    if (errors[i] === min) {
      best = i + MIN_POINTS - 1;
      break;
    }
  }
  return (best + 1) / count;
}

/**
 * max − min of the residuals cs[o + k] − (m·(k + 1) + b), k = 0 … t − 1 (t ≥ 2).
 *
 * Early in a window, whether a residual is a new maximum is a coin toss, so an `if` on it
 * mispredicts often; that made this loop the most expensive part of catch22. Here the larger of
 * two values is picked by index instead (pick[+(r > hi)], the comparison turned into 0 or 1, no
 * branch), and even and odd k keep separate running extremes, so two dependency chains overlap.
 * The values picked are the residuals themselves, so the result is the same as with branches.
 */
function residualRange(cs: Float64Array, o: number, t: number, m: number, b: number, pick: Float64Array): number {
  let h0 = cs[o] - (m + b);
  let l0 = h0;
  let h1 = cs[o + 1] - (m * 2 + b);
  let l1 = h1;
  let k = 2;
  for (; k + 1 < t; k += 2) {
    const r0 = cs[o + k] - (m * (k + 1) + b);
    const r1 = cs[o + k + 1] - (m * (k + 2) + b);
    pick[0] = h0;
    pick[1] = r0;
    pick[2] = l0;
    pick[4] = h1;
    pick[5] = r1;
    pick[6] = l1;
    h0 = pick[+(r0 > h0)];
    l0 = pick[2 - +(r0 < l0)];
    h1 = pick[4 + +(r1 > h1)];
    l1 = pick[6 - +(r1 < l1)];
  }
  if (k < t) {
    const r0 = cs[o + k] - (m * (k + 1) + b);
    pick[0] = h0;
    pick[1] = r0;
    pick[2] = l0;
    h0 = pick[+(r0 > h0)];
    l0 = pick[2 - +(r0 < l0)];
  }
  pick[0] = h0;
  pick[1] = h1;
  pick[2] = l0;
  pick[3] = l1;
  return pick[+(h1 > h0)] - pick[2 + +(l1 < l0)];
}

/**
 * √Σ residual² of the least-squares line through points [from, to), from prefix sums q (five
 * per point: x, x², xy, y, y²); the line is 0 when x does not vary (the reference's linreg).
 */
function lineFitResidualNorm(q: Float64Array, from: number, to: number): number {
  const len = to - from;
  const a = 5 * from;
  const b = 5 * to;
  const sumx = q[b] - q[a];
  const sumx2 = q[b + 1] - q[a + 1];
  const sumxy = q[b + 2] - q[a + 2];
  const sumy = q[b + 3] - q[a + 3];
  const sumy2 = q[b + 4] - q[a + 4];
  const denom = len * sumx2 - sumx * sumx;
  let m = 0;
  let c = 0;
  if (denom !== 0) {
    m = (len * sumxy - sumx * sumy) / denom;
    c = (sumy * sumx2 - sumx * sumxy) / denom;
  }
  // Σ (m·x + c − y)² expanded.
  const ss = m * m * sumx2 + 2 * m * c * sumx + len * c * c - 2 * m * sumxy - 2 * c * sumy + sumy2;
  return Math.sqrt(ss > 0 ? ss : 0);
}
