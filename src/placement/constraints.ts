/**
 * The hard constraints of placement: a host either satisfies every rule the operator set for a
 * request or is refused with the exact reasons, one per broken rule. Nothing here scores; a host
 * that passes is merely allowed (factors and objectives choose among the allowed).
 *
 * Spread follows Kubernetes' topology spread (DoNotSchedule): the group's members are counted per
 * domain of the topology key over the hosts that pass every other rule; placing on a host in
 * domain d is allowed when count(d) + 1 − min over those domains ≤ maxSkew. A host without a value
 * for the key cannot be counted and is refused for that rule.
 */
import { RESOURCES, topologyValue, type LabelSelector, type PlacementHost, type PlacementRequest, type SpreadRule } from './problem.js';

export type RejectionCode =
  | 'not_available'
  | 'insufficient_resources'
  | 'security_level'
  | 'datacenter'
  | 'compliance'
  | 'node_affinity'
  | 'node_anti_affinity'
  | 'vm_affinity'
  | 'vm_anti_affinity'
  | 'spread'
  | 'excluded'
  | 'maintenance';

export interface Rejection {
  code: RejectionCode;
  message: string;
}

export interface HostVerdict {
  host: PlacementHost;
  rejections: Rejection[];
}

const DEFAULT_RUN_MS = 3_600_000;

/**
 * A frozen fleet's hosts as numbers for the hard rules that need no more (see partition): free
 * capacity per resource in RESOURCES order, 1 where available, security level (−Infinity when
 * unset), and the count of maintenance windows.
 */
export interface RuleColumns {
  free: Float64Array[];
  available: Uint8Array;
  security: Float64Array;
  maintenance: Uint16Array;
}

export function ruleColumns(hosts: readonly PlacementHost[]): RuleColumns {
  return {
    free: RESOURCES.map((k) => Float64Array.from(hosts, (h) => h.capacity[k] - h.allocated[k])),
    available: Uint8Array.from(hosts, (h) => (h.status === 'available' ? 1 : 0)),
    security: Float64Array.from(hosts, (h) => h.securityLevel ?? -Infinity),
    maintenance: Uint16Array.from(hosts, (h) => h.maintenance.length),
  };
}

/** Whether every hard rule of the request is one RuleColumns decides. */
function onlyColumnRules(r: PlacementRequest): boolean {
  return !(
    r.spread?.length ||
    r.complianceTags?.length ||
    r.nodeAffinity?.length ||
    r.nodeAntiAffinity?.length ||
    r.vmAffinity ||
    r.vmAntiAffinity ||
    r.allowedNodes?.length ||
    r.excludedNodes?.length ||
    r.datacenters?.length
  );
}

/** The rejections of a host that breaks no rule (shared, never written to). */
const NO_REJECTIONS: Rejection[] = Object.freeze([]) as unknown as Rejection[];

function selectorMatches(host: PlacementHost, s: LabelSelector): boolean {
  const v = host.labels[s.key];
  if (v === undefined) return false;
  return !s.values || s.values.length === 0 || s.values.includes(v);
}

const describe = (s: LabelSelector) => (s.values && s.values.length ? `${s.key} in [${s.values.join(', ')}]` : `${s.key} present`);

/**
 * A refused host whose reasons are worded when first read: an answer lists a hundred refused
 * hosts at most, so wording ten thousand per decision would be wasted.
 */
class LazyRefusal implements HostVerdict {
  private words?: Rejection[];

  constructor(
    private readonly checker: ConstraintChecker,
    private readonly request: PlacementRequest,
    readonly host: PlacementHost,
  ) {}

  get rejections(): Rejection[] {
    return (this.words ??= this.checker.hostRules(this.request, this.host));
  }
}

/** Checks requests against one fleet; group placement anywhere in the fleet is indexed once. */
export class ConstraintChecker {
  /** Group → hosts running at least one member. */
  private readonly groupHosts = new Map<string, Set<string>>();

  constructor(
    readonly hosts: readonly PlacementHost[],
    private readonly now = Date.now(),
  ) {
    for (const h of hosts) {
      for (const [g, n] of h.groups) {
        if (n <= 0) continue;
        let set = this.groupHosts.get(g);
        if (!set) this.groupHosts.set(g, (set = new Set()));
        set.add(h.id);
      }
    }
  }

