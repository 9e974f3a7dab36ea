/**
 * Anomalies → incidents. A pure, deterministic, in-memory state machine: the same calls in the same
 * order produce the same events, byte for byte (given a seeded id source). Time is *event time*:
 * the anomalies' own timestamps and the `now` passed to `tick`; the correlator never reads a clock.
 *
 * ## Rules
 *
 * - **Joining.** An anomaly joins an open incident when
 *   - it is from a resource already in the incident (the same VM, host or disk), at any time while
 *     the incident is open — so a long anomaly stays one incident however sparse its points; or
 *   - it shares a topology key with the incident — host, rack or service (configurable via
 *     `correlateOn`) — and happened within `correlationWindowMs` (default 10 min) of the incident's
 *     latest anomaly (or no more than that before its first).
 *   Resource ids and host ids share one namespace: a host's own anomaly (`resourceId: 'h-1'`) and a
 *   VM's anomaly on it (`hostId: 'h-1'`) correlate. Keep ids unique across kinds (NovaCron's are).
 * - **Deduplication.** Within an incident, anomalies are folded per (resource, metric) *member*:
 *   a count, first/last seen, peak severity and peak score, first/last anomaly id. 500 points of
 *   the same CPU anomaly are one member with count 500, not 500 rows.
 * - **Events.** `opened` when an incident starts. `updated` only when something a person would want
 *   to know changes: the peak severity rises above what was last announced (emitted at once), a
 *   resource or metric new to the incident joins, or another incident is merged in (emitted at once).
 *   Joins are coalesced: at most one `updated` per `minUpdateIntervalMs` (default 60 s) per incident;
 *   a join inside the interval waits for the next `observe` of that incident or for `tick`. Repeated
 *   points of known members never emit. `resolved` when the incident has been quiet (no anomaly) for
 *   `resolveAfterMs` (default 15 min); `resolvedAt` is `lastSeenAt + resolveAfterMs`, the moment the
 *   quiet period ended, whatever the tick cadence.
 * - **Merging.** When one anomaly matches several open incidents, it bridges them: the *oldest*
 *   (earliest `openedAt`, then smallest correlation id) survives and absorbs the others (members,
 *   counts, keys, peaks; `mergedFrom` records their ids). Each absorbed incident gets a `resolved`
 *   event with `resolveReason: 'merged'` and `mergedInto`; the survivor gets an `updated`. The oldest
 *   survives because its id is the one people and tickets have referenced longest.
 * - **Bounds.** At most `maxOpenIncidents` (default 10 000) open incidents: opening one more first
 *   resolves the least recently active (`resolveReason: 'evicted'`). At most `maxMembersPerIncident`
 *   (default 200) members; further (resource, metric) pairs still count toward `anomalyCount`,
 *   severity and score but are not tracked individually (`droppedMembers` counts them). Each key list
 *   (resources, hosts, racks, services, metrics) holds at most `maxKeysPerIncident` (default 500),
 *   `mergedFrom` at most 100 ids, and an event lists at most 20 reasons. Resolved incidents are not
 *   kept: the caller persists the events.
 * - **Time order.** `observe` first resolves incidents whose quiet period ended before the anomaly's
 *   timestamp (so a sparse stream behaves as if `tick` had run), then correlates. Late anomalies
 *   (older than the latest seen) are accepted; they never reopen a resolved incident — they start a
 *   new one if nothing open matches.
 *
 * `toState()` / `IncidentCorrelator.fromState()` checkpoint everything (open incidents, pending
 * updates, clock and id counter) as plain JSON; a restored correlator continues identically.
 */
import { createHash, randomUUID } from 'node:crypto';
import { compareSeverity, isSeverity, maxSeverity, type AnomalyType, type Severity } from '../classification/index.js';

export interface AnomalyObservation {
  /** The anomaly's own id (kept as first/last id per member). */
  id: string;
  /** The affected resource: VM, host, disk, … */
  resourceId: string;
  /** The host the resource runs on; for a host's own anomaly it may be omitted (resourceId is the host). */
  hostId?: string;
  rack?: string;
  service?: string;
  /** Epoch milliseconds. */
  timestamp: number;
  severity: Severity;
  /** Anomaly score in [0, 1]. */
  score: number;
  /** Affected metric names; empty means the resource as a whole. */
  metrics: readonly string[];
  type: AnomalyType;
}

