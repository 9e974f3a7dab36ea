/**
 * The co-location features of the interference model: what the placement engine knows about a
 * candidate host and an incoming VM, turned into one numeric row. Training (rows built from the
 * simulator, colocation-sim.ts) and serving (rows built from inventory and live telemetry) call
 * the same function, so the two can never disagree about a column.
 *
 * What the engine is assumed to know:
 *  - the host's hardware from inventory: physical cores, SMT threads per core, last-level cache,
 *    peak memory bandwidth, disk IOPS, NIC bandwidth, hardware generation;
 *  - the host's live utilisation per shared resource (recent averages): CPU demand (busy plus
 *    ready/steal time over logical threads, so it can pass 1), memory bandwidth (Intel RDT MBM or
 *    AMD QoS counters), LLC occupancy (RDT CMT), disk IOPS, network throughput, allocated vCPUs;
 *  - the neighbours already there, counted and summed (vCPUs) per workload class;
 *  - the incoming VM's workload class and vCPU count.
 *
 * What it does not know: each neighbour's actual demand during the VM's lifetime, each VM's
 * working set and its exact sensitivity. The class catalogue below gives typical per-vCPU demand
 * and time shares per class; the post-placement pressure features use it to estimate what the
 * incoming VM will add. Those catalogue figures are priors (in production: per-class medians
 * measured from telemetry), not the simulator's per-VM truth.
 *
 * Cost: one pass over the six classes plus a few dozen arithmetic operations per row, no
 * allocation when the caller passes the output buffer (10,000 hosts ≈ well under a millisecond).
 */

/** Workload classes, in feature order. A VM's class is its index in this list. */
export const WORKLOAD_CLASSES = ['cpu_bound', 'memory_bound', 'io_bound', 'network_bound', 'latency_sensitive', 'batch'] as const;
export type WorkloadClass = (typeof WORKLOAD_CLASSES)[number];
export const NUM_WORKLOAD_CLASSES = WORKLOAD_CLASSES.length;

/** Typical per-vCPU demand of a class, and where its time goes when it runs alone. */
export interface WorkloadClassProfile {
  /** Mean utilisation of each vCPU (busy fraction). */
  cpuPerVcpu: number;
  /** Memory bandwidth per vCPU, GB/s. */
  memBwGbsPerVcpu: number;
  /** Last-level-cache working set per vCPU, MB. */
  workingSetMbPerVcpu: number;
  /** Disk operations per second per vCPU. */
  iopsPerVcpu: number;
  /** Network throughput per vCPU, Mbit/s. */
  netMbpsPerVcpu: number;
  /**
   * Share of the VM's run time spent on [compute, memory stalls, disk I/O, network] when alone:
   * its sensitivity to contention on each (sums to 1).
   */
  timeShare: readonly [number, number, number, number];
}

/**
 * The class catalogue: typical figures per class. `memory_bound` stands for cache- and
 * bandwidth-sensitive work (analytics, in-memory databases); `latency_sensitive` for interactive
 * web and API services judged by tail latency; `batch` for throughput jobs with a bit of everything.
 */
export const WORKLOAD_CLASS_PROFILES: Readonly<Record<WorkloadClass, WorkloadClassProfile>> = {
  cpu_bound: { cpuPerVcpu: 0.85, memBwGbsPerVcpu: 0.4, workingSetMbPerVcpu: 0.6, iopsPerVcpu: 20, netMbpsPerVcpu: 5, timeShare: [0.86, 0.11, 0.01, 0.02] },
  memory_bound: { cpuPerVcpu: 0.7, memBwGbsPerVcpu: 2.5, workingSetMbPerVcpu: 4, iopsPerVcpu: 40, netMbpsPerVcpu: 10, timeShare: [0.36, 0.58, 0.02, 0.04] },
  io_bound: { cpuPerVcpu: 0.25, memBwGbsPerVcpu: 0.4, workingSetMbPerVcpu: 0.6, iopsPerVcpu: 1500, netMbpsPerVcpu: 20, timeShare: [0.2, 0.06, 0.69, 0.05] },
  network_bound: { cpuPerVcpu: 0.35, memBwGbsPerVcpu: 0.6, workingSetMbPerVcpu: 0.6, iopsPerVcpu: 50, netMbpsPerVcpu: 600, timeShare: [0.25, 0.06, 0.02, 0.67] },
  latency_sensitive: { cpuPerVcpu: 0.3, memBwGbsPerVcpu: 0.7, workingSetMbPerVcpu: 1.5, iopsPerVcpu: 150, netMbpsPerVcpu: 80, timeShare: [0.46, 0.26, 0.08, 0.2] },
  batch: { cpuPerVcpu: 0.6, memBwGbsPerVcpu: 1.2, workingSetMbPerVcpu: 1.5, iopsPerVcpu: 400, netMbpsPerVcpu: 30, timeShare: [0.6, 0.25, 0.1, 0.05] },
};

