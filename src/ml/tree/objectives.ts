import { MLInputError } from '../core/index.js';

/**
 * Boosting objectives: each turns raw margins and labels into per-row (gradient, hessian) pairs
 * (XGBoost's definitions), gives the starting margin, the prediction transform and the
 * validation metric that early stopping watches (lower is better).
 */
export type ObjectiveName = 'binary' | 'multiclass' | 'regression' | 'quantile';

export interface ObjectiveConfig {
  name: ObjectiveName;
  /** Outputs per row: the class count for multiclass, else 1. */
  numOutputs: number;
  quantileAlpha: number;
}

const HESS_FLOOR = 1e-16;

/** Checks labels against the objective: 0/1 for binary, 0..k-1 for multiclass. */
export function checkLabels(kind: string, cfg: ObjectiveConfig, y: ArrayLike<number>): void {
  if (cfg.name === 'binary') {
    for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) throw new MLInputError(`${kind}: binary labels must be 0 or 1, label ${i} is ${y[i]}`);
  } else if (cfg.name === 'multiclass') {
    for (let i = 0; i < y.length; i++) {
      const v = y[i];
      if (!Number.isInteger(v) || v < 0 || v >= cfg.numOutputs) throw new MLInputError(`${kind}: multiclass labels must be integers in 0..${cfg.numOutputs - 1}, label ${i} is ${v}`);
    }
  }
}

/** The starting margin: the (weighted) log-odds, log class priors, mean or alpha-quantile of the labels. */
export function baseScore(cfg: ObjectiveConfig, y: ArrayLike<number>, w: Float64Array | null): Float64Array {
  const n = y.length;
  const out = new Float64Array(cfg.numOutputs);
  if (cfg.name === 'binary' || cfg.name === 'multiclass') {
    const k = cfg.numOutputs;
    const counts = new Float64Array(cfg.name === 'binary' ? 2 : k);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      counts[y[i]] += wi;
      total += wi;
    }
    const clip = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
    if (total <= 0) return out;
    if (cfg.name === 'binary') {
      const p = clip(counts[1] / total);
      out[0] = Math.log(p / (1 - p));
    } else {
      for (let c = 0; c < k; c++) out[c] = Math.log(clip(counts[c] / total));
    }
  } else if (cfg.name === 'regression') {
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i];
    out[0] = s / n;
  } else {
    out[0] = quantile(Float64Array.from(y), cfg.quantileAlpha);
  }
  return out;
}

/** The alpha-quantile of `values` (sorted in place; linear interpolation between order statistics). */
export function quantile(values: Float64Array, alpha: number): number {
  const n = values.length;
  if (n === 0) return 0;
  values.sort();
  const pos = alpha * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return values[lo] + (values[hi] - values[lo]) * (pos - lo);
}

/**
 * Multiclass: softmax probabilities of every row (rows × k), computed once per round so each
 * class's tree reads the same probabilities.
 */
export function softmaxRows(pred: Float64Array, rows: number, k: number, out: Float64Array): void {
  for (let i = 0, o = 0; i < rows; i++, o += k) {
    let m = -Infinity;
    for (let c = 0; c < k; c++) if (pred[o + c] > m) m = pred[o + c];
    let s = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(pred[o + c] - m);
      out[o + c] = e;
      s += e;
    }
    for (let c = 0; c < k; c++) out[o + c] /= s;
  }
}

/**
 * The (gradient, hessian) pairs of row r for every output: output k's pair is at
 * gh[2*(k*n + r)] and the next slot (one block of n pairs per output, so a class's tree reads
 * its own block). `pred` holds the raw margins (rows × numOutputs); `w` scales both (class
 * weights).
 */
