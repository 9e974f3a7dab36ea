/**
 * The registered fleet as a ClusterState: hosts from the `nodes` table, VMs from the `vms` table
 * placed on their `node_id`, each VM weighing what it was measured to use.
 *
 * Rules (documented in the API):
 * - a host's capacity is its `cpu_cores` and `memory_mb` / 1024 GiB; a host whose status is not
 *   `available` takes no VMs (maintenance, draining, offline, failed); a host may be powered off
 *   unless its label `power_off_eligible` is `false` or its status is not `available`;
 * - a VM counts on its node unless its state is `failed` or `deleting` (as placement counts it);
 *   VMs without a node, on an unknown node, or with non-positive sizes are skipped with a note;
 * - a VM's usage is the USAGE_QUANTILE (p95) of its stored `cpu_utilization` × cores and
 *   `memory_utilization` × memory over the last USAGE_WINDOW_MS (7 days) when it has at least
 *   MIN_USAGE_SAMPLES samples of the metric, else its allocation in that dimension; `usageSource`
 *   says which per VM (`telemetry`: both measured, `partial`: one, `allocation`: none);
 * - a node's cluster is its label `cluster` (or `cluster_id`), `default` without one; a request's
 *   cluster_id picks the nodes (cluster-scope.ts);
 * - anti-affinity groups come from the VM labels `anti_affinity` / `anti_affinity_groups`
 *   (comma-separated); a VM labelled `pinned: "true"` or `migratable: "false"` never moves;
 * - memory to copy on migration is the VM's allocated memory; its dirty rate is its label
 *   `memory_dirty_rate_mibps` when present, else the planners' stated default.
 *
 * Limits: at most MAX_INVENTORY_HOSTS hosts and MAX_INVENTORY_VMS VMs. A larger fleet is refused
 * (ClusterTooLargeError) rather than cut: a plan over part of a host's VMs would be wrong.
 * Telemetry is read with the repository's bulk readers (one series lookup per 500 VMs, one window
 * read per chunk of series), yielding to the event loop between chunks, within a sample budget.
 * A source keeps each VM's usage quantiles for USAGE_MAX_AGE_MS (UsageQuantileCache): a reload
 * re-reads the nodes and VMs but only the telemetry of VMs it has no recent quantiles for, so
 * refreshing a 2,000-VM fleet every 15 s does not re-read a million samples each time.
 */
import { quantilesSelect } from '../ml/forecast/index.js';
import type { NodeFilter, NodeRecord, SeriesRef, SeriesWindow, VmFilter, VmRecord } from '../platform/store/index.js';
import { ClusterState, type HostSpec, type PackingPolicy, type VmSpec } from './cluster-state.js';
import type { CostModel } from './cost-model.js';

export const MAX_INVENTORY_HOSTS = 10_000;
export const MAX_INVENTORY_VMS = 100_000;
/** Usage is read over this window before `now`. */
export const USAGE_WINDOW_MS = 7 * 86_400_000;
/** The quantile of the window a VM is sized at. */
export const USAGE_QUANTILE = 0.95;
/** Fewer samples of a metric than this and the VM is sized by its allocation in that dimension. */
export const MIN_USAGE_SAMPLES = 12;
/** Most samples read in one load; VMs past it are sized by allocation (with a note). */
export const MAX_USAGE_SAMPLES = 20_000_000;
/**
 * Longest a load spends reading telemetry; VMs not read by then are sized by allocation (with a
 * note). SQLite reads ≈ 2 million samples a second here: 10,000 VMs with 4 days of hourly
 * samples take ≈ 0.9 s, a week at 5-minute resolution would take ≈ 20 s without this bound.
 */
export const MAX_USAGE_READ_MS = 2_000;
export const USAGE_METRICS = ['cpu_utilization', 'memory_utilization'] as const;
/** A VM's usage quantiles are re-read from telemetry when older than this (5 minutes). */
export const USAGE_MAX_AGE_MS = 300_000;

/** One VM's usage quantiles (NaN: too few samples of that metric) and when they were read. */
export interface UsageQuantiles {
  cpu: number;
  mem: number;
  at: number;
}

/**
 * Usage quantiles per VM kept between loads. A p95 over 7 days moves little in a few minutes,
 * while reading it is most of a load's cost. Entries of VMs that left the inventory are dropped.
 */
export class UsageQuantileCache {
  private readonly entries = new Map<string, UsageQuantiles>();
  constructor(readonly maxAgeMs: number = USAGE_MAX_AGE_MS) {}

