/**
 * NovaCron's cluster performance optimisation (`performance_optimization/optimize_cluster`,
 * `POST /optimize/performance`, contract §2A–§2C), built on the planners of this folder.
 *
 * With a fleet (hosts and VMs from cluster_data, else the engine's inventory), packed by usage
 * against the caller's thresholds (max_cpu_threshold / max_memory_threshold):
 * 1. hotspot relief moves VMs off hosts above a threshold, cheapest moves first
 *    → one `load_balancing` recommendation per hot host (target: the host) and one `migration`
 *    per move (target: the VM; parameters vm, from, to, duration_s, downtime_s …);
 *    a host that stays hot → `scaling` (add capacity), priority 1;
 * 2. consolidation empties under-used hosts (hot hosts neither give nor take VMs, hosts relief
 *    powered on are not emptied), when an energy goal is set and no jobs are queued under a throughput goal
 *    → one `energy_optimization` per host to power off, with its moves and ROI; idle hosts
 *    (no VMs) → `energy_optimization` without moves;
 * 3. VMs no host can hold → `scaling` (split into k instances);
 * 4. optimize_throughput with queued jobs → `resource_allocation` (free capacity below the
 *    thresholds to schedule them on), or `scaling` when there is none.
 * Relief and consolidation compose into one set of net moves (each VM from where it runs to where
 * it ends), ordered by planMigrations into waves valid at every step and replayed by verifyPlan.
 *
 * Priority: integer 1 (most urgent) – 5. Impact (low|medium|high|critical) from the size of the
 * effect: for a hotspot its excess over the threshold (≥ 15 points or over capacity: critical,
 * ≥ 5: high, else medium); for energy the share of running hosts the plan frees (≥ 20 %: high,
 * ≥ 5 %: medium, else low). Confidence 0.65 + 0.3 × (share of the concerned VMs' cores whose usage
 * is measured or stated), × (1 − the moves' failure risk), at most 0.95: allocation-only sizing
 * gives 0.65, below NovaCron's 0.7 bar, because a hotspot of allocations need not be one of use.
 *
 * With only aggregates (no hosts and VMs anywhere): recommendations from the cluster averages
 * against the thresholds (average above threshold → `scaling` with the capacity missing; queued
 * jobs with CPU below 50 % → `resource_allocation`; both averages far below → `energy_optimization`
 * with the share of hosts that perfect packing would free), confidence at most
 * AGGREGATE_CONFIDENCE_CAP, and a note that per-host data would give a concrete plan.
 * With nothing usable: no recommendation, confidence 0, `insufficient_data: true` and notes on
 * what to send (a 200, not an error, so NovaCron's client neither retries nor trips its breaker).
 */
import { ClusterState, type HostSpec, type PackingPolicy, type VmSpec } from './cluster-state.js';
import { USAGE_QUANTILE, usageWeight, coverageOf, type LoadedCluster, type UsageSource } from './cluster-inventory.js';
import { consolidate, type ConsolidationResult } from './consolidation.js';
import { costModel, DEFAULT_COST_MODEL, hostPowerOffMonthlySaving, type CostModel } from './cost-model.js';
import { relieveHotspots } from './hotspot-relief.js';
import { DEFAULT_MAX_CONCURRENT_PER_HOST, type MigrationOptions } from './migration-estimate.js';
import { planMigrations, verifyPlan, type PlanStep } from './migration-plan.js';
import {
  aggregatesUsable,
  ClusterInputError,
  isObject,
  parseAggregates,
  parseConstraints,
  parseGoals,
  parseRequestFleet,
  type ClusterAggregates,
  type ClusterConstraints,
  type Goal,
  type ParsedGoals,
} from './performance-optimization-input.js';
import { migrationRisk, planRoi } from './roi.js';
import { recommendSplitsInState } from './split-recommendation.js';

export const CLUSTER_OPTIMIZER_VERSION = 'cluster-optimizer-1.0.0';
/** Most recommendations one answer lists (the plan behind them is complete; see recommendations_total). */
export const MAX_RECOMMENDATIONS = 1_000;
/** Confidence ceiling of recommendations derived from cluster averages only. */
export const AGGREGATE_CONFIDENCE_CAP = 0.65;
/** Months over which net benefits are counted. */
export const HORIZON_MONTHS = 12;

export type RecommendationType = 'migration' | 'load_balancing' | 'energy_optimization' | 'scaling' | 'resource_allocation';
export type Impact = 'low' | 'medium' | 'high' | 'critical';

export interface ClusterRecommendation {
  type: RecommendationType;
  target: string;
  action: string;
  parameters: Record<string, unknown>;
  /** Integer 1 (most urgent) – 5. */
  priority: number;
  impact: Impact;
  confidence: number;
  reasons: string[];
}

export interface RiskAssessment {
  overall_risk: number;
  risk_factors: string[];
  mitigations: string[];
  risk_breakdown: Record<string, number>;
}

export interface PlanSummary {
  migrations: number;
  temporary_moves: number;
  waves: number;
  wall_clock_s: number;
  downtime_s: number;
  transferred_gb: number;
  one_off_cost: number;
  verified: boolean;
  violation: string | null;
  dropped: { vm: string; from: string; to: string; reason: string }[];
}

export interface OptimizeClusterResult {
  cluster_id: string;
  recommendations: ClusterRecommendation[];
  expected_gains: Record<string, number>;
  risk_assessment: RiskAssessment;
  confidence: number;
  /** What the answer rests on: a fleet (per host and VM), cluster averages, or nothing. */
  basis: 'fleet' | 'aggregates' | 'none';
  /** Where the fleet came from. */
  source: 'request' | 'inventory' | 'aggregates' | 'none';
  insufficient_data: boolean;
  data_coverage: { hosts: number; vms: number; vms_measured: number; vms_partial: number; vms_allocation_only: number; measured_core_share: number };
  plan: PlanSummary;
  goals: { applied: string[]; ignored: string[]; emphasis: Goal[] };
  constraints_applied: Record<string, number>;
  recommendations_total: number;
  notes: string[];
  timestamp: string;
}

