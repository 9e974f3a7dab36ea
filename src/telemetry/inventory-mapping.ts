import { randomUUID } from 'node:crypto';
import { Problem, type FieldError } from '../platform/errors.js';
import type { EventRecord, NodeRecord, VmRecord } from '../platform/store/index.js';
import {
  MAX_EVENT_ATTRIBUTES_BYTES,
  type EventBodyT,
  type EventViewT,
  type NodeBodyT,
  type NodeViewT,
  type VmBodyT,
  type VmViewT,
} from './inventory-schemas.js';
import { parseTimestamp } from './timestamps.js';

/** Wire ↔ store records for nodes, VMs and events. Pure: time and ids come in as arguments. */

export interface ResourceAmounts {
  cpu_cores: number;
  memory_mb: number;
  storage_gb: number;
  network_mbps: number;
  gpu_count: number;
}

/** NovaCron's `cpuAllocationForConfig`: up to this many, cpu_shares counts vCPUs. */
export const MAX_SHARES_AS_VCPUS = 128;
/** Above it, cpu_shares are Linux CPU shares, 1024 to a vCPU. */
export const SHARES_PER_VCPU = 1024;

export function vcpusFromShares(shares: number): number {
  return shares <= MAX_SHARES_AS_VCPUS ? shares : Math.ceil(shares / SHARES_PER_VCPU);
}

function bad(path: string, message: string): Problem {
  return Problem.badRequest(`${path}: ${message}`, [{ path, message }]);
}

