/**
 * Wire ↔ engine for placement: the seed's workload and node dicts, NovaCron's VMConfig and node
 * shapes, and our own fields become PlacementRequest and PlacementHost; decisions become the
 * seed's Candidate (extended), NovaCron's PlacementPrediction and the factor listing. Pure: time
 * comes in as an argument. Every client mistake is a Problem (400) naming the JSON path and what
 * to send instead.
 */
import { Problem } from '../platform/errors.js';
import { parseTimestamp, vcpusFromShares } from '../telemetry/index.js';
import type { Explanation } from './explanations.js';
import { OBJECTIVES, PARETO_OBJECTIVES, type FactorType, type Objective } from './factor.js';
import { FACTORS } from './factor-catalogue.js';
import { customWeightsProblem, objectiveWeights, type CustomWeights } from './objectives.js';
import { emptyResources, RESOURCES, type LabelSelector, type MaintenanceWindow, type PlacementHost, type PlacementRequest, type ResourceName, type Resources, type SoftPreferences } from './problem.js';
import type { ScoredHost } from './scorer.js';
import type { NodeWire, WorkloadWire } from './schemas.js';

// ---------------------------------------------------------------- errors and notes

export function bad(path: string, message: string): Problem {
  return Problem.badRequest(`${path}: ${message}`, [{ path, message }]);
}

/** Things worth telling the caller that are not errors (ignored fields, missing capacities); deduplicated and bounded. */
export class Notes {
  private readonly items = new Set<string>();
  private readonly ignored = new Map<string, Set<string>>();
  constructor(private readonly max = 50) {}

  add(note: string): void {
    if (this.items.size < this.max) this.items.add(note);
  }

  /** Remembers an ignored field of some kind of object (reported once per kind, up to 20 names). */
  ignore(kind: string, field: string): void {
    let set = this.ignored.get(kind);
    if (!set) this.ignored.set(kind, (set = new Set()));
    if (set.size < 20) set.add(field);
  }

  list(): string[] {
    const out = [...this.items];
    for (const [kind, fields] of this.ignored) out.push(`Ignored ${kind} fields (not used by placement): ${[...fields].join(', ')}`);
    return out;
  }
}

// ---------------------------------------------------------------- facts

/** Host fields and request fields among the factors' inputs: not facts. */
const NOT_FACTS = new Set(['capacity', 'allocated', 'request', 'vms', 'groups', 'labels', 'topology', 'zone', 'datacenter', 'failure_domain', 'security_level', 'runWindow', 'complianceTags']);

/** Every fact name a factor reads (PlacementHost.facts keys). */
export const FACT_NAMES: ReadonlySet<string> = new Set(FACTORS.flatMap((f) => f.inputs).filter((i) => /^[a-z][a-z0-9_]*$/.test(i) && !NOT_FACTS.has(i)));

/** Seed (and other) names of facts: the fact they are, and the factor turning their unit into the fact's. */
export const FACT_ALIASES: Readonly<Record<string, { fact: string; scale: number }>> = {
  network_latency: { fact: 'network_latency_ms', scale: 1 },
  storage_utilization: { fact: 'disk_utilization', scale: 1 },
  /** The seed never defined its unit (its default 0.02 reads like a rate); we read it as failures per year. */
  failure_history: { fact: 'failures_per_year', scale: 1 },
  cpu_frequency: { fact: 'cpu_frequency_mhz', scale: 1 },
  /** The seed sends MB/s (default 25600). */
  memory_bandwidth: { fact: 'memory_bandwidth_gbps', scale: 1 / 1000 },
  hardware_age: { fact: 'hardware_age_years', scale: 1 },
  mtbf_rating: { fact: 'mtbf_hours', scale: 1 },
  humidity: { fact: 'humidity_pct', scale: 1 },
  network_distance: { fact: 'network_distance_km', scale: 1 },
  operational_cost: { fact: 'cost_per_hour', scale: 1 },
  packet_loss_rate: { fact: 'packet_loss', scale: 1 },
  power_usage_effectiveness: { fact: 'pue', scale: 1 },
  gpu_memory: { fact: 'gpu_memory_gb', scale: 1 },
  dns_resolution_time: { fact: 'dns_resolution_ms', scale: 1 },
};

