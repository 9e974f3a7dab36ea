/**
 * Batch placement: N VM requests placed jointly onto one fleet, every hard rule of the
 * ConstraintChecker honoured at the moment each VM is placed, and the final state valid too.
 *
 * Goals: `minimize_hosts` (pack: fewest hosts running VMs, hosts already running VMs count as used)
 * and `balance` (lowest maximum, then lowest spread, of post-placement host utilisation, where a
 * host's utilisation is its fullest dimension among those the batch asks for).
 *
 * Algorithm: the requests are sorted by a size normalised per dimension (sum or max of
 * demand / largest host capacity), VMs tied by affinity (to a batch VM, or to a group with batch
 * members) kept together as a unit placed consecutively, the VMs a VM needs placed before it (a
 * unit's first VM prefers a host with room for the whole unit). Each VM goes to the first (FFD)
 * or tightest (BFD) allowed used host, else opens a new host. The bin-centric fill (BCF) lets the
 * largest VM left pick a host, then fills that host with the VMs whose demand best matches its
 * free room (dot product of normalised vectors) before moving on. Under `balance` each VM goes to
 * the allowed host left least utilised (worst fit). Then a local search: under `minimize_hosts`
 * it empties the least-loaded hosts the batch opened, re-placing their VMs on other used hosts
 * directly or by ejecting a smaller VM (which is re-placed in turn); under `balance` it moves or
 * swaps VMs off the most utilised hosts while that lowers the higher of the two hosts'
 * utilisation. Every move is re-checked against the hard rules. VMs left unplaced get a last try
 * on the final state. `algorithm: 'auto'` runs BCF, FFD and BFD under both size measures and keeps
 * the best. Nothing is random: the same input gives the same answer.
 *
 * What "valid" means (verifyAssignment checks both):
 * - replay: placing the VMs one by one in the result's order, each VM passes the ConstraintChecker
 *   on the fleet as it is at that moment (spread as the checker defines it, at scheduling time);
 * - final: in the final state, every placed VM would still be allowed on its host if it alone were
 *   taken out (so a later VM never broke an earlier one's anti-affinity, group affinity or spread).
 * The checker cannot know the rules of VMs it sees running; within a batch they are known, so a VM
 * is also refused a host where it would break an already placed batch VM's rule ('batch_conflict').
 * A VM joins its groups and the groups its spread rules name (the checker counts the request itself
 * as a member of the spread group).
 *
 * Speed: the checker is exact but allocates per call; hosts are first screened by a resource
 * precheck and a per-request cache of the rules that never change during a batch (status, labels,
 * security level, data centre, compliance, exclusions, maintenance). Both screens are the checker's
 * own rules, so a host they refuse is one the checker refuses: semantics are unchanged. Spread
 * costs a pass over the fleet per check in the checker; here group counts are kept per domain, a
 * host whose skew stays within bounds even against the emptiest domain of the whole fleet is let
 * through without that pass (the checker's minimum is over a subset, so it can only be higher),
 * and otherwise the checker decides on a few witness hosts, one per counted domain, which give
 * it the same counted domains as the whole fleet. The randomised tests hold every result to
 * verifyAssignment, which uses the checker's plain whole-fleet evaluation.
 */
import { ConstraintChecker, type Rejection, type RejectionCode } from './constraints.js';
import { RESOURCES, topologyValue, type PlacementHost, type PlacementRequest, type Resources, type TopologyKey } from './problem.js';

export type BatchGoal = 'minimize_hosts' | 'balance';
export type BatchAlgorithm = 'ffd' | 'bfd' | 'bcf' | 'auto';
export type SizeMeasure = 'sum' | 'max';

export interface BatchOptions {
  /** Default 'minimize_hosts'. */
  goal?: BatchGoal;
  /** Default 'auto' (BCF, FFD and BFD, keep the best). Ignored under 'balance' (worst fit). */
  algorithm?: BatchAlgorithm;
  /** Default 'auto' (both, keep the better). */
  sizeMeasure?: SizeMeasure | 'auto';
  /** Default true. */
  localSearch?: boolean;
  /** The checker's clock (maintenance windows, default run window). Default Date.now(). */
  now?: number;
  /** Local search passes over the candidate hosts (minimize_hosts). Default 4. */
  maxPasses?: number;
  /** Local search moves (balance). Default 20 × batch size. */
  maxMoves?: number;
  /**
   * Where the batch has spread rules, local-search changes are accepted only after a full replay
   * check (once per pass, or per emptied host when a pass fails it; per move under balance); this
   * bounds that work, counted in host evaluations. Default 4,000,000.
   */
  verificationBudget?: number;
}

export type BatchReasonCode = RejectionCode | 'batch_conflict' | 'no_hosts';

/** Why a VM was not placed: per reason, on how many hosts it applied, with one host's words. */
export interface ReasonSummary {
  code: BatchReasonCode;
  hosts: number;
  message: string;
}

export interface BatchPlacement {
  requestId: string;
  hostId: string | null;
  /** Empty when placed. */
  reasons: ReasonSummary[];
}

export interface BatchRunSummary {
  algorithm: 'ffd' | 'bfd' | 'bcf' | 'wfd';
  sizeMeasure: SizeMeasure;
  hostsUsed: number;
  placed: number;
  maxUtilisation: number;
  utilisationVariance: number;
}

export interface BatchSummary extends BatchRunSummary {
  goal: BatchGoal;
  hostsUsedBefore: number;
  hostsOpened: number;
  unplaced: number;
  meanUtilisation: number;
  localSearch: { moves: number; swaps: number; hostsEmptied: number; verifications: number; repaired: number };
  /** Every algorithm / size measure tried, the chosen one first. */
  tried: BatchRunSummary[];
  timeMs: number;
}

export interface BatchResult {
  /** One entry per request, in request order. */
  placements: BatchPlacement[];
  /** request id → host id (null: unplaced), placed VMs in the order they were (last) placed: the replay order. */
  assignment: Map<string, string | null>;
  /** The fleet after the batch (copies; the input hosts are not changed). */
  hosts: PlacementHost[];
  summary: BatchSummary;
}

export type ViolationCode = BatchReasonCode | 'unknown_request' | 'unknown_host' | 'duplicate_request';

export interface Violation {
  requestId: string;
  hostId: string | null;
  /** input: the assignment itself is malformed; replay: refused when placed in order; final: refused in the final state. */
  phase: 'input' | 'replay' | 'final';
  code: ViolationCode;
  message: string;
}

