import { describe, expect, it } from 'vitest';
import { MLInputError, Random } from '../core/index.js';
import {
  accuracy,
  bestF1Threshold,
  brierScore,
  confusionMatrix,
  logLoss,
  macroF1,
  perClassScores,
  prAuc,
  precisionRecallCurve,
  precisionRecallF1,
  precisionRecallF1AtThreshold,
  rocAuc,
  rocCurve,
} from './index.js';

// A small binary set with ties inside a class (0.35, 0.35) and across classes (0.4 ×3, 0.6 ×2).
// Reference numbers come from scikit-learn 1.2.1 at /usr/bin/python3:
//   import numpy as np; from sklearn.metrics import *
//   y = np.array([0,0,1,1,0,1,0,1,1,0,1,0])
//   s = np.array([0.1,0.4,0.35,0.8,0.4,0.4,0.7,0.9,0.35,0.2,0.6,0.6])
const y = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0];
const s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.7, 0.9, 0.35, 0.2, 0.6, 0.6];

const close = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 12) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], digits);
};

describe('ROC', () => {
  it('rocAuc counts ties as one half (Mann–Whitney), matching scikit-learn', () => {
    // By hand: positive/negative pairs ranked right = 4 + 6 + (2 + ½·2) + 6 + (4 + ½) = 23.5 of 36.
    // roc_auc_score(y, s) → 0.6527777777777778
    expect(rocAuc(y, s)).toBeCloseTo(23.5 / 36, 15);
    expect(rocAuc(y, s)).toBeCloseTo(0.6527777777777778, 15);
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([0, 1], [0, -0])).toBe(0.5); // −0 and +0 are one tie
    expect(rocAuc([0, 0, 1, 1], [1, 2, 3, 4])).toBe(1);
    expect(rocAuc([0, 0, 1, 1], [4, 3, 2, 1])).toBe(0);
    // Only the order matters: a monotone transform leaves it unchanged.
    expect(rocAuc(y, s.map((v) => Math.exp(10 * v)))).toBeCloseTo(rocAuc(y, s), 15);
  });

  it('rocAuc equals the pairwise Mann–Whitney count on random data with many ties', () => {
    const rng = new Random(7);
    const n = 300;
    const yy = Array.from({ length: n }, () => (rng.float() < 0.3 ? 1 : 0));
    const ss = yy.map((v) => Math.round((rng.normal() + v) * 4) / 4); // coarse grid: many ties
    let pairs = 0;
    let wins = 0;
    for (let i = 0; i < n; i++) {
      if (yy[i] !== 1) continue;
      for (let j = 0; j < n; j++) {
        if (yy[j] !== 0) continue;
        pairs++;
        wins += ss[i] > ss[j] ? 1 : ss[i] === ss[j] ? 0.5 : 0;
      }
    }
    expect(rocAuc(yy, ss)).toBeCloseTo(wins / pairs, 14);
  });

  it('rocAuc is NaN with a single class (documented choice; scikit-learn raises)', () => {
    expect(rocAuc([1, 1, 1], [0.1, 0.2, 0.3])).toBeNaN();
    expect(rocAuc([0, 0], [0.1, 0.2])).toBeNaN();
  });

  it('rocCurve matches scikit-learn with and without drop_intermediate', () => {
    // fpr, tpr, th = roc_curve(y, s)  (scikit-learn 1.2.1 puts max+1 = 1.9 where >= 1.3 puts inf)
    const c = rocCurve(y, s);
    close(c.fpr, [0.0, 0.0, 0.0, 1 / 6, 1 / 3, 2 / 3, 2 / 3, 1.0]);
    close(c.tpr, [0.0, 1 / 6, 1 / 3, 1 / 3, 0.5, 2 / 3, 1.0, 1.0]);
    expect(Array.from(c.thresholds)).toEqual([Infinity, 0.9, 0.8, 0.7, 0.6, 0.4, 0.35, 0.1]);
    // roc_curve(y, s, drop_intermediate=False)
    const all = rocCurve(y, s, { dropIntermediate: false });
    close(all.fpr, [0.0, 0.0, 0.0, 1 / 6, 1 / 3, 2 / 3, 2 / 3, 5 / 6, 1.0]);
    close(all.tpr, [0.0, 1 / 6, 1 / 3, 1 / 3, 0.5, 2 / 3, 1.0, 1.0, 1.0]);
    expect(Array.from(all.thresholds)).toEqual([Infinity, 0.9, 0.8, 0.7, 0.6, 0.4, 0.35, 0.2, 0.1]);
  });
});

