/**
 * Wire schemas of NovaCron's scheduler verb paths `POST /optimize/performance` and
 * `POST /predict/migration` (contract §1B, §2C). Bodies are NovaCron's shapes; the free-form parts
 * (cluster data, vm_metrics, topology) are validated field by field in code, with JSON pointers.
 */
import { Type, type Static } from 'typebox';
import { MAX_GOALS, MAX_REQUEST_HOSTS, MAX_REQUEST_VMS } from './performance-optimization-input.js';
import { MAX_MIGRATION_TARGETS } from './migration-prediction.js';

/** Most cluster-data snapshots one /optimize/performance body may hold. */
export const MAX_PERFORMANCE_DATA = 16;

const FreeForm = (description: string, maxProperties = 1_000) => Type.Record(Type.String({ maxLength: 200 }), Type.Unknown(), { maxProperties, description });
const HostId = Type.String({ minLength: 1, maxLength: 256 });

export const OptimizePerformanceBody = Type.Object({
  cluster_id: Type.String({ minLength: 1, maxLength: 256 }),
  performance_data: Type.Array(
    FreeForm(
      'NovaCron cluster data: performance_metrics {cpu_utilization, memory_utilization, network_utilization, average_latency, throughput, active_jobs, queued_jobs, energy_consumption}, ' +
        `cluster_utilization {cpu, memory, network}, active_jobs [...]; optionally the fleet itself: hosts [{id, cpu_cores, memory_gb|memory_mb, status?, power_off_eligible?}] (at most ${MAX_REQUEST_HOSTS}) and ` +
        `vms [{id, host, cpu_cores, memory_gb|memory_mb, cpu_utilization?, memory_utilization? (a high quantile of use, fraction or %), dirty_rate_mbps?, anti_affinity?, pinned?}] (at most ${MAX_REQUEST_VMS}). ` +
        'Without hosts the engine\'s registered inventory is used.',
    ),
    { maxItems: MAX_PERFORMANCE_DATA, description: `Snapshots of the cluster (at most ${MAX_PERFORMANCE_DATA}); hosts and VMs of all are combined, aggregates come from the last` },
  ),
  optimization_goals: Type.Optional(
    Type.Array(Type.String({ maxLength: 100 }), {
      maxItems: MAX_GOALS,
      description: 'e.g. optimize_throughput, minimize_latency, balance_load, reduce_energy_consumption, optimize_resource_utilization; none = all',
    }),
  ),
  constraints: Type.Optional(
    FreeForm(
      'max_cpu_threshold (0.85), max_memory_threshold (0.80) as fractions or %, min_availability, max_migrations, max_payback_days, max_concurrent_migrations_per_host (2), max_cpu_overcommit (4), max_memory_overcommit (1)',
      100,
    ),
  ),
});
export type OptimizePerformanceBodyT = Static<typeof OptimizePerformanceBody>;

const Impact = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')]);
const NumberMap = Type.Record(Type.String(), Type.Number());

const Optimization = Type.Object({
  type: Type.String({ description: 'migration | load_balancing | energy_optimization | scaling | resource_allocation' }),
  target: Type.String({ description: 'A VM, a host, or the cluster id' }),
  action: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  priority: Type.Integer({ minimum: 1, maximum: 5, description: '1 = most urgent' }),
  impact: Impact,
  confidence: Type.Number(),
  reasons: Type.Array(Type.String()),
});

export const RiskAssessmentWire = Type.Object({
  overall_risk: Type.Number({ minimum: 0, maximum: 1 }),
  risk_factors: Type.Array(Type.String()),
  mitigations: Type.Array(Type.String()),
  risk_breakdown: NumberMap,
});

const PlanWire = Type.Object({
  migrations: Type.Integer(),
  temporary_moves: Type.Integer(),
  waves: Type.Integer(),
  wall_clock_s: Type.Number(),
  downtime_s: Type.Number(),
  transferred_gb: Type.Number(),
  one_off_cost: Type.Number(),
  verified: Type.Boolean({ description: 'verifyPlan replayed every step from the current placement without breaking a rule' }),
  violation: Type.Union([Type.String(), Type.Null()]),
  dropped: Type.Array(Type.Object({ vm: Type.String(), from: Type.String(), to: Type.String(), reason: Type.String() })),
});

