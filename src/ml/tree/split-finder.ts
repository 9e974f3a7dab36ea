/**
 * Best split of a node from its gradient histograms (XGBoost's exact formulas on bins). With L1
 * soft-thresholding T(G) = sign(G)·max(|G| − alpha, 0), a leaf's weight is −T(G)/(H + lambda)
 * and its score T(G)²/(H + lambda); a split's gain is score(left) + score(right) − score(parent).
 * Missing values (bin 0) are tried on both sides and the better side is the default direction.
 */

/** Doubles per split record: gain, feature, bin, missingLeft (0/1), GL, HL. */
export const SPLIT_RECORD = 6;

export interface SplitConfig {
  lambda: number;
  alpha: number;
  minChildWeight: number;
}

export function thresholdL1(g: number, alpha: number): number {
  return g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
}

export function leafWeight(G: number, H: number, lambda: number, alpha: number): number {
  const d = H + lambda;
  return d > 0 ? -thresholdL1(G, alpha) / d : 0;
}

function score(G: number, H: number, lambda: number, alpha: number): number {
  const t = alpha === 0 ? G : thresholdL1(G, alpha);
  return (t * t) / (H + lambda);
}

/** Writes an empty record (no split possible). */
export function noSplit(out: Float64Array, o: number): void {
  out[o] = -Infinity;
  out[o + 1] = -1;
  out[o + 2] = 0;
  out[o + 3] = 0;
  out[o + 4] = 0;
  out[o + 5] = 0;
}

/**
 * Scans features[fFrom..fTo) of one node's histogram and writes the best split (strictly the
 * highest gain; ties go to the earlier feature, then the lower bin) to out[o..o+SPLIT_RECORD).
 * The same scan over any partition of the features, reduced in feature order with the same
 * strict comparison (`better`), picks the same split.
 */
export function findBestSplit(
  hist: Float64Array,
  offsets: Int32Array,
  features: Int32Array,
  fFrom: number,
  fTo: number,
  G: number,
  H: number,
  cfg: SplitConfig,
  out: Float64Array,
  o: number,
): void {
  const { lambda, alpha, minChildWeight } = cfg;
  const mcw = minChildWeight > 0 ? minChildWeight : 0;
  const parent = score(G, H, lambda, alpha);
  let bestGain = -Infinity;
  let bestF = -1;
  let bestBin = 0;
  let bestMissLeft = 0;
  let bestGL = 0;
  let bestHL = 0;
  for (let q = fFrom; q < fTo; q++) {
    const f = features[q];
    const base = offsets[f] << 1;
    const nb = offsets[f + 1] - offsets[f];
    const gm = hist[base];
    const hm = hist[base + 1];
    const hasMissing = gm !== 0 || hm !== 0;
    if (hasMissing) {
      // Only the missing values on the left.
      const hr = H - hm;
      if (hm >= mcw && hr >= mcw && hm > 0 && hr > 0) {
        const gain = score(gm, hm, lambda, alpha) + score(G - gm, hr, lambda, alpha) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestBin = 0;
          bestMissLeft = 1;
          bestGL = gm;
          bestHL = hm;
        }
      }
    }
    let gl = 0;
    let hl = 0;
    for (let t = 1, j = base + 2; t < nb - 1; t++, j += 2) {
      gl += hist[j];
      hl += hist[j + 1];
      // Missing values on the right.
      let hr = H - hl;
      if (hr < mcw || hr <= 0) break; // the right side only shrinks from here
      if (hl >= mcw && hl > 0) {
        const gain = score(gl, hl, lambda, alpha) + score(G - gl, hr, lambda, alpha) - parent;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestBin = t;
          // Without missing values in this node, NaN at prediction time follows the heavier side.
          bestMissLeft = hasMissing ? 0 : hl >= hr ? 1 : 0;
          bestGL = gl;
          bestHL = hl;
        }
      }
      if (hasMissing) {
        const gl2 = gl + gm;
        const hl2 = hl + hm;
        hr = H - hl2;
        if (hl2 >= mcw && hr >= mcw && hl2 > 0 && hr > 0) {
          const gain = score(gl2, hl2, lambda, alpha) + score(G - gl2, hr, lambda, alpha) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestBin = t;
            bestMissLeft = 1;
            bestGL = gl2;
            bestHL = hl2;
          }
        }
      }
    }
  }
  out[o] = bestGain;
  out[o + 1] = bestF;
  out[o + 2] = bestBin;
  out[o + 3] = bestMissLeft;
  out[o + 4] = bestGL;
  out[o + 5] = bestHL;
}