describe('precision–recall', () => {
  it('precisionRecallCurve matches scikit-learn', () => {
    // p, r, th = precision_recall_curve(y, s)
    const c = precisionRecallCurve(y, s);
    close(c.precision, [0.5, 0.5454545454545454, 0.6, 0.5, 0.6, 0.6666666666666666, 1.0, 1.0, 1.0]);
    close(c.recall, [1.0, 1.0, 1.0, 0.6666666666666666, 0.5, 0.3333333333333333, 0.3333333333333333, 0.16666666666666666, 0.0]);
    expect(Array.from(c.thresholds)).toEqual([0.1, 0.2, 0.35, 0.4, 0.6, 0.7, 0.8, 0.9]);
  });

  it('prAuc is the step-wise average precision, matching scikit-learn', () => {
    // By hand, Σ (R_n − R_{n−1}) P_n from the top: ⅙·1 + ⅙·1 + ⅙·⅗ + ⅙·½ + ⅓·⅗ = 0.71666…
    // average_precision_score(y, s) → 0.7166666666666667
    expect(prAuc(y, s)).toBeCloseTo(1 / 6 + 1 / 6 + 0.1 + 1 / 12 + 0.2, 15);
    expect(prAuc(y, s)).toBeCloseTo(0.7166666666666667, 15);
    expect(prAuc([0, 1, 1], [0.1, 0.9, 0.8])).toBe(1);
    // One tie group holding everything: precision = base rate at recall 1.
    expect(prAuc([0, 1, 1, 0], [1, 1, 1, 1])).toBe(0.5);
    expect(prAuc([0, 0], [0.2, 0.3])).toBeNaN();
  });

  it('precision, recall and F1 of hard predictions and at a threshold match scikit-learn', () => {
    // yp = (s >= 0.4).astype(int); precision_score, recall_score, f1_score → 0.5, 0.6666666666666666, 0.5714285714285715
    const yp = s.map((v) => (v >= 0.4 ? 1 : 0));
    const r = precisionRecallF1(y, yp);
    expect(r).toMatchObject({ tp: 4, fp: 4, fn: 2, tn: 2 });
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBeCloseTo(0.6666666666666666, 15);
    expect(r.f1).toBeCloseTo(0.5714285714285715, 15);
    expect(precisionRecallF1AtThreshold(y, s, 0.4)).toEqual(r);
    // No predicted positives: precision is 0 (scikit-learn's zero_division default), not NaN.
    expect(precisionRecallF1([1, 0], [0, 0])).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('bestF1Threshold finds the F1-maximising threshold in one pass', () => {
    // F1 at each distinct threshold (score >= t): 0.9→2/7, 0.8→1/2, 0.7→4/9, 0.6→6/11, 0.4→8/14,
    // 0.35→12/16 = 0.75, 0.2→12/17, 0.1→12/18. Best: 0.35 with P = 6/10, R = 1.
    const b = bestF1Threshold(y, s);
    expect(b.threshold).toBe(0.35);
    expect(b.f1).toBeCloseTo(0.75, 15);
    expect(b.precision).toBeCloseTo(0.6, 15);
    expect(b.recall).toBe(1);
    // It agrees with brute force over every candidate threshold.
    const rng = new Random(3);
    const yy = Array.from({ length: 200 }, () => (rng.float() < 0.2 ? 1 : 0));
    const ss = yy.map((v) => Math.round((rng.normal() + 1.5 * v) * 8) / 8);
    let bruteBest = -1;
    for (const t of new Set(ss)) bruteBest = Math.max(bruteBest, precisionRecallF1AtThreshold(yy, ss, t).f1);
    const best = bestF1Threshold(yy, ss);
    expect(best.f1).toBeCloseTo(bruteBest, 14);
    expect(precisionRecallF1AtThreshold(yy, ss, best.threshold).f1).toBeCloseTo(best.f1, 14);
    expect(() => bestF1Threshold([0, 0], [0.1, 0.2])).toThrow(/no positives/);
  });
});

describe('confusion matrix and multiclass scores', () => {
  // yt = np.array([0,1,2,2,1,0,3,1,2,0]); ypr = np.array([0,2,2,2,1,1,1,1,0,0])
  const yt = [0, 1, 2, 2, 1, 0, 3, 1, 2, 0];
  const ypr = [0, 2, 2, 2, 1, 1, 1, 1, 0, 0];

  it('binary confusion matrix: rows are truth, columns predictions', () => {
    // confusion_matrix(y, (s >= 0.4).astype(int)) → [[2, 4], [2, 4]]
    const cm = confusionMatrix(y, s.map((v) => (v >= 0.4 ? 1 : 0)));
    expect(Array.from(cm.labels)).toEqual([0, 1]);
    expect(Array.from(cm.counts.data)).toEqual([2, 4, 2, 4]);
  });

  it('multiclass confusion matrix, with and without explicit labels, matches scikit-learn', () => {
    // confusion_matrix(yt, ypr) → [[2,1,0,0],[0,2,1,0],[1,0,2,0],[0,1,0,0]]
    const cm = confusionMatrix(yt, ypr);
    expect(cm.counts.rows).toBe(4);
    expect(Array.from(cm.counts.data)).toEqual([2, 1, 0, 0, 0, 2, 1, 0, 1, 0, 2, 0, 0, 1, 0, 0]);
    // confusion_matrix(yt, ypr, labels=[2, 0]) → [[2, 1], [0, 2]] (other samples ignored)
    expect(Array.from(confusionMatrix(yt, ypr, [2, 0]).counts.data)).toEqual([2, 1, 0, 2]);
    expect(() => confusionMatrix(yt, ypr, [1, 1])).toThrow(/twice/);
  });

  it('accuracy, per-class scores and macro F1 match scikit-learn', () => {
    // accuracy_score(yt, ypr) → 0.6; f1_score(yt, ypr, average='macro') → 0.47619047619047616
    // precision_score(..., average=None, zero_division=0) → [0.667, 0.5, 0.667, 0.0]
    // recall_score(..., average=None) → [0.667, 0.667, 0.667, 0.0]; f1_score(..., average=None) → [0.667, 0.571, 0.667, 0.0]
    expect(accuracy(yt, ypr)).toBe(0.6);
    expect(macroF1(yt, ypr)).toBeCloseTo(0.47619047619047616, 15);
    const pc = perClassScores(yt, ypr);
    close(pc.precision, [2 / 3, 0.5, 2 / 3, 0]);
    close(pc.recall, [2 / 3, 2 / 3, 2 / 3, 0]);
    close(pc.f1, [2 / 3, 0.5714285714285715, 2 / 3, 0]);
    expect(Array.from(pc.support)).toEqual([3, 3, 3, 1]);
  });
});

describe('probability scores', () => {
  // prob = np.array([0.1,0.3,0.7,0.9,0.2,0.6,0.4,0.95,0.5,0.05,0.8,0.3])
  const prob = [0.1, 0.3, 0.7, 0.9, 0.2, 0.6, 0.4, 0.95, 0.5, 0.05, 0.8, 0.3];

  it('brierScore matches scikit-learn and the hand formula', () => {
    // brier_score_loss(y, prob) → 0.07875
    expect(brierScore(y, prob)).toBeCloseTo(0.07875, 15);
    expect(brierScore([1, 0], [1, 0])).toBe(0);
    expect(brierScore([1, 0], [0.5, 0.5])).toBe(0.25);
  });

  it('logLoss matches scikit-learn and clips at 1e-15', () => {
    // log_loss(y, prob) → 0.29536816521894144
    expect(logLoss(y, prob)).toBeCloseTo(0.29536816521894144, 14);
    expect(logLoss([1, 0], [0.5, 0.5])).toBeCloseTo(Math.LN2, 15);
    // A certain mistake costs −ln(1e-15) ≈ 34.54, not Infinity.
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(1e-15), 12);
    expect(logLoss([0], [1])).toBe(-Math.log(1 - (1 - 1e-15))); // 1 − 1e-15 rounds in float64
  });
});

describe('input errors', () => {
  it('reject length mismatch, empty input, non-binary labels, NaN scores and bad probabilities', () => {
    expect(() => rocAuc([0, 1], [0.1])).toThrow(MLInputError);
    expect(() => rocAuc([0, 1], [0.1])).toThrow(/2 values but score has 1/);
    expect(() => rocAuc([], [])).toThrow(/empty/);
    expect(() => prAuc([0, 2], [0.1, 0.2])).toThrow(/must be 0 or 1/);
    expect(() => rocAuc([0, 1], [0.1, NaN])).toThrow(/score\[1\] is NaN/);
    expect(() => brierScore([0, 1], [0.1, 1.2])).toThrow(/\[0, 1\]/);
    expect(() => logLoss([0, 1], [0.1, -0.1])).toThrow(MLInputError);
    expect(() => accuracy([1, 2, 3], [1, 2])).toThrow(MLInputError);
    expect(() => precisionRecallF1([0, 1], [0, 0.5])).toThrow(/yPred\[1\]/);
  });
});
