/**
 * NovaCron's `POST /predict/migration` (contract §1B, called by the scheduler's OptimizeMigration,
 * §2C): which of the target hosts a VM should move to, how long the move takes, how long the VM
 * pauses, what it does to the network and what it costs — from the pre-copy model of
 * migration-estimate.ts, the fleet state when the engine knows the hosts, and the cost model.
 *
 * Inputs (besides vm_id, source_host, target_hosts):
 * - vm_metrics: memory_gb | memory_mb (required unless the VM is in the inventory), cpu_cores |
 *   vcpus, cpu_usage / memory_usage (fractions or percent: the VM's use of its allocation),
 *   dirty_rate_mbps (MB/s) | dirty_rate_mibps (MiB/s); unknown keys are ignored;
 * - network_topology: bandwidth_mbps | bandwidth_gbps (megabits / gigabits per second: the
 *   hosts' migration link), latency_ms, utilization (0–1 or %), packet_loss (0–1 or %),
 *   max_migration_bandwidth_mbps, and links: [{source?, target, …the same keys}] per target;
 * - sla_requirements: max_downtime_ms | max_downtime_s (the pre-copy pause target), max_duration_s;
 * - cost_constraints: max_cost, downtime_cost_per_hour, migration_fixed_cost,
 *   performance_benefit_monthly, horizon_months.
 *
 * Targets are ranked: hosts the inventory knows that can take the VM (capacity within the packing
 * limits, allocation caps, anti-affinity, not in maintenance) by room left and utilisation after
 * the move; then hosts the engine does not know (capacity unchecked: scored lower, with the
 * reason); hosts that cannot take it score 0. Network impact is computed from the stated link
 * (the migration's share of it, and M/M/1 queueing delay for 1,500-byte packets at the link
 * utilisation during the move); without a network_topology it is 0 with the reason in `basis`.
 * Confidence grows with what is known: 0.5 with only the memory size, +0.15 each for a stated
 * dirty rate, a stated link, and a recommended host the inventory knows; at most 0.95.
 */
import type { ClusterState } from './cluster-state.js';
import type { LoadedCluster } from './cluster-inventory.js';
import { costModel, DEFAULT_COST_MODEL, type CostModel } from './cost-model.js';
import { DEFAULT_DIRTY_RATE_MIBPS, DEFAULT_LINK, estimateMigration, type MigrationEstimate, type MigrationLink } from './migration-estimate.js';
import { fraction, isObject, MBPS_TO_MIBPS } from './performance-optimization-input.js';
import { moveCostAnalysis } from './roi.js';

export const MIGRATION_ESTIMATOR_VERSION = 'migration-estimator-1.0.0';
/** Most targets one prediction ranks (an empty target_hosts means every inventory host, up to this). */
export const MAX_MIGRATION_TARGETS = 10_000;
/** Most per-link entries of network_topology.links. */
export const MAX_TOPOLOGY_LINKS = 10_000;
/** Bytes per packet in the queueing-delay model. */
const PACKET_BITS = 1500 * 8;
/** Megabits/s → MiB/s. */
const MBIT_TO_MIBPS = 1e6 / 8 / 2 ** 20;

export class MigrationInputError extends Error {
  override name = 'MigrationInputError';
  constructor(
    readonly path: string,
    message: string,
    /** True when the request is well-formed but lacks what a prediction needs (HTTP 422). */
    readonly insufficient = false,
  ) {
    super(`${path} ${message}`);
  }
}

export interface PredictMigrationInput {
  vm_id: string;
  source_host: string;
  target_hosts: readonly string[];
  vm_metrics?: unknown;
  network_topology?: unknown;
  sla_requirements?: unknown;
  cost_constraints?: unknown;
  /** The engine's fleet, when it has one. */
  cluster?: LoadedCluster | null;
  model?: CostModel;
  now?: number;
  /** JSON pointer of the body, for error paths (default ''). */
  path?: string;
}