/** Rules that read only the host's fixed attributes and the request: their verdict holds for the whole batch. */
const STATIC_CODES: ReadonlySet<RejectionCode> = new Set<RejectionCode>(['not_available', 'security_level', 'datacenter', 'compliance', 'node_affinity', 'node_anti_affinity', 'excluded', 'maintenance']);
const R = RESOURCES.length;
/** Local search (minimize_hosts): consecutive hosts that could not be emptied before a pass stops. */
const MAX_FAILED_EMPTYINGS = 20;
/** Local search (minimize_hosts): ejection candidates tried for one VM. */
const MAX_EJECTION_TRIES = 30;
/** A local-search operation, to undo: [0, vm, host it left, its order] or [1, vm, host it joined, 0]. */
type Op = [0 | 1, number, number, number];

interface MutableHost extends PlacementHost {
  allocated: Resources;
  vms: Set<string>;
  groups: Map<string, number>;
}

function cloneHost(h: PlacementHost): MutableHost {
  return { ...h, allocated: { ...h.allocated }, vms: new Set(h.vms), groups: new Map(h.groups) };
}

const uniq = <T,>(xs: Iterable<T>): T[] => [...new Set(xs)];
const spreadKey = (over: TopologyKey, group: string) => `${over}\u0000${group}`;

/** See Fleet.spreadWitnesses. */
interface Witnesses {
  hosts: PlacementHost[];
  /** Per spread rule of the request: the domains the checker counts. */
  eligible: Set<string>[];
}

/**
 * A mutable copy of the fleet with a batch of requests: placing and removing keep the hosts'
 * allocations, VM sets, group counts and the checker's group index exact.
 */
class Fleet {
  readonly hosts: MutableHost[];
  readonly checker: ConstraintChecker;
  readonly H: number;
  readonly N: number;
  readonly cap: Float64Array;
  readonly alloc: Float64Array;
  readonly dem: Float64Array;
  readonly hostOf: Int32Array;
  readonly seq: Float64Array;
  readonly onHost: number[][];
  /** Groups each request joins when placed. */
  readonly joined: string[][];
  readonly reqIndex = new Map<string, number>();
  readonly hostIndex = new Map<string, number>();
  readonly hasSpread: Uint8Array;
  readonly hasAnti: Uint8Array;
  /** group → batch requests with group affinity to it. */
  readonly affWatch = new Map<string, number[]>();
  /** group → batch requests with spread rules that it can affect (spread group or affinity group). */
  readonly spreadWatch = new Map<string, number[]>();
  readonly anySpread: boolean;
  private readonly staticMask: Uint8Array[];
  private readonly domainTable = new Map<TopologyKey, (string | undefined)[]>();
  private readonly allDomains = new Map<TopologyKey, string[]>();
  /** Per (topology key, group) named by a spread rule of the batch: members per domain. */
  private readonly spreadCounts = new Map<string, Map<string, number>>();
  /** group → the topology keys its spread counts are kept for. */
  private readonly countedKeys = new Map<string, TopologyKey[]>();
  private counter = 0;

  constructor(
    hosts: readonly PlacementHost[],
    readonly requests: readonly PlacementRequest[],
    readonly now: number,
  ) {
    this.hosts = hosts.map(cloneHost);
    this.H = hosts.length;
    this.N = requests.length;
    this.checker = new ConstraintChecker(this.hosts, now);
    this.cap = new Float64Array(this.H * R);
    this.alloc = new Float64Array(this.H * R);
    this.hosts.forEach((h, i) => {
      if (this.hostIndex.has(h.id)) throw new Error(`duplicate host id ${h.id}`);
      this.hostIndex.set(h.id, i);
      RESOURCES.forEach((k, j) => {
        this.cap[i * R + j] = h.capacity[k];
        this.alloc[i * R + j] = h.allocated[k];
      });
    });
    this.dem = new Float64Array(this.N * R);
    this.hostOf = new Int32Array(this.N).fill(-1);
    this.seq = new Float64Array(this.N);
    this.onHost = Array.from({ length: this.H }, () => []);
    this.hasSpread = new Uint8Array(this.N);
    this.hasAnti = new Uint8Array(this.N);
    this.joined = [];
    const masks = new Map<string, Uint8Array>();
    this.staticMask = [];
    requests.forEach((r, i) => {
      if (this.reqIndex.has(r.id)) throw new Error(`duplicate request id ${r.id}`);
      this.reqIndex.set(r.id, i);
      RESOURCES.forEach((k, j) => (this.dem[i * R + j] = r.resources[k]));
      this.joined.push(uniq([...r.groups, ...(r.spread ?? []).map((s) => s.group)]));
      this.hasSpread[i] = r.spread && r.spread.length ? 1 : 0;
      this.hasAnti[i] = (r.vmAntiAffinity?.vms?.length ?? 0) + (r.vmAntiAffinity?.groups?.length ?? 0) > 0 ? 1 : 0;
      for (const g of uniq(r.vmAffinity?.groups ?? [])) push(this.affWatch, g, i);
      if (this.hasSpread[i]) for (const g of uniq([...(r.spread ?? []).map((s) => s.group), ...(r.vmAffinity?.groups ?? [])])) push(this.spreadWatch, g, i);
      // Everything but the rules that depend on the fleet's state (and fields no rule reads).
      const sig = JSON.stringify({ ...r, id: undefined, resources: undefined, groups: undefined, vmAffinity: undefined, vmAntiAffinity: undefined, spread: undefined, soft: undefined });
      let mask = masks.get(sig);
      if (!mask) {
        mask = new Uint8Array(this.H);
        for (let h = 0; h < this.H; h++) mask[h] = this.checker.hostRules(r, this.hosts[h]).some((x) => STATIC_CODES.has(x.code)) ? 0 : 1;
        masks.set(sig, mask);
      }
      this.staticMask.push(mask);
    });
    for (const h of this.hosts) for (const v of h.vms) if (this.reqIndex.has(v)) throw new Error(`request ${v} already runs on host ${h.id}`);
    this.anySpread = this.hasSpread.some((x) => x === 1);
    for (const r of requests) {
      for (const rule of r.spread ?? []) {
        const key = spreadKey(rule.over, rule.group);
        if (this.spreadCounts.has(key)) continue;
        const counts = new Map<string, number>();
        for (let h = 0; h < this.H; h++) {
          const d = this.domainOf(rule.over, h);
          const n = this.hosts[h].groups.get(rule.group) ?? 0;
          if (d !== undefined && n) counts.set(d, (counts.get(d) ?? 0) + n);
        }
        this.spreadCounts.set(key, counts);
        push(this.countedKeys, rule.group, rule.over);
      }
    }
  }

  private count(i: number, h: number, delta: number): void {
    for (const g of this.joined[i]) {
      for (const over of this.countedKeys.get(g) ?? []) {
        const d = this.domainOf(over, h);
        if (d === undefined) continue;
        const counts = this.spreadCounts.get(spreadKey(over, g))!;
        counts.set(d, (counts.get(d) ?? 0) + delta);
      }
    }
  }

  staticOk(i: number, h: number): boolean {
    return this.staticMask[i][h] === 1;
  }

