/**
 * NovaCron's `/api/v1/process` pairs of this capability (§2A): `resource_prediction/predict_demand`
 * (predictions in the caller's units, `model_info.last_trained` RFC 3339) and
 * `predictive_scaling/predict_scaling` (`scaling_actions[{action, resource, target_capacity}]`
 * with exactly those types, plus `recommendations`). A refusal (bad input, insufficient data) is
 * an EnvelopeError: HTTP 200 with `success:false` and the reason, as the Go client expects.
 */
import { EnvelopeError, type EnvelopeRegistry } from '../platform/envelope.js';
import { Problem } from '../platform/errors.js';
import { parseTimestamp } from '../telemetry/index.js';
import { VERSION } from '../version.js';
import { InsufficientDataError, MAX_DEMAND_POINTS, MAX_HORIZON_MINUTES, type DemandPoint } from './demand-forecast.js';
import { historyPoints, metricOfResource, type OptimizationService } from './optimization-service.js';
import type { ScalingResourceInput } from './scaling-decisions.js';

const RESOURCE_TYPES = ['cpu', 'memory', 'storage', 'network', 'disk'];
const DAY_MS = 86_400_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Problem raised by shared parsing becomes the envelope's refusal. */
function refusal<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Problem || e instanceof InsufficientDataError) throw new EnvelopeError(e.message);
    throw e;
  }
}

/** ResourceDataPoint list: {timestamp (RFC 3339), value, metadata?}. */
function dataPoints(raw: unknown, path: string, now: number): DemandPoint[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new EnvelopeError(`${path} must be an array of {timestamp, value, metadata?} or null`);
  if (raw.length > MAX_DEMAND_POINTS) throw new EnvelopeError(`${path} holds ${raw.length} points; the limit is ${MAX_DEMAND_POINTS}`);
  return raw.map((p, i) => {
    if (!isObject(p)) throw new EnvelopeError(`${path}[${i}] must be an object`);
    const ts = parseTimestamp(p.timestamp, now + DAY_MS);
    if (typeof ts === 'string') throw new EnvelopeError(`${path}[${i}].timestamp: ${ts}`);
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) throw new EnvelopeError(`${path}[${i}].value must be a finite number`);
    return { ts, value: p.value };
  });
}

