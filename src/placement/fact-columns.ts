/**
 * Numeric facts of a fleet as columns (one Float64Array per fact name, NaN where a host lacks it),
 * parsed once per snapshot: per-request factors read a column by row instead of looking a string
 * key up in every host's facts on every request.
 */
import { listFact, numericFact, textFact } from './factor.js';
import { topologyValue, type PlacementHost, type ResourceName, type TopologyKey } from './problem.js';

export class FactColumns {
  private readonly columns = new Map<string, Float64Array>();
  private readonly lists = new Map<string, (Set<string> | undefined)[]>();
  private readonly texts = new Map<string, (string | undefined)[]>();
  private vmIndex?: Map<string, number>;
  private groupIndex?: Map<string, number[]>;
  private mixTotals?: Float64Array;
  private readonly memberships = new Map<string, Uint8Array>();
  private readonly mixCounts = new Map<string, Float64Array>();
  private idRanks?: Uint32Array;
  private readonly topologies = new Map<TopologyKey, CodedColumn>();
  private readonly labelCodes = new Map<string, CodedColumn>();
  private readonly capacities = new Map<ResourceName, Float64Array>();
  private security?: Float64Array;
  private hostCounts?: { maintenance: Uint16Array; complianceTags: Uint16Array; hasMix: Uint8Array };
  private readonly interferenceCache = new WeakMap<object, Map<string, { values: Float64Array; known: Uint8Array }>>();

  constructor(readonly hosts: readonly PlacementHost[]) {}

  numeric(key: string): Float64Array {
    let col = this.columns.get(key);
    if (!col) {
      col = Float64Array.from(this.hosts, (h) => numericFact(h.facts, key));
      this.columns.set(key, col);
    }
    return col;
  }

  /** Row of the host running each VM. */
  vmRows(): Map<string, number> {
    if (!this.vmIndex) {
      this.vmIndex = new Map();
      this.hosts.forEach((h, i) => {
        for (const v of h.vms) this.vmIndex!.set(v, i);
      });
    }
    return this.vmIndex;
  }

  /** Rows of the hosts running at least one member of each group. */
  groupRows(): Map<string, number[]> {
    if (!this.groupIndex) {
      this.groupIndex = new Map();
      this.hosts.forEach((h, i) => {
        for (const [g, n] of h.groups) {
          if (n <= 0) continue;
          let rows = this.groupIndex!.get(g);
          if (!rows) this.groupIndex!.set(g, (rows = []));
          rows.push(i);
        }
      });
    }
    return this.groupIndex;
  }

  /** 1 where the host's list fact `key` contains `value` (lower-cased), else 0; kept per (key, value). */
  membership(key: string, value: string): Uint8Array {
    const v = value.toLowerCase();
    const id = `${key}\u0000${v}`;
    let col = this.memberships.get(id);
    if (!col) {
      const lists = this.list(key);
      col = Uint8Array.from(lists, (set) => (set?.has(v) ? 1 : 0));
      this.memberships.set(id, col);
    }
    return col;
  }

  /** Running VMs of a workload type per host (from the workload mix). */
  mixCount(type: string): Float64Array {
    let col = this.mixCounts.get(type);
    if (!col) {
      col = Float64Array.from(this.hosts, (h) => h.workloadMix?.get(type) ?? 0);
      this.mixCounts.set(type, col);
    }
    return col;
  }

  /** Interference predictions kept for this fleet per predictor and request key (rows filled as first asked). */
  interference(predictor: object, key: string): { values: Float64Array; known: Uint8Array } {
    let byKey = this.interferenceCache.get(predictor);
    if (!byKey) this.interferenceCache.set(predictor, (byKey = new Map()));
    let kept = byKey.get(key);
    if (!kept) byKey.set(key, (kept = { values: new Float64Array(this.hosts.length).fill(NaN), known: new Uint8Array(this.hosts.length) }));
    return kept;
  }

  /** Each host's rank in id order (ties in score are broken by id without comparing strings). */
  idRank(): Uint32Array {
    if (!this.idRanks) {
      const order = this.hosts.map((h, i) => i).sort((a, b) => (this.hosts[a].id < this.hosts[b].id ? -1 : this.hosts[a].id > this.hosts[b].id ? 1 : 0));
      this.idRanks = new Uint32Array(this.hosts.length);
      order.forEach((row, rank) => (this.idRanks![row] = rank));
    }
    return this.idRanks;
  }

  /** VMs per host by the workload mix (0 without a mix). */
  workloadTotals(): Float64Array {
    this.mixTotals ??= Float64Array.from(this.hosts, (h) => {
      let all = 0;
      for (const n of h.workloadMix?.values() ?? []) all += n;
      return all;
    });
    return this.mixTotals;
  }

  /** A categorical fact per host, lower-cased, undefined where absent. */
  text(key: string): (string | undefined)[] {
    let col = this.texts.get(key);
    if (!col) {
      col = this.hosts.map((h) => textFact(h.facts, key));
      this.texts.set(key, col);
    }
    return col;
  }

  /** A list fact (comma- or space-separated) per host as a set, undefined where absent. */
  list(key: string): (Set<string> | undefined)[] {
    let col = this.lists.get(key);
    if (!col) {
      col = this.hosts.map((h) => listFact(h.facts, key));
      this.lists.set(key, col);
    }
    return col;
  }

  /** Each host's value at a topology level as an integer code (−1: none), with the code of each value. */
  topology(level: TopologyKey): CodedColumn {
    let col = this.topologies.get(level);
    if (!col) this.topologies.set(level, (col = coded(this.hosts, (h) => topologyValue(h, level))));
    return col;
  }

  /** A label's value per host as an integer code (−1: the host lacks the label). */
  label(key: string): CodedColumn {
    let col = this.labelCodes.get(key);
    if (!col) this.labelCodes.set(key, (col = coded(this.hosts, (h) => h.labels[key])));
    return col;
  }

  /** Capacity of one resource per host. */
  capacity(resource: ResourceName): Float64Array {
    let col = this.capacities.get(resource);
    if (!col) this.capacities.set(resource, (col = Float64Array.from(this.hosts, (h) => h.capacity[resource])));
    return col;
  }

  /** Each host's security level (NaN: not stated). */
  securityLevels(): Float64Array {
    return (this.security ??= Float64Array.from(this.hosts, (h) => h.securityLevel ?? NaN));
  }

  /** Per host: maintenance windows, compliance tags, and whether a workload mix is known. */
  counts(): { maintenance: Uint16Array; complianceTags: Uint16Array; hasMix: Uint8Array } {
    this.hostCounts ??= {
      maintenance: Uint16Array.from(this.hosts, (h) => h.maintenance.length),
      complianceTags: Uint16Array.from(this.hosts, (h) => h.complianceTags.size),
      hasMix: Uint8Array.from(this.hosts, (h) => (h.workloadMix ? 1 : 0)),
    };
    return this.hostCounts;
  }
}

/** A string column as integer codes: per-request factors compare numbers, not strings, per host. */
export interface CodedColumn {
  codes: Int32Array;
  /** Value → code. */
  index: Map<string, number>;
}

function coded(hosts: readonly PlacementHost[], value: (h: PlacementHost) => string | undefined): CodedColumn {
  const index = new Map<string, number>();
  const codes = new Int32Array(hosts.length);
  for (let i = 0; i < hosts.length; i++) {
    const v = value(hosts[i]);
    if (v === undefined) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) index.set(v, (code = index.size));
    codes[i] = code;
  }
  return { codes, index };
}
