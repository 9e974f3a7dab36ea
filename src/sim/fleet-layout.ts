import { Random } from '../ml/core/random.js';
import type { ResolvedSimulationOptions } from './options.js';
import { chance, streamSeed, uniform, weightedIndex } from './random-draws.js';
import { drawWorkload, WORKLOAD_KINDS, WORKLOADS, type VmWorkload } from './workload.js';

/**
 * The physical fleet: data centres, racks of one hardware generation each, hosts with their own
 * thermal, power and error-rate quirks, and VMs packed onto hosts by memory.
 */

/** Independent random streams: a host's draws never depend on how many hosts come before it. */
export const STREAM = { datacenter: 1, rack: 2, host: 3, schedule: 4, telemetry: 5 } as const;

interface HardwareGeneration {
  name: string;
  cores: number;
  memoryMb: number;
  storageGb: number;
  networkMbps: number;
  idleWatts: number;
  maxWatts: number;
  fanRpm: number;
  costPerHour: number;
  weight: number;
}

const GENERATIONS: readonly HardwareGeneration[] = [
  { name: 'gen3', cores: 32, memoryMb: 256 * 1024, storageGb: 2000, networkMbps: 10_000, idleWatts: 140, maxWatts: 450, fanRpm: 7000, costPerHour: 0.9, weight: 0.3 },
  { name: 'gen4', cores: 64, memoryMb: 512 * 1024, storageGb: 4000, networkMbps: 25_000, idleWatts: 180, maxWatts: 650, fanRpm: 8000, costPerHour: 1.6, weight: 0.45 },
  { name: 'gen5', cores: 96, memoryMb: 768 * 1024, storageGb: 8000, networkMbps: 25_000, idleWatts: 220, maxWatts: 850, fanRpm: 9000, costPerHour: 2.4, weight: 0.25 },
];

/** UTC offsets of the data centres in order (dc1 London, dc2 New York, dc3 Frankfurt, …), cycled. */
const DC_UTC_OFFSETS = [0, -5, 1, 8, -8, 9, 5.5, -3];

/** VM sizes as (vCPUs, GiB) with their shares. */
const VM_SIZES: readonly { vcpus: number; memoryGb: number; weight: number }[] = [
  { vcpus: 2, memoryGb: 4, weight: 0.15 },
  { vcpus: 2, memoryGb: 8, weight: 0.15 },
  { vcpus: 4, memoryGb: 8, weight: 0.15 },
  { vcpus: 4, memoryGb: 16, weight: 0.2 },
  { vcpus: 8, memoryGb: 32, weight: 0.15 },
  { vcpus: 8, memoryGb: 64, weight: 0.1 },
  { vcpus: 16, memoryGb: 64, weight: 0.1 },
];

/** vCPUs per physical core a host accepts before it stops taking VMs. */
const CPU_OVERCOMMIT = 1.5;

export interface HostSpec {
  index: number;
  id: string;
  datacenter: string;
  zone: string;
  rack: string;
  /** Slot in the rack from the bottom: higher slots breathe warmer air. */
  slot: number;
  utcOffsetHours: number;
  generation: HardwareGeneration;
  /** Multiplies every VM's CPU demand on this host (0.8–1.2): busier and quieter hosts. */
  loadFactor: number;
  /** Mean inlet air temperature, °C. */
  inletBase: number;
  /** CPU temperature above inlet at idle, °C (heatsink and paste vary). */
  thermalOffset: number;
  /** CPU temperature at which the host shuts itself down, °C. */
  tripTemperature: number;
  /** Nominal output of the 12 V rail as this PSU reads it. */
  psuNominal: number;
  /** Mean read latency of the idle system disk, ms. */
  diskLatencyMs: number;
  /** Corrected ECC errors per hour from a weak-but-stable DIMM; 0 on most hosts. */
  noisyDimmPerHour: number;
  /** Seconds the host had been up when the simulation starts. */
  initialUptimeS: number;
}

export interface VmSpec {
  id: string;
  hostIndex: number;
  vcpus: number;
  memoryMb: number;
  storageGb: number;
  workload: VmWorkload;
  priority: number;
  slaClass: string;
}