  /** The checker's resource rule, read from the mirrored arrays (same arithmetic, same answer). */
  fits(i: number, h: number): boolean {
    const o = i * R;
    const p = h * R;
    for (let k = 0; k < R; k++) {
      const d = this.dem[o + k];
      if (d > 0 && this.alloc[p + k] + d > this.cap[p + k] + 1e-9) return false;
    }
    return true;
  }

  /** Whether `extra` (summed demand) fits on h beside what is there. */
  fitsVector(extra: Float64Array, h: number): boolean {
    const p = h * R;
    for (let k = 0; k < R; k++) if (extra[k] > 0 && this.alloc[p + k] + extra[k] > this.cap[p + k] + 1e-9) return false;
    return true;
  }

  /** Cheap screens: the checker refuses any host failing them. */
  screened(i: number, h: number): boolean {
    return this.staticMask[i][h] === 1 && this.fits(i, h);
  }

  /** The checker's non-spread rules on one host. */
  rulesOk(i: number, h: number): boolean {
    return this.checker.hostRules(this.requests[i], this.hosts[h]).length === 0;
  }

  /** A host's value at a topology level, from a per-level table built once. */
  domainOf(key: TopologyKey, h: number): string | undefined {
    let t = this.domainTable.get(key);
    if (!t) this.domainTable.set(key, (t = this.hosts.map((x) => topologyValue(x, key))));
    return t[h];
  }

  /**
   * For a request with spread rules: hosts that pass the non-spread rules, at least one in every
   * domain (of each rule's key) that has one, and per rule those domains (the domains the checker
   * counts). Evaluating a host together with these hosts gives the checker's whole-fleet verdict
   * for it (the counted domains are the same), at a fraction of the cost.
   */
  spreadWitnesses(i: number): Witnesses {
    const rules = this.requests[i].spread ?? [];
    const eligible = rules.map(() => new Set<string>());
    const hosts: PlacementHost[] = [];
    for (let x = 0; x < this.H; x++) {
      if (!this.screened(i, x)) continue;
      let need = false;
      for (let k = 0; k < rules.length && !need; k++) {
        const d = this.domainOf(rules[k].over, x);
        need = d !== undefined && !eligible[k].has(d);
      }
      if (!need || !this.rulesOk(i, x)) continue;
      hosts.push(this.hosts[x]);
      for (let k = 0; k < rules.length; k++) {
        const d = this.domainOf(rules[k].over, x);
        if (d !== undefined) eligible[k].add(d);
      }
    }
    return { hosts, eligible };
  }

  /**
   * A quick reading of the checker's spread rule from the witnesses' domains and group counts kept
   * per domain: true when it surely refuses h. A host it lets through is confirmed by the checker.
   */
  spreadSurelyRefuses(i: number, h: number, w: Witnesses): boolean {
    const rules = this.requests[i].spread ?? [];
    for (let k = 0; k < rules.length; k++) {
      const rule = rules[k];
      const d = this.domainOf(rule.over, h);
      if (d === undefined || !w.eligible[k].has(d)) return true;
      const counts = this.spreadCounts.get(spreadKey(rule.over, rule.group))!;
      let min = Infinity;
      for (const e of w.eligible[k]) min = Math.min(min, counts.get(e) ?? 0);
      if ((counts.get(d) ?? 0) + 1 - min > rule.maxSkew) return true;
    }
    return false;
  }

  /**
   * True when the checker surely lets h pass every spread rule of request i, given that h passes
   * the other rules: the checker's skew is count(h's domain) + 1 − min over the domains it counts,
   * and those domains are some of the fleet's, so the minimum over all of them bounds it.
   */
  spreadSurelyAllows(i: number, h: number): boolean {
    for (const rule of this.requests[i].spread ?? []) {
      const d = this.domainOf(rule.over, h);
      if (d === undefined) return false;
      const counts = this.spreadCounts.get(spreadKey(rule.over, rule.group))!;
      let all = this.allDomains.get(rule.over);
      if (!all) {
        all = uniq(this.hosts.map((_, x) => this.domainOf(rule.over, x)).filter((x): x is string => x !== undefined));
        this.allDomains.set(rule.over, all);
      }
      let min = Infinity;
      for (const e of all) min = Math.min(min, counts.get(e) ?? 0);
      if ((counts.get(d) ?? 0) + 1 - min > rule.maxSkew) return false;
    }
    return true;
  }

  /** The checker's verdict on h for a request with spread rules, given its witnesses. */
  spreadVerdict(i: number, h: number, w: Witnesses): Rejection[] {
    const verdicts = this.checker.evaluate(this.requests[i], [...w.hosts, this.hosts[h]]);
    return verdicts[verdicts.length - 1].rejections;
  }

  /** The checker's verdict for request i on host h in the current state (spread included). */
  verdict(i: number, h: number, fast: boolean): Rejection[] {
    const r = this.requests[i];
    if (!fast) return this.checker.evaluate(r)[h].rejections;
    const rules = this.checker.hostRules(r, this.hosts[h]);
    if (!this.hasSpread[i] || (rules.length === 0 && this.spreadSurelyAllows(i, h))) return rules;
    return this.spreadVerdict(i, h, this.spreadWitnesses(i));
  }

  place(i: number, h: number, seq?: number): void {
    const r = this.requests[i];
    const host = this.hosts[h];
    const p = h * R;
    RESOURCES.forEach((k, j) => {
      if (r.resources[k]) host.allocated[k] = host.allocated[k] + r.resources[k];
      this.alloc[p + j] = host.allocated[k];
    });
    host.vms.add(r.id);
    for (const g of this.joined[i]) host.groups.set(g, (host.groups.get(g) ?? 0) + 1);
    this.checker.syncGroups(host, this.joined[i]);
    this.count(i, h, 1);
    this.onHost[h].push(i);
    this.hostOf[i] = h;
    this.seq[i] = seq ?? ++this.counter;
  }

  remove(i: number): number {
    const h = this.hostOf[i];
    const r = this.requests[i];
    const host = this.hosts[h];
    const p = h * R;
    RESOURCES.forEach((k, j) => {
      if (r.resources[k]) host.allocated[k] = host.allocated[k] - r.resources[k];
      this.alloc[p + j] = host.allocated[k];
    });
    host.vms.delete(r.id);
    for (const g of this.joined[i]) {
      const n = (host.groups.get(g) ?? 0) - 1;
      if (n > 0) host.groups.set(g, n);
      else host.groups.delete(g);
    }
    this.checker.syncGroups(host, this.joined[i]);
    this.count(i, h, -1);
    const list = this.onHost[h];
    list.splice(list.indexOf(i), 1);
    this.hostOf[i] = -1;
    return h;
  }

  /** Whether placed request w still passes every rule on its host with w alone taken out. */
  private stillValid(w: number): boolean {
    const h = this.hostOf[w];
    const s = this.seq[w];
    this.remove(w);
    const ok = this.verdict(w, h, true).length === 0;
    this.place(w, h, s);
    return ok;
  }