  /**
   * Every host with its rejections (empty: allowed). `candidates` (default: the whole fleet)
   * limits which hosts get a verdict; spread still counts the group over every host of the fleet.
   * The candidates' verdicts equal those of a whole-fleet evaluation when every domain (of each
   * spread rule's key) holding a host that passes the non-spread rules also holds such a host among
   * the candidates — e.g. when every host left out fails a non-spread rule.
   */
  evaluate(request: PlacementRequest, candidates: readonly PlacementHost[] = this.hosts): HostVerdict[] {
    const verdicts = candidates.map((host) => ({ host, rejections: this.hostRules(request, host) }));
    for (const rule of request.spread ?? []) this.applySpread(rule, verdicts);
    return verdicts;
  }

  /**
   * The fleet split into allowed rows and refused hosts (with their reasons), as one decision
   * needs it: without spread rules no verdict object is made for an allowed host.
   */
  partition(request: PlacementRequest, columns?: RuleColumns): { allowed: number[]; refused: HostVerdict[] } {
    const allowed: number[] = [];
    const refused: HostVerdict[] = [];
    if (columns && onlyColumnRules(request)) return this.partitionByColumns(request, columns);
    if (request.spread?.length) {
      const verdicts = this.evaluate(request);
      for (let i = 0; i < verdicts.length; i++) (verdicts[i].rejections.length ? refused.push(verdicts[i]) : allowed.push(i));
      return { allowed, refused };
    }
    for (let i = 0; i < this.hosts.length; i++) {
      if (this.passesFast(request, this.hosts[i])) allowed.push(i);
      else refused.push(this.refusal(request, this.hosts[i]));
    }
    return { allowed, refused };
  }

  /** A refused host; its reasons are put into words when first read (see LazyRefusal). */
  private refusal(request: PlacementRequest, host: PlacementHost): HostVerdict {
    return new LazyRefusal(this, request, host);
  }

  /**
   * partition() for a request whose rules are all in the columns (resources, status, security
   * level, maintenance): hosts are read as numbers, and only refused ones (for their reasons)
   * or ones with maintenance windows (for the overlap) are looked at as objects.
   */
  private partitionByColumns(request: PlacementRequest, columns: RuleColumns): { allowed: number[]; refused: HostVerdict[] } {
    const allowed: number[] = [];
    const refused: HostVerdict[] = [];
    const res = request.resources;
    const asks = RESOURCES.flatMap((k, j) => (res[k] > 0 ? [{ free: columns.free[j], need: res[k] - 1e-9 }] : []));
    const level = request.securityLevel;
    for (let i = 0; i < this.hosts.length; i++) {
      let ok = columns.available[i] === 1 && columns.maintenance[i] === 0 && (level === undefined || columns.security[i] >= level);
      for (let a = 0; ok && a < asks.length; a++) if (!(asks[a].free[i] >= asks[a].need)) ok = false;
      if (ok) {
        allowed.push(i);
        continue;
      }
      // Refused by a column, or a maintenance window that may or may not clash: the exact check decides.
      if (columns.maintenance[i] > 0 && this.passesFast(request, this.hosts[i])) allowed.push(i);
      else refused.push(this.refusal(request, this.hosts[i]));
    }
    return { allowed, refused };
  }

  /**
   * Re-reads `host.groups` for the named groups after the caller changed them (a VM placed on or
   * removed from the host), so that group affinity keeps seeing exactly where each group runs.
   */
  syncGroups(host: PlacementHost, groups: Iterable<string>): void {
    for (const g of groups) {
      let set = this.groupHosts.get(g);
      if ((host.groups.get(g) ?? 0) > 0) {
        if (!set) this.groupHosts.set(g, (set = new Set()));
        set.add(host.id);
      } else if (set) {
        set.delete(host.id);
        if (set.size === 0) this.groupHosts.delete(g);
      }
    }
  }

  /** The allowed hosts only. */
  feasible(request: PlacementRequest): PlacementHost[] {
    return this.evaluate(request).filter((v) => v.rejections.length === 0).map((v) => v.host);
  }

