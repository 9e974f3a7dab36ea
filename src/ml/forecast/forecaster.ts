/**
 * The forecasting contract shared by every univariate forecaster in this folder.
 *
 * A series is a regular grid: `values[i]` is the mean over [startMs + i·stepMs, startMs + (i+1)·stepMs).
 * NaN marks a missing step (the caller resamples; forecasters must tolerate gaps, not invent data).
 * Forecasts are probabilistic: every forecaster returns the point forecast and the requested
 * quantile levels for each step of the horizon, so callers size resources from p90/p95/p99
 * instead of from a mean.
 */
export interface SeriesGrid {
  /** Observations on the grid; NaN = missing. */
  values: Float64Array;
  /** Epoch ms of values[0]'s interval start. */
  startMs: number;
  /** Grid step in ms (e.g. 300_000 for 5-minute samples). */
  stepMs: number;
}

export interface QuantileForecast {
  /** Epoch ms of the first forecast step (the step right after the series' last one). */
  startMs: number;
  stepMs: number;
  /** Point forecast (the model's conditional mean or median), one value per horizon step. */
  point: Float64Array;
  /** The quantile levels, ascending, each in (0, 1). */
  levels: readonly number[];
  /** quantiles[k][h] is the levels[k] quantile at horizon step h; monotone in k for every h. */
  quantiles: Float64Array[];
}

export interface Forecaster {
  /** Stable identifier, e.g. 'seasonal_naive', 'holt_winters', 'quantile_gbdt'. */
  readonly name: string;
  /** Fits on the whole grid. Throws InsufficientHistoryError when the series is too short for this model. */
  fit(series: SeriesGrid): this;
  /** Forecasts `horizon` steps past the fitted series' end at the given quantile levels. */
  forecast(horizon: number, levels: readonly number[]): QuantileForecast;
}

/**
 * A forecaster whose training is asynchronous (it runs on worker threads, like the boosted
 * trees); forecasting stays synchronous. Backtests accept either kind.
 */
export interface AsyncForecaster {
  readonly name: string;
  /** Fits on the whole grid. Rejects with InsufficientHistoryError when the series is too short. */
  fitAsync(series: SeriesGrid): Promise<this>;
  forecast(horizon: number, levels: readonly number[]): QuantileForecast;
}

/** The quantile levels rightsizing and the API ask for. */
export const DEFAULT_LEVELS: readonly number[] = [0.5, 0.9, 0.95, 0.99];
