/**
 * The fleet as the consolidation, hotspot and migration-plan algorithms see it: hosts with
 * capacities, VMs with an allocation, a usage profile, migration traits and anti-affinity groups,
 * and which VM runs where. Kept in flat typed arrays (one index per host and per VM) so a plan for
 * 10,000 VMs on 1,000 hosts is a few million array reads, not object graphs.
 *
 * What a VM "weighs" when packing is an explicit policy:
 * - `allocation`: its allocated cores and memory, targets at 100 %: never overcommits;
 * - `usage`: its usage profile (a predicted peak or high quantile, headroom included, chosen by
 *   the caller) against a stated target utilisation (default ≤ 80 % of a host's cores and ≤ 90 %
 *   of its memory), optionally with a cap on how far allocations may overcommit the host.
 * A host's limit is capacity × target; a VM fits a host when the demand placed on it stays within
 * the limit in both dimensions, no VM there shares an anti-affinity group with it, and the host is
 * not in maintenance.
 */

export type PackingBasis = 'allocation' | 'usage';

export interface PackingPolicy {
  basis: PackingBasis;
  /** Highest share of a host's cores (memory) the packed demand may reach, 0–1. */
  cpuTarget: number;
  memoryTarget: number;
  /**
   * Usage basis only: the most allocated cores (memory) a host may carry as a multiple of its
   * capacity (e.g. memory 1.5 = 50 % memory overcommit). Default: no cap.
   */
  maxAllocationRatio?: { cpu: number; memory: number };
}

export const ALLOCATION_PACKING: Readonly<PackingPolicy> = Object.freeze({ basis: 'allocation', cpuTarget: 1, memoryTarget: 1 });
export const USAGE_PACKING: Readonly<PackingPolicy> = Object.freeze({ basis: 'usage', cpuTarget: 0.8, memoryTarget: 0.9 });

export interface HostSpec {
  id: string;
  cores: number;
  memoryGiB: number;
  /** May this host be emptied and powered off? Default true. */
  powerOffEligible?: boolean;
  /** A host in maintenance takes no VMs. */
  maintenance?: boolean;
  /** The cluster it belongs to (inventory label `cluster`); plans never mix clusters. */
  cluster?: string;
}

export interface VmSpec {
  id: string;
  /** The host it runs on now. */
  host: string;
  /** Allocated cores and memory. */
  cores: number;
  memoryGiB: number;
  /** Predicted demand to pack by under the usage basis (peak or high quantile, with headroom). Default: the allocation. */
  usage?: { cores: number; memoryGiB: number };
  /** Migration traits: memory to copy (default: allocated memory) and dirty rate (default: the caller's). */
  migration?: { memoryGiB?: number; dirtyRateMiBps?: number };
  /** Anti-affinity groups: two VMs sharing one never run on the same host. */
  antiAffinity?: readonly string[];
  /** A pinned VM is never moved (so its host is never emptied). */
  pinned?: boolean;
}

export interface StateViolation {
  kind: 'capacity' | 'allocation' | 'anti-affinity' | 'maintenance';
  host: string;
  message: string;
}

const EPS = 1e-9;

export class ClusterState {
  readonly hosts: readonly HostSpec[];
  readonly vms: readonly VmSpec[];
  readonly policy: Readonly<PackingPolicy>;
  readonly hostIndex: ReadonlyMap<string, number>;
  readonly vmIndex: ReadonlyMap<string, number>;
  readonly groupNames: readonly string[];
  /** Per host: capacity and limit (capacity × target) in cores and GiB; allocation caps. */
  readonly capCores: Float64Array;
  readonly capMem: Float64Array;
  readonly limCores: Float64Array;
  readonly limMem: Float64Array;
  readonly allocCapCores: Float64Array;
  readonly allocCapMem: Float64Array;
  readonly maintenance: Uint8Array;
  readonly eligible: Uint8Array;
  /** Per VM: demand under the policy's basis, allocation, groups, pinned. */
  readonly demCores: Float64Array;
  readonly demMem: Float64Array;
  readonly allocCores: Float64Array;
  readonly allocMem: Float64Array;
  readonly vmGroups: readonly Int32Array[];
  readonly pinned: Uint8Array;
  /** Mutable: where each VM runs, each host's summed demand and allocation, and its VMs. */
  readonly vmHost: Int32Array;
  readonly loadCores: Float64Array;
  readonly loadMem: Float64Array;
  readonly loadAllocCores: Float64Array;
  readonly loadAllocMem: Float64Array;
  private readonly hostVmList: number[][];
  private readonly vmSlot: Int32Array;
  /** Members of each group per host, keyed host × groups + group. */
  private readonly groupCount: Map<number, number>;

