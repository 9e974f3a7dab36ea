import { mae, pinballLoss, r2 } from '../metrics/index.js';
import { MLInputError } from '../core/errors.js';

/**
 * Forecast-accuracy measures over a held-out stretch of a series. Held-out data has gaps, so
 * every measure skips the steps where the actual (or the forecast) is NaN, and returns NaN when
 * nothing is left; the definitions are the library's (../metrics), applied to the observed pairs.
 */

/** The observed (both finite) pairs of two equal-length arrays, or null when there is none. */
function observedPairs(name: string, actual: ArrayLike<number>, predicted: ArrayLike<number>): [Float64Array, Float64Array] | null {
  if (actual.length !== predicted.length) throw new MLInputError(`${name}: actual has ${actual.length} values but the forecast has ${predicted.length}`);
  let m = 0;
  for (let i = 0; i < actual.length; i++) if (Number.isFinite(actual[i]) && Number.isFinite(predicted[i])) m++;
  if (m === 0) return null;
  const a = new Float64Array(m);
  const p = new Float64Array(m);
  for (let i = 0, j = 0; i < actual.length; i++) {
    if (Number.isFinite(actual[i]) && Number.isFinite(predicted[i])) {
      a[j] = actual[i];
      p[j++] = predicted[i];
    }
  }
  return [a, p];
}

/**
 * MASE's denominator: the in-sample mean absolute error of the seasonal naive rule
 * y(t) = y(t − period) on the training series, over the steps where both are observed
 * (period 1 is the naive rule). NaN when no pair is observed.
 */
export function naiveScale(train: ArrayLike<number>, period = 1): number {
  if (!(Number.isInteger(period) && period >= 1)) throw new MLInputError(`naiveScale: period must be a positive integer, got ${period}`);
  let s = 0;
  let c = 0;
  for (let t = period; t < train.length; t++) {
    const d = Math.abs(train[t] - train[t - period]);
    if (d === d) {
      s += d;
      c++;
    }
  }
  return c ? s / c : NaN;
}

/**
 * Mean absolute scaled error (Hyndman & Koehler 2006): the forecast's MAE over the observed
 * steps divided by `scale` (naiveScale of the training series). Below 1 beats the in-sample
 * seasonal naive rule. Infinity when the scale is 0 and the forecast is not exact.
 */
export function forecastMase(actual: ArrayLike<number>, predicted: ArrayLike<number>, scale: number): number {
  const pairs = observedPairs('forecastMase', actual, predicted);
  if (!pairs) return NaN;
  const err = mae(pairs[0], pairs[1]);
  return err === 0 ? 0 : err / scale;
}

/** Mean pinball loss of the level-quantile forecast over the observed steps. */
export function forecastPinballLoss(actual: ArrayLike<number>, quantile: ArrayLike<number>, level: number): number {
  const pairs = observedPairs('forecastPinballLoss', actual, quantile);
  return pairs ? pinballLoss(pairs[0], pairs[1], level) : NaN;
}

/** Fraction of the observed steps at or below the quantile forecast (a calibrated p90 gives 0.9). */
export function forecastCoverage(actual: ArrayLike<number>, quantile: ArrayLike<number>): number {
  const pairs = observedPairs('forecastCoverage', actual, quantile);
  if (!pairs) return NaN;
  let below = 0;
  for (let i = 0; i < pairs[0].length; i++) if (pairs[0][i] <= pairs[1][i]) below++;
  return below / pairs[0].length;
}

/** Coefficient of determination over the observed steps (scikit-learn's r2_score). */
export function forecastR2(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const pairs = observedPairs('forecastR2', actual, predicted);
  return pairs ? r2(pairs[0], pairs[1]) : NaN;
}
