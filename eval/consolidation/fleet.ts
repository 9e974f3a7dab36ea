/**
 * The fleet of `npm run eval:consolidation`: Bitbrains VMs with their fit-window profiles, spread
 * over identical hosts the way Kubernetes' default scoring spreads them (LeastAllocated by
 * provisioned size, arrival order, via eval/placement/packing.ts), then turned into the
 * optimiser's ClusterState under a packing policy and a demand definition.
 */
import { ClusterState, type HostSpec, type PackingPolicy, type VmSpec } from '../../src/optimization/cluster-state.js';
import type { PlacementHost } from '../../src/placement/index.js';
import type { VmTrace } from '../lib/bitbrains.js';
import { demands, kubeScoring, toRequests, type VmDemand } from '../placement/packing.js';

export type DemandName = 'provisioned' | 'p95' | 'p99' | 'max';

export interface VmProfile {
  id: string;
  /** Per demand definition: cores and GiB over the fit window. */
  demand: Record<DemandName, VmDemand>;
  /** Memory a migration copies: p95 of memory in use (untouched and zero pages cost ~nothing). */
  migrationMemGiB: number;
  /** Assumed dirty rate (the trace has no dirty-page data): see DIRTY_RATE. */
  dirtyRateMiBps: number;
  /** Anti-affinity groups (the synthetic-services variant). */
  groups: string[];
}

/** Dirty-rate assumption: a base of 16 MiB/s plus 32 MiB/s per core busy at the VM's p95 CPU. */
export const DIRTY_RATE = { baseMiBps: 16, perBusyCoreMiBps: 32 } as const;

/** Finite samples of a series in [from, to). */
function coverage(xs: Float32Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (Number.isFinite(xs[i])) n++;
  return n;
}

/** Profiles of the VMs with data in the fit window; the others are returned apart. */
export function profiles(vms: readonly VmTrace[], fitFrom: number, fitTo: number): { kept: VmProfile[]; noData: string[]; partial: number } {
  const noData: string[] = [];
  let partial = 0;
  const withData = vms.filter((v) => {
    const n = coverage(v.cpu, fitFrom, fitTo);
    if (!n) noData.push(v.id);
    else if (n < 0.5 * (fitTo - fitFrom)) partial++;
    return n > 0;
  });
  const by: Record<DemandName, VmDemand[]> = {
    provisioned: demands(withData, 'provisioned', fitFrom, fitTo),
    p95: demands(withData, 'p95', fitFrom, fitTo),
    p99: demands(withData, 'p99', fitFrom, fitTo),
    max: demands(withData, 'max', fitFrom, fitTo),
  };
  const kept = withData.map((v, i) => ({
    id: v.id,
    demand: { provisioned: by.provisioned[i], p95: by.p95[i], p99: by.p99[i], max: by.max[i] },
    migrationMemGiB: by.p95[i].memGiB,
    dirtyRateMiBps: DIRTY_RATE.baseMiBps + DIRTY_RATE.perBusyCoreMiBps * by.p95[i].cores,
    groups: [],
  }));
  return { kept, noData, partial };
}

/** Identical empty hosts h001…, `cores` and `memGiB` each. */
export function plainHosts(n: number, cores: number, memGiB: number): PlacementHost[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `h${String(i + 1).padStart(3, '0')}`,
    status: 'available',
    capacity: { cpu_cores: cores, memory_mb: memGiB * 1024, storage_gb: 0, network_mbps: 0, gpu_count: 0 },
    allocated: { cpu_cores: 0, memory_mb: 0, storage_gb: 0, network_mbps: 0, gpu_count: 0 },
    complianceTags: new Set<string>(),
    labels: {},
    maintenance: [],
    vms: new Set<string>(),
    groups: new Map<string, number>(),
  }));
}

/**
 * Kubernetes LeastAllocated by provisioned size, in VM id order, with host anti-affinity for VMs
 * that carry groups. Returns VM id → host id (null: placed nowhere).
 */
export function spreadLeastAllocated(ps: readonly VmProfile[], hosts: readonly PlacementHost[], now: number): Map<string, string | null> {
  const requests = toRequests(
    ps.map((p) => p.demand.provisioned),
    (_d, i) => (ps[i].groups.length ? { groups: ps[i].groups, vmAntiAffinity: { groups: ps[i].groups } } : {}),
  );
  const byReq = kubeScoring(hosts, requests, 'least', now);
  return new Map(ps.map((p) => [p.id, byReq.get(`vm${p.id}`) ?? null]));
}

/** The smallest fleet (from `from` hosts up) on which LeastAllocated places every VM that fits an empty host. */
export function smallestSpreadFleet(ps: readonly VmProfile[], cores: number, memGiB: number, from: number, now: number): number {
  const placeable = ps.filter((p) => p.demand.provisioned.cores <= cores && p.demand.provisioned.memGiB <= memGiB);
  for (let n = Math.max(1, from); ; n++) {
    const a = spreadLeastAllocated(placeable, plainHosts(n, cores, memGiB), now);
    if ([...a.values()].every((h) => h !== null)) return n;
  }
}

/**
 * The optimiser's view of a placement: allocation = provisioned size, usage = `usage` demand,
 * migration traits from the profile, anti-affinity from its groups. Unplaced VMs are left out.
 */
export function clusterState(ps: readonly VmProfile[], placement: ReadonlyMap<string, string | null>, hosts: readonly PlacementHost[], policy: PackingPolicy, usage: DemandName, headroom = 1): ClusterState {
  const hostSpecs: HostSpec[] = hosts.map((h) => ({ id: h.id, cores: h.capacity.cpu_cores, memoryGiB: h.capacity.memory_mb / 1024 }));
  const vmSpecs: VmSpec[] = [];
  for (const p of ps) {
    const host = placement.get(p.id);
    if (!host) continue;
    const a = p.demand.provisioned;
    const u = p.demand[usage];
    vmSpecs.push({
      id: p.id,
      host,
      cores: a.cores,
      memoryGiB: a.memGiB,
      usage: { cores: u.cores * headroom, memoryGiB: u.memGiB * headroom },
      migration: { memoryGiB: p.migrationMemGiB, dirtyRateMiBps: p.dirtyRateMiBps },
      antiAffinity: p.groups,
    });
  }
  return ClusterState.from(hostSpecs, vmSpecs, policy);
}

/** A ClusterState's assignment in eval/placement's key format (`vm<id>` → host). */
export function placementKeys(state: ClusterState): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const [vm, host] of state.assignment()) out.set(`vm${vm}`, host);
  return out;
}
