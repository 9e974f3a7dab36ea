/**
 * Forecasts one resource's demand from its history, the way NovaCron asks for it (§2A
 * predict_demand, §1B /predict/resources): points at whatever spacing the caller has, a horizon
 * in minutes, answers in the caller's units.
 *
 * The points are averaged onto a regular grid (the median spacing, at least a minute), then the
 * method — naive, seasonal naive or Holt–Winters with the detected periods — is chosen by a
 * rolling-origin backtest on the history itself (demand-model-selection.ts: lowest scaled pinball
 * loss, a more complex method only when clearly better) and forecasts. Under a day of steps
 * there is too little to choose honestly: the naive rule answers and the confidence says so;
 * under MIN_DEMAND_POINTS points, InsufficientDataError: nothing is invented.
 */
import { DAY_MS, HoltWinters, InsufficientHistoryError, SeasonalNaive, type Forecaster } from '../ml/forecast/index.js';
import { DEMAND_LEVELS, inferUnits, toGrid, type DemandPoint, type DemandUnits } from './demand-series.js';
import { InsufficientTrainingDataError, selectDemandModelOnGrid } from './demand-model-selection.js';

export { DEMAND_LEVELS, inferUnits, toGrid, type DemandPoint, type DemandUnits };

/** Fewest points a forecast is made from. */
export const MIN_DEMAND_POINTS = 12;
/** Most points one request may send (a month of minutes would be 43,200). */
export const MAX_DEMAND_POINTS = 100_000;
/** Longest horizon: a week. */
export const MAX_HORIZON_MINUTES = 7 * 24 * 60;

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

  // The method is chosen by backtest on this history (demand-model-selection.ts); under a day of
  // steps there is too little to choose honestly, and the naive rule answers at low confidence.
  const naiveCandidate = { name: 'naive', create: naive };
  let chosen: { name: string; create: () => Forecaster } = naiveCandidate;
  let backtest: DemandForecast['backtest'] = null;
  let seasonality: DemandForecast['seasonality'] = [];
  let wape = NaN;
  let coverage90 = NaN;
  try {
    const sel = selectDemandModelOnGrid(series, { horizonsMinutes: [opts.horizonMinutes], trainingPoints: usable.length });
    const h = sel.horizons[0];
    backtest = { horizonSteps: h.horizonSteps, folds: h.folds, candidates: h.candidates.map((c) => ({ name: c.name, mase: c.mase, r2: c.r2, wape: c.wape, coverage90: c.coverage90, failed: c.failed })) };
    const method = sel.method;
    chosen = { name: method, create: () => (method === 'naive' ? naive() : method === 'seasonal_naive' ? new SeasonalNaive({ period: sel.periods[0] }) : new HoltWinters({ periods: sel.periods })) };
    wape = sel.wape;
    coverage90 = sel.coverage90;
    seasonality = sel.seasonality.filter((p) => p.present).map((p) => ({ periodMs: p.periodMs, strength: p.strength }));
    notes.push(...sel.notes);
  } catch (e) {
    if (!(e instanceof InsufficientTrainingDataError)) throw e;
    notes.push(`${e.message.replace(/ to train/, ' to choose a method by backtest')}: the naive forecast is used`);
  }

  let fitted: Forecaster;
  try {
    fitted = chosen.create().fit(series);
  } catch (e) {
    if (!(e instanceof InsufficientHistoryError)) throw e;
    notes.push(`${chosen.name} could not fit (${e.message}); the naive forecast is used`);
    chosen = naiveCandidate;
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
    seasonality,
    historySteps: steps,
    historyMs,
    notes,
  };
}