export interface OptimizeClusterInput {
  cluster_id: string;
  /** NovaCron's free-form cluster data (aggregates, optionally hosts and vms). */
  cluster_data?: unknown;
  goals?: unknown;
  constraints?: unknown;
  /** The engine's inventory fleet: used when cluster_data carries no hosts. */
  cluster?: LoadedCluster | null;
  now?: number;
  model?: CostModel;
  maxRecommendations?: number;
  /** JSON pointer of cluster_data / goals / constraints in the request, for error paths. */
  paths?: { clusterData?: string; goals?: string; constraints?: string };
  /** Notes to pass through (e.g. from merging several snapshots). */
  notes?: string[];
}

const TYPE_ORDER: Record<RecommendationType, number> = { scaling: 0, load_balancing: 1, migration: 2, resource_allocation: 3, energy_optimization: 4 };
const EMPTY_PLAN: PlanSummary = { migrations: 0, temporary_moves: 0, waves: 0, wall_clock_s: 0, downtime_s: 0, transferred_gb: 0, one_off_cost: 0, verified: true, violation: null, dropped: [] };

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const clampPriority = (p: number) => Math.min(5, Math.max(1, Math.round(p)));
const confidenceOf = (measuredShare: number, risk = 0) => r4(Math.min(0.95, (0.65 + 0.3 * Math.min(1, Math.max(0, measuredShare))) * (1 - risk)));

/** Runs the optimisation (see the file comment). Throws ClusterInputError on malformed input. */
export function optimizeCluster(input: OptimizeClusterInput): OptimizeClusterResult {
  const now = input.now ?? Date.now();
  const paths = { clusterData: '/cluster_data', goals: '/goals', constraints: '/constraints', ...input.paths };
  const raw = input.cluster_data ?? {};
  if (!isObject(raw)) throw new ClusterInputError(paths.clusterData, 'must be an object');
  const goals = parseGoals(input.goals, paths.goals);
  const constraints = parseConstraints(input.constraints, paths.constraints);
  const aggregates = parseAggregates(raw, paths.clusterData);
  const requestFleet = parseRequestFleet(raw, paths.clusterData);
  const notes = [...(input.notes ?? [])];
  if (goals.ignored.length) notes.push(`goal(s) not recognised and ignored: ${goals.ignored.join(', ')} (known: ${Object.keys(GOAL_NAMES_HINT).join(', ')})`);
  if (goals.defaulted) notes.push('no goals sent: every goal applies');

  let fleet: FleetInput | undefined;
  if (requestFleet) {
    fleet = { ...requestFleet, source: 'request', costHints: {} };
    if (input.cluster) notes.push('cluster_data carries hosts and vms: the engine\'s inventory is not used');
  } else if (input.cluster && input.cluster.hosts.length) {
    fleet = { hosts: input.cluster.hosts, vms: input.cluster.vms, usageSource: input.cluster.usageSource, source: 'inventory', costHints: input.cluster.costHints };
    notes.push(`fleet from the engine's inventory as read at ${new Date(input.cluster.loadedAt).toISOString()}: ${input.cluster.hosts.length} host(s), ${input.cluster.vms.length} VM(s)`);
    notes.push(...input.cluster.notes);
  }
  const model = input.model ?? DEFAULT_COST_MODEL;
  const ctx: Ctx = { clusterId: input.cluster_id, goals, constraints, aggregates, notes, now, maxRecs: input.maxRecommendations ?? MAX_RECOMMENDATIONS };
  if (fleet) return optimizeFleet(fleet, { ...ctx, model: fleet.costHints.hostIdleWatts !== undefined ? costModel({ ...model, ...fleet.costHints }) : model });
  if (aggregatesUsable(aggregates)) return optimizeAggregates(ctx);
  notes.push(
    'insufficient data: no hosts and VMs in cluster_data, none registered in the inventory, and no usable aggregate (performance_metrics.cpu_utilization, memory_utilization or queued_jobs). ' +
      'Send cluster_data.hosts and cluster_data.vms, register the fleet (POST /api/v1/nodes, POST /api/v1/vms) with usage telemetry, or send the aggregates.',
  );
  return finish(ctx, [], {}, { overall_risk: 0, risk_factors: [], mitigations: [], risk_breakdown: {} }, 0, 'none', 'none', emptyCoverage(), EMPTY_PLAN);
}

/** Goal names listed in the note on unrecognised goals. */
const GOAL_NAMES_HINT = { optimize_throughput: 1, minimize_latency: 1, balance_load: 1, reduce_energy_consumption: 1, optimize_resource_utilization: 1 };

interface FleetInput {
  hosts: HostSpec[];
  vms: VmSpec[];
  usageSource: UsageSource[];
  source: 'request' | 'inventory';
  costHints: Partial<CostModel>;
}

interface Ctx {
  clusterId: string;
  goals: ParsedGoals;
  constraints: ClusterConstraints;
  aggregates: ClusterAggregates;
  notes: string[];
  now: number;
  maxRecs: number;
  model?: CostModel;
}

function emptyCoverage(): OptimizeClusterResult['data_coverage'] {
  return { hosts: 0, vms: 0, vms_measured: 0, vms_partial: 0, vms_allocation_only: 0, measured_core_share: 0 };
}

