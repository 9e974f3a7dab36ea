import { Type } from 'typebox';

/** The most keys `features` of one prediction request may hold (the model reads a few hundred feature names). */
export const MAX_PREDICT_FEATURES = 2_000;
/** The most hosts one `GET /api/v1/failure/risks` returns. */
export const MAX_RISKS_LIMIT = 1_000;
/** The most alerts one `GET /api/v1/failure/alerts` page returns. */
export const MAX_ALERTS_LIMIT = 1_000;
/** Retraining limits: each simulated fleet (training and validation). */
export const RETRAIN_LIMITS = {
  hosts: { min: 2, max: 500 },
  days: { min: 0.5, max: 60 },
  /** hosts × days of one fleet: about 250 KB of series per host-day are held in memory while training. */
  hostDays: 5_000,
  failuresPerHostDay: { min: 0.001, max: 5 },
  boostingRounds: { min: 10, max: 1_000 },
  forestTrees: { min: 10, max: 500 },
  lstmEpochs: { min: 1, max: 50 },
  alertBudgetPerHostDay: { min: 0.001, max: 1 },
} as const;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

// ── ai-engine seed shapes (§1A) ──
export const PredictionRequest = Type.Object(
  {
    request_id: Type.String({ minLength: 1, maxLength: 256 }),
    timestamp: Type.Optional(Type.Unknown({ description: 'The moment to assess: RFC 3339 or epoch; default now' })),
    features: Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.Unknown(), {
      maxProperties: MAX_PREDICT_FEATURES,
      description:
        '`node_id` (or `host_id`) names the host. Then either nothing else (the host\'s stored telemetry is assessed), metric values the model reads ' +
        '(canonical names or aliases, e.g. `cpu_utilization`, `ecc_correctable_errors`, `vm.cpu.usage`: a snapshot appended to the stored history as its newest sample), ' +
        'or the model\'s own feature names (e.g. `ecc_correctable_errors.inc_30m`; see `feature_names` of GET /api/v1/failure/models). Other keys are ignored and listed.',
    }),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { description: 'One host to assess (ai-engine PredictionRequest)' },
);

const TimeToFailure = Type.Object({
  bucket: Type.String({ description: 'Most probable time to failure, should one be coming (15–30 min, 30 min–2 h, 2–8 h, over 8 h)' }),
  minutes: Nullable(Type.Number({ description: 'Upper edge of the bucket in minutes (null for the open last bucket)' })),
  probability: Nullable(Type.Number({ description: 'The bucket\'s estimated probability' })),
});

const Recommendation = Type.Object({
  action: Type.Union([Type.Literal('migrate_vms'), Type.Literal('schedule_maintenance'), Type.Literal('watch'), Type.Literal('none')]),
  component: Type.String({ description: 'disk, memory, thermal, power, network or host' }),
  text: Type.String(),
});

const ReasonDetail = Type.Object({
  feature: Type.String(),
  metric: Type.String(),
  value: Nullable(Type.Number()),
  contribution: Type.Number({ description: 'Contribution to the primary model\'s log-odds (TreeSHAP); positive pushes towards failure' }),
  text: Type.String(),
});

const Basis = Type.Union([Type.Literal('telemetry'), Type.Literal('features'), Type.Literal('snapshot')], {
  description: 'telemetry: the host\'s stored last 24 h; snapshot: metric values sent (on top of the stored history when there is one); features: the model\'s feature values sent',
});

export const PredictionResponse = Type.Object({
  request_id: Type.String(),
  model_id: Type.String(),
  prediction: Type.Integer({ description: '1: failure expected within the horizon (the alarm), 0: not' }),
  confidence: Type.Number({ description: 'Probability of the predicted class, times the share of the model\'s features that could be computed' }),
  probabilities: Type.Object({ normal: Type.Number(), failure: Type.Number() }),
  response_time: Type.Number({ description: 'Seconds' }),
  timestamp: Type.String(),
  metadata: Type.Object({
    failure_probability: Type.Number({ description: 'Calibrated P(failure in (t + min lead, t + horizon])' }),
    threshold: Type.Number({ description: 'The calibrated probability at the alarm threshold (the alert budget\'s operating point)' }),
    prediction_horizon_minutes: Type.Number(),
    min_lead_minutes: Type.Number({ description: 'Failures sooner than this are too late to act on and are not what the model predicts' }),
    score: Type.Number({ description: 'Ensemble score the alarm threshold applies to' }),
    score_threshold: Type.Number(),
    alarm: Type.Boolean(),
    elevated: Type.Boolean({ description: 'Below the alarm threshold but with at least a third of its probability' }),
    time_to_failure: TimeToFailure,
    reasons: Type.Array(Type.String(), { description: 'Top factors towards failure, in words' }),
    reason_details: Type.Array(ReasonDetail),
    recommended_action: Recommendation,
    members: Type.Record(Type.String(), Nullable(Type.Number()), { description: 'Each ensemble member\'s score; null for a member with ensemble weight 0, which serving does not score' }),
    basis: Basis,
    coverage: Type.Number({ description: 'Share of the model\'s features that could be computed (1: a full day of every metric)' }),
    node_id: Nullable(Type.String()),
    assessed_at: Type.String({ description: 'The moment assessed: the end of the history read' }),
    samples: Type.Integer({ description: 'Stored telemetry samples read' }),
    ignored_features: Type.Array(Type.String(), { description: 'Keys of `features` the model does not read' }),
    notes: Type.Array(Type.String()),
  }),
});

