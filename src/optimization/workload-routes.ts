/**
 * `POST /analyze/workload`: the ai_engine v2 verb path NovaCron's scheduler calls (contract §1B),
 * answered with the v2 shape plus the richer fields of the analysis (class scores and reasons,
 * seasonality, patterns, data quality).
 */
import { Type, type Static } from 'typebox';
import type { App } from '../http/fastify-types.js';
import { Problem } from '../platform/errors.js';
import type { Platform } from '../platform/platform.js';
import { parseTimestamp } from '../telemetry/index.js';
import { WORKLOAD_METRICS, type WorkloadMetric } from './workload-features.js';
import {
  dataQualityWire,
  MAX_WORKLOAD_POINTS,
  patternsWire,
  scaleToFractions,
  seasonalityWire,
  WORKLOAD_MODEL_ID,
  workloadCharacteristics,
} from './workload-envelope.js';
import { analyzeWorkload, InsufficientWorkloadDataError, WORKLOAD_CLASSES } from './workload-patterns.js';

/** Seconds between rows when the rows carry no timestamps (the v2 recognizer assumes one sample per hour). */
export const DEFAULT_ANALYSIS_WINDOW_S = 3600;
/** Longest row spacing `analysis_window` may state: 31 days. */
export const MAX_ANALYSIS_WINDOW_S = 31 * 86_400;

const Usage = (what: string) =>
  Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], { description: `${what} utilisation: a fraction 0–1, or percent 0–100 (a metric with any value above 1 is read as percent); null = not measured` }));

const WorkloadRow = Type.Object(
  {
    timestamp: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Number()], { description: 'RFC 3339 with a zone, or epoch milliseconds (numbers below 1e11 are epoch seconds)' })),
    cpu_usage: Usage('CPU'),
    memory_usage: Usage('Memory'),
    io_usage: Usage('Disk I/O'),
    network_usage: Usage('Network'),
  },
  { description: 'One sample. Other keys are accepted and ignored.' },
);

export const AnalyzeWorkloadBody = Type.Object({
  vm_id: Type.String({ minLength: 1, maxLength: 256 }),
  workload_data: Type.Array(WorkloadRow, {
    maxItems: MAX_WORKLOAD_POINTS,
    description: `Samples, any order. Either every row has a timestamp or none has (then they are taken as consecutive, \`analysis_window\` seconds apart, the last one now). At least 12 samples spanning an hour; at most ${MAX_WORKLOAD_POINTS}.`,
  }),
  analysis_window: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_ANALYSIS_WINDOW_S, description: `Seconds between rows without timestamps (default ${DEFAULT_ANALYSIS_WINDOW_S}); ignored when rows carry timestamps` })),
  utc_offset_minutes: Type.Optional(Type.Integer({ minimum: -840, maximum: 840, description: 'Local time = UTC + this, for peak hours and weekends (default 0)' })),
});
type AnalyzeWorkloadBodyT = Static<typeof AnalyzeWorkloadBody>;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const AnalyzeWorkloadResponse = Type.Object({
  vm_id: Type.String(),
  workload_type: Type.String({ description: WORKLOAD_CLASSES.join(', ') }),
  pattern_type: Type.String({ description: 'The type of the first (most salient) pattern' }),
  confidence: Type.Number(),
  characteristics: Type.Record(Type.String(), Nullable(Type.Union([Type.Number(), Type.String()]))),
  recommendations: Type.Array(Type.String()),
  timestamp: Type.String(),
  classification_scores: Type.Record(Type.String(), Type.Number()),
  reasons: Type.Array(Type.String()),
  seasonality: Type.Object({
    has_seasonality: Type.Boolean(),
    period: Type.Integer({ description: 'Dominant period in nanoseconds (Go time.Duration); 0 when none' }),
    period_seconds: Type.Integer(),
    period_name: Type.String(),
    strength: Type.Number(),
    components: Type.Array(Type.String()),
    peak_times: Type.Array(Type.String()),
    low_times: Type.Array(Type.String()),
    metric: Type.String(),
  }),
  patterns: Type.Array(
    Type.Object({
      type: Type.String(),
      start_time: Type.String(),
      end_time: Type.String(),
      intensity: Type.Number(),
      frequency: Type.String(),
      confidence: Type.Number(),
      description: Type.String(),
      metric: Type.String(),
    }),
  ),
  data_quality: Type.Object({
    points: Type.Integer(),
    observed: Type.Integer(),
    grid_steps: Type.Integer(),
    step_seconds: Type.Number(),
    span_seconds: Type.Number(),
    coverage: Type.Number(),
    data_factor: Type.Number(),
  }),
  notes: Type.Array(Type.String()),
  model_version: Type.String(),
});

