/**
 * Split: a VM whose demand no host can hold (even an empty one, within the packing targets, or
 * within a stated fraction of a host) cannot be consolidated, relieved or even placed; the only
 * move left is to run the workload as k smaller instances. k is the fewest instances whose equal
 * shares fit the host shape that needs the fewest, and the instances are meant to be spread (an
 * anti-affinity group), so each lands on its own host. Only VMs that fit nowhere are split.
 *
 * The recommendation maps onto the NovaCron Recommendation shape (contract §1A: action `split`,
 * target_resources per instance, reasoning, priority 2).
 */
import type { ClusterState, PackingPolicy } from './cluster-state.js';
import type { Recommendation } from './rightsizing.js';

export interface SplitDemand {
  id: string;
  /** Demand to fit (allocation or predicted usage, as the policy packs by). */
  cores: number;
  memoryGiB: number;
}

export interface SplitHost {
  id: string;
  cores: number;
  memoryGiB: number;
  maintenance?: boolean;
}

export interface SplitOptions {
  /** Targets the instances must fit within (a host's cores × cpuTarget, memory × memoryTarget). Default 1 and 1. */
  policy?: Pick<PackingPolicy, 'cpuTarget' | 'memoryTarget'>;
  /** Split when the VM exceeds this fraction of every host's limit (e.g. 0.5: no VM above half a host). Default 1. */
  maxHostFraction?: number;
}

export interface SplitRecommendation {
  vm: string;
  action: 'split';
  instances: number;
  /** Each instance's share of the demand. */
  perInstance: { cores: number; memoryGiB: number };
  demand: { cores: number; memoryGiB: number };
  /** The host shape the instances are sized for. */
  sizedFor: { host: string; cores: number; memoryGiB: number };
  priority: 2;
  confidence: number;
  reasons: string[];
}

export function recommendSplits(vms: readonly SplitDemand[], hosts: readonly SplitHost[], opts: SplitOptions = {}): SplitRecommendation[] {
  const cpuT = opts.policy?.cpuTarget ?? 1;
  const memT = opts.policy?.memoryTarget ?? 1;
  const frac = opts.maxHostFraction ?? 1;
  if (!(frac > 0 && frac <= 1)) throw new RangeError(`maxHostFraction must be in (0, 1], got ${frac}`);
  const usable = hosts.filter((h) => !h.maintenance);
  const out: SplitRecommendation[] = [];
  if (!usable.length) return out;
  for (const vm of vms) {
    const fits = usable.some((h) => vm.cores <= h.cores * cpuT * frac + 1e-9 && vm.memoryGiB <= h.memoryGiB * memT * frac + 1e-9);
    if (fits) continue;
    // The host shape that needs the fewest instances (ties: the larger host).
    let best: SplitHost | null = null;
    let bestK = Infinity;
    for (const h of usable) {
      const k = Math.max(1, Math.ceil(vm.cores / (h.cores * cpuT * frac) - 1e-9), Math.ceil(vm.memoryGiB / (h.memoryGiB * memT * frac) - 1e-9));
      if (k < bestK || (k === bestK && best && h.cores + h.memoryGiB > best.cores + best.memoryGiB)) {
        best = h;
        bestK = k;
      }
    }
    const host = best!;
    const k = bestK;
    const limitC = host.cores * cpuT * frac;
    const limitM = host.memoryGiB * memT * frac;
    const reasons: string[] = [];
    const over: string[] = [];
    if (vm.cores > limitC + 1e-9) over.push(`${vm.cores.toFixed(1)} cores > ${limitC.toFixed(1)}`);
    if (vm.memoryGiB > limitM + 1e-9) over.push(`${vm.memoryGiB.toFixed(1)} GiB > ${limitM.toFixed(1)} GiB`);
    reasons.push(`demand exceeds what any host can hold (${over.join(', ')} on the largest usable host ${host.id}${frac < 1 ? `, at most ${(100 * frac).toFixed(0)}% of a host` : ''})`);
    reasons.push(`Splitting workload to handle high resource demands: ${k} instances of ${(vm.cores / k).toFixed(2)} cores and ${(vm.memoryGiB / k).toFixed(1)} GiB, spread over ${k} hosts (anti-affinity)`);
    reasons.push('requires a workload that scales out (stateless or sharded); otherwise it needs a larger host class');
    out.push({
      vm: vm.id,
      action: 'split',
      instances: k,
      perInstance: { cores: vm.cores / k, memoryGiB: vm.memoryGiB / k },
      demand: { cores: vm.cores, memoryGiB: vm.memoryGiB },
      sizedFor: { host: host.id, cores: host.cores, memoryGiB: host.memoryGiB },
      priority: 2,
      // Certain that it fits nowhere; whether it can scale out is unknown.
      confidence: 0.7,
      reasons,
    });
  }
  return out;
}

/** The VMs of a ClusterState that fit no host under its packing policy. */
export function recommendSplitsInState(state: ClusterState, opts: Omit<SplitOptions, 'policy'> = {}): SplitRecommendation[] {
  const vms = state.vms.map((v, i) => ({ id: v.id, cores: state.demCores[i], memoryGiB: state.demMem[i] }));
  return recommendSplits(vms, state.hosts, { ...opts, policy: state.policy });
}

/** The NovaCron Recommendation (contract §1A) for a split. */
export function splitToRecommendation(s: SplitRecommendation, now: number = Date.now()): Omit<Recommendation, 'action'> & { action: 'split' } {
  return {
    action: 'split',
    target_resources: { cpu_cores: s.perInstance.cores, memory_gb: s.perInstance.memoryGiB, storage_gb: 0 },
    // The workload becomes placeable; total allocation is unchanged.
    expected_impact: { performance_change: 0, cost_change: 0, efficiency_change: 0, resource_utilization_change: 0 },
    confidence: s.confidence,
    reasoning: s.reasons,
    priority: s.priority,
    timestamp: new Date(now).toISOString(),
  };
}
