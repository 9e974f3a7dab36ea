/**
 * Point-wise detection metrics — every test row is one decision, no adjustment:
 * F1 at the best threshold (an upper bound: the threshold is chosen with the test labels, as every
 * published SMD figure does), F1 at a given threshold (one chosen from training data only: what a
 * deployment would get), and average precision (threshold-free). Built on src/ml/metrics.
 */
import { averagePrecision, bestF1Threshold, precisionRecallF1AtThreshold } from '../../src/ml/metrics/index.js';

export interface PointScores {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

/** The best point-wise F1 over all thresholds (alarm when score ≥ threshold). */
export function bestPointF1(labels: ArrayLike<number>, scores: ArrayLike<number>): PointScores {
  const b = bestF1Threshold(labels, scores);
  return { threshold: b.threshold, precision: b.precision, recall: b.recall, f1: b.f1 };
}

/** Point-wise precision, recall and F1 when alarming at score ≥ threshold (0 where undefined). */
export function pointF1At(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): PointScores {
  const s = precisionRecallF1AtThreshold(labels, scores, threshold);
  const z = (v: number) => (Number.isFinite(v) ? v : 0);
  return { threshold, precision: z(s.precision), recall: z(s.recall), f1: z(s.f1) };
}

/** Average precision (area under the precision–recall curve, step-wise as scikit-learn). */
export function pointAveragePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  return averagePrecision(labels, scores);
}

/**
 * The threshold a training-only rule picks: the `q` quantile (default 0.99) of the method's
 * scores on training rows (nearest rank, the value at index ⌈q·n⌉ − 1 of the sorted scores), so
 * that about 1 − q of normal training time alarms. No test label is involved.
 */
export function trainingQuantileThreshold(trainScores: ArrayLike<number>, q = 0.99): number {
  if (trainScores.length === 0) throw new Error('trainingQuantileThreshold: no training scores');
  if (!(q > 0 && q < 1)) throw new Error(`trainingQuantileThreshold: q must be in (0, 1), got ${q}`);
  const s = Float64Array.from(trainScores).sort();
  return s[Math.max(0, Math.ceil(q * s.length) - 1)];
}
