import { assertFitted, checkParamNames, checkSerialized, decodeArray, encodeArray, MLInputError, type EncodedArray, type SerializedModel } from '../core/index.js';
import { tieGroups } from './tie-groups.js';
import { checkBinary, checkFinite, checkProbabilities, checkSameLength } from './validate.js';

/**
 * Score calibration: turn a model's raw scores into probabilities that mean what they say, so an
 * alert budget ("page when P(failure in 24 h) > 0.3") is honest.
 *
 * Calibrators map one score to one probability, so they take and return 1-D typed arrays rather
 * than a Matrix, and their fit is synchronous (both are O(n log n) or O(n · iterations) on one
 * column; a worker thread would cost more than the work). Otherwise they follow the estimator
 * contract: params only in the constructor, toJSON / fromJSON with a format version, exact round trip.
 */

function checkCalibrationInput(kind: string, scores: ArrayLike<number>, y: ArrayLike<number>): number {
  checkSameLength(kind, y, scores, ['y', 'scores']);
  checkFinite(kind, scores, 'scores');
  return checkBinary(kind, y, 'y');
}

// ---------------------------------------------------------------------------------------------
// Platt scaling

export interface PlattParams {
  /** Newton iterations (Lin, Lin & Weng use 100) */
  maxIter?: number;
  /** stop when both gradient components are below this (Lin, Lin & Weng: 1e-5) */
  tolerance?: number;
}

const PLATT_PARAMS = ['maxIter', 'tolerance'] as const;
const PLATT_VERSION = 1;

/**
 * Platt scaling: P(y = 1 | s) = 1 / (1 + exp(A·s + B)).
 *
 * Fitted on Platt's prior-corrected targets t+ = (N+ + 1) / (N+ + 2), t− = 1 / (N− + 2), which
 * keep a separable training set from driving A to infinity, by Newton's method with backtracking
 * line search and the numerically stable log-likelihood of Lin, Lin & Weng (2007),
 * "A note on Platt's probabilistic outputs for support vector machines".
 */
export class PlattCalibrator {
  static readonly kind = 'PlattCalibrator';
  private state?: { a: number; b: number };

  constructor(readonly params: PlattParams = {}) {}

  /** The fitted slope A and intercept B (A < 0 when higher scores mean more positive). */
  get coefficients(): { a: number; b: number } {
    assertFitted(PlattCalibrator.kind, this.state);
    return { ...this.state };
  }

  fit(scores: ArrayLike<number>, y: ArrayLike<number>): this {
    checkParamNames(PlattCalibrator.kind, this.params, PLATT_PARAMS);
    const maxIter = this.params.maxIter ?? 100;
    const tolerance = this.params.tolerance ?? 1e-5;
    if (!Number.isInteger(maxIter) || maxIter < 1) throw new MLInputError(`${PlattCalibrator.kind}: maxIter must be a positive integer, got ${maxIter}`);
    if (!(tolerance > 0)) throw new MLInputError(`${PlattCalibrator.kind}: tolerance must be positive, got ${tolerance}`);
    const prior1 = checkCalibrationInput(PlattCalibrator.kind, scores, y);
    const n = y.length;
    const prior0 = n - prior1;
    const hiTarget = (prior1 + 1) / (prior1 + 2);
    const loTarget = 1 / (prior0 + 2);
    const f = Float64Array.from(scores);
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) t[i] = y[i] === 1 ? hiTarget : loTarget;

    const minStep = 1e-10;
    const sigma = 1e-12; // keeps the Hessian positive definite
    let a = 0;
    let b = Math.log((prior0 + 1) / (prior1 + 1));
    let fval = plattObjective(f, t, a, b);
    for (let iter = 0; iter < maxIter; iter++) {
      let h11 = sigma;
      let h22 = sigma;
      let h21 = 0;
      let g1 = 0;
      let g2 = 0;
      for (let i = 0; i < n; i++) {
        const fApB = f[i] * a + b;
        // p = P(y=1) = 1/(1+e^fApB), q = 1 − p, each computed without overflow.
        let p: number;
        let q: number;
        if (fApB >= 0) {
          const e = Math.exp(-fApB);
          p = e / (1 + e);
          q = 1 / (1 + e);
        } else {
          const e = Math.exp(fApB);
          p = 1 / (1 + e);
          q = e / (1 + e);
        }
        const d2 = p * q;
        h11 += f[i] * f[i] * d2;
        h22 += d2;
        h21 += f[i] * d2;
        const d1 = t[i] - p;
        g1 += f[i] * d1;
        g2 += d1;
      }
      if (Math.abs(g1) < tolerance && Math.abs(g2) < tolerance) break;
      const det = h11 * h22 - h21 * h21;
      const dA = -(h22 * g1 - h21 * g2) / det;
      const dB = -(-h21 * g1 + h11 * g2) / det;
      const gd = g1 * dA + g2 * dB;
      let step = 1;
      while (step >= minStep) {
        const na = a + step * dA;
        const nb = b + step * dB;
        const nf = plattObjective(f, t, na, nb);
        if (nf < fval + 1e-4 * step * gd) {
          a = na;
          b = nb;
          fval = nf;
          break;
        }
        step /= 2;
      }
      if (step < minStep) break; // line search failed: we are as close as doubles allow
    }
    this.state = { a, b };
    return this;
  }

  predict(scores: ArrayLike<number>): Float64Array {
    assertFitted(PlattCalibrator.kind, this.state);
    const { a, b } = this.state;
    const out = new Float64Array(scores.length);
    for (let i = 0; i < scores.length; i++) {
      const fApB = scores[i] * a + b;
      out[i] = fApB >= 0 ? Math.exp(-fApB) / (1 + Math.exp(-fApB)) : 1 / (1 + Math.exp(fApB));
    }
    return out;
  }

  toJSON(): SerializedModel<PlattParams, { ab: EncodedArray }> {
    assertFitted(PlattCalibrator.kind, this.state);
    // A and B as bytes, not decimal text: the round trip is exact down to the sign of zero.
    return { kind: PlattCalibrator.kind, formatVersion: PLATT_VERSION, params: { ...this.params }, state: { ab: encodeArray(Float64Array.of(this.state.a, this.state.b)) } };
  }

  static fromJSON(s: SerializedModel<PlattParams, { ab: EncodedArray }>): PlattCalibrator {
    checkSerialized(s, PlattCalibrator.kind, PLATT_VERSION);
    const ab = decodeArray(s.state.ab, 'f64');
    if (ab.length !== 2) throw new MLInputError(`${PlattCalibrator.kind}: expected 2 coefficients, got ${ab.length}`);
    const m = new PlattCalibrator(s.params);
    m.state = { a: ab[0], b: ab[1] };
    return m;
  }
}

