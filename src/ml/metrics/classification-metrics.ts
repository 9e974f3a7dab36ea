import { MLInputError, matrix, type Matrix } from '../core/index.js';
import { tieGroups } from './tie-groups.js';
import { checkBinary, checkFinite, checkProbabilities, checkSameLength } from './validate.js';

/**
 * Classification metrics with scikit-learn's exact definitions.
 *
 * Conventions (all documented choices):
 * - Binary labels are 0/1 with positive = 1; anything else throws MLInputError.
 * - A threshold t predicts positive when score >= t (as scikit-learn's curves do).
 * - When a ranking metric is undefined (ROC-AUC with one class in yTrue, average precision with
 *   no positives) it returns NaN instead of throwing: a time-ordered fold without failures is a
 *   normal event in evaluation, and crossValidate counts NaN folds instead of failing the run.
 *   Functions that must *decide* something (bestF1Threshold) throw instead.
 * - Zero divisions in precision / recall / F1 give 0 (scikit-learn's zero_division default).
 */

/** Cumulative counts at each distinct score, highest score first (scikit-learn's _binary_clf_curve). */
interface BinaryCurve {
  /** distinct scores, descending */
  thresholds: Float64Array;
  /** true positives among samples with score >= thresholds[i] */
  tps: Float64Array;
  /** false positives among samples with score >= thresholds[i] */
  fps: Float64Array;
  positives: number;
  negatives: number;
}

function binaryCurve(name: string, yTrue: ArrayLike<number>, score: ArrayLike<number>): BinaryCurve {
  checkSameLength(name, yTrue, score, ['yTrue', 'score']);
  const positives = checkBinary(name, yTrue);
  checkFinite(name, score, 'score');
  // Walk the distinct scores from the highest down; tied scores enter together, since no
  // threshold can separate them.
  const g = tieGroups(yTrue, score);
  const m = g.values.length;
  const thresholds = new Float64Array(m);
  const tps = new Float64Array(m);
  const fps = new Float64Array(m);
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < m; k++) {
    const src = m - 1 - k;
    tp += g.positives[src];
    fp += g.total[src] - g.positives[src];
    thresholds[k] = g.values[src];
    tps[k] = tp;
    fps[k] = fp;
  }
  return { thresholds, tps, fps, positives, negatives: yTrue.length - positives };
}

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** decreasing; thresholds[0] = Infinity is the "predict nothing positive" point (scikit-learn >= 1.3) */
  thresholds: Float64Array;
}

/**
 * The ROC curve as scikit-learn's roc_curve: one point per distinct score plus (0, 0).
 * With dropIntermediate (default true, as scikit-learn) collinear points are removed; the area is
 * unchanged. With a single class the undefined axis is NaN.
 */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>, opts: { dropIntermediate?: boolean } = {}): RocCurve {
  const c = binaryCurve('rocCurve', yTrue, score);
  let keep: number[] | undefined;
  const m = c.thresholds.length;
  if ((opts.dropIntermediate ?? true) && m > 2) {
    // scikit-learn: keep the ends and every point where the second difference of fps or tps is non-zero.
    keep = [0];
    for (let i = 1; i < m - 1; i++) {
      if (c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1] !== 0 || c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1] !== 0) keep.push(i);
    }
    keep.push(m - 1);
  }
  const len = (keep ? keep.length : m) + 1;
  const fpr = new Float64Array(len);
  const tpr = new Float64Array(len);
  const thresholds = new Float64Array(len);
  thresholds[0] = Infinity;
  for (let j = 1; j < len; j++) {
    const i = keep ? keep[j - 1] : j - 1;
    fpr[j] = c.fps[i] / c.negatives; // NaN when there are no negatives, as scikit-learn
    tpr[j] = c.tps[i] / c.positives;
    thresholds[j] = c.thresholds[i];
  }
  if (c.negatives === 0) fpr[0] = NaN;
  if (c.positives === 0) tpr[0] = NaN;
  return { fpr, tpr, thresholds };
}

/**
 * Area under the ROC curve. Trapezoids over distinct thresholds, which equals the Mann–Whitney
 * statistic with tied scores counting 1/2 — scikit-learn's roc_auc_score exactly.
 * Returns NaN when yTrue holds a single class (scikit-learn raises; see the module note).
 */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  const c = binaryCurve('rocAuc', yTrue, score);
  if (c.positives === 0 || c.negatives === 0) return NaN;
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let i = 0; i < c.thresholds.length; i++) {
    area += (c.fps[i] - prevFp) * (c.tps[i] + prevTp);
    prevTp = c.tps[i];
    prevFp = c.fps[i];
  }
  // Counts are integers, so the sum is exact until the single division.
  return area / (2 * c.positives * c.negatives);
}

