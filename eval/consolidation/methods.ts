/**
 * The consolidation methods compared by `npm run eval:consolidation`, each from the same spread
 * placement: our incremental consolidation (by usage or by allocation), and two from-scratch
 * re-packings (naive first-fit by provisioned size, first-fit decreasing by our usage demand)
 * whose moves are ordered by the same migration planner. Each ends in a verified plan, a final
 * placement, the replay of real usage onto it, and its ROI.
 */
import type { ClusterState, Move } from '../../src/optimization/cluster-state.js';
import { consolidate, type ConsolidationOptions } from '../../src/optimization/consolidation.js';
import { planMigrations, verifyPlan, type MigrationPlan } from '../../src/optimization/migration-plan.js';
import { planRoi, type PlanRoi } from '../../src/optimization/roi.js';
import type { PlacementHost } from '../../src/placement/index.js';
import type { VmTrace } from '../lib/bitbrains.js';
import { replayUsage, type ReplayResult } from '../placement/packing.js';
import { placementKeys } from './fleet.js';

export interface MethodOutcome {
  label: string;
  demand: string;
  hostsBefore: number;
  hostsAfter: number;
  /** Hosts emptied by the plan (a dropped move can keep one on). */
  emptied: number;
  plan: MigrationPlan;
  /** First rule a plan step breaks (null: none), and rules the final state breaks that the start did not. */
  stepViolation: string | null;
  finalViolations: number;
  planMs: number;
  replay: ReplayResult;
  /** Share of powered-on hosts with at least one 5-minute step over capacity when the fit window is replayed (in-sample). */
  fitOverloadShare: number;
  roi: PlanRoi;
}

/** Share of the hosts used by `assignment` that go over 100 % of cores or memory at least once in [from, to). */
export function overloadedHostShare(vms: readonly VmTrace[], assignment: ReadonlyMap<string, string | null>, hosts: readonly PlacementHost[], from: number, to: number): number {
  const byHost = new Map<string, VmTrace[]>();
  for (const v of vms) {
    const h = assignment.get(`vm${v.id}`);
    if (h) byHost.set(h, [...(byHost.get(h) ?? []), v]);
  }
  const cap = new Map(hosts.map((h) => [h.id, h.capacity]));
  let over = 0;
  for (const [h, list] of byHost) {
    const c = cap.get(h)!;
    for (let s = from; s < to; s++) {
      let cpu = 0;
      let mem = 0;
      for (const v of list) {
        if (Number.isFinite(v.cpu[s])) cpu += v.cpu[s];
        if (Number.isFinite(v.mem[s])) mem += v.mem[s];
      }
      if (cpu > c.cpu_cores || mem > c.memory_mb / 1024) {
        over++;
        break;
      }
    }
  }
  return byHost.size ? over / byHost.size : 0;
}

/**
 * A from-scratch re-packing of every VM of `state` by its demand under the state's policy:
 * first-fit over hosts in fleet order, VMs in the given order (`decreasing`: largest share first).
 * Returns the moves from the current placement; VMs that fit nowhere stay where they are.
 */
export function repackMoves(state: ClusterState, decreasing: boolean): Move[] {
  const H = state.hostCount;
  const loadC = new Float64Array(H);
  const loadM = new Float64Array(H);
  const groups = Array.from({ length: H }, () => new Set<number>());
  const order = Array.from({ length: state.vmCount }, (_, v) => v);
  const share = (v: number) => Math.max(state.demCores[v] / state.capCores[0], state.demMem[v] / state.capMem[0]);
  if (decreasing) order.sort((a, b) => share(b) - share(a) || a - b);
  const target = new Int32Array(state.vmCount).fill(-1);
  for (const v of order) {
    for (let h = 0; h < H; h++) {
      if (loadC[h] + state.demCores[v] > state.limCores[h] + 1e-9 || loadM[h] + state.demMem[v] > state.limMem[h] + 1e-9) continue;
      if ([...state.vmGroups[v]].some((g) => groups[h].has(g))) continue;
      loadC[h] += state.demCores[v];
      loadM[h] += state.demMem[v];
      for (const g of state.vmGroups[v]) groups[h].add(g);
      target[v] = h;
      break;
    }
  }
  const moves: Move[] = [];
  for (let v = 0; v < state.vmCount; v++) {
    if (target[v] >= 0 && target[v] !== state.vmHost[v]) moves.push({ vm: state.vms[v].id, from: state.hosts[state.vmHost[v]].id, to: state.hosts[target[v]].id });
  }
  return moves;
}

/** Violations of `after` (kind and host) that `before` did not have. */
function newViolations(before: ClusterState, after: ClusterState): number {
  const had = new Set(before.violations().map((x) => `${x.kind} ${x.host}`));
  return after.violations().filter((x) => !had.has(`${x.kind} ${x.host}`)).length;
}

export interface RunContext {
  vms: readonly VmTrace[];
  hosts: readonly PlacementHost[];
  fit: [number, number];
  judged: [number, number];
  options: ConsolidationOptions;
}

/** Plans `moves` (or our consolidation when `moves` is 'consolidate'), verifies, replays, prices. */
export function runMethod(ctx: RunContext, label: string, demand: string, state: ClusterState, moves: 'consolidate' | Move[]): MethodOutcome {
  const t = performance.now();
  const list = moves === 'consolidate' ? consolidate(state, ctx.options).moves : moves;
  const plan = planMigrations(state, list, ctx.options);
  const planMs = performance.now() - t;
  const v = verifyPlan(state, plan.steps, ctx.options);
  const final = placementKeys(plan.final);
  const fitOverloadShare = overloadedHostShare(ctx.vms, final, ctx.hosts, ctx.fit[0], ctx.fit[1]);
  const roi = planRoi({ poweredOff: plan.emptied, steps: plan.steps, overloadProbability: fitOverloadShare }, { model: ctx.options.model });
  return {
    label,
    demand,
    hostsBefore: state.activeHosts(),
    hostsAfter: plan.final.activeHosts(),
    emptied: plan.emptied.length,
    plan,
    stepViolation: v ? v.message : null,
    finalViolations: newViolations(state, plan.final),
    planMs,
    replay: replayUsage(ctx.vms, final, ctx.hosts, ctx.judged[0], ctx.judged[1]),
    fitOverloadShare,
    roi,
  };
}