/** Facts that are fractions 0–1: a value above 1 is refused (percent is a different field). */
export function isFractionFact(fact: string): boolean {
  return fact.endsWith('_utilization') || FRACTION_FACTS.has(fact);
}
const FRACTION_FACTS = new Set(['cpu_steal', 'cpu_ready', 'cpu_iowait', 'packet_loss', 'failure_probability', 'host_availability', 'renewable_share', 'cooling_efficiency', 'monitoring_coverage', 'virtualization_overhead']);

/** The fact a field or label name stands for, with its unit scale; undefined when it is none. */
export function factOf(name: string): { fact: string; scale: number } | undefined {
  if (FACT_NAMES.has(name)) return { fact: name, scale: 1 };
  return FACT_ALIASES[name];
}

/** A wire fact value as stored: finite numbers (scaled), strings, booleans as 1/0; a Problem when unusable. */
export function factValue(raw: unknown, fact: string, scale: number, path: string): number | string | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string') {
    if (raw.length > 1024) throw bad(path, 'must be at most 1024 characters');
    if (scale !== 1 || isFractionFact(fact)) {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) throw bad(path, `must be a number (fact ${fact})`);
      return factValue(n, fact, scale, path);
    }
    return raw;
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) throw bad(path, `must be a finite number or a string (fact ${fact})`);
  if (isFractionFact(fact) && (raw < 0 || raw > 1)) {
    throw bad(path, `is ${raw}: ${fact} is a fraction 0–1 (send ${raw > 1 && raw <= 100 ? raw / 100 : 'a value in 0–1'}); only NovaCron's cpu_usage_percent, memory_usage_percent and disk_usage_percent take percent`);
  }
  return raw * scale;
}

// ---------------------------------------------------------------- objectives

export type ObjectiveChoice = { objective: Objective; custom?: undefined } | { objective: 'custom'; custom: CustomWeights };

const POLICY_OBJECTIVES: Readonly<Record<string, Objective | 'custom'>> = {
  '': 'balanced',
  balanced: 'balanced',
  consolidated: 'efficiency',
  efficiency: 'efficiency',
  performance: 'performance',
  'network-aware': 'performance',
  custom: 'custom',
};

/**
 * The objective of a request: `objective` in the body or the query (400 when both differ), else
 * NovaCron's placement.policy of the (first) workload, else custom when custom weights are sent,
 * else balanced. Custom needs valid weights; weights with another explicit objective are refused.
 */
export function resolveObjective(o: { body?: string; query?: string; policy?: string; policyPath?: string; custom?: CustomWeights }): ObjectiveChoice {
  if (o.body !== undefined && o.query !== undefined && o.body !== o.query) {
    throw bad('/querystring/objective', `differs from the body's objective "${o.body}": send one`);
  }
  const explicit = o.body ?? o.query;
  const path = o.body !== undefined ? '/body/objective' : '/querystring/objective';
  if (explicit !== undefined && !(OBJECTIVES as readonly string[]).includes(explicit) && explicit !== 'custom') {
    throw bad(path, `unknown objective "${explicit}": one of ${[...OBJECTIVES, 'custom'].join(', ')}`);
  }
  let objective = explicit as Objective | 'custom' | undefined;
  if (objective === undefined && o.policy !== undefined) {
    objective = POLICY_OBJECTIVES[o.policy];
    if (objective === undefined) throw bad(o.policyPath ?? '/body/placement/policy', `unknown policy "${o.policy}"`);
    if (objective === 'custom' && !o.custom) {
      throw bad(o.policyPath ?? '/body/placement/policy', 'policy custom needs custom_weights (categories and/or factors); or send another objective');
    }
  }
  if (objective === undefined) objective = o.custom ? 'custom' : 'balanced';
  if (objective !== 'custom') {
    if (o.custom) throw bad('/body/custom_weights', `custom weights apply to objective custom, not ${objective}: send objective "custom" or leave custom_weights out`);
    return { objective };
  }
  if (!o.custom) throw bad('/body/custom_weights', 'objective custom needs custom_weights: {"categories": {…}} and/or {"factors": {…}} (GET /api/v1/placement/factors lists the names)');
  const problem = customWeightsProblem(o.custom);
  if (problem) throw bad('/body/custom_weights', problem);
  return { objective: 'custom', custom: o.custom };
}

// ---------------------------------------------------------------- timestamps

