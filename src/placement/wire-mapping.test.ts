import { describe, expect, it } from 'vitest';
import { Problem } from '../platform/errors.js';
import { FACTORS } from './factor-catalogue.js';
import { objectiveWeights } from './objectives.js';
import type { NodeWire, WorkloadWire } from './schemas.js';
import { FACT_ALIASES, FACT_NAMES, factorsWire, Notes, nodesToHosts, nodeToHost, resolveObjective, unstatedResourceNotes, workloadToRequest } from './wire-mapping.js';

/** The Problem a call throws (fails the test when it does not throw one). */
function problem(f: () => unknown): Problem {
  try {
    f();
  } catch (err) {
    if (err instanceof Problem) return err;
    throw err;
  }
  throw new Error('expected a Problem');
}

const workload = (w: Record<string, unknown>) => workloadToRequest(w as WorkloadWire, '/body/workload_request', 'unknown').request;
const host = (n: Record<string, unknown>) => nodeToHost(n as NodeWire, '/body/available_nodes/0').host;

describe('workload → placement request', () => {
  it('maps the seed workload fields with their units and hard/soft meaning', () => {
    const r = workload({
      workload_id: 'w1', cpu_cores: 4, memory_gb: 8, storage_gb: 100, workload_type: 'database', workload_priority: 4, sla_requirements: 0.95,
      latency_sensitivity: 0.7, throughput_requirements: 500, node_affinity: ['n1', 'n2', 'n1'], node_anti_affinity: ['n3'], datacenter_constraint: 'dc1', security_level: 3,
    });
    expect(r.id).toBe('w1');
    expect(r.resources).toEqual({ cpu_cores: 4, memory_mb: 8192, storage_gb: 100, network_mbps: 0, gpu_count: 0 });
    expect(r.allowedNodes).toEqual(['n1', 'n2']);
    expect(r.excludedNodes).toEqual(['n3']);
    expect(r.datacenters).toEqual(['dc1']);
    expect(r.securityLevel).toBe(3);
    expect(r.soft).toMatchObject({ workloadType: 'database', priority: 4, slaAvailability: 0.95, latencySensitivity: 0.7, throughputRps: 500 });
  });

  it('maps NovaCron\'s VMConfig: cpu_shares (vCPUs up to 128, else 1024 shares per vCPU rounded up), memory_mb, disk_size_gb, placement', () => {
    const { request, policy } = workloadToRequest(
      { id: 'vm-9', cpu_shares: 2500, memory_mb: 4096, disk_size_gb: 40, placement: { policy: 'consolidated', preferred_nodes: ['a'], excluded_nodes: ['b'] } } as WorkloadWire,
      '/body/vm',
      'vm',
    );
    expect(request.id).toBe('vm-9');
    expect(request.resources).toMatchObject({ cpu_cores: 3, memory_mb: 4096, storage_gb: 40 });
    expect(request.soft?.preferredNodes).toEqual(['a']);
    expect(request.excludedNodes).toEqual(['b']);
    expect(policy).toBe('consolidated');
    expect(workload({ cpu_shares: 8, memory_mb: 1 }).resources.cpu_cores).toBe(8);
  });

  it('maps our richer fields: selectors, VM (anti-)affinity, spread, run window, soft preferences', () => {
    const r = workload({
      cpu_cores: 1, memory_mb: 512, network_mbps: 100, gpu_count: 1, groups: ['web'], compliance_tags: ['pci'],
      node_selector: [{ key: 'ssd', values: ['true'] }, { key: 'arch' }], node_anti_selector: [{ key: 'tier', values: ['spot'] }],
      vm_affinity: { groups: ['cache'] }, vm_anti_affinity: { vms: ['vm-1'] }, soft_vm_affinity: { vms: ['vm-2'] }, soft_vm_anti_affinity: { groups: ['batch'] },
      spread: [{ over: 'zone', group: 'web', max_skew: 1 }], excluded_nodes: ['x'], preferred_nodes: ['y'], preferred_node_selector: [{ key: 'gen', values: ['10'], weight: 2 }],
      source_node: 'h0', image: 'ubuntu', data_location: 'zone-a', hardware_features: ['AVX512'], hypervisor: 'kvm', load_balancer_pool: 'web-pool',
      expected_cpu_utilization: 0.3, burstability: 0.5, run_window: { start: '2030-01-01T00:00:00Z', end: '2030-01-01T02:00:00Z' },
    });
    expect(r.resources).toMatchObject({ network_mbps: 100, gpu_count: 1 });
    expect(r.nodeAffinity).toEqual([{ key: 'ssd', values: ['true'] }, { key: 'arch' }]);
    expect(r.nodeAntiAffinity).toEqual([{ key: 'tier', values: ['spot'] }]);
    expect(r.vmAffinity).toEqual({ vms: [], groups: ['cache'] });
    expect(r.vmAntiAffinity).toEqual({ vms: ['vm-1'], groups: [] });
    expect(r.spread).toEqual([{ over: 'zone', group: 'web', maxSkew: 1 }]);
    expect(r.runWindow).toEqual({ start: Date.UTC(2030, 0, 1), end: Date.UTC(2030, 0, 1, 2) });
    expect(r.soft).toMatchObject({
      preferredNodes: ['y'], nodeAffinity: [{ selector: { key: 'gen', values: ['10'] }, weight: 2 }], vmAffinity: { vms: ['vm-2'], groups: [] }, vmAntiAffinity: { vms: [], groups: ['batch'] },
      sourceHost: 'h0', image: 'ubuntu', dataLocation: 'zone-a', hardwareFeatures: ['avx512'], hypervisor: 'kvm', loadBalancerPool: 'web-pool', expectedCpuUtilization: 0.3, burstability: 0.5,
    });
    expect(r.excludedNodes).toEqual(['x']);
    expect(r.complianceTags).toEqual(['pci']);
  });

  it('treats security level 0 as no rule (the seed\'s default) and names ignored fields', () => {
    expect(workload({ cpu_cores: 1, security_level: 0 }).securityLevel).toBeUndefined();
    const notes = new Notes();
    workloadToRequest({ cpu_cores: 1, performance: 0.9, node_afinity: ['typo'] } as WorkloadWire, '/x', 'w', notes);
    expect(notes.list().join(' ')).toContain('node_afinity');
  });

  it('refuses a workload without cpu and memory, and sizes sent in two spellings, with the JSON path', () => {
    expect(problem(() => workload({ workload_id: 'w' })).errors[0].path).toBe('/body/workload_request/cpu_cores');
    expect(problem(() => workload({ cpu_cores: 0, memory_gb: 0 })).message).toContain('no cpu and no memory');
    expect(problem(() => workload({ cpu_cores: 1, cpu_shares: 2 })).errors[0].path).toBe('/body/workload_request/cpu_shares');
    expect(problem(() => workload({ cpu_cores: 1, memory_gb: 1, memory_mb: 1024 })).errors[0].path).toBe('/body/workload_request/memory_mb');
    expect(problem(() => workload({ cpu_cores: 1, storage_gb: 1, disk_size_gb: 2 })).status).toBe(400);
  });

  it('refuses a run window that ends before it starts, or unreadable times', () => {
    const p = problem(() => workload({ cpu_cores: 1, run_window: { start: '2030-01-01T02:00:00Z', end: '2030-01-01T01:00:00Z' } }));
    expect(p.errors[0]).toEqual({ path: '/body/workload_request/run_window/end', message: 'must be after start' });
    expect(problem(() => workload({ cpu_cores: 1, run_window: { start: 'tomorrow', end: 1 } })).errors[0].path).toBe('/body/workload_request/run_window/start');
  });
});

