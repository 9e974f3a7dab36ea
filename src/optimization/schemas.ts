/**
 * Wire schemas of the resource-optimisation API: the seed ai-engine's `/api/v1/resource/*`
 * (§1A: raw arrays of free-form workload dicts, `objective` and `hours` as query parameters) and
 * the scheduler's verb paths `/predict/resources` and `/optimize/scaling` (§1B/§2C). Workloads and
 * history rows accept fields beyond those listed (the seed sends dicts); ranges the schema cannot
 * say (percent or fraction, timestamps) are checked by resource-workload.ts with the same paths.
 */
import { Type, type Static } from 'typebox';
import { OBJECTIVES, SLA_CLASSES } from './sla-classes.js';

/** Most workloads one optimise request may carry. */
export const MAX_WORKLOADS = 10_000;
/** Most history rows in one request, all workloads together (a month of 5-minute rows is 8,640). */
export const MAX_HISTORY_ROWS = 200_000;
/** Static ceiling of the workload array: above MAX_WORKLOADS (up to this) the answer is 413 with the limit. */
export const WORKLOADS_CEILING = 100_000;
export const MAX_SUMMARY_HOURS = 24 * 366;

const Id = Type.String({ minLength: 1, maxLength: 256 });
const Timestamp = Type.Union([Type.String({ maxLength: 64 }), Type.Number()], { description: 'RFC 3339 with a zone, or epoch milliseconds (numbers below 1e11 are epoch seconds)' });
/** Largest utilisation accepted: 1,000 % (a VM bursting to ten times its allocation, in percent). */
const MAX_UTILISATION = 1000;
const Usage = (what: string) =>
  Type.Optional(
    Type.Union([Type.Number({ minimum: 0, maximum: MAX_UTILISATION }), Type.Null()], {
      description: `${what}: a fraction of the allocation (0–1; above 1 = using more than allocated, e.g. CPU bursting), or percent when the field's values in the request exceed 1.5; at most ${MAX_UTILISATION}`,
    }),
  );

export const ObjectiveQuery = Type.Object({
  objective: Type.Optional(
    Type.Enum([...OBJECTIVES], { description: 'cost (cut deepest), performance (keep the most headroom), efficiency, sustainability or balanced (default); it sets how much a forecast shortfall costs against the allocation saved' }),
  ),
});

export const HistoryRow = Type.Object(
  {
    timestamp: Timestamp,
    cpu_utilization: Usage('CPU in use'),
    memory_utilization: Usage('Memory in use'),
    cpu_usage: Usage('Alias of cpu_utilization (NovaCron scheduler naming)'),
    memory_usage: Usage('Alias of memory_utilization'),
  },
  { description: 'One usage sample of the workload. Other keys are ignored.' },
);

export const WorkloadSchema = Type.Object(
  {
    workload_id: Type.Optional(Id),
    vm_id: Type.Optional(Type.String({ maxLength: 256, description: 'A registered VM (POST /api/v1/vms): without usage_history its stored telemetry of the last 30 days is used' })),
    cpu_cores: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 4096, description: 'Allocated cores (default: the registered VM\'s, else 1 as the seed did)' })),
    memory_gb: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 65536, description: 'Allocated memory, GiB (default: the registered VM\'s, else 4)' })),
    storage_gb: Type.Optional(Type.Number({ minimum: 0, maximum: 1e7, description: 'Allocated storage, GiB (kept as is: rightsizing sizes CPU and memory)' })),
    cpu_utilization: Usage('CPU in use now'),
    memory_utilization: Usage('Memory in use now'),
    cpu_max_7d: Usage('Highest CPU use over the last 7 days (without a series, sizing falls back to these summaries)'),
    memory_max_7d: Usage('Highest memory use over the last 7 days'),
    cpu_avg_7d: Usage('Mean CPU use over the last 7 days'),
    memory_avg_7d: Usage('Mean memory use over the last 7 days'),
    sla_class: Type.Optional(Type.Enum([...SLA_CLASSES], { description: 'critical (exceedance ≤ 1 % CPU / 0.1 % memory, +15 % headroom), standard (default), best_effort' })),
    sla_uptime: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'The seed\'s SLA field, used when sla_class is absent: ≥ 0.9999 critical, ≥ 0.99 standard, else best_effort' })),
    usage_units: Type.Optional(Type.Enum(['fraction', 'percent'], { description: 'Units of every utilisation of this workload (default: fractions, unless a field\'s values exceed 1.5)' })),
    usage_history: Type.Optional(
      Type.Array(HistoryRow, { maxItems: MAX_HISTORY_ROWS, description: `Usage samples (any order, regular or not), a day at least for a recommendation; at most ${MAX_HISTORY_ROWS} rows in the whole request` }),
    ),
  },
  { description: 'A workload (VM) to rightsize: the seed\'s dict plus an optional usage series. Other keys are accepted and ignored.' },
);
export type WorkloadWire = Static<typeof WorkloadSchema>;

