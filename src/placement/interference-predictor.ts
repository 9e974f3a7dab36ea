/**
 * The interference factor's predictor: our hosts and requests translated into the interference
 * model's co-location terms (interference-features.ts), one batched prediction per request.
 *
 * Translation, with the assumptions where inventory says nothing (documented in docs/placement.md):
 *  - workload type → class by name (WORKLOAD_TYPE_CLASSES); an unknown or missing type is
 *    `batch`, the catalogue's mixed workload;
 *  - capacity.cpu_cores are logical threads; fact `threads_per_core` (default 2, SMT on) gives
 *    physical cores;
 *  - hardware: facts `llc_mb` (default 1.5 MB per physical core), `memory_bandwidth_gbps`
 *    (default 2.5 GB/s per physical core), `storage_iops` (default 100,000), `uplink_gbps` or
 *    capacity.network_mbps (default 25 Gb/s), `hardware_generation` (its number, clamped to 1–4;
 *    default 3);
 *  - live use: `cpu_utilization` plus `cpu_ready` and `cpu_steal` is CPU demand; memory bandwidth,
 *    LLC occupancy and disk use come from facts `memory_bandwidth_utilization`, `llc_occupancy`,
 *    `disk_iops_utilization` when measured, else from the class catalogue applied to the
 *    neighbours; `network_utilization` likewise;
 *  - neighbours per class from the host's workload mix; their vCPUs share the host's allocated
 *    cores in proportion to their counts.
 * A host without live CPU utilisation gets NaN (the factor is unavailable there): without it the
 * prediction would rest on priors alone.
 */
import { numericFact } from './factor.js';
import type { InterferencePredictor } from './factor-context.js';
import { NUM_INTERFERENCE_FEATURES, NUM_WORKLOAD_CLASSES, WORKLOAD_CLASS_PROFILES, WORKLOAD_CLASSES, writeInterferenceFeatures, type HostColocationState, type WorkloadClass } from './interference-features.js';
import type { InterferenceModel } from './interference-model.js';
import type { PlacementHost, PlacementRequest } from './problem.js';

/** Workload type names (ours, the seed's, NovaCron's pattern classes) → interference class. */
export const WORKLOAD_TYPE_CLASSES: Readonly<Record<string, WorkloadClass>> = {
  web: 'latency_sensitive',
  web_server: 'latency_sensitive',
  web_application: 'latency_sensitive',
  api: 'latency_sensitive',
  frontend: 'latency_sensitive',
  interactive: 'latency_sensitive',
  database: 'memory_bound',
  db: 'memory_bound',
  cache: 'memory_bound',
  analytics: 'memory_bound',
  in_memory: 'memory_bound',
  compute: 'cpu_bound',
  cpu_bound: 'cpu_bound',
  hpc: 'cpu_bound',
  ml_training: 'cpu_bound',
  storage: 'io_bound',
  backup: 'io_bound',
  io_bound: 'io_bound',
  file_server: 'io_bound',
  data_streaming: 'network_bound',
  network: 'network_bound',
  network_bound: 'network_bound',
  proxy: 'network_bound',
  cdn: 'network_bound',
  batch: 'batch',
  batch_processing: 'batch',
  general_purpose: 'batch',
};

const CLASS_INDEX = new Map<string, number>(WORKLOAD_CLASSES.map((c, i) => [c, i]));

export function workloadClassOf(type: string | undefined): number {
  const c = type ? (WORKLOAD_TYPE_CLASSES[type.toLowerCase()] ?? (CLASS_INDEX.has(type) ? (type as WorkloadClass) : 'batch')) : 'batch';
  return CLASS_INDEX.get(c)!;
}

const PROFILES = WORKLOAD_CLASSES.map((c) => WORKLOAD_CLASS_PROFILES[c]);

function generationOf(v: number | string | undefined): number {
  const m = typeof v === 'number' ? v : typeof v === 'string' ? Number(/\d+/.exec(v)?.[0]) : NaN;
  // Inventory generations are vendor numbers (gen8 … gen11); the model knows 1–4 (oldest … newest).
  if (!Number.isFinite(m)) return 3;
  return m <= 4 ? Math.max(1, m) : Math.min(4, Math.max(1, m - 7));
}