/** Keeps a view free of nulls: an absent optional field is left out, as the request schemas expect. */
function present<K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } {
  return (value === null || value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

const iso = (ms: number): string => new Date(ms).toISOString();

// Subtraction of fractional amounts leaves float dust (4 − 3.7 = 0.2999…); a micro-unit is finer
// than any amount a scheduler acts on.
const minus = (a: number, b: number): number => Math.max(0, Math.round((a - b) * 1e6) / 1e6);

// ---------------------------------------------------------------- nodes

export function nodeToRecord(n: NodeBodyT, now: number, path = '/body'): NodeRecord {
  if (n.power_idle_watts !== undefined && n.power_max_watts !== undefined && n.power_idle_watts > n.power_max_watts) {
    throw bad(`${path}/power_idle_watts`, 'must not exceed power_max_watts');
  }
  const cap = n.capacity;
  const alloc = n.allocated ?? {};
  return {
    id: n.id,
    name: n.name ?? null,
    status: n.status ?? 'available',
    datacenter: n.datacenter ?? null,
    zone: n.zone ?? null,
    rack: n.rack ?? null,
    failure_domain: n.failure_domain ?? null,
    security_level: n.security_level ?? null,
    hardware_generation: n.hardware_generation ?? null,
    cpu_cores: cap.cpu_cores,
    memory_mb: cap.memory_mb,
    storage_gb: cap.storage_gb ?? 0,
    network_mbps: cap.network_mbps ?? 0,
    gpu_count: cap.gpu_count ?? 0,
    cpu_allocated: alloc.cpu_cores ?? 0,
    memory_allocated_mb: alloc.memory_mb ?? 0,
    storage_allocated_gb: alloc.storage_gb ?? 0,
    network_allocated_mbps: alloc.network_mbps ?? 0,
    gpu_allocated: alloc.gpu_count ?? 0,
    cost_per_hour: n.cost_per_hour ?? null,
    power_idle_watts: n.power_idle_watts ?? null,
    power_max_watts: n.power_max_watts ?? null,
    labels: { ...n.labels },
    created_at: now,
    updated_at: now,
  };
}

export function capacityOf(r: NodeRecord): ResourceAmounts {
  return { cpu_cores: r.cpu_cores, memory_mb: r.memory_mb, storage_gb: r.storage_gb, network_mbps: r.network_mbps, gpu_count: r.gpu_count };
}

export function allocatedOf(r: NodeRecord): ResourceAmounts {
  return {
    cpu_cores: r.cpu_allocated,
    memory_mb: r.memory_allocated_mb,
    storage_gb: r.storage_allocated_gb,
    network_mbps: r.network_allocated_mbps,
    gpu_count: r.gpu_allocated,
  };
}

/** What a host can still take: capacity − allocated, floored at 0 (overcommitted hosts have none). */
export function availableOf(r: NodeRecord): ResourceAmounts {
  return {
    cpu_cores: minus(r.cpu_cores, r.cpu_allocated),
    memory_mb: minus(r.memory_mb, r.memory_allocated_mb),
    storage_gb: minus(r.storage_gb, r.storage_allocated_gb),
    network_mbps: minus(r.network_mbps, r.network_allocated_mbps),
    gpu_count: minus(r.gpu_count, r.gpu_allocated),
  };
}

export function nodeToView(r: NodeRecord): NodeViewT {
  return {
    id: r.id,
    ...present('name', r.name),
    status: r.status,
    ...present('datacenter', r.datacenter),
    ...present('zone', r.zone),
    ...present('rack', r.rack),
    ...present('failure_domain', r.failure_domain),
    ...present('security_level', r.security_level),
    ...present('hardware_generation', r.hardware_generation),
    capacity: capacityOf(r),
    allocated: allocatedOf(r),
    available: availableOf(r),
    ...present('cost_per_hour', r.cost_per_hour),
    ...present('power_idle_watts', r.power_idle_watts),
    ...present('power_max_watts', r.power_max_watts),
    labels: r.labels,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

// ---------------------------------------------------------------- VMs

/** The label a NovaCron VMConfig `type` (kvm, container, …) is kept under: it is not a workload type. */
export const VM_TYPE_LABEL = 'vm_type';

const NOVACRON_SIZE_FIELDS = ['cpu_shares', 'memory_mb', 'disk_size_gb'] as const;
const SEND_SIZE = 'send resources {cpu_cores, memory_mb} or NovaCron\'s cpu_shares and memory_mb';

/** cpu and memory from exactly one spelling: `resources`, or NovaCron's cpu_shares/memory_mb/disk_size_gb. */
export function vmResources(v: VmBodyT, path = '/body'): ResourceAmounts {
  const novacron = NOVACRON_SIZE_FIELDS.filter((k) => v[k] !== undefined);
  if (v.resources) {
    if (novacron.length) throw bad(`${path}/${novacron[0]}`, `${SEND_SIZE}, not both`);
    const r = v.resources;
    return { cpu_cores: r.cpu_cores, memory_mb: r.memory_mb, storage_gb: r.storage_gb ?? 0, network_mbps: r.network_mbps ?? 0, gpu_count: r.gpu_count ?? 0 };
  }
  if (v.cpu_shares === undefined || v.memory_mb === undefined) {
    const missing = novacron.length === 0 ? 'resources' : v.cpu_shares === undefined ? 'cpu_shares' : 'memory_mb';
    throw bad(`${path}/${missing}`, `VM size is missing: ${SEND_SIZE}`);
  }
  return { cpu_cores: vcpusFromShares(v.cpu_shares), memory_mb: v.memory_mb, storage_gb: v.disk_size_gb ?? 0, network_mbps: 0, gpu_count: 0 };
}

export function vmLabels(v: VmBodyT, path = '/body'): Record<string, string> {
  if (v.labels && v.tags) throw bad(`${path}/tags`, 'send labels or NovaCron\'s tags, not both');
  const labels = { ...(v.labels ?? v.tags) };
  if (v.type !== undefined && labels[VM_TYPE_LABEL] === undefined) labels[VM_TYPE_LABEL] = v.type;
  return labels;
}

export function vmToRecord(v: VmBodyT, now: number, path = '/body'): VmRecord {
  const size = vmResources(v, path);
  return {
    id: v.id,
    name: v.name ?? null,
    node_id: v.node_id ?? null,
    state: v.state ?? 'running',
    ...size,
    workload_type: v.workload_type ?? null,
    sla_class: v.sla_class ?? null,
    priority: v.priority ?? null,
    labels: vmLabels(v, path),
    created_at: now,
    updated_at: now,
  };
}

export function vmToView(r: VmRecord): VmViewT {
  return {
    id: r.id,
    ...present('name', r.name),
    ...present('node_id', r.node_id),
    state: r.state,
    resources: { cpu_cores: r.cpu_cores, memory_mb: r.memory_mb, storage_gb: r.storage_gb, network_mbps: r.network_mbps, gpu_count: r.gpu_count },
    ...present('workload_type', r.workload_type),
    ...present('sla_class', r.sla_class),
    ...present('priority', r.priority),
    labels: r.labels,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

// ---------------------------------------------------------------- events

/**
 * `latestMs` is now plus the telemetry future tolerance: clocks drift, but an event far in the
 * future is a unit or clock mistake and would poison the failure labels.
 */
export function eventToRecord(e: EventBodyT, now: number, latestMs: number, path = '/body', newId: () => string = randomUUID): EventRecord {
  const started = parseTimestamp(e.started_at, latestMs);
  if (typeof started === 'string') throw bad(`${path}/started_at`, started);
  let ended: number | null = null;
  if (e.ended_at !== undefined) {
    const t = parseTimestamp(e.ended_at, latestMs);
    if (typeof t === 'string') {
      throw bad(`${path}/ended_at`, t === 'timestamp is in the future' ? `${t}: omit ended_at until the event is over, then send it again with the same id` : t);
    }
    if (t < started) throw bad(`${path}/ended_at`, 'must not be before started_at');
    ended = t;
  }
  const attributes = e.attributes ?? {};
  const bytes = Buffer.byteLength(JSON.stringify(attributes));
  if (bytes > MAX_EVENT_ATTRIBUTES_BYTES) throw bad(`${path}/attributes`, `is ${bytes} bytes as JSON; the limit is ${MAX_EVENT_ATTRIBUTES_BYTES}`);
  return {
    id: e.id ?? newId(),
    entity_id: e.entity_id,
    entity_type: e.entity_type ?? 'node',
    kind: e.kind,
    severity: e.severity ?? null,
    started_at: started,
    ended_at: ended,
    description: e.description ?? null,
    source: e.source ?? null,
    attributes,
    created_at: now,
  };
}

export function eventToView(r: EventRecord): EventViewT {
  return {
    id: r.id,
    entity_id: r.entity_id,
    entity_type: r.entity_type,
    kind: r.kind,
    ...present('severity', r.severity),
    started_at: iso(r.started_at),
    ...present('ended_at', r.ended_at === null ? null : iso(r.ended_at)),
    ...present('description', r.description),
    ...present('source', r.source),
    attributes: r.attributes,
    created_at: iso(r.created_at),
  };
}

// ---------------------------------------------------------------- batches

/** Index of the first id seen again in a batch, and where it was first: one upsert cannot hold both. */
export function findDuplicateId(ids: readonly (string | undefined)[]): { index: number; first: number } | undefined {
  const seen = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first !== undefined) return { index: i, first };
    seen.set(id, i);
  }
  return undefined;
}

const MAX_REPORTED = 50;

/** Maps every item, reporting all bad ones together (up to 50) so a client can fix a batch in one go. */
export function mapBatch<I, O>(items: readonly I[], map: (item: I, index: number) => O): O[] {
  const out: O[] = [];
  const errors: FieldError[] = [];
  for (let i = 0; i < items.length && errors.length < MAX_REPORTED; i++) {
    try {
      out.push(map(items[i], i));
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      errors.push(...err.errors);
    }
  }
  if (errors.length) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw Problem.badRequest(`${errors[0].path}: ${errors[0].message}${more}`, errors.slice(0, MAX_REPORTED));
  }
  return out;
}
