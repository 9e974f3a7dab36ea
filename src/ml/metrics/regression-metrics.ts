import { MLInputError } from '../core/index.js';
import { checkFinite, checkSameLength } from './validate.js';

/** Regression and forecast-error metrics, with scikit-learn's definitions where it has one. */

function checkPair(name: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  checkSameLength(name, yTrue, yPred);
  checkFinite(name, yTrue, 'yTrue');
  checkFinite(name, yPred, 'yPred');
}

/** Mean absolute error. */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair('mae', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i] - yPred[i]);
  return s / yTrue.length;
}

/** Mean squared error. */
export function mse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair('mse', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = yTrue[i] - yPred[i];
    s += d * d;
  }
  return s / yTrue.length;
}

/** Root mean squared error: in the target's own units. */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(mse(yTrue, yPred));
}

/**
 * Coefficient of determination, scikit-learn's r2_score: 1 − SS_res / SS_tot. It can be negative
 * (worse than predicting the mean). For a constant yTrue (SS_tot = 0) it is 1 for a perfect
 * prediction and 0 otherwise (scikit-learn's force_finite default), never NaN or −Infinity.
 */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair('r2', yTrue, yPred);
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    const r = yTrue[i] - yPred[i];
    const t = yTrue[i] - mean;
    ssRes += r * r;
    ssTot += t * t;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): the forecast's MAE divided by the in-sample
 * MAE of the seasonal naive forecast y[t] = y[t − period] on the training series. Below 1 means
 * better than repeating last season. `yTrain` must be in time order and longer than `period`.
 * A constant training series makes the scale 0: the result is then Infinity (or NaN if the
 * forecast errors are 0 too), following IEEE division rather than adding a hidden epsilon.
 */
export function mase(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, yTrain: ArrayLike<number>, period = 1): number {
  if (!Number.isInteger(period) || period < 1) throw new MLInputError(`mase: period must be a positive integer, got ${period}`);
  if (yTrain.length <= period) throw new MLInputError(`mase: yTrain has ${yTrain.length} values; it needs more than period = ${period}`);
  checkFinite('mase', yTrain, 'yTrain');
  const err = mae(yTrue, yPred);
  let scale = 0;
  for (let t = period; t < yTrain.length; t++) scale += Math.abs(yTrain[t] - yTrain[t - period]);
  scale /= yTrain.length - period;
  return err / scale;
}

/**
 * Mean pinball (quantile) loss for quantile `alpha` in (0, 1), scikit-learn's mean_pinball_loss:
 * under-prediction costs alpha per unit, over-prediction 1 − alpha. alpha = 0.5 gives MAE / 2.
 */
export function pinballLoss(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, alpha = 0.5): number {
  if (!(alpha > 0 && alpha < 1)) throw new MLInputError(`pinballLoss: alpha must lie in (0, 1), got ${alpha}`);
  checkPair('pinballLoss', yTrue, yPred);
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = yTrue[i] - yPred[i];
    s += d >= 0 ? alpha * d : (alpha - 1) * d;
  }
  return s / yTrue.length;
}
