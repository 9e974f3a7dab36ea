/**
 * "Training" the demand forecaster (NovaCron `model_training/train` with model_type
 * resource_prediction, §2A): the forecaster has no weights to learn once for all series — each
 * predict_demand request fits its candidates on the history it is given — so training here means
 * choosing, on a representative series, which forecasting method and which seasonal periods
 * serve it best, measuring how accurate that choice is, and recording the choice as a registry
 * version of the `resource` service.
 *
 * How a method is chosen: demand-model-selection.ts (the same selection each predict_demand
 * request runs on its own history).
 *
 * Accuracy (ModelInfo.accuracy) = max(0, 1 − WAPE) of the chosen method, WAPE averaged over the
 * horizons; WAPE of one horizon = the mean over origins of the held-out mean absolute error
 * divided by the mean |actual| of the held-out steps (exactly Σ|e| / Σ|y| when no step is missing).
 *
 * Cost: ≈ 0.1 s for five weeks of 5-minute data and ≈ 0.25 s for the largest request (100,000
 * one-minute points, of which the latest 10,080 steps are used), measured on a shared 2-core
 * machine; so `model_training/train` runs it inline, and OPTIMIZATION_TRAIN_DEMAND_JOB (jobs.ts)
 * runs it when a caller asks for the background or for a scheduled run.
 *
 * What the version is for: model_management/get_info (ModelInfo with this accuracy) and the
 * registry's record of which method fits the series and how well. predict_demand does not read
 * it: it runs the same selection on each request's own history.
 */
import type { ModelRegistry, RegisterInput } from '../models/index.js';
import type { ModelVersionRecord } from '../platform/store/index.js';
import { DEMAND_LEVELS } from './demand-series.js';
import { PARSIMONY, type DemandModelSelection } from './demand-model-selection.js';

export {
  DEMAND_METHODS,
  InsufficientTrainingDataError,
  MIN_TRAINING_POINTS,
  PARSIMONY,
  selectDemandModel,
  selectDemandModelOnGrid,
  TRAINING_HORIZONS_MINUTES,
  type DemandCandidateScore,
  type DemandHorizonBacktest,
  type DemandMethod,
  type DemandModelSelection,
  type DemandSeasonality,
} from './demand-model-selection.js';

