// Usage forecasting: the public face of src/ml/forecast.
export { DEFAULT_LEVELS, type SeriesGrid, type QuantileForecast, type Forecaster, type AsyncForecaster } from './forecaster.js';
export { InsufficientHistoryError } from './errors.js';
export {
  detectSeasonality,
  seasonalStrength,
  DEFAULT_SEASONALITY_CANDIDATES_MS,
  DEFAULT_SEASONALITY_THRESHOLD,
  type SeasonalPeriod,
  type SeasonalityResult,
  type SeasonalityOptions,
} from './seasonality.js';
export { SeasonalNaive, type SeasonalNaiveParams } from './seasonal-naive.js';
export { HoltWinters, type HoltWintersParams, type HoltWintersFit } from './holt-winters.js';
export { QuantileGbdtForecaster, GBDT_FORECAST_FEATURES, type QuantileGbdtParams, type QuantileGbdtFitOptions } from './quantile-gbdt-forecaster.js';
export {
  backtest,
  backtestAsync,
  selectForecaster,
  selectForecasterAsync,
  type ForecasterCandidate,
  type BacktestOptions,
  type BacktestResult,
  type BacktestScore,
  type FoldScore,
  type Selection,
} from './backtest.js';
export { naiveScale, forecastMase, forecastPinballLoss, forecastCoverage, forecastR2 } from './metrics.js';
export { HOUR_MS, DAY_MS, WEEK_MS, periodSteps } from './series-grid.js';
export { quantilesSelect, quantileSorted } from './empirical-quantile.js';