function timestamp(raw: unknown, path: string): number {
  const t = parseTimestamp(raw, Number.MAX_SAFE_INTEGER);
  if (typeof t === 'string') throw bad(path, t);
  return t;
}

function window(w: { start: unknown; end: unknown }, path: string): MaintenanceWindow {
  const start = timestamp(w.start, `${path}/start`);
  const end = timestamp(w.end, `${path}/end`);
  if (end <= start) throw bad(`${path}/end`, 'must be after start');
  return { start, end };
}

// ---------------------------------------------------------------- workloads

/** Fields of a workload that placement reads. */
const WORKLOAD_FIELDS = new Set([
  'workload_id', 'id', 'name', 'cpu_cores', 'cpu_shares', 'memory_gb', 'memory_mb', 'storage_gb', 'disk_size_gb', 'network_mbps', 'gpu_count',
  'workload_type', 'workload_priority', 'sla_requirements', 'latency_sensitivity', 'throughput_requirements', 'expected_cpu_utilization', 'burstability',
  'node_affinity', 'node_anti_affinity', 'excluded_nodes', 'preferred_nodes', 'datacenter_constraint', 'security_level', 'groups', 'compliance_tags',
  'node_selector', 'node_anti_selector', 'vm_affinity', 'vm_anti_affinity', 'soft_vm_affinity', 'soft_vm_anti_affinity', 'spread', 'preferred_node_selector',
  'source_node', 'image', 'data_location', 'hardware_features', 'hypervisor', 'load_balancer_pool', 'run_window', 'placement',
]);

const MIB_PER_GIB = 1024;

/** The value of one of two spellings of a field; both sent (with different values) is a mistake. */
function oneOf<T>(w: Record<string, unknown>, a: string, b: string, path: string): T | undefined {
  if (w[a] !== undefined && w[b] !== undefined && w[a] !== w[b]) throw bad(`${path}/${b}`, `send ${a} or ${b}, not both`);
  return (w[a] ?? w[b]) as T | undefined;
}

const uniq = (xs: readonly string[]) => [...new Set(xs)];
const refs = (r: { vms?: string[]; groups?: string[] } | undefined) => (r && (r.vms?.length || r.groups?.length) ? { vms: r.vms ?? [], groups: r.groups ?? [] } : undefined);
const selector = (s: { key: string; values?: string[] }): LabelSelector => (s.values?.length ? { key: s.key, values: s.values } : { key: s.key });

export interface MappedWorkload {
  request: PlacementRequest;
  /** NovaCron's placement.policy, when sent (the objective hint). */
  policy?: string;
}

