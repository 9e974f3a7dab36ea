/**
 * The free-form inputs of NovaCron's performance optimisation (`performance_optimization/
 * optimize_cluster` data and `POST /optimize/performance` bodies, contract §2A–§2C) read into
 * typed values: goals, constraints, cluster aggregates, and an optional fleet of hosts and VMs.
 *
 * `cluster_data` may carry, besides NovaCron's aggregates, the fleet itself:
 *
 *   hosts: [{ id | host_id | node_id, cpu_cores | cores, memory_gb | memory_mb,
 *             status?: str (maintenance, draining, offline, failed, down, unavailable, error,
 *               unknown: takes no VMs), maintenance?: bool, power_off_eligible?: bool }]
 *   vms:   [{ id | vm_id, host | host_id | node_id, cpu_cores | cores, memory_gb | memory_mb,
 *             cpu_utilization? | cpu_usage?, memory_utilization? | memory_usage?   (a high quantile
 *               of the VM's use of its allocation, fraction 0–1 or percent 0–100),
 *             dirty_rate_mibps? | dirty_rate_mbps? (MB/s), anti_affinity?: [str] | "a,b", pinned?: bool }]
 *
 * Aggregates are read from `performance_metrics` {cpu_utilization, memory_utilization,
 * network_utilization, average_latency, throughput, active_jobs, queued_jobs, energy_consumption},
 * `cluster_utilization` {cpu, memory, network} and `active_jobs` (a list: its length). A
 * utilisation above 1 is read as percent. Wrong types are refused with the JSON pointer of the
 * field (ClusterInputError), never guessed.
 */
import type { HostSpec, VmSpec } from './cluster-state.js';
import { MAX_INVENTORY_HOSTS, MAX_INVENTORY_VMS, type UsageSource } from './cluster-inventory.js';

/** Most hosts and VMs one request may carry (the inventory's limits). */
export const MAX_REQUEST_HOSTS = MAX_INVENTORY_HOSTS;
export const MAX_REQUEST_VMS = MAX_INVENTORY_VMS;
export const MAX_GOALS = 32;

export class ClusterInputError extends Error {
  override name = 'ClusterInputError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path} ${message}`);
  }
}

export type Goal = 'energy' | 'balance' | 'latency' | 'throughput';

/** NovaCron's goal names (distributed_ai_service, ai_integration_adapter, v2) → what they emphasise. */
export const GOAL_ALIASES: Readonly<Record<string, readonly Goal[]>> = Object.freeze({
  reduce_energy_consumption: ['energy'],
  minimize_energy_consumption: ['energy'],
  minimize_energy: ['energy'],
  reduce_energy: ['energy'],
  improve_efficiency: ['energy'],
  minimize_cost: ['energy'],
  reduce_cost: ['energy'],
  consolidate: ['energy'],
  optimize_resource_utilization: ['energy', 'balance'],
  balance_load: ['balance'],
  load_balancing: ['balance'],
  minimize_latency: ['latency'],
  reduce_latency: ['latency'],
  optimize_throughput: ['throughput'],
  maximize_throughput: ['throughput'],
  increase_throughput: ['throughput'],
});

export interface ParsedGoals {
  goals: Set<Goal>;
  /** Goals as sent that were understood, and those ignored. */
  applied: string[];
  ignored: string[];
  /** No goal sent: everything applies. */
  defaulted: boolean;
}

export interface ClusterConstraints {
  /** Fractions 0–1: a host above these is a hotspot; packing never goes above them. */
  maxCpuThreshold: number;
  maxMemoryThreshold: number;
  minAvailability?: number;
  /** Change budget for consolidation (relief moves are never cut). */
  maxMigrations?: number;
  maxPaybackDays?: number;
  maxConcurrentPerHost?: number;
  /** Allocation caps as multiples of capacity. */
  maxCpuOvercommit: number;
  maxMemoryOvercommit: number;
}

