import { Type } from 'typebox';

/** The most samples one `POST /api/v1/anomaly/batch` may hold. */
export const MAX_BATCH_SAMPLES = 10_000;
/** The most points one anomaly_detection/detect or history array may hold. */
export const MAX_SERIES_POINTS = 100_000;
/** The most metrics one snapshot may hold. */
export const MAX_SNAPSHOT_METRICS = 500;

const Severity = Type.Union([Type.Literal('normal'), Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')]);
const Sensitivity = Type.Number({ minimum: 0, maximum: 1, description: 'Higher finds more: 0.5 keeps the configured threshold; each 0.1 moves it by 0.04 on the score scale' });
const MetricValues = Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.Unknown(), {
  maxProperties: MAX_SNAPSHOT_METRICS,
  description: 'Metric name → value; non-numeric values (ids, labels) are ignored for scoring',
});

// ── ai-engine seed shapes (§1A) ──
export const PredictionRequest = Type.Object(
  {
    request_id: Type.String({ minLength: 1, maxLength: 256 }),
    timestamp: Type.Optional(Type.Unknown({ description: 'RFC 3339 or epoch; default now' })),
    features: MetricValues,
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { description: 'One snapshot of a resource\'s metrics; `features.node_id` (or vm_id, resource_id) names the resource' },
);

export const AnomalyPredictionResponse = Type.Object({
  request_id: Type.String(),
  model_id: Type.String(),
  prediction: Type.Integer({ description: '1 anomaly, 0 normal' }),
  confidence: Type.Number(),
  probabilities: Type.Object({ normal: Type.Number(), anomaly: Type.Number() }),
  response_time: Type.Number({ description: 'Seconds' }),
  timestamp: Type.String(),
  metadata: Type.Object({
    anomaly_score: Type.Number(),
    anomaly_types: Type.Array(Type.String()),
    severity: Severity,
    threshold: Type.Number(),
    affected_metrics: Type.Array(Type.String()),
    description: Type.String(),
    recommendations: Type.Array(Type.String()),
    insufficient_history: Type.Boolean(),
    notes: Type.Array(Type.String()),
  }),
});

export const BatchBody = Type.Array(Type.Record(Type.String(), Type.Unknown()), {
  maxItems: MAX_BATCH_SAMPLES,
  description: 'Samples in time order, each an object of metric name → value (optional `timestamp`)',
});

export const BatchQuery = Type.Object({ sensitivity: Type.Optional(Sensitivity) });

export const BatchResponse = Type.Object({
  results: Type.Array(
    Type.Object({
      sample_index: Type.Integer(),
      is_anomaly: Type.Boolean(),
      anomaly_score: Type.Number(),
      anomaly_types: Type.Array(Type.String()),
      severity: Severity,
      confidence: Type.Number(),
      timestamp: Type.String(),
    }),
  ),
  total_samples: Type.Integer(),
});

export const TrendsQuery = Type.Object({ hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 366, default: 24 })) });

// ── v2 verb path (§2C) ──
export const DetectAnomalyBody = Type.Object({
  resource_id: Type.String({ minLength: 1, maxLength: 256 }),
  metrics: MetricValues,
  historical_data: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: MAX_SERIES_POINTS })),
  sensitivity: Type.Optional(Sensitivity),
});

export const DetectAnomalyResponse = Type.Object({
  resource_id: Type.String(),
  is_anomaly: Type.Boolean(),
  anomaly_score: Type.Number(),
  anomaly_type: Type.Union([Type.String(), Type.Null()]),
  affected_metrics: Type.Array(Type.String()),
  severity: Severity,
  recommendations: Type.Array(Type.String()),
  confidence: Type.Number(),
  description: Type.String(),
  timestamp: Type.String(),
});

// ── listings ──
const Page = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  from: Type.Optional(Type.String({ maxLength: 64, description: 'RFC 3339 or epoch' })),
  to: Type.Optional(Type.String({ maxLength: 64, description: 'RFC 3339 or epoch' })),
};
const MinSeverity = Type.Optional(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')], { description: 'This severity and above' }));

export const AnomalyListQuery = Type.Object({
  entity_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  metric: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  severity: MinSeverity,
  type: Type.Optional(Type.String({ maxLength: 32 })),
  incident_id: Type.Optional(Type.String({ maxLength: 64 })),
  ...Page,
});

export const IncidentListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])),
  severity: MinSeverity,
  resource_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  ...Page,
});

export const IncidentParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