export interface DemandTrainingSource {
  /** Where the series came from, e.g. "training_data" or "stored telemetry". */
  source: string;
  nodeId?: string | null;
  resourceType?: string | null;
  /** The telemetry metric the series is (stored telemetry only). */
  metric?: string | null;
  jobId?: string | null;
  /** Wall-clock seconds the selection took. */
  trainingDurationS?: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const ALGORITHM_PREFIX = 'demand_forecast_';

/** The registry entry of a selection (service `resource`; not activated). */
export function demandModelVersion(sel: DemandModelSelection, src: DemandTrainingSource, trainedAt = Date.now()): RegisterInput {
  const metrics: Record<string, number> = {};
  const put = (k: string, v: number) => {
    if (Number.isFinite(v)) metrics[k] = v;
  };
  put('accuracy', sel.accuracy);
  put('wape', sel.wape);
  put('mase', sel.mase);
  put('r2', sel.r2);
  put('coverage90', sel.coverage90);
  put('training_points', sel.trainingPoints);
  put('grid_steps', sel.gridSteps);
  put('observed_steps', sel.observedSteps);
  put('step_seconds', sel.stepMs / 1000);
  put('history_hours', (sel.gridSteps * sel.stepMs) / 3_600_000);
  for (const s of sel.summary) {
    put(`${s.name}_mase`, s.mase);
    put(`${s.name}_wape`, s.wape);
    put(`${s.name}_scaled_pinball`, s.scaledPinball);
  }
  for (const h of sel.horizons) for (const c of h.candidates) put(`${c.name}_mase_${h.horizonMinutes}m`, c.mase);
  for (const p of sel.seasonality) put(`seasonality_${Math.round(p.periodMs / 1000)}s_strength`, p.strength);
  const subject = [src.nodeId, src.resourceType ?? src.metric].filter(Boolean).join(' ');
  const choice = {
    kind: 'demand_forecast_choice',
    formatVersion: 1,
    method: sel.method,
    periods_steps: sel.periods,
    step_seconds: sel.stepMs / 1000,
    levels: [...DEMAND_LEVELS],
  };
  return {
    service: 'resource',
    algorithm: `${ALGORITHM_PREFIX}${sel.method}`,
    trainingStatus: 'completed',
    parameters: {
      method: sel.method,
      periods_steps: sel.periods,
      period_seconds: sel.periods.map((p) => (p * sel.stepMs) / 1000),
      candidate_periods_steps: sel.candidatePeriods,
      step_seconds: sel.stepMs / 1000,
      units: sel.units,
      selection: `lowest scaled pinball loss over quantile levels ${DEMAND_LEVELS.join(', ')}, averaged over the backtested horizons; a more complex method must beat a simpler one by more than ${100 * PARSIMONY} % on both scaled pinball and MASE`,
      accuracy_definition: '1 − WAPE of the chosen method in the rolling-origin backtest, averaged over the horizons',
      horizons: sel.horizons.map((h) => ({
        horizon_minutes: h.horizonMinutes,
        horizon_steps: h.horizonSteps,
        folds: h.folds,
        best: h.best,
        candidates: h.candidates.map((c) => ({ name: c.name, mase: num(c.mase), wape: num(c.wape), r2: num(c.r2), coverage90: num(c.coverage90), scaled_pinball: num(c.scaledPinball), failed: c.failed })),
      })),
      seasonality: sel.seasonality.map((p) => ({ period_seconds: p.periodMs / 1000, steps: p.steps, strength: num(p.strength), present: p.present, source: p.source })),
      source: src.source,
      ...(src.nodeId ? { node_id: src.nodeId } : {}),
      ...(src.resourceType ? { resource_type: src.resourceType } : {}),
      ...(src.metric ? { metric: src.metric } : {}),
      ...(src.jobId ? { job_id: src.jobId } : {}),
      notes: sel.notes,
    },
    metrics,
    featureSchema: [{ name: src.metric ?? src.resourceType ?? 'value', description: 'the resource series, averaged onto the grid', unit: sel.units }],
    targetNames: [src.metric ?? src.resourceType ?? 'value'],
    dataFingerprint: `${src.source}${subject ? ` (${subject})` : ''}: ${sel.trainingPoints} points, ${sel.gridSteps} steps of ${sel.stepMs / 1000} s, ${iso(sel.startMs)} to ${iso(sel.endMs)}, sha256 ${sel.dataSha256.slice(0, 16)}`,
    trainingSamples: sel.observedSteps,
    validationSamples: sel.horizons.reduce((s, h) => s + h.folds * h.horizonSteps, 0),
    trainingDurationS: src.trainingDurationS ?? null,
    description: `Demand forecasting method chosen by a rolling-origin backtest (${sel.method}); predict_demand refits it per request`,
    trainedAt,
    artifact: Buffer.from(JSON.stringify(choice)),
  };
}

/** JSON has no NaN: a number that is not finite is written as null. */
function num(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * The activation policy (as failure's, on this model's own error): activate when no resource
 * version is active, when the active one records no accuracy, or when the new backtest accuracy
 * (1 − WAPE) is not worse than the active one's.
 */
export function shouldActivateDemand(candidate: Record<string, number>, active: { metrics: Record<string, number>; algorithm: string } | undefined): { activate: boolean; reason: string } {
  if (!active) return { activate: true, reason: 'no active resource model' };
  const theirs = active.metrics.accuracy;
  const mine = candidate.accuracy;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  if (!Number.isFinite(theirs)) return { activate: true, reason: 'the active resource model records no accuracy' };
  if (!Number.isFinite(mine)) return { activate: false, reason: 'the new model has no backtest accuracy' };
  return mine >= theirs
    ? { activate: true, reason: `backtest accuracy ${pct(mine)} (1 − WAPE) is not worse than the active model's ${pct(theirs)}` }
    : { activate: false, reason: `backtest accuracy ${pct(mine)} (1 − WAPE) is worse than the active model's ${pct(theirs)}` };
}

export interface DemandTrainingOutcome {
  record: ModelVersionRecord;
  activated: boolean;
  reason: string;
  previous: ModelVersionRecord | undefined;
  selection: DemandModelSelection;
}

/** Registers a selection as a `resource` version and activates it by policy. */
export async function registerDemandModel(registry: ModelRegistry, sel: DemandModelSelection, src: DemandTrainingSource): Promise<DemandTrainingOutcome> {
  const record = await registry.register(demandModelVersion(sel, src));
  const previous = await registry.active('resource');
  const decision = shouldActivateDemand(record.metrics, previous);
  if (decision.activate) await registry.activate('resource', record.id);
  return { record: decision.activate ? { ...record, isActive: true } : record, activated: decision.activate, reason: decision.reason, previous, selection: sel };
}

/** The wire summary of an outcome (the envelope answer's and the job result's `performance_metrics`). */
export function demandTrainingSummary(o: DemandTrainingOutcome): Record<string, unknown> {
  const s = o.selection;
  return {
    model_id: o.record.id,
    model_version: String(o.record.version),
    activated: o.activated,
    activation_reason: o.reason,
    previous_model_id: o.previous?.id ?? null,
    method: s.method,
    periods_seconds: s.periods.map((p) => (p * s.stepMs) / 1000),
    accuracy: s.accuracy,
    wape: num(s.wape),
    mase: num(s.mase),
    r2: num(s.r2),
    coverage90: num(s.coverage90),
    candidates: s.summary.map((c) => ({ name: c.name, mase: num(c.mase), wape: num(c.wape), r2: num(c.r2), coverage90: num(c.coverage90), scaled_pinball: num(c.scaledPinball), failed: c.failed })),
    horizons_minutes: s.horizons.map((h) => h.horizonMinutes),
    seasonality: s.seasonality.filter((p) => p.present).map((p) => ({ period_seconds: p.periodMs / 1000, strength: num(p.strength) })),
    training_points: s.trainingPoints,
    grid_steps: s.gridSteps,
    step_seconds: s.stepMs / 1000,
    notes: s.notes,
  };
}

