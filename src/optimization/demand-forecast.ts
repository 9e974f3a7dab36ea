/**
 * Forecasts one resource's demand from its history, the way NovaCron asks for it (§2A
 * predict_demand, §1B /predict/resources): points at whatever spacing the caller has, a horizon
 * in minutes, answers in the caller's units.
 *
 * The points are averaged onto a regular grid (the median spacing, at least a minute), then the
 * candidates — naive, seasonal naive and Holt–Winters with the detected daily/weekly periods —
 * are compared by a rolling-origin backtest on the history itself and the best by scaled pinball
 * loss forecasts. With too little history for a backtest, the simplest model that fits is used
 * and the confidence says so; with almost none, InsufficientDataError: nothing is invented.
 */
import {
  DAY_MS,
  detectSeasonality,
  HoltWinters,
  InsufficientHistoryError,
  SeasonalNaive,
  selectForecaster,
  type Forecaster,
  type ForecasterCandidate,
  type SeriesGrid,
} from '../ml/forecast/index.js';
import { toRegularGrid } from './regular-grid.js';

/** Fewest points a forecast is made from. */
export const MIN_DEMAND_POINTS = 12;
/** Most points one request may send (a month of minutes would be 43,200). */
export const MAX_DEMAND_POINTS = 100_000;
/** Longest horizon: a week. */
export const MAX_HORIZON_MINUTES = 7 * 24 * 60;
/** Grid steps kept for fitting: the latest 5 weeks of 5-minute steps (older history adds little and costs time). */
const MAX_GRID_STEPS = 10_080;

export const DEMAND_LEVELS = [0.5, 0.9, 0.95, 0.99] as const;

export class InsufficientDataError extends Error {
  override name = 'InsufficientDataError';
  constructor(
    readonly available: number,
    readonly needed: number,
    why = '',
  ) {
    super(`insufficient data: ${available} usable point${available === 1 ? '' : 's'}, at least ${needed} needed to forecast${why ? ` (${why})` : ''}`);
  }
}

export type DemandUnits = 'fraction' | 'percent' | 'absolute';

export interface DemandPoint {
  /** Epoch ms. */
  ts: number;
  value: number;
}

export interface DemandForecastOptions {
  horizonMinutes: number;
  /** Units of the values; default inferred (all within [0, 1]: fraction; within [0, 100]: percent; else absolute). */
  units?: DemandUnits;
  /** The values are utilisations (bounded by 1 or 100); default true unless units is absolute. */
  bounded?: boolean;
}

export interface DemandForecast {
  units: DemandUnits;
  stepMs: number;
  /** Epoch ms of each predicted step. */
  timestamps: number[];
  /** Median forecast per step, in the caller's units. */
  predictions: number[];
  /** Upper quantiles per step (p90, p95, p99), same units. */
  quantiles: { level: number; values: number[] }[];
  /** Chosen model and why. */
  model: string;
  /** 0–1: backtest accuracy (1 − weighted absolute percentage error), calibration and history length. */
  confidence: number;
  /** Backtest of every candidate on the history (null when the history was too short for one). */
  backtest: { horizonSteps: number; folds: number; candidates: { name: string; mase: number; r2: number; wape: number; coverage90: number; failed: string | null }[] } | null;
  seasonality: { periodMs: number; strength: number }[];
  /** Grid steps with data, and the history span. */
  historySteps: number;
  historyMs: number;
  notes: string[];
}

/** The points averaged onto a regular grid of the median spacing (NaN where a step has none). */
export function toGrid(points: readonly DemandPoint[]): SeriesGrid {
  const g = toRegularGrid(Float64Array.from(points, (p) => p.ts), [Float64Array.from(points, (p) => p.value)], MAX_GRID_STEPS);
  return { values: g.columns[0], startMs: g.startMs, stepMs: g.stepMs };
}

export function inferUnits(values: ArrayLike<number>): DemandUnits {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max <= 1 ? 'fraction' : max <= 100 ? 'percent' : 'absolute';
}

const naive = (): Forecaster => new SeasonalNaive({ period: 1 });