describe('node → placement host', () => {
  it('maps a seed node: available amounts are the capacity, nothing allocated; facts by alias', () => {
    const h = host({
      node_id: 'n1', cpu_cores_available: 8, memory_available: 16, storage_available: 200, cpu_utilization: 0.4, memory_utilization: 0.5, storage_utilization: 0.2,
      network_utilization: 0.1, network_latency: 4, datacenter_location: 'dc1', temperature: 45, failure_history: 0, security_level: 3, memory_bandwidth: 25600, cpu_frequency: 3000,
    });
    expect(h.capacity).toEqual({ cpu_cores: 8, memory_mb: 16384, storage_gb: 200, network_mbps: 0, gpu_count: 0 });
    expect(h.allocated).toEqual({ cpu_cores: 0, memory_mb: 0, storage_gb: 0, network_mbps: 0, gpu_count: 0 });
    expect(h.status).toBe('available');
    expect(h.datacenter).toBe('dc1');
    expect(h.securityLevel).toBe(3);
    expect(h.facts).toMatchObject({ cpu_utilization: 0.4, memory_utilization: 0.5, disk_utilization: 0.2, network_utilization: 0.1, network_latency_ms: 4, temperature: 45, failures_per_year: 0, memory_bandwidth_gbps: 25.6, cpu_frequency_mhz: 3000 });
  });

  it('maps NovaCron\'s node: totals and used amounts, percentages as allocation, vm_count, schedulable', () => {
    const h = host({ node_id: 'n2', total_cpu: 32, used_cpu: 8, total_memory_mb: 65536, memory_usage_percent: 50, total_disk_gb: 1000, used_disk_gb: 100, vm_count: 3, status: 'available', labels: { tier: 'gold' } });
    expect(h.capacity).toMatchObject({ cpu_cores: 32, memory_mb: 65536, storage_gb: 1000 });
    expect(h.allocated).toMatchObject({ cpu_cores: 8, memory_mb: 32768, storage_gb: 100 });
    expect(h.vms.size).toBe(3);
    expect(h.labels).toEqual({ tier: 'gold' });
    expect(host({ id: 'n3', total_cpu: 4, schedulable: false }).status).toBe('unschedulable');
  });

  it('with totals and available amounts, the difference is allocated', () => {
    const h = host({ node_id: 'n', total_cpu: 16, cpu_cores_available: 6, total_memory_mb: 32768, memory_available: 8 });
    expect(h.allocated).toMatchObject({ cpu_cores: 10, memory_mb: 32768 - 8192 });
    expect(problem(() => host({ node_id: 'n', total_cpu: 4, cpu_cores_available: 6 })).errors[0].path).toBe('/body/available_nodes/0/cpu_cores_available');
  });

  it('maps our shape: capacity/allocated objects, topology, compliance, maintenance, VMs, groups, workload mix, facts, labels as facts', () => {
    const h = host({
      id: 'n4', capacity: { cpu_cores: 64, memory_mb: 262144, gpu_count: 2 }, allocated: { cpu_cores: 70 }, zone: 'a', availability_zone: 'a', rack_position: 'r7', failure_domain: 'pdu-1',
      compliance_tags: ['pci'], maintenance: [{ start: '2030-01-01T00:00:00Z', end: '2030-01-01T04:00:00Z' }], vms: ['vm-1', 'vm-2'], groups: { web: 2 }, workload_mix: { web_server: 2 },
      facts: { storage_type: 'nvme', change_freeze: false }, labels: { max_vms: '40', ssd: 'true' }, hardware_generation: 'gen10', cost_per_hour: 3.5,
    });
    expect(h.capacity).toMatchObject({ cpu_cores: 64, memory_mb: 262144, gpu_count: 2, storage_gb: 0 });
    expect(h.allocated.cpu_cores).toBe(70); // overcommit is a state, not an error
    expect([h.zone, h.rack, h.failureDomain]).toEqual(['a', 'r7', 'pdu-1']);
    expect([...h.complianceTags]).toEqual(['pci']);
    expect(h.maintenance).toEqual([{ start: Date.UTC(2030, 0, 1), end: Date.UTC(2030, 0, 1, 4) }]);
    expect([...h.vms]).toEqual(['vm-1', 'vm-2']);
    expect(h.groups.get('web')).toBe(2);
    expect(h.workloadMix?.get('web_server')).toBe(2);
    expect(h.facts).toMatchObject({ storage_type: 'nvme', change_freeze: 0, max_vms: '40', hardware_generation: 'gen10', cost_per_hour: 3.5 });
    expect(h.labels.ssd).toBe('true');
  });

  it('is strict about utilisation: fractions 0–1, with a message saying so', () => {
    const p = problem(() => host({ node_id: 'n', cpu_cores_available: 4, cpu_utilization: 85 }));
    expect(p.status).toBe(400);
    expect(p.errors[0].path).toBe('/body/available_nodes/0/cpu_utilization');
    expect(p.message).toContain('fraction 0–1 (send 0.85)');
    expect(problem(() => host({ node_id: 'n', storage_utilization: 1.2 })).errors[0].path).toBe('/body/available_nodes/0/storage_utilization');
    expect(problem(() => host({ node_id: 'n', packet_loss: -0.1 })).status).toBe(400);
    expect(problem(() => host({ node_id: 'n', facts: { memory_utilization: 'high' } })).errors[0].path).toBe('/body/available_nodes/0/facts/memory_utilization');
  });

  it('refuses unknown names in `facts`, ignores (and reports) other unknown fields, requires an id', () => {
    expect(problem(() => host({ node_id: 'n', facts: { bogus: 1 } })).message).toContain('unknown fact "bogus"');
    const notes = new Notes();
    nodeToHost({ node_id: 'n', cpu_architecture: 'x86_64' } as NodeWire, '/p', notes);
    expect(notes.list().join(' ')).toContain('cpu_architecture');
    expect(problem(() => host({ cpu_cores_available: 1 })).errors[0].path).toBe('/body/available_nodes/0/node_id');
    expect(problem(() => host({ node_id: 'a', id: 'b' })).errors[0].path).toBe('/body/available_nodes/0/id');
  });

  it('refuses duplicate node ids and notes resources no node states', () => {
    const p = problem(() => nodesToHosts([{ node_id: 'a' }, { node_id: 'b' }, { id: 'a' }] as NodeWire[], '/body/available_nodes'));
    expect(p.errors[0].path).toBe('/body/available_nodes/2/id');
    const notes = new Notes();
    const { stated } = nodesToHosts([{ node_id: 'a', cpu_cores_available: 4 }] as NodeWire[], '/body/available_nodes', notes);
    unstatedResourceNotes([workload({ cpu_cores: 1, memory_gb: 2 })], stated, notes);
    expect(notes.list().join(' ')).toContain('No node states a memory_mb capacity');
  });

  it('every alias names a catalogue fact', () => {
    for (const { fact } of Object.values(FACT_ALIASES)) expect(FACT_NAMES.has(fact), fact).toBe(true);
    for (const f of ['cpu_utilization', 'failure_probability', 'network_latency_ms', 'temperature', 'cost_per_hour', 'hardware_generation']) expect(FACT_NAMES.has(f), f).toBe(true);
    for (const notFact of ['capacity', 'labels', 'zone', 'security_level']) expect(FACT_NAMES.has(notFact)).toBe(false);
  });
});