  private constructor(src: {
    hosts: readonly HostSpec[];
    vms: readonly VmSpec[];
    policy: Readonly<PackingPolicy>;
    hostIndex: ReadonlyMap<string, number>;
    vmIndex: ReadonlyMap<string, number>;
    groupNames: readonly string[];
    capCores: Float64Array;
    capMem: Float64Array;
    limCores: Float64Array;
    limMem: Float64Array;
    allocCapCores: Float64Array;
    allocCapMem: Float64Array;
    maintenance: Uint8Array;
    eligible: Uint8Array;
    demCores: Float64Array;
    demMem: Float64Array;
    allocCores: Float64Array;
    allocMem: Float64Array;
    vmGroups: readonly Int32Array[];
    pinned: Uint8Array;
    vmHost: Int32Array;
    loadCores: Float64Array;
    loadMem: Float64Array;
    loadAllocCores: Float64Array;
    loadAllocMem: Float64Array;
    hostVmList: number[][];
    vmSlot: Int32Array;
    groupCount: Map<number, number>;
  }) {
    this.hosts = src.hosts;
    this.vms = src.vms;
    this.policy = src.policy;
    this.hostIndex = src.hostIndex;
    this.vmIndex = src.vmIndex;
    this.groupNames = src.groupNames;
    this.capCores = src.capCores;
    this.capMem = src.capMem;
    this.limCores = src.limCores;
    this.limMem = src.limMem;
    this.allocCapCores = src.allocCapCores;
    this.allocCapMem = src.allocCapMem;
    this.maintenance = src.maintenance;
    this.eligible = src.eligible;
    this.demCores = src.demCores;
    this.demMem = src.demMem;
    this.allocCores = src.allocCores;
    this.allocMem = src.allocMem;
    this.vmGroups = src.vmGroups;
    this.pinned = src.pinned;
    this.vmHost = src.vmHost;
    this.loadCores = src.loadCores;
    this.loadMem = src.loadMem;
    this.loadAllocCores = src.loadAllocCores;
    this.loadAllocMem = src.loadAllocMem;
    this.hostVmList = src.hostVmList;
    this.vmSlot = src.vmSlot;
    this.groupCount = src.groupCount;
  }