function finish(
  ctx: Ctx,
  recs: ClusterRecommendation[],
  gains: Record<string, number>,
  risk: RiskAssessment,
  confidence: number,
  basis: OptimizeClusterResult['basis'],
  source: OptimizeClusterResult['source'],
  coverage: OptimizeClusterResult['data_coverage'],
  plan: PlanSummary,
): OptimizeClusterResult {
  recs.sort((a, b) => a.priority - b.priority || TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || (Number(a.parameters.step ?? 0) - Number(b.parameters.step ?? 0)));
  const total = recs.length;
  if (total > ctx.maxRecs) ctx.notes.push(`${total} recommendations; the first ${ctx.maxRecs} by priority are listed (every move is still in the energy and load-balancing recommendations' parameters)`);
  const c = ctx.constraints;
  const applied: Record<string, number> = { max_cpu_threshold: c.maxCpuThreshold, max_memory_threshold: c.maxMemoryThreshold, max_cpu_overcommit: c.maxCpuOvercommit, max_memory_overcommit: c.maxMemoryOvercommit };
  if (c.minAvailability !== undefined) applied.min_availability = c.minAvailability;
  if (c.maxMigrations !== undefined) applied.max_migrations = c.maxMigrations;
  if (c.maxPaybackDays !== undefined) applied.max_payback_days = c.maxPaybackDays;
  applied.max_concurrent_migrations_per_host = c.maxConcurrentPerHost ?? DEFAULT_MAX_CONCURRENT_PER_HOST;
  for (const k of Object.keys(gains)) if (!Number.isFinite(gains[k])) delete gains[k];
  return {
    cluster_id: ctx.clusterId,
    recommendations: recs.slice(0, ctx.maxRecs),
    expected_gains: gains,
    risk_assessment: risk,
    confidence: r4(confidence),
    basis,
    source,
    insufficient_data: basis === 'none',
    data_coverage: coverage,
    plan,
    goals: { applied: ctx.goals.applied, ignored: ctx.goals.ignored, emphasis: [...ctx.goals.goals] },
    constraints_applied: applied,
    recommendations_total: total,
    notes: ctx.notes,
    timestamp: new Date(ctx.now).toISOString(),
  };
}

// ───────────────────────────────────────────────────────────── fleet

