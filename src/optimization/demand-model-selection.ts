/**
 * Which forecasting method serves a demand series best, chosen by backtest: used by every
 * predict_demand request on its own history and by `model_training/train` (demand-training.ts),
 * which records the choice as a model version.
 *
 * What it does:
 *  1. The points are averaged onto a regular grid (demand-forecast.ts `toGrid`: the median
 *     spacing, at least a minute, the latest 10,080 steps; older points are noted as unused).
 *  2. Seasonality is detected on the whole grid (daily and weekly calendar periods plus up to
 *     three autocorrelation peaks; Hyndman's seasonal strength ≥ 0.3 = present).
 *  3. Candidates: naive (the last value), seasonal naive at the dominant detected period (only
 *     when one is present: otherwise it is the naive rule again) and Holt–Winters with the present
 *     daily/weekly periods (else the dominant one; none: simple exponential smoothing).
 *  4. Each is scored by a rolling-origin backtest (3 to 8 origins, see foldsFor) at every horizon of
 *     TRAINING_HORIZONS_MINUTES that the history can hold (at least 6 horizons of history, as the
 *     serving path requires): MASE, WAPE, R² and the coverage of the p90 quantile.
 *  5. The chosen method has the lowest scaled pinball loss averaged over the horizons (the serving
 *     criterion: forecasts are used for their quantiles), among the candidates that could be
 *     fitted at every horizon — with parsimony: a more complex candidate (naive < seasonal naive
 *     < Holt–Winters) is preferred to a simpler one only when it is better by more than
 *     PARSIMONY (2 %) on both the scaled pinball loss and MASE (on a random walk, Holt–Winters
 *     without a season is the naive rule with other quantiles, and a few per cent either way on
 *     pinball is noise). Holt–Winters needs two full cycles of its longest period before
 *     each origin, so on two days of 5-minute data its daily model cannot be backtested (it is
 *     reported as failed with the reason) and seasonal naive carries the daily pattern.
 *
 *
 * Known leak, on purpose: the seasonal periods are detected on the whole series, held-out steps
 * included (a period is a property of the workload, and detecting it per origin would make the
 * seasonal candidates blind on short histories); the parameters of each fold's fit never see its
 * held-out steps.
 */
import { createHash } from 'node:crypto';
import {
  detectSeasonality,
  HoltWinters,
  SeasonalNaive,
  selectForecaster,
  type ForecasterCandidate,
  type SeriesGrid,
} from '../ml/forecast/index.js';
import { DEMAND_LEVELS, inferUnits, toGrid, type DemandPoint, type DemandUnits } from './demand-series.js';

/** Fewest usable points (and grid steps with data) a training run accepts: a day of 5-minute samples. */
export const MIN_TRAINING_POINTS = 288;
/** Horizons the candidates are backtested at: 1 h and 6 h ahead. */
export const TRAINING_HORIZONS_MINUTES: readonly number[] = [60, 360];
/** Backtest origins per horizon: at least MIN_FOLDS, up to MAX_FOLDS where the history allows (see foldsFor). */
const MIN_FOLDS = 3;
const MAX_FOLDS = 8;
/** History a horizon's backtest needs, in horizons (3 held-out folds plus at least as much before them). */
const HISTORY_HORIZONS = 2 * MIN_FOLDS;
/** A more complex candidate is chosen only when it beats a simpler one by more than 2 % on both scaled pinball and MASE. */
export const PARSIMONY = 0.02;

/** Too little history to choose a method honestly; the message starts with "insufficient data:". */
export class InsufficientTrainingDataError extends Error {
  override name = 'InsufficientTrainingDataError';
  constructor(
    readonly available: number,
    readonly needed: number,
    why = '',
  ) {
    super(`insufficient data: ${available} usable points, at least ${needed} needed to train${why ? ` (${why})` : ''}`);
  }
}

export const DEMAND_METHODS = ['naive', 'seasonal_naive', 'holt_winters'] as const;
export type DemandMethod = (typeof DEMAND_METHODS)[number];

export interface DemandCandidateScore {
  name: DemandMethod;
  mase: number;
  wape: number;
  r2: number;
  /** Share of held-out actuals at or below the p90 quantile (0.9 when calibrated). */
  coverage90: number;
  /** The selection criterion: mean pinball loss over the quantile levels, scaled by the in-sample naive MAE. */
  scaledPinball: number;
  /** Why it could not be backtested at this horizon (or at some horizon, in the summary), or null. */
  failed: string | null;
}

export interface DemandHorizonBacktest {
  horizonMinutes: number;
  horizonSteps: number;
  folds: number;
  candidates: DemandCandidateScore[];
  /** The lowest scaled pinball loss at this horizon alone (no parsimony rule): for comparison only. */
  best: DemandMethod;
}

export interface DemandSeasonality {
  steps: number;
  periodMs: number;
  strength: number;
  present: boolean;
  source: 'calendar' | 'acf';
}

