/**
 * Suppression: maintenance windows and mutes, applied at two points.
 *
 * 1. **Anomalies, before correlation** (`suppressAnomaly`). An anomaly on a resource in maintenance,
 *    or matched by a mute, never reaches the correlator, so planned work does not open incidents.
 * 2. **Incident events, before alerting** (`AlertGate`). The severity floor and incident-wide mutes
 *    and maintenance decide whether an event is delivered. The gate also keeps the receiver's view
 *    consistent: the first event it lets through for an incident is always `opened` (an incident that
 *    opened at low severity and escalated to high is announced once, as `opened`, when it crosses the
 *    floor), later ones keep their kind, and `resolved` is delivered only for incidents that were
 *    announced — and always for those, even inside a maintenance window, so nothing is left open.
 *
 * Matching:
 * - A rule's *scope* lists resource ids, host ids, racks and services; an empty scope is fleet-wide.
 *   An anomaly is in scope when its resource, its host, its rack or its service is listed (a host id
 *   listed under `hostIds` also matches the host's own anomalies, whose `resourceId` is the host).
 *   An incident is in scope when the *whole* incident is: every resource listed (as resource or
 *   host), or all its hosts, all its racks or all its services listed.
 * - Maintenance windows are half-open intervals `[startMs, endMs)` of epoch milliseconds.
 * - A mute matches by type (`types`, absent = every type), by severity (`belowSeverity`: only
 *   severities strictly below it are muted; absent = every severity), scope, and optional time range.
 * - `minSeverity` (default `low`) is the global floor: `normal` is never alerted.
 *
 * Rules are plain JSON so they can be stored and edited through the API. Recurring windows are not
 * modelled: the caller expands a schedule into windows.
 */
import { compareSeverity, type AnomalyType, type Severity } from '../classification/index.js';
import type { Incident, IncidentEvent } from './incident-correlator.js';

export interface RuleScope {
  resourceIds?: readonly string[];
  hostIds?: readonly string[];
  racks?: readonly string[];
  services?: readonly string[];
}

export interface MaintenanceWindow extends RuleScope {
  id: string;
  startMs: number;
  /** Exclusive end. */
  endMs: number;
  reason?: string;
}

export interface MuteRule extends RuleScope {
  id: string;
  /** Types muted; absent or empty = every type. */
  types?: readonly AnomalyType[];
  /** Only severities strictly below this are muted; absent = every severity. */
  belowSeverity?: Severity;
  /** Active from (inclusive); absent = always. */
  fromMs?: number;
  /** Active until (exclusive); absent = forever. */
  untilMs?: number;
  reason?: string;
}

export interface SuppressionRules {
  /** Nothing below this severity is alerted (default `low`). */
  minSeverity?: Severity;
  maintenance?: readonly MaintenanceWindow[];
  mutes?: readonly MuteRule[];
}

export interface SuppressionDecision {
  suppressed: boolean;
  /** The rule that suppressed it: a window or mute id, or `min_severity`. */
  ruleId?: string;
  reason?: string;
}

export interface SuppressibleAnomaly {
  resourceId: string;
  hostId?: string;
  rack?: string;
  service?: string;
  timestamp: number;
  severity: Severity;
  type: AnomalyType;
}

const PASS: SuppressionDecision = { suppressed: false };

function isEmptyScope(s: RuleScope): boolean {
  return !s.resourceIds?.length && !s.hostIds?.length && !s.racks?.length && !s.services?.length;
}

function anomalyInScope(s: RuleScope, a: SuppressibleAnomaly): boolean {
  if (isEmptyScope(s)) return true;
  if (s.resourceIds?.includes(a.resourceId)) return true;
  if (s.hostIds && (s.hostIds.includes(a.resourceId) || (a.hostId !== undefined && s.hostIds.includes(a.hostId)))) return true;
  if (a.rack !== undefined && s.racks?.includes(a.rack)) return true;
  if (a.service !== undefined && s.services?.includes(a.service)) return true;
  return false;
}

function incidentInScope(s: RuleScope, i: Incident): boolean {
  if (isEmptyScope(s)) return true;
  const all = (xs: readonly string[], listed: readonly string[] | undefined) => xs.length > 0 && listed !== undefined && xs.every((x) => listed.includes(x));
  const named = [...(s.resourceIds ?? []), ...(s.hostIds ?? [])];
  return all(i.resources, named) || all(i.hosts, s.hostIds) || all(i.racks, s.racks) || all(i.services, s.services);
}

