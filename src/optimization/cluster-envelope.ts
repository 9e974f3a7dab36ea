/**
 * NovaCron's `/api/v1/process` pairs for the cluster (contract §2A):
 * - `performance_optimization/optimize_cluster` (alias `performance/optimize`): data
 *   {cluster_id, cluster_data, goals, constraints?} → {recommendations[{type, target, action,
 *   parameters, priority (int), impact, confidence}], expected_gains {str: number},
 *   risk_assessment {overall_risk, risk_factors, mitigations, risk_breakdown}, confidence} plus
 *   reasons per recommendation, the plan summary, data coverage and notes;
 * - `migration_prediction/predict_migration` (alias `migration/predict`): data as the body of
 *   POST /predict/migration, answered the same.
 * The envelope's confidence is the answer's. Input mistakes are refusals (success:false with the
 * field named), never invented answers; too little data for a plan is a success with confidence 0
 * and `insufficient_data: true`, so NovaCron's client neither retries nor trips its breaker.
 */
import { EnvelopeError, type EnvelopeRegistry } from '../platform/envelope.js';
import type { ClusterDeps } from './cluster-handlers.js';
import { runOptimizeCluster, runPredictMigration } from './cluster-handlers.js';
import { MIGRATION_ESTIMATOR_VERSION, MigrationInputError } from './migration-prediction.js';
import { ClusterInputError } from './performance-optimization-input.js';
import { CLUSTER_OPTIMIZER_VERSION } from './performance-optimization.js';

function refusal(e: unknown): unknown {
  if (e instanceof ClusterInputError || e instanceof MigrationInputError) return new EnvelopeError(e.message);
  return e;
}

function hostList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((h) => typeof h !== 'string' || h.length === 0 || h.length > 256)) throw new EnvelopeError('/data/target_hosts must be a list of host ids');
  return v as string[];
}

export function registerClusterEnvelope(envelope: EnvelopeRegistry, deps: ClusterDeps): void {
  envelope.register(
    'performance_optimization',
    'optimize_cluster',
    async (req) => {
      const d = req.data;
      const clusterId = d.cluster_id ?? 'default';
      if (typeof clusterId !== 'string' || clusterId.length > 256) throw new EnvelopeError('/data/cluster_id must be a string of at most 256 characters');
      try {
        const r = await runOptimizeCluster(deps, {
          cluster_id: clusterId,
          cluster_data: d.cluster_data ?? {},
          goals: d.goals,
          constraints: d.constraints,
          paths: { clusterData: '/data/cluster_data', goals: '/data/goals', constraints: '/data/constraints' },
        });
        return { data: { ...r }, confidence: r.confidence, modelVersion: CLUSTER_OPTIMIZER_VERSION };
      } catch (e) {
        throw refusal(e);
      }
    },
    { role: 'operator', aliases: [['performance', 'optimize']] },
  );

  envelope.register(
    'migration_prediction',
    'predict_migration',
    async (req) => {
      const d = req.data;
      for (const k of ['vm_id', 'source_host'] as const) {
        if (typeof d[k] !== 'string' || d[k] === '' || (d[k] as string).length > 256) throw new EnvelopeError(`/data/${k} must be a non-empty string of at most 256 characters`);
      }
      try {
        const r = await runPredictMigration(deps, {
          vm_id: d.vm_id as string,
          source_host: d.source_host as string,
          target_hosts: hostList(d.target_hosts),
          vm_metrics: d.vm_metrics,
          network_topology: d.network_topology,
          sla_requirements: d.sla_requirements,
          cost_constraints: d.cost_constraints,
          path: '/data',
        });
        return { data: { ...r }, confidence: r.confidence, modelVersion: MIGRATION_ESTIMATOR_VERSION };
      } catch (e) {
        throw refusal(e);
      }
    },
    { role: 'operator', aliases: [['migration', 'predict']] },
  );
}