export const OptimizeBody = Type.Array(WorkloadSchema, { maxItems: WORKLOADS_CEILING, description: `The workloads (the seed's raw array), at most ${MAX_WORKLOADS}` });

const Impact = Type.Object({
  performance_change: Type.Number({ description: 'Change in the forecast share of intervals not short of CPU or memory (≤ 0 for a cut)' }),
  cost_change: Type.Number({ description: 'Signed fraction of the current monthly allocation cost (negative: a saving)' }),
  efficiency_change: Type.Number({ description: 'Mean utilisation after minus before' }),
  resource_utilization_change: Type.Number(),
});

const ResourceDetail = Type.Object({
  provisioned: Type.Number(),
  target: Type.Number(),
  forecast_quantile: Type.Number({ description: 'Forecast usage at the sizing quantile over the next 7 days' }),
  quantile_level: Type.Number(),
  peak: Type.Number({ description: 'Highest use in the history' }),
  mean: Type.Number(),
  exceedance_at_target: Type.Number({ description: 'Forecast share of intervals above the target' }),
  confidence: Type.Number(),
});

export const RecommendationWire = Type.Object({
  workload_id: Type.String(),
  action: Type.String({ description: 'scale_up, scale_down or maintain' }),
  target_resources: Type.Object({ cpu_cores: Type.Number(), memory_gb: Type.Number(), storage_gb: Type.Number() }),
  expected_impact: Impact,
  confidence: Type.Number(),
  reasoning: Type.Array(Type.String()),
  priority: Type.Integer({ minimum: 1, maximum: 5, description: '1 most urgent … 5' }),
  timestamp: Type.String(),
  monthly_cost_change: Type.Number({ description: 'Currency per month under the cost model (negative: a saving)' }),
  sla_class: Type.String(),
  basis: Type.String({ description: 'series (forecast from a usage series), summary (7-day maximum only) or none (nothing to size from)' }),
  history_days: Type.Number(),
  cpu: Type.Optional(ResourceDetail),
  memory: Type.Optional(ResourceDetail),
});
export type RecommendationWireT = Static<typeof RecommendationWire>;

export const OptimizeResponse = Type.Object({
  recommendations: Type.Array(RecommendationWire, { description: 'One per workload that should change (scale_up or scale_down), most urgent first' }),
  total_recommendations: Type.Integer(),
  objective: Type.String(),
  maintained: Type.Array(Type.Object({ workload_id: Type.String(), reason: Type.String(), confidence: Type.Number() }), { description: 'Workloads left as they are, with why' }),
  monthly_savings: Type.Number({ description: 'Sum of the savings of the recommended cuts (cost model currency per month)' }),
  notes: Type.Array(Type.String()),
});

export const OptimizeSingleResponse = Type.Object({
  recommendation: Type.Union([RecommendationWire, Type.Null()]),
  message: Type.Optional(Type.String()),
  workload_id: Type.String(),
  objective: Type.String(),
  notes: Type.Array(Type.String()),
});

export const MAX_FLEET_LISTED = 10_000;

export const FleetQuery = Type.Object({
  objective: ObjectiveQuery.properties.objective,
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, description: 'Days of stored telemetry to size from (default 14, AWS Compute Optimizer\'s look-back)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FLEET_LISTED, description: 'Most recommendations (and maintained VMs) listed, most urgent first (default 100); all are counted' })),
});

export const FleetResponse = Type.Object({
  recommendations: OptimizeResponse.properties.recommendations,
  total_recommendations: Type.Integer(),
  objective: Type.String(),
  maintained: OptimizeResponse.properties.maintained,
  monthly_savings: Type.Number(),
  notes: Type.Array(Type.String()),
  vms_registered: Type.Integer(),
  vms_sized: Type.Integer({ description: 'VMs with stored utilisation in the window' }),
  vms_without_usage: Type.Integer(),
});

export const SummaryQuery = Type.Object({
  hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_SUMMARY_HOURS, description: 'Window, hours back from now (default 24)' })),
});