  /**
   * The rule of an already placed batch VM that placing request i on host h would break, in
   * words, or null. Covers what the checker cannot see: earlier batch VMs' anti-affinity, their
   * group affinity, and their spread (assuming the current state is valid, only these can break).
   */
  batchConflict(i: number, h: number): string | null {
    const r = this.requests[i];
    const gi = this.joined[i];
    for (const w of this.onHost[h]) {
      if (w === i || !this.hasAnti[w]) continue;
      const a = this.requests[w].vmAntiAffinity!;
      if (a.vms?.includes(r.id)) return `VM ${this.requests[w].id} on this host refuses to run beside VM ${r.id}`;
      const g = a.groups?.find((x) => gi.includes(x));
      if (g !== undefined) return `VM ${this.requests[w].id} on this host refuses to run beside group ${g}`;
    }
    for (const g of gi) {
      for (const w of this.affWatch.get(g) ?? []) {
        const hw = this.hostOf[w];
        if (w === i || hw < 0 || hw === h) continue;
        const own = this.joined[w].includes(g) ? 1 : 0;
        if ((this.hosts[hw].groups.get(g) ?? 0) - own <= 0) return `VM ${this.requests[w].id} on host ${this.hosts[hw].id} must run beside group ${g}: its first member must join it there`;
      }
    }
    if (!this.anySpread) return null;
    const affected: number[] = [];
    for (const g of gi) {
      for (const w of this.spreadWatch.get(g) ?? []) {
        const hw = this.hostOf[w];
        if (w === i || hw < 0 || affected.includes(w)) continue;
        const rw = this.requests[w];
        const viaAffinity = rw.vmAffinity?.groups?.some((x) => gi.includes(x)) ?? false;
        const sameDomain = (rw.spread ?? []).some((s) => gi.includes(s.group) && this.domainOf(s.over, h) !== undefined && this.domainOf(s.over, h) === this.domainOf(s.over, hw));
        if (viaAffinity || sameDomain) affected.push(w);
      }
    }
    if (!affected.length) return null;
    this.place(i, h);
    this.counter--;
    let broken: number | null = null;
    for (const w of affected) {
      if (!this.stillValid(w)) {
        broken = w;
        break;
      }
    }
    this.remove(i);
    return broken === null ? null : `VM ${this.requests[broken].id} on host ${this.hosts[this.hostOf[broken]].id} would break its spread rule`;
  }

  /** Why request i has no host, tallied over the fleet as it is now. */
  explain(i: number): ReasonSummary[] {
    const tally = new Map<BatchReasonCode, ReasonSummary>();
    const add = (code: BatchReasonCode, message: string) => {
      const t = tally.get(code);
      if (t) t.hosts++;
      else tally.set(code, { code, hosts: 1, message });
    };
    this.checker.evaluate(this.requests[i]).forEach((v, h) => {
      for (const x of v.rejections) add(x.code, `${v.host.id}: ${x.message}`);
      if (v.rejections.length === 0) {
        const c = this.batchConflict(i, h);
        if (c) add('batch_conflict', `${v.host.id}: ${c}`);
      }
    });
    if (this.H === 0) return [{ code: 'no_hosts', hosts: 0, message: 'the fleet has no hosts' }];
    return [...tally.values()].sort((a, b) => b.hosts - a.hosts);
  }

  /** Placed requests in replay order. */
  order(): number[] {
    const placed: number[] = [];
    for (let i = 0; i < this.N; i++) if (this.hostOf[i] >= 0) placed.push(i);
    return placed.sort((a, b) => this.seq[a] - this.seq[b]);
  }

}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Replays an assignment on a copy of `hosts`; shared by verifyAssignment and the local search. */
function replay(hosts: readonly PlacementHost[], requests: readonly PlacementRequest[], entries: Iterable<[string, string | null]>, now: number, fast: boolean): Violation[] {
  const out: Violation[] = [];
  let fleet: Fleet;
  try {
    fleet = new Fleet(hosts, requests, now);
  } catch (e) {
    return [{ requestId: '', hostId: null, phase: 'input', code: 'duplicate_request', message: (e as Error).message }];
  }
  const seen = new Set<string>();
  const placed: number[] = [];
  for (const [rid, hid] of entries) {
    if (seen.has(rid)) {
      out.push({ requestId: rid, hostId: hid, phase: 'input', code: 'duplicate_request', message: `request ${rid} assigned twice` });
      continue;
    }
    seen.add(rid);
    const i = fleet.reqIndex.get(rid);
    if (i === undefined) {
      out.push({ requestId: rid, hostId: hid, phase: 'input', code: 'unknown_request', message: `no request ${rid} in the batch` });
      continue;
    }
    if (hid === null) continue;
    const h = fleet.hostIndex.get(hid);
    if (h === undefined) {
      out.push({ requestId: rid, hostId: hid, phase: 'input', code: 'unknown_host', message: `no host ${hid} in the fleet` });
      continue;
    }
    for (const x of fleet.verdict(i, h, fast)) out.push({ requestId: rid, hostId: hid, phase: 'replay', code: x.code, message: x.message });
    fleet.place(i, h);
    placed.push(i);
  }
  for (const i of placed) {
    const h = fleet.hostOf[i];
    const s = fleet.seq[i];
    fleet.remove(i);
    for (const x of fleet.verdict(i, h, fast)) out.push({ requestId: fleet.requests[i].id, hostId: fleet.hosts[h].id, phase: 'final', code: x.code, message: x.message });
    fleet.place(i, h, s);
  }
  return out;
}

/**
 * Replays `assignment` (request id → host id or null, in placement order: pass a Map to control
 * the order) on the fleet `hosts` and reports every broken hard rule: each VM against the
 * ConstraintChecker at the moment it is placed, then each VM in the final state with only itself
 * taken out. Uses the checker's plain whole-fleet evaluation (no screens). Empty: valid.
 */
export function verifyAssignment(
  hosts: readonly PlacementHost[],
  requests: readonly PlacementRequest[],
  assignment: ReadonlyMap<string, string | null> | Readonly<Record<string, string | null>>,
  opts: { now?: number } = {},
): Violation[] {
  const entries = assignment instanceof Map ? [...assignment.entries()] : Object.entries(assignment as Record<string, string | null>);
  return replay(hosts, requests, entries, opts.now ?? Date.now(), false);
}

interface RunConfig {
  goal: BatchGoal;
  algorithm: 'ffd' | 'bfd' | 'bcf' | 'wfd';
  measure: SizeMeasure;
  localSearch: boolean;
  maxPasses: number;
  maxMoves: number;
  verificationBudget: number;
}

interface RunOutcome {
  fleet: Fleet;
  summary: BatchRunSummary;
  meanUtilisation: number;
  stats: BatchSummary['localSearch'];
  unplacedOrder: number[];
}

