import { Type } from 'typebox';

const EntityId = Type.String({ minLength: 1, maxLength: 256, description: 'Host or VM id' });
const EntityType = Type.Union([Type.Literal('node'), Type.Literal('vm')], { description: 'node (a host) or vm; default node' });
const MetricName = Type.String({ minLength: 1, maxLength: 200, description: 'Canonical or alias name (see GET /api/v1/telemetry/metrics), optionally with a :qualifier' });
const Unit = Type.String({ maxLength: 32, description: 'Declares the unit of the values: "percent" or "fraction" for utilisations' });
/** Checked per sample like values, so that one bad timestamp does not cost the batch. */
const Timestamp = Type.Unknown({
  description: 'RFC 3339 with a zone (string), or epoch milliseconds (number; numbers below 1e11 are epoch seconds)',
});
/** Values are checked per sample (NaN, ±Infinity, range) so that one bad value does not cost the batch. */
const Value = Type.Unknown({ description: 'A finite number in the metric\'s range' });

export const RowSample = Type.Object({
  entity_id: EntityId,
  entity_type: Type.Optional(EntityType),
  metric: MetricName,
  timestamp: Timestamp,
  value: Value,
  unit: Type.Optional(Unit),
});

export const ColumnarSeries = Type.Object({
  entity_id: EntityId,
  entity_type: Type.Optional(EntityType),
  metric: MetricName,
  unit: Type.Optional(Unit),
  timestamps: Type.Array(Timestamp, { maxItems: 1_000_000 }),
  values: Type.Array(Value, { maxItems: 1_000_000 }),
});

export const IngestBody = Type.Object(
  {
    samples: Type.Optional(Type.Array(RowSample, { maxItems: 1_000_000, description: 'Row form: one object per sample' })),
    series: Type.Optional(Type.Array(ColumnarSeries, { maxItems: 100_000, description: 'Columnar form: one object per series' })),
  },
  { description: 'Send `samples`, `series`, or both. At most NOVACRON_TELEMETRY_MAX_BATCH samples in all (default 50,000).' },
);

export const IngestResponse = Type.Object({
  accepted: Type.Integer({ description: 'Samples that passed validation' }),
  stored: Type.Integer({ description: 'Accepted samples that were new' }),
  duplicates: Type.Integer({ description: 'Accepted samples already stored for that (entity, metric, timestamp): writes are idempotent' }),
  rejected_count: Type.Integer(),
  rejected: Type.Array(
    Type.Object({
      path: Type.String(),
      index: Type.Integer(),
      series: Type.Optional(Type.Integer()),
      reason: Type.String(),
    }),
    { description: 'The first 1,000 rejected samples with their position and reason' },
  ),
  series_count: Type.Integer(),
  percent_converted: Type.Integer({ description: 'Utilisation values read as percent and stored as fractions' }),
  custom_metrics: Type.Array(Type.String(), { description: 'Metric names outside the catalogue, stored as sent' }),
});

export const RangeQuery = Type.Object({
  entity_id: EntityId,
  metric: MetricName,
  from: Type.Optional(Type.String({ maxLength: 64, description: 'Start (inclusive): RFC 3339 or epoch ms; default 24 h before `to`' })),
  to: Type.Optional(Type.String({ maxLength: 64, description: 'End (exclusive): RFC 3339 or epoch ms; default now' })),
  limit: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000 }),
  order: Type.Union([Type.Literal('oldest'), Type.Literal('latest')], { default: 'oldest', description: 'latest returns the newest `limit` points (still in time order)' }),
});

export const RangeResponse = Type.Object({
  entity_id: Type.String(),
  entity_type: Type.String(),
  metric: Type.String(),
  unit: Type.Union([Type.String(), Type.Null()]),
  from: Type.String(),
  to: Type.String(),
  count: Type.Integer(),
  points: Type.Array(Type.Object({ timestamp: Type.String(), value: Type.Number() })),
});

export const SeriesQuery = Type.Object({ entity_id: EntityId });
