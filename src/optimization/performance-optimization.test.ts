import { describe, expect, it } from 'vitest';
import { clusterFromSpecs } from './cluster-inventory.js';
import { ClusterState, type HostSpec, type VmSpec } from './cluster-state.js';
import { DEFAULT_COST_MODEL, hostPowerOffMonthlySaving } from './cost-model.js';
import { verifyPlan } from './migration-plan.js';
import { ClusterInputError } from './performance-optimization-input.js';
import { AGGREGATE_CONFIDENCE_CAP, optimizeCluster, type ClusterRecommendation, type OptimizeClusterResult } from './performance-optimization.js';

const NOVACRON_GOALS = ['optimize_throughput', 'minimize_latency', 'balance_load', 'reduce_energy_consumption'];
const NOVACRON_CONSTRAINTS = { max_cpu_threshold: 0.85, max_memory_threshold: 0.8, min_availability: 0.99 };
const POLICY = { basis: 'usage' as const, cpuTarget: 0.85, memoryTarget: 0.8, maxAllocationRatio: { cpu: 4, memory: 1 } };

const host = (id: string, cpu_cores = 32, memory_gb = 128) => ({ id, cpu_cores, memory_gb });
const vm = (id: string, on: string, cpu_cores: number, memory_gb: number, cpu?: number, mem?: number) => ({
  id,
  host: on,
  cpu_cores,
  memory_gb,
  ...(cpu === undefined ? {} : { cpu_utilization: cpu }),
  ...(mem === undefined ? {} : { memory_utilization: mem }),
});

/** Specs as the request parser builds them, for independent replays. */
function specs(hosts: ReturnType<typeof host>[], vms: ReturnType<typeof vm>[]): { hosts: HostSpec[]; vms: VmSpec[] } {
  return {
    hosts: hosts.map((h) => ({ id: h.id, cores: h.cpu_cores, memoryGiB: h.memory_gb, maintenance: false, powerOffEligible: true })),
    vms: vms.map((v) => ({
      id: v.id,
      host: v.host,
      cores: v.cpu_cores,
      memoryGiB: v.memory_gb,
      usage: { cores: v.cpu_cores * (v.cpu_utilization ?? 1), memoryGiB: v.memory_gb * (v.memory_utilization ?? 1) },
    })),
  };
}