/** Cross-entropy of targets t against P = 1/(1+e^(A f + B)), in the overflow-free form. */
function plattObjective(f: Float64Array, t: Float64Array, a: number, b: number): number {
  let v = 0;
  for (let i = 0; i < f.length; i++) {
    const fApB = f[i] * a + b;
    v += fApB >= 0 ? t[i] * fApB + Math.log1p(Math.exp(-fApB)) : (t[i] - 1) * fApB + Math.log1p(Math.exp(fApB));
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Isotonic regression

export interface IsotonicParams {
  /** true (default): probability rises with the score; false: it falls (e.g. a health score) */
  increasing?: boolean;
}

const ISOTONIC_PARAMS = ['increasing'] as const;
const ISOTONIC_VERSION = 1;

/**
 * Isotonic calibration (scikit-learn's IsotonicRegression with out_of_bounds='clip'): the
 * monotone step function closest in squared error to the labels, found by pool-adjacent-violators
 * in O(n log n) (the sort) + O(n); tied scores are pooled first. Between the kept points it
 * interpolates linearly; outside the training range it clips to the end values.
 * It needs no parametric shape, so it fixes any monotone miscalibration, but it wants more data
 * than Platt (a few hundred positives) to avoid overfitting.
 */
export class IsotonicCalibrator {
  static readonly kind = 'IsotonicCalibrator';
  private state?: { x: Float64Array; y: Float64Array };

  constructor(readonly params: IsotonicParams = {}) {}

  /** The interpolation knots (scikit-learn's X_thresholds_, y_thresholds_). */
  get knots(): { x: Float64Array; y: Float64Array } {
    assertFitted(IsotonicCalibrator.kind, this.state);
    return { x: this.state.x.slice(), y: this.state.y.slice() };
  }

  fit(scores: ArrayLike<number>, y: ArrayLike<number>): this {
    checkParamNames(IsotonicCalibrator.kind, this.params, ISOTONIC_PARAMS);
    const increasing = this.params.increasing ?? true;
    checkCalibrationInput(IsotonicCalibrator.kind, scores, y);
    // Pool tied scores: one point per distinct score, weighted by its count.
    const { values: ux, total: uw, positives } = tieGroups(y, scores);
    const m = ux.length;

    // Pool adjacent violators with a stack of blocks (weighted sum, weight, last index).
    const sign = increasing ? 1 : -1;
    const bSum = new Float64Array(m);
    const bW = new Float64Array(m);
    const bEnd = new Uint32Array(m);
    let top = -1;
    for (let i = 0; i < m; i++) {
      top++;
      bSum[top] = positives[i];
      bW[top] = uw[i];
      bEnd[top] = i;
      while (top > 0 && sign * (bSum[top - 1] / bW[top - 1]) > sign * (bSum[top] / bW[top])) {
        bSum[top - 1] += bSum[top];
        bW[top - 1] += bW[top];
        bEnd[top - 1] = bEnd[top];
        top--;
      }
    }
    const fitted = new Float64Array(m);
    for (let blk = 0, i = 0; blk <= top; blk++) {
      const v = bSum[blk] / bW[blk];
      for (; i <= bEnd[blk]; i++) fitted[i] = v;
    }

    // Keep only the knots the interpolation needs: both ends and the ends of each flat step.
    const keepX: number[] = [];
    const keepY: number[] = [];
    for (let i = 0; i < m; i++) {
      if (i === 0 || i === m - 1 || fitted[i] !== fitted[i - 1] || fitted[i] !== fitted[i + 1]) {
        keepX.push(ux[i]);
        keepY.push(fitted[i]);
      }
    }
    this.state = { x: Float64Array.from(keepX), y: Float64Array.from(keepY) };
    return this;
  }

  /** Calibrated probabilities; NaN scores give NaN. */
  predict(scores: ArrayLike<number>): Float64Array {
    assertFitted(IsotonicCalibrator.kind, this.state);
    const { x, y } = this.state;
    const last = x.length - 1;
    const out = new Float64Array(scores.length);
    for (let k = 0; k < scores.length; k++) {
      const s = scores[k];
      if (Number.isNaN(s)) out[k] = NaN;
      else if (s <= x[0]) out[k] = y[0];
      else if (s >= x[last]) out[k] = y[last];
      else {
        // Binary search for x[lo] <= s < x[lo + 1].
        let lo = 0;
        let hi = last;
        while (hi - lo > 1) {
          const mid = (lo + hi) >>> 1;
          if (x[mid] <= s) lo = mid;
          else hi = mid;
        }
        const slope = (y[lo + 1] - y[lo]) / (x[lo + 1] - x[lo]);
        out[k] = slope * (s - x[lo]) + y[lo];
      }
    }
    return out;
  }

  toJSON(): SerializedModel<IsotonicParams, { x: EncodedArray; y: EncodedArray }> {
    assertFitted(IsotonicCalibrator.kind, this.state);
    return { kind: IsotonicCalibrator.kind, formatVersion: ISOTONIC_VERSION, params: { ...this.params }, state: { x: encodeArray(this.state.x), y: encodeArray(this.state.y) } };
  }

  static fromJSON(s: SerializedModel<IsotonicParams, { x: EncodedArray; y: EncodedArray }>): IsotonicCalibrator {
    checkSerialized(s, IsotonicCalibrator.kind, ISOTONIC_VERSION);
    const x = decodeArray(s.state.x, 'f64');
    const y = decodeArray(s.state.y, 'f64');
    if (x.length === 0 || x.length !== y.length) throw new MLInputError(`${IsotonicCalibrator.kind}: knots have ${x.length} x and ${y.length} y values`);
    for (let i = 1; i < x.length; i++) if (!(x[i] > x[i - 1])) throw new MLInputError(`${IsotonicCalibrator.kind}: knot x values must increase`);
    const m = new IsotonicCalibrator(s.params);
    m.state = { x, y };
    return m;
  }
}

// ---------------------------------------------------------------------------------------------
// Reliability diagram

export interface ReliabilityCurve {
  /** observed fraction of positives in each non-empty bin (scikit-learn's prob_true) */
  probTrue: Float64Array;
  /** mean predicted probability in each non-empty bin (scikit-learn's prob_pred) */
  probPred: Float64Array;
  /** samples in each non-empty bin */
  counts: Float64Array;
  /** index of each returned bin among the nBins uniform bins */
  bins: Uint32Array;
  /** expected calibration error: Σ counts/n · |probTrue − probPred| */
  ece: number;
}

/**
 * Reliability curve over nBins uniform bins of [0, 1], as scikit-learn's
 * calibration_curve(strategy='uniform'): edges i/nBins, a probability on an inner edge falls in
 * the lower bin, empty bins are left out. Adds the counts and the expected calibration error.
 */
export function reliabilityCurve(y: ArrayLike<number>, prob: ArrayLike<number>, nBins = 10): ReliabilityCurve {
  if (!Number.isInteger(nBins) || nBins < 1) throw new MLInputError(`reliabilityCurve: nBins must be a positive integer, got ${nBins}`);
  checkSameLength('reliabilityCurve', y, prob, ['y', 'prob']);
  checkBinary('reliabilityCurve', y, 'y');
  checkProbabilities('reliabilityCurve', prob);
  // Inner edges computed as numpy's linspace does (i · step), so edge cases land in the same bin.
  const step = 1 / nBins;
  const edges = new Float64Array(nBins - 1);
  for (let i = 1; i < nBins; i++) edges[i - 1] = i * step;
  const sumProb = new Float64Array(nBins);
  const sumTrue = new Float64Array(nBins);
  const total = new Float64Array(nBins);
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i];
    // Number of inner edges strictly below p (numpy's searchsorted, side='left').
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    sumProb[lo] += p;
    sumTrue[lo] += y[i];
    total[lo]++;
  }
  const bins: number[] = [];
  for (let b = 0; b < nBins; b++) if (total[b] > 0) bins.push(b);
  const probTrue = new Float64Array(bins.length);
  const probPred = new Float64Array(bins.length);
  const counts = new Float64Array(bins.length);
  let ece = 0;
  bins.forEach((b, j) => {
    probTrue[j] = sumTrue[b] / total[b];
    probPred[j] = sumProb[b] / total[b];
    counts[j] = total[b];
    ece += (total[b] / prob.length) * Math.abs(probTrue[j] - probPred[j]);
  });
  return { probTrue, probPred, counts, bins: Uint32Array.from(bins), ece };
}
