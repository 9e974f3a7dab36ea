import { describe, expect, it } from 'vitest';
import { MLInputError, NotFittedError, Random, UnknownParameterError } from '../core/index.js';
import { brierScore, IsotonicCalibrator, logLoss, PlattCalibrator, reliabilityCurve, rocAuc } from './index.js';

const logit = (p: number) => Math.log(p / (1 - p));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Labels drawn with probability p, and an overconfident score sigmoid(3·logit(p)). */
function miscalibrated(n: number, seed: number) {
  const rng = new Random(seed);
  const p = new Float64Array(n);
  const y = new Float64Array(n);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    p[i] = 0.03 + 0.94 * rng.float();
    y[i] = rng.float() < p[i] ? 1 : 0;
    score[i] = sigmoid(3 * logit(p[i]));
  }
  return { p, y, score };
}

function roundTrip<T extends { toJSON(): unknown }>(m: T): unknown {
  return JSON.parse(JSON.stringify(m.toJSON()));
}

describe('PlattCalibrator', () => {
  // y = np.array([0,0,1,1,0,1,0,1,1,0,1,0]); s = np.array([0.1,0.4,0.35,0.8,0.4,0.4,0.7,0.9,0.35,0.2,0.6,0.6])
  const y = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0];
  const s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.7, 0.9, 0.35, 0.2, 0.6, 0.6];

  it('finds the optimum of Platt’s prior-corrected objective (scikit-learn / scipy reference)', () => {
    // from sklearn.calibration import _sigmoid_calibration; _sigmoid_calibration(s, y)
    //   → (-2.5125898973441725, 1.2110311757988304)   (BFGS, loose tolerance)
    // The same objective minimised by scipy BFGS with gtol=1e-13 (targets (N+ + 1)/(N+ + 2), 1/(N− + 2)):
    //   → (-2.5125886462226776, 1.2110293473518758)
    const { a, b } = new PlattCalibrator().fit(s, y).coefficients;
    expect(a).toBeCloseTo(-2.5125886462226776, 5);
    expect(b).toBeCloseTo(1.2110293473518758, 5);
    expect(a).toBeCloseTo(-2.5125898973441725, 4);
    // f2 = [-2,-1.5,-1,-0.5,-0.2,0,0.3,0.5,1,1.2,2,3,-0.3,0.8]; y2 = [0,0,0,1,0,0,1,0,1,1,1,1,0,1]
    //   scipy (gtol=1e-13) → (-1.1676631835704423, 0.2336910968366011); sklearn → (-1.1676629373030307, 0.23368997305755537)
    const f2 = [-2.0, -1.5, -1.0, -0.5, -0.2, 0.0, 0.3, 0.5, 1.0, 1.2, 2.0, 3.0, -0.3, 0.8];
    const y2 = [0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1];
    const c2 = new PlattCalibrator().fit(f2, y2).coefficients;
    expect(c2.a).toBeCloseTo(-1.1676631835704423, 5);
    expect(c2.b).toBeCloseTo(0.2336910968366011, 5);
  });

  it('stays finite on separable data thanks to the prior-corrected targets', () => {
    // scipy on the same objective: A = -0.6739963939839276, B = 0 (by symmetry)
    const m = new PlattCalibrator().fit([-2, -1, 1, 2], [0, 0, 1, 1]);
    // Newton stops at |gradient| < 1e-5 (Lin, Lin & Weng), a few 1e-6 from the exact optimum.
    expect(m.coefficients.a).toBeCloseTo(-0.6739963939839276, 5);
    expect(m.coefficients.b).toBeCloseTo(0, 6);
    expect(new PlattCalibrator({ tolerance: 1e-12 }).fit([-2, -1, 1, 2], [0, 0, 1, 1]).coefficients.a).toBeCloseTo(-0.6739963939839276, 10);
    const p = m.predict([-2, 2]);
    // Targets are 1/4 and 3/4 with two of each class: the fit cannot claim certainty.
    expect(p[0]).toBeGreaterThan(0.1);
    expect(p[1]).toBeLessThan(0.9);
  });

  it('recovers the temperature of an overconfident logit and lowers Brier score and log loss', () => {
    const train = miscalibrated(4000, 1);
    const test = miscalibrated(4000, 2);
    // On the logit of the overconfident score, the true map is sigmoid(logit/3): A ≈ −1/3, B ≈ 0.
    const m = new PlattCalibrator().fit(train.score.map(logit), train.y);
    expect(m.coefficients.a).toBeCloseTo(-1 / 3, 1);
    expect(Math.abs(m.coefficients.b)).toBeLessThan(0.1);
    const cal = m.predict(test.score.map(logit));
    const before = brierScore(test.y, test.score);
    const after = brierScore(test.y, cal);
    const oracle = brierScore(test.y, test.p);
    expect(after).toBeLessThan(before - 0.01);
    expect(after - oracle).toBeLessThan(0.002);
    expect(logLoss(test.y, cal)).toBeLessThan(logLoss(test.y, test.score));
    // Calibration is monotone: ranking, hence AUC, is unchanged.
    expect(rocAuc(test.y, cal)).toBeCloseTo(rocAuc(test.y, test.score), 12);
    // Fitted on the probability score itself the sigmoid is not the exact map, but it still helps.
    const mp = new PlattCalibrator().fit(train.score, train.y);
    expect(brierScore(test.y, mp.predict(test.score))).toBeLessThan(before);
  });

  it('round-trips exactly through JSON and checks kind, version, params and fit', () => {
    const { score, y: yy } = miscalibrated(500, 3);
    const m = new PlattCalibrator({ maxIter: 50 }).fit(score, yy);
    const back = PlattCalibrator.fromJSON(roundTrip(m) as ReturnType<PlattCalibrator['toJSON']>);
    expect(back.coefficients).toEqual(m.coefficients);
    expect(back.params).toEqual({ maxIter: 50 });
    expect(Array.from(back.predict(score))).toEqual(Array.from(m.predict(score)));
    expect(m.toJSON()).toMatchObject({ kind: 'PlattCalibrator', formatVersion: 1 });
    expect(() => PlattCalibrator.fromJSON({ ...m.toJSON(), formatVersion: 99 })).toThrow(/format version 99/);
    expect(() => PlattCalibrator.fromJSON({ ...m.toJSON(), kind: 'IsotonicCalibrator' })).toThrow(MLInputError);
    expect(() => new PlattCalibrator().predict([1])).toThrow(NotFittedError);
    expect(() => new PlattCalibrator({ maxIters: 5 } as never).fit([0, 1], [0, 1])).toThrow(UnknownParameterError);
    expect(() => new PlattCalibrator().fit([0, 1], [0, 2])).toThrow(/0 or 1/);
    expect(() => new PlattCalibrator().fit([0, NaN], [0, 1])).toThrow(/scores\[1\]/);
  });
});

