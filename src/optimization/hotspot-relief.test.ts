import { describe, expect, it } from 'vitest';
import { ALLOCATION_PACKING, ClusterState, USAGE_PACKING, type HostSpec, type VmSpec } from './cluster-state.js';
import { relieveHotspots } from './hotspot-relief.js';
import { planMigrations, verifyPlan } from './migration-plan.js';

const host = (id: string, cores = 10, memoryGiB = 100): HostSpec => ({ id, cores, memoryGiB });
const vm = (id: string, on: string, cores: number, dirtyRateMiBps = 100, extra: Partial<VmSpec> = {}): VmSpec => ({ id, host: on, cores, memoryGiB: 4, migration: { memoryGiB: 4, dirtyRateMiBps }, ...extra });

describe('relieveHotspots', () => {
  it('moves the single cheapest VM that brings a host under the threshold', () => {
    // A at 9 of 10 cores, threshold 80 %: 1 core of excess; every VM covers it. v1 dirties no
    // memory, so its pause (and migration cost) is the smallest.
    const state = ClusterState.from([host('A'), host('B')], [vm('v1', 'A', 4, 0), vm('v2', 'A', 3, 300), vm('v3', 'A', 2, 300), vm('b', 'B', 1)], ALLOCATION_PACKING);
    const r = relieveHotspots(state, { cpuThreshold: 0.8 });
    expect(r.hotspots).toEqual([{ host: 'A', cpu: 0.9, memory: 0.12 }]);
    expect(r.moves.map((m) => `${m.vm}:${m.from}>${m.to}`)).toEqual(['v1:A>B']);
    expect(r.moves[0].reason).toMatch(/cheapest single move/);
    expect(r.relieved).toEqual(['A']);
    expect(r.final.loadCores[0]).toBe(5);
  });

  it('moves several VMs when no single one covers the excess, powering a host on only when no running host has room', () => {
    const state = ClusterState.from([host('A'), host('B'), host('C')], [vm('x', 'A', 3), vm('y', 'A', 3), vm('z', 'A', 3), vm('b', 'B', 1)], ALLOCATION_PACKING);
    const r = relieveHotspots(state, { cpuThreshold: 0.5 });
    // Excess 4 cores, VMs of 3: two must go. B (1 core) takes one up to 4 ≤ 5; the next would make it 7.
    expect(r.moves.length).toBe(2);
    expect(r.moves.map((m) => m.to)).toEqual(['B', 'C']);
    expect(r.poweredOn).toEqual(['C']);
    expect(r.relieved).toEqual(['A']);
    for (let h = 0; h < 3; h++) expect(r.final.loadCores[h]).toBeLessThanOrEqual(5);
  });

  it('respects anti-affinity: the cheapest VM is skipped when its only room holds a VM of its group', () => {
    const g = { antiAffinity: ['db'] };
    const state = ClusterState.from(
      [host('A'), host('B'), host('C')],
      [vm('x', 'A', 4, 0, g), vm('y', 'A', 3, 300), vm('z', 'A', 2, 300), vm('w', 'B', 1, 100, g), vm('c', 'C', 7)],
      ALLOCATION_PACKING,
    );
    const r = relieveHotspots(state, { cpuThreshold: 0.8 });
    expect(r.moves.map((m) => m.vm)).not.toContain('x');
    expect(r.relieved).toEqual(['A']);
    expect(r.final.violations()).toEqual([]);
  });

  it('reports a hotspot it cannot relieve, with the reason', () => {
    const state = ClusterState.from([host('A'), host('B')], [vm('x', 'A', 9), vm('p', 'A', 1, 100, { pinned: true }), vm('b', 'B', 9)], ALLOCATION_PACKING);
    const r = relieveHotspots(state, { cpuThreshold: 0.8 });
    expect(r.moves).toEqual([]);
    // B is hot too, and neither has anywhere to send a VM.
    expect(r.unresolved).toEqual([
      { host: 'A', reason: 'still at 100% CPU, 8% memory: no host with room takes its remaining VMs (1 pinned)' },
      { host: 'B', reason: 'still at 90% CPU, 4% memory: no host with room takes its remaining VMs' },
    ]);
  });

  it('brings every host below the threshold whenever the fleet has room (random fleets), and its plan verifies', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let ran = 0;
    let moved = 0;
    for (let trial = 0; trial < 40; trial++) {
      const H = 4 + Math.floor(rand() * 8);
      const hosts = Array.from({ length: H }, (_, i) => host(`h${i}`, 32, 128));
      const vms: VmSpec[] = [];
      // Half the hosts hot (about 90 % of cores by usage), the others nearly empty; small VMs. The
      // i-th VM of every host may join group svc<i>: never two on one host to begin with.
      for (let h = 0; h < H; h++) {
        const target = h % 2 === 0 ? 0.9 * 32 : 2;
        for (let used = 0, i = 0; used < target; i++) {
          const c = 1 + Math.floor(rand() * 3);
          used += c;
          vms.push({ id: `v${h}-${i}`, host: `h${h}`, cores: c * 2, memoryGiB: 2, usage: { cores: c, memoryGiB: 1 }, antiAffinity: rand() < 0.3 ? [`svc${i}`] : [] });
        }
      }
      const state = ClusterState.from(hosts, vms, USAGE_PACKING);
      expect(state.violations().filter((v) => v.kind === 'anti-affinity')).toEqual([]);
      ran++;
      const r = relieveHotspots(state);
      expect(r.unresolved).toEqual([]);
      for (let h = 0; h < H; h++) expect(r.final.loadCores[h]).toBeLessThanOrEqual(0.8 * 32 + 1e-9);
      expect(r.final.violations()).toEqual([]);
      const plan = planMigrations(state, r.moves);
      expect(plan.dropped).toEqual([]);
      expect(verifyPlan(state, plan.steps)).toBeNull();
      moved += plan.totals.migrations;
    }
    expect(ran).toBeGreaterThan(20);
    expect(moved).toBeGreaterThan(ran);
  });
});