export interface PrecisionRecallCurve {
  /** precision[i] at thresholds[i]; the final entry is 1 (no predictions), as scikit-learn */
  precision: Float64Array;
  /** recall[i] at thresholds[i]; the final entry is 0 */
  recall: Float64Array;
  /** distinct scores, increasing (one fewer than precision / recall) */
  thresholds: Float64Array;
}

/** scikit-learn's precision_recall_curve (version 1.1+ : every distinct score, no truncation). */
export function precisionRecallCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>): PrecisionRecallCurve {
  const c = binaryCurve('precisionRecallCurve', yTrue, score);
  const m = c.thresholds.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thresholds = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const j = m - 1 - i; // reversed: thresholds increase, recall decreases
    const predicted = c.tps[i] + c.fps[i];
    precision[j] = predicted === 0 ? 0 : c.tps[i] / predicted;
    // scikit-learn sets recall to 1 everywhere when there are no positives.
    recall[j] = c.positives === 0 ? 1 : c.tps[i] / c.positives;
    thresholds[j] = c.thresholds[i];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds };
}

/**
 * PR-AUC as average precision, scikit-learn's step-wise definition
 * AP = Σ_n (R_n − R_{n−1}) P_n over distinct thresholds — no interpolation (trapezoids over the
 * PR curve are optimistic). Returns NaN when there are no positives.
 */
export function prAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  const c = binaryCurve('prAuc', yTrue, score);
  if (c.positives === 0) return NaN;
  let ap = 0;
  let prevTp = 0;
  for (let i = 0; i < c.thresholds.length; i++) {
    const dTp = c.tps[i] - prevTp;
    if (dTp > 0) ap += (dTp / c.positives) * (c.tps[i] / (c.tps[i] + c.fps[i]));
    prevTp = c.tps[i];
  }
  return ap;
}

/** Alias with scikit-learn's name. */
export const averagePrecision = prAuc;

export interface ConfusionMatrix {
  /** class labels, in the order of rows and columns */
  labels: Float64Array;
  /** counts[i * k + j] = samples whose true label is labels[i] and predicted label is labels[j] */
  counts: Matrix;
}

/**
 * Confusion matrix, rows = true class, columns = predicted class (scikit-learn's layout).
 * Labels default to the sorted union of yTrue and yPred; with explicit labels, samples whose
 * true or predicted label is not listed are ignored, as scikit-learn does.
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels?: ArrayLike<number>): ConfusionMatrix {
  checkSameLength('confusionMatrix', yTrue, yPred);
  checkFinite('confusionMatrix', yTrue, 'yTrue');
  checkFinite('confusionMatrix', yPred, 'yPred');
  const labs = labels ? Float64Array.from(labels) : unionSorted(yTrue, yPred);
  if (labs.length === 0) throw new MLInputError('confusionMatrix: labels is empty');
  const index = new Map<number, number>();
  labs.forEach((l, i) => {
    if (index.has(l)) throw new MLInputError(`confusionMatrix: label ${l} is listed twice`);
    index.set(l, i);
  });
  const k = labs.length;
  const counts = new Float64Array(k * k);
  for (let i = 0; i < yTrue.length; i++) {
    const a = index.get(yTrue[i]);
    const b = index.get(yPred[i]);
    if (a !== undefined && b !== undefined) counts[a * k + b]++;
  }
  return { labels: labs, counts: matrix(counts, k, k) };
}

function unionSorted(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const set = new Set<number>();
  for (let i = 0; i < a.length; i++) set.add(a[i]);
  for (let i = 0; i < b.length; i++) set.add(b[i]);
  return Float64Array.from(set).sort();
}

export interface BinaryScores {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function scoresFromCounts(tp: number, fp: number, fn: number, tn: number): BinaryScores {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  // 2TP / (2TP + FP + FN) is the harmonic mean without the 0/0 corner of 2PR/(P+R).
  const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  return { precision, recall, f1, tp, fp, fn, tn };
}

/** Binary precision, recall and F1 of hard 0/1 predictions (positive = 1), with the raw counts. */
export function precisionRecallF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): BinaryScores {
  checkSameLength('precisionRecallF1', yTrue, yPred);
  checkBinary('precisionRecallF1', yTrue);
  checkBinary('precisionRecallF1', yPred, 'yPred');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (yPred[i] === 1) {
      if (yTrue[i] === 1) tp++;
      else fp++;
    } else if (yTrue[i] === 1) fn++;
  }
  return scoresFromCounts(tp, fp, fn, yTrue.length - tp - fp - fn);
}