  /** The entry for `id` when it was read within maxAgeMs of `now`. */
  fresh(id: string, now: number): UsageQuantiles | undefined {
    const e = this.entries.get(id);
    return e && now - e.at <= this.maxAgeMs && e.at <= now ? e : undefined;
  }

  set(id: string, e: UsageQuantiles): void {
    this.entries.set(id, e);
  }

  /** Keeps only the VMs in `ids`. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.entries.keys()) if (!ids.has(id)) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The packing policy of a fleet read from the inventory, NovaCron's own defaults: hosts packed to
 * 85 % of their cores and 80 % of their memory by usage (max_cpu_threshold / max_memory_threshold
 * of distributed_ai_service), allocations capped at 4 vCPU per core and no memory overcommit.
 */
export const DEFAULT_CLUSTER_POLICY: Readonly<PackingPolicy> = Object.freeze({
  basis: 'usage',
  cpuTarget: 0.85,
  memoryTarget: 0.8,
  maxAllocationRatio: Object.freeze({ cpu: 4, memory: 1 }),
});

const PAGE = 1_000;
const SERIES_CHUNK = 256;
/** VM states that hold no resources. */
export const GONE_STATES: ReadonlySet<string> = new Set(['failed', 'deleting']);

export type UsageSource = 'telemetry' | 'partial' | 'allocation' | 'stated';

export interface ClusterCoverage {
  vms: number;
  /** VMs whose usage was measured in both dimensions, in one, in none; `stated`: sent by the caller. */
  telemetry: number;
  partial: number;
  allocation: number;
  stated: number;
  /** Share of allocated cores whose usage is measured or stated (partial counts half), 0–1. */
  coreShare: number;
}

/** A fleet ready for the optimisers: the specs, the state under a policy, and where each VM's size came from. */
export interface LoadedCluster {
  hosts: HostSpec[];
  vms: VmSpec[];
  state: ClusterState;
  /** Per VM (same index as `vms`). */
  usageSource: UsageSource[];
  coverage: ClusterCoverage;
  source: 'inventory' | 'request';
  notes: string[];
  loadedAt: number;
  /** Cost-model overrides the nodes state (median power draw when most nodes state it). */
  costHints: Partial<Pick<CostModel, 'hostIdleWatts' | 'hostPeakWatts'>>;
}

export interface InventoryClusterOptions {
  maxHosts?: number;
  maxVms?: number;
  windowMs?: number;
  quantile?: number;
  minSamples?: number;
  maxSamples?: number;
  maxReadMs?: number;
  policy?: Readonly<PackingPolicy>;
  /** Usage quantiles from earlier loads to reuse (and to fill); none: every VM is read. */
  usageCache?: UsageQuantileCache;
}

/** What the loader needs of the inventory repository. */
export interface InventoryReader {
  listNodes(f: NodeFilter): Promise<{ items: NodeRecord[]; total: number }>;
  listVms(f: VmFilter): Promise<{ items: VmRecord[]; total: number }>;
}

/** What the loader needs of the telemetry repository. */
export interface UsageReader {
  seriesOf(metrics: readonly string[], entityIds?: readonly string[], entityType?: string): Promise<SeriesRef[]>;
  readWindows(seriesIds: readonly number[], from: number, to: number): Promise<Map<number, SeriesWindow>>;
}

/** The fleet is over a limit: refused whole (a partial fleet would give wrong plans). */
export class ClusterTooLargeError extends Error {
  override name = 'ClusterTooLargeError';
}

async function readAll<T>(page: (offset: number) => Promise<{ items: T[]; total: number }>, max: number, what: string): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items, total } = await page(offset);
    if (total > max) throw new ClusterTooLargeError(`the inventory holds ${total} ${what}; cluster optimisation handles at most ${max}`);
    out.push(...items);
    if (items.length < PAGE) return out;
  }
}

const list = (v: string | undefined): string[] => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** The cluster of a node without a `cluster` label. */
export const DEFAULT_CLUSTER = 'default';

/** A node's cluster from its labels `cluster` (or `cluster_id`); `default` without either. */
export function clusterOfLabels(labels: Readonly<Record<string, string>>): string {
  const c = labels.cluster ?? labels.cluster_id;
  return typeof c === 'string' && c.trim() ? c.trim() : DEFAULT_CLUSTER;
}

