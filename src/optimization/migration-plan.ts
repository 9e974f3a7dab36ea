/**
 * Orders a set of moves (VM → target host) into steps so that every intermediate state respects
 * capacity and anti-affinity, grouped into waves that run in parallel.
 *
 * A wave is valid when it could run all at once: each host takes part in at most
 * `maxConcurrentPerHost` of its migrations (as source or target), no VM moves twice in it, and
 * every target has room for all the VMs it receives in the wave while the VMs leaving it in the
 * same wave still count (a live migration holds memory on both ends until it switches over), with
 * anti-affinity checked the same way. Any sequential order of a valid wave is then valid too.
 *
 * Waves are built greedily: each takes every pending move, in the given order, that fits beside
 * the moves already in it. When no pending move can run (a deadlock), either a move's target is
 * over its limit even after every pending move (it can never run: dropped, with the reason), or
 * the moves wait on each other in a cycle (A's VM needs B's room and B's VM needs A's): one VM of
 * the cycle, the smallest, is parked on a third host with room, a temporary step, and moves on to
 * its target later. When no host can park it the move is dropped with the reason. A dropped move
 * leaves its VM where it is, so its source is not emptied (`emptied` lists the hosts that are).
 *
 * verifyPlan replays a plan from the initial state, independently of how it was built, and
 * returns the first step that breaks a rule.
 */
import type { ClusterState, Move } from './cluster-state.js';
import { DEFAULT_MAX_CONCURRENT_PER_HOST, estimateVms, type MigrationEstimate, type MigrationOptions } from './migration-estimate.js';

export interface PlanOptions extends MigrationOptions {
  /** Break a cycle of waiting moves by parking a VM on a third host. Default true. */
  allowTemporaryHosts?: boolean;
}

export interface PlanStep {
  index: number;
  wave: number;
  vm: string;
  from: string;
  to: string;
  /** A step onto a parking host that breaks a cycle; the VM moves on in a later step. */
  temporary: boolean;
  estimate: MigrationEstimate;
  /** One-off cost: the cost model's migrationCost of the estimated pause. */
  cost: number;
}

export interface MigrationPlan {
  steps: PlanStep[];
  /** Per wave: its steps and its duration (the longest migration in it). */
  waves: { index: number; steps: number; durationS: number }[];
  /** Moves left out, and why. */
  dropped: (Move & { reason: string })[];
  final: ClusterState;
  /** Hosts that ran VMs before the plan and run none after it. */
  emptied: string[];
  totals: {
    migrations: number;
    temporary: number;
    /** Sum over steps (migration-seconds), the VMs' summed pause, and the plan's wall clock (sum over waves). */
    durationS: number;
    downtimeS: number;
    wallClockS: number;
    transferredGiB: number;
    cost: number;
    nonConvergent: number;
  };
}

interface Pending {
  v: number;
  to: number;
  parked: boolean;
  done: boolean;
}