/** NovaCron's defaults (distributed_ai_service) and the inventory policy's overcommit caps. */
export const DEFAULT_CONSTRAINTS: Readonly<ClusterConstraints> = Object.freeze({ maxCpuThreshold: 0.85, maxMemoryThreshold: 0.8, maxCpuOvercommit: 4, maxMemoryOvercommit: 1 });

export interface ClusterAggregates {
  cpu?: number;
  memory?: number;
  network?: number;
  averageLatency?: number;
  throughput?: number;
  activeJobs?: number;
  queuedJobs?: number;
  energyConsumption?: number;
}

export interface RequestFleet {
  hosts: HostSpec[];
  vms: VmSpec[];
  usageSource: UsageSource[];
}

/** Host statuses that take no VMs and are not powered off (any other status is in service). */
export const UNAVAILABLE_STATUSES: ReadonlySet<string> = new Set(['maintenance', 'draining', 'offline', 'failed', 'down', 'unavailable', 'error', 'unknown']);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown, path: string, check?: (x: number) => string | null): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ClusterInputError(path, 'must be a finite number');
  const why = check?.(v);
  if (why) throw new ClusterInputError(path, why);
  return v;
}

const positive = (x: number) => (x > 0 ? null : 'must be > 0');
const nonNegative = (x: number) => (x >= 0 ? null : 'must be ≥ 0');

/** A utilisation as a fraction: values above 1 are percent (up to 100). */
export function fraction(v: unknown, path: string): number | undefined {
  const x = num(v, path, (x) => (x >= 0 && x <= 100 ? null : 'must be a fraction 0–1 or a percentage 0–100'));
  return x === undefined ? undefined : x > 1 ? x / 100 : x;
}

/** A threshold: a fraction in (0, 1], or a percentage in (1, 100]. */
function threshold(v: unknown, path: string): number | undefined {
  const x = fraction(v, path);
  if (x !== undefined && !(x > 0)) throw new ClusterInputError(path, 'must be > 0');
  return x;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw new ClusterInputError(path, 'must be a string of 1–256 characters');
  return v;
}

function firstKey(o: Record<string, unknown>, keys: readonly string[]): string | undefined {
  return keys.find((k) => o[k] !== undefined && o[k] !== null);
}

export function parseGoals(raw: unknown, path: string): ParsedGoals {
  const goals = new Set<Goal>();
  const applied: string[] = [];
  const ignored: string[] = [];
  if (raw === undefined || raw === null) return { goals: new Set(['energy', 'balance', 'latency', 'throughput']), applied, ignored, defaulted: true };
  if (!Array.isArray(raw)) throw new ClusterInputError(path, 'must be an array of strings');
  if (raw.length > MAX_GOALS) throw new ClusterInputError(path, `holds ${raw.length} goals; the limit is ${MAX_GOALS}`);
  raw.forEach((g, i) => {
    if (typeof g !== 'string' || g.length > 100) throw new ClusterInputError(`${path}/${i}`, 'must be a string of at most 100 characters');
    const known = GOAL_ALIASES[g.trim().toLowerCase()];
    if (known) {
      applied.push(g);
      for (const x of known) goals.add(x);
    } else ignored.push(g);
  });
  if (raw.length === 0) return { goals: new Set(['energy', 'balance', 'latency', 'throughput']), applied, ignored, defaulted: true };
  return { goals, applied, ignored, defaulted: false };
}

