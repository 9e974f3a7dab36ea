/**
 * NovaCron's scheduler verb paths for the cluster (contract §1B, §2C), answered from the
 * consolidation, hotspot-relief, migration-plan and ROI code of this folder:
 * - `POST /optimize/performance`: the v2 shape {cluster_id, optimizations[{type, target, action,
 *   params}], expected_improvements, implementation_priority, confidence} plus priority, impact,
 *   reasons, the risk assessment, the plan summary and data coverage;
 * - `POST /predict/migration`: the v2 shape {vm_id, recommended_host, prediction_time (min),
 *   confidence, reasons, migration_score, network_impact, estimated_downtime (s), cost_analysis}
 *   plus the fallback fields (target_host, score, strategy) and the ranked candidates.
 * Malformed input is a 400 problem+json naming the field; a prediction that lacks what it needs
 * (no memory size for an unregistered VM, no target at all) is a 422.
 */
import type { App } from '../http/fastify-types.js';
import { Problem } from '../platform/errors.js';
import type { Platform } from '../platform/platform.js';
import type { ClusterDeps } from './cluster-handlers.js';
import { runOptimizeCluster, runPredictMigration } from './cluster-handlers.js';
import { OptimizePerformanceBody, OptimizePerformanceResponse, PredictMigrationBody, PredictMigrationResponse } from './cluster-schemas.js';
import { MigrationInputError } from './migration-prediction.js';
import { ClusterInputError, mergeClusterData } from './performance-optimization-input.js';
import type { OptimizeClusterResult } from './performance-optimization.js';

const tags = ['optimization'];

/** Input mistakes as problem+json. */
export function clusterProblem(e: unknown): unknown {
  if (e instanceof ClusterInputError) return Problem.badRequest(e.message, [{ path: e.path, message: e.message.slice(e.path.length + 1) }]);
  if (e instanceof MigrationInputError) {
    const p = e.insufficient ? new Problem(422, 'validation_failed', e.message, [{ path: e.path, message: e.message.slice(e.path.length + 1) }]) : Problem.badRequest(e.message, [{ path: e.path, message: e.message.slice(e.path.length + 1) }]);
    return p;
  }
  return e;
}

/** The v2 /optimize/performance answer from an optimisation result. */
export function optimizePerformanceWire(r: OptimizeClusterResult) {
  return {
    cluster_id: r.cluster_id,
    optimizations: r.recommendations.map((x) => ({ type: x.type, target: x.target, action: x.action, params: x.parameters, priority: x.priority, impact: x.impact, confidence: x.confidence, reasons: x.reasons })),
    expected_improvements: r.expected_gains,
    implementation_priority: r.recommendations.map((x) => `${x.type}:${x.target}`),
    confidence: r.confidence,
    risk_assessment: r.risk_assessment,
    basis: r.basis,
    source: r.source,
    insufficient_data: r.insufficient_data,
    data_coverage: r.data_coverage,
    plan: r.plan,
    goals: r.goals,
    constraints_applied: r.constraints_applied,
    recommendations_total: r.recommendations_total,
    notes: r.notes,
    timestamp: r.timestamp,
  };
}

/** `POST /optimize/performance` and `POST /predict/migration`. */
export function clusterRoutes(_platform: Platform, deps: ClusterDeps) {
  return async (app: App): Promise<void> => {
    app.post('/optimize/performance', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'NovaCron scheduler\'s cluster optimisation (v2 verb path): a verified migration plan, hosts to power off, what to scale',
        description:
          'With hosts and VMs (in performance_data, else the registered inventory, sized by p95 usage telemetry): hotspot relief, consolidation and splits ' +
          'composed into one plan valid at every step (checked by replay), with ROI and risk. With only cluster averages: recommendations from the averages ' +
          'against the thresholds, confidence at most 0.65. With nothing usable: no optimisation, confidence 0, insufficient_data true.',
        body: OptimizePerformanceBody,
        response: { 200: OptimizePerformanceResponse },
      },
      handler: async (req) => {
        const b = req.body;
        try {
          const { data, notes } = mergeClusterData(b.performance_data, '/body/performance_data');
          const r = await runOptimizeCluster(deps, {
            cluster_id: b.cluster_id,
            cluster_data: data,
            goals: b.optimization_goals,
            constraints: b.constraints,
            notes,
            paths: { clusterData: b.performance_data.length === 1 ? '/body/performance_data/0' : '/body/performance_data/*', goals: '/body/optimization_goals', constraints: '/body/constraints' },
          });
          return optimizePerformanceWire(r);
        } catch (e) {
          throw clusterProblem(e);
        }
      },
    });

    app.post('/predict/migration', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'NovaCron scheduler\'s migration prediction (v2 verb path): best target, duration, pause, network impact and cost',
        description:
          'Duration and pause from the pre-copy model (Clark et al.) over the stated link; targets ranked by room left after the move (capacity, allocation caps ' +
          'and anti-affinity checked for registered hosts; unregistered hosts ranked after them). network_impact is 0 with its basis stated when no topology is sent.',
        body: PredictMigrationBody,
        response: { 200: PredictMigrationResponse },
      },
      handler: async (req) => {
        const b = req.body;
        try {
          return await runPredictMigration(deps, { ...b, path: '/body' });
        } catch (e) {
          throw clusterProblem(e);
        }
      },
    });
  };
}