// ── risks and alerts ──
const Risk = Type.Object({
  node_id: Type.String(),
  failure_probability: Type.Number(),
  alarm: Type.Boolean(),
  elevated: Type.Boolean(),
  score: Type.Number(),
  time_to_failure: TimeToFailure,
  reasons: Type.Array(Type.String()),
  recommended_action: Recommendation,
  coverage: Type.Number(),
  assessed_at: Type.String({ description: 'End of the history this assessment read' }),
  model_id: Type.String(),
});

export const RisksQuery = Type.Object({
  min_probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Only hosts at or above this failure probability' })),
  alarm_only: Type.Optional(Type.Boolean({ description: 'Only alarming hosts' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RISKS_LIMIT, default: 100 })),
});

export const RisksResponse = Type.Object({
  assessed_at: Nullable(Type.String({ description: 'When the latest background scoring run ran (null: none yet)' })),
  threshold: Nullable(Type.Number({ description: 'The alarm\'s calibrated probability under the active model' })),
  total: Type.Integer({ description: 'Hosts matching the filters' }),
  items: Type.Array(Risk),
});

const Alert = Type.Object({
  id: Type.String(),
  node_id: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  severity: Type.String({ description: 'critical (migrate VMs now), high (maintenance), medium' }),
  title: Type.String(),
  reasons: Type.Array(Type.String()),
  failure_probability: Type.Number({ description: 'At the latest alarm' }),
  peak_probability: Type.Number(),
  time_to_failure: Nullable(TimeToFailure),
  recommended_action: Nullable(Recommendation),
  model_id: Nullable(Type.String()),
  opened_at: Type.String(),
  last_alarm_at: Type.String(),
  resolved_at: Nullable(Type.String()),
  resolution: Nullable(Type.String()),
});

export const AlertsQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])),
  node_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ALERTS_LIMIT, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});

export const AlertsResponse = Type.Object({
  items: Type.Array(Alert),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

// ── retraining ──
const L = RETRAIN_LIMITS;
const Fleet = Type.Object(
  {
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    hosts: Type.Optional(Type.Integer({ minimum: L.hosts.min, maximum: L.hosts.max })),
    days: Type.Optional(Type.Number({ minimum: L.days.min, maximum: L.days.max })),
    failures_per_host_day: Type.Optional(Type.Number({ minimum: L.failuresPerHostDay.min, maximum: L.failuresPerHostDay.max })),
  },
  { additionalProperties: false, description: `A simulated fleet; hosts × days at most ${L.hostDays}` },
);

export const MEMBER_NAMES = ['gbdt', 'gbdt_early', 'random_forest', 'isolation_forest', 'lstm'] as const;

export const RetrainBody = Type.Object(
  {
    quick: Type.Optional(Type.Boolean({ description: 'Start from the quick configuration (30 hosts × 6 days per fleet, no LSTM, fewer trees) instead of the default (training 250 × 14, validation 100 × 14, all five members)' })),
    activate: Type.Optional(Type.Boolean({ description: 'true: activate the new version whatever its validation recall (admin only); default: only when its event recall is not worse than the active version\'s' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    train: Type.Optional(Fleet),
    validation: Type.Optional(Fleet),
    members: Type.Optional(Type.Array(Type.Union(MEMBER_NAMES.map((m) => Type.Literal(m))), { minItems: 1, maxItems: 5, uniqueItems: true })),
    boosting_rounds: Type.Optional(Type.Integer({ minimum: L.boostingRounds.min, maximum: L.boostingRounds.max })),
    forest_trees: Type.Optional(Type.Integer({ minimum: L.forestTrees.min, maximum: L.forestTrees.max })),
    lstm_epochs: Type.Optional(Type.Integer({ minimum: L.lstmEpochs.min, maximum: L.lstmEpochs.max })),
    alert_budget_per_host_day: Type.Optional(Type.Number({ minimum: L.alertBudgetPerHostDay.min, maximum: L.alertBudgetPerHostDay.max })),
  },
  { additionalProperties: false },
);

export const RetrainResponse = Type.Object({
  job_id: Type.String(),
  state: Type.String(),
  status_url: Type.String(),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'The simulator training configuration the job will run' }),
});
