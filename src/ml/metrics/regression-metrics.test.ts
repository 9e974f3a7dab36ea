import { describe, expect, it } from 'vitest';
import { MLInputError } from '../core/index.js';
import { mae, mase, mse, pinballLoss, r2, rmse } from './index.js';

// scikit-learn 1.2.1 at /usr/bin/python3:
//   from sklearn.metrics import *; import numpy as np
//   a = np.array([3.0,-0.5,2.0,7.0,4.2,1.1]); b = np.array([2.5,0.0,2.0,8.0,3.9,1.5])
const a = [3.0, -0.5, 2.0, 7.0, 4.2, 1.1];
const b = [2.5, 0.0, 2.0, 8.0, 3.9, 1.5];

describe('regression metrics', () => {
  it('mae, mse and rmse match scikit-learn and the hand values', () => {
    // |errors| = 0.5, 0.5, 0, 1, 0.3, 0.4 → MAE 2.7/6; mean_absolute_error(a, b) → 0.45
    expect(mae(a, b)).toBeCloseTo(0.45, 15);
    // squares = 0.25, 0.25, 0, 1, 0.09, 0.16 → MSE 1.75/6; np.sqrt(mean_squared_error(a, b)) → 0.5400617248673217
    expect(mse(a, b)).toBeCloseTo(1.75 / 6, 15);
    expect(rmse(a, b)).toBeCloseTo(0.5400617248673217, 15);
  });

  it('r2 matches scikit-learn, including constant targets', () => {
    // r2_score(a, b) → 0.9486200822078684
    expect(r2(a, b)).toBeCloseTo(0.9486200822078684, 14);
    // r2_score([2,2,2],[2,2,2]) → 1.0; r2_score([2,2,2],[2,2,3]) → 0.0 (force_finite)
    expect(r2([2, 2, 2], [2, 2, 2])).toBe(1);
    expect(r2([2, 2, 2], [2, 2, 3])).toBe(0);
    // Predicting the mean scores 0; worse than the mean is negative.
    expect(r2([1, 2, 3], [2, 2, 2])).toBe(0);
    expect(r2([1, 2, 3], [3, 2, 1])).toBe(-3);
  });

  it('pinballLoss matches scikit-learn for several quantiles', () => {
    // mean_pinball_loss(a, b, alpha=0.1) → 0.2983333333333333; alpha=0.9 → 0.1516666666666667; default 0.5 → 0.225
    expect(pinballLoss(a, b, 0.1)).toBeCloseTo(0.2983333333333333, 15);
    expect(pinballLoss(a, b, 0.9)).toBeCloseTo(0.1516666666666667, 15);
    expect(pinballLoss(a, b)).toBeCloseTo(0.225, 15);
    expect(pinballLoss(a, b)).toBeCloseTo(mae(a, b) / 2, 15);
    expect(() => pinballLoss(a, b, 1)).toThrow(/alpha/);
  });

  it('mase scales by the in-sample seasonal naive MAE', () => {
    // Training series with period 2: |y[t] − y[t−2]| = |3−1|, |4−2|, |6−3|, |5−4| → scale = 8/4 = 2.
    const train = [1, 2, 3, 4, 6, 5];
    expect(mase([7, 8], [6, 10], train, 2)).toBeCloseTo(1.5 / 2, 15);
    // Period 1: |1|,|1|,|1|,|2|,|1| → scale 6/5.
    expect(mase([7, 8], [6, 10], train)).toBeCloseTo(1.5 / 1.2, 15);
    // The seasonal naive forecast itself scores about 1 on a series that repeats its in-sample error.
    expect(mase([3, 4], [1, 2], [1, 2, 3, 4], 2)).toBe(1);
    // A constant training series has no scale: IEEE division, not a hidden epsilon.
    expect(mase([1], [2], [5, 5, 5])).toBe(Infinity);
    expect(mase([1], [1], [5, 5, 5])).toBeNaN();
    expect(() => mase([1], [1], [1, 2], 2)).toThrow(/more than period/);
    expect(() => mase([1], [1], [1, 2, 3], 0)).toThrow(/period/);
  });

  it('reject mismatched, empty and non-finite input', () => {
    expect(() => mae([1, 2], [1])).toThrow(MLInputError);
    expect(() => rmse([], [])).toThrow(/empty/);
    expect(() => r2([1, NaN], [1, 2])).toThrow(/yTrue\[1\] is NaN/);
  });
});