/** Precision, recall and F1 when score >= threshold predicts positive. */
export function precisionRecallF1AtThreshold(yTrue: ArrayLike<number>, score: ArrayLike<number>, threshold: number): BinaryScores {
  checkSameLength('precisionRecallF1AtThreshold', yTrue, score, ['yTrue', 'score']);
  checkBinary('precisionRecallF1AtThreshold', yTrue);
  checkFinite('precisionRecallF1AtThreshold', score, 'score');
  if (Number.isNaN(threshold)) throw new MLInputError('precisionRecallF1AtThreshold: threshold is NaN');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    if (score[i] >= threshold) {
      if (yTrue[i] === 1) tp++;
      else fp++;
    } else if (yTrue[i] === 1) fn++;
  }
  return scoresFromCounts(tp, fp, fn, yTrue.length - tp - fp - fn);
}

export interface BestF1 {
  /** predict positive when score >= threshold (one of the observed scores) */
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * The threshold with the highest F1 over all distinct scores, in one O(n log n) pass.
 * Ties in F1 go to the highest threshold (fewest alerts for the same F1).
 * Throws when yTrue has no positives: no threshold can be chosen on such data.
 */
export function bestF1Threshold(yTrue: ArrayLike<number>, score: ArrayLike<number>): BestF1 {
  const c = binaryCurve('bestF1Threshold', yTrue, score);
  if (c.positives === 0) throw new MLInputError('bestF1Threshold: yTrue has no positives, so no threshold can be chosen');
  let best = -1;
  let bestF1 = -1;
  for (let i = 0; i < c.thresholds.length; i++) {
    const f1 = (2 * c.tps[i]) / (c.tps[i] + c.fps[i] + c.positives);
    if (f1 > bestF1) {
      bestF1 = f1;
      best = i;
    }
  }
  const tp = c.tps[best];
  return { threshold: c.thresholds[best], precision: tp / (tp + c.fps[best]), recall: tp / c.positives, f1: bestF1 };
}

/** Mean squared difference between the predicted probability of class 1 and the 0/1 outcome. */
export function brierScore(yTrue: ArrayLike<number>, prob: ArrayLike<number>): number {
  checkSameLength('brierScore', yTrue, prob, ['yTrue', 'prob']);
  checkBinary('brierScore', yTrue);
  checkProbabilities('brierScore', prob);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = prob[i] - yTrue[i];
    s += d * d;
  }
  return s / yTrue.length;
}

/**
 * Binary cross-entropy (natural log), probabilities clipped to [eps, 1 − eps] with eps = 1e-15 so
 * one confident mistake costs about 34.5 instead of Infinity. (scikit-learn < 1.5 used the same
 * default; later versions clip at the float64 machine epsilon.)
 */
export function logLoss(yTrue: ArrayLike<number>, prob: ArrayLike<number>, eps = 1e-15): number {
  checkSameLength('logLoss', yTrue, prob, ['yTrue', 'prob']);
  checkBinary('logLoss', yTrue);
  checkProbabilities('logLoss', prob);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(Math.max(prob[i], eps), 1 - eps);
    s -= yTrue[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return s / yTrue.length;
}

/** Fraction of exact matches; works for any labels (binary or multiclass). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkSameLength('accuracy', yTrue, yPred);
  checkFinite('accuracy', yTrue, 'yTrue');
  checkFinite('accuracy', yPred, 'yPred');
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

export interface PerClassScores {
  labels: Float64Array;
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  /** number of true samples of each class */
  support: Float64Array;
}

/** One-vs-rest precision, recall and F1 per class (scikit-learn's average=None), from the confusion matrix. */
export function perClassScores(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels?: ArrayLike<number>): PerClassScores {
  const cm = confusionMatrix(yTrue, yPred, labels);
  const k = cm.labels.length;
  const c = cm.counts.data;
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  const f1 = new Float64Array(k);
  const support = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let row = 0;
    let col = 0;
    for (let i = 0; i < k; i++) {
      row += c[j * k + i];
      col += c[i * k + j];
    }
    const s = scoresFromCounts(c[j * k + j], col - c[j * k + j], row - c[j * k + j], 0);
    precision[j] = s.precision;
    recall[j] = s.recall;
    f1[j] = s.f1;
    support[j] = row;
  }
  return { labels: cm.labels, precision, recall, f1, support };
}

/**
 * Unweighted mean of per-class F1 (scikit-learn's f1_score(average='macro')): every class counts
 * the same however rare, which is the point for failure types. Labels default to the sorted union
 * of yTrue and yPred, so a class only ever predicted still counts (with F1 = 0).
 */
export function macroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels?: ArrayLike<number>): number {
  const { f1 } = perClassScores(yTrue, yPred, labels);
  let s = 0;
  for (let i = 0; i < f1.length; i++) s += f1[i];
  return s / f1.length;
}