function expectGoSafe(r: OptimizeClusterResult): void {
  for (const rec of r.recommendations) {
    expect(Number.isInteger(rec.priority), JSON.stringify(rec)).toBe(true);
    expect(rec.priority).toBeGreaterThanOrEqual(1);
    expect(rec.priority).toBeLessThanOrEqual(5);
    expect(['low', 'medium', 'high', 'critical']).toContain(rec.impact);
    expect(rec.confidence).toBeGreaterThan(0);
    expect(rec.confidence).toBeLessThanOrEqual(1);
    expect(typeof rec.type).toBe('string');
    expect(typeof rec.target).toBe('string');
    expect(typeof rec.action).toBe('string');
    expect(rec.parameters).toBeTypeOf('object');
    expect(Array.isArray(rec.reasons)).toBe(true);
  }
  for (const v of Object.values(r.expected_gains)) expect(Number.isFinite(v)).toBe(true);
  for (const v of Object.values(r.risk_assessment.risk_breakdown)) expect(Number.isFinite(v)).toBe(true);
  expect(r.risk_assessment.overall_risk).toBeGreaterThanOrEqual(0);
  expect(r.risk_assessment.overall_risk).toBeLessThanOrEqual(1);
  expect(Array.isArray(r.risk_assessment.risk_factors)).toBe(true);
  expect(Array.isArray(r.risk_assessment.mitigations)).toBe(true);
  expect(r.timestamp).toMatch(/Z$/);
  // Survives a JSON round trip unchanged (no undefined, NaN or Infinity anywhere).
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

const byType = (r: OptimizeClusterResult, type: ClusterRecommendation['type']) => r.recommendations.filter((x) => x.type === type);

describe('optimizeCluster with a fleet', () => {
  // h1 runs four VMs of 8 cores at 95 %: 30.4 of 32 cores (95 %), above the 85 % threshold.
  const hotHosts = [host('h1'), host('h2'), host('h3')];
  const hotVms = [
    vm('a1', 'h1', 8, 16, 0.95, 0.5),
    vm('a2', 'h1', 8, 16, 0.95, 0.5),
    vm('a3', 'h1', 8, 16, 0.95, 0.5),
    vm('a4', 'h1', 8, 16, 0.95, 0.5),
    vm('b1', 'h2', 4, 16, 0.5, 0.5),
    vm('c1', 'h3', 4, 16, 0.5, 0.5),
  ];

  it('moves a VM off a hot host and brings it under the threshold', () => {
    const r = optimizeCluster({ cluster_id: 'c', cluster_data: { hosts: hotHosts, vms: hotVms }, goals: ['balance_load'], constraints: NOVACRON_CONSTRAINTS });
    expectGoSafe(r);
    expect(r.basis).toBe('fleet');
    expect(r.source).toBe('request');
    const lb = byType(r, 'load_balancing');
    expect(lb).toHaveLength(1);
    expect(lb[0].target).toBe('h1');
    expect(lb[0].parameters.cpu_before).toBeCloseTo(0.95, 10);
    // One VM of 7.6 cores covers the 3.2-core excess: 22.8 / 32.
    expect(lb[0].parameters.cpu_after).toBeCloseTo(22.8 / 32, 4);
    expect(lb[0].impact).toBe('high'); // 10 points over the threshold
    expect(lb[0].priority).toBe(1); // high → 2, balance_load emphasis → 1
    const migrations = byType(r, 'migration');
    expect(migrations).toHaveLength(1);
    const m = migrations[0];
    expect(m.parameters).toMatchObject({ from: 'h1', temporary: false, strategy: 'pre-copy', converges: true });
    expect(['h2', 'h3']).toContain(m.parameters.to);
    expect(m.action).toBe(`migrate ${m.target} from h1 to ${m.parameters.to}`);
    expect(m.parameters.duration_s).toBeGreaterThan(0);
    expect(m.parameters.downtime_s).toBeGreaterThan(0);
    // Independent replay: the move is valid and h1 ends under 85 %.
    const { hosts, vms } = specs(hotHosts, hotVms);
    const s = ClusterState.from(hosts, vms, POLICY);
    expect(verifyPlan(s, [{ vm: m.target, from: 'h1', to: m.parameters.to as string }])).toBeNull();
    s.move(s.vmIndex.get(m.target)!, s.hostIndex.get(m.parameters.to as string)!);
    expect(s.loadCores[0] / s.capCores[0]).toBeLessThanOrEqual(0.85);
    // Measured usage everywhere: confidence 0.95 less the move's 0.1 % failure risk.
    expect(m.confidence).toBeCloseTo(0.95 * 0.999, 3);
    expect(r.expected_gains).toMatchObject({ overloaded_hosts_before: 1, overloaded_hosts_after: 0, migrations: 1, hosts_freed: 0, peak_cpu_utilization_before: 0.95 });
    expect(r.expected_gains.peak_cpu_utilization_after).toBeCloseTo(22.8 / 32, 4);
    expect(r.plan.verified).toBe(true);
    expect(byType(r, 'energy_optimization')).toEqual([]); // no energy goal
    expect(r.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it('judges allocation-only hotspots with confidence below NovaCron\'s 0.7 bar', () => {
    const vms = hotVms.map(({ id, host: h, cpu_cores, memory_gb }) => vm(id, h, cpu_cores, memory_gb));
    const r = optimizeCluster({ cluster_id: 'c', cluster_data: { hosts: hotHosts, vms }, goals: ['balance_load'], constraints: NOVACRON_CONSTRAINTS });
    expectGoSafe(r);
    expect(r.data_coverage).toMatchObject({ vms: 6, vms_measured: 0, vms_allocation_only: 6, measured_core_share: 0 });
    const lb = byType(r, 'load_balancing')[0];
    expect(lb.target).toBe('h1');
    expect(lb.parameters.cpu_before).toBe(1); // 32 allocated cores of 32
    expect(lb.impact).toBe('critical');
    for (const rec of r.recommendations) expect(rec.confidence).toBeLessThan(0.7);
    expect(r.confidence).toBeCloseTo(0.65, 4);
    expect(r.risk_assessment.risk_factors.join(' ')).toContain('sized by allocation');
  });

  it('empties an under-used fleet with a plan valid at every step', () => {
    // Six hosts, two VMs each of 4 cores / 16 GiB using 1 core and 8 GiB.
    const hosts = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((id) => host(id));
    const vms = hosts.flatMap((h, i) => [vm(`v${i}a`, h.id, 4, 16, 0.25, 0.5), vm(`v${i}b`, h.id, 4, 16, 0.25, 0.5)]);
    const r = optimizeCluster({ cluster_id: 'c', cluster_data: { hosts, vms }, goals: ['reduce_energy_consumption'], constraints: NOVACRON_CONSTRAINTS });
    expectGoSafe(r);
    const energy = byType(r, 'energy_optimization');
    const freed = r.expected_gains.hosts_freed;
    // No memory overcommit: 128 GiB of allocation per host holds 8 of these VMs, so 12 need 2 hosts.
    expect(freed).toBe(4);
    expect(r.expected_gains.hosts_active_after).toBe(2);
    expect(energy).toHaveLength(4);
    const saving = hostPowerOffMonthlySaving(DEFAULT_COST_MODEL);
    expect(r.expected_gains.energy_saving_monthly).toBeCloseTo(4 * saving, 1);
    for (const e of energy) {
      expect(e.action).toMatch(new RegExp(`^power off ${e.target} after moving its 2 VM\\(s\\)`));
      expect(e.parameters.monthly_saving).toBeCloseTo(saving, 1);
      expect(e.parameters.payback_days).toBeGreaterThan(0);
      expect(e.priority).toBe(3);
      expect(e.impact).toBe('high'); // 4 of 6 running hosts freed
    }
    expect(r.plan.verified).toBe(true);
    expect(r.plan.migrations).toBe(8);
    // Independent replay of every move from the energy recommendations, in step order.
    const steps = energy.flatMap((e) => e.parameters.moves as { vm: string; from: string; to: string; step: number; wave: number }[]).sort((a, b) => a.step - b.step);
    expect(steps).toHaveLength(8);
    const sp = specs(hosts, vms);
    const s0 = ClusterState.from(sp.hosts, sp.vms, POLICY);
    expect(verifyPlan(s0, steps)).toBeNull();
    const s = s0.clone();
    for (const st of steps) s.move(s.vmIndex.get(st.vm)!, s.hostIndex.get(st.to)!);
    expect(s.activeHosts()).toBe(2);
    expect(s.violations()).toEqual([]);
    for (const e of energy) expect(s.vmsOn(s.hostIndex.get(e.target)!)).toHaveLength(0);
    expect(r.risk_assessment.overall_risk).toBeGreaterThan(0);
    expect(r.risk_assessment.risk_breakdown.migration_failure).toBeCloseTo(1 - 0.999 ** 8, 3);
  });

  it('composes relief and consolidation into one verified plan without refilling the relieved host', () => {
    const hosts = [host('h1'), host('h2'), host('h3'), host('h4')];
    const vms = [...hotVms, vm('d1', 'h4', 4, 16, 0.2, 0.5)];
    const r = optimizeCluster({ cluster_id: 'c', cluster_data: { hosts, vms }, goals: NOVACRON_GOALS, constraints: NOVACRON_CONSTRAINTS });
    expectGoSafe(r);
    const energy = byType(r, 'energy_optimization');
    expect(energy.length).toBeGreaterThanOrEqual(1);
    const moves = [
      ...byType(r, 'migration').map((m) => m.parameters as { vm: string; from: string; to: string; step: number; wave: number }),
      ...energy.flatMap((e) => e.parameters.moves as { vm: string; from: string; to: string; step: number; wave: number }[]),
    ].sort((a, b) => a.step - b.step);
    expect(moves.length).toBe(r.plan.migrations);
    for (const m of moves) if (m.from !== 'h1') expect(m.to).not.toBe('h1');
    const sp = specs(hosts, vms);
    const s = ClusterState.from(sp.hosts, sp.vms, POLICY);
    expect(verifyPlan(s, moves)).toBeNull();
    for (const m of moves) s.move(s.vmIndex.get(m.vm)!, s.hostIndex.get(m.to)!);
    expect(s.violations()).toEqual([]);
    expect(r.expected_gains.overloaded_hosts_after).toBe(0);
    expect(r.expected_gains.hosts_active_after).toBe(s.activeHosts());
    // Priorities: the hotspot before the power-offs.
    expect(r.recommendations[0].type).toBe('load_balancing');
    expect(energy.every((e) => e.priority > r.recommendations[0].priority)).toBe(true);
  });

  it('says when a hot host cannot be relieved, and what VMs fit no host', () => {
    // Both hosts hot: a receiver must stay under the threshold, so neither can take anything.
    const hosts = [host('h1'), host('h2')];
    const vms = [vm('a', 'h1', 8, 16, 0.95, 0.5), vm('b', 'h1', 8, 16, 0.95, 0.5), vm('c', 'h1', 8, 16, 0.95, 0.5), vm('d', 'h1', 8, 16, 0.95, 0.5), vm('e', 'h2', 30, 16, 0.95, 0.5)];
    const r = optimizeCluster({ cluster_id: 'c', cluster_data: { hosts, vms }, goals: NOVACRON_GOALS, constraints: NOVACRON_CONSTRAINTS });
    expectGoSafe(r);
    const scaling = byType(r, 'scaling');
    const addH1 = scaling.find((x) => x.target === 'h1')!;
    expect(addH1.priority).toBe(1);
    expect(addH1.action).toMatch(/^add capacity for h1/);
    expect(addH1.parameters.cores_over_threshold).toBeCloseTo(30.4 - 0.85 * 32, 4);
    // e needs 28.5 cores: more than any host's 85 % (27.2): split.
    const split = scaling.find((x) => x.target === 'e')!;
    expect(split.parameters).toMatchObject({ action: 'split', instances: 2 });
    expect(r.expected_gains.overloaded_hosts_after).toBe(2);
    expect(r.risk_assessment.risk_breakdown.hosts_still_hot).toBe(2);
  });

  it('schedules queued jobs on free capacity and powers nothing off while jobs wait', () => {
    const hosts = ['h1', 'h2', 'h3'].map((id) => host(id));
    const vms = hosts.map((h, i) => vm(`v${i}`, h.id, 4, 16, 0.25, 0.5));
    const r = optimizeCluster({ cluster_id: 'c', cluster_data: { hosts, vms, performance_metrics: { queued_jobs: 6, active_jobs: 3 } }, goals: NOVACRON_GOALS, constraints: NOVACRON_CONSTRAINTS });
    expectGoSafe(r);
    expect(byType(r, 'energy_optimization')).toEqual([]);
    const ra = byType(r, 'resource_allocation');
    expect(ra).toHaveLength(1);
    // Free below 85 %: 3 × (27.2 − 1) cores.
    expect(ra[0].parameters.free_cores).toBeCloseTo(3 * 26.2, 2);
    expect(ra[0].parameters.queued_jobs).toBe(6);
    expect(ra[0].impact).toBe('high'); // 6 of 9 jobs wait
    expect(r.notes.join(' ')).toContain('no host is powered off');
  });

  it('uses the inventory fleet when cluster_data carries only aggregates', () => {
    const sp = specs(hotHosts, hotVms);
    const cluster = clusterFromSpecs(sp.hosts, sp.vms);
    const r = optimizeCluster({ cluster_id: 'distributed_supercompute', cluster_data: { performance_metrics: { cpu_utilization: 0.4 } }, goals: ['balance_load'], cluster });
    expect(r.source).toBe('inventory');
    expect(byType(r, 'load_balancing')[0].target).toBe('h1');
    expect(r.notes.join(' ')).toContain('inventory');
  });
});

describe('optimizeCluster without a fleet', () => {
  it('derives recommendations from the aggregates, with capped confidence', () => {
    const r = optimizeCluster({
      cluster_id: 'distributed_supercompute',
      cluster_data: { performance_metrics: { cpu_utilization: 0.93, memory_utilization: 0.6, network_utilization: 0.2, average_latency: 12, throughput: 900, active_jobs: 10, queued_jobs: 0, energy_consumption: 5000 }, cluster_utilization: { cpu: 0.93, memory: 0.6, network: 0.2 } },
      goals: NOVACRON_GOALS,
      constraints: NOVACRON_CONSTRAINTS,
    });
    expectGoSafe(r);
    expect(r.basis).toBe('aggregates');
    expect(r.recommendations).toHaveLength(1);
    const s = r.recommendations[0];
    expect(s).toMatchObject({ type: 'scaling', target: 'distributed_supercompute', impact: 'high', priority: 2 });
    expect(s.parameters.additional_capacity_fraction).toBeCloseTo(0.93 / 0.85 - 1, 4);
    expect(r.confidence).toBeLessThanOrEqual(AGGREGATE_CONFIDENCE_CAP);
    for (const rec of r.recommendations) expect(rec.confidence).toBeLessThanOrEqual(AGGREGATE_CONFIDENCE_CAP);
    expect(r.expected_gains.cpu_utilization_before).toBe(0.93);
    expect(r.notes.join(' ')).toContain('per-host data');
  });

  it('reads percent, flags queued jobs on an idle cluster, and estimates what consolidation could free', () => {
    const data = { performance_metrics: { cpu_utilization: 30, memory_utilization: 20, queued_jobs: 12, active_jobs: 4 } };
    const busy = optimizeCluster({ cluster_id: 'x', cluster_data: data, goals: NOVACRON_GOALS });
    expectGoSafe(busy);
    expect(busy.recommendations.map((x) => x.type)).toEqual(['resource_allocation']);
    expect(busy.recommendations[0].parameters).toMatchObject({ queued_jobs: 12, cpu_utilization: 0.3 });
    expect(busy.recommendations[0].impact).toBe('high');
    const energy = optimizeCluster({ cluster_id: 'x', cluster_data: data, goals: ['reduce_energy_consumption'] });
    expect(energy.recommendations.map((x) => x.type)).toEqual(['energy_optimization']);
    expect(energy.recommendations[0].parameters.hosts_freeable_fraction).toBeCloseTo(1 - 0.3 / 0.85, 4);
  });

  it('answers insufficient data with no recommendation and confidence 0', () => {
    const r = optimizeCluster({ cluster_id: 'x', cluster_data: { active_jobs: [] }, goals: NOVACRON_GOALS });
    expectGoSafe(r);
    expect(r).toMatchObject({ recommendations: [], expected_gains: {}, confidence: 0, insufficient_data: true, basis: 'none' });
    expect(r.notes.join(' ')).toContain('insufficient data');
  });

  it('refuses malformed input with the field\'s path', () => {
    const bad = (input: Parameters<typeof optimizeCluster>[0]) => {
      try {
        optimizeCluster(input);
      } catch (e) {
        expect(e).toBeInstanceOf(ClusterInputError);
        return (e as ClusterInputError).path;
      }
      throw new Error('accepted');
    };
    expect(bad({ cluster_id: 'x', cluster_data: { hosts: [host('h1')], vms: [vm('v', 'nowhere', 1, 1)] } })).toBe('/cluster_data/vms/0/host');
    expect(bad({ cluster_id: 'x', cluster_data: {}, constraints: { max_cpu_threshold: 150 } })).toBe('/constraints/max_cpu_threshold');
    expect(bad({ cluster_id: 'x', cluster_data: { performance_metrics: { cpu_utilization: 'high' } } })).toBe('/cluster_data/performance_metrics/cpu_utilization');
    expect(bad({ cluster_id: 'x', cluster_data: { hosts: [{ id: 'h', cpu_cores: 4 }] } })).toBe('/cluster_data/hosts/0');
    expect(bad({ cluster_id: 'x', goals: 'balance_load' })).toBe('/goals');
  });

  it('notes goals it does not know', () => {
    const r = optimizeCluster({ cluster_id: 'x', cluster_data: { performance_metrics: { cpu_utilization: 0.5, memory_utilization: 0.5 } }, goals: ['balance_load', 'make_it_fast'] });
    expect(r.goals).toMatchObject({ applied: ['balance_load'], ignored: ['make_it_fast'] });
    expect(r.notes.join(' ')).toContain('make_it_fast');
  });
});
