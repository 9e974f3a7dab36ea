// Streaming univariate anomaly detection: the public face of src/anomaly/streaming.
export {
  SeriesAnomalyDetector,
  COMPONENTS,
  DEFAULT_SERIES_OPTIONS,
  resolveSeriesOptions,
  newScore,
  type ComponentName,
  type SeriesDetectorOptions,
  type SeriesDetectorOptionsInput,
  type SeriesDetectorState,
  type SeriesScore,
} from './series-detector.js';
export { AnomalyLikelihood, log10NormalTail, type AnomalyLikelihoodOptions } from './anomaly-likelihood.js';
export { SeasonalBaseline, type SeasonalBaselineOptions } from './seasonal-baseline.js';
export { EwmaResidual, type EwmaResidualOptions } from './ewma-residual.js';
export { CusumDetector, type ChangePointOptions } from './change-point.js';
export { ContextualDetector, type ContextualOptions } from './contextual.js';
export { ShingleIsolation, type ShingleIsolationOptions } from './shingle-isolation.js';
export { RecordDetector, type RecordDetectorOptions } from './record-detector.js';