function optimizeFleet(fleet: FleetInput, ctx: Ctx): OptimizeClusterResult {
  const { constraints: c, goals, aggregates, notes } = ctx;
  const model = ctx.model ?? DEFAULT_COST_MODEL;
  const thrC = c.maxCpuThreshold;
  const thrM = c.maxMemoryThreshold;
  const policy: PackingPolicy = { basis: 'usage', cpuTarget: thrC, memoryTarget: thrM, maxAllocationRatio: { cpu: c.maxCpuOvercommit, memory: c.maxMemoryOvercommit } };
  const conc = c.maxConcurrentPerHost ?? DEFAULT_MAX_CONCURRENT_PER_HOST;
  const mig: MigrationOptions = { maxConcurrentPerHost: conc, model };
  const s0 = ClusterState.from(fleet.hosts, fleet.vms, policy);
  const H = s0.hostCount;
  const V = s0.vmCount;
  const weight = Float64Array.from(fleet.usageSource, usageWeight);
  const measuredShare = (vs: Iterable<number>): number => {
    let all = 0;
    let known = 0;
    for (const v of vs) {
      all += s0.allocCores[v];
      known += s0.allocCores[v] * weight[v];
    }
    return all > 0 ? known / all : 0;
  };
  const cov = coverageOf(fleet.vms, fleet.usageSource);
  const coverage = { hosts: H, vms: V, vms_measured: cov.telemetry + cov.stated, vms_partial: cov.partial, vms_allocation_only: cov.allocation, measured_core_share: r4(cov.coreShare) };
  if (V === 0) notes.push('the fleet has hosts but no VMs');

  // 1. Hotspot relief.
  const relief = relieveHotspots(s0, { ...mig, cpuThreshold: thrC, memoryThreshold: thrM });
  const hotIdx = relief.hotspots.map((h) => s0.hostIndex.get(h.host)!);
  const hot = new Uint8Array(H);
  for (const h of hotIdx) hot[h] = 1;
  const poweredOnByRelief = new Set(relief.poweredOn);

  // 2. Consolidation from where relief leaves the VMs.
  const queued = aggregates.queuedJobs ?? 0;
  let cons: ConsolidationResult | undefined;
  let finalHost: Int32Array = relief.final.vmHost;
  if (goals.goals.has('energy')) {
    if (queued > 0 && goals.goals.has('throughput')) {
      notes.push(`${queued} job(s) are queued and throughput is a goal: no host is powered off (they need the capacity)`);
    } else {
      // A relieved host is neither emptied nor refilled (consolidation would pack it back up to
      // the threshold); a host relief powered on stays on.
      const hosts1 = fleet.hosts.map((h, i) => (hot[i] ? { ...h, powerOffEligible: false, maintenance: true } : poweredOnByRelief.has(h.id) ? { ...h, powerOffEligible: false } : h));
      const vms1 = fleet.vms.map((v, i) => (relief.final.vmHost[i] === s0.vmHost[i] ? v : { ...v, host: fleet.hosts[relief.final.vmHost[i]].id }));
      const s1 = ClusterState.from(hosts1, vms1, policy);
      const budget = c.maxMigrations === undefined ? undefined : Math.max(0, c.maxMigrations - relief.moves.length);
      cons = consolidate(s1, { ...mig, maxMoves: budget, maxPaybackDays: c.maxPaybackDays });
      finalHost = cons.final.vmHost;
    }
  }

  // 3. Net moves, planned into waves; a power-off host with a dropped move keeps all its VMs.
  const origin = s0.vmHost;
  let moves: { vm: string; from: string; to: string }[] = [];
  for (let v = 0; v < V; v++) if (finalHost[v] !== origin[v]) moves.push({ vm: s0.vms[v].id, from: s0.hosts[origin[v]].id, to: s0.hosts[finalHost[v]].id });
  const consolidated = new Set(cons?.poweredOff ?? []);
  let plan = planMigrations(s0, moves, mig);
  const abandoned: string[] = [];
  for (let attempt = 0; attempt < 3 && plan.dropped.length; attempt++) {
    const bad = new Set(plan.dropped.map((d) => s0.hosts[origin[s0.vmIndex.get(d.vm)!]].id).filter((h) => consolidated.has(h)));
    if (!bad.size) break;
    for (const h of bad) {
      consolidated.delete(h);
      abandoned.push(h);
    }
    moves = moves.filter((m) => !bad.has(m.from));
    plan = planMigrations(s0, moves, mig);
  }
  if (abandoned.length) notes.push(`host(s) ${abandoned.join(', ')} stay on: their moves could not be ordered validly`);
  const violation = verifyPlan(s0, plan.steps, { maxConcurrentPerHost: conc });
  const final = plan.final;

  const emptied = new Set(plan.emptied);
  const poweredOff = [...consolidated].filter((h) => emptied.has(h));
  const poweredOffSet = new Set(poweredOff);
  const idle = (cons?.alreadyEmpty ?? []).filter((id) => {
    const h = s0.hostIndex.get(id)!;
    return s0.eligible[h] && !s0.maintenance[h] && !poweredOnByRelief.has(id) && !final.vmsOn(h).length;
  });

  const roi = planRoi(
    { poweredOff, steps: plan.steps, overloadProbability: overloadProbability(plan.steps, s0, weight) },
    { model, horizonMonths: HORIZON_MONTHS },
  );
  const roiByHost = new Map(roi.actions.map((a) => [a.host, a]));
  const firstFrom = new Map<string, string>();
  for (const s of plan.steps) if (!firstFrom.has(s.vm)) firstFrom.set(s.vm, s.from);

  const recs: ClusterRecommendation[] = [];
  const lbPriority = (h: number) => {
    const imp = hotImpact(s0, h, thrC, thrM);
    let p = imp === 'critical' ? 1 : 2;
    if (goals.goals.has('balance') || goals.goals.has('latency')) p -= 1;
    return { impact: imp, priority: clampPriority(p) };
  };
  const shareC = (s: ClusterState, h: number) => s.loadCores[h] / s.capCores[h];
  const shareM = (s: ClusterState, h: number) => s.loadMem[h] / s.capMem[h];
  const hotAfter = (h: number) => shareC(final, h) > thrC + 1e-9 || shareM(final, h) > thrM + 1e-9;
  const stepParams = (s: PlanStep): Record<string, unknown> => ({
    vm: s.vm,
    from: s.from,
    to: s.to,
    step: s.index,
    wave: s.wave,
    temporary: s.temporary,
    duration_s: r2(s.estimate.durationS),
    downtime_s: r4(s.estimate.downtimeS),
    strategy: s.estimate.strategy,
    converges: s.estimate.converges,
    rounds: s.estimate.rounds,
    transferred_gb: r2(s.estimate.transferredGiB),
    cost: r2(s.cost),
  });

  // Steps by the host their VM started on.
  const stepsByOrigin = new Map<string, PlanStep[]>();
  for (const s of plan.steps) {
    const o = firstFrom.get(s.vm)!;
    const l = stepsByOrigin.get(o);
    if (l) l.push(s);
    else stepsByOrigin.set(o, [s]);
  }

  // load_balancing per hot host, migration per move off it, scaling when it stays hot.
  for (const h of hotIdx) {
    const id = s0.hosts[h].id;
    const { impact, priority } = lbPriority(h);
    const steps = stepsByOrigin.get(id) ?? [];
    const onHost = s0.vmsOn(h);
    const conf = confidenceOf(measuredShare(onHost), 1 - steps.reduce((p, s) => p * (1 - migrationRisk(s.estimate)), 1));
    const before = { cpu: shareC(s0, h), memory: shareM(s0, h) };
    const after = { cpu: shareC(final, h), memory: shareM(final, h) };
    const why = `${id} runs at ${pct(before.cpu)} CPU and ${pct(before.memory)} memory (demand: ${sizingWords(onHost, fleet.usageSource)}), above the thresholds ${pct(thrC)} / ${pct(thrM)}`;
    if (steps.length) {
      const targets = [...new Set(steps.filter((s) => !s.temporary).map((s) => s.to))];
      recs.push({
        type: 'load_balancing',
        target: id,
        action: `rebalance ${id}: move ${steps.length} VM(s) to ${targets.slice(0, 3).join(', ')}${targets.length > 3 ? ` and ${targets.length - 3} more` : ''}, bringing it from ${pct(before.cpu)} to ${pct(after.cpu)} CPU and ${pct(before.memory)} to ${pct(after.memory)} memory`,
        parameters: {
          host: id,
          cpu_before: r4(before.cpu),
          cpu_after: r4(after.cpu),
          memory_before: r4(before.memory),
          memory_after: r4(after.memory),
          cpu_threshold: thrC,
          memory_threshold: thrM,
          migrations: steps.length,
          moves: steps.map((s) => ({ vm: s.vm, from: s.from, to: s.to, step: s.index, wave: s.wave })),
        },
        priority,
        impact,
        confidence: conf,
        reasons: [why, hotAfter(h) ? `still above a threshold after the moves: no other host has room for more of its VMs` : `the cheapest moves (by estimated pause) that bring it under both thresholds`],
      });
      for (const s of steps) {
        recs.push({
          type: 'migration',
          target: s.vm,
          action: s.temporary ? `park ${s.vm} on ${s.to} (temporary, frees room for another move), then move it on` : `migrate ${s.vm} from ${s.from} to ${s.to}`,
          parameters: stepParams(s),
          priority,
          impact,
          confidence: confidenceOf(measuredShare([s0.vmIndex.get(s.vm)!]), migrationRisk(s.estimate)),
          reasons: [`relieves ${id}: ${why}`, ...s.estimate.reasons],
        });
      }
    }
    if (hotAfter(h)) {
      const overC = Math.max(0, final.loadCores[h] - thrC * s0.capCores[h]);
      const overM = Math.max(0, final.loadMem[h] - thrM * s0.capMem[h]);
      const unresolved = relief.unresolved.find((u) => u.host === id);
      recs.push({
        type: 'scaling',
        target: id,
        action: `add capacity for ${id}: it stays at ${pct(after.cpu)} CPU and ${pct(after.memory)} memory and no host has room below the thresholds for its VMs`,
        parameters: { host: id, cpu_after: r4(after.cpu), memory_after: r4(after.memory), cores_over_threshold: r4(overC), memory_gb_over_threshold: r4(overM), resource: overC / s0.capCores[h] >= overM / s0.capMem[h] ? 'cpu' : 'memory' },
        priority: 1,
        impact: after.cpu >= 1 || after.memory >= 1 ? 'critical' : 'high',
        confidence: confidenceOf(measuredShare(onHost)),
        reasons: [why, unresolved?.reason ?? 'its moves could not be ordered validly'],
      });
    }
  }

  // Moves that belong to neither a hot host nor a power-off (should not happen; listed if they do).
  const hotIds = new Set(hotIdx.map((h) => s0.hosts[h].id));
  for (const [o, steps] of stepsByOrigin) {
    if (hotIds.has(o) || poweredOffSet.has(o)) continue;
    for (const s of steps) {
      recs.push({
        type: 'migration',
        target: s.vm,
        action: `migrate ${s.vm} from ${s.from} to ${s.to}`,
        parameters: stepParams(s),
        priority: 4,
        impact: 'low',
        confidence: confidenceOf(measuredShare([s0.vmIndex.get(s.vm)!]), migrationRisk(s.estimate)),
        reasons: ['part of the consolidation plan', ...s.estimate.reasons],
      });
    }
  }

  // energy_optimization per host to power off, and per idle host.
  const activeBefore = s0.activeHosts();
  const activeAfter = final.activeHosts();
  const freedShare = activeBefore > 0 ? poweredOff.length / activeBefore : 0;
  const energyImpact: Impact = freedShare >= 0.2 ? 'high' : freedShare >= 0.05 ? 'medium' : 'low';
  const energyPriority = goals.goals.has('energy') && !goals.defaulted ? 3 : 4;
  const perHostSaving = hostPowerOffMonthlySaving(model);
  for (const id of poweredOff) {
    const steps = stepsByOrigin.get(id) ?? [];
    const a = roiByHost.get(id)!;
    const receivers = new Set<number>();
    for (const s of steps) receivers.add(s0.hostIndex.get(s.to)!);
    const concerned: number[] = [];
    for (const r of receivers) concerned.push(...final.vmsOn(r));
    const targets = [...new Set(steps.filter((s) => !s.temporary).map((s) => s.to))];
    recs.push({
      type: 'energy_optimization',
      target: id,
      action: `power off ${id} after moving its ${steps.filter((s) => !s.temporary).length} VM(s) to ${targets.slice(0, 3).join(', ')}${targets.length > 3 ? ` and ${targets.length - 3} more` : ''}`,
      parameters: {
        host: id,
        migrations: steps.length,
        moves: steps.map((s) => ({ vm: s.vm, from: s.from, to: s.to, step: s.index, wave: s.wave, temporary: s.temporary, duration_s: r2(s.estimate.durationS), downtime_s: r4(s.estimate.downtimeS) })),
        monthly_saving: r2(a.monthlySaving),
        one_off_cost: r2(a.oneOffCost),
        payback_days: Number.isFinite(a.paybackDays) ? r2(a.paybackDays) : -1,
        net_benefit: r2(a.netBenefit),
        horizon_months: HORIZON_MONTHS,
        risk: r4(a.risk),
      },
      priority: energyPriority,
      impact: energyImpact,
      confidence: confidenceOf(measuredShare(concerned), a.risk),
      reasons: [
        `${id} can be emptied: every one of its VMs fits on another running host within ${pct(thrC)} CPU / ${pct(thrM)} memory and anti-affinity`,
        `saves ${r2(a.monthlySaving)} per month (idle draw × PUE × energy price${model.hostMonthlyFixed ? ' + fixed host cost' : ''}); the ${a.migrations} migration(s) cost ${r2(a.oneOffCost)} once and pay back in ${Number.isFinite(a.paybackDays) ? `${a.paybackDays.toFixed(1)} days` : 'never'}`,
      ],
    });
  }
  for (const id of idle) {
    recs.push({
      type: 'energy_optimization',
      target: id,
      action: `power off ${id}: it runs no VMs`,
      parameters: { host: id, migrations: 0, moves: [], monthly_saving: r2(perHostSaving), one_off_cost: 0, payback_days: 0, net_benefit: r2(perHostSaving * HORIZON_MONTHS), horizon_months: HORIZON_MONTHS, risk: 0 },
      priority: energyPriority + 1,
      impact: 'low',
      confidence: 0.8,
      reasons: [`${id} is available and runs no registered VM: powering it off saves ${r2(perHostSaving)} per month`, 'keep it on if it is a failover spare'],
    });
  }

  // scaling: VMs no host can hold.
  for (const sp of recommendSplitsInState(s0)) {
    const v = s0.vmIndex.get(sp.vm)!;
    recs.push({
      type: 'scaling',
      target: sp.vm,
      action: `split ${sp.vm} into ${sp.instances} instances of ${sp.perInstance.cores.toFixed(2)} cores and ${sp.perInstance.memoryGiB.toFixed(1)} GiB: it fits no host within the thresholds`,
      parameters: { vm: sp.vm, action: 'split', instances: sp.instances, per_instance_cores: r4(sp.perInstance.cores), per_instance_memory_gb: r4(sp.perInstance.memoryGiB), sized_for_host: sp.sizedFor.host },
      priority: 2,
      impact: 'high',
      confidence: Math.min(sp.confidence, confidenceOf(measuredShare([v]))),
      reasons: sp.reasons,
    });
  }

  // resource_allocation: queued jobs against free capacity.
  if (queued > 0 && goals.goals.has('throughput')) {
    let freeC = 0;
    let freeM = 0;
    let hostsWithRoom = 0;
    let slotC = 0;
    let slotM = 0;
    for (let h = 0; h < H; h++) {
      if (final.maintenance[h] || !final.vmsOn(h).length) continue;
      const fc = Math.max(0, final.limCores[h] - final.loadCores[h]);
      const fm = Math.max(0, final.limMem[h] - final.loadMem[h]);
      freeC += fc;
      freeM += fm;
      if (fc >= 1 && fm >= 1) {
        hostsWithRoom++;
        if (fc > slotC) {
          slotC = fc;
          slotM = fm;
        }
      }
    }
    const share = queued / (queued + (aggregates.activeJobs ?? 0));
    const impact: Impact = share >= 0.5 ? 'high' : share >= 0.1 ? 'medium' : 'low';
    if (hostsWithRoom > 0) {
      recs.push({
        type: 'resource_allocation',
        target: ctx.clusterId,
        action: `schedule the ${queued} queued job(s) on free capacity: ${freeC.toFixed(1)} cores and ${freeM.toFixed(1)} GiB below the thresholds on ${hostsWithRoom} host(s) (largest: ${slotC.toFixed(1)} cores / ${slotM.toFixed(1)} GiB)`,
        parameters: { queued_jobs: queued, free_cores: r2(freeC), free_memory_gb: r2(freeM), hosts_with_room: hostsWithRoom, largest_slot_cores: r2(slotC), largest_slot_memory_gb: r2(slotM) },
        priority: 2,
        impact,
        confidence: confidenceOf(cov.coreShare),
        reasons: [`${queued} job(s) queued while running hosts have room below ${pct(thrC)} CPU / ${pct(thrM)} memory`],
      });
    } else {
      recs.push({
        type: 'scaling',
        target: ctx.clusterId,
        action: `add capacity: ${queued} job(s) are queued and no running host has a core and a GiB free below the thresholds`,
        parameters: { queued_jobs: queued, free_cores: r2(freeC), free_memory_gb: r2(freeM), resource: 'cpu' },
        priority: 2,
        impact,
        confidence: confidenceOf(cov.coreShare),
        reasons: [`${queued} job(s) queued and the fleet is full up to its thresholds`],
      });
    }
  }

  // Gains, risk, overall confidence.
  const before = fleetStats(s0, thrC, thrM);
  const after = fleetStats(final, thrC, thrM);
  const gains: Record<string, number> = {
    hosts_active_before: activeBefore,
    hosts_active_after: activeAfter,
    hosts_freed: poweredOff.length,
    idle_hosts: idle.length,
    energy_saving_monthly: r2(roi.monthlySaving + idle.length * perHostSaving),
    migrations: plan.totals.migrations,
    migration_waves: plan.waves.length,
    plan_wall_clock_s: r2(plan.totals.wallClockS),
    migration_one_off_cost: r2(roi.oneOffCost),
    net_benefit: r2(roi.netBenefit + idle.length * perHostSaving * HORIZON_MONTHS),
    peak_cpu_utilization_before: r4(before.peakCpu),
    peak_cpu_utilization_after: r4(after.peakCpu),
    peak_memory_utilization_before: r4(before.peakMem),
    peak_memory_utilization_after: r4(after.peakMem),
    overloaded_hosts_before: before.overloaded,
    overloaded_hosts_after: after.overloaded,
  };
  if (Number.isFinite(roi.paybackDays) && roi.migrations > 0) gains.payback_days = r2(roi.paybackDays);

  const movedVms = plan.steps.map((s) => s0.vmIndex.get(s.vm)!);
  const movedShare = measuredShare(movedVms);
  const factors: string[] = [];
  const mitigations: string[] = [];
  if (plan.totals.migrations) {
    factors.push(`${plan.totals.migrations} live migration(s); each fails with probability ≈ 0.1% when pre-copy converges and 2% when it cannot`);
    mitigations.push(`run the plan wave by wave (${plan.waves.length} wave(s), at most ${conc} migration(s) per host at once) and check each wave's hosts before the next`);
  }
  if (roi.riskParts.nonConvergent) {
    factors.push(`${roi.riskParts.nonConvergent} VM(s) dirty memory too fast for pre-copy: post-copy pauses them only at switch-over, but a network failure mid-way loses the VM`);
    mitigations.push('migrate the non-convergent VMs post-copy over a reliable link, or in a quiet window when their dirty rate is low');
  }
  if (movedVms.length && movedShare > 0) {
    factors.push(`VMs are packed by a high quantile of their usage (p${Math.round(USAGE_QUANTILE * 100)} of 7 days from telemetry, or the utilisation the caller stated): a VM exceeds it about ${pct(1 - USAGE_QUANTILE)} of the time`);
    mitigations.push('re-run after the next usage peak; keep powered-off hosts ready to power on');
  }
  if (movedVms.length && movedShare < 1) {
    factors.push(`${pct(1 - movedShare)} of the moved cores are sized by allocation (no usage data): safe for capacity, but hotspots and savings are judged on allocations`);
    mitigations.push('send cpu_utilization and memory_utilization telemetry for the VMs (POST /api/v1/telemetry) so they are sized by use');
  }
  if (fleet.usageSource.includes('stated')) factors.push('utilisations sent in cluster_data are taken as peaks: if they are means, the plan packs too tightly');
  const stillHot = hotIdx.filter(hotAfter).length;
  if (stillHot) {
    factors.push(`${stillHot} host(s) stay above a threshold after the plan`);
    mitigations.push('add capacity or rightsize the VMs on the hosts that stay hot (see the scaling recommendations)');
  }
  const headroom = failoverHeadroom(final);
  if (headroom < 1 && final.activeHosts() > 1) factors.push(`after the plan, the free capacity below the thresholds (${pct(headroom)} of the busiest host's load) cannot take the busiest host's VMs if it fails`);
  if (poweredOff.length || idle.length) mitigations.push('power hosts off only after their VMs have run on the new hosts for a full usage cycle (a day)');
  if (c.minAvailability !== undefined && plan.steps.length) {
    const worst = Math.max(...plan.steps.map((s) => s.estimate.downtimeS));
    const budgetS = (1 - c.minAvailability) * 730.5 * 3600;
    (worst <= budgetS ? mitigations : factors).push(`the longest pause of one VM is ${(1000 * worst).toFixed(0)} ms against a monthly downtime budget of ${(budgetS / 60).toFixed(0)} min at availability ${c.minAvailability}`);
  }
  if (violation) factors.push(`plan check failed at step ${violation.step}: ${violation.message}`);
  if (plan.dropped.length) factors.push(`${plan.dropped.length} move(s) could not be ordered validly and were left out`);
  const risk: RiskAssessment = {
    overall_risk: r4(Math.min(1, Math.max(0, roi.risk))),
    risk_factors: factors,
    mitigations,
    risk_breakdown: {
      migration_failure: r4(roi.riskParts.migrations),
      overload: r4(roi.riskParts.overload),
      non_convergent_migrations: roi.riskParts.nonConvergent,
      temporary_moves: plan.totals.temporary,
      allocation_sized_share: movedVms.length ? r4(1 - movedShare) : r4(1 - cov.coreShare),
      hosts_still_hot: stillHot,
      failover_headroom: r4(Math.min(headroom, 10)),
    },
  };

  const summary: PlanSummary = {
    migrations: plan.totals.migrations,
    temporary_moves: plan.totals.temporary,
    waves: plan.waves.length,
    wall_clock_s: r2(plan.totals.wallClockS),
    downtime_s: r4(plan.totals.downtimeS),
    transferred_gb: r2(plan.totals.transferredGiB),
    one_off_cost: r2(plan.totals.cost),
    verified: violation === null,
    violation: violation ? violation.message : null,
    dropped: plan.dropped.map((d) => ({ vm: d.vm, from: d.from, to: d.to, reason: d.reason })),
  };
  if (!recs.length) notes.push(`nothing to do: no host above ${pct(thrC)} CPU / ${pct(thrM)} memory${goals.goals.has('energy') ? ', no host can be emptied' : ''}, every VM fits a host`);
  // Confidence in the plan as a whole: its data coverage and the chance its packing overloads a
  // host; not the chance that one of many migrations fails (a failed pre-copy leaves the VM on its
  // source), which overall_risk reports.
  const confidence = confidenceOf(cov.coreShare, roi.riskParts.overload);
  return finish(ctx, recs, gains, risk, violation ? Math.min(confidence, 0.3) : confidence, 'fleet', fleet.source, coverage, summary);
}