export interface TargetAssessment {
  host: string;
  score: number;
  feasible: boolean;
  known: boolean;
  cpu_utilization_after: number | null;
  memory_utilization_after: number | null;
  room_after: number | null;
  prediction_time: number;
  estimated_downtime: number;
  reasons: string[];
}

export interface NetworkImpact {
  bandwidth_utilization: number;
  latency_increase_ms: number;
  packet_loss_rate: number;
  basis: string;
}

export interface PredictMigrationResult {
  vm_id: string;
  recommended_host: string;
  prediction_time: number;
  confidence: number;
  reasons: string[];
  migration_score: number;
  network_impact: NetworkImpact;
  estimated_downtime: number;
  cost_analysis: { migration_cost: number; operational_savings: number; performance_benefit_value: number; net_benefit: number };
  /** NovaCron's fallback shape (target_host, score, strategy, confidence) alongside. */
  target_host: string;
  score: number;
  strategy: string;
  rounds: number;
  converges: boolean;
  transferred_gb: number;
  duration_s: number;
  candidates: TargetAssessment[];
  assumptions: string[];
  timestamp: string;
}

interface LinkSpec {
  bandwidthMbit?: number;
  latencyMs?: number;
  utilization?: number;
  packetLoss?: number;
  maxMigrationMbit?: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

function num(o: Record<string, unknown>, key: string, path: string, min = 0): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new MigrationInputError(`${path}/${key}`, 'must be a finite number');
  if (v < min) throw new MigrationInputError(`${path}/${key}`, `must be ≥ ${min}`);
  return v;
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new MigrationInputError(path, 'must be an object');
  return v;
}

function frac(o: Record<string, unknown>, key: string, path: string): number | undefined {
  try {
    return fraction(o[key], `${path}/${key}`);
  } catch (e) {
    throw new MigrationInputError(`${path}/${key}`, 'must be a fraction 0–1 or a percentage 0–100');
  }
}

function linkOf(o: Record<string, unknown>, path: string): LinkSpec {
  const l: LinkSpec = {};
  const mbps = num(o, 'bandwidth_mbps', path);
  const gbps = num(o, 'bandwidth_gbps', path);
  if (mbps !== undefined || gbps !== undefined) {
    l.bandwidthMbit = mbps ?? gbps! * 1000;
    if (!(l.bandwidthMbit > 0)) throw new MigrationInputError(`${path}/${mbps !== undefined ? 'bandwidth_mbps' : 'bandwidth_gbps'}`, 'must be > 0');
  }
  const lat = num(o, 'latency_ms', path);
  if (lat !== undefined) l.latencyMs = lat;
  const u = frac(o, 'utilization', path);
  if (u !== undefined) l.utilization = Math.min(u, 0.99);
  const loss = frac(o, 'packet_loss', path);
  if (loss !== undefined) l.packetLoss = loss;
  const cap = num(o, 'max_migration_bandwidth_mbps', path);
  if (cap !== undefined) {
    if (!(cap > 0)) throw new MigrationInputError(`${path}/max_migration_bandwidth_mbps`, 'must be > 0');
    l.maxMigrationMbit = cap;
  }
  return l;
}

