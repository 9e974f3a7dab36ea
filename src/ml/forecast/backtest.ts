import { MLInputError } from '../core/errors.js';
import { InsufficientHistoryError } from './errors.js';
import { DEFAULT_LEVELS, type AsyncForecaster, type Forecaster, type QuantileForecast, type SeriesGrid } from './forecaster.js';
import { forecastCoverage, forecastMase, forecastPinballLoss, forecastR2, naiveScale } from './metrics.js';
import { detectSeasonality } from './seasonality.js';
import { checkHorizon, checkLevels, checkSeries } from './series-grid.js';

/**
 * Rolling-origin backtest (Tashman 2000; FPP3 §5.10 "time series cross-validation") and model
 * selection by it. The last `folds` origins, `step` steps apart (default: one horizon, so the
 * held-out stretches tile the end of the series without overlap), each get a fresh forecaster
 * fitted on everything before the origin and forecasting `horizon` steps, scored against what
 * happened:
 *
 *   MASE — MAE over the in-sample seasonal-naive MAE of the fold's training part, at the
 *     seasonal period (given, or the dominant one detected on the first fold's training part,
 *     or 1 when there is none);
 *   pinball loss and coverage (fraction of actuals at or below the quantile) at every level;
 *   R² of the point forecast.
 *
 * Per candidate, MASE and pinball are means over folds; coverage and R² pool every held-out step.
 *
 * Selection (criterion 'pinball', the default) takes the lowest mean scaled pinball loss: the
 * pinball loss averaged over the levels and folds, each fold's divided by its MASE scale (a
 * scale-free "quantile MASE"), because the forecasts are used for their quantiles; 'mase' takes
 * the lowest MASE instead. Ties go to the earlier candidate. A candidate that cannot fit a fold
 * (InsufficientHistoryError) is reported with `failed` and never selected; other errors propagate.
 */

export interface ForecasterCandidate {
  name: string;
  /** A fresh, unfitted forecaster (called once per fold). */
  create: () => Forecaster | AsyncForecaster;
}

export interface BacktestOptions {
  /** Steps forecast from each origin. */
  horizon: number;
  /** Origins. Default 3. */
  folds?: number;
  /** Steps between origins. Default `horizon`. */
  step?: number;
  /** Quantile levels scored. Default DEFAULT_LEVELS. */
  levels?: readonly number[];
  /** Seasonal period of the MASE scale, in steps; default detected (see the file comment). */
  period?: number;
  /** What selectForecaster minimises. Default 'pinball'. */
  criterion?: 'pinball' | 'mase';
}

export interface FoldScore {
  /** Index of the first held-out step. */
  origin: number;
  mase: number;
  /** Mean pinball loss per level. */
  pinball: number[];
  /** Fraction of actuals at or below each level's quantile. */
  coverage: number[];
  r2: number;
  /** Mean over levels of pinball / scale. */
  scaledPinball: number;
}

export interface BacktestScore {
  name: string;
  folds: FoldScore[];
  /** Mean over folds (NaN when every fold failed). */
  mase: number;
  /** Mean over folds, per level. */
  pinball: number[];
  /** Mean over folds of the mean scaled pinball loss. */
  scaledPinball: number;
  /** Pooled over every held-out step, per level. */
  coverage: number[];
  /** Pooled over every held-out step. */
  r2: number;
  /** Why the candidate could not be scored on every fold, or null. */
  failed: string | null;
}

export interface BacktestResult {
  levels: number[];
  horizon: number;
  /** Seasonal period of the MASE scale. */
  period: number;
  /** Index of the first held-out step of each fold. */
  origins: number[];
  scores: BacktestScore[];
}

export interface Selection extends BacktestResult {
  /** The chosen candidate's name and index in the list. */
  best: string;
  bestIndex: number;
}

interface Plan {
  levels: number[];
  horizon: number;
  period: number;
  origins: number[];
  scales: number[];
}