export const SummaryResponse = Type.Object({
  total_recommendations: Type.Integer(),
  actions_distribution: Type.Record(Type.String(), Type.Integer()),
  priority_distribution: Type.Record(Type.String(), Type.Integer()),
  average_confidence: Type.Number(),
  potential_savings: Type.Number({ description: 'The seed\'s figure: sum of |cost_change| (fractions) of the cuts' }),
  monthly_savings: Type.Number({ description: 'Sum of the cuts\' monthly savings under the cost model' }),
  time_window_hours: Type.Number(),
});

// --- scheduler verb paths (§1B, §2C) ---

export const PredictResourcesBody = Type.Object({
  resource_id: Type.String({ minLength: 1, maxLength: 256, description: 'A node or VM id; without history its stored telemetry is used' }),
  metrics: Type.Record(Type.String({ maxLength: 128 }), Type.Number({ minimum: 0, maximum: 1e9 }), {
    maxProperties: 64,
    description: 'Current values, e.g. {"cpu_usage": 0.5}: the first key (cpu_usage, memory_usage, disk_usage, network_usage or a telemetry metric name) is forecast',
  }),
  history: Type.Optional(
    Type.Array(Type.Record(Type.String({ maxLength: 128 }), Type.Unknown()), { maxItems: MAX_HISTORY_ROWS, description: 'Rows {timestamp, <metric>: value}: the forecast metric\'s values are read from its key, or from `value`' }),
  ),
  prediction_horizon: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080, description: 'Minutes ahead (default 60)' })),
  confidence_threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
});
export type PredictResourcesBodyT = Static<typeof PredictResourcesBody>;

export const PredictResourcesResponse = Type.Object({
  resource_id: Type.String(),
  prediction: Type.Array(Type.Number(), { description: 'Median forecast per step, as fractions (the scheduler reads 0–1)' }),
  confidence: Type.Number(),
  timestamp: Type.String(),
  model_used: Type.String(),
  feature_importance: Type.Record(Type.String(), Type.Number()),
  confidence_intervals: Type.Union([Type.Object({ p90: Type.Array(Type.Number()), p95: Type.Array(Type.Number()), p99: Type.Array(Type.Number()) }), Type.Null()]),
  metric: Type.String(),
  step_seconds: Type.Integer(),
  history_points: Type.Integer(),
  source: Type.String({ description: 'request (history sent), telemetry (stored series) or current (only the current value: a persistence forecast at low confidence)' }),
  meets_threshold: Type.Boolean({ description: 'confidence ≥ confidence_threshold (default 0.7)' }),
  notes: Type.Array(Type.String()),
});

export const OptimizeScalingBody = Type.Object({
  vm_id: Type.String({ minLength: 1, maxLength: 256 }),
  current_resources: Type.Record(Type.String({ maxLength: 128 }), Type.Number({ minimum: 0, maximum: 1e9 }), {
    maxProperties: 64,
    description: 'Current use as fractions (cpu_usage, memory_usage …) and optionally the allocation (cpu_cores, memory_gb) so targets come out in cores and GiB',
  }),
  historical_data: Type.Optional(Type.Array(Type.Record(Type.String({ maxLength: 128 }), Type.Unknown()), { maxItems: MAX_HISTORY_ROWS, description: 'Rows {timestamp, cpu_usage, memory_usage …}' })),
  scaling_policy: Type.Optional(Type.String({ maxLength: 64 })),
  cost_optimization: Type.Optional(Type.Boolean()),
  horizon_minutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 10_080, description: 'How far ahead to look (default 60)' })),
});
export type OptimizeScalingBodyT = Static<typeof OptimizeScalingBody>;

const ScalingDecision = Type.Object({
  action: Type.String({ description: 'scale_up, scale_down or no_action' }),
  resource: Type.String(),
  current_value: Type.Number(),
  target_value: Type.Number(),
  confidence: Type.Number(),
  reasoning: Type.String(),
  cost_impact: Type.Number({ description: 'Currency per month (positive: costs more)' }),
  forecast_peak: Type.Number({ description: 'p95 forecast utilisation peak over the horizon (fraction of the current allocation)' }),
  units: Type.String(),
});

export const OptimizeScalingResponse = Type.Object({
  vm_id: Type.String(),
  decisions: Type.Array(ScalingDecision),
  total_cost_impact: Type.Number(),
  performance_impact: Type.Number({ description: 'Change in the forecast share of steps above 90 % utilisation (negative: fewer)' }),
  execution_timeline: Type.Array(Type.Object({ action: Type.String(), resource: Type.String(), scheduled_time: Type.String(), urgency: Type.String() })),
  confidence: Type.Number(),
  notes: Type.Array(Type.String()),
});
