import { describe, expect, it } from 'vitest';
import { ALLOCATION_PACKING, ClusterState, USAGE_PACKING, type HostSpec, type VmSpec } from './cluster-state.js';
import { consolidate } from './consolidation.js';
import { DEFAULT_COST_MODEL, hostPowerOffMonthlySaving, migrationCost, paybackDays } from './cost-model.js';
import { estimateVms } from './migration-estimate.js';
import { planMigrations, verifyPlan } from './migration-plan.js';

const hostsOf = (n: number, cores = 16, memoryGiB = 64, extra: (i: number) => Partial<HostSpec> = () => ({})): HostSpec[] => Array.from({ length: n }, (_, i) => ({ id: `h${i}`, cores, memoryGiB, ...extra(i) }));

/** Two VMs of 2 cores / 8 GiB on each of 10 hosts of 16 cores / 64 GiB. */
function evenFleet(extra: (i: number) => Partial<VmSpec> = () => ({})): VmSpec[] {
  return Array.from({ length: 20 }, (_, i) => ({ id: `v${i}`, host: `h${Math.floor(i / 2)}`, cores: 2, memoryGiB: 8, ...extra(i) }));
}

/** ceil(total demand / (capacity × target)), the max over CPU and memory. */
function lowerBound(state: ClusterState): number {
  let c = 0;
  let m = 0;
  for (let v = 0; v < state.vmCount; v++) {
    c += state.demCores[v];
    m += state.demMem[v];
  }
  return Math.max(Math.ceil(c / state.limCores[0] - 1e-9), Math.ceil(m / state.limMem[0] - 1e-9));
}

