/**
 * The fleet as the inventory knows it: every registered node with its VMs, its newest telemetry
 * (the live facts), its failure risk from the failure capability's latest scoring run, and the
 * facts its columns and labels carry. Read in a fixed number of queries whatever the fleet size:
 * nodes and VMs page by page, one series lookup and one window read for all live metrics, one
 * read of the assessments.
 *
 * How inventory becomes placement hosts (documented in the API):
 * - allocation per resource is the larger of the node's reported `allocated` and the sum of the
 *   VMs the inventory places on it (both are promises the host has made);
 * - a VM counts on its node unless its state is `failed` or `deleting`;
 * - a VM's groups come from its label `group` (one name) and `groups` (a comma-separated list);
 * - a node's compliance tags come from its label `compliance_tags` (comma-separated);
 * - labels named like a catalogue fact (or a documented alias) are also that fact, e.g.
 *   `storage_type: nvme` or `max_vms: "40"`; columns cost_per_hour, power_idle_watts,
 *   power_max_watts and hardware_generation are facts of the same names;
 * - live facts: the newest sample within LIVE_WINDOW_MS of each metric in LIVE_METRICS;
 *   `temperature` is the hotter of `temperature` and `cpu_temperature`;
 * - `failure_probability` is the latest stored failure assessment of the node.
 */
import type { NodeRecord, Store, VmRecord } from '../platform/store/index.js';
import { emptyResources, RESOURCES, type PlacementHost, type Resources } from './problem.js';
import { factOf, factValue } from './wire-mapping.js';

/** Telemetry metrics read as live facts (canonical names: fractions for utilisations). */
export const LIVE_METRICS = [
  'cpu_utilization',
  'memory_utilization',
  'disk_utilization',
  'network_utilization',
  'temperature',
  'cpu_temperature',
  'cpu_steal',
  'cpu_ready',
  'cpu_iowait',
  'disk_read_latency_ms',
  'major_page_faults',
  'swap_utilization',
  'network_latency_ms',
  'packet_loss',
] as const;

/** A sample older than this is not live. */
export const LIVE_WINDOW_MS = 15 * 60_000;
/** Samples stamped up to this far ahead (clock drift) still count as the newest. */
const FUTURE_SLACK_MS = 5 * 60_000;
const PAGE = 1_000;
/** VM states that hold no resources on their node. */
const GONE_STATES: ReadonlySet<string> = new Set(['failed', 'deleting']);

export interface InventoryFleet {
  hosts: PlacementHost[];
  loadedAt: number;
  notes: string[];
}

async function allNodes(store: Store): Promise<NodeRecord[]> {
  const out: NodeRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items } = await store.inventory.listNodes({ limit: PAGE, offset });
    out.push(...items);
    if (items.length < PAGE) return out;
  }
}

async function allVms(store: Store): Promise<VmRecord[]> {
  const out: VmRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items } = await store.inventory.listVms({ limit: PAGE, offset });
    out.push(...items);
    if (items.length < PAGE) return out;
  }
}

const list = (v: string | undefined): string[] => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** Groups a VM belongs to, from its labels `group` and `groups`. */
export function vmGroups(labels: Readonly<Record<string, string>>): string[] {
  return [...new Set([...list(labels.group), ...list(labels.groups)])];
}

/** Newest value per (entity, metric) within the live window. */
async function liveValues(store: Store, nodeIds: readonly string[], now: number): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  if (nodeIds.length === 0) return out;
  const series = await store.telemetry.seriesOf(LIVE_METRICS, nodeIds, 'node');
  if (series.length === 0) return out;
  const windows = await store.telemetry.readWindows(
    series.map((s) => s.id),
    now - LIVE_WINDOW_MS,
    now + FUTURE_SLACK_MS,
  );
  for (const s of series) {
    const w = windows.get(s.id);
    if (!w || w.values.length === 0) continue;
    const v = w.values[w.values.length - 1];
    if (!Number.isFinite(v)) continue;
    let m = out.get(s.entity_id);
    if (!m) out.set(s.entity_id, (m = new Map()));
    m.set(s.metric, v);
  }
  return out;
}

async function failureProbabilities(store: Store): Promise<Map<string, number>> {
  const { items } = await store.failure.listAssessments({ limit: 1_000_000 });
  return new Map(items.filter((a) => Number.isFinite(a.probability)).map((a) => [a.hostId, a.probability]));
}

