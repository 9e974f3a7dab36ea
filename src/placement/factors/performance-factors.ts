/** Performance factors: how fast and how steadily the VM will run on the host. */
import { clamp01, numericFact, rising, textFact, type Factor } from '../factor.js';
import { levelFact, preparedOnly, relativeFact, scaledFact } from './build.js';

const category = 'performance' as const;
const perf = ['performance'] as const;

/** Workload types known to saturate a shared resource (cache, memory bandwidth, disk, network). */
export const NOISY_WORKLOADS: ReadonlySet<string> = new Set(['batch', 'batch_processing', 'ml_training', 'hpc', 'data_streaming', 'analytics', 'backup']);

/** Availability as "nines": 0.999 → 3. */
const nines = (a: number) => -Math.log10(Math.max(1e-9, 1 - a));

/** First number in a fact such as "gen10" or "3". */
function generationNumber(v: number | string | undefined): number {
  if (typeof v === 'number') return v;
  const m = typeof v === 'string' ? /\d+(\.\d+)?/.exec(v) : null;
  return m ? Number(m[0]) : NaN;
}

export const PERFORMANCE_FACTORS: readonly Factor[] = [
  {
    name: 'interference',
    category,
    definition: 'Predicted slowdown of the VM from its neighbours by the learned interference model (boosted trees on co-location features): 1 − slowdown / 0.5 (no slowdown → 1, half speed or worse → 0).',
    inputs: ['interference model', 'capacity', 'live utilisation', 'workload mix', 'request'],
    direction: 'lower',
    type: 'c',
    weight: 0.12,
    serves: perf,
    ...preparedOnly('interference', (ctx) => {
      const slowdown = ctx.interferenceByRow();
      return (c) => clamp01(1 - slowdown[c.row] / 0.5);
    }),
  },
  scaledFact({ name: 'historical_cpu_performance', category, fact: 'cpu_performance_score', what: 'Measured CPU performance of the host relative to its nominal (1 = as specified)', unit: 'score', lo: 0, hi: 1, direction: 'higher', weight: 0.06, serves: perf }),
  scaledFact({ name: 'historical_memory_performance', category, fact: 'memory_performance_score', what: 'Measured memory performance relative to nominal', unit: 'score', lo: 0, hi: 1, direction: 'higher', weight: 0.04, serves: perf }),
  scaledFact({ name: 'historical_disk_performance', category, fact: 'disk_performance_score', what: 'Measured disk performance relative to nominal', unit: 'score', lo: 0, hi: 1, direction: 'higher', weight: 0.04, serves: perf }),
  scaledFact({ name: 'historical_network_performance', category, fact: 'network_performance_score', what: 'Measured network performance relative to nominal', unit: 'score', lo: 0, hi: 1, direction: 'higher', weight: 0.04, serves: perf }),
  relativeFact({ name: 'benchmark_score', category, fact: 'benchmark_score_per_core', what: 'Per-core benchmark result (SPECrate-like)', unit: 'points', direction: 'higher', weight: 0.08, serves: perf }),
  scaledFact({ name: 'cpu_steal', category, fact: 'cpu_steal', what: 'CPU time stolen from the host\'s VMs by the hypervisor, live', unit: 'fraction', lo: 0, hi: 0.1, direction: 'lower', weight: 0.06, serves: perf }),
  scaledFact({ name: 'cpu_ready', category, fact: 'cpu_ready', what: 'Time vCPUs wait ready but unscheduled, live', unit: 'fraction', lo: 0, hi: 0.1, direction: 'lower', weight: 0.05, serves: perf }),
  scaledFact({ name: 'io_wait', category, fact: 'cpu_iowait', what: 'CPU time waiting for I/O, live', unit: 'fraction', lo: 0, hi: 0.2, direction: 'lower', weight: 0.04, serves: perf }),
  scaledFact({ name: 'disk_latency', category, fact: 'disk_read_latency_ms', what: 'Mean disk read latency, live', unit: 'ms', lo: 0.1, hi: 20, direction: 'lower', weight: 0.04, serves: perf }),
  scaledFact({ name: 'memory_pressure', category, fact: 'major_page_faults', what: 'Major page faults on the host, live', unit: '/s', lo: 0, hi: 500, direction: 'lower', weight: 0.03, serves: perf }),
  scaledFact({ name: 'swap_use', category, fact: 'swap_utilization', what: 'Share of swap in use, live', unit: 'fraction', lo: 0, hi: 0.5, direction: 'lower', weight: 0.03, serves: perf }),
  {
    name: 'workload_similarity',
    category,
    definition: 'Share of the host\'s VMs of the same workload type as this VM (they compete for the same resource): 1 − same / all; an empty host scores 1.',
    inputs: ['workload mix', 'soft.workloadType'],
    direction: 'lower',
    type: 'c',
    weight: 0.05,
    serves: perf,
    appliesTo: (r) => !!r.soft?.workloadType,
    ...preparedOnly('workload_similarity', (ctx) => {
      const type = ctx.request.soft?.workloadType;
      const totals = ctx.columns.workloadTotals();
      const same = type ? ctx.columns.mixCount(type) : undefined;
      const hasMix = ctx.columns.counts().hasMix;
      return (c) => {
        if (!same || !hasMix[c.row]) return NaN;
        const all = totals[c.row];
        return all === 0 ? 1 : 1 - same[c.row] / all;
      };
    }),
  },
  {
    name: 'noisy_neighbours',
    category,
    definition: `VMs of resource-saturating types (${[...NOISY_WORKLOADS].join(', ')}) per host core: 0 → 1, 0.25 or more → 0.`,
    inputs: ['workload mix', 'capacity.cpu_cores'],
    direction: 'lower',
    type: 'c',
    weight: 0.04,
    serves: perf,
    hostOnly: true,
    score: (c) => {
      const mix = c.host.workloadMix;
      if (!mix) return NaN;
      let noisy = 0;
      for (const [t, n] of mix) if (NOISY_WORKLOADS.has(t)) noisy += n;
      return clamp01(1 - noisy / c.host.capacity.cpu_cores / 0.25);
    },
  },
  {
    name: 'numa_fit',
    category,
    definition: 'Whether the VM\'s cores fit one NUMA node (fact `numa_node_cores`): 1 when they do, else NUMA-node cores / requested cores.',
    inputs: ['numa_node_cores', 'request.cpu_cores'],
    direction: 'match',
    type: 'cat',
    weight: 0.03,
    serves: perf,
    prepare: (ctx) => {
      const col = ctx.columns.numeric('numa_node_cores');
      return (c) => {
        const n = col[c.row];
        const r = c.request.resources.cpu_cores;
        return n !== n || !(n > 0) ? NaN : r <= n ? 1 : n / r;
      };
    },
    score: (c, ctx) => {
      const n = ctx.fact(c, 'numa_node_cores');
      const r = c.request.resources.cpu_cores;
      return n !== n || !(n > 0) ? NaN : r <= n ? 1 : n / r;
    },
  },
  {
    name: 'cache_per_core',
    category,
    definition: 'Last-level cache per host core, fact `llc_mb` / capacity cores: 1 MB → 0, 4 MB → 1.',
    inputs: ['llc_mb', 'capacity.cpu_cores'],
    direction: 'higher',
    type: 'c',
    weight: 0.03,
    serves: perf,
    hostOnly: true,
    score: (c) => rising(numericFact(c.host.facts, 'llc_mb') / c.host.capacity.cpu_cores, 1, 4),
  },
  scaledFact({ name: 'virtualization_overhead', category, fact: 'virtualization_overhead', what: 'Measured hypervisor overhead', unit: 'fraction', lo: 0, hi: 0.2, direction: 'lower', weight: 0.03, serves: perf }),
  {
    name: 'hardware_generation',
    category,
    definition: 'Hardware generation (the number in `hardware_generation`, e.g. gen10 → 10) relative to the compared hosts: newest → 1, oldest → 0.',
    inputs: ['hardware_generation'],
    direction: 'higher',
    type: 'ord',
    weight: 0.04,
    serves: ['performance', 'sustainability'],
    hostOnly: true,
    score: (c, ctx) => ctx.relative(generationNumber(c.host.facts?.hardware_generation), ctx.range('generation', (h) => generationNumber(h.facts?.hardware_generation)), true, 0),
  },
  levelFact({ name: 'performance_isolation', category, fact: 'isolation_level', what: 'How strictly the host isolates VMs', top: 3, levels: '0 shared, 1 CPU quotas, 2 pinned cores, 3 dedicated host', weight: 0.03, serves: perf }),
  {
    name: 'sla_fit',
    category,
    definition: 'Host availability (fact `host_availability`) against the SLA the VM promises (soft.slaAvailability), in nines: 1 when the host meets it, minus 1 per missing nine.',
    inputs: ['host_availability', 'soft.slaAvailability'],
    direction: 'match',
    type: 'c',
    weight: 0.05,
    serves: perf,
    appliesTo: (r) => r.soft?.slaAvailability !== undefined,
    prepare: (ctx) => {
      const sla = ctx.request.soft?.slaAvailability;
      const col = ctx.columns.numeric('host_availability');
      return (c) => {
        const a = col[c.row];
        return sla === undefined || a !== a ? NaN : clamp01(1 - Math.max(0, nines(sla) - nines(a)));
      };
    },
    score: (c, ctx) => {
      const sla = c.request.soft?.slaAvailability;
      const a = ctx.fact(c, 'host_availability');
      if (sla === undefined || a !== a) return NaN;
      return clamp01(1 - Math.max(0, nines(sla) - nines(a)));
    },
  },
  {
    name: 'latency_fit',
    category,
    definition: 'For latency-sensitive VMs: 1 − sensitivity × measured CPU use after placement (a busy host queues requests).',
    inputs: ['soft.latencySensitivity', 'cpu_utilization'],
    direction: 'lower',
    type: 'c',
    weight: 0.05,
    serves: perf,
    appliesTo: (r) => r.soft?.latencySensitivity !== undefined,
    score: (c) => {
      const s = c.request.soft?.latencySensitivity;
      return s === undefined ? NaN : clamp01(1 - s * c.liveCpuAfter);
    },
  },
  {
    name: 'burst_headroom',
    category,
    definition: 'For bursty VMs: unallocated cores after placement against the burst, free cores / (requested cores × soft.burstability), capped at 1.',
    inputs: ['soft.burstability', 'capacity.cpu_cores', 'allocated.cpu_cores'],
    direction: 'higher',
    type: 'c',
    weight: 0.04,
    serves: perf,
    appliesTo: (r) => r.soft?.burstability !== undefined,
    ...preparedOnly('burst_headroom', (ctx) => {
      const b = ctx.request.soft?.burstability;
      if (b === undefined) return () => NaN;
      if (!(b > 0)) return () => 1;
      const cores = ctx.columns.capacity('cpu_cores');
      const burst = ctx.request.resources.cpu_cores * b;
      return (c) => clamp01(((1 - c.cpuAfter) * cores[c.row]) / burst);
    }),
  },
  {
    name: 'qos_tier_fit',
    category,
    definition: 'Host QoS tier (fact `qos_tier`, 1–5) against the VM\'s priority (1–5): below it costs 0.25 per tier, above it (a premium host for a minor VM) 0.125 per tier.',
    inputs: ['qos_tier', 'soft.priority'],
    direction: 'match',
    type: 'ord',
    weight: 0.04,
    serves: ['performance', 'cost'],
    appliesTo: (r) => r.soft?.priority !== undefined,
    prepare: (ctx) => {
      const p = ctx.request.soft?.priority;
      const col = ctx.columns.numeric('qos_tier');
      return (c) => {
        const t = col[c.row];
        if (p === undefined || t !== t) return NaN;
        return clamp01(t >= p ? 1 - (t - p) / 8 : 1 - (p - t) / 4);
      };
    },
    score: (c, ctx) => {
      const p = c.request.soft?.priority;
      const t = ctx.fact(c, 'qos_tier');
      if (p === undefined || t !== t) return NaN;
      return clamp01(t >= p ? 1 - (t - p) / 8 : 1 - (p - t) / 4);
    },
  },
  {
    name: 'hypervisor_match',
    category,
    definition: 'The host runs the hypervisor the VM asks for (soft.hypervisor vs fact `hypervisor_type`): 1 or 0.',
    inputs: ['hypervisor_type', 'soft.hypervisor'],
    direction: 'match',
    type: 'cat',
    weight: 0.02,
    serves: perf,
    appliesTo: (r) => !!r.soft?.hypervisor,
    prepare: (ctx) => {
      const want = ctx.request.soft?.hypervisor?.toLowerCase();
      const col = ctx.columns.text('hypervisor_type');
      return (c) => {
        const have = col[c.row];
        return !want || have === undefined ? NaN : have === want ? 1 : 0;
      };
    },
    score: (c) => {
      const want = c.request.soft?.hypervisor;
      const have = textFact(c.host.facts, 'hypervisor_type');
      return !want || have === undefined ? NaN : have === want.toLowerCase() ? 1 : 0;
    },
  },
  scaledFact({ name: 'load_volatility', category, fact: 'cpu_utilization_std', what: 'Standard deviation of the host\'s CPU utilisation over the last hour', unit: 'fraction', lo: 0, hi: 0.3, direction: 'lower', weight: 0.03, serves: perf }),
];
