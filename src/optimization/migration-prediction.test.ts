import { describe, expect, it } from 'vitest';
import { clusterFromSpecs } from './cluster-inventory.js';
import type { HostSpec, VmSpec } from './cluster-state.js';
import { DEFAULT_COST_MODEL, hostPowerOffMonthlySaving, migrationCost } from './cost-model.js';
import { DEFAULT_DIRTY_RATE_MIBPS, estimateMigration } from './migration-estimate.js';
import { MigrationInputError, predictMigration } from './migration-prediction.js';

const h = (id: string, cores = 32, memoryGiB = 128): HostSpec => ({ id, cores, memoryGiB, powerOffEligible: true });
const v = (id: string, host: string, cores: number, memoryGiB: number, usage: { cores: number; memoryGiB: number }, extra: Partial<VmSpec> = {}): VmSpec => ({ id, host, cores, memoryGiB, usage, ...extra });

/** h1 runs `web` (8 cores / 32 GiB, using 4 cores and 16 GiB); h2 is half busy, h3 nearly empty, h4 nearly full. */
function fleet(extra: { webGroups?: string[]; h3Groups?: string[]; h1Extra?: boolean } = {}) {
  const hosts = [h('h1'), h('h2'), h('h3'), h('h4')];
  const vms = [
    v('web', 'h1', 8, 32, { cores: 4, memoryGiB: 16 }, extra.webGroups ? { antiAffinity: extra.webGroups } : {}),
    v('busy', 'h2', 20, 40, { cores: 16, memoryGiB: 40 }),
    v('small', 'h3', 2, 8, { cores: 1, memoryGiB: 4 }, extra.h3Groups ? { antiAffinity: extra.h3Groups } : {}),
    v('big', 'h4', 26, 64, { cores: 26, memoryGiB: 64 }),
  ];
  if (extra.h1Extra) vms.push(v('other', 'h1', 1, 1, { cores: 1, memoryGiB: 1 }));
  return clusterFromSpecs(hosts, vms);
}

