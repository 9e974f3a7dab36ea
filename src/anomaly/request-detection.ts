import { median, robustScale } from './classification/robust-stats.js';
import { DEFAULT_SERIES_OPTIONS, log10NormalTail, SeriesAnomalyDetector } from './streaming/index.js';

/**
 * Detection over data that arrives inside one request (NovaCron's detect calls, the batch
 * endpoint): a series long enough for the streaming detector is scored point by point without
 * look-ahead; a short one by its robust z-scores against the whole window (median and MAD, so
 * the anomalies themselves barely move the baseline); below MIN_HISTORY_POINTS nothing is
 * claimed. Scores use the streaming detector's scale: s = −log10(tail probability)/SCORE_DECADES,
 * clamped to [0, 1].
 */
export const MIN_HISTORY_POINTS = 8;
/** From this many points the streaming detector (which warms up on its first 150) is used. */
export const STREAMING_MIN_POINTS = 300;
/** Decades of surprise per unit of score, shared with the streaming detector (0.5 ≈ one in 10⁴). */
export const SCORE_DECADES = DEFAULT_SERIES_OPTIONS.likelihood.decades;

export type DetectionMethod = 'streaming' | 'robust_zscore' | 'insufficient_history';

export interface SeriesVerdict {
  method: DetectionMethod;
  scores: Float64Array;
  /** The value expected at each point (the baseline the score measures against). */
  expected: Float64Array;
  /** The series' typical value: its median. */
  baseline: number;
  /** How much history stands behind the scores, in [0, 1]. */
  confidence: number;
}

/** Score of a robust z-score on the common scale (two-sided tail). */
export function zScoreToScore(z: number): number {
  if (!Number.isFinite(z)) return z === z ? 1 : 0;
  const log10p = log10NormalTail(Math.abs(z)) + Math.LOG10E * Math.LN2; // two-sided: 2·Q(|z|)
  const s = -log10p / SCORE_DECADES;
  return s < 0 ? 0 : s > 1 ? 1 : s;
}

/** σ estimate, floored at 1 % of the level so a flat history still gives finite z-scores. */
export function robustSigma(values: ArrayLike<number>, center: number): number {
  return robustScale(values, 0, values.length, Math.max(Math.abs(center) * 0.01, 1e-9));
}

export function scoreSeries(timestamps: ArrayLike<number>, values: ArrayLike<number>): SeriesVerdict {
  const n = values.length;
  const scores = new Float64Array(n);
  const expected = new Float64Array(n);
  const baseline = median(values);
  if (n < MIN_HISTORY_POINTS) {
    expected.fill(baseline);
    return { method: 'insufficient_history', scores, expected, baseline, confidence: (0.4 * n) / MIN_HISTORY_POINTS };
  }
  if (n < STREAMING_MIN_POINTS) {
    const sigma = robustSigma(values, baseline);
    for (let i = 0; i < n; i++) {
      scores[i] = zScoreToScore((values[i] - baseline) / sigma);
      expected[i] = baseline;
    }
    return { method: 'robust_zscore', scores, expected, baseline, confidence: Math.min(0.9, 0.5 + (0.4 * n) / STREAMING_MIN_POINTS) };
  }
  const detector = new SeriesAnomalyDetector();
  let confidence = 0;
  for (let i = 0; i < n; i++) {
    const r = detector.update(timestamps[i], values[i]);
    scores[i] = r.score;
    expected[i] = Number.isFinite(r.expected) ? r.expected : baseline;
    confidence = r.confidence;
  }
  return { method: 'streaming', scores, expected, baseline, confidence };
}

/** One new value against a history of the same metric (snapshot requests). */
export function scoreAgainstHistory(value: number, history: ArrayLike<number>): { score: number; expected: number; confidence: number; method: DetectionMethod } {
  const n = history.length;
  const expected = n > 0 ? median(history) : NaN;
  if (n < MIN_HISTORY_POINTS) return { score: 0, expected, confidence: (0.4 * n) / MIN_HISTORY_POINTS, method: 'insufficient_history' };
  const z = (value - expected) / robustSigma(history, expected);
  return { score: zScoreToScore(z), expected, confidence: Math.min(0.9, 0.5 + (0.4 * n) / STREAMING_MIN_POINTS), method: 'robust_zscore' };
}

