/**
 * A deterministic synthetic fleet with every fact the catalogue reads, for the benchmark, the
 * tests and demonstrations. Values are drawn from plausible ranges; nothing here is measured.
 */
import { Random } from '../ml/core/index.js';
import type { PlacementHost, PlacementRequest, Resources } from './problem.js';

const WORKLOADS = ['web', 'database', 'batch', 'ml_training', 'cache', 'data_streaming'] as const;

const pick = <T,>(rng: Random, xs: readonly T[]): T => xs[rng.int(xs.length)];
const between = (rng: Random, lo: number, hi: number) => lo + rng.float() * (hi - lo);

export function syntheticHost(rng: Random, i: number, now: number): PlacementHost {
  const cores = pick(rng, [32, 48, 64, 96, 128]);
  const capacity: Resources = { cpu_cores: cores, memory_mb: cores * pick(rng, [4096, 8192, 16384]), storage_gb: pick(rng, [1000, 2000, 4000]), network_mbps: pick(rng, [10_000, 25_000, 100_000]), gpu_count: rng.float() < 0.1 ? 4 : 0 };
  const fill = rng.float() * 0.8;
  const allocated: Resources = {
    cpu_cores: Math.floor(capacity.cpu_cores * fill),
    memory_mb: Math.floor(capacity.memory_mb * Math.min(1, fill * between(rng, 0.7, 1.3))),
    storage_gb: Math.floor(capacity.storage_gb * fill * 0.8),
    network_mbps: Math.floor(capacity.network_mbps * fill * 0.3),
    gpu_count: capacity.gpu_count ? rng.int(capacity.gpu_count + 1) : 0,
  };
  const vmCount = Math.round(fill * cores / 2);
  const mix = new Map<string, number>();
  for (let v = 0; v < vmCount; v++) {
    const w = pick(rng, WORKLOADS);
    mix.set(w, (mix.get(w) ?? 0) + 1);
  }
  const dc = `dc${rng.int(3)}`;
  const zone = `${dc}-${'abc'[rng.int(3)]}`;
  const rack = `${zone}-r${rng.int(20)}`;
  const util = fill * between(rng, 0.3, 0.9);
  return {
    id: `host-${i}`,
    status: 'available',
    capacity,
    allocated,
    datacenter: dc,
    zone,
    rack,
    failureDomain: `${rack}-pdu${rng.int(2)}`,
    securityLevel: rng.int(5) + 1,
    complianceTags: new Set(rng.float() < 0.2 ? ['pci'] : []),
    labels: { tier: pick(rng, ['gold', 'silver', 'bronze']), arch: 'x86_64' },
    maintenance: rng.float() < 0.05 ? [{ start: now + between(rng, 2, 200) * 3_600_000, end: now + 210 * 3_600_000 }] : [],
    vms: new Set(Array.from({ length: vmCount }, (_, v) => `host-${i}-vm${v}`)),
    groups: new Map(rng.float() < 0.3 ? [['web', 1 + rng.int(3)]] : []),
    workloadMix: mix,
    facts: {
      cpu_utilization: util,
      memory_utilization: Math.min(1, (allocated.memory_mb / capacity.memory_mb) * between(rng, 0.5, 0.95)),
      disk_utilization: between(rng, 0.1, 0.8),
      network_utilization: util * 0.3,
      cpu_steal: between(rng, 0, 0.05),
      cpu_ready: between(rng, 0, 0.05),
      cpu_iowait: between(rng, 0, 0.1),
      disk_read_latency_ms: between(rng, 0.2, 8),
      major_page_faults: between(rng, 0, 100),
      swap_utilization: between(rng, 0, 0.1),
      cpu_utilization_std: between(rng, 0.01, 0.2),
      cpu_utilization_trend: between(rng, -0.03, 0.05),
      temperature: between(rng, 35, 75),
      humidity_pct: between(rng, 30, 60),
      failure_probability: rng.float() ** 4 * 0.5,
      failures_per_year: rng.int(3),
      mtbf_hours: between(rng, 40_000, 150_000),
      hardware_age_years: between(rng, 0, 7),
      hardware_generation: `gen${8 + rng.int(4)}`,
      cpu_frequency_mhz: pick(rng, [2100, 2400, 2900, 3300]),
      memory_bandwidth_gbps: between(rng, 80, 250),
      storage_iops: pick(rng, [20_000, 100_000, 400_000]),
      storage_type: pick(rng, ['nvme', 'ssd', 'hdd']),
      numa_node_cores: cores / 2,
      llc_mb: cores * between(rng, 1, 3),
      virtualization_overhead: between(rng, 0.02, 0.08),
      benchmark_score_per_core: between(rng, 8, 14),
      cpu_performance_score: between(rng, 0.8, 1),
      memory_performance_score: between(rng, 0.8, 1),
      disk_performance_score: between(rng, 0.7, 1),
      network_performance_score: between(rng, 0.8, 1),
      isolation_level: rng.int(4),
      host_availability: pick(rng, [0.99, 0.999, 0.9999]),
      qos_tier: 1 + rng.int(5),
      hypervisor_type: 'kvm',
      pue: between(rng, 1.1, 1.7),
      power_idle_watts: cores * 2,
      power_max_watts: cores * between(rng, 6, 12),
      carbon_intensity_g_per_kwh: pick(rng, [50, 250, 450]),
      renewable_share: between(rng, 0, 1),
      cooling_efficiency: between(rng, 0.5, 0.95),
      redundancy_level: rng.int(4),
      ups_minutes: between(rng, 5, 20),
      warranty_months_left: rng.int(36),
      dr_tier: rng.int(5),
      physical_security_level: 2 + rng.int(4),
      network_latency_ms: between(rng, 0.2, 20),
      packet_loss: between(rng, 0, 0.005),
      jitter_ms: between(rng, 0.1, 5),
      uplink_utilization: between(rng, 0.1, 0.8),
      network_distance_km: between(rng, 10, 3000),
      hop_count: 2 + rng.int(6),
      bandwidth_cost_per_gb: pick(rng, [0.01, 0.05, 0.09]),
      uplink_gbps: pick(rng, [10, 25, 100]),
      network_error_rate: rng.float() ** 3 * 5,
      network_security_level: rng.int(4),
      bgp_path_length: 1 + rng.int(5),
      dns_resolution_ms: between(rng, 2, 40),
      lb_pools: pick(rng, ['public', 'internal', 'public,internal']),
      cost_per_hour: cores * between(rng, 0.02, 0.05),
      license_cost_per_core_hour: pick(rng, [0, 0.05, 0.2]),
      energy_price_per_kwh: pick(rng, [0.08, 0.15, 0.3]),
      cached_images: pick(rng, ['ubuntu-24.04', 'ubuntu-24.04,rhel-9', 'rhel-9']),
      startup_time_s: between(rng, 10, 120),
      max_vms: 128,
      monitoring_coverage: between(rng, 0.6, 1),
      automation_level: rng.int(4),
      incident_response_minutes: between(rng, 10, 120),
      backup_level: rng.int(4),
      migrations_24h: rng.int(10),
      open_alerts: rng.float() < 0.1 ? 1 + rng.int(3) : 0,
      change_freeze: rng.float() < 0.05 ? 'true' : 'false',
      hardware_features: pick(rng, ['avx2', 'avx2,avx512', 'avx2,avx512,sriov']),
    },
  };
}