/** Predicts a migration (see the file comment). Throws MigrationInputError on malformed or insufficient input. */
export function predictMigration(input: PredictMigrationInput): PredictMigrationResult {
  const base = input.path ?? '';
  const now = input.now ?? Date.now();
  const metrics = obj(input.vm_metrics, `${base}/vm_metrics`);
  const topo = obj(input.network_topology, `${base}/network_topology`);
  const sla = obj(input.sla_requirements, `${base}/sla_requirements`);
  const costIn = obj(input.cost_constraints, `${base}/cost_constraints`);
  const mp = `${base}/vm_metrics`;
  const cluster = input.cluster ?? null;
  const state: ClusterState | null = cluster?.state ?? null;
  const assumptions: string[] = [];
  const reasons: string[] = [];

  // The VM: from the request, else from the inventory.
  const v = state?.vmIndex.get(input.vm_id);
  const known = v !== undefined;
  const memGb = num(metrics, 'memory_gb', mp);
  const memMb = num(metrics, 'memory_mb', mp);
  let memoryGiB = memGb ?? (memMb !== undefined ? memMb / 1024 : undefined);
  if (memoryGiB === undefined && known) {
    memoryGiB = state!.migrationInput(v!, DEFAULT_DIRTY_RATE_MIBPS).memoryGiB;
    reasons.push(`memory to copy: ${memoryGiB.toFixed(1)} GiB, ${input.vm_id}'s allocation in the inventory`);
  }
  if (memoryGiB === undefined) throw new MigrationInputError(mp, `needs memory_gb or memory_mb: ${input.vm_id} is not in the engine's inventory, and the migration time depends on the memory to copy`, true);
  if (!(memoryGiB > 0)) throw new MigrationInputError(mp, 'memory_gb / memory_mb must be > 0');
  const coresKey = metrics.cpu_cores !== undefined ? 'cpu_cores' : 'vcpus';
  const cores = num(metrics, coresKey, mp) ?? (known ? state!.allocCores[v!] : undefined);
  const cpuUse = frac(metrics, 'cpu_usage', mp) ?? frac(metrics, 'cpu_utilization', mp);
  const memUse = frac(metrics, 'memory_usage', mp) ?? frac(metrics, 'memory_utilization', mp);
  const dirtyMiB = num(metrics, 'dirty_rate_mibps', mp);
  const dirtyMB = num(metrics, 'dirty_rate_mbps', mp);
  let dirty = dirtyMiB ?? (dirtyMB !== undefined ? dirtyMB * MBPS_TO_MIBPS : undefined);
  let dirtyKnown = dirty !== undefined;
  if (dirty === undefined && known && state!.vms[v!].migration?.dirtyRateMiBps !== undefined) {
    dirty = state!.vms[v!].migration!.dirtyRateMiBps!;
    dirtyKnown = true;
  }
  if (dirty === undefined) {
    dirty = DEFAULT_DIRTY_RATE_MIBPS;
    assumptions.push(`dirty rate unknown: assumed ${DEFAULT_DIRTY_RATE_MIBPS} MiB/s (a moderately busy server); send vm_metrics.dirty_rate_mbps`);
  }
  if (known && state!.hosts[state!.vmHost[v!]].id !== input.source_host) {
    reasons.push(`the inventory places ${input.vm_id} on ${state!.hosts[state!.vmHost[v!]].id}, not ${input.source_host}: the inventory's placement is used for capacity and anti-affinity`);
  }

  // Link defaults and per-target links.
  const tp = `${base}/network_topology`;
  const defaultLink = linkOf(topo, tp);
  const linkList = topo.links;
  const perTarget = new Map<string, LinkSpec>();
  if (linkList !== undefined && linkList !== null) {
    if (!Array.isArray(linkList)) throw new MigrationInputError(`${tp}/links`, 'must be an array');
    if (linkList.length > MAX_TOPOLOGY_LINKS) throw new MigrationInputError(`${tp}/links`, `holds ${linkList.length} links; the limit is ${MAX_TOPOLOGY_LINKS}`);
    linkList.forEach((l, i) => {
      const p = `${tp}/links/${i}`;
      if (!isObject(l)) throw new MigrationInputError(p, 'must be an object');
      if (typeof l.target !== 'string' || !l.target) throw new MigrationInputError(`${p}/target`, 'must be a host id');
      if (l.source !== undefined && l.source !== null && typeof l.source !== 'string') throw new MigrationInputError(`${p}/source`, 'must be a host id');
      if (typeof l.source === 'string' && l.source !== input.source_host) return;
      perTarget.set(l.target, { ...defaultLink, ...linkOf(l, p) });
    });
  }

  // SLA and cost.
  const sp = `${base}/sla_requirements`;
  const maxDowntimeMs = num(sla, 'max_downtime_ms', sp);
  const maxDowntimeS = num(sla, 'max_downtime_s', sp) ?? (maxDowntimeMs !== undefined ? maxDowntimeMs / 1000 : undefined);
  const maxDurationS = num(sla, 'max_duration_s', sp);
  const cp = `${base}/cost_constraints`;
  let model = input.model ?? DEFAULT_COST_MODEL;
  const dc = num(costIn, 'downtime_cost_per_hour', cp);
  const fc = num(costIn, 'migration_fixed_cost', cp);
  if (dc !== undefined || fc !== undefined) model = costModel({ ...model, ...(dc !== undefined ? { downtimeCostPerHour: dc } : {}), ...(fc !== undefined ? { migrationFixedCost: fc } : {}) });
  const maxCost = num(costIn, 'max_cost', cp);
  const benefit = num(costIn, 'performance_benefit_monthly', cp) ?? 0;
  const horizon = num(costIn, 'horizon_months', cp, 0) ?? 12;

  // Targets.
  let targets = [...new Set(input.target_hosts)];
  if (targets.length === 0) {
    if (!state || state.hostCount === 0) throw new MigrationInputError(`${base}/target_hosts`, 'is empty and the engine has no registered hosts to choose from', true);
    targets = state.hosts.map((h) => h.id).filter((id) => id !== input.source_host).slice(0, MAX_MIGRATION_TARGETS);
    reasons.push(`target_hosts is empty: every registered host (${targets.length}) was considered`);
  }
  if (targets.length > MAX_MIGRATION_TARGETS) throw new MigrationInputError(`${base}/target_hosts`, `holds ${targets.length} hosts; the limit is ${MAX_MIGRATION_TARGETS}`);

  const linkFor = (t: string): { spec: LinkSpec; stated: boolean } => {
    const s = perTarget.get(t) ?? defaultLink;
    return { spec: s, stated: s.bandwidthMbit !== undefined };
  };
  const migrationLinkOf = (s: LinkSpec): Partial<MigrationLink> => {
    const link: Partial<MigrationLink> = {};
    if (s.bandwidthMbit !== undefined) {
      let mbit = s.bandwidthMbit * (1 - (s.utilization ?? 0));
      if (s.maxMigrationMbit !== undefined) mbit = Math.min(mbit, s.maxMigrationMbit);
      link.bandwidthMiBps = Math.max(mbit * MBIT_TO_MIBPS, 1e-6);
    }
    if (maxDowntimeS !== undefined) link.maxDowntimeS = maxDowntimeS;
    return link;
  };
  if (defaultLink.bandwidthMbit === undefined && perTarget.size === 0) assumptions.push(`link unknown: assumed ${DEFAULT_LINK.bandwidthMiBps} MiB/s for the migration (about a 10 GbE link); send network_topology.bandwidth_mbps`);

  const estimates = new Map<string, MigrationEstimate>();
  const estimateFor = (t: string): MigrationEstimate => {
    const key = JSON.stringify(linkFor(t).spec);
    let e = estimates.get(key);
    if (!e) estimates.set(key, (e = estimateMigration({ memoryGiB: memoryGiB!, dirtyRateMiBps: dirty! }, migrationLinkOf(linkFor(t).spec))));
    return e;
  };
  const chosenTimes = (e: MigrationEstimate) => (e.strategy === 'post-copy' ? e.postCopy : { durationS: e.durationS, downtimeS: e.downtimeS });
  const downtimeBudget = maxDowntimeS ?? 1;

  const candidates: TargetAssessment[] = targets.map((t) => {
    const e = estimateFor(t);
    const times = chosenTimes(e);
    const why: string[] = [];
    const migScore = (e.converges ? 1 - 0.5 * Math.min(1, times.downtimeS / downtimeBudget) : 0.3) * (maxDurationS !== undefined && times.durationS > maxDurationS ? 0.5 : 1);
    if (maxDurationS !== undefined && times.durationS > maxDurationS) why.push(`the move takes ${times.durationS.toFixed(0)} s, over max_duration_s ${maxDurationS}`);
    const h = state?.hostIndex.get(t);
    const base: Omit<TargetAssessment, 'score' | 'feasible' | 'known' | 'reasons'> = { host: t, cpu_utilization_after: null, memory_utilization_after: null, room_after: null, prediction_time: r4(times.durationS / 60), estimated_downtime: r4(times.downtimeS) };
    if (t === input.source_host) return { ...base, score: 0, feasible: false, known: h !== undefined, reasons: [`${t} is the source host`] };
    if (h === undefined || !state) {
      return { ...base, score: r4(0.25 + 0.25 * migScore), feasible: true, known: false, reasons: [...why, `${t} is not in the engine's inventory: its capacity and anti-affinity are unchecked`] };
    }
    if (state.maintenance[h]) return { ...base, score: 0, feasible: false, known: true, reasons: [`${t} is not available (maintenance, draining, offline or failed)`] };
    if (known && state.vmHost[v!] === h) return { ...base, score: 0, feasible: false, known: true, reasons: [`${input.vm_id} already runs on ${t}`] };
    // Demand the VM adds: the state's (its packing basis) when known, else its stated use of its allocation.
    const dC = known ? state.demCores[v!] : cores !== undefined ? cores * (cpuUse ?? 1) : 0;
    const dM = known ? state.demMem[v!] : memoryGiB! * (memUse ?? 1);
    const aC = known ? state.allocCores[v!] : (cores ?? 0);
    const aM = known ? state.allocMem[v!] : memoryGiB!;
    if (!known && cores === undefined) why.push('CPU size unknown (no vm_metrics.cpu_cores): only memory is checked');
    const afterC = state.loadCores[h] + dC;
    const afterM = state.loadMem[h] + dM;
    const cpuAfter = afterC / state.capCores[h];
    const memAfter = afterM / state.capMem[h];
    const full = { ...base, cpu_utilization_after: r4(cpuAfter), memory_utilization_after: r4(memAfter) };
    let refusal: string | null = null;
    if (afterC > state.limCores[h] + 1e-9) refusal = `${t} would reach ${pct(cpuAfter)} of its cores, above the ${pct(state.policy.cpuTarget)} limit`;
    else if (afterM > state.limMem[h] + 1e-9) refusal = `${t} would reach ${pct(memAfter)} of its memory, above the ${pct(state.policy.memoryTarget)} limit`;
    else if (state.loadAllocCores[h] + aC > state.allocCapCores[h] + 1e-9) refusal = `${t} would exceed its allocation cap on cores`;
    else if (state.loadAllocMem[h] + aM > state.allocCapMem[h] + 1e-9) refusal = `${t} would exceed its allocation cap on memory`;
    else if (known && state.conflictingGroup(v!, h) >= 0) refusal = `${t} already runs a VM of anti-affinity group ${state.groupNames[state.conflictingGroup(v!, h)]}`;
    if (refusal) return { ...full, score: 0, feasible: false, known: true, reasons: [...why, refusal] };
    const room = Math.min((state.limCores[h] - afterC) / state.limCores[h], (state.limMem[h] - afterM) / state.limMem[h]);
    const hostScore = 0.6 * room + 0.4 * (1 - Math.max(cpuAfter, memAfter));
    why.unshift(`${t} after the move: ${pct(cpuAfter)} CPU, ${pct(memAfter)} memory; ${pct(room)} of its limit left`);
    return { ...full, room_after: r4(room), score: r4(0.5 + 0.5 * (0.7 * hostScore + 0.3 * migScore)), feasible: true, known: true, reasons: why };
  });
  candidates.sort((a, b) => b.score - a.score || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const best = candidates.find((c) => c.feasible);

  const e = estimateFor(best?.host ?? targets[0]);
  const times = chosenTimes(e);
  const bestLink = linkFor(best?.host ?? targets[0]);
  reasons.push(...e.reasons);
  let confidence = 0.5 + (dirtyKnown ? 0.15 : 0) + (bestLink.stated ? 0.15 : 0) + (best?.known ? 0.15 : 0);
  if (!e.converges) confidence *= 0.9;
  if (best) {
    reasons.unshift(best.known ? `${best.host} is the feasible target with the most room left after the move (score ${best.score.toFixed(2)})` : `${best.host} is recommended although the engine does not know its capacity: no known target can take the VM`);
    if (candidates.length > 1) {
      const next = candidates.find((c) => c !== best);
      if (next) reasons.push(`next: ${next.host} (score ${next.score.toFixed(2)}${next.feasible ? '' : `: ${next.reasons[next.reasons.length - 1]}`})`);
    }
  } else {
    confidence = 0;
    reasons.unshift('no target host can take the VM: ' + candidates.map((c) => `${c.host}: ${c.reasons[c.reasons.length - 1]}`).slice(0, 5).join('; '));
  }
  if (maxDowntimeS !== undefined && times.downtimeS > maxDowntimeS) reasons.push(`the estimated pause (${(1000 * times.downtimeS).toFixed(0)} ms) exceeds max downtime ${(1000 * maxDowntimeS).toFixed(0)} ms`);

  // Network impact on the chosen link.
  let network: NetworkImpact;
  if (bestLink.stated) {
    const L = bestLink.spec.bandwidthMbit!;
    const u0 = bestLink.spec.utilization ?? 0;
    const migMbit = Math.min(L * (1 - u0), bestLink.spec.maxMigrationMbit ?? Infinity);
    const u1 = Math.min(0.99, u0 + migMbit / L);
    const serviceMs = (PACKET_BITS / (L * 1e6)) * 1000;
    network = {
      bandwidth_utilization: r4(u1),
      latency_increase_ms: r4(serviceMs * (1 / (1 - u1) - 1 / (1 - u0))),
      packet_loss_rate: r4(bestLink.spec.packetLoss ?? 0),
      basis: `link of ${L} Mbit/s at ${pct(u0)} utilisation; the migration takes ${migMbit.toFixed(0)} Mbit/s for about ${times.durationS.toFixed(0)} s; latency from M/M/1 queueing of 1,500-byte packets${bestLink.spec.packetLoss === undefined ? '; packet loss not stated (0)' : '; packet loss as stated for the link'}`,
    };
  } else {
    network = { bandwidth_utilization: 0, latency_increase_ms: 0, packet_loss_rate: 0, basis: 'unknown: no network_topology.bandwidth_mbps for this link, so the impact is not estimated (0)' };
  }

  // Cost: the source is emptied when the VM is the only one the inventory places there.
  const src = state?.hostIndex.get(input.source_host);
  const emptiesSource = known && src !== undefined && state!.vmHost[v!] === src && state!.vmsOn(src).length === 1;
  const cost = moveCostAnalysis({ estimate: { downtimeS: times.downtimeS }, emptiesSource, performanceBenefitMonthly: benefit }, { model, horizonMonths: horizon });
  if (emptiesSource) reasons.push(`${input.source_host} runs nothing else: it can be powered off after the move (operational savings over ${horizon} months)`);
  if (maxCost !== undefined && cost.migration_cost > maxCost) {
    reasons.push(`the migration costs ${cost.migration_cost.toFixed(2)}, over max_cost ${maxCost}`);
    confidence *= 0.8;
  }

  const host = best?.host ?? '';
  const score = best?.score ?? 0;
  return {
    vm_id: input.vm_id,
    recommended_host: host,
    prediction_time: r4(times.durationS / 60),
    confidence: r4(Math.min(0.95, confidence)),
    reasons,
    migration_score: score,
    network_impact: network,
    estimated_downtime: r4(times.downtimeS),
    cost_analysis: { migration_cost: r2(cost.migration_cost), operational_savings: r2(cost.operational_savings), performance_benefit_value: r2(cost.performance_benefit_value), net_benefit: r2(cost.net_benefit) },
    target_host: host,
    score,
    strategy: e.strategy,
    rounds: e.rounds,
    converges: e.converges,
    transferred_gb: r2(e.transferredGiB),
    duration_s: r2(times.durationS),
    candidates: candidates.slice(0, 100),
    assumptions,
    timestamp: new Date(now).toISOString(),
  };
}