  /** Builds the state; throws on unknown hosts, duplicate ids, or non-finite sizes (a caller's mistake). */
  static from(hosts: readonly HostSpec[], vms: readonly VmSpec[], policy: Readonly<PackingPolicy> = ALLOCATION_PACKING): ClusterState {
    if (!(policy.cpuTarget > 0 && policy.cpuTarget <= 1 && policy.memoryTarget > 0 && policy.memoryTarget <= 1)) throw new RangeError('packing policy: cpuTarget and memoryTarget must be in (0, 1]');
    const H = hosts.length;
    const V = vms.length;
    const hostIndex = new Map<string, number>();
    hosts.forEach((h, i) => {
      if (hostIndex.has(h.id)) throw new RangeError(`duplicate host id ${h.id}`);
      if (!(h.cores > 0) || !(h.memoryGiB > 0)) throw new RangeError(`host ${h.id}: cores and memoryGiB must be > 0`);
      hostIndex.set(h.id, i);
    });
    const vmIndex = new Map<string, number>();
    const groupIds = new Map<string, number>();
    const vmGroups: Int32Array[] = [];
    const demCores = new Float64Array(V);
    const demMem = new Float64Array(V);
    const allocCores = new Float64Array(V);
    const allocMem = new Float64Array(V);
    const pinned = new Uint8Array(V);
    const vmHost = new Int32Array(V);
    const usage = policy.basis === 'usage';
    vms.forEach((v, i) => {
      if (vmIndex.has(v.id)) throw new RangeError(`duplicate VM id ${v.id}`);
      vmIndex.set(v.id, i);
      const h = hostIndex.get(v.host);
      if (h === undefined) throw new RangeError(`VM ${v.id}: unknown host ${v.host}`);
      vmHost[i] = h;
      const sizes = [v.cores, v.memoryGiB, v.usage?.cores ?? 0, v.usage?.memoryGiB ?? 0];
      if (!sizes.every((x) => Number.isFinite(x) && x >= 0)) throw new RangeError(`VM ${v.id}: sizes must be finite and ≥ 0`);
      allocCores[i] = v.cores;
      allocMem[i] = v.memoryGiB;
      demCores[i] = usage && v.usage ? v.usage.cores : v.cores;
      demMem[i] = usage && v.usage ? v.usage.memoryGiB : v.memoryGiB;
      pinned[i] = v.pinned ? 1 : 0;
      const gs = [...new Set(v.antiAffinity ?? [])].map((g) => {
        let id = groupIds.get(g);
        if (id === undefined) groupIds.set(g, (id = groupIds.size));
        return id;
      });
      vmGroups.push(Int32Array.from(gs));
    });
    const capCores = Float64Array.from(hosts, (h) => h.cores);
    const capMem = Float64Array.from(hosts, (h) => h.memoryGiB);
    const ratio = usage ? policy.maxAllocationRatio : { cpu: 1, memory: 1 };
    const state = new ClusterState({
      hosts,
      vms,
      policy: { ...policy },
      hostIndex,
      vmIndex,
      groupNames: [...groupIds.keys()],
      capCores,
      capMem,
      limCores: capCores.map((c) => c * policy.cpuTarget),
      limMem: capMem.map((m) => m * policy.memoryTarget),
      allocCapCores: capCores.map((c) => (ratio ? c * ratio.cpu : Infinity)),
      allocCapMem: capMem.map((m) => (ratio ? m * ratio.memory : Infinity)),
      maintenance: Uint8Array.from(hosts, (h) => (h.maintenance ? 1 : 0)),
      eligible: Uint8Array.from(hosts, (h) => (h.powerOffEligible === false ? 0 : 1)),
      demCores,
      demMem,
      allocCores,
      allocMem,
      vmGroups,
      pinned,
      vmHost,
      loadCores: new Float64Array(H),
      loadMem: new Float64Array(H),
      loadAllocCores: new Float64Array(H),
      loadAllocMem: new Float64Array(H),
      hostVmList: Array.from({ length: H }, () => []),
      vmSlot: new Int32Array(V),
      groupCount: new Map(),
    });
    for (let v = 0; v < V; v++) state.attach(v, vmHost[v]);
    return state;
  }

  get hostCount(): number {
    return this.hosts.length;
  }

  get vmCount(): number {
    return this.vms.length;
  }

  /** A deep copy of the mutable part (the specs and per-VM constants are shared). */
  clone(): ClusterState {
    return new ClusterState({
      ...this,
      vmHost: this.vmHost.slice(),
      loadCores: this.loadCores.slice(),
      loadMem: this.loadMem.slice(),
      loadAllocCores: this.loadAllocCores.slice(),
      loadAllocMem: this.loadAllocMem.slice(),
      hostVmList: this.hostVmList.map((l) => l.slice()),
      vmSlot: this.vmSlot.slice(),
      groupCount: new Map(this.groupCount),
    });
  }

  /** VM indices on host h (a live view: do not keep it across moves). */
  vmsOn(h: number): readonly number[] {
    return this.hostVmList[h];
  }