/** Scores each candidate on rolling origins; candidates must fit synchronously (see backtestAsync). */
export function backtest(series: SeriesGrid, candidates: readonly ForecasterCandidate[], opts: BacktestOptions): BacktestResult {
  const plan = planFolds(series, candidates, opts);
  const scores = candidates.map((c) => {
    const folds: (FoldOutcome | string)[] = [];
    for (let k = 0; k < plan.origins.length; k++) {
      const f = c.create();
      if (!('fit' in f) || 'fitAsync' in f) throw new MLInputError(`backtest: candidate '${c.name}' trains asynchronously; use backtestAsync`);
      try {
        f.fit(trainPart(series, plan.origins[k]));
      } catch (e) {
        if (e instanceof InsufficientHistoryError) {
          folds.push(e.message);
          continue;
        }
        throw e;
      }
      folds.push(scoreFold(series, plan, k, f.forecast(plan.horizon, plan.levels)));
    }
    return summarise(c.name, plan, folds);
  });
  return { levels: plan.levels, horizon: plan.horizon, period: plan.period, origins: plan.origins, scores };
}

/** backtest for candidates that may train asynchronously (QuantileGbdtForecaster); folds run one after another. */
export async function backtestAsync(series: SeriesGrid, candidates: readonly ForecasterCandidate[], opts: BacktestOptions): Promise<BacktestResult> {
  const plan = planFolds(series, candidates, opts);
  const scores: BacktestScore[] = [];
  for (const c of candidates) {
    const folds: (FoldOutcome | string)[] = [];
    for (let k = 0; k < plan.origins.length; k++) {
      const f = c.create();
      try {
        const train = trainPart(series, plan.origins[k]);
        if ('fitAsync' in f) await f.fitAsync(train);
        else f.fit(train);
      } catch (e) {
        if (e instanceof InsufficientHistoryError) {
          folds.push(e.message);
          continue;
        }
        throw e;
      }
      folds.push(scoreFold(series, plan, k, f.forecast(plan.horizon, plan.levels)));
    }
    scores.push(summarise(c.name, plan, folds));
  }
  return { levels: plan.levels, horizon: plan.horizon, period: plan.period, origins: plan.origins, scores };
}

/** The best candidate by rolling-origin backtest (see the file comment for the criterion). */
export function selectForecaster(series: SeriesGrid, candidates: readonly ForecasterCandidate[], opts: BacktestOptions): Selection {
  return choose(backtest(series, candidates, opts), opts.criterion ?? 'pinball');
}

export async function selectForecasterAsync(series: SeriesGrid, candidates: readonly ForecasterCandidate[], opts: BacktestOptions): Promise<Selection> {
  return choose(await backtestAsync(series, candidates, opts), opts.criterion ?? 'pinball');
}

function choose(result: BacktestResult, criterion: 'pinball' | 'mase'): Selection {
  if (criterion !== 'pinball' && criterion !== 'mase') throw new MLInputError(`selectForecaster: criterion must be 'pinball' or 'mase', got ${String(criterion)}`);
  let bestIndex = -1;
  let bestValue = Infinity;
  result.scores.forEach((s, i) => {
    if (s.failed) return;
    const v = criterion === 'pinball' ? s.scaledPinball : s.mase;
    if (v < bestValue || (bestIndex < 0 && !(v === v))) {
      bestValue = v === v ? v : Infinity;
      bestIndex = i;
    }
  });
  if (bestIndex < 0) {
    const why = result.scores.map((s) => `${s.name}: ${s.failed}`).join('; ');
    throw new InsufficientHistoryError('selectForecaster', result.horizon + 2, result.origins[0] ?? 0, `no candidate could be fitted on every fold (${why})`);
  }
  return { ...result, best: result.scores[bestIndex].name, bestIndex };
}