const FIELD: Record<WorkloadMetric, 'cpu_usage' | 'memory_usage' | 'io_usage' | 'network_usage'> = { cpu: 'cpu_usage', memory: 'memory_usage', io: 'io_usage', network: 'network_usage' };

/** Rows → analysis input; 400 (problem+json) for mixed or unusable timestamps. */
function toInput(body: AnalyzeWorkloadBodyT, now: number) {
  const rows = body.workload_data;
  const n = rows.length;
  const stamped = rows.filter((r) => r.timestamp !== undefined).length;
  if (stamped !== 0 && stamped !== n) {
    const i = rows.findIndex((r) => r.timestamp === undefined);
    throw Problem.badRequest(`/body/workload_data/${i}/timestamp is missing: give every row a timestamp or none`, [{ path: `/body/workload_data/${i}/timestamp`, message: 'is missing while other rows have one' }]);
  }
  const timestamps = new Float64Array(n);
  const notes: string[] = [];
  if (stamped) {
    for (let i = 0; i < n; i++) {
      const t = parseTimestamp(rows[i].timestamp, now + 86_400_000);
      if (typeof t === 'string') throw Problem.badRequest(`/body/workload_data/${i}/timestamp: ${t}`, [{ path: `/body/workload_data/${i}/timestamp`, message: t }]);
      timestamps[i] = t;
    }
  } else {
    const stepMs = (body.analysis_window ?? DEFAULT_ANALYSIS_WINDOW_S) * 1000;
    for (let i = 0; i < n; i++) timestamps[i] = now - (n - 1 - i) * stepMs;
    if (n) notes.push(`rows carry no timestamps: taken as ${stepMs / 1000} s apart, the last one now`);
  }
  const metrics: Partial<Record<WorkloadMetric, Float64Array>> = {};
  for (const m of WORKLOAD_METRICS) {
    const key = FIELD[m];
    if (!rows.some((r) => typeof r[key] === 'number')) continue;
    const arr = Float64Array.from(rows, (r) => (typeof r[key] === 'number' ? (r[key] as number) : NaN));
    // The schema holds values to [0, 100]; scaling cannot fail here.
    if ((scaleToFractions(arr) as { percent?: boolean }).percent) notes.push(`${key} read as percent (values above 1)`);
    metrics[m] = arr;
  }
  return { timestamps, metrics, utcOffsetMinutes: body.utc_offset_minutes ?? 0, notes };
}

/** The `/analyze/workload` route plugin. */
export function workloadRoutes(_platform: Platform) {
  return async (app: App): Promise<void> => {
    app.post('/analyze/workload', {
      config: { access: 'operator' },
      schema: {
        tags: ['optimization'],
        summary: 'Classify a VM\'s workload and find its patterns (NovaCron scheduler, ai_engine v2 verb path)',
        description:
          'Classes: web_application, batch_processing, data_streaming, database, general_purpose, by transparent rules over interpretable features (daily/weekly seasonality, duty cycle, burstiness, network and I/O shares); ' +
          '`reasons` and `classification_scores` say why. Patterns: periodic, batch, trending, bursty, steady_state, idle, spike, irregular. ' +
          'Fewer than 12 samples or under an hour of history: 422 "insufficient data".',
        body: AnalyzeWorkloadBody,
        response: { 200: AnalyzeWorkloadResponse },
      },
      handler: async (req) => {
        const body = req.body as AnalyzeWorkloadBodyT;
        const now = Date.now();
        const input = toInput(body, now);
        let a;
        try {
          a = analyzeWorkload(input);
        } catch (err) {
          if (err instanceof InsufficientWorkloadDataError) {
            throw new Problem(422, 'validation_failed', err.message, [{ path: '/body/workload_data', message: err.message }]);
          }
          throw err;
        }
        return {
          vm_id: body.vm_id,
          workload_type: a.classification,
          pattern_type: a.patterns[0]?.type ?? 'irregular',
          confidence: a.confidence,
          characteristics: workloadCharacteristics(a),
          recommendations: a.recommendations,
          timestamp: new Date(now).toISOString(),
          classification_scores: a.scores,
          reasons: a.reasons,
          seasonality: seasonalityWire(a),
          patterns: patternsWire(a),
          data_quality: dataQualityWire(a),
          notes: [...input.notes, ...a.notes],
          model_version: WORKLOAD_MODEL_ID,
        };
      },
    });
  };
}