  /** Members of anti-affinity group g on host h. */
  groupMembers(h: number, g: number): number {
    return this.groupCount.get(h * this.groupNames.length + g) ?? 0;
  }

  /** Would v's demand (and allocation) fit within h's limits, given `extra` already reserved there? */
  fitsCapacity(v: number, h: number, extraCores = 0, extraMem = 0, extraAllocCores = 0, extraAllocMem = 0): boolean {
    return (
      this.loadCores[h] + extraCores + this.demCores[v] <= this.limCores[h] + EPS &&
      this.loadMem[h] + extraMem + this.demMem[v] <= this.limMem[h] + EPS &&
      this.loadAllocCores[h] + extraAllocCores + this.allocCores[v] <= this.allocCapCores[h] + EPS &&
      this.loadAllocMem[h] + extraAllocMem + this.allocMem[v] <= this.allocCapMem[h] + EPS
    );
  }

  /** The first anti-affinity group of v that already has a member on h other than v; -1 if none. */
  conflictingGroup(v: number, h: number): number {
    const gs = this.vmGroups[v];
    const G = this.groupNames.length;
    for (let i = 0; i < gs.length; i++) {
      const n = this.groupCount.get(h * G + gs[i]) ?? 0;
      if (n - (this.vmHost[v] === h ? 1 : 0) > 0) return gs[i];
    }
    return -1;
  }

  /** Can v move to h now: not its host, h not in maintenance, capacity and anti-affinity hold. */
  canHost(v: number, h: number): boolean {
    return h !== this.vmHost[v] && !this.maintenance[h] && this.fitsCapacity(v, h) && this.conflictingGroup(v, h) < 0;
  }

  /** Why v cannot move to h now, in words; null when it can. */
  rejection(v: number, h: number): string | null {
    const host = this.hosts[h].id;
    const vm = this.vms[v].id;
    if (h === this.vmHost[v]) return `VM ${vm} already runs on ${host}`;
    if (this.maintenance[h]) return `host ${host} is in maintenance`;
    if (this.loadCores[h] + this.demCores[v] > this.limCores[h] + EPS) return `host ${host} would reach ${this.fmtShare(this.loadCores[h] + this.demCores[v], this.capCores[h])} of its cores (limit ${this.fmtShare(this.limCores[h], this.capCores[h])})`;
    if (this.loadMem[h] + this.demMem[v] > this.limMem[h] + EPS) return `host ${host} would reach ${this.fmtShare(this.loadMem[h] + this.demMem[v], this.capMem[h])} of its memory (limit ${this.fmtShare(this.limMem[h], this.capMem[h])})`;
    if (this.loadAllocCores[h] + this.allocCores[v] > this.allocCapCores[h] + EPS) return `host ${host} would exceed its allocation cap on cores`;
    if (this.loadAllocMem[h] + this.allocMem[v] > this.allocCapMem[h] + EPS) return `host ${host} would exceed its allocation cap on memory`;
    const g = this.conflictingGroup(v, h);
    if (g >= 0) return `host ${host} already runs a VM of anti-affinity group ${this.groupNames[g]}`;
    return null;
  }

  /** Moves v to h (no checks: callers check first; verifyPlan replays independently). */
  move(v: number, h: number): void {
    this.detach(v);
    this.vmHost[v] = h;
    this.attach(v, h);
  }

  /** Hosts running at least one VM. */
  activeHosts(): number {
    let n = 0;
    for (let h = 0; h < this.hostCount; h++) if (this.hostVmList[h].length) n++;
    return n;
  }

  /** Is host h over its limit (or its allocation cap) in either dimension? */
  overLimit(h: number): boolean {
    return this.loadCores[h] > this.limCores[h] + EPS || this.loadMem[h] > this.limMem[h] + EPS || this.loadAllocCores[h] > this.allocCapCores[h] + EPS || this.loadAllocMem[h] > this.allocCapMem[h] + EPS;
  }