  /** Every rule except spread, which depends on the other hosts' verdicts. */
  hostRules(r: PlacementRequest, h: PlacementHost): Rejection[] {
    // Each rule is tested cheaply first; words are built only for a rule that is broken, and a
    // host that breaks none shares one empty list: ten thousand hosts are checked per request.
    if (this.passesFast(r, h)) return NO_REJECTIONS;
    const out: Rejection[] = [];
    if (h.status !== 'available') out.push({ code: 'not_available', message: `host is ${h.status}` });
    let fits = true;
    for (const k of RESOURCES) if (r.resources[k] > 0 && h.allocated[k] + r.resources[k] > h.capacity[k] + 1e-9) fits = false;
    if (!fits) {
      const short = RESOURCES.filter((k) => r.resources[k] > 0 && h.allocated[k] + r.resources[k] > h.capacity[k] + 1e-9);
      out.push({ code: 'insufficient_resources', message: short.map((k) => `${k}: needs ${r.resources[k]}, ${Math.max(0, h.capacity[k] - h.allocated[k])} free`).join('; ') });
    }
    if (r.securityLevel !== undefined && !((h.securityLevel ?? -Infinity) >= r.securityLevel)) {
      out.push({ code: 'security_level', message: `security level ${h.securityLevel ?? 'unset'} below the required ${r.securityLevel}` });
    }
    if (r.datacenters && r.datacenters.length && !(h.datacenter !== undefined && r.datacenters.includes(h.datacenter))) {
      out.push({ code: 'datacenter', message: `datacenter ${h.datacenter ?? 'unset'} not in [${r.datacenters.join(', ')}]` });
    }
    if (r.complianceTags?.length) {
      const missingTags = r.complianceTags.filter((t) => !h.complianceTags.has(t));
      if (missingTags.length) out.push({ code: 'compliance', message: `lacks compliance tags ${missingTags.join(', ')}` });
    }
    if (r.nodeAffinity?.length) {
      const unmet = r.nodeAffinity.filter((s) => !selectorMatches(h, s));
      if (unmet.length) out.push({ code: 'node_affinity', message: `labels do not satisfy ${unmet.map(describe).join(', ')}` });
    }
    if (r.allowedNodes && r.allowedNodes.length && !r.allowedNodes.includes(h.id)) out.push({ code: 'node_affinity', message: 'not among the nodes the request allows' });
    if (r.nodeAntiAffinity?.length) {
      const hit = r.nodeAntiAffinity.filter((s) => selectorMatches(h, s));
      if (hit.length) out.push({ code: 'node_anti_affinity', message: `labels match the excluded ${hit.map(describe).join(', ')}` });
    }
    if (r.vmAffinity) {
      const needVms = (r.vmAffinity.vms ?? []).filter((v) => !h.vms.has(v));
      // A group with no member anywhere cannot pin the request; one with members pins it to their hosts.
      const needGroups = (r.vmAffinity.groups ?? []).filter((g) => this.groupHosts.has(g) && !this.groupHosts.get(g)!.has(h.id));
      if (needVms.length || needGroups.length) out.push({ code: 'vm_affinity', message: `must run beside ${[...needVms.map((v) => `VM ${v}`), ...needGroups.map((g) => `group ${g}`)].join(', ')}` });
    }
    if (r.vmAntiAffinity) {
      const badVms = (r.vmAntiAffinity.vms ?? []).filter((v) => h.vms.has(v));
      const badGroups = (r.vmAntiAffinity.groups ?? []).filter((g) => (h.groups.get(g) ?? 0) > 0);
      if (badVms.length || badGroups.length) out.push({ code: 'vm_anti_affinity', message: `runs ${[...badVms.map((v) => `VM ${v}`), ...badGroups.map((g) => `a member of group ${g}`)].join(', ')}` });
    }
    if (r.excludedNodes && r.excludedNodes.length && r.excludedNodes.includes(h.id)) out.push({ code: 'excluded', message: 'excluded by the request' });
    if (h.maintenance.length) {
      const run = r.runWindow ?? { start: this.now, end: this.now + DEFAULT_RUN_MS };
      const clash = h.maintenance.find((m) => m.start < run.end && m.end > run.start);
      if (clash) out.push({ code: 'maintenance', message: `maintenance ${new Date(clash.start).toISOString()} – ${new Date(clash.end).toISOString()} overlaps the run` });
    }
    return out;
  }