describe('predictMigration', () => {
  it('recommends the feasible known host with the most room, ranks unknown hosts after it and full ones last', () => {
    const r = predictMigration({ vm_id: 'web', source_host: 'h1', target_hosts: ['h2', 'h4', 'h9', 'h3'], cluster: fleet() });
    expect(r.recommended_host).toBe('h3');
    expect(r.target_host).toBe('h3');
    const by = Object.fromEntries(r.candidates.map((c) => [c.host, c]));
    expect(r.candidates.map((c) => c.host)).toEqual(['h3', 'h2', 'h9', 'h4']);
    // h3 after the move: 5 of 32 cores, 20 of 128 GiB.
    expect(by.h3).toMatchObject({ feasible: true, known: true });
    expect(by.h3.cpu_utilization_after).toBeCloseTo(5 / 32, 4);
    expect(by.h3.memory_utilization_after).toBeCloseTo(20 / 128, 4);
    expect(by.h2.score).toBeLessThan(by.h3.score);
    expect(by.h9).toMatchObject({ feasible: true, known: false });
    expect(by.h9.score).toBeLessThan(0.5);
    expect(by.h9.score).toBeLessThan(by.h2.score);
    expect(by.h9.reasons.join(' ')).toContain('not in the engine\'s inventory');
    // h4: 26 + 4 = 30 cores > 85 % of 32.
    expect(by.h4).toMatchObject({ feasible: false, score: 0 });
    expect(by.h4.reasons.join(' ')).toMatch(/would reach 94% of its cores/);
    expect(r.migration_score).toBe(by.h3.score);
    expect(r.reasons[0]).toContain('h3');
  });

  it('matches the pre-copy estimate for the VM\'s memory and the stated assumptions', () => {
    const r = predictMigration({ vm_id: 'web', source_host: 'h1', target_hosts: ['h3'], cluster: fleet(), now: Date.UTC(2025, 0, 1) });
    const e = estimateMigration({ memoryGiB: 32, dirtyRateMiBps: DEFAULT_DIRTY_RATE_MIBPS });
    expect(r.prediction_time).toBeCloseTo(e.durationS / 60, 4);
    expect(r.estimated_downtime).toBeCloseTo(e.downtimeS, 4);
    expect(r).toMatchObject({ strategy: e.strategy, rounds: e.rounds, converges: true, timestamp: '2025-01-01T00:00:00.000Z' });
    expect(r.assumptions.join(' ')).toContain('dirty rate unknown');
    expect(r.assumptions.join(' ')).toContain('link unknown');
    // Unknown link: no network impact is invented.
    expect(r.network_impact).toMatchObject({ bandwidth_utilization: 0, latency_increase_ms: 0, packet_loss_rate: 0 });
    expect(r.network_impact.basis).toMatch(/^unknown/);
    // Memory from the inventory and a known target; dirty rate and link assumed.
    expect(r.confidence).toBeCloseTo(0.65, 6);
  });

  it('computes the network impact and timing from a stated topology', () => {
    const r = predictMigration({
      vm_id: 'web',
      source_host: 'h1',
      target_hosts: ['h3'],
      vm_metrics: { memory_gb: 16, dirty_rate_mbps: 100 },
      network_topology: { bandwidth_mbps: 10_000, utilization: 0.2, packet_loss: 0.001, max_migration_bandwidth_mbps: 4_000 },
      cluster: fleet(),
    });
    const bw = (4_000e6 / 8) / 2 ** 20;
    const e = estimateMigration({ memoryGiB: 16, dirtyRateMiBps: (100e6) / 2 ** 20 }, { bandwidthMiBps: bw });
    expect(r.prediction_time).toBeCloseTo(e.durationS / 60, 4);
    expect(r.estimated_downtime).toBeCloseTo(e.downtimeS, 4);
    expect(r.network_impact.bandwidth_utilization).toBeCloseTo(0.6, 6);
    // M/M/1: 1,500-byte packets on 10 Gbit/s take 1.2 µs; (1/0.4 − 1/0.8) × 1.2 µs.
    expect(r.network_impact.latency_increase_ms).toBeCloseTo(0.0012 * 1.25, 6);
    expect(r.network_impact.packet_loss_rate).toBe(0.001);
    expect(r.confidence).toBeCloseTo(0.95, 6);
    expect(r.assumptions).toEqual([]);
  });

  it('respects anti-affinity: the roomiest host is refused when it runs a VM of the same group', () => {
    const r = predictMigration({ vm_id: 'web', source_host: 'h1', target_hosts: ['h2', 'h3'], cluster: fleet({ webGroups: ['db'], h3Groups: ['db'] }) });
    expect(r.recommended_host).toBe('h2');
    const h3 = r.candidates.find((c) => c.host === 'h3')!;
    expect(h3.feasible).toBe(false);
    expect(h3.reasons.join(' ')).toContain('anti-affinity group db');
  });

  it('prices the move with moveCostAnalysis: the source is powered off when the VM was its only one', () => {
    const alone = predictMigration({ vm_id: 'web', source_host: 'h1', target_hosts: ['h3'], cluster: fleet() });
    const cost = migrationCost(DEFAULT_COST_MODEL, alone.estimated_downtime);
    expect(alone.cost_analysis.migration_cost).toBeCloseTo(cost, 2);
    expect(alone.cost_analysis.operational_savings).toBeCloseTo(12 * hostPowerOffMonthlySaving(DEFAULT_COST_MODEL), 2);
    expect(alone.cost_analysis.net_benefit).toBeCloseTo(alone.cost_analysis.operational_savings - alone.cost_analysis.migration_cost, 2);
    const shared = predictMigration({ vm_id: 'web', source_host: 'h1', target_hosts: ['h3'], cluster: fleet({ h1Extra: true }), cost_constraints: { performance_benefit_monthly: 10 } });
    expect(shared.cost_analysis.operational_savings).toBe(0);
    expect(shared.cost_analysis.performance_benefit_value).toBe(120);
  });

  it('sizes a VM the engine does not know from vm_metrics, and refuses when the memory is unknown', () => {
    const r = predictMigration({ vm_id: 'new', source_host: 'x', target_hosts: ['h3', 'h4'], vm_metrics: { memory_gb: 8, cpu_cores: 4, cpu_usage: 50 }, cluster: fleet() });
    // 2 cores (4 at 50 %) and 8 GiB: h4 at 28 of 32 cores is over 85 %.
    expect(r.recommended_host).toBe('h3');
    expect(r.candidates.find((c) => c.host === 'h4')!.feasible).toBe(false);
    expect(() => predictMigration({ vm_id: 'new', source_host: 'x', target_hosts: ['h3'], cluster: fleet() })).toThrowError(MigrationInputError);
    try {
      predictMigration({ vm_id: 'new', source_host: 'x', target_hosts: ['h3'], vm_metrics: { cpu_usage: 0.5 } });
    } catch (e) {
      expect((e as MigrationInputError).insufficient).toBe(true);
      expect((e as MigrationInputError).path).toBe('/vm_metrics');
    }
    expect(() => predictMigration({ vm_id: 'new', source_host: 'x', target_hosts: ['h3'], vm_metrics: { memory_gb: 'lots' } })).toThrowError(/\/vm_metrics\/memory_gb must be a finite number/);
  });

  it('answers no host, with confidence 0, when no target can take the VM', () => {
    const r = predictMigration({ vm_id: 'web', source_host: 'h1', target_hosts: ['h4', 'h1'], cluster: fleet() });
    expect(r).toMatchObject({ recommended_host: '', target_host: '', migration_score: 0, score: 0, confidence: 0 });
    expect(r.reasons[0]).toMatch(/^no target host can take the VM/);
  });

  it('without an inventory ranks the stated targets by link and says their capacity is unchecked', () => {
    const r = predictMigration({
      vm_id: 'vm-1',
      source_host: 'a',
      target_hosts: ['b', 'c'],
      vm_metrics: { memory_mb: 4096, dirty_rate_mbps: 50 },
      network_topology: { bandwidth_gbps: 10, links: [{ target: 'c', bandwidth_mbps: 1000 }] },
    });
    // b gets the 10 Gbit/s default link, c a 1 Gbit/s one: b's pause and duration are shorter.
    expect(r.recommended_host).toBe('b');
    expect(r.candidates[1].host).toBe('c');
    expect(r.candidates[1].prediction_time).toBeGreaterThan(r.candidates[0].prediction_time);
    expect(r.confidence).toBeCloseTo(0.8, 6);
    expect(r.reasons[0]).toContain('does not know its capacity');
  });
});
