import type { App } from '../http/fastify-types.js';
import type { Platform } from '../platform/platform.js';
import type { OptimizationService } from './optimization-service.js';
import {
  MAX_HISTORY_ROWS,
  MAX_WORKLOADS,
  FleetQuery,
  FleetResponse,
  ObjectiveQuery,
  OptimizeBody,
  OptimizeResponse,
  OptimizeScalingBody,
  OptimizeScalingResponse,
  OptimizeSingleResponse,
  PredictResourcesBody,
  PredictResourcesResponse,
  SummaryQuery,
  SummaryResponse,
  WorkloadSchema,
} from './schemas.js';

const tags = ['optimization'];

const SIZING_NOTE =
  'Each workload is sized from a usage series when there is one — `usage_history` in the request, or the stored telemetry of a registered VM named by `vm_id` (last 30 days) — ' +
  'by forecasting the distribution of its CPU and memory use over the next 7 days and choosing the size that minimises allocation cost plus the SLA class\'s shortfall cost, ' +
  'with memory never below the recent peak plus a margin (less than a day of history: maintain, "insufficient history"). ' +
  'Without a series, the seed\'s 7-day maxima (`cpu_max_7d`, `memory_max_7d`) give a peak-plus-headroom fallback at confidence 0.45; with neither, the workload is listed under `maintained` with the reason. ' +
  `At most ${MAX_WORKLOADS} workloads and ${MAX_HISTORY_ROWS} history rows per request (413 above).`;

export function optimizationRoutes(_platform: Platform, service: OptimizationService) {
  return async (app: App): Promise<void> => {
    app.post('/api/v1/resource/optimize', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Rightsize many workloads: scale_up / scale_down with target resources, impact, priority and reasons (ai-engine shape)',
        description: `The seed's raw array of workload dicts → {recommendations, total_recommendations, objective}; recommendations are the workloads that should change, most urgent first. ${SIZING_NOTE}`,
        querystring: ObjectiveQuery,
        body: OptimizeBody,
        response: { 200: OptimizeResponse },
      },
      handler: async (req) => service.optimize(req.body, req.query.objective),
    });

    app.post('/api/v1/resource/optimize-single', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Rightsize one workload (ai-engine shape): its recommendation, or null with "No optimization needed"',
        description: SIZING_NOTE,
        querystring: ObjectiveQuery,
        body: WorkloadSchema,
        response: { 200: OptimizeSingleResponse },
      },
      handler: async (req) => service.optimizeSingle(req.body, req.query.objective),
    });

    app.get('/api/v1/resource/recommendations', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Which registered VMs to resize: every VM with stored telemetry rightsized, most urgent first',
        description:
          'Reads the inventory (POST /api/v1/vms) and each VM\'s stored cpu_utilization and memory_utilization of the last `days` days, and sizes them as POST /api/v1/resource/optimize does. ' +
          'A report: nothing is recorded in the summary. At most 10,000 VMs and 20 million samples per pass (notes say when a limit was reached); the computation yields between VMs.',
        querystring: FleetQuery,
        response: { 200: FleetResponse },
      },
      handler: async (req) => service.fleetRecommendations(req.query.objective ?? 'balanced', req.query.days ?? 14, req.query.limit ?? 100),
    });

    app.get('/api/v1/resource/summary', {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'What was recommended over the last hours: counts by action and priority, mean confidence, savings (ai-engine shape)',
        querystring: SummaryQuery,
        response: { 200: SummaryResponse },
      },
      handler: async (req) => service.summary(req.query.hours ?? 24),
    });

    app.post('/predict/resources', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Forecast one resource of a node or VM (NovaCron scheduler verb path, ai_engine v2 shape), as fractions',
        description:
          'The first key of `metrics` names the resource (cpu_usage, memory_usage, disk_usage, network_usage). Its history comes from `history` rows or, when none are sent, the stored telemetry of `resource_id` (last 7 days). ' +
          'Naive, seasonal naive and Holt–Winters are compared by a rolling backtest on that history and the best forecasts; `confidence` is 1 − its backtest error, scaled down for calibration and short history. ' +
          'With fewer than 12 usable points the current value is repeated at confidence 0.1 (NovaCron ignores predictions under 0.7, so its own policy decides).',
        body: PredictResourcesBody,
        response: { 200: PredictResourcesResponse },
      },
      handler: async (req) => service.predictResources(req.body),
    });

    app.post('/optimize/scaling', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Predictive scaling decisions for one VM (NovaCron scheduler verb path, ai_engine v2 shape)',
        description:
          'Each `*_usage` in current_resources is forecast over `horizon_minutes` from `historical_data`; the p95 peak decides: above 80 % scale up so it lands at 65 %, below 30 % scale down to the same target (at most halving per step), else no_action. ' +
          'With cpu_cores / memory_gb in current_resources the values are cores and GiB and cost_impact comes from the cost model; otherwise they are fractions of the current allocation.',
        body: OptimizeScalingBody,
        response: { 200: OptimizeScalingResponse },
      },
      handler: async (req) => service.optimizeScaling(req.body),
    });
  };
}