/** Forecasts `horizonMinutes` ahead from the points. Throws InsufficientDataError below MIN_DEMAND_POINTS usable points. */
export function forecastDemand(points: readonly DemandPoint[], opts: DemandForecastOptions): DemandForecast {
  if (!(opts.horizonMinutes > 0 && opts.horizonMinutes <= MAX_HORIZON_MINUTES)) throw new RangeError(`horizon must be between 1 and ${MAX_HORIZON_MINUTES} minutes`);
  const usable = points.filter((p) => Number.isFinite(p.ts) && Number.isFinite(p.value));
  if (usable.length < MIN_DEMAND_POINTS) throw new InsufficientDataError(usable.length, MIN_DEMAND_POINTS);
  const series = toGrid(usable);
  const units = opts.units ?? inferUnits(series.values);
  const bounded = opts.bounded ?? units !== 'absolute';
  const cap = !bounded ? Infinity : units === 'percent' ? 100 : units === 'fraction' ? 1 : Infinity;
  let steps = 0;
  for (const v of series.values) if (v === v) steps++;
  if (steps < MIN_DEMAND_POINTS) throw new InsufficientDataError(steps, MIN_DEMAND_POINTS, 'after averaging onto a regular grid');
  const horizon = Math.max(1, Math.ceil((opts.horizonMinutes * 60_000) / series.stepMs));
  const notes: string[] = [];

  const detected = detectSeasonality(series, { acfPeaks: 0 });
  const periods = HoltWinters.periodsFrom(detected, series.stepMs);
  const candidates: ForecasterCandidate[] = [
    { name: 'naive', create: naive },
    { name: 'seasonal_naive', create: () => new SeasonalNaive({ period: 'auto' }) },
    { name: 'holt_winters', create: () => new HoltWinters({ periods }) },
  ];
  // Backtest folds: three origins of the horizon each, the history before the first at least
  // twice as long as all three (so each candidate fits on most of the history).
  const btHorizon = Math.min(horizon, Math.floor(series.values.length / 8));
  let backtest: DemandForecast['backtest'] = null;
  let chosen = candidates[0];
  let wape = NaN;
  let coverage90 = NaN;
  if (btHorizon >= 1 && series.values.length >= 6 * btHorizon && series.values.length >= 2 * MIN_DEMAND_POINTS) {
    const sel = selectForecaster(series, candidates, { horizon: btHorizon, folds: 3, levels: [...DEMAND_LEVELS] });
    const level = meanAbs(series.values);
    backtest = {
      horizonSteps: btHorizon,
      folds: sel.origins.length,
      candidates: sel.scores.map((s) => ({
        name: s.name,
        mase: s.mase,
        r2: s.r2,
        // pinball at the median is half the mean absolute error.
        wape: level > 0 ? (2 * s.pinball[0]) / level : NaN,
        coverage90: s.coverage[1],
        failed: s.failed,
      })),
    };
    chosen = candidates[sel.bestIndex];
    wape = backtest.candidates[sel.bestIndex].wape;
    coverage90 = backtest.candidates[sel.bestIndex].coverage90;
  } else notes.push(`history of ${series.values.length} steps is too short to backtest a ${horizon}-step horizon: the naive forecast is used`);

  let fitted: Forecaster;
  try {
    fitted = (chosen.create() as Forecaster).fit(series);
  } catch (e) {
    if (!(e instanceof InsufficientHistoryError)) throw e;
    notes.push(`${chosen.name} could not fit (${e.message}); the naive forecast is used`);
    chosen = candidates[0];
    fitted = naive().fit(series);
  }
  const f = fitted.forecast(horizon, [...DEMAND_LEVELS]);
  const clip = (x: number) => Math.min(cap, Math.max(0, x));
  const out = (k: number) => Array.from(f.quantiles[k], clip);

  // Confidence: accuracy in the backtest (1 − WAPE), times calibration (p90 coverage within
  // reach of 0.9), times history (a day of data for full credit), never above 0.99.
  const historyMs = series.values.length * series.stepMs;
  const historyFactor = Math.min(1, historyMs / DAY_MS);
  const accuracy = wape === wape ? Math.max(0, 1 - wape) : 0.5;
  const calibration = coverage90 === coverage90 ? Math.max(0, 1 - Math.abs(coverage90 - 0.9) * 2) : 0.8;
  const confidence = Math.min(0.99, Math.max(0.01, accuracy * calibration * historyFactor));
  if (historyFactor < 1) notes.push(`only ${(historyMs / 3_600_000).toFixed(1)} h of history: confidence is scaled down (a day or more gives full credit)`);

  return {
    units,
    stepMs: series.stepMs,
    timestamps: Array.from({ length: horizon }, (_, h) => f.startMs + h * f.stepMs),
    predictions: out(0),
    quantiles: DEMAND_LEVELS.slice(1).map((level, k) => ({ level, values: out(k + 1) })),
    model: chosen.name,
    confidence,
    backtest,
    seasonality: detected.periods.filter((p) => p.present).map((p) => ({ periodMs: p.steps * series.stepMs, strength: p.strength })),
    historySteps: steps,
    historyMs,
    notes,
  };
}

function meanAbs(values: Float64Array): number {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (v === v) {
      s += Math.abs(v);
      n++;
    }
  }
  return n ? s / n : NaN;
}