function planFolds(series: SeriesGrid, candidates: readonly ForecasterCandidate[], opts: BacktestOptions): Plan {
  const kind = 'backtest';
  checkSeries(kind, series);
  if (!candidates.length) throw new MLInputError(`${kind}: no candidates`);
  const names = new Set<string>();
  for (const c of candidates) {
    if (names.has(c.name)) throw new MLInputError(`${kind}: two candidates are named '${c.name}'`);
    names.add(c.name);
  }
  const horizon = opts.horizon;
  checkHorizon(kind, horizon);
  const folds = opts.folds ?? 3;
  const step = opts.step ?? horizon;
  if (!(Number.isInteger(folds) && folds >= 1)) throw new MLInputError(`${kind}: folds must be a positive integer, got ${folds}`);
  if (!(Number.isInteger(step) && step >= 1)) throw new MLInputError(`${kind}: step must be a positive integer, got ${step}`);
  const levels = [...(opts.levels ?? DEFAULT_LEVELS)];
  checkLevels(kind, levels);
  const n = series.values.length;
  const first = n - horizon - (folds - 1) * step;
  if (first < 2) throw new InsufficientHistoryError(kind, horizon + (folds - 1) * step + 2, n, `${folds} folds of ${horizon} steps`);
  const origins = Array.from({ length: folds }, (_, k) => first + k * step);
  let period = opts.period ?? 0;
  if (opts.period !== undefined) {
    if (!(Number.isInteger(period) && period >= 1)) throw new MLInputError(`${kind}: period must be a positive integer, got ${period}`);
  } else {
    period = detectSeasonality(trainPart(series, first)).dominant ?? 1;
  }
  const scales = origins.map((o) => {
    const p = o > period ? period : 1;
    return naiveScale(series.values.subarray(0, o), p);
  });
  return { levels, horizon, period, origins, scales };
}

function trainPart(series: SeriesGrid, origin: number): SeriesGrid {
  return { values: series.values.subarray(0, origin), startMs: series.startMs, stepMs: series.stepMs };
}

/** A scored fold with what it was scored on, kept until the candidate's folds are pooled. */
interface FoldOutcome {
  score: FoldScore;
  actual: Float64Array;
  forecast: QuantileForecast;
}

function scoreFold(series: SeriesGrid, plan: Plan, k: number, f: QuantileForecast): FoldOutcome {
  const origin = plan.origins[k];
  const actual = series.values.subarray(origin, origin + plan.horizon);
  const scale = plan.scales[k];
  const pinball = plan.levels.map((_, j) => forecastPinballLoss(actual, f.quantiles[j], plan.levels[j]));
  const usable = scale > 0 ? scale : 1;
  const score = {
    origin,
    mase: forecastMase(actual, f.point, scale),
    pinball,
    coverage: plan.levels.map((_, j) => forecastCoverage(actual, f.quantiles[j])),
    r2: forecastR2(actual, f.point),
    scaledPinball: pinball.reduce((s, v) => s + v, 0) / pinball.length / usable,
  };
  return { score, actual, forecast: f };
}

function summarise(name: string, plan: Plan, folds: (FoldOutcome | string)[]): BacktestScore {
  const ok = folds.filter((f): f is FoldOutcome => typeof f !== 'string');
  const failures = folds.filter((f): f is string => typeof f === 'string');
  const mean = (vals: number[]) => {
    const finite = vals.filter((v) => v === v);
    return finite.length ? finite.reduce((s, v) => s + v, 0) / finite.length : NaN;
  };
  const scores = ok.map((f) => f.score);
  // Coverage and R² pool every held-out step of the scored folds.
  const L = plan.levels.length;
  const coverage = new Array<number>(L).fill(NaN);
  let r2 = NaN;
  if (ok.length) {
    const actual = concat(ok.map((f) => f.actual));
    r2 = forecastR2(actual, concat(ok.map((f) => f.forecast.point)));
    for (let j = 0; j < L; j++) coverage[j] = forecastCoverage(actual, concat(ok.map((f) => f.forecast.quantiles[j])));
  }
  return {
    name,
    folds: scores,
    mase: mean(scores.map((f) => f.mase)),
    pinball: plan.levels.map((_, j) => mean(scores.map((f) => f.pinball[j]))),
    scaledPinball: mean(scores.map((f) => f.scaledPinball)),
    coverage,
    r2,
    failed: failures.length ? failures[0] : null,
  };
}

function concat(parts: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