export interface DemandModelSelection {
  method: DemandMethod;
  /** Seasonal periods (grid steps) of the chosen method: [] for naive. */
  periods: number[];
  /** Periods every seasonal candidate was given. */
  candidatePeriods: { seasonal_naive: number | null; holt_winters: number[] };
  stepMs: number;
  startMs: number;
  /** Epoch ms just after the last grid step. */
  endMs: number;
  /** Usable (finite) input points, before gridding. */
  trainingPoints: number;
  /** Grid steps, and those with data. */
  gridSteps: number;
  observedSteps: number;
  units: DemandUnits;
  seasonality: DemandSeasonality[];
  horizons: DemandHorizonBacktest[];
  /** Per candidate, averaged over the horizons; `failed` names the first horizon it could not be fitted at. */
  summary: DemandCandidateScore[];
  /** The chosen method's averages. */
  wape: number;
  mase: number;
  r2: number;
  coverage90: number;
  /** max(0, 1 − wape). */
  accuracy: number;
  /** SHA-256 of the grid (start, step, values): which data the choice was made on. */
  dataSha256: string;
  notes: string[];
}

/** Chooses the demand forecasting method for a series of points (see the file comment). Throws InsufficientTrainingDataError. */
export function selectDemandModel(points: readonly DemandPoint[], opts: { horizonsMinutes?: readonly number[] } = {}): DemandModelSelection {
  const usable = points.filter((p) => Number.isFinite(p.ts) && Number.isFinite(p.value));
  if (usable.length < MIN_TRAINING_POINTS) throw new InsufficientTrainingDataError(usable.length, MIN_TRAINING_POINTS, 'training needs a day of 5-minute samples or the equivalent');
  const grid = toGrid(usable);
  const sel = selectDemandModelOnGrid(grid, { ...opts, trainingPoints: usable.length });
  const dropped = usable.filter((p) => p.ts < grid.startMs).length;
  if (dropped) sel.notes.push(`${dropped} points older than the latest ${grid.values.length} grid steps were not used (the grid keeps at most 10,080 steps)`);
  return sel;
}