/** The host in the model's terms; null without live CPU utilisation. */
export function colocationState(h: PlacementHost): HostColocationState | null {
  const f = h.facts;
  const util = numericFact(f, 'cpu_utilization');
  if (!(util >= 0)) return null;
  const tpc = numericFact(f, 'threads_per_core');
  const threadsPerCore = tpc >= 1 ? tpc : 2;
  const threads = Math.max(1, h.capacity.cpu_cores);
  const cores = Math.max(1, threads / threadsPerCore);
  const or = (x: number, d: number) => (x > 0 ? x : d);
  const llcMb = or(numericFact(f, 'llc_mb'), 1.5 * cores);
  const memBandwidthGbs = or(numericFact(f, 'memory_bandwidth_gbps'), 2.5 * cores);
  const diskIops = or(numericFact(f, 'storage_iops'), 100_000);
  const nicGbps = or(numericFact(f, 'uplink_gbps'), or(h.capacity.network_mbps / 1000, 25));
  const count = new Float64Array(NUM_WORKLOAD_CLASSES);
  let total = 0;
  for (const [type, n] of h.workloadMix ?? []) {
    count[workloadClassOf(type)] += n;
    total += n;
  }
  const vcpus = new Float64Array(NUM_WORKLOAD_CLASSES);
  let bw = 0;
  let ws = 0;
  let iops = 0;
  let net = 0;
  for (let k = 0; k < NUM_WORKLOAD_CLASSES; k++) {
    vcpus[k] = total > 0 ? (h.allocated.cpu_cores * count[k]) / total : 0;
    bw += vcpus[k] * PROFILES[k].memBwGbsPerVcpu;
    ws += vcpus[k] * PROFILES[k].workingSetMbPerVcpu;
    iops += vcpus[k] * PROFILES[k].iopsPerVcpu;
    net += vcpus[k] * PROFILES[k].netMbpsPerVcpu;
  }
  const measured = (key: string, estimate: number) => {
    const v = numericFact(f, key);
    return v >= 0 ? v : estimate;
  };
  const ready = numericFact(f, 'cpu_ready');
  const steal = numericFact(f, 'cpu_steal');
  return {
    cores,
    threadsPerCore,
    llcMb,
    memBandwidthGbs,
    diskIops,
    nicGbps,
    generation: generationOf(f?.hardware_generation),
    cpuDemand: util + (ready > 0 ? ready : 0) + (steal > 0 ? steal : 0),
    memBandwidthUtil: measured('memory_bandwidth_utilization', bw / memBandwidthGbs),
    llcOccupancy: measured('llc_occupancy', Math.min(1, ws / llcMb)),
    diskUtil: measured('disk_iops_utilization', iops / diskIops),
    netUtil: measured('network_utilization', net / (nicGbps * 1000)),
    vcpusAllocated: h.allocated.cpu_cores,
    neighbourCount: count,
    neighbourVcpus: vcpus,
  };
}

/** Builds the predictor the scorer calls once per request with the hosts it scores. */
export function interferencePredictor(model: InterferenceModel): InterferencePredictor {
  const states = new WeakMap<PlacementHost, HostColocationState | null>();
  // One feature buffer reused across requests (grown when a fleet is larger): tens of thousands of
  // rows per request would otherwise be megabytes of garbage each time.
  let rows = new Float64Array(0);
  const predict: InterferencePredictor = (hosts: readonly PlacementHost[], request: PlacementRequest): Float64Array => {
    const vm = { workloadClass: workloadClassOf(request.soft?.workloadType), vcpus: Math.max(1, request.resources.cpu_cores) };
    if (rows.length < hosts.length * NUM_INTERFERENCE_FEATURES) rows = new Float64Array(hosts.length * NUM_INTERFERENCE_FEATURES);
    const known: number[] = [];
    for (let i = 0; i < hosts.length; i++) {
      let s = states.get(hosts[i]);
      if (s === undefined) states.set(hosts[i], (s = colocationState(hosts[i])));
      if (!s) continue;
      writeInterferenceFeatures(s, vm, rows, known.length * NUM_INTERFERENCE_FEATURES);
      known.push(i);
    }
    const out = new Float64Array(hosts.length).fill(NaN);
    if (known.length) {
      const pred = model.predict({ data: rows.subarray(0, known.length * NUM_INTERFERENCE_FEATURES), rows: known.length, cols: NUM_INTERFERENCE_FEATURES });
      for (let j = 0; j < known.length; j++) out[known[j]] = pred[j];
    }
    return out;
  };
  // The prediction depends on the request only through its class and size.
  predict.cacheKey = (request) => `${workloadClassOf(request.soft?.workloadType)}:${Math.max(1, request.resources.cpu_cores)}`;
  return predict;
}
