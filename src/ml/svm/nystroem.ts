/**
 * Nyström features for the RBF kernel (Williams & Seeger, NIPS 2001): m landmark rows L drawn from
 * the training data, and φ(x) = Λ^(−½) Uᵀ k(x, L) where K_LL = U Λ Uᵀ. Then φ(x)·φ(z) =
 * k(x, L) K_LL⁺ k(L, z), the best approximation of k(x, z) that lives in the span of the landmarks
 * (exact when x or z is a landmark). Eigen-directions with λ ≤ 1e-10·λ_max carry only rounding
 * noise and are dropped (scikit-learn's Nystroem instead clips them at 1e-12, which amplifies that
 * noise), so a map may have fewer than m features.
 */
import type { Matrix } from '../core/matrix.js';
import type { Random } from '../core/random.js';
import { symmetricEigen } from '../stats/symmetric-eigen.js';
import { rbfRow } from './rbf-kernel.js';

export interface NystroemMap {
  cols: number;
  gamma: number;
  /** m landmark rows, row-major. */
  landmarks: Float64Array;
  m: number;
  /** p × m projection, row r = λ_r^(−½) u_rᵀ. */
  projection: Float64Array;
  p: number;
}

export function fitNystroem(X: Matrix, m: number, gamma: number, rng: Random): NystroemMap {
  const d = X.cols;
  const picks = rng.sample(X.rows, m);
  // Landmarks in row order, so the map does not depend on the order the sample came out in.
  picks.sort();
  const landmarks = new Float64Array(m * d);
  for (let s = 0; s < m; s++) for (let j = 0; j < d; j++) landmarks[s * d + j] = X.data[picks[s] * d + j];
  const K = new Float64Array(m * m);
  const row = new Float64Array(m);
  for (let s = 0; s < m; s++) {
    rbfRow(landmarks, s * d, landmarks, m, d, gamma, row);
    K.set(row, s * m);
  }
  const { values, vectors } = symmetricEigen(K, m);
  const cut = 1e-10 * Math.max(values[0], 0);
  let p = 0;
  while (p < m && values[p] > cut) p++;
  const projection = new Float64Array(p * m);
  for (let r = 0; r < p; r++) {
    const scale = 1 / Math.sqrt(values[r]);
    for (let s = 0; s < m; s++) projection[r * m + s] = vectors[s * m + r] * scale;
  }
  return { cols: d, gamma, landmarks, m, projection, p };
}

/**
 * φ of rows [from, to) of X into out (rows × p, row-major, starting at row `from`). Four rows go
 * through the projection together so each projection entry is loaded once per four products.
 */
export function nystroemTransform(map: NystroemMap, X: ArrayLike<number>, from: number, to: number, out: Float64Array): void {
  const { cols: d, m, p, projection, landmarks, gamma } = map;
  const k0 = new Float64Array(m);
  const k1 = new Float64Array(m);
  const k2 = new Float64Array(m);
  const k3 = new Float64Array(m);
  let i = from;
  for (; i + 3 < to; i += 4) {
    rbfRow(X, i * d, landmarks, m, d, gamma, k0);
    rbfRow(X, (i + 1) * d, landmarks, m, d, gamma, k1);
    rbfRow(X, (i + 2) * d, landmarks, m, d, gamma, k2);
    rbfRow(X, (i + 3) * d, landmarks, m, d, gamma, k3);
    const o = i * p;
    for (let r = 0; r < p; r++) {
      const pr = r * m;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < m; t++) {
        const v = projection[pr + t];
        s0 += v * k0[t];
        s1 += v * k1[t];
        s2 += v * k2[t];
        s3 += v * k3[t];
      }
      out[o + r] = s0;
      out[o + p + r] = s1;
      out[o + 2 * p + r] = s2;
      out[o + 3 * p + r] = s3;
    }
  }
  for (; i < to; i++) {
    rbfRow(X, i * d, landmarks, m, d, gamma, k0);
    const o = i * p;
    for (let r = 0; r < p; r++) {
      const pr = r * m;
      let s = 0;
      for (let t = 0; t < m; t++) s += projection[pr + t] * k0[t];
      out[o + r] = s;
    }
  }
}

/**
 * A linear function of φ folded back onto the landmarks: w·φ(x) = w·(P k(x, L)) = (Pᵀw)·k(x, L),
 * so scoring needs m kernel values per row and no projection.
 */
export function foldOntoLandmarks(map: NystroemMap, w: Float64Array): Float64Array {
  const beta = new Float64Array(map.m);
  for (let r = 0; r < map.p; r++) for (let s = 0; s < map.m; s++) beta[s] += map.projection[r * map.m + s] * w[r];
  return beta;
}