/** Impact of a hotspot from its excess over the threshold (or being over capacity). */
function hotImpact(s: ClusterState, h: number, thrC: number, thrM: number): Impact {
  const c = s.loadCores[h] / s.capCores[h];
  const m = s.loadMem[h] / s.capMem[h];
  if (c >= 1 || m >= 1) return 'critical';
  const excess = Math.max(c - thrC, m - thrM);
  return excess >= 0.15 ? 'critical' : excess >= 0.05 ? 'high' : 'medium';
}

function sizingWords(vms: readonly number[], src: readonly UsageSource[]): string {
  let measured = 0;
  for (const v of vms) if (src[v] === 'telemetry' || src[v] === 'stated') measured++;
  if (measured === vms.length) return 'measured usage of every VM';
  if (measured === 0) return 'VM allocations, no usage data';
  return `measured usage of ${measured} of ${vms.length} VMs, allocation for the rest`;
}

function fleetStats(s: ClusterState, thrC: number, thrM: number): { peakCpu: number; peakMem: number; overloaded: number } {
  let peakCpu = 0;
  let peakMem = 0;
  let overloaded = 0;
  for (let h = 0; h < s.hostCount; h++) {
    if (!s.vmsOn(h).length) continue;
    const c = s.loadCores[h] / s.capCores[h];
    const m = s.loadMem[h] / s.capMem[h];
    if (c > peakCpu) peakCpu = c;
    if (m > peakMem) peakMem = m;
    if (c > thrC + 1e-9 || m > thrM + 1e-9) overloaded++;
  }
  return { peakCpu, peakMem, overloaded };
}

