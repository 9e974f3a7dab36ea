/**
 * The RBF (Gaussian) kernel k(x, z) = exp(−γ‖x − z‖²) and its bandwidth rules, shared by the exact
 * one-class SVM and the Nyström approximation.
 */
import { MLInputError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

export type GammaParam = 'scale' | 'auto' | number;

/**
 * γ as scikit-learn resolves it: 'scale' = 1 / (cols · Var(X)) with the variance over every entry
 * of X (1 / cols when X is constant), 'auto' = 1 / cols, or a positive number as given.
 */
export function resolveGamma(gamma: GammaParam, X: Matrix): number {
  if (gamma === 'auto') return 1 / X.cols;
  if (gamma === 'scale') {
    const n = X.data.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += X.data[i];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (X.data[i] - mean) * (X.data[i] - mean);
    v /= n;
    return 1 / (X.cols * (v > 0 ? v : 1));
  }
  if (typeof gamma === 'number' && Number.isFinite(gamma) && gamma > 0) return gamma;
  throw new MLInputError(`gamma must be 'scale', 'auto' or a positive number, got ${gamma}`);
}

/**
 * out[t] = k(a[ao..], b[t·d..]) for rows t in [0, rows) of b. Four rows at a time: each squared
 * distance is a chain of dependent additions, and four independent chains keep the FPU busy.
 */
export function rbfRow(a: ArrayLike<number>, ao: number, b: Float64Array, rows: number, d: number, gamma: number, out: Float32Array | Float64Array): void {
  const q = d <= SCRATCH.length ? SCRATCH : new Float64Array(d);
  for (let j = 0; j < d; j++) q[j] = a[ao + j];
  const g = -gamma;
  let t = 0;
  for (; t + 3 < rows; t += 4) {
    const o0 = t * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < d; j++) {
      const v = q[j];
      const u0 = v - b[o0 + j];
      const u1 = v - b[o1 + j];
      const u2 = v - b[o2 + j];
      const u3 = v - b[o3 + j];
      s0 += u0 * u0;
      s1 += u1 * u1;
      s2 += u2 * u2;
      s3 += u3 * u3;
    }
    out[t] = Math.exp(g * s0);
    out[t + 1] = Math.exp(g * s1);
    out[t + 2] = Math.exp(g * s2);
    out[t + 3] = Math.exp(g * s3);
  }
  for (; t < rows; t++) {
    const o = t * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const u = q[j] - b[o + j];
      s += u * u;
    }
    out[t] = Math.exp(g * s);
  }
}

/** The query row, copied so the hot loop reads one monomorphic Float64Array. */
const SCRATCH = new Float64Array(256);