/** The dimensions any request of the batch asks for, and the fleet's largest capacity in each. */
function dimensions(hosts: readonly PlacementHost[], requests: readonly PlacementRequest[]): { active: number[]; ref: Float64Array } {
  const ref = new Float64Array(R);
  const active: number[] = [];
  RESOURCES.forEach((k, j) => {
    for (const h of hosts) if (h.status === 'available') ref[j] = Math.max(ref[j], h.capacity[k]);
    if (ref[j] > 0 && requests.some((r) => r.resources[k] > 0)) active.push(j);
  });
  return { active, ref };
}

class Run {
  readonly f: Fleet;
  private readonly size: Float64Array;
  private readonly active: number[];
  private readonly ref: Float64Array;
  private readonly pinned: Uint8Array;
  private readonly hasAffinity: Uint8Array;
  private readonly openOrder: number[] = [];
  private readonly isUsed: Uint8Array;
  private readonly preUsed: Uint8Array;
  private readonly capSize: Float64Array;
  private readonly stats = { moves: 0, swaps: 0, hostsEmptied: 0, verifications: 0, repaired: 0 };
  private verifyWork = 0;
  private readonly units: number[][] = [];

  constructor(
    private readonly hosts: readonly PlacementHost[],
    private readonly requests: readonly PlacementRequest[],
    private readonly now: number,
    private readonly cfg: RunConfig,
  ) {
    const f = (this.f = new Fleet(hosts, requests, now));
    const dims = dimensions(hosts, requests);
    this.active = dims.active;
    this.ref = dims.ref;
    this.size = new Float64Array(f.N);
    for (let i = 0; i < f.N; i++) this.size[i] = this.measure(f.dem.subarray(i * R, i * R + R));
    this.isUsed = new Uint8Array(f.H);
    this.preUsed = new Uint8Array(f.H);
    this.capSize = new Float64Array(f.H);
    for (let h = 0; h < f.H; h++) {
      const pre = f.hosts[h].vms.size > 0 || RESOURCES.some((k) => f.hosts[h].allocated[k] > 0);
      this.preUsed[h] = this.isUsed[h] = pre ? 1 : 0;
      if (pre) this.openOrder.push(h);
      for (const j of this.active) this.capSize[h] += f.cap[h * R + j] / this.ref[j];
    }
    this.pinned = new Uint8Array(f.N);
    this.hasAffinity = new Uint8Array(f.N);
    for (let i = 0; i < f.N; i++) this.hasAffinity[i] = (requests[i].vmAffinity?.vms?.length ?? 0) + (requests[i].vmAffinity?.groups?.length ?? 0) > 0 ? 1 : 0;
    this.buildUnits();
  }

  private measure(d: ArrayLike<number>): number {
    let s = 0;
    for (const j of this.active) {
      const x = Math.max(0, d[j]) / this.ref[j];
      s = this.cfg.measure === 'max' ? Math.max(s, x) : s + x;
    }
    return s;
  }