export function syntheticFleet(n: number, seed = 1, now = Date.UTC(2026, 0, 1)): PlacementHost[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, i) => syntheticHost(rng, i, now));
}

/** A request using every soft trait, so every factor is exercised. */
export function syntheticRequest(rng: Random, i: number, fleetSize: number): PlacementRequest {
  return {
    id: `vm-${i}`,
    resources: { cpu_cores: pick(rng, [1, 2, 4, 8, 16]), memory_mb: pick(rng, [2048, 4096, 8192, 32768]), storage_gb: pick(rng, [20, 50, 200]), network_mbps: pick(rng, [100, 500, 1000]), gpu_count: 0 },
    groups: rng.float() < 0.5 ? ['web'] : [],
    securityLevel: 1 + rng.int(3),
    soft: {
      workloadType: pick(rng, WORKLOADS),
      priority: 1 + rng.int(5),
      slaAvailability: 0.999,
      latencySensitivity: rng.float(),
      burstability: rng.float(),
      preferredNodes: [`host-${rng.int(fleetSize)}`],
      nodeAffinity: [{ selector: { key: 'tier', values: ['gold'] }, weight: 1 }],
      vmAffinity: { vms: [`host-${rng.int(fleetSize)}-vm0`] },
      vmAntiAffinity: { groups: ['batch'] },
      sourceHost: `host-${rng.int(fleetSize)}`,
      image: 'ubuntu-24.04',
      dataLocation: 'dc1-a',
      hardwareFeatures: ['avx512'],
      hypervisor: 'kvm',
      loadBalancerPool: 'public',
    },
  };
}
