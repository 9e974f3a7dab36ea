/**
 * Hotspot relief: a host whose packed demand is above a threshold (CPU or memory) sheds VMs until
 * it is under, choosing the moves that cost least.
 *
 * For each hot host, hottest first: if one VM alone covers the excess in both dimensions and has
 * somewhere to go, the cheapest such VM moves (cost = the cost model's migration cost of its
 * estimated pause, then the smaller VM). Otherwise VMs move one by one, each time the one that
 * removes the most of the remaining excess per unit of cost. A receiving host must stay under the
 * threshold and the packing limit after the move, and anti-affinity must hold there. Receivers are
 * the powered-on hosts with the most room left (so relief does not make the next hotspot); an
 * empty host is powered on only when no running host can take the VM.
 */
import type { ClusterState, Move } from './cluster-state.js';
import { estimateVms, type MigrationOptions } from './migration-estimate.js';

export interface HotspotOptions extends MigrationOptions {
  /** A host is hot above this share of its cores (memory). Default: the packing policy's targets. */
  cpuThreshold?: number;
  memoryThreshold?: number;
}

export interface HotspotResult {
  /** Hosts above a threshold before relief: their demand as a share of capacity. */
  hotspots: { host: string; cpu: number; memory: number }[];
  moves: (Move & { reason: string })[];
  /** Hot hosts brought under both thresholds. */
  relieved: string[];
  /** Hot hosts still above a threshold, and why. */
  unresolved: { host: string; reason: string }[];
  /** Empty hosts that had to be powered on to take a VM. */
  poweredOn: string[];
  final: ClusterState;
}

export function relieveHotspots(initial: ClusterState, opts: HotspotOptions = {}): HotspotResult {
  const state = initial.clone();
  const H = state.hostCount;
  const cpuThr = opts.cpuThreshold ?? state.policy.cpuTarget;
  const memThr = opts.memoryThreshold ?? state.policy.memoryTarget;
  const { costs } = estimateVms(state, opts);
  const thrC = Float64Array.from(state.capCores, (c, h) => Math.min(c * cpuThr, state.limCores[h]));
  const thrM = Float64Array.from(state.capMem, (m, h) => Math.min(m * memThr, state.limMem[h]));
  const excessC = (h: number) => Math.max(0, state.loadCores[h] - state.capCores[h] * cpuThr);
  const excessM = (h: number) => Math.max(0, state.loadMem[h] - state.capMem[h] * memThr);
  const hot = (h: number) => excessC(h) > 1e-9 || excessM(h) > 1e-9;

  const hotspots: HotspotResult['hotspots'] = [];
  const order: number[] = [];
  for (let h = 0; h < H; h++) {
    if (!hot(h)) continue;
    order.push(h);
    hotspots.push({ host: state.hosts[h].id, cpu: state.loadCores[h] / state.capCores[h], memory: state.loadMem[h] / state.capMem[h] });
  }
  const heat = (h: number) => Math.max(state.loadCores[h] / thrC[h], state.loadMem[h] / thrM[h]);
  order.sort((a, b) => heat(b) - heat(a) || a - b);
  const hotSet = new Uint8Array(H);
  for (const h of order) hotSet[h] = 1;

  // The receiver with the most room left after taking v: running hosts first, then empty ones.
  const receiver = (v: number): number => {
    let best = -1;
    let bestRoom = -Infinity;
    let bestEmpty = true;
    for (let h = 0; h < H; h++) {
      if (hotSet[h] && hot(h)) continue;
      const roomC = thrC[h] - state.loadCores[h] - state.demCores[v];
      const roomM = thrM[h] - state.loadMem[h] - state.demMem[v];
      if (roomC < -1e-9 || roomM < -1e-9 || !state.canHost(v, h)) continue;
      const empty = !state.vmsOn(h).length;
      const room = Math.min(roomC / state.capCores[h], roomM / state.capMem[h]);
      if (best < 0 || (bestEmpty && !empty) || (empty === bestEmpty && room > bestRoom)) {
        best = h;
        bestRoom = room;
        bestEmpty = empty;
      }
    }
    return best;
  };

  const moves: HotspotResult['moves'] = [];
  const relieved: string[] = [];
  const unresolved: HotspotResult['unresolved'] = [];
  const poweredOn: string[] = [];
  const moveTo = (v: number, from: number, to: number, why: string) => {
    if (!state.vmsOn(to).length) poweredOn.push(state.hosts[to].id);
    state.move(v, to);
    moves.push({ vm: state.vms[v].id, from: state.hosts[from].id, to: state.hosts[to].id, reason: why });
  };
  const shareText = (h: number) => `${((100 * state.loadCores[h]) / state.capCores[h]).toFixed(0)}% CPU, ${((100 * state.loadMem[h]) / state.capMem[h]).toFixed(0)}% memory`;

  for (const h of order) {
    const hostId = state.hosts[h].id;
    const before = shareText(h);
    const movable = state.vmsOn(h).filter((v) => !state.pinned[v]);
    // One VM that covers the whole excess, cheapest first.
    let single = -1;
    let singleTo = -1;
    const ec = excessC(h);
    const em = excessM(h);
    const covering = movable.filter((v) => state.demCores[v] >= ec - 1e-9 && state.demMem[v] >= em - 1e-9).sort((a, b) => costs[a] - costs[b] || weight(a) - weight(b) || a - b);
    for (const v of covering) {
      const to = receiver(v);
      if (to >= 0) {
        single = v;
        singleTo = to;
        break;
      }
    }
    if (single >= 0) {
      moveTo(single, h, singleTo, `host ${hostId} at ${before}, above the threshold (${pct(cpuThr)} CPU, ${pct(memThr)} memory): the cheapest single move that brings it under`);
    } else {
      // Greedy: the most excess removed per unit of cost.
      const left = new Set(movable);
      while (hot(h) && left.size) {
        let pick = -1;
        let pickTo = -1;
        let pickValue = 0;
        const xc = excessC(h);
        const xm = excessM(h);
        for (const v of left) {
          const gain = Math.min(state.demCores[v], xc) / state.capCores[h] + Math.min(state.demMem[v], xm) / state.capMem[h];
          if (gain <= 0) continue;
          const value = gain / Math.max(costs[v], 1e-9);
          if (value <= pickValue) continue;
          const to = receiver(v);
          if (to < 0) continue;
          pick = v;
          pickTo = to;
          pickValue = value;
        }
        if (pick < 0) break;
        left.delete(pick);
        moveTo(pick, h, pickTo, `host ${hostId} at ${before}, above the threshold: moving the VM that removes the most excess per unit of migration cost`);
      }
    }
    if (hot(h)) {
      const pinned = state.vmsOn(h).length - state.vmsOn(h).filter((v) => !state.pinned[v]).length;
      unresolved.push({ host: hostId, reason: `still at ${shareText(h)}: no host with room takes its remaining VMs${pinned ? ` (${pinned} pinned)` : ''}` });
    } else {
      relieved.push(hostId);
    }
  }
  return { hotspots, moves, relieved, unresolved, poweredOn, final: state };

  function weight(v: number): number {
    return state.demCores[v] / state.capCores[state.vmHost[v]] + state.demMem[v] / state.capMem[state.vmHost[v]];
  }
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