  /** Affinity units (union-find over "needs"), each in dependency order, units by size decreasing. */
  private buildUnits(): void {
    const f = this.f;
    const members = new Map<string, number[]>();
    for (let i = 0; i < f.N; i++) for (const g of f.joined[i]) push(members, g, i);
    const deps: number[][] = Array.from({ length: f.N }, () => []);
    const parent = Int32Array.from({ length: f.N }, (_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) x = parent[x] = parent[parent[x]];
      return x;
    };
    for (let i = 0; i < f.N; i++) {
      const r = this.requests[i];
      const need = new Set<number>();
      for (const id of r.vmAffinity?.vms ?? []) {
        const j = f.reqIndex.get(id);
        if (j !== undefined && j !== i) need.add(j);
      }
      for (const g of r.vmAffinity?.groups ?? []) for (const j of members.get(g) ?? []) if (j !== i) need.add(j);
      for (const j of need) {
        deps[i].push(j);
        this.pinned[j] = 1;
        parent[find(i)] = find(j);
      }
    }
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < f.N; i++) push(byRoot, find(i), i);
    const units = [...byRoot.values()];
    const unitSize = new Map<number[], number>();
    for (const u of units) {
      const sum = new Float64Array(R);
      for (const i of u) for (let k = 0; k < R; k++) sum[k] += Math.max(0, f.dem[i * R + k]);
      unitSize.set(u, this.measure(sum));
    }
    const prio = (a: number, b: number) => this.size[b] - this.size[a] || a - b;
    units.sort((a, b) => unitSize.get(b)! - unitSize.get(a)! || a[0] - b[0]);
    for (const u of units) {
      if (u.length === 1) {
        this.units.push(u);
        continue;
      }
      // Kahn's order inside the unit: what a VM needs goes first; a cycle is broken by priority.
      const left = new Set(u);
      const ordered: number[] = [];
      while (left.size) {
        const ready = [...left].filter((i) => deps[i].every((j) => !left.has(j))).sort(prio);
        const next = ready.length ? ready[0] : [...left].sort(prio)[0];
        ordered.push(next);
        left.delete(next);
      }
      this.units.push(ordered);
    }
  }

  private util(h: number): number {
    const f = this.f;
    let u = 0;
    for (const j of this.active) {
      const c = f.cap[h * R + j];
      if (c > 0) u = Math.max(u, f.alloc[h * R + j] / c);
    }
    return u;
  }

  private utilWith(h: number, i: number): number {
    const f = this.f;
    let u = 0;
    for (const j of this.active) {
      const c = f.cap[h * R + j];
      if (c > 0) u = Math.max(u, (f.alloc[h * R + j] + Math.max(0, f.dem[i * R + j])) / c);
    }
    return u;
  }

  /** Utilisation of h with `out` taken off and `inn` added. */
  private utilSwapped(h: number, out: number, inn: number): number {
    const f = this.f;
    let u = 0;
    for (const j of this.active) {
      const c = f.cap[h * R + j];
      if (c > 0) u = Math.max(u, (f.alloc[h * R + j] - Math.max(0, f.dem[out * R + j]) + Math.max(0, f.dem[inn * R + j])) / c);
    }
    return u;
  }

  /** Normalised room left on h once i is placed (BFD: smaller is tighter). */
  private residual(h: number, i: number): number {
    const f = this.f;
    let s = 0;
    for (const j of this.active) {
      const c = f.cap[h * R + j];
      if (c > 0) s += (c - f.alloc[h * R + j] - Math.max(0, f.dem[i * R + j])) / c;
    }
    return s;
  }

  private load(h: number): number {
    const f = this.f;
    let s = 0;
    for (const j of this.active) {
      const c = f.cap[h * R + j];
      if (c > 0) s += f.alloc[h * R + j] / c;
    }
    return s;
  }

  /** Whether the checker and the batch's own rules allow i on h (`witnesses`: see Fleet.spreadWitnesses). */
  private allowed(i: number, h: number, witnesses: (() => Witnesses) | null): boolean {
    const f = this.f;
    if (!f.screened(i, h)) return false;
    if (!f.rulesOk(i, h)) return false;
    if (witnesses && !f.spreadSurelyAllows(i, h)) {
      const w = witnesses();
      if (f.spreadSurelyRefuses(i, h, w) || f.spreadVerdict(i, h, w).length > 0) return false;
    }
    return f.batchConflict(i, h) === null;
  }

  /** The host chosen for i by the run's rule among `pool` (null: any host), or -1. */
  private choose(i: number, extra: Float64Array | null, pool: 'any' | 'used', exclude: readonly number[] = []): number {
    const f = this.f;
    const witnesses = f.hasSpread[i] ? this.lazyWitnesses(i) : null;
    const ok = (h: number) => !exclude.includes(h) && (!extra || f.fitsVector(extra, h)) && this.allowed(i, h, witnesses);
    const first = (cands: number[], key: (h: number) => number): number => {
      if (!cands.length) return -1;
      const keys = new Float64Array(f.H);
      for (const h of cands) keys[h] = key(h);
      // Usually the best passes: find it linearly, sort only when it does not.
      let best = -1;
      for (const h of cands) if (best < 0 || keys[h] < keys[best] || (keys[h] === keys[best] && h < best)) best = h;
      if (ok(best)) return best;
      const sorted = cands.filter((h) => h !== best).sort((a, b) => keys[a] - keys[b] || a - b);
      for (const h of sorted) if (ok(h)) return h;
      return -1;
    };
    if (this.cfg.algorithm === 'wfd') {
      const cands: number[] = [];
      for (let h = 0; h < f.H; h++) if ((pool === 'any' || this.isUsed[h]) && f.screened(i, h)) cands.push(h);
      return first(cands, (h) => this.utilWith(h, i) + 1e-9 * this.load(h));
    }
    const used = this.openOrder.filter((h) => f.screened(i, h));
    if (this.cfg.algorithm === 'ffd') {
      for (const h of used) if (ok(h)) return h;
    } else {
      // bfd, and bcf when a VM picks its host
      const h = first(used, (x) => this.residual(x, i));
      if (h >= 0) return h;
    }
    if (pool === 'used') return -1;
    const fresh: number[] = [];
    for (let h = 0; h < f.H; h++) if (!this.isUsed[h] && f.screened(i, h)) fresh.push(h);
    if (this.cfg.algorithm === 'ffd') {
      for (const h of fresh) if (ok(h)) return h;
      return -1;
    }
    return first(fresh, (h) => -this.capSize[h]);
  }

  private placeAt(i: number, h: number): void {
    this.f.place(i, h);
    if (!this.isUsed[h]) {
      this.isUsed[h] = 1;
      this.openOrder.push(h);
    }
  }

  private unplace(i: number): number {
    const h = this.f.remove(i);
    if (!this.preUsed[h] && this.f.onHost[h].length === 0 && this.isUsed[h]) {
      this.isUsed[h] = 0;
      this.openOrder.splice(this.openOrder.indexOf(h), 1);
    }
    return h;
  }

  /** Moves i to h keeping the used-host bookkeeping. */
  private moveTo(i: number, h: number, seq?: number): void {
    this.f.place(i, h, seq);
    if (!this.isUsed[h]) {
      this.isUsed[h] = 1;
      this.openOrder.push(h);
    }
  }

  private placeAll(): number[] {
    const f = this.f;
    const unplaced: number[] = [];
    const binCentric = this.cfg.algorithm === 'bcf';
    for (const u of this.units) {
      if (binCentric && u.length === 1) continue;
      let extra: Float64Array | null = null;
      if (u.length > 1) {
        extra = new Float64Array(R);
        for (const i of u) for (let k = 0; k < R; k++) extra[k] += Math.max(0, f.dem[i * R + k]);
      }
      let anchored = false;
      for (const i of u) {
        let h = -1;
        if (extra && !anchored) h = this.choose(i, extra, 'any');
        if (h < 0) h = this.choose(i, null, 'any');
        if (h < 0) {
          unplaced.push(i);
          continue;
        }
        anchored = true;
        this.placeAt(i, h);
      }
    }
    if (binCentric) unplaced.push(...this.fillHosts(this.units.filter((u) => u.length === 1).map((u) => u[0])));
    return unplaced;
  }

  /**
   * Bin-centric fill: the largest VM left picks its host (tightest used host, else a new one),
   * then that host is filled with the VMs whose demand best matches its remaining room (largest dot
   * product of normalised demand and normalised free capacity) until none fits.
   */
  private fillHosts(items: number[]): number[] {
    const f = this.f;
    const unplaced: number[] = [];
    const left = new Set(items);
    const score = new Float64Array(f.N);
    for (const i0 of items) {
      if (!left.has(i0)) continue;
      left.delete(i0);
      const h = this.choose(i0, null, 'any');
      if (h < 0) {
        unplaced.push(i0);
        continue;
      }
      this.placeAt(i0, h);
      // While h fills, a VM once refused stays refused (rules only tighten as h fills), unless
      // it has affinity rules, which a newcomer on h can satisfy.
      const refused = new Uint8Array(f.N);
      for (;;) {
        const cands: number[] = [];
        for (const i of left) {
          if (refused[i]) continue;
          if (!f.screened(i, h)) {
            refused[i] = 1;
            continue;
          }
          let sc = 0;
          for (const j of this.active) {
            const c = f.cap[h * R + j];
            if (c > 0) sc += (Math.max(0, f.dem[i * R + j]) / c) * ((c - f.alloc[h * R + j]) / c);
          }
          score[i] = sc;
          cands.push(i);
        }
        if (!cands.length) break;
        cands.sort((a, b) => score[b] - score[a] || a - b);
        let chosen = -1;
        for (const i of cands) {
          if (this.allowedNow(i, h)) {
            chosen = i;
            break;
          }
          if (!this.hasAffinity[i]) refused[i] = 1;
        }
        if (chosen < 0) break;
        left.delete(chosen);
        this.placeAt(chosen, h);
      }
    }
    return unplaced;
  }

  /** A full replay check of the current state (batches with spread rules only), within budget. */
  private verifyOk(): boolean {
    const f = this.f;
    let spreadVms = 0;
    for (let i = 0; i < f.N; i++) if (f.hasSpread[i] && f.hostOf[i] >= 0) spreadVms++;
    const cost = 2 * spreadVms * f.H + f.N;
    if (this.verifyWork + cost > this.cfg.verificationBudget) return false;
    this.verifyWork += cost;
    this.stats.verifications++;
    const entries: [string, string | null][] = f.order().map((i) => [this.requests[i].id, f.hosts[f.hostOf[i]].id]);
    return replay(this.hosts, this.requests, entries, this.now, true).length === 0;
  }

  /**
   * Tries to empty each host the batch opened, least loaded first, onto other used hosts. Where
   * the batch has spread rules, a pass is checked by one full replay at its end; if that fails the
   * pass is undone and redone checking each emptied host on its own.
   */
  private packSearch(): void {
    for (let pass = 0; pass < this.cfg.maxPasses; pass++) {
      let r = this.packPass(false);
      if (r === 'undone') r = this.packPass(true);
      if (r !== 'improved') break;
    }
  }

  private packPass(careful: boolean): 'improved' | 'none' | 'undone' {
    const f = this.f;
    const ops: Op[] = [];
    const emptiedHosts: number[] = [];
    const cands = this.openOrder.filter((h) => !this.preUsed[h]).sort((a, b) => this.load(a) - this.load(b) || a - b);
    // Hosts come least loaded first: after a run of failures the fuller rest will not empty either.
    let failures = 0;
    for (const s of cands) {
      if (failures >= MAX_FAILED_EMPTYINGS) break;
      if (!f.onHost[s].length || f.onHost[s].some((i) => this.pinned[i])) continue;
      const mark = ops.length;
      let ok = this.emptyHost(s, ops);
      if (ok && careful && f.anySpread) ok = this.verifyOk();
      if (!ok) {
        failures++;
        this.undo(ops, mark);
        if (careful && f.anySpread && this.verifyWork >= this.cfg.verificationBudget) break;
        continue;
      }
      failures = 0;
      this.isUsed[s] = 0;
      this.openOrder.splice(this.openOrder.indexOf(s), 1);
      emptiedHosts.push(s);
    }
    if (emptiedHosts.length && !careful && f.anySpread && !this.verifyOk()) {
      this.undo(ops, 0);
      for (const s of emptiedHosts) {
        this.isUsed[s] = 1;
        this.openOrder.push(s);
      }
      return 'undone';
    }
    this.stats.moves += ops.filter((o) => o[0] === 1).length;
    this.stats.hostsEmptied += emptiedHosts.length;
    return emptiedHosts.length ? 'improved' : 'none';
  }

  /** Reverts the operations after `from`, last first. */
  private undo(ops: Op[], from: number): void {
    for (let k = ops.length - 1; k >= from; k--) {
      const [kind, v, h, seq] = ops[k];
      if (kind === 1) this.f.remove(v);
      else this.f.place(v, h, seq);
    }
    ops.length = from;
  }

  /**
   * Takes every VM off s and re-places them on the other used hosts, largest first: directly where
   * one fits, else by ejecting a smaller VM from a host (it joins the VMs to re-place). Each
   * ejection swaps a VM for a smaller one, so this ends; it is also bounded. False: gave up (the
   * caller undoes the operations).
   */
  private emptyHost(s: number, ops: Op[]): boolean {
    const f = this.f;
    const rm = (v: number) => {
      const seq = f.seq[v];
      ops.push([0, v, f.remove(v), seq]);
    };
    const put = (v: number, h: number) => {
      f.place(v, h);
      ops.push([1, v, h, 0]);
    };
    const pool = [...f.onHost[s]];
    for (const v of pool) rm(v);
    const maxSteps = 8 * pool.length + 20;
    for (let step = 0; pool.length; step++) {
      if (step >= maxSteps) return false;
      pool.sort((a, b) => this.size[b] - this.size[a] || a - b);
      const v = pool.shift()!;
      const t = this.choose(v, null, 'used', [s]);
      if (t >= 0) {
        put(v, t);
        continue;
      }
      // Ejection: the smallest VM whose leaving makes room for v, on the fullest host.
      const pairs: [number, number, number][] = [];
      for (const h of this.openOrder) {
        if (h === s) continue;
        for (const u of f.onHost[h]) {
          if (this.pinned[u] || !(this.size[u] < this.size[v]) || !this.fitsSwapped(h, u, v)) continue;
          pairs.push([h, u, this.size[u]]);
        }
      }
      pairs.sort((a, b) => a[2] - b[2] || this.load(b[0]) - this.load(a[0]) || a[0] - b[0] || a[1] - b[1]);
      let placed = false;
      for (const [h, u] of pairs.slice(0, MAX_EJECTION_TRIES)) {
        rm(u);
        if (this.allowedNow(v, h)) {
          put(v, h);
          pool.push(u);
          placed = true;
          break;
        }
        this.undo(ops, ops.length - 1);
      }
      if (!placed) return false;
    }
    return true;
  }

  /** Whether `inn` fits on h once `out` is taken off (the checker's resource arithmetic). */
  private fitsSwapped(h: number, out: number, inn: number): boolean {
    const f = this.f;
    for (let k = 0; k < R; k++) {
      const d = f.dem[inn * R + k];
      if (d > 0 && f.alloc[h * R + k] - Math.max(0, f.dem[out * R + k]) + d > f.cap[h * R + k] + 1e-9) return false;
    }
    return true;
  }

  /**
   * Moves and swaps off the most utilised hosts while the higher of the two hosts' utilisation
   * drops (each accepted change lowers the sorted utilisation vector, so this ends); a host that
   * cannot be improved is set aside, and the search stops at hosts no fuller than the mean.
   */
  private balanceSearch(): void {
    const f = this.f;
    const avail: number[] = [];
    for (let h = 0; h < f.H; h++) if (f.hosts[h].status === 'available') avail.push(h);
    const stuck = new Uint8Array(f.H);
    const tol = 1e-12;
    let mean = this.utilStats().mean;
    for (let budget = this.cfg.maxMoves; budget > 0; budget--) {
      let s = -1;
      let before = -1;
      for (const h of avail) {
        if (stuck[h] || !f.onHost[h].length) continue;
        const u = this.util(h);
        if (u > before) {
          s = h;
          before = u;
        }
      }
      if (s < 0 || before <= mean + tol) break;
      const vms = f.onHost[s].filter((i) => !this.pinned[i]).sort((a, b) => this.size[b] - this.size[a] || a - b);
      let improved = false;
      for (const v of vms) {
        const oldSeq = f.seq[v];
        this.unplace(v);
        const t = this.choose(v, null, 'any', [s]);
        if (t >= 0 && Math.max(this.utilWith(t, v), this.util(s)) < before - tol) {
          this.moveTo(v, t);
          if (!f.anySpread || this.verifyOk()) {
            improved = true;
            this.stats.moves++;
            break;
          }
          this.unplace(v);
        }
        this.moveTo(v, s, oldSeq);
      }
      if (!improved) improved = this.trySwap(s, vms, before, tol);
      if (improved) mean = this.utilStats().mean;
      else stuck[s] = 1;
    }
  }

  private trySwap(s: number, vms: number[], before: number, tol: number): boolean {
    const f = this.f;
    const targets: number[] = [];
    for (let h = 0; h < f.H; h++) if (h !== s && f.hosts[h].status === 'available' && f.onHost[h].length && this.util(h) < before - tol) targets.push(h);
    targets.sort((a, b) => this.util(a) - this.util(b) || a - b);
    for (const v of vms) {
      for (const t of targets.slice(0, 32)) {
        for (const u of f.onHost[t].filter((x) => !this.pinned[x] && this.size[x] < this.size[v])) {
          if (Math.max(this.utilSwapped(s, v, u), this.utilSwapped(t, u, v)) >= before - tol) continue;
          const sv = f.seq[v];
          const su = f.seq[u];
          this.unplace(v);
          this.unplace(u);
          let ok = false;
          if (this.allowedNow(v, t)) {
            this.moveTo(v, t);
            if (this.allowedNow(u, s)) {
              this.moveTo(u, s);
              ok = Math.max(this.util(s), this.util(t)) < before - tol && (!f.anySpread || this.verifyOk());
              if (ok) {
                this.stats.swaps++;
                return true;
              }
              this.unplace(u);
            }
            this.unplace(v);
          }
          this.moveTo(v, s, sv);
          this.moveTo(u, t, su);
        }
      }
    }
    return false;
  }

  private allowedNow(i: number, h: number): boolean {
    return this.allowed(i, h, this.f.hasSpread[i] ? this.lazyWitnesses(i) : null);
  }

  /** Witnesses computed on first use, for one decision (the fleet must not change meanwhile). */
  private lazyWitnesses(i: number): () => Witnesses {
    let w: Witnesses | null = null;
    return () => (w ??= this.f.spreadWitnesses(i));
  }

  /** Last try for the VMs left out, on the final state, until nothing more fits. */
  private repair(unplaced: number[]): number[] {
    let left = unplaced;
    for (;;) {
      const still: number[] = [];
      for (const i of left) {
        const h = this.choose(i, null, 'any');
        if (h < 0) still.push(i);
        else {
          this.placeAt(i, h);
          this.stats.repaired++;
        }
      }
      if (still.length === left.length) return still;
      left = still;
    }
  }

  run(): RunOutcome {
    let unplaced = this.placeAll();
    if (this.cfg.localSearch) {
      if (this.cfg.goal === 'minimize_hosts') this.packSearch();
      else this.balanceSearch();
    }
    if (unplaced.length) unplaced = this.repair(unplaced);
    const f = this.f;
    const { max, mean, variance } = this.utilStats();
    let hostsUsed = 0;
    for (let h = 0; h < f.H; h++) if (this.preUsed[h] || f.onHost[h].length) hostsUsed++;
    return {
      fleet: f,
      summary: { algorithm: this.cfg.algorithm, sizeMeasure: this.cfg.measure, hostsUsed, placed: f.N - unplaced.length, maxUtilisation: max, utilisationVariance: variance },
      meanUtilisation: mean,
      stats: { ...this.stats },
      unplacedOrder: unplaced,
    };
  }

  utilStats(): { max: number; mean: number; variance: number } {
    const f = this.f;
    let n = 0;
    let sum = 0;
    let sq = 0;
    let max = 0;
    for (let h = 0; h < f.H; h++) {
      if (f.hosts[h].status !== 'available') continue;
      const u = this.util(h);
      n++;
      sum += u;
      sq += u * u;
      max = Math.max(max, u);
    }
    const mean = n ? sum / n : 0;
    return { max, mean, variance: n ? Math.max(0, sq / n - mean * mean) : 0 };
  }
}

