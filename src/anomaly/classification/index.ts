/**
 * Anomaly classification: how bad (severity), what kind (type), what shape (pattern), and what to
 * say and do about it (description, recommendations). Pure functions: no I/O, no clock, no
 * randomness — the same input always gives the same classification.
 */
import { classifyAnomalyType, type BusinessHours, type MetricTypeAssignment, type AnomalyType } from './anomaly-type.js';
import { describeAnomaly, recommendActions, type ResourceRef } from './narrative.js';
import { classifyPattern, type AnomalyPattern, type PatternOptions, type PatternResult } from './pattern.js';
import { classifySeverity, type PersistencePolicy, type Severity, type SeverityResult } from './severity.js';

export {
  SEVERITIES,
  SEVERITY_THRESHOLDS,
  DEFAULT_PERSISTENCE_POLICY,
  classifySeverity,
  severityFromScore,
  severityThresholds,
  severityRank,
  compareSeverity,
  maxSeverity,
  isSeverity,
  type Severity,
  type SeverityInput,
  type SeverityResult,
  type PersistencePolicy,
} from './severity.js';
export { ANOMALY_PATTERNS, classifyPattern, type AnomalyPattern, type PatternDirection, type PatternOptions, type PatternResult, type PatternWindow } from './pattern.js';
export {
  ANOMALY_TYPES,
  DEFAULT_BUSINESS_HOURS,
  classifyAnomalyType,
  typeOfMetric,
  isOddHour,
  type AnomalyType,
  type BusinessHours,
  type TypedMetric,
  type TypeContext,
  type TypeResult,
  type MetricTypeAssignment,
} from './anomaly-type.js';
export { metricFamily, normaliseMetricName, displayUnit, isEgressMetric, type MetricFamily, type DisplayUnit } from './metric-family.js';
export {
  describeAnomaly,
  recommendActions,
  formatMetricValue,
  formatDuration,
  formatNumber,
  resourceLabel,
  type ResourceKind,
  type ResourceRef,
  type NarrativeInput,
  type NarrativeMetric,
} from './narrative.js';

export interface AnomalyMetricInput {
  /** Metric name as stored (canonical catalogue name, or any alias; `name:qualifier` allowed). */
  name: string;
  value: number;
  expected: number;
  /** How much of the score this metric explains (any non-negative scale); ranks the metrics. */
  contribution?: number;
  /** The telemetry catalogue's category, a hint for custom metric names. */
  category?: string;
}

export interface ClassifyAnomalyInput {
  /** Anomaly score in [0, 1]. */
  score: number;
  /** Consecutive anomalous points including this one; 0 when unknown (one-shot requests). */
  persistencePoints: number;
  /** Seconds the anomaly has lasted, when known. */
  persistenceSeconds?: number;
  /** Affected metrics; the first after ranking (by contribution) is the primary one. */
  metrics: readonly AnomalyMetricInput[];
  /** Recent window of the primary metric (highest contribution), ending at the anomalous point. */
  window?: { timestamps?: ArrayLike<number>; values: ArrayLike<number> };
  /** 0–1, default 0.5 (neutral); see `severity.ts`. */
  sensitivity?: number;
  resource: ResourceRef;
  /** When the anomaly happened (epoch ms); defaults to the window's last timestamp. Used for odd-hours rules. */
  timestamp?: number;
}

export interface ClassifyOptions {
  persistence?: Partial<PersistencePolicy>;
  pattern?: PatternOptions;
  businessHours?: Partial<BusinessHours>;
}

export interface AnomalyClassification {
  severity: Severity;
  /** Every type the metrics point to, heaviest first. */
  types: AnomalyType[];
  primaryType: AnomalyType;
  pattern: AnomalyPattern;
  description: string;
  recommendations: string[];
  /** Metric names, most important first (contribution, else relative deviation). */
  affectedMetrics: string[];
  /** The clamped score. */
  score: number;
  severityDetail: SeverityResult;
  patternDetail: PatternResult;
  metricTypes: MetricTypeAssignment[];
}

