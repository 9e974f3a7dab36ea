/**
 * The packing experiments of `npm run eval:placement`: VM demands from the Bitbrains trace, the
 * lower bound on hosts, our batch placement beside plain FFD and Kubernetes-style scoring, and
 * the replay of real usage onto a packing.
 */
import { ConstraintChecker } from '../../src/placement/constraints.js';
import { placeBatch, verifyAssignment, type BatchOptions } from '../../src/placement/batch-placement.js';
import { FleetSnapshot } from '../../src/placement/fleet-snapshot.js';
import { place } from '../../src/placement/placement-engine.js';
import type { PlacementHost, PlacementRequest } from '../../src/placement/problem.js';
import { STEP_S, type VmTrace } from '../lib/bitbrains.js';

export interface VmDemand {
  id: string;
  cores: number;
  memGiB: number;
}

export type DemandBasis = 'provisioned' | 'p50' | 'p95' | 'p99' | 'max';

/** The q-quantile (linear interpolation) of the finite values of `xs[from, to)`; NaN if none. */
export function quantile(xs: Float32Array, from: number, to: number, q: number): number {
  const v: number[] = [];
  for (let i = from; i < to; i++) if (Number.isFinite(xs[i])) v.push(xs[i]);
  if (!v.length) return NaN;
  v.sort((a, b) => a - b);
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  return lo + 1 < v.length ? v[lo] + (pos - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

/**
 * Each VM's demand over steps [from, to) (the fit window): provisioned = the largest provisioned
 * cores and memory seen; p50 / p95 / p99 / max = that quantile of cores and of memory in use, each
 * dimension on its own. A VM without data in the window asks for nothing.
 */
export function demands(vms: readonly VmTrace[], basis: DemandBasis, from: number, to: number): VmDemand[] {
  return vms.map((v) => {
    if (basis === 'provisioned') return { id: v.id, cores: quantile(v.provCores, from, to, 1) || 0, memGiB: quantile(v.provMem, from, to, 1) || 0 };
    const q = basis === 'p50' ? 0.5 : basis === 'p95' ? 0.95 : basis === 'p99' ? 0.99 : 1;
    return { id: v.id, cores: quantile(v.cpu, from, to, q) || 0, memGiB: quantile(v.mem, from, to, q) || 0 };
  });
}

export function toRequests(ds: readonly VmDemand[], extra?: (d: VmDemand, i: number) => Partial<PlacementRequest>): PlacementRequest[] {
  return ds.map((d, i) => ({ id: `vm${d.id}`, resources: { cpu_cores: d.cores, memory_mb: d.memGiB * 1024, storage_gb: 0, network_mbps: 0, gpu_count: 0 }, groups: [], ...extra?.(d, i) }));
}

export interface LowerBound {
  hosts: number;
  byCpu: number;
  byMemory: number;
  /** VMs larger than an empty host: left out of the bound (and unplaceable by every method). */
  tooLarge: string[];
}

/** max over dimensions of ceil(total demand / host capacity), over the VMs an empty host can hold. */
export function lowerBound(ds: readonly VmDemand[], hostCores: number, hostMemGiB: number): LowerBound {
  const fit = ds.filter((d) => d.cores <= hostCores + 1e-9 && d.memGiB <= hostMemGiB + 1e-9);
  const cores = fit.reduce((a, d) => a + d.cores, 0);
  const mem = fit.reduce((a, d) => a + d.memGiB, 0);
  const byCpu = Math.ceil(cores / hostCores - 1e-9);
  const byMemory = Math.ceil(mem / hostMemGiB - 1e-9);
  return { hosts: Math.max(byCpu, byMemory, fit.length ? 1 : 0), byCpu, byMemory, tooLarge: ds.filter((d) => !fit.includes(d)).map((d) => d.id) };
}

/**
 * A tighter valid lower bound for VMs that cannot share a host. Take VMs that pairwise cannot
 * share a host (greedily, largest first): the first k of them need k hosts, and every other VM
 * that fits beside none of those k needs further hosts, at least ceil(their total / capacity) in
 * each dimension. The bound is the best over k, and never below lowerBound's.
 */
export function incompatibilityBound(ds: readonly VmDemand[], hostCores: number, hostMemGiB: number): number {
  const fit = ds.filter((d) => d.cores <= hostCores + 1e-9 && d.memGiB <= hostMemGiB + 1e-9);
  const share = (d: VmDemand) => Math.max(d.cores / hostCores, d.memGiB / hostMemGiB);
  const together = (a: VmDemand, b: VmDemand) => a.cores + b.cores <= hostCores + 1e-9 && a.memGiB + b.memGiB <= hostMemGiB + 1e-9;
  const sorted = [...fit].sort((a, b) => share(b) - share(a));
  const apart: VmDemand[] = [];
  for (const d of sorted) if (apart.every((x) => !together(x, d))) apart.push(d);
  let best = lowerBound(ds, hostCores, hostMemGiB).hosts;
  const canJoin = new Set<VmDemand>();
  for (let k = 1; k <= apart.length; k++) {
    const head = apart[k - 1];
    for (const d of fit) if (together(head, d)) canJoin.add(d);
    const inHead = new Set(apart.slice(0, k));
    let cores = 0;
    let mem = 0;
    for (const d of fit) {
      if (inHead.has(d) || canJoin.has(d)) continue;
      cores += d.cores;
      mem += d.memGiB;
    }
    best = Math.max(best, k + Math.ceil(cores / hostCores - 1e-9), k + Math.ceil(mem / hostMemGiB - 1e-9));
  }
  return best;
}

export type Method = 'ours' | 'ffd' | 'least_allocated' | 'most_allocated' | 'scorer_efficiency' | 'scorer_balanced';
export const METHODS: readonly Method[] = ['ours', 'ffd', 'least_allocated', 'most_allocated', 'scorer_efficiency', 'scorer_balanced'];
export const METHOD_LABEL: Record<Method, string> = {
  ours: 'ours: batch, minimize_hosts + local search',
  ffd: 'first-fit decreasing (plain)',
  least_allocated: 'kube LeastAllocated, arrival order',
  most_allocated: 'kube MostAllocated, arrival order',
  scorer_efficiency: 'ours one at a time: 104 factors, efficiency',
  scorer_balanced: 'ours one at a time: 104 factors, balanced',
};

/**
 * The online path (what POST /api/v1/placement/optimize does per VM): each VM in arrival order
 * goes to the recommendation of the factor scorer under the objective, on the fleet as it stands.
 */
export function scorerOneByOne(hosts: readonly PlacementHost[], requests: readonly PlacementRequest[], objective: 'efficiency' | 'balanced', now: number): Map<string, string | null> {
  const fleet = hosts.map((h) => ({ ...h, allocated: { ...h.allocated }, vms: new Set(h.vms), groups: new Map(h.groups) }));
  const out = new Map<string, string | null>();
  for (const r of requests) {
    const d = place(new FleetSnapshot(fleet, now), r, { objective });
    const best = d.recommended ? fleet.find((h) => h.id === d.recommended!.host.id)! : null;
    out.set(r.id, best ? best.id : null);
    if (!best) continue;
    best.allocated.cpu_cores += r.resources.cpu_cores;
    best.allocated.memory_mb += r.resources.memory_mb;
    best.vms.add(r.id);
    for (const g of new Set([...r.groups, ...(r.spread ?? []).map((x) => x.group)])) best.groups.set(g, (best.groups.get(g) ?? 0) + 1);
  }
  return out;
}

export interface PackingOutcome {
  method: Method;
  hostsUsed: number;
  placed: number;
  unplaced: number;
  timeMs: number;
  /** Hard-rule violations found by verifyAssignment (must be 0). */
  violations: number;
  assignment: Map<string, string | null>;
  detail?: string;
}

/**
 * Kubernetes' NodeResourcesFit scoring, one VM at a time in arrival order: among the hosts the
 * ConstraintChecker allows, the highest score, where LeastAllocated scores the mean over CPU and
 * memory of (capacity − requested after placing) / capacity and MostAllocated the mean of
 * requested after placing / capacity. Ties go to the first host in fleet order (kube picks one at
 * random among the tied).
 */
export function kubeScoring(hosts: readonly PlacementHost[], requests: readonly PlacementRequest[], kind: 'least' | 'most', now: number): Map<string, string | null> {
  const fleet = hosts.map((h) => ({ ...h, allocated: { ...h.allocated }, vms: new Set(h.vms), groups: new Map(h.groups) }));
  const checker = new ConstraintChecker(fleet, now);
  const out = new Map<string, string | null>();
  for (const r of requests) {
    let best: (typeof fleet)[number] | null = null;
    let bestScore = -Infinity;
    for (const v of checker.evaluate(r)) {
      if (v.rejections.length) continue;
      const h = v.host as (typeof fleet)[number];
      const cpu = (h.allocated.cpu_cores + r.resources.cpu_cores) / h.capacity.cpu_cores;
      const mem = (h.allocated.memory_mb + r.resources.memory_mb) / h.capacity.memory_mb;
      const score = kind === 'least' ? (1 - cpu + (1 - mem)) / 2 : (cpu + mem) / 2;
      if (score > bestScore) {
        bestScore = score;
        best = h;
      }
    }
    out.set(r.id, best ? best.id : null);
    if (!best) continue;
    best.allocated.cpu_cores += r.resources.cpu_cores;
    best.allocated.memory_mb += r.resources.memory_mb;
    best.vms.add(r.id);
    for (const g of new Set([...r.groups, ...(r.spread ?? []).map((s) => s.group)])) best.groups.set(g, (best.groups.get(g) ?? 0) + 1);
    checker.syncGroups(best, [...r.groups, ...(r.spread ?? []).map((s) => s.group)]);
  }
  return out;
}

export function pack(method: Method, hosts: readonly PlacementHost[], requests: readonly PlacementRequest[], now: number, opts: BatchOptions = {}): PackingOutcome {
  const started = performance.now();
  let assignment: Map<string, string | null>;
  let detail: string | undefined;
  if (method === 'ours' || method === 'ffd') {
    const r = placeBatch(hosts, requests, method === 'ours' ? { goal: 'minimize_hosts', now, ...opts } : { goal: 'minimize_hosts', algorithm: 'ffd', sizeMeasure: 'sum', localSearch: false, now, ...opts });
    assignment = r.assignment;
    if (method === 'ours') detail = `${r.summary.algorithm}/${r.summary.sizeMeasure}, local search emptied ${r.summary.localSearch.hostsEmptied} host(s) (${r.summary.localSearch.moves} moves)`;
  } else if (method === 'scorer_efficiency' || method === 'scorer_balanced') {
    assignment = scorerOneByOne(hosts, requests, method === 'scorer_efficiency' ? 'efficiency' : 'balanced', now);
  } else {
    assignment = kubeScoring(hosts, requests, method === 'least_allocated' ? 'least' : 'most', now);
  }
  const timeMs = performance.now() - started;
  const used = new Set([...assignment.values()].filter((h): h is string => h !== null));
  const placed = [...assignment.values()].filter((h) => h !== null).length;
  return { method, hostsUsed: used.size, placed, unplaced: requests.length - placed, timeMs, violations: verifyAssignment(hosts, requests, assignment, { now }).length, assignment, detail };
}

export interface Overload {
  /** Sum over hosts of minutes above 100 % (90 %) of the host's capacity. */
  minutesOver100: number;
  minutesOver90: number;
  /** Share of (host, 5-minute step) pairs above 100 % (90 %). */
  shareOver100: number;
  shareOver90: number;
}

export interface ReplayResult {
  hostsUsed: number;
  steps: number;
  cpu: Overload;
  memory: Overload;
  /** A step counts when CPU or memory is over. */
  either: Overload;
  /** Mean over used hosts and steps of CPU and memory utilisation. */
  meanCpu: number;
  meanMemory: number;
  /** The host with the highest peak utilisation (either dimension). */
  worst: { host: string; peakCpu: number; peakMemory: number; minutesOver100: number } | null;
  /** Sums for consistency checks: usage summed over hosts and over VMs, core·steps and GiB·steps. */
  totals: { hostCpu: number; vmCpu: number; hostMemory: number; vmMemory: number };
}

/**
 * Replays real usage over steps [from, to) onto a packing: each host's summed CPU (cores) and
 * memory (GiB) of the VMs placed on it, every 5 minutes, against its capacity. A VM without data
 * at a step uses nothing then. Unplaced VMs are left out.
 */
export function replayUsage(vms: readonly VmTrace[], assignment: ReadonlyMap<string, string | null>, hosts: readonly PlacementHost[], from: number, to: number): ReplayResult {
  const byId = new Map(hosts.map((h) => [h.id, h]));
  const onHost = new Map<string, VmTrace[]>();
  for (const v of vms) {
    const h = assignment.get(`vm${v.id}`);
    if (!h) continue;
    const list = onHost.get(h);
    if (list) list.push(v);
    else onHost.set(h, [v]);
  }
  const steps = to - from;
  const minutes = STEP_S / 60;
  const zero = (): Overload => ({ minutesOver100: 0, minutesOver90: 0, shareOver100: 0, shareOver90: 0 });
  const cpu = zero();
  const memory = zero();
  const either = zero();
  const totals = { hostCpu: 0, vmCpu: 0, hostMemory: 0, vmMemory: 0 };
  let sumCpu = 0;
  let sumMem = 0;
  let worst: ReplayResult['worst'] = null;
  let worstPeak = -1;
  for (const [hid, list] of onHost) {
    const host = byId.get(hid)!;
    const capCpu = host.capacity.cpu_cores;
    const capMem = host.capacity.memory_mb / 1024;
    let peakCpu = 0;
    let peakMem = 0;
    let over = 0;
    for (let s = from; s < to; s++) {
      let c = 0;
      let m = 0;
      for (const v of list) {
        if (Number.isFinite(v.cpu[s])) c += v.cpu[s];
        if (Number.isFinite(v.mem[s])) m += v.mem[s];
      }
      totals.hostCpu += c;
      totals.hostMemory += m;
      const uc = c / capCpu;
      const um = m / capMem;
      sumCpu += uc;
      sumMem += um;
      peakCpu = Math.max(peakCpu, uc);
      peakMem = Math.max(peakMem, um);
      if (uc > 1) cpu.minutesOver100 += minutes;
      if (uc > 0.9) cpu.minutesOver90 += minutes;
      if (um > 1) memory.minutesOver100 += minutes;
      if (um > 0.9) memory.minutesOver90 += minutes;
      if (uc > 1 || um > 1) {
        either.minutesOver100 += minutes;
        over += minutes;
      }
      if (uc > 0.9 || um > 0.9) either.minutesOver90 += minutes;
    }
    if (Math.max(peakCpu, peakMem) > worstPeak) {
      worstPeak = Math.max(peakCpu, peakMem);
      worst = { host: hid, peakCpu, peakMemory: peakMem, minutesOver100: over };
    }
  }
  for (const v of vms) {
    if (!assignment.get(`vm${v.id}`)) continue;
    for (let s = from; s < to; s++) {
      if (Number.isFinite(v.cpu[s])) totals.vmCpu += v.cpu[s];
      if (Number.isFinite(v.mem[s])) totals.vmMemory += v.mem[s];
    }
  }
  const hostSteps = onHost.size * steps;
  for (const o of [cpu, memory, either]) {
    o.shareOver100 = hostSteps ? o.minutesOver100 / minutes / hostSteps : 0;
    o.shareOver90 = hostSteps ? o.minutesOver90 / minutes / hostSteps : 0;
  }
  return { hostsUsed: onHost.size, steps, cpu, memory, either, meanCpu: hostSteps ? sumCpu / hostSteps : 0, meanMemory: hostSteps ? sumMem / hostSteps : 0, worst, totals };
}
