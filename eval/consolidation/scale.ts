/**
 * The scale check of `npm run eval:consolidation`: a fleet of `hosts` identical hosts holding
 * `vms` VMs drawn in turn from the Bitbrains profiles (VM i is profile i mod n), spread
 * LeastAllocated by provisioned size (each VM onto the host with the lowest mean allocated share
 * that has room; a VM with no room anywhere is left out and counted), then consolidated, planned and verified, each step timed.
 */
import { ClusterState, USAGE_PACKING, type HostSpec, type VmSpec } from '../../src/optimization/cluster-state.js';
import { consolidate } from '../../src/optimization/consolidation.js';
import { planMigrations, verifyPlan } from '../../src/optimization/migration-plan.js';
import { lowerBound } from '../placement/packing.js';
import type { DemandName, VmProfile } from './fleet.js';

export interface ScaleResult {
  vms: number;
  /** VMs the LeastAllocated spread found no room for (the largest ones, once every host holds something). */
  unplaced: number;
  hosts: number;
  hostsBefore: number;
  hostsAfter: number;
  lowerBound: number;
  migrations: number;
  dropped: number;
  violations: number;
  consolidateMs: number;
  planMs: number;
  verifyMs: number;
}

export function scaleRun(ps: readonly VmProfile[], nVms: number, nHosts: number, cores: number, memGiB: number, usage: DemandName): ScaleResult {
  const hosts: HostSpec[] = Array.from({ length: nHosts }, (_, i) => ({ id: `s${i}`, cores, memoryGiB: memGiB }));
  const allocC = new Float64Array(nHosts);
  const allocM = new Float64Array(nHosts);
  const fitting = ps.filter((p) => p.demand.provisioned.cores <= cores && p.demand.provisioned.memGiB <= memGiB);
  const vms: VmSpec[] = [];
  let unplaced = 0;
  for (let i = 0; i < nVms; i++) {
    const p = fitting[i % fitting.length];
    const a = p.demand.provisioned;
    let best = -1;
    let bestShare = Infinity;
    for (let h = 0; h < nHosts; h++) {
      if (allocC[h] + a.cores > cores || allocM[h] + a.memGiB > memGiB) continue;
      const s = (allocC[h] + a.cores) / cores + (allocM[h] + a.memGiB) / memGiB;
      if (s < bestShare) {
        best = h;
        bestShare = s;
      }
    }
    if (best < 0) {
      unplaced++;
      continue;
    }
    allocC[best] += a.cores;
    allocM[best] += a.memGiB;
    const u = p.demand[usage];
    vms.push({ id: `${p.id}.${i}`, host: hosts[best].id, cores: a.cores, memoryGiB: a.memGiB, usage: { cores: u.cores, memoryGiB: u.memGiB }, migration: { memoryGiB: p.migrationMemGiB, dirtyRateMiBps: p.dirtyRateMiBps } });
  }
  const state = ClusterState.from(hosts, vms, USAGE_PACKING);
  let t = performance.now();
  const c = consolidate(state);
  const consolidateMs = performance.now() - t;
  t = performance.now();
  const plan = planMigrations(state, c.moves);
  const planMs = performance.now() - t;
  t = performance.now();
  const v = verifyPlan(state, plan.steps);
  const verifyMs = performance.now() - t;
  const lb = lowerBound(
    vms.map((x) => ({ id: x.id, cores: x.usage!.cores, memGiB: x.usage!.memoryGiB })),
    cores * USAGE_PACKING.cpuTarget,
    memGiB * USAGE_PACKING.memoryTarget,
  ).hosts;
  return { vms: vms.length, unplaced, hosts: nHosts, hostsBefore: c.hostsBefore, hostsAfter: plan.final.activeHosts(), lowerBound: lb, migrations: plan.totals.migrations, dropped: plan.dropped.length, violations: v ? 1 : 0, consolidateMs, planMs, verifyMs };
}