export const OptimizePerformanceResponse = Type.Object({
  cluster_id: Type.String(),
  optimizations: Type.Array(Optimization),
  expected_improvements: NumberMap,
  implementation_priority: Type.Array(Type.String({ description: '"type:target", most urgent first' })),
  confidence: Type.Number(),
  risk_assessment: RiskAssessmentWire,
  basis: Type.String({ description: 'fleet (per host and VM) | aggregates (cluster averages) | none' }),
  source: Type.String({ description: 'request | inventory | aggregates | none' }),
  insufficient_data: Type.Boolean(),
  data_coverage: Type.Object({
    hosts: Type.Integer(),
    vms: Type.Integer(),
    vms_measured: Type.Integer(),
    vms_partial: Type.Integer(),
    vms_allocation_only: Type.Integer(),
    measured_core_share: Type.Number(),
  }),
  plan: PlanWire,
  goals: Type.Object({ applied: Type.Array(Type.String()), ignored: Type.Array(Type.String()), emphasis: Type.Array(Type.String()) }),
  constraints_applied: NumberMap,
  recommendations_total: Type.Integer(),
  notes: Type.Array(Type.String()),
  timestamp: Type.String(),
});

export const PredictMigrationBody = Type.Object({
  vm_id: Type.String({ minLength: 1, maxLength: 256 }),
  source_host: HostId,
  target_hosts: Type.Array(HostId, { maxItems: MAX_MIGRATION_TARGETS, description: `Candidate hosts (at most ${MAX_MIGRATION_TARGETS}); empty = every registered host` }),
  vm_metrics: Type.Optional(
    FreeForm('memory_gb | memory_mb (required unless the VM is registered), cpu_cores, cpu_usage, memory_usage (fractions or %), dirty_rate_mbps (MB/s) | dirty_rate_mibps; other keys ignored', 200),
  ),
  network_topology: Type.Optional(
    FreeForm('bandwidth_mbps | bandwidth_gbps, latency_ms, utilization, packet_loss, max_migration_bandwidth_mbps, links: [{source?, target, …same keys}]', 50),
  ),
  sla_requirements: Type.Optional(FreeForm('max_downtime_ms | max_downtime_s (the pre-copy pause target), max_duration_s', 50)),
  cost_constraints: Type.Optional(FreeForm('max_cost, downtime_cost_per_hour, migration_fixed_cost, performance_benefit_monthly, horizon_months (12)', 50)),
});
export type PredictMigrationBodyT = Static<typeof PredictMigrationBody>;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const PredictMigrationResponse = Type.Object({
  vm_id: Type.String(),
  recommended_host: Type.String({ description: 'Empty when no target can take the VM' }),
  prediction_time: Type.Number({ description: 'Minutes from start to the VM running on the target' }),
  confidence: Type.Number(),
  reasons: Type.Array(Type.String()),
  migration_score: Type.Number({ minimum: 0, maximum: 1 }),
  network_impact: Type.Object({ bandwidth_utilization: Type.Number(), latency_increase_ms: Type.Number(), packet_loss_rate: Type.Number(), basis: Type.String() }),
  estimated_downtime: Type.Number({ description: 'Seconds the VM is paused' }),
  cost_analysis: Type.Object({ migration_cost: Type.Number(), operational_savings: Type.Number(), performance_benefit_value: Type.Number(), net_benefit: Type.Number() }),
  target_host: Type.String(),
  score: Type.Number(),
  strategy: Type.String({ description: 'pre-copy | post-copy | quiet-window' }),
  rounds: Type.Integer(),
  converges: Type.Boolean(),
  transferred_gb: Type.Number(),
  duration_s: Type.Number(),
  candidates: Type.Array(
    Type.Object({
      host: Type.String(),
      score: Type.Number(),
      feasible: Type.Boolean(),
      known: Type.Boolean(),
      cpu_utilization_after: Nullable(Type.Number()),
      memory_utilization_after: Nullable(Type.Number()),
      room_after: Nullable(Type.Number()),
      prediction_time: Type.Number(),
      estimated_downtime: Type.Number(),
      reasons: Type.Array(Type.String()),
    }),
  ),
  assumptions: Type.Array(Type.String()),
  timestamp: Type.String(),
});