export function planMigrations(initial: ClusterState, moves: readonly Move[], opts: PlanOptions = {}): MigrationPlan {
  const state = initial.clone();
  const H = state.hostCount;
  const G = state.groupNames.length;
  const conc = opts.maxConcurrentPerHost ?? DEFAULT_MAX_CONCURRENT_PER_HOST;
  const allowPark = opts.allowTemporaryHosts ?? true;
  const { estimates, costs } = estimateVms(state, opts);
  const dropped: MigrationPlan['dropped'] = [];
  const steps: PlanStep[] = [];
  const waves: MigrationPlan['waves'] = [];

  // Validate the moves; each VM moves at most once in the input.
  let pending: Pending[] = [];
  const seen = new Set<number>();
  for (const m of moves) {
    const v = state.vmIndex.get(m.vm);
    const from = state.hostIndex.get(m.from);
    const to = state.hostIndex.get(m.to);
    let why: string | null = null;
    if (v === undefined) why = `unknown VM ${m.vm}`;
    else if (from === undefined || to === undefined) why = `unknown host ${from === undefined ? m.from : m.to}`;
    else if (state.vmHost[v] !== from) why = `VM ${m.vm} runs on ${state.hosts[state.vmHost[v]].id}, not ${m.from}`;
    else if (from === to) why = 'source and target are the same host';
    else if (state.pinned[v]) why = `VM ${m.vm} is pinned`;
    else if (state.maintenance[to]) why = `target ${m.to} is in maintenance`;
    else if (seen.has(v)) why = `VM ${m.vm} appears in more than one move`;
    if (why) {
      dropped.push({ ...m, reason: why });
      continue;
    }
    seen.add(v!);
    pending.push({ v: v!, to: to!, parked: false, done: false });
  }

  const busy = new Int32Array(H);
  const exC = new Float64Array(H);
  const exM = new Float64Array(H);
  const exAC = new Float64Array(H);
  const exAM = new Float64Array(H);
  const touched: number[] = [];
  const incomingGroups = new Set<number>();

  const record = (v: number, to: number, wave: number, temporary: boolean) => {
    const from = state.vmHost[v];
    steps.push({ index: steps.length, wave, vm: state.vms[v].id, from: state.hosts[from].id, to: state.hosts[to].id, temporary, estimate: estimates[v], cost: costs[v] });
  };
  const closeWave = (members: number[]) => {
    let d = 0;
    for (const v of members) d = Math.max(d, estimates[v].durationS);
    waves.push({ index: waves.length, steps: members.length, durationS: d });
  };

  while (pending.length) {
    // Build one wave.
    const wave: Pending[] = [];
    for (const p of pending) {
      const v = p.v;
      const from = state.vmHost[v];
      const to = p.to;
      if (busy[from] >= conc || busy[to] >= conc) continue;
      if (!state.fitsCapacity(v, to, exC[to], exM[to], exAC[to], exAM[to])) continue;
      if (state.conflictingGroup(v, to) >= 0) continue;
      const gs = state.vmGroups[v];
      let clash = false;
      for (let i = 0; i < gs.length && !clash; i++) clash = incomingGroups.has(to * G + gs[i]);
      if (clash) continue;
      for (let i = 0; i < gs.length; i++) incomingGroups.add(to * G + gs[i]);
      if (!busy[from]) touched.push(from);
      if (!busy[to]) touched.push(to);
      busy[from]++;
      busy[to]++;
      exC[to] += state.demCores[v];
      exM[to] += state.demMem[v];
      exAC[to] += state.allocCores[v];
      exAM[to] += state.allocMem[v];
      wave.push(p);
    }
    for (const h of touched) busy[h] = exC[h] = exM[h] = exAC[h] = exAM[h] = 0;
    touched.length = 0;
    incomingGroups.clear();

    if (wave.length) {
      const w = waves.length;
      for (const p of wave) {
        record(p.v, p.to, w, false);
        state.move(p.v, p.to);
        p.done = true;
      }
      closeWave(wave.map((p) => p.v));
      pending = pending.filter((p) => !p.done);
      continue;
    }
    resolveDeadlock();
  }

  const emptied: string[] = [];
  for (let h = 0; h < H; h++) if (initial.vmsOn(h).length && !state.vmsOn(h).length) emptied.push(state.hosts[h].id);
  const totals = { migrations: steps.length, temporary: 0, durationS: 0, downtimeS: 0, wallClockS: 0, transferredGiB: 0, cost: 0, nonConvergent: 0 };
  for (const s of steps) {
    if (s.temporary) totals.temporary++;
    totals.durationS += s.estimate.durationS;
    totals.downtimeS += s.estimate.downtimeS;
    totals.transferredGiB += s.estimate.transferredGiB;
    totals.cost += s.cost;
    if (!s.estimate.converges) totals.nonConvergent++;
  }
  for (const w of waves) totals.wallClockS += w.durationS;
  return { steps, waves, dropped, final: state, emptied, totals };

  /** No pending move can run: drop one that never can, else park one VM of a cycle, else drop one. */
  function resolveDeadlock(): void {
    // The state once every pending move is done.
    const fC = state.loadCores.slice();
    const fM = state.loadMem.slice();
    const fAC = state.loadAllocCores.slice();
    const fAM = state.loadAllocMem.slice();
    const groupDelta = new Map<number, number>();
    const bump = (key: number, d: number) => groupDelta.set(key, (groupDelta.get(key) ?? 0) + d);
    const shift = (v: number, from: number, to: number) => {
      fC[from] -= state.demCores[v];
      fM[from] -= state.demMem[v];
      fAC[from] -= state.allocCores[v];
      fAM[from] -= state.allocMem[v];
      fC[to] += state.demCores[v];
      fM[to] += state.demMem[v];
      fAC[to] += state.allocCores[v];
      fAM[to] += state.allocMem[v];
      for (const g of state.vmGroups[v]) {
        bump(from * G + g, -1);
        bump(to * G + g, 1);
      }
    };
    for (const p of pending) shift(p.v, state.vmHost[p.v], p.to);
    const eps = 1e-9;
    for (const p of pending) {
      const to = p.to;
      let why: string | null = null;
      if (fC[to] > state.limCores[to] + eps || fM[to] > state.limMem[to] + eps || fAC[to] > state.allocCapCores[to] + eps || fAM[to] > state.allocCapMem[to] + eps) {
        why = `target ${state.hosts[to].id} would be over its limit even after every planned move`;
      } else {
        for (const g of state.vmGroups[p.v]) {
          if (state.groupMembers(to, g) + (groupDelta.get(to * G + g) ?? 0) > 1) why = `target ${state.hosts[to].id} would hold two VMs of anti-affinity group ${state.groupNames[g]}`;
        }
      }
      if (why) return drop(p, why);
    }
    if (allowPark) {
      // Smallest VM of the cycle that some third host can hold now.
      const byWeight = pending.filter((p) => !p.parked).sort((a, b) => weight(a.v) - weight(b.v) || a.v - b.v);
      const incoming = new Uint8Array(H);
      for (const p of pending) incoming[p.to] = 1;
      for (const p of byWeight) {
        const from = state.vmHost[p.v];
        let best = -1;
        let bestKey = -Infinity;
        for (let h = 0; h < H; h++) {
          if (h === from || h === p.to || !state.canHost(p.v, h)) continue;
          // Prefer a host no pending move waits on, then a running one, then the most room.
          const room = Math.min((state.limCores[h] - state.loadCores[h] - state.demCores[p.v]) / state.capCores[h], (state.limMem[h] - state.loadMem[h] - state.demMem[p.v]) / state.capMem[h]);
          const key = (incoming[h] ? 0 : 4) + (state.vmsOn(h).length ? 2 : 0) + room;
          if (key > bestKey) {
            best = h;
            bestKey = key;
          }
        }
        if (best < 0) continue;
        record(p.v, best, waves.length, true);
        state.move(p.v, best);
        closeWave([p.v]);
        p.parked = true;
        return;
      }
    }
    const p = pending[0];
    drop(p, allowPark ? 'its moves wait on each other in a cycle and no third host has room to park one' : 'its moves wait on each other in a cycle (temporary hosts not allowed)');
  }

  function drop(p: Pending, reason: string): void {
    dropped.push({ vm: state.vms[p.v].id, from: state.hosts[state.vmHost[p.v]].id, to: state.hosts[p.to].id, reason: p.parked ? `${reason}; it stays on parking host ${state.hosts[state.vmHost[p.v]].id}` : reason });
    pending = pending.filter((x) => x !== p);
  }

  function weight(v: number): number {
    const h = state.vmHost[v];
    return state.demCores[v] / state.capCores[h] + state.demMem[v] / state.capMem[h];
  }
}