  /**
   * Whether the host breaks no rule checked by hostRules, decided without allocating: most hosts
   * pass, and words are built only for those that do not. Must agree with hostRules exactly (the
   * property test checks both against an oracle).
   */
  private passesFast(r: PlacementRequest, h: PlacementHost): boolean {
    if (h.status !== 'available') return false;
    const res = r.resources;
    const cap = h.capacity;
    const al = h.allocated;
    if (res.cpu_cores > 0 && al.cpu_cores + res.cpu_cores > cap.cpu_cores + 1e-9) return false;
    if (res.memory_mb > 0 && al.memory_mb + res.memory_mb > cap.memory_mb + 1e-9) return false;
    if (res.storage_gb > 0 && al.storage_gb + res.storage_gb > cap.storage_gb + 1e-9) return false;
    if (res.network_mbps > 0 && al.network_mbps + res.network_mbps > cap.network_mbps + 1e-9) return false;
    if (res.gpu_count > 0 && al.gpu_count + res.gpu_count > cap.gpu_count + 1e-9) return false;
    if (r.securityLevel !== undefined && !((h.securityLevel ?? -Infinity) >= r.securityLevel)) return false;
    if (r.datacenters && r.datacenters.length && !(h.datacenter !== undefined && r.datacenters.includes(h.datacenter))) return false;
    if (r.excludedNodes && r.excludedNodes.length && r.excludedNodes.includes(h.id)) return false;
    if (r.allowedNodes && r.allowedNodes.length && !r.allowedNodes.includes(h.id)) return false;
    const tags = r.complianceTags;
    if (tags) for (let k = 0; k < tags.length; k++) if (!h.complianceTags.has(tags[k])) return false;
    const aff = r.nodeAffinity;
    if (aff) for (let k = 0; k < aff.length; k++) if (!selectorMatches(h, aff[k])) return false;
    const anti = r.nodeAntiAffinity;
    if (anti) for (let k = 0; k < anti.length; k++) if (selectorMatches(h, anti[k])) return false;
    if (r.vmAffinity) {
      const vms = r.vmAffinity.vms ?? [];
      for (let k = 0; k < vms.length; k++) if (!h.vms.has(vms[k])) return false;
      const groups = r.vmAffinity.groups ?? [];
      for (let k = 0; k < groups.length; k++) {
        const where = this.groupHosts.get(groups[k]);
        if (where && !where.has(h.id)) return false;
      }
    }
    if (r.vmAntiAffinity) {
      const vms = r.vmAntiAffinity.vms ?? [];
      for (let k = 0; k < vms.length; k++) if (h.vms.has(vms[k])) return false;
      const groups = r.vmAntiAffinity.groups ?? [];
      for (let k = 0; k < groups.length; k++) if ((h.groups.get(groups[k]) ?? 0) > 0) return false;
    }
    if (h.maintenance.length) {
      const start = r.runWindow?.start ?? this.now;
      const end = r.runWindow?.end ?? this.now + DEFAULT_RUN_MS;
      for (let k = 0; k < h.maintenance.length; k++) if (h.maintenance[k].start < end && h.maintenance[k].end > start) return false;
    }
    return true;
  }

  private applySpread(rule: SpreadRule, verdicts: HostVerdict[]): void {
    // Domains eligible for counting: those of hosts that pass every non-spread rule.
    const counts = new Map<string, number>();
    for (const v of verdicts) {
      if (v.rejections.some((x) => x.code !== 'spread')) continue;
      const d = topologyValue(v.host, rule.over);
      if (d !== undefined && !counts.has(d)) counts.set(d, 0);
    }
    for (const h of this.hosts) {
      const d = topologyValue(h, rule.over);
      if (d !== undefined && counts.has(d)) counts.set(d, counts.get(d)! + (h.groups.get(rule.group) ?? 0));
    }
    const min = counts.size ? Math.min(...counts.values()) : 0;
    for (const v of verdicts) {
      const d = topologyValue(v.host, rule.over);
      if (d === undefined) {
        (v.rejections === NO_REJECTIONS ? (v.rejections = []) : v.rejections).push({ code: 'spread', message: `no ${rule.over} to spread group ${rule.group} over` });
        continue;
      }
      const c = counts.get(d);
      if (c === undefined) continue; // already refused by another rule
      const skew = c + 1 - min;
      if (skew > rule.maxSkew) (v.rejections === NO_REJECTIONS ? (v.rejections = []) : v.rejections).push({ code: 'spread', message: `group ${rule.group} would have ${c + 1} in ${rule.over} ${d} against ${min} in the emptiest: skew ${skew} > ${rule.maxSkew}` });
    }
  }
}
