/** Resource factors: how well the VM's demand fits what the host has left, allocated and measured. */
import { clamp01, listFact, nearTo, type Factor } from '../factor.js';
import type { Candidate } from '../candidate.js';
import type { PlacementRequest } from '../problem.js';
import { categoryFact, preparedOnly, scaledFact } from './build.js';

const category = 'resource' as const;

function headroom(name: string, dim: string, pick: (c: Candidate) => number, weight: number, only?: (r: PlacementRequest) => boolean): Factor {
  return {
    name,
    category,
    definition: `Share of the host's ${dim} still unallocated after placing the VM: 1 − (allocated + requested) / capacity${only ? '; only when the VM asks for it' : ''}.`,
    inputs: [`capacity.${dim}`, `allocated.${dim}`, `request.${dim}`],
    direction: 'higher',
    type: 'c',
    weight,
    serves: ['performance'],
    appliesTo: only,
    score: (c) => clamp01(1 - pick(c)),
  };
}

function packing(name: string, dim: string, pick: (c: Candidate) => number, weight: number): Factor {
  return {
    name,
    category,
    definition: `Allocated share of the host's ${dim} after placing the VM, (allocated + requested) / capacity: fuller hosts leave others empty (Kubernetes MostAllocated).`,
    inputs: [`capacity.${dim}`, `allocated.${dim}`, `request.${dim}`],
    direction: 'higher',
    type: 'c',
    weight,
    serves: ['efficiency', 'cost', 'sustainability'],
    score: (c) => clamp01(pick(c)),
  };
}

function liveHeadroom(name: string, metric: string, pick: (c: Candidate) => number, weight: number): Factor {
  return {
    name,
    category,
    definition: `Measured ${metric} after placement, 1 − (live utilisation + the VM's expected use / capacity); needs live telemetry.`,
    inputs: [metric, 'request'],
    direction: 'higher',
    type: 'c',
    weight,
    serves: ['performance'],
    score: (c) => clamp01(1 - pick(c)),
  };
}