export function parseConstraints(raw: unknown, path: string): ClusterConstraints {
  const c: ClusterConstraints = { ...DEFAULT_CONSTRAINTS };
  if (raw === undefined || raw === null) return c;
  if (!isObject(raw)) throw new ClusterInputError(path, 'must be an object');
  c.maxCpuThreshold = threshold(raw.max_cpu_threshold, `${path}/max_cpu_threshold`) ?? c.maxCpuThreshold;
  c.maxMemoryThreshold = threshold(raw.max_memory_threshold, `${path}/max_memory_threshold`) ?? c.maxMemoryThreshold;
  const avail = fraction(raw.min_availability, `${path}/min_availability`);
  if (avail !== undefined) c.minAvailability = avail;
  const int = (k: string, min: number) => {
    const x = num(raw[k], `${path}/${k}`, (x) => (Number.isInteger(x) && x >= min ? null : `must be an integer ≥ ${min}`));
    return x;
  };
  const maxMig = int('max_migrations', 0);
  if (maxMig !== undefined) c.maxMigrations = maxMig;
  const conc = int('max_concurrent_migrations_per_host', 1);
  if (conc !== undefined) c.maxConcurrentPerHost = conc;
  const payback = num(raw.max_payback_days, `${path}/max_payback_days`, positive);
  if (payback !== undefined) c.maxPaybackDays = payback;
  c.maxCpuOvercommit = num(raw.max_cpu_overcommit, `${path}/max_cpu_overcommit`, (x) => (x >= 1 ? null : 'must be ≥ 1')) ?? c.maxCpuOvercommit;
  c.maxMemoryOvercommit = num(raw.max_memory_overcommit, `${path}/max_memory_overcommit`, (x) => (x >= 1 ? null : 'must be ≥ 1')) ?? c.maxMemoryOvercommit;
  return c;
}

export function parseAggregates(data: Record<string, unknown>, path: string): ClusterAggregates {
  const a: ClusterAggregates = {};
  const pm = data.performance_metrics;
  const cu = data.cluster_utilization;
  if (pm !== undefined && pm !== null && !isObject(pm)) throw new ClusterInputError(`${path}/performance_metrics`, 'must be an object');
  if (cu !== undefined && cu !== null && !isObject(cu)) throw new ClusterInputError(`${path}/cluster_utilization`, 'must be an object');
  const p = (pm ?? {}) as Record<string, unknown>;
  const u = (cu ?? {}) as Record<string, unknown>;
  const pp = `${path}/performance_metrics`;
  const up = `${path}/cluster_utilization`;
  a.cpu = fraction(p.cpu_utilization, `${pp}/cpu_utilization`) ?? fraction(u.cpu, `${up}/cpu`) ?? fraction(data.cpu_utilization, `${path}/cpu_utilization`);
  a.memory = fraction(p.memory_utilization, `${pp}/memory_utilization`) ?? fraction(u.memory, `${up}/memory`) ?? fraction(data.memory_utilization, `${path}/memory_utilization`);
  a.network = fraction(p.network_utilization, `${pp}/network_utilization`) ?? fraction(u.network, `${up}/network`);
  a.averageLatency = num(p.average_latency, `${pp}/average_latency`, nonNegative);
  a.throughput = num(p.throughput, `${pp}/throughput`, nonNegative);
  a.energyConsumption = num(p.energy_consumption, `${pp}/energy_consumption`, nonNegative);
  a.queuedJobs = num(p.queued_jobs, `${pp}/queued_jobs`, nonNegative) ?? num(data.queued_jobs, `${path}/queued_jobs`, nonNegative);
  a.activeJobs = num(p.active_jobs, `${pp}/active_jobs`, nonNegative);
  if (a.activeJobs === undefined && Array.isArray(data.active_jobs)) a.activeJobs = data.active_jobs.length;
  for (const k of Object.keys(a) as (keyof ClusterAggregates)[]) if (a[k] === undefined) delete a[k];
  return a;
}

/** Whether the aggregates hold anything a recommendation can be derived from. */
export function aggregatesUsable(a: ClusterAggregates): boolean {
  return a.cpu !== undefined || a.memory !== undefined || (a.queuedJobs ?? 0) > 0;
}

function memoryGiB(o: Record<string, unknown>, path: string): number {
  const gb = num(o.memory_gb, `${path}/memory_gb`, positive);
  if (gb !== undefined) return gb;
  const mb = num(o.memory_mb, `${path}/memory_mb`, positive);
  if (mb !== undefined) return mb / 1024;
  throw new ClusterInputError(path, 'needs memory_gb or memory_mb');
}