export interface IncidentMember {
  resourceId: string;
  /** Metric name, or `*` when the anomaly named none. */
  metric: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  peakSeverity: Severity;
  peakScore: number;
  firstAnomalyId: string;
  lastAnomalyId: string;
}

export type IncidentStatus = 'open' | 'resolved';
export type ResolveReason = 'quiet' | 'merged' | 'evicted';

export interface Incident {
  correlationId: string;
  status: IncidentStatus;
  /** Earliest anomaly timestamp. */
  openedAt: number;
  /** Latest anomaly timestamp. */
  lastSeenAt: number;
  resolvedAt?: number;
  resolveReason?: ResolveReason;
  /** The surviving incident, when this one was merged into it. */
  mergedInto?: string;
  /** Peak severity of its anomalies. */
  severity: Severity;
  peakScore: number;
  /** Most frequent type (ties: the type seen first). */
  primaryType: AnomalyType;
  /** Every type seen, most frequent first. */
  types: AnomalyType[];
  typeCounts: Partial<Record<AnomalyType, number>>;
  resources: string[];
  hosts: string[];
  racks: string[];
  services: string[];
  metrics: string[];
  /** Anomalies folded into the incident (including merged incidents'). */
  anomalyCount: number;
  members: IncidentMember[];
  /** (resource, metric) pairs not tracked because of `maxMembersPerIncident`. */
  droppedMembers: number;
  /** Correlation ids merged into this incident. */
  mergedFrom: string[];
  /** 1 for `opened`, +1 per event; receivers can order and deduplicate by it. */
  version: number;
}

export type IncidentEventKind = 'opened' | 'updated' | 'resolved';

export interface IncidentEvent {
  kind: IncidentEventKind;
  /** A snapshot: later changes to the incident do not alter it. */
  incident: Incident;
  /** Event time (the correlator's clock) when it was emitted. */
  at: number;
  /** Why, in plain words: "severity rose to high", "resource vm-3 joined", "merged into …". */
  reasons: string[];
}

export type TopologyKey = 'host' | 'rack' | 'service';

export interface CorrelatorOptions {
  /** How close in time anomalies on different resources must be to correlate (default 10 min). */
  correlationWindowMs: number;
  /** Quiet time after which an incident resolves (default 15 min). */
  resolveAfterMs: number;
  /** Least time between two coalesced `updated` events of one incident (default 60 s). */
  minUpdateIntervalMs: number;
  maxOpenIncidents: number;
  maxMembersPerIncident: number;
  maxKeysPerIncident: number;
  /** Topology keys that correlate different resources (default host, rack, service). */
  correlateOn: readonly TopologyKey[];
  /**
   * Seed for deterministic correlation ids (UUID-shaped, from SHA-256 of seed and counter). Without
   * it (and without `newId`) ids come from `crypto.randomUUID()`.
   */
  idSeed?: string;
  /** A custom id source; its own state is not checkpointed. */
  newId?: () => string;
}

export const DEFAULT_CORRELATOR_OPTIONS: Readonly<Omit<CorrelatorOptions, 'idSeed' | 'newId'>> = {
  correlationWindowMs: 10 * 60_000,
  resolveAfterMs: 15 * 60_000,
  minUpdateIntervalMs: 60_000,
  maxOpenIncidents: 10_000,
  maxMembersPerIncident: 200,
  maxKeysPerIncident: 500,
  correlateOn: ['host', 'rack', 'service'],
};

const MAX_MERGED_FROM = 100;
/** Most reasons listed on one event; the rest are summarised as "and N more changes". */
const MAX_REASONS = 20;
const TYPE_ORDER: readonly AnomalyType[] = ['performance', 'resource', 'network', 'hardware', 'security', 'behavioral'];