export function registerOptimizationEnvelope(envelope: EnvelopeRegistry, service: OptimizationService): void {
  envelope.register(
    'resource_prediction',
    'predict_demand',
    async (req) => {
      const d = req.data;
      const now = Date.now();
      if (typeof d.node_id !== 'string' || d.node_id === '') throw new EnvelopeError('data.node_id must be a non-empty string');
      const type = d.resource_type === undefined || d.resource_type === null ? 'cpu' : d.resource_type;
      if (typeof type !== 'string' || !RESOURCE_TYPES.includes(type)) throw new EnvelopeError(`data.resource_type must be one of ${RESOURCE_TYPES.join(', ')}`);
      const horizon = d.horizon_minutes ?? 60;
      if (typeof horizon !== 'number' || !Number.isInteger(horizon) || horizon < 1 || horizon > MAX_HORIZON_MINUTES) throw new EnvelopeError(`data.horizon_minutes must be an integer between 1 and ${MAX_HORIZON_MINUTES}`);
      let points = dataPoints(d.historical_data, 'data.historical_data', now);
      let source = 'historical_data';
      const { metric } = metricOfResource(type);
      if (!points.length) {
        points = await service.storedPoints(d.node_id, metric, now);
        source = `stored telemetry (${metric}, fractions)`;
      }
      const f = refusal(() => {
        if (!points.length) throw new EnvelopeError(`insufficient data: no historical_data sent and no stored ${metric} telemetry for ${d.node_id}`);
        return service.forecast(points, horizon);
      });
      const chosen = f.backtest?.candidates.find((c) => c.name === f.model);
      const accuracy = chosen && Number.isFinite(chosen.wape) ? Math.max(0, 1 - chosen.wape) : 0;
      const q = (level: number) => f.quantiles.find((x) => x.level === level)!.values;
      return {
        data: {
          predictions: f.predictions,
          confidence: f.confidence,
          model_info: {
            name: `demand_forecast/${f.model}`,
            version: VERSION,
            training_data: `${f.historySteps} steps of ${d.node_id} ${type} (${source}), fitted on this request`,
            // 1 − weighted absolute percentage error of the chosen model in the rolling backtest (0: not backtested).
            accuracy,
            last_trained: new Date(now).toISOString(),
          },
          timestamps: f.timestamps.map((t) => new Date(t).toISOString()),
          quantiles: { p90: q(0.9), p95: q(0.95), p99: q(0.99) },
          units: f.units,
          step_seconds: Math.round(f.stepMs / 1000),
          model_selection: f.backtest ?? { horizonSteps: 0, folds: 0, candidates: [] },
          seasonality: f.seasonality.map((s) => ({ period_seconds: Math.round(s.periodMs / 1000), strength: s.strength })),
          notes: f.notes,
        },
        confidence: f.confidence,
        modelVersion: VERSION,
      };
    },
    { role: 'operator', aliases: [['resource', 'predict']] },
  );

  envelope.register(
    'predictive_scaling',
    'predict_scaling',
    async (req) => {
      const d = req.data;
      const now = Date.now();
      const horizon = typeof d.horizon_minutes === 'number' && Number.isInteger(d.horizon_minutes) && d.horizon_minutes >= 5 && d.horizon_minutes <= MAX_HORIZON_MINUTES ? d.horizon_minutes : 60;
      const inputs = refusal(() => scalingInputs(d, now));
      if (!inputs.length) {
        throw new EnvelopeError('insufficient data: data needs current_load (or current_capacity with current_load) per resource, e.g. {"current_capacity":{"cpu_capacity":64},"current_load":{"cpu_load":48}}');
      }
      const decisions = service.decide(inputs, horizon, now);
      const queue = typeof d.job_queue_length === 'number' ? d.job_queue_length : 0;
      const recommendations = decisions.map((x) => x.reasoning);
      if (queue > 0 && decisions.some((x) => x.resource === 'cpu' && x.action === 'scale_down')) recommendations.push(`${queue} queued jobs while CPU is forecast low: the queue is not CPU-bound — check scheduling limits before scaling down`);
      return {
        data: {
          scaling_actions: decisions.map((x) => ({
            action: x.action,
            resource: x.resource,
            // The share of the current capacity the forecast p95 peak needs (0–1, capped at 1: a scale-up needs more than all of it).
            target_capacity: Math.min(1, Math.max(0, x.forecast_peak)),
            target_amount: x.target_value,
            units: x.units,
            confidence: x.confidence,
            urgency: x.urgency,
          })),
          recommendations,
          horizon_minutes: horizon,
          confidence: Math.min(...decisions.map((x) => x.confidence)),
        },
        confidence: Math.min(...decisions.map((x) => x.confidence)),
        modelVersion: VERSION,
      };
    },
    { role: 'operator', aliases: [['scaling', 'optimize'], ['scaling', 'predict']] },
  );
}

/**
 * The caller's raw map (§2A PredictScalingNeeds): resources from `current_capacity`
 * ({cpu_capacity: 64, …}) and `current_load` ({cpu_load | cpu | cpu_usage: …}); a load ≤ 1 is a
 * fraction, a larger one is in the capacity's units (or percent without a capacity);
 * `historical_usage.{resource}` is an array of fractions/percent (5 minutes apart, the last now)
 * or of {timestamp, value}.
 */
function scalingInputs(d: Record<string, unknown>, now: number): ScalingResourceInput[] {
  const cap = isObject(d.current_capacity) ? d.current_capacity : {};
  const load = isObject(d.current_load) ? d.current_load : {};
  const hist = isObject(d.historical_usage) ? d.historical_usage : {};
  const resources = new Set<string>();
  for (const k of [...Object.keys(cap), ...Object.keys(load)]) resources.add(metricOfResource(k.replace(/_capacity$/, '')).resource);
  const out: ScalingResourceInput[] = [];
  for (const r of resources) {
    const capacity = num(cap[`${r}_capacity`] ?? cap[r]);
    const l = num(load[`${r}_load`] ?? load[r] ?? load[`${r}_usage`] ?? load[`${r}_utilization`]);
    if (l === undefined) continue;
    const toFraction = (x: number) => (x <= 1 ? x : capacity ? x / capacity : x / 100);
    let history: DemandPoint[] = [];
    const h = hist[r] ?? hist[`${r}_usage`];
    if (Array.isArray(h)) {
      const rows = h.map((x) => (typeof x === 'number' ? { value: x } : x)) as Record<string, unknown>[];
      history = historyPoints(rows, 'value', `data.historical_usage.${r}`, now).map((p) => ({ ts: p.ts, value: toFraction(p.value) }));
    }
    out.push({ resource: r, current: toFraction(l), history, capacity, unit: capacity !== undefined ? 'capacity units' : undefined });
  }
  return out;
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined);