describe('IsotonicCalibrator', () => {
  // Ties at 0.2 (labels 1, 0), 0.5 (0, 1) and 0.9 (1, 1). scikit-learn 1.2.1:
  //   from sklearn.isotonic import IsotonicRegression
  //   xi = np.array([0.1,0.2,0.2,0.3,0.35,0.5,0.5,0.6,0.7,0.8,0.9,0.9]); yi = np.array([0,1,0,0,1,0,1,1,0,1,1,1])
  //   ir = IsotonicRegression(out_of_bounds='clip').fit(xi, yi)
  //   q = np.array([0.0,0.1,0.15,0.2,0.25,0.33,0.5,0.55,0.65,0.75,0.85,0.9,1.5])
  const xi = [0.1, 0.2, 0.2, 0.3, 0.35, 0.5, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9];
  const yi = [0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1];
  const q = [0.0, 0.1, 0.15, 0.2, 0.25, 0.33, 0.5, 0.55, 0.65, 0.75, 0.85, 0.9, 1.5];

  it('matches scikit-learn’s knots and interpolated, clipped predictions', () => {
    const m = new IsotonicCalibrator().fit(xi, yi);
    // ir.X_thresholds_, ir.y_thresholds_
    expect(Array.from(m.knots.x)).toEqual([0.1, 0.2, 0.3, 0.35, 0.7, 0.8, 0.9]);
    const ky = [0.0, 1 / 3, 1 / 3, 0.6, 0.6, 1.0, 1.0];
    m.knots.y.forEach((v, i) => expect(v).toBeCloseTo(ky[i], 15));
    // ir.predict(q)
    const ref = [0.0, 0.0, 0.1666666666666666, 0.3333333333333333, 0.3333333333333333, 0.4933333333333335, 0.6, 0.6, 0.6, 0.8, 1.0, 1.0, 1.0];
    m.predict(q).forEach((v, i) => expect(v).toBeCloseTo(ref[i], 14));
    expect(m.predict([NaN])[0]).toBeNaN();
  });

  it('fits a decreasing map when asked (scikit-learn increasing=False)', () => {
    // IsotonicRegression(out_of_bounds='clip', increasing=False).fit(xi, 1 - yi): knots y and predict(q)
    const m = new IsotonicCalibrator({ increasing: false }).fit(xi, yi.map((v) => 1 - v));
    expect(Array.from(m.knots.x)).toEqual([0.1, 0.2, 0.3, 0.35, 0.7, 0.8, 0.9]);
    const ref = [1.0, 1.0, 0.8333333333333334, 0.6666666666666666, 0.6666666666666666, 0.5066666666666665, 0.4, 0.4, 0.4, 0.2, 0.0, 0.0, 0.0];
    m.predict(q).forEach((v, i) => expect(v).toBeCloseTo(ref[i], 14));
  });

  it('is monotone and lowers the Brier score of a miscalibrated score on held-out data', () => {
    const train = miscalibrated(4000, 11);
    const test = miscalibrated(4000, 12);
    const m = new IsotonicCalibrator().fit(train.score, train.y);
    const cal = m.predict(test.score);
    const before = brierScore(test.y, test.score);
    const after = brierScore(test.y, cal);
    expect(after).toBeLessThan(before - 0.01);
    expect(after - brierScore(test.y, test.p)).toBeLessThan(0.005);
    const grid = Float64Array.from({ length: 1001 }, (_, i) => i / 1000);
    const g = m.predict(grid);
    expect(g.every((v, i) => i === 0 || v >= g[i - 1])).toBe(true);
    expect(reliabilityCurve(test.y, cal).ece).toBeLessThan(reliabilityCurve(test.y, test.score).ece / 2);
  });

  it('round-trips exactly through JSON', () => {
    const { score, y } = miscalibrated(1000, 5);
    const m = new IsotonicCalibrator().fit(score, y);
    const back = IsotonicCalibrator.fromJSON(roundTrip(m) as ReturnType<IsotonicCalibrator['toJSON']>);
    expect(Array.from(back.knots.x)).toEqual(Array.from(m.knots.x));
    expect(Array.from(back.knots.y)).toEqual(Array.from(m.knots.y));
    const probe = Float64Array.from({ length: 500 }, (_, i) => -0.1 + (1.2 * i) / 499);
    expect(Array.from(back.predict(probe))).toEqual(Array.from(m.predict(probe)));
    expect(m.toJSON()).toMatchObject({ kind: 'IsotonicCalibrator', formatVersion: 1 });
    expect(() => IsotonicCalibrator.fromJSON({ ...m.toJSON(), formatVersion: 2 })).toThrow(MLInputError);
    expect(() => new IsotonicCalibrator().fit([1, 2], [1])).toThrow(/2 values but y has 1|y has 1 values/);
  });
});