/** selectDemandModel on a series already on its grid (the training job's payload). */
export function selectDemandModelOnGrid(series: SeriesGrid, opts: { horizonsMinutes?: readonly number[]; trainingPoints?: number } = {}): DemandModelSelection {
  const values = series.values;
  let observed = 0;
  for (const v of values) if (v === v) observed++;
  if (observed < MIN_TRAINING_POINTS) throw new InsufficientTrainingDataError(observed, MIN_TRAINING_POINTS, 'counted as grid steps with data after averaging onto a regular grid');
  const notes: string[] = [];
  const n = values.length;

  const detected = detectSeasonality(series);
  const seasonality: DemandSeasonality[] = detected.periods.map((p) => ({ steps: p.steps, periodMs: p.steps * series.stepMs, strength: p.strength, present: p.present, source: p.source }));
  const snPeriod = detected.dominant;
  const hwPeriods = HoltWinters.periodsFrom(detected, series.stepMs);
  const candidates: (ForecasterCandidate & { name: DemandMethod })[] = [{ name: 'naive', create: () => new SeasonalNaive({ period: 1 }) }];
  if (snPeriod !== null) candidates.push({ name: 'seasonal_naive', create: () => new SeasonalNaive({ period: snPeriod }) });
  else notes.push('no seasonal period is present (strength ≥ 0.3 with two full cycles of history): seasonal naive would be the naive rule and is not a candidate');
  candidates.push({ name: 'holt_winters', create: () => new HoltWinters({ periods: hwPeriods }) });

  const horizons: DemandHorizonBacktest[] = [];
  for (const minutes of opts.horizonsMinutes ?? TRAINING_HORIZONS_MINUTES) {
    const steps = Math.max(1, Math.ceil((minutes * 60_000) / series.stepMs));
    if (n < HISTORY_HORIZONS * steps) {
      notes.push(`the ${label(minutes)} horizon (${steps} steps) needs ${HISTORY_HORIZONS * steps} steps of history to backtest; the series has ${n}: not tested`);
      continue;
    }
    const sel = selectForecaster(series, candidates, { horizon: steps, folds: foldsFor(n, steps, hwPeriods), levels: [...DEMAND_LEVELS] });
    // Mean |actual| of the held-out steps: the WAPE denominator.
    let sum = 0;
    let count = 0;
    for (const o of sel.origins) {
      for (let i = o; i < o + steps && i < n; i++) {
        if (values[i] === values[i]) {
          sum += Math.abs(values[i]);
          count++;
        }
      }
    }
    const level = count ? sum / count : NaN;
    horizons.push({
      horizonMinutes: minutes,
      horizonSteps: steps,
      folds: sel.origins.length,
      best: sel.best as DemandMethod,
      candidates: sel.scores.map((s) => ({
        name: s.name as DemandMethod,
        mase: s.mase,
        // Pinball loss at the median is half the mean absolute error.
        wape: level > 0 ? (2 * s.pinball[0]) / level : NaN,
        r2: s.r2,
        coverage90: s.coverage[1],
        scaledPinball: s.scaledPinball,
        failed: s.failed,
      })),
    });
  }
  if (!horizons.length) {
    const shortest = Math.min(...(opts.horizonsMinutes ?? TRAINING_HORIZONS_MINUTES));
    const steps = Math.max(1, Math.ceil((shortest * 60_000) / series.stepMs));
    throw new InsufficientTrainingDataError(n, HISTORY_HORIZONS * steps, `counted as grid steps of ${Math.round(series.stepMs / 1000)} s: the ${label(shortest)} backtest needs ${HISTORY_HORIZONS} horizons of history`);
  }

  const mean = (xs: number[]) => {
    const f = xs.filter((x) => x === x);
    return f.length ? f.reduce((s, x) => s + x, 0) / f.length : NaN;
  };
  const summary: DemandCandidateScore[] = candidates.map((c) => {
    const per = horizons.map((h) => ({ h, s: h.candidates.find((x) => x.name === c.name)! }));
    const failedAt = per.find((p) => p.s.failed);
    return {
      name: c.name,
      mase: mean(per.map((p) => p.s.mase)),
      wape: mean(per.map((p) => p.s.wape)),
      r2: mean(per.map((p) => p.s.r2)),
      coverage90: mean(per.map((p) => p.s.coverage90)),
      scaledPinball: mean(per.map((p) => p.s.scaledPinball)),
      failed: failedAt ? `at the ${label(failedAt.h.horizonMinutes)} horizon: ${failedAt.s.failed}` : null,
    };
  });
  // Parsimony: candidates are listed simplest first, and a later one replaces the current choice
  // only when it is better by more than PARSIMONY on both the scaled pinball loss and MASE. On a
  // random walk Holt–Winters without a season is exponential smoothing with α near 1 — the naive
  // rule with other quantiles — and wins or loses the pinball comparison by a few per cent at
  // random; on points (MASE) the two are within a fraction of a per cent.
  let best = -1;
  summary.forEach((s, i) => {
    if (s.failed || !(s.scaledPinball === s.scaledPinball)) return;
    if (best < 0) {
      best = i;
      return;
    }
    const b = summary[best];
    if (s.scaledPinball < b.scaledPinball * (1 - PARSIMONY) && s.mase < b.mase * (1 - PARSIMONY)) best = i;
  });
  // The naive rule fits any series of two observed steps; this is a guard, not a path.
  if (best < 0) throw new InsufficientTrainingDataError(observed, MIN_TRAINING_POINTS, `no candidate could be backtested: ${summary.map((s) => `${s.name}: ${s.failed}`).join('; ')}`);
  for (const s of summary) if (s.failed) notes.push(`${s.name} could not be backtested ${s.failed}`);
  const chosen = summary[best];
  const method = chosen.name;

  const hash = createHash('sha256');
  hash.update(`${series.startMs}/${series.stepMs}/`);
  hash.update(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  return {
    method,
    periods: method === 'naive' ? [] : method === 'seasonal_naive' ? [snPeriod!] : [...hwPeriods],
    candidatePeriods: { seasonal_naive: snPeriod, holt_winters: [...hwPeriods] },
    stepMs: series.stepMs,
    startMs: series.startMs,
    endMs: series.startMs + n * series.stepMs,
    trainingPoints: opts.trainingPoints ?? observed,
    gridSteps: n,
    observedSteps: observed,
    units: inferUnits(values.filter((v) => v === v)),
    seasonality,
    horizons,
    summary,
    wape: chosen.wape,
    mase: chosen.mase,
    r2: chosen.r2,
    coverage90: chosen.coverage90,
    accuracy: chosen.wape === chosen.wape ? Math.max(0, 1 - chosen.wape) : 0,
    dataSha256: hash.digest('hex'),
    notes,
  };
}

/**
 * Origins for one horizon: as many as fit (up to MAX_FOLDS) while the history before the first
 * keeps half the series and two cycles of the longest Holt–Winters period (so the extra origins
 * never cost the seasonal model its fit), and at least MIN_FOLDS. Three origins of one horizon
 * each are few to tell two close methods apart; more of them cut the noise of the comparison.
 */
function foldsFor(n: number, horizon: number, hwPeriods: readonly number[]): number {
  const longest = hwPeriods.length ? hwPeriods[hwPeriods.length - 1] : 0;
  const keep = Math.max(Math.ceil(n / 2), 2 * longest);
  return Math.max(MIN_FOLDS, Math.min(MAX_FOLDS, Math.floor((n - keep) / horizon)));
}

function label(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

