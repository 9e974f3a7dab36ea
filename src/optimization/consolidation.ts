/**
 * Consolidation: empty under-used hosts so they can be powered off.
 *
 * Hosts are tried one at a time, the cheapest to empty first (fewest VMs that would have to move,
 * then the smallest migration cost, then the least loaded). A host is emptied only if every one of
 * its VMs finds room on another powered-on host (best-fit decreasing: largest VM first, onto the
 * host it leaves the least room on, within the packing policy's target utilisation and
 * anti-affinity); otherwise its VMs stay where they were. Passes repeat until one frees nothing.
 *
 * A VM that fits no host as things stand may make room by one ejection: a VM w of some host h
 * moves to a third host, and the VM takes its place on h. That is what an anti-affinity group
 * needs when every host with room already runs one of its members, and it trades one extra
 * migration for a host powered off. Ejections are bounded (EJECTION_TRIES searches per VM) so a
 * large fleet stays fast; an ejection is undone with the rest when its host is not emptied.
 *
 * Why only powered-on hosts receive: moving VMs onto an empty host powers one on to power another
 * off. Why one host at a time: a half-emptied host saves nothing, so a host is all or nothing.
 * A VM moved onto a host that is emptied later moves once, from where it started to where it ends
 * (`moves` is the difference between the first and the last assignment); migration-plan.ts orders
 * those moves so every intermediate state is valid.
 */
import type { ClusterState, Move } from './cluster-state.js';
import { DEFAULT_COST_MODEL, hostPowerOffMonthlySaving, paybackDays } from './cost-model.js';
import { estimateVms, type MigrationOptions } from './migration-estimate.js';

/** Most third-host searches one VM may spend looking for an ejection (one per host tried). */
export const EJECTION_TRIES = 8;

export interface ConsolidationOptions extends MigrationOptions {
  /** Most VMs the plan may move (a change budget). Default: no limit. */
  maxMoves?: number;
  /** Keep a host on when the migrations emptying it take longer than this to pay back. Default: no limit. */
  maxPaybackDays?: number;
  /** Only hosts whose demand is at most this share of their limit (both dimensions) are emptied. Default 1. */
  maxCandidateLoad?: number;
  /** Order in which hosts are tried: fewest migrations first (default), or least loaded first. */
  order?: 'fewest-moves' | 'least-loaded';
  /** Let a VM that fits nowhere make room by moving one VM to a third host (default true). */
  ejections?: boolean;
}

export interface ConsolidationResult {
  /** Hosts this plan empties, in the order they were chosen. */
  poweredOff: string[];
  /** Hosts that ran nothing to begin with (power them off without any move, if eligible). */
  alreadyEmpty: string[];
  /** One move per VM whose host changes: from its first host to its last. */
  moves: Move[];
  /** The state after every move. */
  final: ClusterState;
  /** Hosts running VMs before and after. */
  hostsBefore: number;
  hostsAfter: number;
  /** Hosts that stay on, and why. */
  kept: { host: string; reason: string }[];
  passes: number;
}