function relativeDeviation(m: AnomalyMetricInput): number {
  if (!Number.isFinite(m.value) || !Number.isFinite(m.expected)) return 0;
  return Math.abs(m.value - m.expected) / Math.max(Math.abs(m.expected), 1e-9);
}

/** Metrics ranked most important first; zero-contribution metrics dropped when others have some. */
function rankMetrics(metrics: readonly AnomalyMetricInput[]): AnomalyMetricInput[] {
  const positive = (m: AnomalyMetricInput) => m.contribution !== undefined && Number.isFinite(m.contribution) && m.contribution > 0;
  const anyContribution = metrics.some(positive);
  const kept = anyContribution ? metrics.filter(positive) : [...metrics];
  const key = (m: AnomalyMetricInput) => (anyContribution ? m.contribution! : relativeDeviation(m));
  return kept.sort((a, b) => key(b) - key(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Pattern when no window is available: a short run is a spike or dip, a longer one a level shift. */
function patternWithoutWindow(primary: AnomalyMetricInput | undefined, input: ClassifyAnomalyInput, spikeMaxPoints: number): PatternResult {
  const value = primary?.value ?? 0;
  const expected = primary?.expected ?? 0;
  const direction = value < expected ? 'down' : 'up';
  const points = Number.isFinite(input.persistencePoints) ? Math.max(0, Math.round(input.persistencePoints)) : 0;
  const longRun = points > spikeMaxPoints || (input.persistenceSeconds ?? 0) >= 300;
  const pattern: AnomalyPattern = longRun ? 'level_shift' : direction === 'down' ? 'dip' : 'spike';
  return {
    pattern,
    direction,
    confidence: 0.25,
    startIndex: 0,
    startedBeforeWindow: false,
    durationPoints: Math.max(1, points),
    durationMs: input.persistenceSeconds !== undefined ? input.persistenceSeconds * 1000 : undefined,
    baseline: expected,
    level: value,
    shiftZ: 0,
    varianceRatio: 1,
    slope: 0,
    reason: longRun ? `no window: the value has stayed away from the expected one for ${points} points` : 'no window: judged from the latest value against the expected one',
  };
}

/** Severity, type, pattern, description and recommendations of one anomaly. */
export function classifyAnomaly(input: ClassifyAnomalyInput, options: ClassifyOptions = {}): AnomalyClassification {
  const ranked = rankMetrics(input.metrics);
  const primary = ranked[0];
  const severityDetail = classifySeverity(
    { score: input.score, persistencePoints: input.persistencePoints, persistenceSeconds: input.persistenceSeconds, sensitivity: input.sensitivity },
    options.persistence,
  );

  const patternOptions: PatternOptions = { ...options.pattern, expected: primary?.expected ?? options.pattern?.expected };
  const patternDetail =
    input.window && input.window.values.length > 0
      ? classifyPattern(input.window, patternOptions)
      : patternWithoutWindow(primary, input, options.pattern?.spikeMaxPoints ?? 3);

  const ts = input.window?.timestamps;
  const timestamp = input.timestamp ?? (ts && ts.length > 0 ? ts[ts.length - 1] : undefined);
  const typeResult = classifyAnomalyType(ranked, { timestamp, businessHours: options.businessHours });
  const typeOf = new Map(typeResult.metrics.map((m) => [m.name, m.type]));

  const narrative = {
    resource: input.resource,
    metrics: ranked.map((m) => ({ name: m.name, value: m.value, expected: m.expected, type: typeOf.get(m.name) })),
    pattern: patternDetail,
    severity: severityDetail.severity,
    primaryType: typeResult.primaryType,
    types: typeResult.types,
    persistenceSeconds: input.persistenceSeconds,
    persistencePoints: input.persistencePoints,
  };

  return {
    severity: severityDetail.severity,
    types: typeResult.types,
    primaryType: typeResult.primaryType,
    pattern: patternDetail.pattern,
    description: describeAnomaly(narrative),
    recommendations: recommendActions(narrative),
    affectedMetrics: ranked.map((m) => m.name),
    score: severityDetail.score,
    severityDetail,
    patternDetail,
    metricTypes: typeResult.metrics,
  };
}