  /** Every rule the current placement breaks (capacity, allocation cap, anti-affinity, VMs on a maintenance host). */
  violations(): StateViolation[] {
    const out: StateViolation[] = [];
    const G = this.groupNames.length;
    for (let h = 0; h < this.hostCount; h++) {
      const id = this.hosts[h].id;
      if (this.loadCores[h] > this.limCores[h] + EPS || this.loadMem[h] > this.limMem[h] + EPS)
        out.push({ kind: 'capacity', host: id, message: `${id}: demand ${this.loadCores[h].toFixed(2)} cores / ${this.loadMem[h].toFixed(2)} GiB over limit ${this.limCores[h].toFixed(2)} / ${this.limMem[h].toFixed(2)}` });
      if (this.loadAllocCores[h] > this.allocCapCores[h] + EPS || this.loadAllocMem[h] > this.allocCapMem[h] + EPS) out.push({ kind: 'allocation', host: id, message: `${id}: allocation over its cap` });
      if (this.maintenance[h] && this.hostVmList[h].length) out.push({ kind: 'maintenance', host: id, message: `${id}: in maintenance with ${this.hostVmList[h].length} VM(s)` });
    }
    for (const [key, n] of this.groupCount) {
      if (n > 1) {
        const h = Math.floor(key / G);
        out.push({ kind: 'anti-affinity', host: this.hosts[h].id, message: `${this.hosts[h].id}: ${n} VMs of anti-affinity group ${this.groupNames[key - h * G]}` });
      }
    }
    return out;
  }

  /** VM id → host id. */
  assignment(): Map<string, string> {
    const out = new Map<string, string>();
    for (let v = 0; v < this.vmCount; v++) out.set(this.vms[v].id, this.hosts[this.vmHost[v]].id);
    return out;
  }

  /** Memory to copy and dirty rate of VM v for a migration estimate. */
  migrationInput(v: number, defaultDirtyRateMiBps: number): { memoryGiB: number; dirtyRateMiBps: number } {
    const m = this.vms[v].migration;
    return { memoryGiB: m?.memoryGiB ?? this.allocMem[v], dirtyRateMiBps: m?.dirtyRateMiBps ?? defaultDirtyRateMiBps };
  }

  private attach(v: number, h: number): void {
    const list = this.hostVmList[h];
    this.vmSlot[v] = list.length;
    list.push(v);
    this.loadCores[h] += this.demCores[v];
    this.loadMem[h] += this.demMem[v];
    this.loadAllocCores[h] += this.allocCores[v];
    this.loadAllocMem[h] += this.allocMem[v];
    const G = this.groupNames.length;
    for (const g of this.vmGroups[v]) this.groupCount.set(h * G + g, (this.groupCount.get(h * G + g) ?? 0) + 1);
  }

  private detach(v: number): void {
    const h = this.vmHost[v];
    const list = this.hostVmList[h];
    const slot = this.vmSlot[v];
    const last = list.pop()!;
    if (last !== v) {
      list[slot] = last;
      this.vmSlot[last] = slot;
    }
    this.loadCores[h] -= this.demCores[v];
    this.loadMem[h] -= this.demMem[v];
    this.loadAllocCores[h] -= this.allocCores[v];
    this.loadAllocMem[h] -= this.allocMem[v];
    // Sums drift by rounding; an emptied host is exactly empty.
    if (!list.length) this.loadCores[h] = this.loadMem[h] = this.loadAllocCores[h] = this.loadAllocMem[h] = 0;
    const G = this.groupNames.length;
    for (const g of this.vmGroups[v]) {
      const key = h * G + g;
      const n = (this.groupCount.get(key) ?? 0) - 1;
      if (n > 0) this.groupCount.set(key, n);
      else this.groupCount.delete(key);
    }
  }

  private fmtShare(x: number, cap: number): string {
    return `${((100 * x) / cap).toFixed(1)}%`;
  }
}

/** A migration: VM `vm` from host `from` to host `to` (ids). */
export interface Move {
  vm: string;
  from: string;
  to: string;
}