/** A workload on the wire → a placement request (ids default to `defaultId`). */
export function workloadToRequest(w: WorkloadWire, path: string, defaultId: string, notes?: Notes): MappedWorkload {
  const raw = w as Record<string, unknown>;
  if (notes) for (const k of Object.keys(raw)) if (!WORKLOAD_FIELDS.has(k)) notes.ignore('workload', k);
  // Sizes, each from exactly one spelling.
  if (w.cpu_cores !== undefined && w.cpu_shares !== undefined) throw bad(`${path}/cpu_shares`, 'send cpu_cores or NovaCron\'s cpu_shares, not both');
  const cpu = w.cpu_shares !== undefined ? vcpusFromShares(w.cpu_shares) : (w.cpu_cores ?? 0);
  if (w.memory_gb !== undefined && w.memory_mb !== undefined) throw bad(`${path}/memory_mb`, 'send memory_gb (GiB) or memory_mb (MiB), not both');
  const memory = w.memory_gb !== undefined ? w.memory_gb * MIB_PER_GIB : (w.memory_mb ?? 0);
  const storage = oneOf<number>(raw, 'storage_gb', 'disk_size_gb', path) ?? 0;
  if (!(cpu > 0) && !(memory > 0)) {
    throw bad(`${path}/cpu_cores`, 'the workload asks for no cpu and no memory: send cpu_cores (or cpu_shares) and/or memory_gb (or memory_mb) above 0');
  }
  const resources: Resources = { ...emptyResources(), cpu_cores: cpu, memory_mb: memory, storage_gb: storage, network_mbps: w.network_mbps ?? 0, gpu_count: w.gpu_count ?? 0 };

  const placement = w.placement;
  const request: PlacementRequest = {
    id: w.workload_id ?? w.id ?? defaultId,
    resources,
    groups: uniq(w.groups ?? []),
  };
  if (w.security_level !== undefined && w.security_level > 0) request.securityLevel = w.security_level;
  if (w.datacenter_constraint !== undefined) request.datacenters = typeof w.datacenter_constraint === 'string' ? [w.datacenter_constraint] : w.datacenter_constraint;
  if (w.compliance_tags?.length) request.complianceTags = w.compliance_tags;
  if (w.node_selector?.length) request.nodeAffinity = w.node_selector.map(selector);
  if (w.node_anti_selector?.length) request.nodeAntiAffinity = w.node_anti_selector.map(selector);
  const vmAff = refs(w.vm_affinity);
  if (vmAff) request.vmAffinity = vmAff;
  const vmAnti = refs(w.vm_anti_affinity);
  if (vmAnti) request.vmAntiAffinity = vmAnti;
  if (w.spread?.length) request.spread = w.spread.map((s) => ({ over: s.over, group: s.group, maxSkew: s.max_skew }));
  if (w.node_affinity?.length) request.allowedNodes = uniq(w.node_affinity);
  const excluded = uniq([...(w.node_anti_affinity ?? []), ...(w.excluded_nodes ?? []), ...((placement?.excluded_nodes as string[] | undefined) ?? [])]);
  if (excluded.length) request.excludedNodes = excluded;
  if (w.run_window) request.runWindow = window(w.run_window, `${path}/run_window`);

  const soft: SoftPreferences = {};
  if (w.workload_type !== undefined) soft.workloadType = w.workload_type;
  if (w.workload_priority !== undefined) soft.priority = w.workload_priority;
  if (w.sla_requirements !== undefined) soft.slaAvailability = w.sla_requirements;
  if (w.latency_sensitivity !== undefined) soft.latencySensitivity = w.latency_sensitivity;
  if (w.throughput_requirements !== undefined) soft.throughputRps = w.throughput_requirements;
  if (w.burstability !== undefined) soft.burstability = w.burstability;
  if (w.expected_cpu_utilization !== undefined) soft.expectedCpuUtilization = w.expected_cpu_utilization;
  const preferred = uniq([...(w.preferred_nodes ?? []), ...((placement?.preferred_nodes as string[] | undefined) ?? [])]);
  if (preferred.length) soft.preferredNodes = preferred;
  if (w.preferred_node_selector?.length) soft.nodeAffinity = w.preferred_node_selector.map((s) => ({ selector: selector(s), weight: s.weight }));
  const softAff = refs(w.soft_vm_affinity);
  if (softAff) soft.vmAffinity = softAff;
  const softAnti = refs(w.soft_vm_anti_affinity);
  if (softAnti) soft.vmAntiAffinity = softAnti;
  if (w.source_node !== undefined) soft.sourceHost = w.source_node;
  if (w.image !== undefined) soft.image = w.image;
  if (w.data_location !== undefined) soft.dataLocation = w.data_location;
  if (w.hardware_features?.length) soft.hardwareFeatures = w.hardware_features.map((f) => f.toLowerCase());
  if (w.hypervisor !== undefined) soft.hypervisor = w.hypervisor;
  if (w.load_balancer_pool !== undefined) soft.loadBalancerPool = w.load_balancer_pool;
  if (Object.keys(soft).length) request.soft = soft;
  return { request, policy: placement?.policy as string | undefined };
}

// ---------------------------------------------------------------- nodes

/** Fields of a node read as structure (not facts). */
const NODE_FIELDS = new Set([
  'node_id', 'id', 'status', 'schedulable', 'cpu_cores_available', 'memory_available', 'storage_available', 'network_bandwidth', 'gpu_available',
  'total_cpu', 'used_cpu', 'total_memory_mb', 'used_memory_mb', 'total_disk_gb', 'used_disk_gb', 'cpu_usage_percent', 'memory_usage_percent', 'disk_usage_percent', 'vm_count',
  'capacity', 'allocated', 'datacenter', 'datacenter_location', 'zone', 'availability_zone', 'rack', 'rack_position', 'failure_domain', 'security_level',
  'compliance_tags', 'labels', 'maintenance', 'vms', 'groups', 'workload_mix', 'facts',
]);