/** Reads the inventory into placement hosts (see the file comment for the rules). */
export async function loadInventoryFleet(store: Store, now: number = Date.now()): Promise<InventoryFleet> {
  const [nodes, vms] = await Promise.all([allNodes(store), allVms(store)]);
  const ids = nodes.map((n) => n.id);
  const [live, risk] = await Promise.all([liveValues(store, ids, now), failureProbabilities(store)]);
  const notes = new Set<string>();

  const byNode = new Map<string, VmRecord[]>();
  for (const vm of vms) {
    if (vm.node_id === null || GONE_STATES.has(vm.state)) continue;
    let l = byNode.get(vm.node_id);
    if (!l) byNode.set(vm.node_id, (l = []));
    l.push(vm);
  }

  const hosts = nodes.map((n): PlacementHost => {
    const onNode = byNode.get(n.id) ?? [];
    const vmSum: Resources = emptyResources();
    const groups = new Map<string, number>();
    const mix = new Map<string, number>();
    for (const vm of onNode) {
      for (const k of RESOURCES) vmSum[k] += vm[k];
      for (const g of vmGroups(vm.labels)) groups.set(g, (groups.get(g) ?? 0) + 1);
      if (vm.workload_type) mix.set(vm.workload_type, (mix.get(vm.workload_type) ?? 0) + 1);
    }
    const reported: Resources = {
      cpu_cores: n.cpu_allocated,
      memory_mb: n.memory_allocated_mb,
      storage_gb: n.storage_allocated_gb,
      network_mbps: n.network_allocated_mbps,
      gpu_count: n.gpu_allocated,
    };
    const allocated = emptyResources();
    for (const k of RESOURCES) allocated[k] = Math.max(reported[k], vmSum[k]);

    const facts: Record<string, number | string> = {};
    for (const [k, v] of Object.entries(n.labels)) {
      const f = factOf(k);
      if (!f) continue;
      try {
        const value = factValue(v, f.fact, f.scale, `labels/${k}`);
        if (value !== undefined) facts[f.fact] = value;
      } catch {
        notes.add(`Label ${k} of node ${n.id} ("${v.slice(0, 40)}") is not a valid ${f.fact}: ignored`);
      }
    }
    if (n.cost_per_hour !== null) facts.cost_per_hour = n.cost_per_hour;
    if (n.power_idle_watts !== null) facts.power_idle_watts = n.power_idle_watts;
    if (n.power_max_watts !== null) facts.power_max_watts = n.power_max_watts;
    if (n.hardware_generation !== null) facts.hardware_generation = n.hardware_generation;
    const m = live.get(n.id);
    if (m) {
      for (const [metric, v] of m) if (metric !== 'temperature' && metric !== 'cpu_temperature') facts[metric] = v;
      const t = Math.max(m.get('temperature') ?? -Infinity, m.get('cpu_temperature') ?? -Infinity);
      if (t > -Infinity) facts.temperature = t;
    }
    const p = risk.get(n.id);
    if (p !== undefined) facts.failure_probability = Math.min(1, Math.max(0, p));

    const host: PlacementHost = {
      id: n.id,
      status: n.status,
      capacity: { cpu_cores: n.cpu_cores, memory_mb: n.memory_mb, storage_gb: n.storage_gb, network_mbps: n.network_mbps, gpu_count: n.gpu_count },
      allocated,
      complianceTags: new Set(list(n.labels.compliance_tags)),
      labels: n.labels,
      maintenance: [],
      vms: new Set(onNode.map((v) => v.id)),
      groups,
      facts,
      workloadMix: mix,
    };
    if (n.datacenter !== null) host.datacenter = n.datacenter;
    if (n.zone !== null) host.zone = n.zone;
    if (n.rack !== null) host.rack = n.rack;
    if (n.failure_domain !== null) host.failureDomain = n.failure_domain;
    if (n.security_level !== null) host.securityLevel = n.security_level;
    return host;
  });
  if (nodes.length && live.size === 0) notes.add(`No node has telemetry in the last ${LIVE_WINDOW_MS / 60_000} minutes: live factors (utilisation, temperature, latency …) are unavailable and left out of the scores`);
  return { hosts, loadedAt: now, notes: [...notes].slice(0, 20) };
}