/** The catalogue as flat arrays by class index (the featurizer's hot path reads these). */
const CAT_CPU = Float64Array.from(WORKLOAD_CLASSES, (c) => WORKLOAD_CLASS_PROFILES[c].cpuPerVcpu);
const CAT_BW = Float64Array.from(WORKLOAD_CLASSES, (c) => WORKLOAD_CLASS_PROFILES[c].memBwGbsPerVcpu);
const CAT_WS = Float64Array.from(WORKLOAD_CLASSES, (c) => WORKLOAD_CLASS_PROFILES[c].workingSetMbPerVcpu);
const CAT_IOPS = Float64Array.from(WORKLOAD_CLASSES, (c) => WORKLOAD_CLASS_PROFILES[c].iopsPerVcpu);
const CAT_NET = Float64Array.from(WORKLOAD_CLASSES, (c) => WORKLOAD_CLASS_PROFILES[c].netMbpsPerVcpu);
const CAT_SHARE = Float64Array.from(WORKLOAD_CLASSES.flatMap((c) => WORKLOAD_CLASS_PROFILES[c].timeShare));

/** A candidate host as the engine sees it: inventory plus live utilisation and its neighbours by class. */
export interface HostColocationState {
  /** Physical cores. */
  cores: number;
  /** Hardware threads per core: 2 with SMT (hyper-threading) on, else 1. */
  threadsPerCore: number;
  /** Last-level cache, MB (all sockets). */
  llcMb: number;
  /** Peak memory bandwidth, GB/s (all sockets). */
  memBandwidthGbs: number;
  /** Disk IOPS the host's storage sustains. */
  diskIops: number;
  /** NIC bandwidth, Gbit/s. */
  nicGbps: number;
  /** Hardware generation, 1 (oldest) … 4 (newest). */
  generation: number;
  /** CPU demand over logical threads: busy plus ready/steal time (can exceed 1 when oversubscribed). */
  cpuDemand: number;
  /** Memory bandwidth in use / peak (0..1). */
  memBandwidthUtil: number;
  /** LLC occupancy / LLC size (0..1). */
  llcOccupancy: number;
  /** Disk IOPS in use / capacity (may exceed 1: requests queue). */
  diskUtil: number;
  /** Network throughput / NIC bandwidth (may exceed 1: packets queue and drop). */
  netUtil: number;
  /** vCPUs allocated to the neighbours. */
  vcpusAllocated: number;
  /** Neighbours per workload class (length NUM_WORKLOAD_CLASSES). */
  neighbourCount: ArrayLike<number>;
  /** vCPUs of the neighbours per workload class (length NUM_WORKLOAD_CLASSES). */
  neighbourVcpus: ArrayLike<number>;
}

/** The VM to place. */
export interface IncomingVm {
  /** Index into WORKLOAD_CLASSES. */
  workloadClass: number;
  vcpus: number;
}