/** Mutable internal record of an open incident. */
interface Rec {
  id: string;
  openedAt: number;
  lastSeenAt: number;
  severity: Severity;
  peakScore: number;
  anomalyCount: number;
  droppedMembers: number;
  /** Type → count, in first-seen order. */
  typeCounts: Map<AnomalyType, number>;
  resources: Set<string>;
  hosts: Set<string>;
  racks: Set<string>;
  services: Set<string>;
  metrics: Set<string>;
  members: Map<string, IncidentMember>;
  mergedFrom: string[];
  version: number;
  lastEmitAt: number;
  announcedSeverity: Severity;
  pending: string[];
}

interface RecState {
  incident: Incident;
  lastEmitAt: number;
  announcedSeverity: Severity;
  pending: string[];
}

export interface CorrelatorState {
  formatVersion: 1;
  /** Latest event time seen; null before the first anomaly or tick. */
  clock: number | null;
  idCounter: number;
  incidents: RecState[];
}

function memberKey(resourceId: string, metric: string): string {
  return `${resourceId}\u0000${metric}`;
}

/** A UUID-shaped id (version 4 / variant bits set) from SHA-256 of `seed:counter`. */
export function seededId(seed: string, counter: number): string {
  const h = createHash('sha256').update(`${seed}:${counter}`).digest('hex').slice(0, 32).split('');
  h[12] = '4';
  h[16] = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

function addCapped(set: Set<string>, value: string, cap: number): boolean {
  if (set.has(value) || set.size >= cap) return false;
  set.add(value);
  return true;
}

export class IncidentCorrelator {
  readonly options: Readonly<CorrelatorOptions>;
  private clock = Number.NEGATIVE_INFINITY;
  private idCounter = 0;
  private readonly open = new Map<string, Rec>();
  /** Topology key (`n:` node = resource or host, `r:` rack, `s:` service) → open incident ids. */
  private readonly index = new Map<string, Set<string>>();
  /** A lower bound on the earliest quiet-resolution time, so `observe` skips the sweep in O(1). */
  private nextDueAt = Number.POSITIVE_INFINITY;

  constructor(options: Partial<CorrelatorOptions> = {}) {
    this.options = { ...DEFAULT_CORRELATOR_OPTIONS, ...options };
    const o = this.options;
    for (const k of ['correlationWindowMs', 'resolveAfterMs', 'minUpdateIntervalMs'] as const) {
      if (!(o[k] >= 0) || !Number.isFinite(o[k])) throw new RangeError(`${k} must be a finite number ≥ 0, got ${o[k]}`);
    }
    for (const k of ['maxOpenIncidents', 'maxMembersPerIncident', 'maxKeysPerIncident'] as const) {
      if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`${k} must be an integer ≥ 1, got ${o[k]}`);
    }
  }

  /** Number of open incidents. */
  get size(): number {
    return this.open.size;
  }

  /** Snapshots of the open incidents, oldest first. */
  openIncidents(): Incident[] {
    return this.sorted([...this.open.values()]).map((r) => this.snapshot(r, 'open'));
  }

  /** Snapshot of one open incident. */
  get(correlationId: string): Incident | undefined {
    const r = this.open.get(correlationId);
    return r ? this.snapshot(r, 'open') : undefined;
  }

  /** Folds one anomaly in; returns the events it caused (possibly none). */
  observe(a: AnomalyObservation): IncidentEvent[] {
    return this.assign(a).events;
  }

  /** As `observe`, also naming the incident the anomaly joined (its correlation id). */
  assign(a: AnomalyObservation): { correlationId: string; events: IncidentEvent[] } {
    if (typeof a.resourceId !== 'string' || a.resourceId === '') throw new TypeError('anomaly.resourceId must be a non-empty string');
    if (!Number.isFinite(a.timestamp)) throw new RangeError(`anomaly.timestamp must be finite epoch milliseconds, got ${a.timestamp}`);
    if (!isSeverity(a.severity)) throw new TypeError(`anomaly.severity must be one of normal, low, medium, high, critical, got ${String(a.severity)}`);
    const events: IncidentEvent[] = [];
    this.clock = Math.max(this.clock, a.timestamp);
    this.resolveQuiet(events);

    const candidates = this.candidates(a);
    let rec: Rec;
    if (candidates.length === 0) {
      if (this.open.size >= this.options.maxOpenIncidents) this.evictOne(events);
      rec = this.create(a);
      events.push(this.emit(rec, 'opened', [`opened by ${a.type} anomaly on ${a.resourceId}${a.metrics.length > 0 ? ` (${a.metrics.join(', ')})` : ''}`]));
      return { correlationId: rec.id, events };
    }
    rec = candidates[0];
    let urgent = false;
    for (const other of candidates.slice(1)) {
      this.merge(rec, other, events);
      urgent = true;
    }
    this.fold(rec, a);
    if (compareSeverity(rec.severity, rec.announcedSeverity) > 0) {
      rec.pending.push(`severity rose to ${rec.severity}`);
      urgent = true;
    }
    if (rec.pending.length > 0 && (urgent || this.clock - rec.lastEmitAt >= this.options.minUpdateIntervalMs)) {
      events.push(this.emit(rec, 'updated', rec.pending));
    }
    return { correlationId: rec.id, events };
  }

  /** Advances the clock: resolves quiet incidents and flushes coalesced updates that are due. */
  tick(nowMs: number): IncidentEvent[] {
    if (!Number.isFinite(nowMs)) throw new RangeError(`tick(now) needs finite epoch milliseconds, got ${nowMs}`);
    const events: IncidentEvent[] = [];
    this.clock = Math.max(this.clock, nowMs);
    this.resolveQuiet(events);
    for (const rec of this.sorted([...this.open.values()])) {
      if (rec.pending.length > 0 && this.clock - rec.lastEmitAt >= this.options.minUpdateIntervalMs) {
        events.push(this.emit(rec, 'updated', rec.pending));
      }
    }
    return events;
  }

  /** Plain JSON of everything needed to continue exactly where this correlator is. */
  toState(): CorrelatorState {
    return {
      formatVersion: 1,
      clock: Number.isFinite(this.clock) ? this.clock : null,
      idCounter: this.idCounter,
      incidents: this.sorted([...this.open.values()]).map((r) => ({
        incident: this.snapshot(r, 'open'),
        lastEmitAt: r.lastEmitAt,
        announcedSeverity: r.announcedSeverity,
        pending: [...r.pending],
      })),
    };
  }

  /** Restores a correlator from `toState()` output (options are not part of the state). */
  static fromState(state: CorrelatorState, options: Partial<CorrelatorOptions> = {}): IncidentCorrelator {
    if (!state || state.formatVersion !== 1) throw new TypeError(`unsupported incident correlator state (formatVersion ${String(state?.formatVersion)})`);
    const c = new IncidentCorrelator(options);
    c.clock = state.clock === null ? Number.NEGATIVE_INFINITY : state.clock;
    c.idCounter = state.idCounter;
    for (const s of state.incidents) {
      const i = s.incident;
      const rec: Rec = {
        id: i.correlationId,
        openedAt: i.openedAt,
        lastSeenAt: i.lastSeenAt,
        severity: i.severity,
        peakScore: i.peakScore,
        anomalyCount: i.anomalyCount,
        droppedMembers: i.droppedMembers,
        typeCounts: new Map(Object.entries(i.typeCounts) as Array<[AnomalyType, number]>),
        resources: new Set(i.resources),
        hosts: new Set(i.hosts),
        racks: new Set(i.racks),
        services: new Set(i.services),
        metrics: new Set(i.metrics),
        members: new Map(i.members.map((m) => [memberKey(m.resourceId, m.metric), { ...m }])),
        mergedFrom: [...i.mergedFrom],
        version: i.version,
        lastEmitAt: s.lastEmitAt,
        announcedSeverity: s.announcedSeverity,
        pending: [...s.pending],
      };
      c.open.set(rec.id, rec);
      c.indexRec(rec);
      c.nextDueAt = Math.min(c.nextDueAt, rec.lastSeenAt + c.options.resolveAfterMs);
    }
    return c;
  }

  // ---------------------------------------------------------------------------------------------

  private nextId(): string {
    const n = this.idCounter++;
    if (this.options.newId) return this.options.newId();
    if (this.options.idSeed !== undefined) return seededId(this.options.idSeed, n);
    return randomUUID();
  }

  private sorted(recs: Rec[]): Rec[] {
    return recs.sort((x, y) => x.openedAt - y.openedAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  }

  private keysOf(rec: Rec): string[] {
    const on = this.options.correlateOn;
    const keys: string[] = [];
    for (const r of rec.resources) keys.push(`n:${r}`);
    if (on.includes('host')) for (const h of rec.hosts) keys.push(`n:${h}`);
    if (on.includes('rack')) for (const k of rec.racks) keys.push(`r:${k}`);
    if (on.includes('service')) for (const s of rec.services) keys.push(`s:${s}`);
    return keys;
  }

  private indexKey(key: string, id: string): void {
    let ids = this.index.get(key);
    if (!ids) this.index.set(key, (ids = new Set()));
    ids.add(id);
  }

  private indexRec(rec: Rec): void {
    for (const k of this.keysOf(rec)) this.indexKey(k, rec.id);
  }

  private unindexRec(rec: Rec): void {
    for (const k of this.keysOf(rec)) {
      const ids = this.index.get(k);
      if (!ids) continue;
      ids.delete(rec.id);
      if (ids.size === 0) this.index.delete(k);
    }
  }

  /** Open incidents this anomaly may join, oldest first. */
  private candidates(a: AnomalyObservation): Rec[] {
    const on = this.options.correlateOn;
    const keys = [`n:${a.resourceId}`];
    if (a.hostId && on.includes('host')) keys.push(`n:${a.hostId}`);
    if (a.rack && on.includes('rack')) keys.push(`r:${a.rack}`);
    if (a.service && on.includes('service')) keys.push(`s:${a.service}`);
    const seen = new Set<string>();
    const out: Rec[] = [];
    const { correlationWindowMs: w, resolveAfterMs } = this.options;
    for (const k of keys) {
      for (const id of this.index.get(k) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const rec = this.open.get(id)!;
        const direct = rec.resources.has(a.resourceId);
        const after = direct ? resolveAfterMs : w;
        if (a.timestamp <= rec.lastSeenAt + after && a.timestamp >= rec.openedAt - w) out.push(rec);
      }
    }
    return this.sorted(out);
  }

  private create(a: AnomalyObservation): Rec {
    const rec: Rec = {
      id: this.nextId(),
      openedAt: a.timestamp,
      lastSeenAt: a.timestamp,
      severity: a.severity,
      peakScore: Number.isFinite(a.score) ? a.score : 0,
      anomalyCount: 0,
      droppedMembers: 0,
      typeCounts: new Map(),
      resources: new Set(),
      hosts: new Set(),
      racks: new Set(),
      services: new Set(),
      metrics: new Set(),
      members: new Map(),
      mergedFrom: [],
      version: 0,
      lastEmitAt: this.clock,
      announcedSeverity: a.severity,
      pending: [],
    };
    this.open.set(rec.id, rec);
    this.fold(rec, a);
    rec.pending = [];
    this.nextDueAt = Math.min(this.nextDueAt, rec.lastSeenAt + this.options.resolveAfterMs);
    return rec;
  }

  /** Adds one anomaly to `rec`; records what is new in `rec.pending`; indexes new topology keys. */
  private fold(rec: Rec, a: AnomalyObservation): void {
    const o = this.options;
    const cap = o.maxKeysPerIncident;
    rec.openedAt = Math.min(rec.openedAt, a.timestamp);
    rec.lastSeenAt = Math.max(rec.lastSeenAt, a.timestamp);
    rec.severity = maxSeverity(rec.severity, a.severity);
    const score = Number.isFinite(a.score) ? a.score : 0;
    rec.peakScore = Math.max(rec.peakScore, score);
    rec.anomalyCount++;
    rec.typeCounts.set(a.type, (rec.typeCounts.get(a.type) ?? 0) + 1);

    if (addCapped(rec.resources, a.resourceId, cap)) {
      rec.pending.push(`resource ${a.resourceId} joined`);
      this.indexKey(`n:${a.resourceId}`, rec.id);
    }
    if (a.hostId && addCapped(rec.hosts, a.hostId, cap) && o.correlateOn.includes('host')) this.indexKey(`n:${a.hostId}`, rec.id);
    if (a.rack && addCapped(rec.racks, a.rack, cap) && o.correlateOn.includes('rack')) this.indexKey(`r:${a.rack}`, rec.id);
    if (a.service && addCapped(rec.services, a.service, cap) && o.correlateOn.includes('service')) this.indexKey(`s:${a.service}`, rec.id);
    const metrics = a.metrics.length > 0 ? a.metrics : ['*'];
    for (const m of metrics) {
      if (m !== '*' && addCapped(rec.metrics, m, cap)) rec.pending.push(`metric ${m} joined`);
      const key = memberKey(a.resourceId, m);
      const member = rec.members.get(key);
      if (member) {
        member.count++;
        if (a.timestamp < member.firstSeen) {
          member.firstSeen = a.timestamp;
          member.firstAnomalyId = a.id;
        }
        if (a.timestamp >= member.lastSeen) {
          member.lastSeen = a.timestamp;
          member.lastAnomalyId = a.id;
        }
        member.peakSeverity = maxSeverity(member.peakSeverity, a.severity);
        member.peakScore = Math.max(member.peakScore, score);
      } else if (rec.members.size < o.maxMembersPerIncident) {
        rec.members.set(key, {
          resourceId: a.resourceId,
          metric: m,
          count: 1,
          firstSeen: a.timestamp,
          lastSeen: a.timestamp,
          peakSeverity: a.severity,
          peakScore: score,
          firstAnomalyId: a.id,
          lastAnomalyId: a.id,
        });
      } else {
        rec.droppedMembers++;
      }
    }
  }

  /** `into` absorbs `other`; `other` is resolved as merged. */
  private merge(into: Rec, other: Rec, events: IncidentEvent[]): void {
    const cap = this.options.maxKeysPerIncident;
    this.unindexRec(other);
    this.open.delete(other.id);
    events.push({
      kind: 'resolved',
      incident: { ...this.snapshot(other, 'resolved'), resolvedAt: this.clock, resolveReason: 'merged', mergedInto: into.id, version: other.version + 1 },
      at: this.clock,
      reasons: [`merged into ${into.id}`],
    });

    into.openedAt = Math.min(into.openedAt, other.openedAt);
    into.lastSeenAt = Math.max(into.lastSeenAt, other.lastSeenAt);
    into.severity = maxSeverity(into.severity, other.severity);
    into.peakScore = Math.max(into.peakScore, other.peakScore);
    into.anomalyCount += other.anomalyCount;
    into.droppedMembers += other.droppedMembers;
    for (const [t, n] of other.typeCounts) into.typeCounts.set(t, (into.typeCounts.get(t) ?? 0) + n);
    for (const r of other.resources) addCapped(into.resources, r, cap);
    for (const h of other.hosts) addCapped(into.hosts, h, cap);
    for (const k of other.racks) addCapped(into.racks, k, cap);
    for (const s of other.services) addCapped(into.services, s, cap);
    for (const m of other.metrics) addCapped(into.metrics, m, cap);
    for (const [key, m] of other.members) {
      const mine = into.members.get(key);
      if (mine) {
        mine.count += m.count;
        if (m.firstSeen < mine.firstSeen) {
          mine.firstSeen = m.firstSeen;
          mine.firstAnomalyId = m.firstAnomalyId;
        }
        if (m.lastSeen > mine.lastSeen) {
          mine.lastSeen = m.lastSeen;
          mine.lastAnomalyId = m.lastAnomalyId;
        }
        mine.peakSeverity = maxSeverity(mine.peakSeverity, m.peakSeverity);
        mine.peakScore = Math.max(mine.peakScore, m.peakScore);
      } else if (into.members.size < this.options.maxMembersPerIncident) {
        into.members.set(key, { ...m });
      } else {
        into.droppedMembers++;
      }
    }
    for (const id of [other.id, ...other.mergedFrom]) if (into.mergedFrom.length < MAX_MERGED_FROM) into.mergedFrom.push(id);
    into.pending.push(`merged ${other.id}`);
    this.indexRec(into);
  }

  private resolveQuiet(events: IncidentEvent[]): void {
    // lastSeenAt only grows, so a stale nextDueAt is too early, never too late: a sweep that finds
    // nothing just recomputes it.
    if (this.clock < this.nextDueAt) return;
    const after = this.options.resolveAfterMs;
    const due = [...this.open.values()].filter((r) => this.clock - r.lastSeenAt >= after);
    for (const rec of due.sort((x, y) => x.lastSeenAt - y.lastSeenAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))) {
      this.close(rec, 'quiet', rec.lastSeenAt + after, [`no anomaly for ${Math.round(after / 60_000)} min`], events);
    }
    this.nextDueAt = Number.POSITIVE_INFINITY;
    for (const r of this.open.values()) this.nextDueAt = Math.min(this.nextDueAt, r.lastSeenAt + after);
  }

  private evictOne(events: IncidentEvent[]): void {
    let victim: Rec | undefined;
    for (const r of this.open.values()) {
      if (!victim || r.lastSeenAt < victim.lastSeenAt || (r.lastSeenAt === victim.lastSeenAt && r.id < victim.id)) victim = r;
    }
    if (victim) this.close(victim, 'evicted', this.clock, [`evicted: more than ${this.options.maxOpenIncidents} open incidents`], events);
  }

  private close(rec: Rec, reason: ResolveReason, resolvedAt: number, reasons: string[], events: IncidentEvent[]): void {
    this.unindexRec(rec);
    this.open.delete(rec.id);
    rec.version++;
    events.push({ kind: 'resolved', incident: { ...this.snapshot(rec, 'resolved'), resolvedAt, resolveReason: reason }, at: this.clock, reasons });
  }

  private emit(rec: Rec, kind: 'opened' | 'updated', reasons: string[]): IncidentEvent {
    rec.version++;
    rec.lastEmitAt = this.clock;
    rec.announcedSeverity = rec.severity;
    const shown = reasons.length > MAX_REASONS ? [...reasons.slice(0, MAX_REASONS - 1), `and ${reasons.length - MAX_REASONS + 1} more changes`] : [...reasons];
    const event: IncidentEvent = { kind, incident: this.snapshot(rec, 'open'), at: this.clock, reasons: shown };
    rec.pending = [];
    return event;
  }

  private snapshot(rec: Rec, status: IncidentStatus): Incident {
    const typeCounts: Partial<Record<AnomalyType, number>> = {};
    const firstSeenOrder = [...rec.typeCounts.keys()];
    for (const [t, n] of rec.typeCounts) typeCounts[t] = n;
    const types = [...firstSeenOrder].sort(
      (x, y) => rec.typeCounts.get(y)! - rec.typeCounts.get(x)! || firstSeenOrder.indexOf(x) - firstSeenOrder.indexOf(y) || TYPE_ORDER.indexOf(x) - TYPE_ORDER.indexOf(y),
    );
    return {
      correlationId: rec.id,
      status,
      openedAt: rec.openedAt,
      lastSeenAt: rec.lastSeenAt,
      severity: rec.severity,
      peakScore: rec.peakScore,
      primaryType: types[0] ?? 'behavioral',
      types,
      typeCounts,
      resources: [...rec.resources],
      hosts: [...rec.hosts],
      racks: [...rec.racks],
      services: [...rec.services],
      metrics: [...rec.metrics],
      anomalyCount: rec.anomalyCount,
      members: [...rec.members.values()].map((m) => ({ ...m })),
      droppedMembers: rec.droppedMembers,
      mergedFrom: [...rec.mergedFrom],
      version: rec.version,
    };
  }
}
