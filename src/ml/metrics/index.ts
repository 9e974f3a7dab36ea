export {
  rocAuc,
  rocCurve,
  prAuc,
  averagePrecision,
  precisionRecallCurve,
  confusionMatrix,
  precisionRecallF1,
  precisionRecallF1AtThreshold,
  bestF1Threshold,
  brierScore,
  logLoss,
  accuracy,
  perClassScores,
  macroF1,
  type RocCurve,
  type PrecisionRecallCurve,
  type ConfusionMatrix,
  type BinaryScores,
  type BestF1,
  type PerClassScores,
} from './classification-metrics.js';
export { mae, mse, rmse, r2, mase, pinballLoss } from './regression-metrics.js';
export { PlattCalibrator, IsotonicCalibrator, reliabilityCurve, type PlattParams, type IsotonicParams, type ReliabilityCurve } from './calibration.js';
export {
  trainTestSplit,
  kFold,
  stratifiedKFold,
  groupKFold,
  stratifiedGroupKFold,
  timeSeriesSplit,
  type Fold,
  type ShuffleOptions,
  type TrainTestSplitOptions,
  type TimeSeriesSplitOptions,
} from './splits.js';
export { crossValidate, type CrossValidatable, type Scorer, type ScoreFn, type FoldResult, type ScoreSummary, type CrossValidateResult, type CrossValidateOptions } from './cross-validate.js';