/** Column names of a feature row, in order, each with what it means. */
export const INTERFERENCE_FEATURES: readonly { name: string; description: string }[] = [
  { name: 'host_cores', description: 'physical cores' },
  { name: 'host_threads', description: 'logical threads (cores × threads per core)' },
  { name: 'host_smt', description: '1 when SMT is on (two threads per core), else 0' },
  { name: 'host_llc_mb_per_core', description: 'last-level cache per physical core, MB' },
  { name: 'host_mem_bw_gbs_per_core', description: 'peak memory bandwidth per physical core, GB/s' },
  { name: 'host_disk_kiops', description: 'disk capacity, thousands of IOPS' },
  { name: 'host_nic_gbps', description: 'NIC bandwidth, Gbit/s' },
  { name: 'host_generation', description: 'hardware generation, 1 (oldest) to 4 (newest)' },
  { name: 'cpu_demand', description: 'live CPU demand over logical threads, ready time included (may exceed 1)' },
  { name: 'mem_bw_util', description: 'live memory bandwidth / peak' },
  { name: 'llc_occupancy', description: 'live LLC occupancy / LLC size' },
  { name: 'disk_util', description: 'live disk IOPS / capacity' },
  { name: 'net_util', description: 'live network throughput / NIC bandwidth' },
  { name: 'vcpu_alloc_ratio', description: 'neighbour vCPUs / logical threads (over 1: oversubscribed)' },
  { name: 'neighbour_count', description: 'VMs already on the host' },
  ...WORKLOAD_CLASSES.map((c) => ({ name: `neighbours_${c}`, description: `neighbours of class ${c}` })),
  ...WORKLOAD_CLASSES.map((c) => ({ name: `vcpu_share_${c}`, description: `vCPUs of ${c} neighbours / logical threads` })),
  { name: 'vm_class', description: 'incoming VM class, index into WORKLOAD_CLASSES' },
  { name: 'vm_vcpus', description: 'incoming VM vCPUs' },
  { name: 'vm_vcpu_share', description: 'incoming VM vCPUs / logical threads' },
  { name: 'vm_share_compute', description: "catalogue time share of the VM's class on compute (CPU sensitivity)" },
  { name: 'vm_share_memory', description: "catalogue time share of the VM's class on memory stalls (cache and bandwidth sensitivity)" },
  { name: 'vm_share_io', description: "catalogue time share of the VM's class on disk I/O" },
  { name: 'vm_share_net', description: "catalogue time share of the VM's class on network" },
  { name: 'post_cpu_per_core', description: 'CPU demand after placement (live + catalogue estimate of the VM) / physical cores: above 1, SMT siblings share cores' },
  { name: 'post_cpu_per_thread', description: 'CPU demand after placement / logical threads: above 1, vCPUs wait (steal)' },
  { name: 'post_mem_bw', description: 'memory bandwidth after placement / peak' },
  { name: 'post_llc_pressure', description: 'catalogue working sets of neighbours and VM / LLC size (above 1: the cache thrashes)' },
  { name: 'post_disk', description: 'disk IOPS after placement / capacity' },
  { name: 'post_net', description: 'network throughput after placement / NIC bandwidth' },
  { name: 'post_vcpu_alloc_ratio', description: 'vCPUs after placement / logical threads' },
];

export const INTERFERENCE_FEATURE_NAMES: readonly string[] = INTERFERENCE_FEATURES.map((f) => f.name);
export const NUM_INTERFERENCE_FEATURES = INTERFERENCE_FEATURES.length;

/**
 * Writes the feature row of (host, vm) into `out` at `offset` (NUM_INTERFERENCE_FEATURES values,
 * in INTERFERENCE_FEATURE_NAMES order). Allocates nothing.
 */
