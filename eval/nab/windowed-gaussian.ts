/**
 * NAB's "windowedGaussian" baseline detector (nab/detectors/gaussian/windowedGaussian_detector.py,
 * read, not copied), as a sanity row for the scorer: each value's score is 1 − Q(|z|), the
 * two-sided Gaussian tail of the value under the mean and standard deviation of the values
 * seen before it. The window grows to 6400 values, updating after every value; once full it
 * slides forward 100 values at a time (NAB's tuned settings). The first value scores 0.
 */
import { erfc } from '../lib/erfc.js';

export const WINDOWED_GAUSSIAN_WINDOW = 6400;
export const WINDOWED_GAUSSIAN_STEP = 100;

/** P(X > x) for X ~ N(mean, std²), reflected to the upper tail (NAB's normalProbability). */
export function gaussianTailProbability(x: number, mean: number, std: number): number {
  const upper = x < mean ? 2 * mean - x : x;
  const z = (upper - mean) / std;
  return 0.5 * erfc(z / Math.SQRT2);
}

export function windowedGaussianScores(values: Float64Array, windowSize = WINDOWED_GAUSSIAN_WINDOW, stepSize = WINDOWED_GAUSSIAN_STEP): Float64Array {
  const scores = new Float64Array(values.length);
  let filled = 0;
  let pending = 0;
  let mean = 0;
  let std = 1;
  // Welford's running moments while the window grows; an exact two-pass pass each slide.
  let runMean = 0;
  let runM2 = 0;
  const setStd = (variance: number): void => {
    std = Math.sqrt(Math.max(0, variance));
    if (std === 0) std = 0.000001; // as NAB: a flat window would otherwise divide by zero
  };
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    scores[i] = filled > 0 ? 1 - gaussianTailProbability(x, mean, std) : 0;
    if (filled < windowSize) {
      filled++;
      const delta = x - runMean;
      runMean += delta / filled;
      runM2 += delta * (x - runMean);
      mean = runMean;
      setStd(runM2 / filled);
    } else if (++pending === stepSize) {
      // The window is values[i − windowSize + 1 .. i]: drop the oldest stepSize, take the newest.
      const start = i - windowSize + 1;
      let sum = 0;
      for (let k = 0; k < windowSize; k++) sum += values[start + k];
      mean = sum / windowSize;
      let squares = 0;
      for (let k = 0; k < windowSize; k++) squares += (values[start + k] - mean) ** 2;
      setStd(squares / windowSize);
      pending = 0;
    }
  }
  return scores;
}