export const RESOURCE_FACTORS: readonly Factor[] = [
  headroom('cpu_headroom', 'cpu_cores', (c) => c.cpuAfter, 0.15),
  headroom('memory_headroom', 'memory_mb', (c) => c.memoryAfter, 0.15),
  headroom('storage_headroom', 'storage_gb', (c) => c.storageAfter, 0.08),
  headroom('network_headroom', 'network_mbps', (c) => c.networkAfter, 0.08),
  headroom('gpu_headroom', 'gpu_count', (c) => c.gpuAfter, 0.05, (r) => r.resources.gpu_count > 0),
  {
    name: 'gpu_reservation',
    category,
    definition: 'Keeps GPU hosts for GPU work: a VM without GPUs scores 1 on a host without GPUs and 0 on a host with them; unavailable for GPU VMs.',
    inputs: ['capacity.gpu_count', 'request.gpu_count'],
    direction: 'match',
    type: 'c',
    weight: 0.05,
    serves: ['efficiency', 'cost'],
    appliesTo: (r) => r.resources.gpu_count === 0,
    ...preparedOnly('gpu_reservation', (ctx) => {
      const gpus = ctx.columns.capacity('gpu_count');
      return ctx.request.resources.gpu_count > 0 ? () => NaN : (c) => (gpus[c.row] > 0 ? 0 : 1);
    }),
  },
  packing('cpu_packing', 'cpu_cores', (c) => c.cpuAfter, 0.1),
  packing('memory_packing', 'memory_mb', (c) => c.memoryAfter, 0.1),
  {
    name: 'resource_balance',
    category,
    definition: 'Evenness of the allocated shares of CPU, memory and storage after placement: max(0, 1 − std / mean) (the seed engine\'s resource_balance_score).',
    inputs: ['capacity', 'allocated', 'request'],
    direction: 'higher',
    type: 'c',
    weight: 0.06,
    serves: ['efficiency'],
    score: (c) => {
      // Over the dimensions the host offers (a NaN share: no capacity), without building a list.
      const a = c.cpuAfter;
      const b = c.memoryAfter;
      const d = c.storageAfter;
      const n = (a === a ? 1 : 0) + (b === b ? 1 : 0) + (d === d ? 1 : 0);
      if (n < 2) return NaN;
      const mean = ((a === a ? a : 0) + (b === b ? b : 0) + (d === d ? d : 0)) / n;
      const sd = Math.sqrt(((a === a ? (a - mean) ** 2 : 0) + (b === b ? (b - mean) ** 2 : 0) + (d === d ? (d - mean) ** 2 : 0)) / n);
      return clamp01(1 - sd / (mean + 0.01));
    },
  },
  {
    name: 'shape_fit',
    category,
    definition: 'Cosine similarity between the VM\'s demand (requested / capacity) and the host\'s free resources (free / capacity) over CPU and memory: a VM shaped like the hole fills it.',
    inputs: ['capacity', 'allocated', 'request'],
    direction: 'higher',
    type: 'c',
    weight: 0.06,
    serves: ['efficiency'],
    ...preparedOnly('shape_fit', (ctx) => {
      const r = ctx.request.resources;
      const cores = ctx.columns.capacity('cpu_cores');
      const memory = ctx.columns.capacity('memory_mb');
      return (c) => {
        // Free share before placement = 1 − share after + the VM's own share.
        const d1 = r.cpu_cores / cores[c.row];
        const d2 = r.memory_mb / memory[c.row];
        const f1 = 1 - c.cpuAfter + d1;
        const f2 = 1 - c.memoryAfter + d2;
        const n = Math.sqrt((d1 * d1 + d2 * d2) * (f1 * f1 + f2 * f2));
        return n > 0 ? clamp01((d1 * f1 + d2 * f2) / n) : NaN;
      };
    }),
  },
  {
    name: 'stranding',
    category,
    definition: 'Whether the leftover after placement stays usable: min / max of the free CPU and memory shares (1 when both are used up or left alike, 0 when one is exhausted beside a free other).',
    inputs: ['capacity', 'allocated', 'request'],
    direction: 'higher',
    type: 'c',
    weight: 0.05,
    serves: ['efficiency', 'cost'],
    score: (c) => {
      const a = clamp01(1 - c.cpuAfter);
      const b = clamp01(1 - c.memoryAfter);
      const hi = Math.max(a, b);
      return hi < 0.02 ? 1 : Math.min(a, b) / hi;
    },
  },
  liveHeadroom('live_cpu_headroom', 'cpu_utilization', (c) => c.liveCpuAfter, 0.1),
  liveHeadroom('live_memory_headroom', 'memory_utilization', (c) => c.liveMemoryAfter, 0.08),
  liveHeadroom('live_storage_headroom', 'disk_utilization', (c) => c.liveStorageAfter, 0.03),
  liveHeadroom('live_network_headroom', 'network_utilization', (c) => c.liveNetworkAfter, 0.05),
  {
    name: 'memory_per_core_fit',
    category,
    definition: 'How close the host\'s memory per core is to the VM\'s: 1 − |log2(host MB/core ÷ VM MB/core)| / 3 (a factor 8 apart → 0).',
    inputs: ['capacity.cpu_cores', 'capacity.memory_mb', 'request.cpu_cores', 'request.memory_mb'],
    direction: 'target',
    type: 'c',
    weight: 0.03,
    serves: ['efficiency'],
    appliesTo: (r) => r.resources.cpu_cores > 0 && r.resources.memory_mb > 0,
    ...preparedOnly('memory_per_core_fit', (ctx) => {
      const r = ctx.request.resources;
      if (!(r.cpu_cores > 0 && r.memory_mb > 0)) return () => NaN;
      const cores = ctx.columns.capacity('cpu_cores');
      const memory = ctx.columns.capacity('memory_mb');
      const vm = r.memory_mb / r.cpu_cores;
      return (c) => nearTo(Math.log2(memory[c.row] / cores[c.row] / vm), 0, 3);
    }),
  },
  scaledFact({ name: 'cpu_frequency', category, fact: 'cpu_frequency_mhz', what: 'Base clock of the host CPU', unit: 'MHz', lo: 1800, hi: 4000, direction: 'higher', weight: 0.06, serves: ['performance'] }),
  scaledFact({ name: 'memory_bandwidth', category, fact: 'memory_bandwidth_gbps', what: 'Memory bandwidth of the host', unit: 'GB/s', lo: 20, hi: 300, direction: 'higher', weight: 0.04, serves: ['performance'] }),
  scaledFact({ name: 'storage_iops', category, fact: 'storage_iops', what: 'Random I/O operations per second the host storage sustains', unit: 'IOPS', lo: 1_000, hi: 500_000, direction: 'higher', log: true, weight: 0.05, serves: ['performance'] }),
  categoryFact({ name: 'storage_type', category, fact: 'storage_type', what: 'Kind of local storage', scores: { nvme: 1, ssd: 0.7, san: 0.5, nas: 0.4, hdd: 0.2 }, weight: 0.04, serves: ['performance'] }),
  scaledFact({
    name: 'gpu_memory', category, fact: 'gpu_memory_gb', what: 'Memory per GPU', unit: 'GB', lo: 8, hi: 80, direction: 'higher', weight: 0.03, serves: ['performance'],
    only: { when: (r) => r.resources.gpu_count > 0, note: 'only for VMs that ask for GPUs' },
  }),
  {
    name: 'hardware_features',
    category,
    definition: 'Share of the hardware features the VM wants (soft.hardwareFeatures: avx512, sriov, nvme …) that the host lists in fact `hardware_features`.',
    inputs: ['hardware_features', 'soft.hardwareFeatures'],
    direction: 'match',
    type: 'cat',
    weight: 0.03,
    serves: ['performance'],
    appliesTo: (r) => !!r.soft?.hardwareFeatures?.length,
    prepare: (ctx) => {
      const want = ctx.request.soft?.hardwareFeatures ?? [];
      const lists = ctx.columns.list('hardware_features');
      // Features present per fleet row, summed once per request from per-feature membership columns.
      const count = new Float64Array(ctx.hosts.length);
      for (const f of want) {
        const has = ctx.columns.membership('hardware_features', f);
        for (let i = 0; i < count.length; i++) count[i] += has[i];
      }
      return (c) => (!want.length || !lists[c.row] ? NaN : count[c.row] / want.length);
    },
    score: (c) => {
      const want = c.request.soft?.hardwareFeatures;
      if (!want?.length) return NaN;
      const have = listFact(c.host.facts, 'hardware_features');
      if (!have) return NaN;
      return want.filter((f) => have.has(f.toLowerCase())).length / want.length;
    },
  },
];