/**
 * Free capacity below the limits on the running hosts other than the busiest one, as a multiple
 * of the busiest host's demand (the smaller of the CPU and memory ratios): ≥ 1 means the busiest
 * host's VMs could be re-homed if it failed (in aggregate; fragmentation ignored).
 */
function failoverHeadroom(s: ClusterState): number {
  let busiest = -1;
  let bestLoad = -1;
  for (let h = 0; h < s.hostCount; h++) {
    if (!s.vmsOn(h).length) continue;
    const l = Math.max(s.loadCores[h] / s.capCores[h], s.loadMem[h] / s.capMem[h]);
    if (l > bestLoad) {
      bestLoad = l;
      busiest = h;
    }
  }
  if (busiest < 0) return 10;
  let fc = 0;
  let fm = 0;
  for (let h = 0; h < s.hostCount; h++) {
    if (h === busiest || s.maintenance[h] || !s.vmsOn(h).length) continue;
    fc += Math.max(0, s.limCores[h] - s.loadCores[h]);
    fm += Math.max(0, s.limMem[h] - s.loadMem[h]);
  }
  const rc = s.loadCores[busiest] > 0 ? fc / s.loadCores[busiest] : 10;
  const rm = s.loadMem[busiest] > 0 ? fm / s.loadMem[busiest] : 10;
  return Math.min(rc, rm);
}