describe('objective', () => {
  it('takes the body, else the query, else NovaCron\'s policy, else balanced', () => {
    expect(resolveObjective({})).toEqual({ objective: 'balanced' });
    expect(resolveObjective({ query: 'cost' })).toEqual({ objective: 'cost' });
    expect(resolveObjective({ body: 'performance', policy: 'consolidated' })).toEqual({ objective: 'performance' });
    expect(resolveObjective({ policy: 'consolidated' }).objective).toBe('efficiency');
    expect(resolveObjective({ policy: 'network-aware' }).objective).toBe('performance');
    expect(resolveObjective({ policy: '' }).objective).toBe('balanced');
  });

  it('custom needs valid weights; weights imply custom; conflicts are 400', () => {
    expect(resolveObjective({ custom: { categories: { resource: 1 } } }).objective).toBe('custom');
    expect(problem(() => resolveObjective({ body: 'custom' })).errors[0].path).toBe('/body/custom_weights');
    expect(problem(() => resolveObjective({ body: 'custom', custom: { factors: { no_such_factor: 1 } } })).message).toContain('unknown factors: no_such_factor');
    expect(problem(() => resolveObjective({ body: 'custom', custom: { factors: { temperature: 0 } } })).message).toContain('above 0');
    expect(problem(() => resolveObjective({ body: 'cost', custom: { factors: { temperature: 1 } } })).errors[0].path).toBe('/body/custom_weights');
    expect(problem(() => resolveObjective({ body: 'cost', query: 'performance' })).errors[0].path).toBe('/querystring/objective');
    expect(problem(() => resolveObjective({ query: 'fastest' })).message).toContain('unknown objective');
    expect(problem(() => resolveObjective({ policy: 'custom' })).errors[0].path).toBe('/body/placement/policy');
  });
});

describe('factor listing', () => {
  it('lists every factor in the seed shape with the objective\'s weights (summing to 1)', () => {
    const f = factorsWire('balanced');
    expect(f.total_factors).toBe(FACTORS.length);
    expect(f.total_factors).toBeGreaterThanOrEqual(100);
    expect(Object.keys(f.placement_factors)).toHaveLength(FACTORS.length);
    expect(Object.values(f.categories).reduce((a, b) => a + b, 0)).toBe(FACTORS.length);
    const sum = Object.values(f.placement_factors).reduce((a, b) => a + b.weight, 0);
    expect(sum).toBeCloseTo(1, 3);
    expect(new Set(Object.values(f.placement_factors).map((x) => x.type))).toEqual(new Set(['continuous', 'categorical', 'ordinal', 'temporal'].filter((t) => f.factors.some((x) => x.type === t))));
    const perf = factorsWire('performance');
    const i = FACTORS.findIndex((x) => x.name === 'temperature');
    expect(perf.factors[i].weight).toBeCloseTo(objectiveWeights('performance')[i], 5);
    expect(perf.placement_factors.temperature.weight).toBeGreaterThan(f.placement_factors.temperature.weight);
  });
});