/** Per resource: capacity field of ours, NovaCron total, seed available (with unit factor), NovaCron used, NovaCron percent. */
const DIMENSIONS: readonly { dim: ResourceName; total?: string; used?: string; percent?: string; available?: string; unit: number }[] = [
  { dim: 'cpu_cores', total: 'total_cpu', used: 'used_cpu', percent: 'cpu_usage_percent', available: 'cpu_cores_available', unit: 1 },
  { dim: 'memory_mb', total: 'total_memory_mb', used: 'used_memory_mb', percent: 'memory_usage_percent', available: 'memory_available', unit: MIB_PER_GIB },
  { dim: 'storage_gb', total: 'total_disk_gb', used: 'used_disk_gb', percent: 'disk_usage_percent', available: 'storage_available', unit: 1 },
  { dim: 'network_mbps', total: 'network_bandwidth', unit: 1 },
  { dim: 'gpu_count', available: 'gpu_available', unit: 1 },
];

export interface MappedNode {
  host: PlacementHost;
  /** Resources the node stated a capacity for (the others are 0). */
  stated: ReadonlySet<ResourceName>;
}

/** A node on the wire → a placement host. */
export function nodeToHost(n: NodeWire, path: string, notes?: Notes): MappedNode {
  const raw = n as Record<string, unknown>;
  if (n.node_id !== undefined && n.id !== undefined && n.node_id !== n.id) throw bad(`${path}/id`, `differs from node_id "${n.node_id}": send one`);
  const id = n.node_id ?? n.id;
  if (id === undefined) throw bad(`${path}/node_id`, 'is required (node_id, or id)');

  const capacity = emptyResources();
  const allocated = emptyResources();
  const stated = new Set<ResourceName>();
  for (const d of DIMENSIONS) {
    const cap = n.capacity?.[d.dim];
    const total = d.total ? (raw[d.total] as number | undefined) : undefined;
    const avail = d.available ? (raw[d.available] as number | undefined) : undefined;
    const full = cap ?? total;
    const c = full ?? (avail !== undefined ? avail * d.unit : undefined);
    if (c === undefined) continue;
    stated.add(d.dim);
    capacity[d.dim] = c;
    const alloc = n.allocated?.[d.dim] ?? (d.used ? (raw[d.used] as number | undefined) : undefined);
    const percent = d.percent ? (raw[d.percent] as number | undefined) : undefined;
    if (alloc !== undefined) allocated[d.dim] = alloc;
    else if (percent !== undefined) allocated[d.dim] = (percent / 100) * c;
    else if (full !== undefined && avail !== undefined) {
      const free = avail * d.unit;
      if (free > full + 1e-9) throw bad(`${path}/${d.available}`, `${avail} is more than the node's total ${d.dim === 'memory_mb' ? `${full} MiB` : full}`);
      allocated[d.dim] = full - free;
    }
  }
  for (const d of DIMENSIONS) if (n.allocated?.[d.dim] !== undefined && !stated.has(d.dim)) throw bad(`${path}/allocated/${d.dim}`, 'has no capacity: send capacity.' + d.dim);

  let status = (n.status ?? 'available').toLowerCase();
  if (n.schedulable === false && status === 'available') status = 'unschedulable';

  // Facts: `facts`, then labels named like facts, then top-level fields (the last wins).
  const facts: Record<string, number | string> = {};
  const setFact = (name: string, value: unknown, p: string, kind: 'facts' | 'label' | 'field') => {
    const f = factOf(name);
    if (!f) {
      if (kind === 'facts') throw bad(p, `unknown fact "${name}": facts are named as in GET /api/v1/placement/factors (inputs)`);
      if (kind === 'field') notes?.ignore('node', name);
      return;
    }
    const v = factValue(value, f.fact, f.scale, p);
    if (v !== undefined) facts[f.fact] = v;
  };
  for (const [k, v] of Object.entries(n.facts ?? {})) setFact(k, v, `${path}/facts/${k}`, 'facts');
  for (const [k, v] of Object.entries(n.labels ?? {})) setFact(k, v, `${path}/labels/${k}`, 'label');
  for (const [k, v] of Object.entries(raw)) if (!NODE_FIELDS.has(k)) setFact(k, v, `${path}/${k}`, 'field');

  const maintenance = (n.maintenance ?? []).map((w, i) => window(w, `${path}/maintenance/${i}`));
  let vms: Set<string>;
  if (n.vms) vms = new Set(n.vms);
  else {
    // NovaCron states only a count; placeholders (NUL cannot occur in a sent id) let the VM-count factor see it.
    vms = new Set(Array.from({ length: n.vm_count ?? 0 }, (_, i) => `\u0000vm:${i}`));
  }
  const host: PlacementHost = {
    id,
    status,
    capacity,
    allocated,
    complianceTags: new Set(n.compliance_tags ?? []),
    labels: { ...(n.labels ?? {}) },
    maintenance,
    vms,
    groups: new Map(Object.entries(n.groups ?? {})),
    facts,
  };
  const dc = oneOf<string>(raw, 'datacenter', 'datacenter_location', path);
  if (dc !== undefined) host.datacenter = dc;
  const zone = oneOf<string>(raw, 'zone', 'availability_zone', path);
  if (zone !== undefined) host.zone = zone;
  const rack = oneOf<string>(raw, 'rack', 'rack_position', path);
  if (rack !== undefined) host.rack = rack;
  if (n.failure_domain !== undefined) host.failureDomain = n.failure_domain;
  if (n.security_level !== undefined) host.securityLevel = n.security_level;
  if (n.workload_mix) host.workloadMix = new Map(Object.entries(n.workload_mix));
  return { host, stated };
}