function cores(o: Record<string, unknown>, path: string): number {
  const k = firstKey(o, ['cpu_cores', 'cores']);
  const c = k ? num(o[k], `${path}/${k}`, positive) : undefined;
  if (c === undefined) throw new ClusterInputError(path, 'needs cpu_cores (or cores)');
  return c;
}

function bool(v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ClusterInputError(path, 'must be a boolean');
  return v;
}

/** MB/s (10⁶ bytes) → MiB/s. */
export const MBPS_TO_MIBPS = 1e6 / 2 ** 20;

/** The fleet a cluster_data carries, or undefined when it carries no hosts. */
export function parseRequestFleet(data: Record<string, unknown>, path: string): RequestFleet | undefined {
  const rawHosts = data.hosts;
  const rawVms = data.vms;
  if (rawHosts === undefined || rawHosts === null) {
    if (Array.isArray(rawVms) && rawVms.length) throw new ClusterInputError(`${path}/hosts`, 'is required when vms are sent');
    return undefined;
  }
  if (!Array.isArray(rawHosts)) throw new ClusterInputError(`${path}/hosts`, 'must be an array of hosts');
  if (rawVms !== undefined && rawVms !== null && !Array.isArray(rawVms)) throw new ClusterInputError(`${path}/vms`, 'must be an array of VMs');
  if (rawHosts.length === 0) {
    if (Array.isArray(rawVms) && rawVms.length) throw new ClusterInputError(`${path}/hosts`, 'is empty but vms are sent');
    return undefined;
  }
  if (rawHosts.length > MAX_REQUEST_HOSTS) throw new ClusterInputError(`${path}/hosts`, `holds ${rawHosts.length} hosts; the limit is ${MAX_REQUEST_HOSTS}`);
  const vmList = (rawVms ?? []) as unknown[];
  if (vmList.length > MAX_REQUEST_VMS) throw new ClusterInputError(`${path}/vms`, `holds ${vmList.length} VMs; the limit is ${MAX_REQUEST_VMS}`);

  const hosts: HostSpec[] = [];
  const hostIds = new Set<string>();
  rawHosts.forEach((h, i) => {
    const p = `${path}/hosts/${i}`;
    if (!isObject(h)) throw new ClusterInputError(p, 'must be an object');
    const idKey = firstKey(h, ['id', 'host_id', 'node_id']);
    if (!idKey) throw new ClusterInputError(p, 'needs id (or host_id, node_id)');
    const id = str(h[idKey], `${p}/${idKey}`);
    if (hostIds.has(id)) throw new ClusterInputError(`${p}/${idKey}`, `repeats host id "${id}"`);
    hostIds.add(id);
    const status = h.status;
    if (status !== undefined && status !== null && typeof status !== 'string') throw new ClusterInputError(`${p}/status`, 'must be a string');
    const maintenance = bool(h.maintenance, `${p}/maintenance`) ?? (typeof status === 'string' && UNAVAILABLE_STATUSES.has(status.trim().toLowerCase()));
    const eligible = bool(h.power_off_eligible, `${p}/power_off_eligible`);
    const spec: HostSpec = { id, cores: cores(h, p), memoryGiB: memoryGiB(h, p), maintenance };
    spec.powerOffEligible = !maintenance && eligible !== false;
    hosts.push(spec);
  });

  const vms: VmSpec[] = [];
  const usageSource: UsageSource[] = [];
  const vmIds = new Set<string>();
  vmList.forEach((v, i) => {
    const p = `${path}/vms/${i}`;
    if (!isObject(v)) throw new ClusterInputError(p, 'must be an object');
    const idKey = firstKey(v, ['id', 'vm_id']);
    if (!idKey) throw new ClusterInputError(p, 'needs id (or vm_id)');
    const id = str(v[idKey], `${p}/${idKey}`);
    if (vmIds.has(id)) throw new ClusterInputError(`${p}/${idKey}`, `repeats VM id "${id}"`);
    vmIds.add(id);
    const hostKey = firstKey(v, ['host', 'host_id', 'node_id']);
    if (!hostKey) throw new ClusterInputError(p, 'needs host (or host_id, node_id): the host it runs on');
    const host = str(v[hostKey], `${p}/${hostKey}`);
    if (!hostIds.has(host)) throw new ClusterInputError(`${p}/${hostKey}`, `names host "${host}", which is not in hosts`);
    const c = cores(v, p);
    const m = memoryGiB(v, p);
    const cpuKey = firstKey(v, ['cpu_utilization', 'cpu_usage']);
    const memKey = firstKey(v, ['memory_utilization', 'memory_usage']);
    const cu = cpuKey ? fraction(v[cpuKey], `${p}/${cpuKey}`) : undefined;
    const mu = memKey ? fraction(v[memKey], `${p}/${memKey}`) : undefined;
    const spec: VmSpec = { id, host, cores: c, memoryGiB: m, usage: { cores: cu === undefined ? c : cu * c, memoryGiB: mu === undefined ? m : mu * m } };
    const dirtyMiB = num(v.dirty_rate_mibps, `${p}/dirty_rate_mibps`, nonNegative);
    const dirtyMB = num(v.dirty_rate_mbps, `${p}/dirty_rate_mbps`, nonNegative);
    if (dirtyMiB !== undefined || dirtyMB !== undefined) spec.migration = { dirtyRateMiBps: dirtyMiB ?? dirtyMB! * MBPS_TO_MIBPS };
    const aa = v.anti_affinity;
    if (aa !== undefined && aa !== null) {
      const groups = typeof aa === 'string' ? aa.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(aa) ? aa : null;
      if (!groups || groups.some((g) => typeof g !== 'string' || g.length === 0 || g.length > 256) || groups.length > 64) {
        throw new ClusterInputError(`${p}/anti_affinity`, 'must be a list of at most 64 group names (or a comma-separated string)');
      }
      if (groups.length) spec.antiAffinity = groups as string[];
    }
    if (bool(v.pinned, `${p}/pinned`)) spec.pinned = true;
    vms.push(spec);
    usageSource.push(cu !== undefined && mu !== undefined ? 'stated' : cu !== undefined || mu !== undefined ? 'partial' : 'allocation');
  });
  return { hosts, vms, usageSource };
}

