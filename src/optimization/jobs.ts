/**
 * The optimisation capability's jobs. OPTIMIZATION_TRAIN_DEMAND_JOB chooses the demand
 * forecasting method for one series by backtest and registers it as a `resource` model version
 * (demand-training.ts), activated by policy.
 *
 * The `model_training/train` envelope runs the same training inline (it takes ≤ ~0.1 s: the grid
 * is capped at 10,080 steps) and uses this job only when the caller asks for `background: true`;
 * the job is also there for POST /api/v1/jobs and schedules, e.g. a nightly re-selection per node.
 *
 * Payload, one of:
 *  - `{series: {start_ms, step_ms, values: (number|null)[]}, training_points?, source?, node_id?, resource_type?}`:
 *    a series already on its grid (null = a step without data; at most 10,080 values);
 *  - `{node_id, resource_type?}` or `{node_id, metric}`: the node's stored telemetry of the last
 *    `days` (default 7, at most 35) is read when the job runs.
 */
import type { ModelRegistry } from '../models/index.js';
import type { SeriesGrid } from '../ml/forecast/index.js';
import type { Platform } from '../platform/platform.js';
import { toGrid, type DemandPoint } from './demand-forecast.js';
import { demandTrainingSummary, registerDemandModel, selectDemandModel, selectDemandModelOnGrid, type DemandModelSelection } from './demand-training.js';
import { metricOfResource, type OptimizationService } from './optimization-service.js';

export const OPTIMIZATION_TRAIN_DEMAND_JOB = 'optimization.train-demand';

/** Most values a payload series may hold: the grid cap of demand-forecast.ts. */
const MAX_SERIES_VALUES = 10_080;
const DEFAULT_DAYS = 7;
const MAX_DAYS = 35;

/** The payload of a training job on a series the caller sent (averaged onto its grid here, so the payload stays small). */
export function demandSeriesPayload(points: readonly DemandPoint[], meta: { source: string; nodeId?: string | null; resourceType?: string | null }): Record<string, unknown> {
  const usable = points.filter((p) => Number.isFinite(p.ts) && Number.isFinite(p.value));
  const g = toGrid(usable);
  return {
    series: { start_ms: g.startMs, step_ms: g.stepMs, values: Array.from(g.values, (v) => (v === v ? v : null)) },
    training_points: usable.length,
    source: meta.source,
    ...(meta.nodeId ? { node_id: meta.nodeId } : {}),
    ...(meta.resourceType ? { resource_type: meta.resourceType } : {}),
  };
}

function decodeSeries(raw: unknown): SeriesGrid {
  const s = raw as Record<string, unknown>;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new Error('payload.series must be an object {start_ms, step_ms, values}');
  const { start_ms: start, step_ms: step, values } = s;
  if (typeof start !== 'number' || !Number.isFinite(start)) throw new Error('payload.series.start_ms must be epoch milliseconds');
  if (typeof step !== 'number' || !(step >= 1000)) throw new Error('payload.series.step_ms must be at least 1000');
  if (!Array.isArray(values) || values.length > MAX_SERIES_VALUES) throw new Error(`payload.series.values must be an array of at most ${MAX_SERIES_VALUES} numbers or nulls`);
  const out = new Float64Array(values.length);
  values.forEach((v, i) => {
    if (v === null) out[i] = NaN;
    else if (typeof v === 'number' && Number.isFinite(v)) out[i] = v;
    else throw new Error(`payload.series.values[${i}] must be a finite number or null`);
  });
  return { startMs: start, stepMs: step, values: out };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export function registerOptimizationJobs(platform: Platform, registry: ModelRegistry, service: OptimizationService): void {
  platform.jobs.register(OPTIMIZATION_TRAIN_DEMAND_JOB, async (ctx) => {
    const p = ctx.payload;
    const nodeId = str(p.node_id);
    const resourceType = str(p.resource_type);
    let metric: string | null = null;
    let selection: DemandModelSelection;
    let source: string;
    const began = performance.now();
    if (p.series !== undefined) {
      await ctx.reportProgress(0, 'backtesting naive, seasonal naive and Holt–Winters on the series sent');
      const tp = p.training_points;
      selection = selectDemandModelOnGrid(decodeSeries(p.series), { trainingPoints: typeof tp === 'number' && Number.isInteger(tp) && tp > 0 ? tp : undefined });
      source = str(p.source) ?? 'training_data';
    } else {
      if (!nodeId) throw new Error('payload needs series, or node_id (with resource_type or metric) to train on stored telemetry');
      metric = str(p.metric) ?? metricOfResource(resourceType ?? 'cpu').metric;
      const days = typeof p.days === 'number' && p.days > 0 ? Math.min(MAX_DAYS, p.days) : DEFAULT_DAYS;
      await ctx.reportProgress(0, `reading ${days} days of ${metric} for ${nodeId}`);
      const points = await service.storedPoints(nodeId, metric, Date.now(), days);
      await ctx.reportProgress(0.3, `backtesting on ${points.length} stored points`);
      selection = selectDemandModel(points);
      source = 'stored telemetry';
    }
    await ctx.reportProgress(0.9, `chose ${selection.method}; registering the version`);
    const outcome = await registerDemandModel(registry, selection, {
      source,
      nodeId,
      resourceType,
      metric,
      jobId: ctx.id,
      trainingDurationS: (performance.now() - began) / 1000,
    });
    await ctx.reportProgress(1, outcome.activated ? `registered and activated ${outcome.record.id}` : `registered ${outcome.record.id} (not activated: ${outcome.reason})`);
    return demandTrainingSummary(outcome);
  });
}