export function writeInterferenceFeatures(host: HostColocationState, vm: IncomingVm, out: Float64Array, offset = 0): void {
  const c = vm.workloadClass;
  if (!(c >= 0 && c < NUM_WORKLOAD_CLASSES && Number.isInteger(c))) throw new RangeError(`interference features: workloadClass must be an integer 0..${NUM_WORKLOAD_CLASSES - 1}, got ${c}`);
  const cores = host.cores;
  const threads = cores * host.threadsPerCore;
  const v = vm.vcpus;
  let o = offset;
  out[o++] = cores;
  out[o++] = threads;
  out[o++] = host.threadsPerCore > 1 ? 1 : 0;
  out[o++] = host.llcMb / cores;
  out[o++] = host.memBandwidthGbs / cores;
  out[o++] = host.diskIops / 1000;
  out[o++] = host.nicGbps;
  out[o++] = host.generation;
  out[o++] = host.cpuDemand;
  out[o++] = host.memBandwidthUtil;
  out[o++] = host.llcOccupancy;
  out[o++] = host.diskUtil;
  out[o++] = host.netUtil;
  out[o++] = host.vcpusAllocated / threads;
  const counts = host.neighbourCount;
  const vcpus = host.neighbourVcpus;
  let total = 0;
  let ws = 0;
  for (let k = 0; k < NUM_WORKLOAD_CLASSES; k++) {
    total += counts[k];
    ws += vcpus[k] * CAT_WS[k];
  }
  out[o++] = total;
  for (let k = 0; k < NUM_WORKLOAD_CLASSES; k++) out[o++] = counts[k];
  for (let k = 0; k < NUM_WORKLOAD_CLASSES; k++) out[o++] = vcpus[k] / threads;
  out[o++] = c;
  out[o++] = v;
  out[o++] = v / threads;
  const s = 4 * c;
  out[o++] = CAT_SHARE[s];
  out[o++] = CAT_SHARE[s + 1];
  out[o++] = CAT_SHARE[s + 2];
  out[o++] = CAT_SHARE[s + 3];
  const busy = host.cpuDemand * threads + v * CAT_CPU[c];
  out[o++] = busy / cores;
  out[o++] = busy / threads;
  out[o++] = host.memBandwidthUtil + (v * CAT_BW[c]) / host.memBandwidthGbs;
  out[o++] = (ws + v * CAT_WS[c]) / host.llcMb;
  out[o++] = host.diskUtil + (v * CAT_IOPS[c]) / host.diskIops;
  out[o++] = host.netUtil + (v * CAT_NET[c]) / (host.nicGbps * 1000);
  out[o++] = (host.vcpusAllocated + v) / threads;
}

/** The feature row of (host, vm) as a new array. */
export function interferenceFeatures(host: HostColocationState, vm: IncomingVm): Float64Array {
  const out = new Float64Array(NUM_INTERFERENCE_FEATURES);
  writeInterferenceFeatures(host, vm, out, 0);
  return out;
}

/**
 * The host as it will look once `vm` runs there, estimated from the class catalogue: counts and
 * vCPUs move exactly, utilisation rises by the catalogue's typical demand of the VM. Batch
 * placement uses it to score the next VM of a batch against the hosts chosen so far.
 */
export function withVmPlaced(host: HostColocationState, vm: IncomingVm): HostColocationState {
  const c = vm.workloadClass;
  if (!(c >= 0 && c < NUM_WORKLOAD_CLASSES && Number.isInteger(c))) throw new RangeError(`withVmPlaced: workloadClass must be an integer 0..${NUM_WORKLOAD_CLASSES - 1}, got ${c}`);
  const threads = host.cores * host.threadsPerCore;
  const v = vm.vcpus;
  const neighbourCount = Float64Array.from(host.neighbourCount);
  const neighbourVcpus = Float64Array.from(host.neighbourVcpus);
  neighbourCount[c] += 1;
  neighbourVcpus[c] += v;
  return {
    ...host,
    cpuDemand: host.cpuDemand + (v * CAT_CPU[c]) / threads,
    memBandwidthUtil: host.memBandwidthUtil + (v * CAT_BW[c]) / host.memBandwidthGbs,
    llcOccupancy: Math.min(1, host.llcOccupancy + (v * CAT_WS[c]) / host.llcMb),
    diskUtil: host.diskUtil + (v * CAT_IOPS[c]) / host.diskIops,
    netUtil: host.netUtil + (v * CAT_NET[c]) / (host.nicGbps * 1000),
    vcpusAllocated: host.vcpusAllocated + v,
    neighbourCount,
    neighbourVcpus,
  };
}