export interface Fleet {
  hosts: HostSpec[];
  /** VMs of each host, by host index. */
  vmsByHost: VmSpec[][];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function buildFleet(o: ResolvedSimulationOptions): Fleet {
  const hosts: HostSpec[] = [];
  const vmsByHost: VmSpec[][] = [];
  const perDc = Math.ceil(o.hosts / o.datacenters);
  const dcInlet = Array.from({ length: o.datacenters }, (_, d) => uniform(new Random(streamSeed(o.seed, d, STREAM.datacenter)), 19, 24));
  const rackGeneration = new Map<string, HardwareGeneration>();
  const generationWeights = GENERATIONS.map((g) => g.weight);
  const sizeWeights = VM_SIZES.map((s) => s.weight);
  const kindWeights = WORKLOAD_KINDS.map((k) => WORKLOADS[k].weight);

  for (let i = 0; i < o.hosts; i++) {
    const d = Math.floor(i / perDc);
    const inDc = i - d * perDc;
    const rackNo = Math.floor(inDc / o.hostsPerRack);
    const slot = inDc - rackNo * o.hostsPerRack;
    const datacenter = `dc${d + 1}`;
    const rack = `${datacenter}-r${pad(rackNo + 1)}`;
    // A rack is bought at once: one hardware generation per rack.
    let generation = rackGeneration.get(rack);
    if (!generation) {
      const rackRng = new Random(streamSeed(o.seed, d * 10_000 + rackNo, STREAM.rack));
      generation = GENERATIONS[weightedIndex(rackRng, generationWeights)];
      rackGeneration.set(rack, generation);
    }
    const rng = new Random(streamSeed(o.seed, i, STREAM.host));
    const id = `${o.idPrefix}-${rack}-h${pad(slot + 1)}`;
    hosts.push({
      index: i,
      id,
      datacenter,
      zone: `${datacenter}-${rackNo % 2 === 0 ? 'a' : 'b'}`,
      rack,
      slot,
      utcOffsetHours: DC_UTC_OFFSETS[d % DC_UTC_OFFSETS.length],
      generation,
      loadFactor: uniform(rng, 0.8, 1.2),
      inletBase: dcInlet[d] + 0.15 * slot + 0.8 * rng.normal(),
      thermalOffset: uniform(rng, 12, 20),
      tripTemperature: uniform(rng, 93, 100),
      psuNominal: 12 + 0.04 * rng.normal(),
      diskLatencyMs: uniform(rng, 0.6, 2.5),
      noisyDimmPerHour: chance(rng, o.noisyDimmShare) ? uniform(rng, 0.2, 3) : 0,
      initialUptimeS: Math.round(uniform(rng, 1, 120) * 86_400),
    });

    // Pack VMs until the host's drawn memory fill or its CPU overcommit is reached.
    const fill = uniform(rng, o.memoryFill.min, o.memoryFill.max);
    const vms: VmSpec[] = [];
    let memory = 0;
    let vcpus = 0;
    for (let attempt = 0; attempt < 200; attempt++) {
      const size = VM_SIZES[weightedIndex(rng, sizeWeights)];
      const memoryMb = size.memoryGb * 1024;
      const fits = memory + memoryMb <= fill * generation.memoryMb && vcpus + size.vcpus <= CPU_OVERCOMMIT * generation.cores;
      if (!fits) {
        if (vms.length > 0) break;
        continue;
      }
      memory += memoryMb;
      vcpus += size.vcpus;
      const kind = WORKLOAD_KINDS[weightedIndex(rng, kindWeights)];
      const critical = kind === 'database';
      vms.push({
        id: `${id}-vm${pad(vms.length + 1)}`,
        hostIndex: i,
        vcpus: size.vcpus,
        memoryMb,
        storageGb: size.memoryGb * 5,
        workload: drawWorkload(rng, kind),
        priority: critical ? 4 : kind === 'web_server' ? 3 : 2,
        slaClass: critical ? 'gold' : kind === 'web_server' ? 'silver' : 'bronze',
      });
    }
    vmsByHost.push(vms);
  }
  return { hosts, vmsByHost };
}