/** Nodes of a request: unique ids, and a note for every requested resource no node states a capacity for. */
export function nodesToHosts(nodes: readonly NodeWire[], path: string, notes?: Notes): { hosts: PlacementHost[]; stated: Set<ResourceName> } {
  const seen = new Map<string, number>();
  const hosts: PlacementHost[] = [];
  const stated = new Set<ResourceName>();
  nodes.forEach((n, i) => {
    const m = nodeToHost(n, `${path}/${i}`, notes);
    const first = seen.get(m.host.id);
    if (first !== undefined) throw bad(`${path}/${i}/${n.node_id !== undefined ? 'node_id' : 'id'}`, `repeats the id "${m.host.id}" of ${path.split('/').pop()}[${first}]: send each node once`);
    seen.set(m.host.id, i);
    for (const d of m.stated) stated.add(d);
    hosts.push(m.host);
  });
  return { hosts, stated };
}

const SPELLINGS: Record<ResourceName, string> = {
  cpu_cores: 'cpu_cores_available, total_cpu or capacity.cpu_cores',
  memory_mb: 'memory_available (GiB), total_memory_mb or capacity.memory_mb',
  storage_gb: 'storage_available, total_disk_gb or capacity.storage_gb',
  network_mbps: 'network_bandwidth or capacity.network_mbps',
  gpu_count: 'gpu_available or capacity.gpu_count',
};

/** Notes for resources a request asks for that no sent node states (every node is then refused for them). */
export function unstatedResourceNotes(requests: readonly PlacementRequest[], stated: ReadonlySet<ResourceName>, notes: Notes): void {
  for (const k of RESOURCES) {
    if (stated.has(k)) continue;
    if (requests.some((r) => r.resources[k] > 0)) notes.add(`No node states a ${k} capacity (send ${SPELLINGS[k]}): nodes without it have none, so a workload asking for ${k} is refused there`);
  }
}