/**
 * Probability that a host overloads after the plan, for planRoi: a VM sized at a high quantile
 * exceeds it (1 − quantile) of the time; weighted by the share of moved cores sized that way
 * (allocation-sized VMs cannot exceed their size). An assumption, stated in the risk factors.
 */
function overloadProbability(steps: readonly PlanStep[], s0: ClusterState, weight: Float64Array): number {
  let all = 0;
  let measured = 0;
  const seen = new Set<string>();
  for (const s of steps) {
    if (seen.has(s.vm)) continue;
    seen.add(s.vm);
    const v = s0.vmIndex.get(s.vm)!;
    all += s0.allocCores[v];
    measured += s0.allocCores[v] * weight[v];
  }
  return all > 0 ? (1 - USAGE_QUANTILE) * (measured / all) : 0;
}

// ───────────────────────────────────────────────────────────── aggregates only

function optimizeAggregates(ctx: Ctx): OptimizeClusterResult {
  const { aggregates: a, constraints: c, goals, notes } = ctx;
  const recs: ClusterRecommendation[] = [];
  const gains: Record<string, number> = {};
  const factors = ['recommendations rest on cluster averages only: per-host imbalance, hotspots and what can move are unknown'];
  const mitigations = ['send cluster_data.hosts and cluster_data.vms, or register the fleet and its usage telemetry, for a concrete migration plan'];
  const cap = AGGREGATE_CONFIDENCE_CAP;
  const scaleFor = (res: 'cpu' | 'memory', u: number, thr: number) => {
    const extra = u / thr - 1;
    recs.push({
      type: 'scaling',
      target: ctx.clusterId,
      action: `add ${res} capacity: the cluster averages ${pct(u)} ${res}, above the ${pct(thr)} threshold; about ${pct(extra)} more ${res} capacity brings the average to the threshold`,
      parameters: { resource: res, utilization: r4(u), threshold: thr, additional_capacity_fraction: r4(extra) },
      priority: u >= 0.95 ? 1 : 2,
      impact: u >= 0.95 || u - thr >= 0.1 ? 'critical' : 'high',
      confidence: cap,
      reasons: [`average ${res} utilisation ${pct(u)} > max_${res}_threshold ${pct(thr)}: even a perfect balance leaves hosts above the threshold`],
    });
    gains[`${res}_utilization_before`] = r4(u);
    gains[`${res}_utilization_after_scaling`] = thr;
    gains[`additional_${res}_capacity_fraction`] = r4(extra);
  };
  if (a.cpu !== undefined && a.cpu > c.maxCpuThreshold) scaleFor('cpu', a.cpu, c.maxCpuThreshold);
  if (a.memory !== undefined && a.memory > c.maxMemoryThreshold) scaleFor('memory', a.memory, c.maxMemoryThreshold);
  const queued = a.queuedJobs ?? 0;
  if (queued > 0 && a.cpu !== undefined && a.cpu < 0.5 && goals.goals.has('throughput')) {
    const share = queued / (queued + (a.activeJobs ?? 0));
    recs.push({
      type: 'resource_allocation',
      target: ctx.clusterId,
      action: `schedule the ${queued} queued job(s): the cluster averages ${pct(a.cpu)} CPU, so capacity is idle while jobs wait`,
      parameters: { queued_jobs: queued, active_jobs: a.activeJobs ?? 0, cpu_utilization: r4(a.cpu), idle_cpu_fraction: r4(1 - a.cpu) },
      priority: 2,
      impact: share >= 0.5 ? 'high' : share >= 0.1 ? 'medium' : 'low',
      confidence: r4(cap - 0.05),
      reasons: [`${queued} job(s) queued with average CPU at ${pct(a.cpu)}: the queue is not waiting for CPU (check memory, placement constraints or the scheduler's admission)`],
    });
    gains.queued_jobs = queued;
    gains.idle_cpu_fraction = r4(1 - a.cpu);
  }
  if (goals.goals.has('energy') && !(queued > 0 && goals.goals.has('throughput')) && a.cpu !== undefined && a.memory !== undefined) {
    const needed = Math.max(a.cpu / c.maxCpuThreshold, a.memory / c.maxMemoryThreshold);
    if (needed <= 0.5) {
      recs.push({
        type: 'energy_optimization',
        target: ctx.clusterId,
        action: `consolidate: at ${pct(a.cpu)} CPU and ${pct(a.memory)} memory, perfect packing to the thresholds would need ${pct(needed)} of the hosts`,
        parameters: { cpu_utilization: r4(a.cpu), memory_utilization: r4(a.memory), hosts_needed_fraction: r4(needed), hosts_freeable_fraction: r4(1 - needed) },
        priority: 4,
        impact: 1 - needed >= 0.2 ? 'high' : 'medium',
        confidence: r4(cap - 0.1),
        reasons: ['an upper bound from averages: fragmentation, anti-affinity and VM sizes free fewer hosts in practice'],
      });
      gains.hosts_freeable_fraction = r4(1 - needed);
    }
  }
  if (a.averageLatency !== undefined && goals.goals.has('latency')) notes.push('average_latency is reported but no latency target is known: it does not drive a recommendation');
  notes.push('only cluster averages were available: per-host data (cluster_data.hosts and cluster_data.vms, or the inventory) would allow a concrete migration plan');
  const known = (a.cpu !== undefined ? 1 : 0) + (a.memory !== undefined ? 1 : 0);
  const confidence = recs.length ? Math.max(...recs.map((r) => r.confidence)) : known === 2 ? cap : 0.5;
  return finish(
    ctx,
    recs,
    gains,
    { overall_risk: 0, risk_factors: factors, mitigations, risk_breakdown: { migration_failure: 0, allocation_sized_share: 1 } },
    confidence,
    'aggregates',
    'aggregates',
    emptyCoverage(),
    EMPTY_PLAN,
  );
}