function muteMatches(m: MuteRule, at: number, type: AnomalyType, severity: Severity): boolean {
  if (m.fromMs !== undefined && at < m.fromMs) return false;
  if (m.untilMs !== undefined && at >= m.untilMs) return false;
  if (m.types && m.types.length > 0 && !m.types.includes(type)) return false;
  if (m.belowSeverity !== undefined && compareSeverity(severity, m.belowSeverity) >= 0) return false;
  return true;
}

function inWindow(w: MaintenanceWindow, at: number): boolean {
  return at >= w.startMs && at < w.endMs;
}

/** Whether an anomaly should be dropped before it reaches the correlator. */
export function suppressAnomaly(a: SuppressibleAnomaly, rules: SuppressionRules): SuppressionDecision {
  for (const w of rules.maintenance ?? []) {
    if (inWindow(w, a.timestamp) && anomalyInScope(w, a)) return { suppressed: true, ruleId: w.id, reason: w.reason ?? `maintenance window ${w.id}` };
  }
  for (const m of rules.mutes ?? []) {
    if (muteMatches(m, a.timestamp, a.type, a.severity) && anomalyInScope(m, a)) return { suppressed: true, ruleId: m.id, reason: m.reason ?? `muted by ${m.id}` };
  }
  return PASS;
}

/** Whether an incident (as of `at`) should not be alerted. */
export function suppressIncident(incident: Incident, at: number, rules: SuppressionRules): SuppressionDecision {
  const floor = rules.minSeverity ?? 'low';
  if (compareSeverity(incident.severity, floor) < 0) return { suppressed: true, ruleId: 'min_severity', reason: `severity ${incident.severity} is below ${floor}` };
  for (const w of rules.maintenance ?? []) {
    if (inWindow(w, at) && incidentInScope(w, incident)) return { suppressed: true, ruleId: w.id, reason: w.reason ?? `maintenance window ${w.id}` };
  }
  for (const m of rules.mutes ?? []) {
    if (muteMatches(m, at, incident.primaryType, incident.severity) && incidentInScope(m, incident)) {
      return { suppressed: true, ruleId: m.id, reason: m.reason ?? `muted by ${m.id}` };
    }
  }
  return PASS;
}

export interface GateResult {
  /** The event to deliver (kind possibly rewritten to `opened`), or null to drop it. */
  event: IncidentEvent | null;
  decision: SuppressionDecision;
}

export interface AlertGateState {
  formatVersion: 1;
  announced: string[];
}

/**
 * Filters incident events into alerts (see the module comment). Rules may be a value or a getter,
 * so edits apply to the next event without rebuilding the gate. Holds one id per announced, still
 * open incident; ids leave on `resolved`, and at most `maxTracked` are kept (oldest dropped first).
 */
export class AlertGate {
  private readonly announced = new Set<string>();

  constructor(
    private readonly rules: SuppressionRules | (() => SuppressionRules),
    private readonly maxTracked = 100_000,
  ) {}

  private currentRules(): SuppressionRules {
    return typeof this.rules === 'function' ? this.rules() : this.rules;
  }

  filter(event: IncidentEvent): GateResult {
    const id = event.incident.correlationId;
    if (event.kind === 'resolved') {
      if (!this.announced.has(id)) return { event: null, decision: { suppressed: true, reason: 'never announced' } };
      this.announced.delete(id);
      return { event, decision: PASS };
    }
    const decision = suppressIncident(event.incident, event.at, this.currentRules());
    if (decision.suppressed) return { event: null, decision };
    if (this.announced.has(id)) return { event, decision };
    this.announced.add(id);
    if (this.announced.size > this.maxTracked) this.announced.delete(this.announced.values().next().value as string);
    if (event.kind === 'opened') return { event, decision };
    return { event: { ...event, kind: 'opened', reasons: [...event.reasons, 'first alert for this incident'] }, decision };
  }

  /** Whether alerts for this incident have been delivered and it is not resolved yet. */
  isAnnounced(correlationId: string): boolean {
    return this.announced.has(correlationId);
  }

  toState(): AlertGateState {
    return { formatVersion: 1, announced: [...this.announced] };
  }

  static fromState(state: AlertGateState, rules: SuppressionRules | (() => SuppressionRules), maxTracked?: number): AlertGate {
    if (!state || state.formatVersion !== 1) throw new TypeError(`unsupported alert gate state (formatVersion ${String(state?.formatVersion)})`);
    const g = new AlertGate(rules, maxTracked);
    for (const id of state.announced) g.announced.add(id);
    return g;
  }
}
