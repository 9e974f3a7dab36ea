import { describe, expect, it } from 'vitest';
import type { NodeFilter, NodeRecord, SeriesRef, SeriesWindow, VmFilter, VmRecord } from '../platform/store/index.js';
import { ClusterTooLargeError, DEFAULT_CLUSTER_POLICY, inventoryClusterSource, loadInventoryCluster, UsageQuantileCache, type InventoryReader, type UsageReader } from './cluster-inventory.js';

const node = (id: string, over: Partial<NodeRecord> = {}): NodeRecord => ({
  id,
  name: null,
  status: 'available',
  datacenter: null,
  zone: null,
  rack: null,
  failure_domain: null,
  security_level: null,
  hardware_generation: null,
  cpu_cores: 32,
  memory_mb: 128 * 1024,
  storage_gb: 0,
  network_mbps: 0,
  gpu_count: 0,
  cpu_allocated: 0,
  memory_allocated_mb: 0,
  storage_allocated_gb: 0,
  network_allocated_mbps: 0,
  gpu_allocated: 0,
  cost_per_hour: null,
  power_idle_watts: null,
  power_max_watts: null,
  labels: {},
  created_at: 0,
  updated_at: 0,
  ...over,
});

const vmRec = (id: string, node_id: string | null, over: Partial<VmRecord> = {}): VmRecord => ({
  id,
  name: null,
  node_id,
  state: 'running',
  cpu_cores: 8,
  memory_mb: 16 * 1024,
  storage_gb: 0,
  network_mbps: 0,
  gpu_count: 0,
  workload_type: null,
  sla_class: null,
  priority: null,
  labels: {},
  created_at: 0,
  updated_at: 0,
  ...over,
});

function inventory(nodes: NodeRecord[], vms: VmRecord[]): InventoryReader & { calls: number } {
  const page = <T>(xs: T[], f: { limit: number; offset: number }) => ({ items: xs.slice(f.offset, f.offset + f.limit), total: xs.length });
  const inv = {
    calls: 0,
    listNodes: async (f: NodeFilter) => {
      inv.calls++;
      return page(nodes, f);
    },
    listVms: async (f: VmFilter) => page(vms, f),
  };
  return inv;
}

/** Series: entity → metric → values (timestamps 1..n minutes before now). */
function telemetry(data: Record<string, Record<string, number[]>>): UsageReader & { windowsRead: number[][] } {
  const refs: SeriesRef[] = [];
  const values = new Map<number, number[]>();
  for (const [entity, metrics] of Object.entries(data)) {
    for (const [metric, v] of Object.entries(metrics)) {
      refs.push({ id: refs.length + 1, entity_id: entity, metric });
      values.set(refs.length, v);
    }
  }
  const t = {
    windowsRead: [] as number[][],
    seriesOf: async (metrics: readonly string[], ids?: readonly string[]) => refs.filter((r) => metrics.includes(r.metric) && (!ids || ids.includes(r.entity_id))),
    readWindows: async (ids: readonly number[]) => {
      t.windowsRead.push([...ids]);
      const out = new Map<number, SeriesWindow>();
      for (const id of ids) {
        const v = values.get(id) ?? [];
        out.set(id, { ts: Float64Array.from(v, (_, i) => i), values: Float64Array.from(v) });
      }
      return out;
    },
  };
  return t;
}

const ramp = (n: number, scale = 0.01) => Array.from({ length: n }, (_, i) => (i + 1) * scale);