function better(goal: BatchGoal, a: BatchRunSummary, b: BatchRunSummary): boolean {
  if (a.placed !== b.placed) return a.placed > b.placed;
  if (goal === 'minimize_hosts') return a.hostsUsed < b.hostsUsed;
  if (Math.abs(a.maxUtilisation - b.maxUtilisation) > 1e-12) return a.maxUtilisation < b.maxUtilisation;
  return a.utilisationVariance < b.utilisationVariance - 1e-15;
}

/** Places a batch of requests jointly (see the file comment for goals, algorithms and guarantees). */
export function placeBatch(hosts: readonly PlacementHost[], requests: readonly PlacementRequest[], opts: BatchOptions = {}): BatchResult {
  const started = performance.now();
  const goal = opts.goal ?? 'minimize_hosts';
  const now = opts.now ?? Date.now();
  const algorithms: ('ffd' | 'bfd' | 'bcf' | 'wfd')[] = goal === 'balance' ? ['wfd'] : opts.algorithm && opts.algorithm !== 'auto' ? [opts.algorithm] : ['bcf', 'ffd', 'bfd'];
  const measures: SizeMeasure[] = opts.sizeMeasure && opts.sizeMeasure !== 'auto' ? [opts.sizeMeasure] : ['sum', 'max'];
  let best: RunOutcome | null = null;
  const tried: BatchRunSummary[] = [];
  for (const algorithm of algorithms) {
    for (const measure of measures) {
      const run = new Run(hosts, requests, now, {
        goal,
        algorithm,
        measure,
        localSearch: opts.localSearch ?? true,
        maxPasses: opts.maxPasses ?? 4,
        maxMoves: opts.maxMoves ?? 20 * Math.max(1, requests.length),
        verificationBudget: opts.verificationBudget ?? 4_000_000,
      });
      const out = run.run();
      tried.push(out.summary);
      if (!best || better(goal, out.summary, best.summary)) best = out;
    }
  }
  const b = best!;
  const f = b.fleet;
  const unplacedSet = new Set(b.unplacedOrder);
  const placements: BatchPlacement[] = requests.map((r, i) => ({
    requestId: r.id,
    hostId: f.hostOf[i] >= 0 ? f.hosts[f.hostOf[i]].id : null,
    reasons: unplacedSet.has(i) ? f.explain(i) : [],
  }));
  const assignment = new Map<string, string | null>();
  for (const i of f.order()) assignment.set(requests[i].id, f.hosts[f.hostOf[i]].id);
  for (const i of b.unplacedOrder) assignment.set(requests[i].id, null);
  const usedBefore = new Set(hosts.filter((h) => h.vms.size > 0 || RESOURCES.some((k) => h.allocated[k] > 0)).map((h) => h.id));
  const hostsUsedBefore = usedBefore.size;
  const hostsOpened = f.hosts.filter((h) => h.vms.size > 0 && !usedBefore.has(h.id)).length;
  tried.splice(tried.indexOf(b.summary), 1);
  return {
    placements,
    assignment,
    hosts: f.hosts,
    summary: {
      goal,
      ...b.summary,
      hostsUsedBefore,
      hostsOpened,
      unplaced: b.unplacedOrder.length,
      meanUtilisation: b.meanUtilisation,
      localSearch: b.stats,
      tried: [b.summary, ...tried],
      timeMs: performance.now() - started,
    },
  };
}