export interface PlanViolation {
  step: number;
  vm: string;
  kind: 'unknown' | 'not-on-source' | 'same-host' | 'pinned' | 'maintenance' | 'capacity' | 'anti-affinity' | 'concurrency' | 'vm-twice-in-wave' | 'wave-order';
  message: string;
}

/**
 * Replays `steps` from `initial` and returns the first rule a step breaks, or null. Steps with the
 * same `wave` are checked as running at once (see the file's comment); a step without a wave runs
 * alone. Checked: the VM exists and runs on `from`, is not pinned, the target exists, differs, is
 * not in maintenance, has room (within the packing limit and allocation caps) and holds no VM of
 * the VM's anti-affinity groups, and no host exceeds maxConcurrentPerHost migrations in a wave.
 */
export function verifyPlan(initial: ClusterState, steps: readonly { vm: string; from: string; to: string; wave?: number }[], opts: { maxConcurrentPerHost?: number } = {}): PlanViolation | null {
  const state = initial.clone();
  const G = state.groupNames.length;
  const conc = opts.maxConcurrentPerHost ?? DEFAULT_MAX_CONCURRENT_PER_HOST;
  let i = 0;
  let lastWave = -Infinity;
  while (i < steps.length) {
    const w = steps[i].wave;
    if (w !== undefined && w < lastWave) return { step: i, vm: steps[i].vm, kind: 'wave-order', message: `step ${i} is in wave ${w}, after wave ${lastWave}` };
    let j = i + 1;
    if (w !== undefined) while (j < steps.length && steps[j].wave === w) j++;
    if (w !== undefined) lastWave = w;
    const busy = new Map<number, number>();
    const extra = new Map<number, [number, number, number, number]>();
    const incoming = new Set<number>();
    const inWave = new Set<number>();
    const apply: [number, number][] = [];
    for (let k = i; k < j; k++) {
      const s = steps[k];
      const fail = (kind: PlanViolation['kind'], message: string): PlanViolation => ({ step: k, vm: s.vm, kind, message });
      const v = state.vmIndex.get(s.vm);
      const from = state.hostIndex.get(s.from);
      const to = state.hostIndex.get(s.to);
      if (v === undefined || from === undefined || to === undefined) return fail('unknown', `step ${k}: unknown ${v === undefined ? `VM ${s.vm}` : `host ${from === undefined ? s.from : s.to}`}`);
      if (inWave.has(v)) return fail('vm-twice-in-wave', `step ${k}: VM ${s.vm} moves twice in wave ${w}`);
      inWave.add(v);
      if (state.vmHost[v] !== from) return fail('not-on-source', `step ${k}: VM ${s.vm} runs on ${state.hosts[state.vmHost[v]].id}, not ${s.from}`);
      if (from === to) return fail('same-host', `step ${k}: source and target are both ${s.to}`);
      if (state.pinned[v]) return fail('pinned', `step ${k}: VM ${s.vm} is pinned`);
      if (state.maintenance[to]) return fail('maintenance', `step ${k}: target ${s.to} is in maintenance`);
      for (const h of [from, to]) {
        const n = (busy.get(h) ?? 0) + 1;
        if (n > conc) return fail('concurrency', `step ${k}: host ${state.hosts[h].id} would run ${n} migrations at once (limit ${conc})`);
        busy.set(h, n);
      }
      const e = extra.get(to) ?? [0, 0, 0, 0];
      if (!state.fitsCapacity(v, to, e[0], e[1], e[2], e[3])) return fail('capacity', `step ${k}: ${state.rejection(v, to) ?? `target ${s.to} has no room for the VMs arriving in wave ${w}`}`);
      const g = state.conflictingGroup(v, to);
      if (g >= 0) return fail('anti-affinity', `step ${k}: ${s.to} already runs a VM of anti-affinity group ${state.groupNames[g]}`);
      for (const gg of state.vmGroups[v]) {
        if (incoming.has(to * G + gg)) return fail('anti-affinity', `step ${k}: two VMs of anti-affinity group ${state.groupNames[gg]} arrive on ${s.to} in wave ${w}`);
        incoming.add(to * G + gg);
      }
      extra.set(to, [e[0] + state.demCores[v], e[1] + state.demMem[v], e[2] + state.allocCores[v], e[3] + state.allocMem[v]]);
      apply.push([v, to]);
    }
    for (const [v, to] of apply) state.move(v, to);
    i = j;
  }
  return null;
}