describe('loadInventoryCluster', () => {
  it('reads each node\'s cluster from its labels', async () => {
    const loaded = await loadInventoryCluster(inventory([node('n1', { labels: { cluster: 'gpu' } }), node('n2')], []), telemetry({}), 1e12);
    expect(loaded!.hosts.map((h) => h.cluster)).toEqual(['gpu', 'default']);
  });

  it('builds hosts and VMs from the inventory, sizing each VM by its p95 usage where measured', async () => {
    const nodes = [node('n1', { power_idle_watts: 150, power_max_watts: 400 }), node('n2', { power_idle_watts: 250, power_max_watts: 600 }), node('n3', { status: 'maintenance' }), node('n4', { cpu_cores: 0 })];
    const vms = [
      vmRec('full', 'n1', { labels: { anti_affinity: 'db, web', pinned: 'true', memory_dirty_rate_mibps: '120' } }),
      vmRec('cpu-only', 'n1'),
      vmRec('none', 'n2'),
      vmRec('short', 'n2'),
      vmRec('orphan', null),
      vmRec('lost', 'n9'),
      vmRec('dead', 'n1', { state: 'failed' }),
      vmRec('on-maint', 'n3'),
    ];
    const tel = telemetry({
      full: { cpu_utilization: ramp(20), memory_utilization: ramp(20, 0.04) },
      'cpu-only': { cpu_utilization: ramp(20) },
      short: { cpu_utilization: ramp(5), memory_utilization: ramp(5) },
      n1: { cpu_utilization: ramp(20) },
    });
    const c = (await loadInventoryCluster(inventory(nodes, vms), tel, 1_000_000))!;
    expect(c.hosts.map((h) => [h.id, h.maintenance, h.powerOffEligible])).toEqual([
      ['n1', false, true],
      ['n2', false, true],
      ['n3', true, false],
    ]);
    expect(c.vms.map((v) => v.id)).toEqual(['full', 'cpu-only', 'none', 'short', 'on-maint']);
    expect(c.usageSource).toEqual(['telemetry', 'partial', 'allocation', 'allocation', 'allocation']);
    // Type-7 p95 of 0.01…0.20: 0.19 + 0.05 × 0.01.
    const full = c.vms[0];
    expect(full.usage!.cores).toBeCloseTo(8 * 0.1905, 10);
    expect(full.usage!.memoryGiB).toBeCloseTo(16 * 0.762, 10);
    expect(full).toMatchObject({ host: 'n1', cores: 8, memoryGiB: 16, antiAffinity: ['db', 'web'], pinned: true, migration: { dirtyRateMiBps: 120 } });
    expect(c.vms[1].usage).toEqual({ cores: expect.closeTo(8 * 0.1905, 10), memoryGiB: 16 });
    // Fewer than MIN_USAGE_SAMPLES: allocation.
    expect(c.vms[3].usage).toEqual({ cores: 8, memoryGiB: 16 });
    expect(c.coverage).toMatchObject({ vms: 5, telemetry: 1, partial: 1, allocation: 3 });
    expect(c.coverage.coreShare).toBeCloseTo(1.5 / 5, 10);
    expect(c.state.policy).toMatchObject({ basis: 'usage', cpuTarget: DEFAULT_CLUSTER_POLICY.cpuTarget, memoryTarget: DEFAULT_CLUSTER_POLICY.memoryTarget });
    expect(c.state.loadCores[0]).toBeCloseTo(2 * 8 * 0.1905, 10);
    expect(c.costHints).toEqual({ hostIdleWatts: 200, hostPeakWatts: 500 });
    const notes = c.notes.join(' | ');
    for (const s of ['1 node(s) without positive cpu_cores', 'not \'available\'', '1 VM(s) have no node_id', '1 VM(s) name a node that is not registered', '1 VM(s) in state failed or deleting', '3 of 5 VM(s) have no usage telemetry']) expect(notes).toContain(s);
    // Only VM series were read, in one bulk window read.
    expect(tel.windowsRead).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('returns null without nodes, and refuses a fleet over its limits', async () => {
    expect(await loadInventoryCluster(inventory([], []), telemetry({}))).toBeNull();
    await expect(loadInventoryCluster(inventory([node('a'), node('b')], []), telemetry({}), 0, { maxHosts: 1 })).rejects.toThrowError(ClusterTooLargeError);
    await expect(loadInventoryCluster(inventory([node('a')], [vmRec('x', 'a'), vmRec('y', 'a')]), telemetry({}), 0, { maxVms: 1 })).rejects.toThrowError(/holds 2 VMs/);
  });

  it('stops reading telemetry at the sample budget and says so', async () => {
    const vms = Array.from({ length: 600 }, (_, i) => vmRec(`v${i}`, 'a'));
    const tel = telemetry(Object.fromEntries(vms.map((v) => [v.id, { cpu_utilization: ramp(20) }])));
    const c = (await loadInventoryCluster(inventory([node('a', { cpu_cores: 10_000, memory_mb: 1e8 })], vms), tel, 0, { maxSamples: 100 }))!;
    expect(tel.windowsRead).toHaveLength(1); // one chunk of 256 series, then the budget
    expect(c.usageSource.filter((s) => s === 'partial')).toHaveLength(256);
    expect(c.notes.join(' ')).toContain('telemetry read stopped after');
  });
});

describe('usage quantiles kept between loads', () => {
  it('re-reads only VMs without recent quantiles, and every VM once they are older than the limit', async () => {
    const vms = [vmRec('a', 'n1'), vmRec('b', 'n1')];
    const tel = telemetry({ a: { cpu_utilization: ramp(20) }, b: { cpu_utilization: ramp(20, 0.02), memory_utilization: ramp(20) }, c: { cpu_utilization: ramp(20) } });
    const cache = new UsageQuantileCache(60_000);
    const first = (await loadInventoryCluster(inventory([node('n1')], vms), tel, 1_000_000, { usageCache: cache }))!;
    expect(tel.windowsRead.flat()).toHaveLength(3);
    expect(cache.size).toBe(2);
    // 30 s later: nothing re-read, the same sizes, and the answer says so.
    const again = (await loadInventoryCluster(inventory([node('n1')], vms), tel, 1_030_000, { usageCache: cache }))!;
    expect(tel.windowsRead.flat()).toHaveLength(3);
    expect(again.vms.map((v) => v.usage)).toEqual(first.vms.map((v) => v.usage));
    expect(again.usageSource).toEqual(first.usageSource);
    expect(again.notes.join(' ')).toContain('usage of 2 VM(s) reused');
    // A new VM is read alone; a VM that left is forgotten.
    await loadInventoryCluster(inventory([node('n1')], [vms[1], vmRec('c', 'n1')]), tel, 1_040_000, { usageCache: cache });
    expect(tel.windowsRead.at(-1)).toEqual([4]);
    expect(cache.size).toBe(2);
    expect(cache.fresh('a', 1_040_000)).toBeUndefined();
    // Past the age limit every VM is read again.
    await loadInventoryCluster(inventory([node('n1')], [vms[1], vmRec('c', 'n1')]), tel, 1_101_000, { usageCache: cache });
    expect(tel.windowsRead.at(-1)!.sort()).toEqual([2, 3, 4]);
  });
});

describe('inventoryClusterSource', () => {
  it('reuses a fresh load, answers a stale one while refreshing, and waits when it is too old', async () => {
    let now = 0;
    const inv = inventory([node('a')], []);
    const src = inventoryClusterSource({ inventory: inv, telemetry: telemetry({}) }, { ttlMs: 100, maxStaleMs: 1_000, clock: () => now });
    const [x, y] = await Promise.all([src.loadCluster(), src.loadCluster()]);
    expect(x).toBe(y); // one load for concurrent callers
    expect(inv.calls).toBe(1);
    now = 50;
    expect(await src.loadCluster()).toBe(x);
    expect(inv.calls).toBe(1);
    now = 500; // stale: answered at once, refreshed behind
    expect(await src.loadCluster()).toBe(x);
    await src.warm();
    expect(inv.calls).toBe(2);
    const refreshed = await src.loadCluster();
    expect(refreshed).not.toBe(x);
    expect(refreshed!.loadedAt).toBe(500);
    now = 5_000; // too old: waits for a fresh load
    expect((await src.loadCluster())!.loadedAt).toBe(5_000);
  });
});