describe('reliabilityCurve', () => {
  // from sklearn.calibration import calibration_curve
  // pc = np.array([0.0,0.1,0.15,0.2,0.3,0.35,0.5,0.6,0.65,0.7,0.9,1.0]); yc = np.array([0,0,1,0,0,1,1,0,1,1,1,1])
  const pc = [0.0, 0.1, 0.15, 0.2, 0.3, 0.35, 0.5, 0.6, 0.65, 0.7, 0.9, 1.0];
  const yc = [0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1];

  it('matches scikit-learn’s calibration_curve, probabilities on an edge included', () => {
    // calibration_curve(yc, pc, n_bins=5) → prob_true [0.25, 0.5, 0.5, 1.0, 1.0], prob_pred [0.1125, 0.325, 0.55, 0.675, 0.95]
    const c5 = reliabilityCurve(yc, pc, 5);
    expect(Array.from(c5.probTrue)).toEqual([0.25, 0.5, 0.5, 1.0, 1.0]);
    [0.1125, 0.32499999999999996, 0.55, 0.675, 0.95].forEach((v, i) => expect(c5.probPred[i]).toBeCloseTo(v, 15));
    expect(Array.from(c5.counts)).toEqual([4, 2, 2, 2, 2]);
    // ECE by hand: (4·0.1375 + 2·0.175 + 2·0.05 + 2·0.325 + 2·0.05) / 12
    expect(c5.ece).toBeCloseTo(1.75 / 12, 15);
    // calibration_curve(yc, pc, n_bins=10) → prob_true [0,0.5,0,1,1,0,1,1,1], prob_pred [0.05,0.175,0.3,0.35,0.5,0.6,0.675,0.9,1.0]
    const c10 = reliabilityCurve(yc, pc, 10);
    expect(Array.from(c10.probTrue)).toEqual([0.0, 0.5, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0]);
    [0.05, 0.175, 0.3, 0.35, 0.5, 0.6, 0.675, 0.9, 1.0].forEach((v, i) => expect(c10.probPred[i]).toBeCloseTo(v, 15));
    expect(Array.from(c10.bins)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
  });

  it('rejects bad bins and probabilities', () => {
    expect(() => reliabilityCurve(yc, pc, 0)).toThrow(/nBins/);
    expect(() => reliabilityCurve([0], [1.5])).toThrow(/\[0, 1\]/);
  });
});