export function gradientRow(cfg: ObjectiveConfig, pred: Float64Array, y: Float64Array, w: Float64Array | null, gh: Float64Array, n: number, r: number): void {
  const wi = w === null ? 1 : w[r];
  const j = 2 * r;
  switch (cfg.name) {
    case 'binary': {
      const p = 1 / (1 + Math.exp(-pred[r]));
      gh[j] = (p - y[r]) * wi;
      gh[j + 1] = Math.max(p * (1 - p), HESS_FLOOR) * wi;
      return;
    }
    case 'multiclass': {
      const K = cfg.numOutputs;
      const o = r * K;
      let m = -Infinity;
      for (let c = 0; c < K; c++) if (pred[o + c] > m) m = pred[o + c];
      let s = 0;
      for (let c = 0; c < K; c++) s += Math.exp(pred[o + c] - m);
      const label = y[r];
      for (let c = 0, q = j; c < K; c++, q += 2 * n) {
        const p = Math.exp(pred[o + c] - m) / s;
        gh[q] = (p - (label === c ? 1 : 0)) * wi;
        gh[q + 1] = Math.max(2 * p * (1 - p), HESS_FLOOR) * wi;
      }
      return;
    }
    case 'regression':
      gh[j] = (pred[r] - y[r]) * wi;
      gh[j + 1] = wi;
      return;
    case 'quantile': {
      // Pinball loss: its hessian is 0, so trees grow on unit hessians and leaves are then
      // re-fitted to the alpha-quantile of their residuals (as LightGBM does).
      const a = cfg.quantileAlpha;
      gh[j] = (pred[r] >= y[r] ? 1 - a : -a) * wi;
      gh[j + 1] = wi;
      return;
    }
  }
}

/** gradientRow for rows from..to, in order. Binary log loss, the common case, has its own loop. */
export function gradientsFor(cfg: ObjectiveConfig, pred: Float64Array, y: Float64Array, w: Float64Array | null, gh: Float64Array, n: number, from: number, to: number): void {
  if (cfg.name === 'binary' && w === null) {
    for (let r = from; r < to; r++) {
      const p = 1 / (1 + Math.exp(-pred[r]));
      gh[2 * r] = p - y[r];
      gh[2 * r + 1] = Math.max(p * (1 - p), HESS_FLOOR);
    }
    return;
  }
  for (let r = from; r < to; r++) gradientRow(cfg, pred, y, w, gh, n, r);
}

/** Raw margins → what predictProba/predict report: P(class 1), class probabilities, or values. */
export function transformOutputs(cfg: ObjectiveConfig, raw: Float64Array, rows: number): Float64Array {
  if (cfg.name === 'binary') {
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = 1 / (1 + Math.exp(-raw[i]));
    return out;
  }
  if (cfg.name === 'multiclass') {
    const out = new Float64Array(rows * cfg.numOutputs);
    softmaxRows(raw, rows, cfg.numOutputs, out);
    return out;
  }
  return raw.slice(0, rows);
}

/** Name of the validation metric early stopping watches. */
export function metricName(cfg: ObjectiveConfig): string {
  return { binary: 'logloss', multiclass: 'mlogloss', regression: 'rmse', quantile: 'pinball' }[cfg.name];
}

/** The validation metric (lower is better) of raw margins `pred` against labels `y`. */
export function evaluateMetric(cfg: ObjectiveConfig, pred: Float64Array, y: ArrayLike<number>, probs?: Float64Array): number {
  const n = y.length;
  const eps = 1e-15;
  let s = 0;
  switch (cfg.name) {
    case 'binary':
      for (let i = 0; i < n; i++) {
        const p = Math.min(1 - eps, Math.max(eps, 1 / (1 + Math.exp(-pred[i]))));
        s -= y[i] === 1 ? Math.log(p) : Math.log(1 - p);
      }
      return s / n;
    case 'multiclass': {
      const K = cfg.numOutputs;
      const P = probs ?? new Float64Array(n * K);
      if (!probs) softmaxRows(pred, n, K, P);
      for (let i = 0; i < n; i++) s -= Math.log(Math.max(eps, P[i * K + y[i]]));
      return s / n;
    }
    case 'regression':
      for (let i = 0; i < n; i++) s += (pred[i] - y[i]) ** 2;
      return Math.sqrt(s / n);
    case 'quantile': {
      const a = cfg.quantileAlpha;
      for (let i = 0; i < n; i++) {
        const d = y[i] - pred[i];
        s += d >= 0 ? a * d : (a - 1) * d;
      }
      return s / n;
    }
  }
}