/** Anti-affinity groups of a VM from its labels. */
export function antiAffinityOf(labels: Readonly<Record<string, string>>): string[] {
  return [...new Set([...list(labels.anti_affinity), ...list(labels.anti_affinity_groups)])];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Coverage of a VM list's sizes. */
export function coverageOf(vms: readonly VmSpec[], usageSource: readonly UsageSource[]): ClusterCoverage {
  const c: ClusterCoverage = { vms: vms.length, telemetry: 0, partial: 0, allocation: 0, stated: 0, coreShare: 0 };
  let all = 0;
  let known = 0;
  for (let i = 0; i < vms.length; i++) {
    const s = usageSource[i];
    c[s]++;
    all += vms[i].cores;
    known += vms[i].cores * usageWeight(s);
  }
  c.coreShare = all > 0 ? known / all : 0;
  return c;
}

/** How much a VM's size counts as measured: 1 measured or stated, 0.5 one dimension, 0 allocation. */
export function usageWeight(s: UsageSource): number {
  return s === 'telemetry' || s === 'stated' ? 1 : s === 'partial' ? 0.5 : 0;
}

/**
 * Reads the inventory (and the VMs' usage telemetry) into a ClusterState under `opts.policy`
 * (default DEFAULT_CLUSTER_POLICY). Resolves to null when no node is registered.
 */
export async function loadInventoryCluster(inventory: InventoryReader, telemetry: UsageReader, now: number = Date.now(), opts: InventoryClusterOptions = {}): Promise<LoadedCluster | null> {
  const maxHosts = opts.maxHosts ?? MAX_INVENTORY_HOSTS;
  const maxVms = opts.maxVms ?? MAX_INVENTORY_VMS;
  const windowMs = opts.windowMs ?? USAGE_WINDOW_MS;
  const q = opts.quantile ?? USAGE_QUANTILE;
  const minSamples = opts.minSamples ?? MIN_USAGE_SAMPLES;
  const maxSamples = opts.maxSamples ?? MAX_USAGE_SAMPLES;
  const maxReadMs = opts.maxReadMs ?? MAX_USAGE_READ_MS;
  const nodes = await readAll((offset) => inventory.listNodes({ limit: PAGE, offset }), maxHosts, 'nodes');
  if (nodes.length === 0) return null;
  const vmRows = await readAll((offset) => inventory.listVms({ limit: PAGE, offset }), maxVms, 'VMs');
  const notes: string[] = [];

  const hosts: HostSpec[] = [];
  const hostIds = new Set<string>();
  let badHosts = 0;
  for (const n of nodes) {
    const memoryGiB = n.memory_mb / 1024;
    if (!(n.cpu_cores > 0) || !(memoryGiB > 0)) {
      badHosts++;
      continue;
    }
    const available = n.status === 'available';
    hosts.push({ id: n.id, cores: n.cpu_cores, memoryGiB, maintenance: !available, powerOffEligible: available && n.labels.power_off_eligible !== 'false', cluster: clusterOfLabels(n.labels) });
    hostIds.add(n.id);
  }
  if (badHosts) notes.push(`${badHosts} node(s) without positive cpu_cores and memory_mb were left out`);
  const unavailable = hosts.filter((h) => h.maintenance).length;
  if (unavailable) notes.push(`${unavailable} node(s) are not 'available' (maintenance, draining, offline or failed): they take no VMs and are not powered off`);

  const rows: VmRecord[] = [];
  let noNode = 0;
  let unknownNode = 0;
  let gone = 0;
  let badSize = 0;
  for (const v of vmRows) {
    if (GONE_STATES.has(v.state)) gone++;
    else if (v.node_id === null) noNode++;
    else if (!hostIds.has(v.node_id)) unknownNode++;
    else if (!(v.cpu_cores > 0) || !(v.memory_mb > 0)) badSize++;
    else rows.push(v);
  }
  if (noNode) notes.push(`${noNode} VM(s) have no node_id: not part of the plan`);
  if (unknownNode) notes.push(`${unknownNode} VM(s) name a node that is not registered (or was left out): not part of the plan, so that node's load may be understated`);
  if (gone) notes.push(`${gone} VM(s) in state failed or deleting hold no resources and were left out`);
  if (badSize) notes.push(`${badSize} VM(s) without positive cpu_cores and memory_mb were left out`);

  // Usage: p-quantile of each VM's utilisation over the window, read in bulk — except for VMs
  // whose quantiles the cache holds from a recent load.
  const cache = opts.usageCache;
  const cpuQ = new Float64Array(rows.length).fill(NaN);
  const memQ = new Float64Array(rows.length).fill(NaN);
  const ids: string[] = [];
  let cached = 0;
  rows.forEach((r, i) => {
    const e = cache?.fresh(r.id, now);
    if (e) {
      cpuQ[i] = e.cpu;
      memQ[i] = e.mem;
      cached++;
    } else ids.push(r.id);
  });
  const index = new Map(rows.map((r, i) => [r.id, i]));
  const series = ids.length ? await telemetry.seriesOf(USAGE_METRICS, ids) : [];
  // Series still to read per VM: a VM enters the cache only once all of its series were read.
  const pending = new Int32Array(rows.length);
  for (const s of series) {
    const v = index.get(s.entity_id);
    if (v !== undefined) pending[v]++;
  }
  let samples = 0;
  let budgetHit = false;
  let timeHit = false;
  const readStart = performance.now();
  for (let i = 0; i < series.length && !budgetHit && !timeHit; i += SERIES_CHUNK) {
    const chunk = series.slice(i, i + SERIES_CHUNK);
    const windows = await telemetry.readWindows(
      chunk.map((s) => s.id),
      now - windowMs,
      now,
    );
    for (const s of chunk) {
      const w = windows.get(s.id);
      const v = index.get(s.entity_id);
      if (v !== undefined) pending[v]--;
      if (!w || v === undefined) continue;
      samples += w.values.length;
      const vals = new Float64Array(w.values.length);
      let n = 0;
      for (let k = 0; k < w.values.length; k++) {
        const x = w.values[k];
        if (Number.isFinite(x)) vals[n++] = Math.min(1, Math.max(0, x));
      }
      if (n < minSamples) continue;
      const p = quantilesSelect(vals, [q], n)[0];
      if (s.metric === 'cpu_utilization') cpuQ[v] = p;
      else memQ[v] = p;
    }
    if (samples > maxSamples) budgetHit = true;
    else if (performance.now() - readStart > maxReadMs && i + SERIES_CHUNK < series.length) timeHit = true;
    await yieldToLoop();
  }
  if (cache) {
    for (const id of ids) {
      const v = index.get(id)!;
      if (pending[v] === 0) cache.set(id, { cpu: cpuQ[v], mem: memQ[v], at: now });
    }
    cache.retain(new Set(index.keys()));
    if (cached) notes.push(`usage of ${cached} VM(s) reused from a read at most ${Math.round(cache.maxAgeMs / 60_000)} min old; ${ids.length} read now`);
  }
  if (budgetHit) notes.push(`telemetry read stopped after ${samples} samples (budget ${maxSamples}): VMs not yet read are sized by their allocation`);
  if (timeHit) notes.push(`telemetry read stopped after ${maxReadMs} ms (${samples} samples): VMs not yet read are sized by their allocation`);

  const vms: VmSpec[] = [];
  const usageSource: UsageSource[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const memoryGiB = r.memory_mb / 1024;
    const hasC = Number.isFinite(cpuQ[i]);
    const hasM = Number.isFinite(memQ[i]);
    const spec: VmSpec = {
      id: r.id,
      host: r.node_id!,
      cores: r.cpu_cores,
      memoryGiB,
      usage: { cores: hasC ? cpuQ[i] * r.cpu_cores : r.cpu_cores, memoryGiB: hasM ? memQ[i] * memoryGiB : memoryGiB },
    };
    const groups = antiAffinityOf(r.labels);
    if (groups.length) spec.antiAffinity = groups;
    if (r.labels.pinned === 'true' || r.labels.migratable === 'false') spec.pinned = true;
    const dirty = Number(r.labels.memory_dirty_rate_mibps);
    if (r.labels.memory_dirty_rate_mibps !== undefined && Number.isFinite(dirty) && dirty >= 0) spec.migration = { dirtyRateMiBps: dirty };
    vms.push(spec);
    usageSource.push(hasC && hasM ? 'telemetry' : hasC || hasM ? 'partial' : 'allocation');
  }
  const coverage = coverageOf(vms, usageSource);
  if (vms.length && coverage.telemetry + coverage.partial === 0) {
    notes.push(`No VM has ${MIN_USAGE_SAMPLES}+ samples of cpu_utilization or memory_utilization in the last ${Math.round(windowMs / 86_400_000)} days: every VM is sized by its allocation (safe, but it finds less to consolidate and hotspots are allocation hotspots)`);
  } else if (coverage.allocation + coverage.partial > 0) {
    notes.push(`${coverage.allocation} of ${vms.length} VM(s) have no usage telemetry and ${coverage.partial} only one of CPU and memory: those dimensions are sized by allocation`);
  }

  const costHints: LoadedCluster['costHints'] = {};
  const idle = nodes.map((n) => n.power_idle_watts).filter((w): w is number => w !== null && Number.isFinite(w));
  const peak = nodes.map((n) => n.power_max_watts).filter((w): w is number => w !== null && Number.isFinite(w));
  if (idle.length * 2 >= nodes.length && peak.length * 2 >= nodes.length) {
    const i = median(idle);
    const p = median(peak);
    if (p >= i) {
      costHints.hostIdleWatts = i;
      costHints.hostPeakWatts = p;
      notes.push(`energy priced at the nodes' median stated draw: ${i} W idle, ${p} W peak`);
    }
  }

  const state = ClusterState.from(hosts, vms, opts.policy ?? DEFAULT_CLUSTER_POLICY);
  return { hosts, vms, state, usageSource, coverage, source: 'inventory', notes, loadedAt: now, costHints };
}

/** A LoadedCluster from specs (tests, callers with their own fleet source). */
export function clusterFromSpecs(
  hosts: HostSpec[],
  vms: VmSpec[],
  usageSource: UsageSource[] = vms.map((v) => (v.usage ? 'telemetry' : 'allocation')),
  opts: { policy?: Readonly<PackingPolicy>; source?: LoadedCluster['source']; notes?: string[]; now?: number } = {},
): LoadedCluster {
  return {
    hosts,
    vms,
    state: ClusterState.from(hosts, vms, opts.policy ?? DEFAULT_CLUSTER_POLICY),
    usageSource,
    coverage: coverageOf(vms, usageSource),
    source: opts.source ?? 'inventory',
    notes: opts.notes ?? [],
    loadedAt: opts.now ?? Date.now(),
    costHints: {},
  };
}

/** How the routes and the envelope reach the fleet. */
export interface ClusterSource {
  /** The registered fleet, or null when no node is registered. May throw ClusterTooLargeError. */
  loadCluster(): Promise<LoadedCluster | null>;
}

export interface InventorySourceOptions extends Omit<InventoryClusterOptions, 'usageCache'> {
  /** How long a VM's usage quantiles are reused between loads (USAGE_MAX_AGE_MS; 0: re-read every load). */
  usageMaxAgeMs?: number;
  /** A load is reused without question this long (default 15 s). */
  ttlMs?: number;
  /**
   * An older load up to this age (default 6 minutes, longer than NovaCron's 5-minute polling) is
   * answered at once while a fresh one loads in the background; older than this, callers wait
   * for the fresh load. 0 turns the background refresh off.
   */
  maxStaleMs?: number;
  clock?: () => number;
}

/** A ClusterSource that can also be warmed (e.g. at start-up, so the first request does not wait). */
export interface InventoryClusterSource extends ClusterSource {
  /** Starts a load unless one is fresh or running; resolves when it is done. Never rejects. */
  warm(): Promise<void>;
}

/**
 * A ClusterSource over the store's inventory and telemetry: loads on demand, reuses a load for
 * `ttlMs`, answers from a load up to `maxStaleMs` old while refreshing it in the background, and
 * shares one load between concurrent callers. Each answer says when its fleet was read
 * (LoadedCluster.loadedAt).
 */
export function inventoryClusterSource(store: { inventory: InventoryReader; telemetry: UsageReader }, opts: InventorySourceOptions = {}): InventoryClusterSource {
  const ttl = opts.ttlMs ?? 15_000;
  const maxStale = opts.maxStaleMs ?? 360_000;
  const clock = opts.clock ?? Date.now;
  const usageMaxAge = opts.usageMaxAgeMs ?? USAGE_MAX_AGE_MS;
  const usageCache = usageMaxAge > 0 ? new UsageQuantileCache(usageMaxAge) : undefined;
  let cached: { at: number; value: LoadedCluster | null } | undefined;
  let inflight: Promise<LoadedCluster | null> | undefined;
  const load = (): Promise<LoadedCluster | null> => {
    const now = clock();
    inflight ??= loadInventoryCluster(store.inventory, store.telemetry, now, { ...opts, usageCache })
      .then((value) => {
        cached = { at: now, value };
        return value;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
  return {
    loadCluster(): Promise<LoadedCluster | null> {
      const age = cached ? clock() - cached.at : Infinity;
      if (cached && age < ttl) return Promise.resolve(cached.value);
      if (cached && age < maxStale) {
        // Answer now; refresh for the next caller (a failed refresh keeps the old load).
        load().catch(() => undefined);
        return Promise.resolve(cached.value);
      }
      return load();
    },
    async warm(): Promise<void> {
      if (cached && clock() - cached.at < ttl) return;
      await load().catch(() => undefined);
    },
  };
}