export function consolidate(initial: ClusterState, opts: ConsolidationOptions = {}): ConsolidationResult {
  const state = initial.clone();
  const H = state.hostCount;
  const V = state.vmCount;
  const { costs } = estimateVms(state, opts);
  const model = opts.model ?? DEFAULT_COST_MODEL;
  const saving = hostPowerOffMonthlySaving(model);
  const maxMoves = opts.maxMoves ?? Infinity;
  const maxPayback = opts.maxPaybackDays ?? Infinity;
  const maxLoad = opts.maxCandidateLoad ?? 1;
  const byLoad = opts.order === 'least-loaded';
  const ejections = opts.ejections ?? true;
  const home = initial.vmHost;

  // Per host: VMs still on their first host (each would be a new migration) and their cost.
  const own = new Int32Array(H);
  const ownCost = new Float64Array(H);
  const hasPinned = new Uint8Array(H);
  for (let v = 0; v < V; v++) {
    own[home[v]]++;
    ownCost[home[v]] += costs[v];
    if (state.pinned[v]) hasPinned[home[v]] = 1;
  }
  const alreadyEmpty: string[] = [];
  for (let h = 0; h < H; h++) if (!state.vmsOn(h).length) alreadyEmpty.push(state.hosts[h].id);
  const hostsBefore = H - alreadyEmpty.length;

  const off = new Uint8Array(H);
  const reason = new Map<number, string>();
  const firstMoved: number[] = [];
  const everMoved = new Uint8Array(V);
  const poweredOff: string[] = [];
  let moves = 0;
  const load = (h: number) => Math.max(state.loadCores[h] / state.limCores[h], state.loadMem[h] / state.limMem[h]);

  // The powered-on host v fits best (least room left after it), other than `except` and its own; -1 if none.
  const bestFit = (v: number, except: number): number => {
    let best = -1;
    let bestRoom = Infinity;
    const dc = state.demCores[v];
    const dm = state.demMem[v];
    const at = state.vmHost[v];
    for (let h = 0; h < H; h++) {
      if (h === except || h === at || off[h] || state.maintenance[h] || !state.vmsOn(h).length) continue;
      const roomC = state.limCores[h] - state.loadCores[h] - dc;
      const roomM = state.limMem[h] - state.loadMem[h] - dm;
      if (roomC < -1e-9 || roomM < -1e-9) continue;
      const room = roomC / state.capCores[h] + roomM / state.capMem[h];
      if (room >= bestRoom || !state.fitsCapacity(v, h) || state.conflictingGroup(v, h) >= 0) continue;
      best = h;
      bestRoom = room;
    }
    return best;
  };

  let passes = 0;
  for (;;) {
    passes++;
    const tried = new Uint8Array(H);
    let freed = 0;
    for (;;) {
      // The next candidate, chosen on the live state.
      let c = -1;
      for (let h = 0; h < H; h++) {
        if (tried[h] || off[h] || !state.vmsOn(h).length) continue;
        if (!state.eligible[h]) {
          reason.set(h, 'not eligible for power-off');
          continue;
        }
        if (hasPinned[h]) {
          reason.set(h, `runs a pinned VM (${state.vms[state.vmsOn(h).find((v) => state.pinned[v])!].id})`);
          continue;
        }
        if (load(h) > maxLoad + 1e-12) {
          reason.set(h, `loaded ${(100 * load(h)).toFixed(0)}% of its limit, above the ${(100 * maxLoad).toFixed(0)}% candidates may carry`);
          continue;
        }
        if (c < 0 || better(h, c)) c = h;
      }
      if (c < 0) break;
      tried[c] = 1;
      const vms = [...state.vmsOn(c)].sort((a, b) => size(b) - size(a) || a - b);
      // Every move made for this host, in order, with where the VM was: undone in reverse on failure.
      const placed: { v: number; from: number }[] = [];
      let failed: string | null = null;
      for (const v of vms) {
        const to = bestFit(v, c);
        if (to >= 0) {
          state.move(v, to);
          placed.push({ v, from: c });
          continue;
        }
        const ej = ejections ? ejection(v, c) : null;
        if (!ej) {
          failed = `VM ${state.vms[v].id} (${state.demCores[v].toFixed(2)} cores, ${state.demMem[v].toFixed(2)} GiB) fits on no other powered-on host`;
          break;
        }
        placed.push({ v: ej.w, from: state.vmHost[ej.w] });
        state.move(ej.w, ej.to);
        state.move(v, ej.h);
        placed.push({ v, from: c });
      }
      // Migrations this host costs: its own VMs, and ejected VMs leaving their first host.
      let newMoves = own[c];
      let newCost = ownCost[c];
      for (const { v, from } of placed) {
        if (from !== c && from === home[v]) {
          newMoves++;
          newCost += costs[v];
        }
      }
      const days = paybackDays(newCost, saving);
      if (!failed && moves + newMoves > maxMoves) failed = `emptying it needs ${newMoves} more migration(s), over the budget of ${maxMoves}`;
      if (!failed && days > maxPayback) failed = `its ${newMoves} migration(s) pay back in ${days.toFixed(0)} days, over ${maxPayback}`;
      if (failed) {
        for (let i = placed.length - 1; i >= 0; i--) state.move(placed[i].v, placed[i].from);
        reason.set(c, failed);
        continue;
      }
      off[c] = 1;
      reason.delete(c);
      poweredOff.push(state.hosts[c].id);
      moves += newMoves;
      own[c] = 0;
      ownCost[c] = 0;
      for (const { v, from } of placed) {
        if (from !== c && from === home[v]) {
          own[from]--;
          ownCost[from] -= costs[v];
        }
      }
      for (const { v } of placed) {
        if (!everMoved[v]) {
          everMoved[v] = 1;
          firstMoved.push(v);
        }
      }
      freed++;
    }
    if (!freed) break;
  }

  const result: Move[] = [];
  for (const v of firstMoved) if (state.vmHost[v] !== home[v]) result.push({ vm: state.vms[v].id, from: state.hosts[home[v]].id, to: state.hosts[state.vmHost[v]].id });
  const kept: ConsolidationResult['kept'] = [];
  for (let h = 0; h < H; h++) if (state.vmsOn(h).length) kept.push({ host: state.hosts[h].id, reason: reason.get(h) ?? 'not tried' });
  return { poweredOff, alreadyEmpty, moves: result, final: state, hostsBefore, hostsAfter: state.activeHosts(), kept, passes };

  /**
   * Room for v (leaving host `from`) made by moving one VM w off a host h to a third host:
   * v must fit on h once w is gone (capacity and anti-affinity), and w must fit elsewhere (not
   * on `from`, which is being emptied). Per host the smallest such w (the easiest to re-place);
   * hosts in order, at most EJECTION_TRIES third-host searches; null if none.
   */
  function ejection(v: number, from: number): { w: number; h: number; to: number } | null {
    let tries = EJECTION_TRIES;
    const gs = state.vmGroups[v];
    for (let h = 0; h < H; h++) {
      if (h === from || off[h] || state.maintenance[h] || !state.vmsOn(h).length) continue;
      if (state.demCores[v] > state.limCores[h] || state.demMem[v] > state.limMem[h]) continue;
      let w = -1;
      for (const x of state.vmsOn(h)) {
        if (state.pinned[x] || (w >= 0 && size(x) >= size(w))) continue;
        if (fitsWithout(v, h, x, gs)) w = x;
      }
      if (w < 0) continue;
      const to = bestFit(w, from);
      if (to >= 0) return { w, h, to };
      if (--tries <= 0) return null;
    }
    return null;
  }

  /** Would v fit on h if w (on h) were gone: capacity within limits, and no group member left but w? */
  function fitsWithout(v: number, h: number, w: number, gs: Int32Array): boolean {
    if (!state.fitsCapacity(v, h, -state.demCores[w], -state.demMem[w], -state.allocCores[w], -state.allocMem[w])) return false;
    const wg = state.vmGroups[w];
    for (let i = 0; i < gs.length; i++) {
      const left = state.groupMembers(h, gs[i]) - (wg.includes(gs[i]) ? 1 : 0);
      if (left > 0) return false;
    }
    return true;
  }

  function size(v: number): number {
    const h = state.vmHost[v];
    return Math.max(state.demCores[v] / state.capCores[h], state.demMem[v] / state.capMem[h]);
  }

  function better(a: number, b: number): boolean {
    if (byLoad) return load(a) < load(b) || (load(a) === load(b) && own[a] < own[b]);
    if (own[a] !== own[b]) return own[a] < own[b];
    if (ownCost[a] !== ownCost[b]) return ownCost[a] < ownCost[b];
    return load(a) < load(b);
  }
}
