import { describe, expect, it } from 'vitest';
import { MLInputError } from '../core/errors.js';
import { forecastCoverage, forecastMase, forecastPinballLoss, forecastR2, naiveScale } from './metrics.js';

const f = (...v: number[]) => Float64Array.from(v);

describe('forecast metrics', () => {
  it('naiveScale is the in-sample MAE of the seasonal naive rule over observed pairs', () => {
    expect(naiveScale(f(1, 2, 4, 7))).toBe(2); // |1| + |2| + |3|, over 3
    expect(naiveScale(f(1, 5, 2, 9, 3), 2)).toBeCloseTo((1 + 4 + 1) / 3, 12);
    expect(naiveScale(f(1, NaN, 4, 7))).toBe(3); // only 4 → 7 is observed
    expect(naiveScale(f(1))).toBeNaN();
    expect(() => naiveScale(f(1, 2), 0)).toThrow(MLInputError);
  });

  it('forecastMase divides the observed MAE by the scale', () => {
    expect(forecastMase(f(1, 2, NaN, 4), f(2, 2, 100, 2), 2)).toBeCloseTo(0.5, 12); // (1 + 0 + 2) / 3 / 2
    expect(forecastMase(f(NaN), f(1), 1)).toBeNaN();
    expect(forecastMase(f(3), f(3), 0)).toBe(0);
  });

  it('forecastPinballLoss weighs under-forecasts by the level', () => {
    // actual 10 vs q 8 (under by 2): 0.9·2; actual 10 vs q 12 (over by 2): 0.1·2.
    expect(forecastPinballLoss(f(10, 10, NaN), f(8, 12, 0), 0.9)).toBeCloseTo((1.8 + 0.2) / 2, 12);
  });

  it('forecastCoverage is the share of observed actuals at or below the quantile', () => {
    expect(forecastCoverage(f(1, 2, 3, 4, NaN), f(2, 2, 2, 2, 2))).toBe(0.5);
  });

  it('forecastR2 skips gaps and follows scikit-learn', () => {
    expect(forecastR2(f(1, 2, 3, NaN), f(1, 2, 3, 7))).toBe(1);
    expect(forecastR2(f(1, 2, 3), f(2, 2, 2))).toBe(0);
    expect(() => forecastR2(f(1, 2), f(1))).toThrow(MLInputError);
  });
});