describe('consolidate', () => {
  it('empties an obviously consolidable fleet down to the lower bound, moving only the VMs of emptied hosts', () => {
    for (const [policy, lb] of [
      [ALLOCATION_PACKING, 3], // 40 cores / 16
      [USAGE_PACKING, 4], // 40 cores / 12.8
    ] as const) {
      const state = ClusterState.from(hostsOf(10), evenFleet(), policy);
      expect(lowerBound(state)).toBe(lb);
      const r = consolidate(state);
      expect(r.hostsBefore).toBe(10);
      expect(r.hostsAfter).toBe(lb);
      expect(r.poweredOff.length).toBe(10 - lb);
      // Kept hosts never lose a VM; every VM of an emptied host moves exactly once.
      expect(r.moves.length).toBe(2 * (10 - lb));
      expect(new Set(r.moves.map((m) => m.from))).toEqual(new Set(r.poweredOff));
      expect(r.final.violations()).toEqual([]);
      const plan = planMigrations(state, r.moves);
      expect(verifyPlan(state, plan.steps)).toBeNull();
      expect(plan.dropped).toEqual([]);
      expect(new Set(plan.emptied)).toEqual(new Set(r.poweredOff));
      // The input state is untouched.
      expect(state.activeHosts()).toBe(10);
    }
  });

  it('by usage frees hosts that allocation cannot (2 VMs of 8 cores each using 1)', () => {
    const vms = evenFleet((i) => ({ cores: 8, memoryGiB: 8, usage: { cores: 1, memoryGiB: 4 } }));
    const byAlloc = consolidate(ClusterState.from(hostsOf(10), vms, ALLOCATION_PACKING));
    expect(byAlloc.hostsAfter).toBe(10);
    expect(byAlloc.kept[0].reason).toMatch(/fits on no other powered-on host/);
    const byUsage = consolidate(ClusterState.from(hostsOf(10), vms, USAGE_PACKING));
    // 20 cores of usage / 12.8 per host → 2 hosts.
    expect(byUsage.hostsAfter).toBe(2);
  });

  it('never puts two VMs of an anti-affinity group on one host, at any step', () => {
    // Six hosts, one 1-core VM each, three groups of two: without the rule one host would do; with it two.
    const vms: VmSpec[] = Array.from({ length: 6 }, (_, i) => ({ id: `v${i}`, host: `h${i}`, cores: 1, memoryGiB: 1, antiAffinity: [`g${Math.floor(i / 2)}`] }));
    const state = ClusterState.from(hostsOf(6), vms, ALLOCATION_PACKING);
    const r = consolidate(state);
    expect(r.hostsAfter).toBe(2);
    expect(r.final.violations()).toEqual([]);
    const plan = planMigrations(state, r.moves);
    expect(verifyPlan(state, plan.steps)).toBeNull();
    const replay = state.clone();
    for (const s of plan.steps) {
      replay.move(replay.vmIndex.get(s.vm)!, replay.hostIndex.get(s.to)!);
      expect(replay.violations()).toEqual([]);
    }
    // Without groups the same VMs share one host.
    expect(consolidate(ClusterState.from(hostsOf(6), vms.map((v) => ({ ...v, antiAffinity: [] })))).hostsAfter).toBe(1);
  });

  it('makes room by one ejection when a VM fits nowhere as things stand, and undoes it when the host is kept', () => {
    // big runs g1 of group G; small is nearly full with x; c runs g3 of G. Only c may be powered off.
    // g3 cannot join g1 (anti-affinity) nor x (capacity) — unless x moves to big and g3 takes its place.
    const hosts: HostSpec[] = [
      { id: 'big', cores: 16, memoryGiB: 64, powerOffEligible: false },
      { id: 'small', cores: 4, memoryGiB: 16, powerOffEligible: false },
      { id: 'c', cores: 16, memoryGiB: 64 },
    ];
    const vms: VmSpec[] = [
      { id: 'g1', host: 'big', cores: 2, memoryGiB: 4, antiAffinity: ['G'] },
      { id: 'x', host: 'small', cores: 3, memoryGiB: 4 },
      { id: 'g3', host: 'c', cores: 2, memoryGiB: 4, antiAffinity: ['G'] },
    ];
    const state = ClusterState.from(hosts, vms, ALLOCATION_PACKING);
    const without = consolidate(state, { ejections: false, order: 'least-loaded' });
    expect(without.hostsAfter).toBe(3);
    const r = consolidate(state, { order: 'least-loaded' });
    expect(r.poweredOff).toEqual(['c']);
    expect(r.hostsAfter).toBe(2);
    expect(new Set(r.moves.map((m) => `${m.vm}:${m.from}->${m.to}`))).toEqual(new Set(['x:small->big', 'g3:c->small']));
    expect(r.final.violations()).toEqual([]);
    const plan = planMigrations(state, r.moves);
    expect(verifyPlan(state, plan.steps)).toBeNull();
    // The ejection counts against the move budget: one move is not enough to empty c.
    const tight = consolidate(state, { maxMoves: 1, order: 'least-loaded' });
    expect(tight.poweredOff).not.toContain('c');
    expect(tight.final.vmHost).toEqual(state.vmHost.slice());
  });

  it('keeps hosts with pinned VMs or not eligible for power-off, never targets maintenance or empty hosts, and says why', () => {
    const hosts = hostsOf(6, 16, 64, (i) => (i === 1 ? { powerOffEligible: false } : i === 2 ? { maintenance: true } : {}));
    const vms: VmSpec[] = [
      { id: 'p', host: 'h0', cores: 1, memoryGiB: 1, pinned: true },
      { id: 'q', host: 'h1', cores: 1, memoryGiB: 1 },
      { id: 'r', host: 'h2', cores: 1, memoryGiB: 1 },
      { id: 's', host: 'h3', cores: 1, memoryGiB: 1 },
    ];
    const r = consolidate(ClusterState.from(hosts, vms));
    expect(r.alreadyEmpty).toEqual(['h4', 'h5']);
    expect(r.hostsBefore).toBe(4);
    // h2 (maintenance) is evacuated and h3 emptied onto h0 or h1; neither receives on h2, h4, h5.
    expect(new Set(r.poweredOff)).toEqual(new Set(['h2', 'h3']));
    for (const m of r.moves) expect(['h0', 'h1']).toContain(m.to);
    const reasons = new Map(r.kept.map((k) => [k.host, k.reason]));
    expect(reasons.get('h0')).toMatch(/pinned VM \(p\)/);
    expect(reasons.get('h1')).toBe('not eligible for power-off');
  });

  it('respects a move budget and a payback limit', () => {
    const state = ClusterState.from(hostsOf(10), evenFleet());
    const budget = consolidate(state, { maxMoves: 5 });
    expect(budget.moves.length).toBeLessThanOrEqual(5);
    expect(budget.poweredOff.length).toBe(2);
    expect(budget.kept.some((k) => /over the budget of 5/.test(k.reason))).toBe(true);
    // Emptying one host moves 2 VMs: payback = cost / monthly saving in days.
    const { estimates } = estimateVms(state);
    const cost = 2 * migrationCost(DEFAULT_COST_MODEL, estimates[0].downtimeS);
    const days = paybackDays(cost, hostPowerOffMonthlySaving(DEFAULT_COST_MODEL));
    expect(consolidate(state, { maxPaybackDays: days * 0.99 }).poweredOff).toEqual([]);
    expect(consolidate(state, { maxPaybackDays: days * 1.01 }).hostsAfter).toBe(3);
  });

  it('tries the cheapest host to empty first, or the least loaded when asked', () => {
    // h0: one 6-core VM; h1: two 1-core VMs (less loaded, more moves); h2: one 8-core VM. Budget: 2 moves.
    const vms: VmSpec[] = [
      { id: 'a', host: 'h0', cores: 6, memoryGiB: 1 },
      { id: 'b', host: 'h1', cores: 1, memoryGiB: 1 },
      { id: 'c', host: 'h1', cores: 1, memoryGiB: 1 },
      { id: 'd', host: 'h2', cores: 8, memoryGiB: 1 },
    ];
    const state = ClusterState.from(hostsOf(3), vms);
    // Fewest moves: h0 (a → h2), then h2 (1 VM of its own: d, and a again) onto h1 — a moves once, h0 → h1.
    const cheap = consolidate(state, { maxMoves: 2 });
    expect(cheap.poweredOff).toEqual(['h0', 'h2']);
    expect(cheap.moves).toEqual([
      { vm: 'a', from: 'h0', to: 'h1' },
      { vm: 'd', from: 'h2', to: 'h1' },
    ]);
    // Least loaded: h1 (2 cores) first, its two VMs use the budget.
    expect(consolidate(state, { maxMoves: 2, order: 'least-loaded' }).poweredOff).toEqual(['h1']);
    expect(consolidate(state).hostsAfter).toBe(1);
  });

  it('plans 10,000 VMs on 1,000 hosts in seconds, near the lower bound, with a verified plan', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const hosts = hostsOf(1000, 96, 512);
    const vms: VmSpec[] = Array.from({ length: 10_000 }, (_, i) => {
      const cores = [1, 2, 4, 8][Math.floor(rand() * 4)];
      return { id: `v${i}`, host: `h${i % 1000}`, cores, memoryGiB: cores * 4, usage: { cores: cores * (0.1 + 0.4 * rand()), memoryGiB: cores * 4 * (0.2 + 0.5 * rand()) }, antiAffinity: i % 7 < 2 ? [`svc${Math.floor(i / 7)}`] : [] };
    });
    const state = ClusterState.from(hosts, vms, USAGE_PACKING);
    expect(state.violations()).toEqual([]);
    const t = performance.now();
    const r = consolidate(state);
    const plan = planMigrations(state, r.moves);
    const ms = performance.now() - t;
    expect(verifyPlan(state, plan.steps)).toBeNull();
    expect(plan.final.violations()).toEqual([]);
    const lb = lowerBound(state);
    expect(plan.final.activeHosts()).toBeGreaterThanOrEqual(lb);
    expect(plan.final.activeHosts()).toBeLessThanOrEqual(Math.ceil(1.05 * lb));
    // A guard against quadratic blow-ups, generous for a loaded machine (≈ 1 s when idle).
    expect(ms).toBeLessThan(20_000);
  }, 60_000);
});
