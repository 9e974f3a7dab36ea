/**
 * Metric vectors → the inputs the members read: a host's rows are consecutive samples of the same
 * metrics (row t = time t), and a window of T steps ending at row t is the T rows t−T+1 … t laid
 * out time-major in one matrix row (value (s, f) at column s·F + f), the layout the LSTM
 * autoencoder takes. A window that would reach before the first row repeats the first row, so
 * every row has a window and a score from the moment scoring starts.
 */
import { MLInputError } from '../../ml/core/errors.js';
import { matrix, type Matrix } from '../../ml/core/matrix.js';

/** Windows ending at each of the rows `ends` (indices into X), as one matrix of ends.length × (T·cols). */
export function windowsEndingAt(X: Matrix, windowSize: number, ends: ArrayLike<number>): Matrix {
  if (!Number.isInteger(windowSize) || windowSize < 1) throw new MLInputError(`windowsEndingAt: windowSize must be a positive integer, got ${windowSize}`);
  const F = X.cols;
  const width = windowSize * F;
  const out = new Float32Array(ends.length * width);
  for (let k = 0; k < ends.length; k++) {
    const t = ends[k];
    if (!(Number.isInteger(t) && t >= 0 && t < X.rows)) throw new MLInputError(`windowsEndingAt: row ${t} is outside 0..${X.rows - 1}`);
    for (let s = 0; s < windowSize; s++) {
      const src = Math.max(0, t - windowSize + 1 + s);
      out.set(X.data.subarray(src * F, (src + 1) * F), k * width + s * F);
    }
  }
  return matrix(out, ends.length, width);
}

/** The rows from..to−1 as an index list. */
export function rowRange(from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
}

/**
 * At most `max` indices in [from, to), evenly spaced and in order (all of them when there are
 * fewer): a deterministic, time-spread subsample of training rows or window ends.
 */
export function evenlySpaced(from: number, to: number, max: number): Int32Array {
  const n = Math.max(0, to - from);
  if (n <= max) return rowRange(from, to);
  const out = new Int32Array(max);
  for (let k = 0; k < max; k++) out[k] = from + Math.floor((k * n) / max);
  return out;
}