/**
 * Several snapshots of cluster data (the `performance_data` list of POST /optimize/performance)
 * as one: hosts and VMs of every entry together, aggregates from the last entry that has any.
 */
export function mergeClusterData(entries: readonly unknown[], path: string): { data: Record<string, unknown>; notes: string[] } {
  const notes: string[] = [];
  if (entries.length === 0) return { data: {}, notes };
  entries.forEach((e, i) => {
    if (!isObject(e)) throw new ClusterInputError(`${path}/${i}`, 'must be an object');
  });
  const objs = entries as Record<string, unknown>[];
  if (objs.length === 1) return { data: objs[0], notes };
  const withAgg = objs.map((o, i) => [o, i] as const).filter(([o]) => o.performance_metrics !== undefined || o.cluster_utilization !== undefined);
  const last = withAgg.length ? withAgg[withAgg.length - 1] : ([objs[objs.length - 1], objs.length - 1] as const);
  const data: Record<string, unknown> = { ...last[0] };
  const hosts: unknown[] = [];
  const vms: unknown[] = [];
  for (const o of objs) {
    if (Array.isArray(o.hosts)) hosts.push(...o.hosts);
    if (Array.isArray(o.vms)) vms.push(...o.vms);
  }
  data.hosts = hosts.length ? hosts : undefined;
  data.vms = vms.length ? vms : undefined;
  if (withAgg.length > 1) notes.push(`performance_data holds ${withAgg.length} entries with aggregates: the last one (index ${last[1]}) is used`);
  return { data, notes };
}