// ---------------------------------------------------------------- answers

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const orNull = (x: number) => (Number.isFinite(x) ? r6(x) : null);
const orZero = (x: number) => (Number.isFinite(x) ? r6(x) : 0);
const numericFact = (h: PlacementHost, key: string): number => {
  const v = h.facts?.[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : NaN;
};

export interface CandidateWire {
  node_id: string;
  rank: number;
  score: number;
  resource_utilization: { cpu: number; memory: number; storage: number; network: number };
  estimated_performance: { estimated_throughput: number | null; estimated_latency: number | null; estimated_reliability: number | null };
  constraints_satisfied: true;
  reasoning: string[];
  objective_scores: { performance: number; cost: number; efficiency: number; sustainability: number };
  top_factors: { name: string; category: string; score: number; weight: number; edge: number }[];
  coverage: number;
  utilisation_after: {
    allocated: { cpu: number | null; memory: number | null; storage: number | null; network: number | null; gpu: number | null };
    measured: { cpu: number | null; memory: number | null; storage: number | null; network: number | null };
  };
}

/**
 * One allowed host as the seed's Candidate, extended. `slowdown` is the interference model's
 * predicted slowdown of the request on this host (NaN when there is no model).
 */
export function candidateWire(s: ScoredHost, rank: number, ex: Explanation, slowdown: number): CandidateWire {
  const c = s.candidate;
  const failure = numericFact(s.host, 'failure_probability');
  const latency = numericFact(s.host, 'network_latency_ms');
  const rps = c.request.soft?.throughputRps;
  const o = s.objectiveScores;
  const u = ex.utilisation;
  const nul = (x: number | null) => (x === null ? null : r6(x));
  return {
    node_id: s.host.id,
    rank: rank + 1,
    score: r6(s.score),
    resource_utilization: { cpu: orZero(c.cpuAfter), memory: orZero(c.memoryAfter), storage: orZero(c.storageAfter), network: orZero(c.networkAfter) },
    estimated_performance: {
      estimated_throughput: rps !== undefined && Number.isFinite(slowdown) ? r6(rps * (1 - Math.min(1, Math.max(0, slowdown)))) : null,
      estimated_latency: orNull(latency),
      estimated_reliability: Number.isFinite(failure) ? r6(1 - Math.min(1, Math.max(0, failure))) : null,
    },
    constraints_satisfied: true,
    reasoning: ex.reasoning,
    objective_scores: Object.fromEntries(PARETO_OBJECTIVES.map((name, i) => [name, orZero(o[i])])) as CandidateWire['objective_scores'],
    top_factors: ex.topFactors.map((f) => ({ name: f.name, category: f.category, score: r6(f.score), weight: r6(f.weight), edge: r6(f.edge) })),
    coverage: r6(s.coverage),
    utilisation_after: {
      allocated: { cpu: nul(u.allocated.cpu), memory: nul(u.allocated.memory), storage: nul(u.allocated.storage), network: nul(u.allocated.network), gpu: nul(u.allocated.gpu) },
      measured: { cpu: nul(u.measured.cpu), memory: nul(u.measured.memory), storage: nul(u.measured.storage), network: nul(u.measured.network) },
    },
  };
}

export interface PredictedMetrics {
  expected_cpu_utilization: number;
  expected_memory_utilization: number;
  predicted_latency_ms: number | null;
  cost_estimate: number | null;
}

/** NovaCron's predicted_metrics for the recommended host (fractions 0–1, as its scheduler expects). */
export function predictedMetrics(s: ScoredHost | null): PredictedMetrics {
  if (!s) return { expected_cpu_utilization: 0, expected_memory_utilization: 0, predicted_latency_ms: null, cost_estimate: null };
  const c = s.candidate;
  const pick = (live: number, alloc: number) => orZero(Number.isFinite(live) ? live : alloc);
  const cost = numericFact(s.host, 'cost_per_hour');
  const cores = s.host.capacity.cpu_cores;
  return {
    expected_cpu_utilization: pick(c.liveCpuAfter, c.cpuAfter),
    expected_memory_utilization: pick(c.liveMemoryAfter, c.memoryAfter),
    predicted_latency_ms: orNull(numericFact(s.host, 'network_latency_ms')),
    cost_estimate: Number.isFinite(cost) && cores > 0 ? r6((cost * c.request.resources.cpu_cores) / cores) : null,
  };
}

const TYPE_NAMES: Record<FactorType, string> = { c: 'continuous', cat: 'categorical', ord: 'ordinal', t: 'temporal' };

/** The factor catalogue with the weights of an objective (seed shape plus the full catalogue). */
export function factorsWire(objective: Objective) {
  const w = objectiveWeights(objective);
  const categories: Record<string, number> = {};
  for (const f of FACTORS) categories[f.category] = (categories[f.category] ?? 0) + 1;
  return {
    placement_factors: Object.fromEntries(FACTORS.map((f, i) => [f.name, { weight: r6(w[i]), type: TYPE_NAMES[f.type] }])),
    total_factors: FACTORS.length,
    objective,
    categories,
    factors: FACTORS.map((f, i) => ({
      name: f.name,
      category: f.category,
      definition: f.definition,
      inputs: [...f.inputs],
      direction: f.direction,
      type: TYPE_NAMES[f.type],
      weight: r6(w[i]),
      catalogue_weight: f.weight,
      serves: [...f.serves],
    })),
  };
}
