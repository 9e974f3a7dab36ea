/**
 * A failure predictor as a model-registry version: its validation metrics (event recall,
 * precision, false alarms per host-day and median lead at the alert budget; each member's average
 * precision, recall and ensemble weight), its parameters (members, weights, lead time, the
 * simulator configuration that trained it) and its feature schema.
 */
import type { RegisterInput } from '../models/index.js';
import type { FailurePredictor, FailurePredictorOptions, ValidationReport } from './failure-predictor.js';
import { HISTORY_FEATURE_MEANING } from './history-features.js';
import type { SimulatorTrainingConfig } from './simulator-training.js';

/** What registration needs of a predictor, as plain data (a training worker sends it across threads). */
export interface PredictorSummary {
  featureNames: string[];
  members: string[];
  weights: Record<string, number>;
  threshold: number;
  alarmProbability: number;
  options: FailurePredictorOptions;
  sequenceWindow: number;
  report: ValidationReport;
}

export type ModelSource = 'bundled' | 'retrain';

export const ALGORITHM = 'stacked_failure_ensemble';

export function summarizePredictor(p: FailurePredictor): PredictorSummary {
  return {
    featureNames: [...p.featureNames],
    members: [...p.members],
    weights: { ...p.weights },
    threshold: p.threshold,
    alarmProbability: p.alarmProbability,
    options: p.options,
    sequenceWindow: p.sequenceWindow,
    report: p.report,
  };
}

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** The registry's metrics: finite numbers only. */
export function validationMetrics(s: PredictorSummary): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (k: string, v: number | null | undefined) => {
    if (finite(v)) out[k] = v;
  };
  const ens = s.report.byModel.ensemble;
  if (ens) {
    const e = ens.events;
    put('recall', e.recall);
    put('precision', e.precision);
    if (finite(e.recall) && finite(e.precision) && e.recall + e.precision > 0) put('f1_score', (2 * e.recall * e.precision) / (e.recall + e.precision));
    put('false_alarms_per_host_day', e.falseAlarmsPerEntityDay);
    put('median_lead_minutes', e.medianLeadMs == null ? null : e.medianLeadMs / 60_000);
    put('average_precision', ens.averagePrecision);
    put('alerts', e.alerts);
  }
  put('alarm_probability', s.alarmProbability);
  put('score_threshold', s.threshold);
  put('validation_failures', s.report.validation.failures);
  put('validation_host_days', s.report.validation.hostDays);
  for (const m of s.members) {
    const r = s.report.byModel[m];
    put(`${m}_average_precision`, r?.averagePrecision);
    put(`${m}_recall`, r?.events.recall);
    put(`${m}_false_alarms_per_host_day`, r?.events.falseAlarmsPerEntityDay);
    put(`${m}_weight`, s.weights[m]);
  }
  return out;
}

function describeFeature(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  const meaning = HISTORY_FEATURE_MEANING[name.slice(dot + 1)];
  return meaning ? `${name.slice(0, dot)}: ${meaning}` : undefined;
}

const fleetText = (f: SimulatorTrainingConfig['train']) => `seed ${f.seed}, ${f.hosts} hosts × ${f.days} days, ${f.failuresPerHostDay ?? 'default'} failures/host-day`;

/** The registry entry of a trained predictor (not activated). */
export function versionInput(
  s: PredictorSummary,
  training: SimulatorTrainingConfig,
  artifact: Buffer,
  extra: { source: ModelSource; trainingDurationS?: number | null; trainedAt?: number | null; jobId?: string },
): RegisterInput {
  const ens = s.report.byModel.ensemble?.events;
  const lead = s.options.leadTime;
  return {
    service: 'failure',
    algorithm: ALGORITHM,
    trainingStatus: 'completed',
    parameters: {
      source: extra.source,
      ...(extra.jobId ? { job_id: extra.jobId } : {}),
      members: s.members,
      weights: s.weights,
      score_threshold: s.threshold,
      lead_time: { horizon_minutes: lead.horizonMs / 60_000, min_lead_minutes: lead.minLeadMs / 60_000 },
      alert_budget_per_host_day: s.options.alertBudgetPerHostDay,
      sequence_window: s.sequenceWindow,
      training,
      by_mode: ens?.byMode ?? {},
      training_rows: s.report.training,
      validation_rows: s.report.validation,
    },
    metrics: validationMetrics(s),
    featureSchema: s.featureNames.map((name) => {
      const description = describeFeature(name);
      return description ? { name, description } : { name };
    }),
    targetNames: ['normal', 'failure'],
    dataFingerprint: `simulator: train ${fleetText(training.train)}; validation ${fleetText(training.validation)}`,
    trainingSamples: s.report.training.rows,
    validationSamples: s.report.validation.rows,
    trainingDurationS: extra.trainingDurationS ?? null,
    description:
      extra.source === 'bundled'
        ? 'The failure model shipped with the engine (models/failure-default.json.gz), trained on simulated fleets'
        : 'Retrained on simulated fleets (POST /api/v1/failure/retrain)',
    trainedAt: extra.trainedAt ?? null,
    artifact,
  };
}

/**
 * The activation policy of a retrained version: activate when there is no active version, or
 * when its validation event recall at the alert budget is not worse than the active one's.
 */
export function shouldActivate(candidate: Record<string, number>, active: { metrics: Record<string, number> } | undefined): { activate: boolean; reason: string } {
  if (!active) return { activate: true, reason: 'no active failure model' };
  const mine = candidate.recall;
  const theirs = active.metrics.recall;
  if (!finite(theirs)) return { activate: true, reason: 'the active model records no validation recall' };
  if (!finite(mine)) return { activate: false, reason: 'the new model has no validation recall' };
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  return mine >= theirs
    ? { activate: true, reason: `validation event recall ${pct(mine)} is not worse than the active model's ${pct(theirs)}` }
    : { activate: false, reason: `validation event recall ${pct(mine)} is worse than the active model's ${pct(theirs)}` };
}
