import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AnomalyRecord, AnomalyRepository, IncidentRecord } from '../platform/store/index.js';
import { classifyAnomaly, type AnomalyClassification, type AnomalyMetricInput, type ResourceKind } from './classification/index.js';
import { AlertGate, IncidentCorrelator, suppressAnomaly, type CorrelatorState, type AlertGateState, type Incident, type IncidentEvent, type SuppressionRules, type WebhookDelivery } from './incidents/index.js';
import type { TopologyCache } from './topology-cache.js';

/** An anomaly as a detector reports it, before classification and correlation. */
export interface DetectedAnomaly {
  entityId: string;
  entityType: string;
  metric: string | null;
  /** 'streaming' (live telemetry), 'request' (data sent in an API call) or 'multivariate'. */
  detector: string;
  ts: number;
  score: number;
  value: number | null;
  expected: number | null;
  metrics: AnomalyMetricInput[];
  window?: { timestamps: ArrayLike<number>; values: ArrayLike<number> };
  persistencePoints: number;
  persistenceSeconds?: number;
}

export interface PipelineState {
  correlator: CorrelatorState;
  gate: AlertGateState;
}

/** Records waiting for the database beyond this are dropped (oldest first) and counted. */
const MAX_QUEUED = 50_000;

function resourceKind(entityType: string): ResourceKind {
  return entityType === 'vm' ? 'vm' : 'host';
}

export function incidentRecord(incident: Incident, at: number): IncidentRecord {
  const more = incident.resources.length > 1 ? ` and ${incident.resources.length - 1} more` : '';
  return {
    id: incident.correlationId,
    status: incident.status,
    severity: incident.severity,
    peak_score: incident.peakScore,
    title: `${incident.primaryType} incident on ${incident.resources[0] ?? 'unknown'}${more}`,
    resources: incident.resources,
    metrics: incident.metrics,
    types: incident.types,
    anomaly_count: incident.anomalyCount,
    details: {
      hosts: incident.hosts,
      racks: incident.racks,
      services: incident.services,
      primary_type: incident.primaryType,
      last_seen_at: new Date(incident.lastSeenAt).toISOString(),
      resolve_reason: incident.resolveReason ?? null,
      merged_into: incident.mergedInto ?? null,
      merged_from: incident.mergedFrom,
      members: incident.members.slice(0, 50).map((m) => ({ resource_id: m.resourceId, metric: m.metric, count: m.count, peak_severity: m.peakSeverity, peak_score: m.peakScore })),
      dropped_members: incident.droppedMembers,
      version: incident.version,
    },
    opened_at: Math.round(incident.openedAt),
    updated_at: Math.round(Math.max(incident.lastSeenAt, at)),
    resolved_at: incident.resolvedAt === undefined ? null : Math.round(incident.resolvedAt),
  };
}

/**
 * From a detector's alarm to durable records: classify (severity, type, pattern, words), drop
 * what suppression rules mute, fold into an incident, queue the anomaly and the incident for
 * the database (written in batches by `flush`), and hand announced incident events to the
 * webhook. Everything before `flush` is synchronous, so the scoring path never waits on I/O.
 */
export class AnomalyPipeline {
  private anomalies: AnomalyRecord[] = [];
  private incidents = new Map<string, IncidentRecord>();
  private dropped = 0;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      repository: AnomalyRepository;
      logger: Logger;
      topology: TopologyCache;
      correlator: IncidentCorrelator;
      gate: AlertGate;
      rules: () => SuppressionRules;
      webhook?: WebhookDelivery;
    },
  ) {}

  get queued(): number {
    return this.anomalies.length + this.incidents.size;
  }

  get droppedRecords(): number {
    return this.dropped;
  }

  classify(d: DetectedAnomaly): AnomalyClassification {
    const placement = this.deps.topology.placementOf(d.entityId, d.entityType);
    return classifyAnomaly({
      score: d.score,
      persistencePoints: d.persistencePoints,
      persistenceSeconds: d.persistenceSeconds,
      metrics: d.metrics,
      window: d.window,
      resource: { kind: resourceKind(d.entityType), id: d.entityId, hostId: d.entityType === 'vm' ? placement.hostId : undefined },
      timestamp: d.ts,
    });
  }

  /** Classifies, correlates and queues one anomaly; returns its record, or null when suppressed. */
  record(detected: DetectedAnomaly): AnomalyRecord | null {
    // Whole milliseconds: times are BIGINT columns, and a request may carry a fractional epoch.
    const d = { ...detected, ts: Math.round(detected.ts) };
    const c = this.classify(d);
    const placement = this.deps.topology.placementOf(d.entityId, d.entityType);
    const observation = {
      id: randomUUID(),
      resourceId: d.entityId,
      hostId: placement.hostId,
      rack: placement.rack,
      service: placement.service,
      timestamp: d.ts,
      severity: c.severity,
      score: c.score,
      metrics: c.affectedMetrics,
      type: c.primaryType,
    };
    if (suppressAnomaly(observation, this.deps.rules()).suppressed) return null;
    const { correlationId, events } = this.deps.correlator.assign(observation);
    const record: AnomalyRecord = {
      id: observation.id,
      entity_id: d.entityId,
      entity_type: d.entityType,
      metric: d.metric,
      detector: d.detector,
      ts: d.ts,
      score: c.score,
      severity: c.severity,
      anomaly_type: c.primaryType,
      types: c.types,
      pattern: c.pattern,
      value: d.value,
      expected: d.expected !== null && Number.isFinite(d.expected) ? d.expected : null,
      affected_metrics: c.affectedMetrics,
      description: c.description,
      recommendations: c.recommendations,
      incident_id: correlationId,
      created_at: Date.now(),
    };
    this.anomalies.push(record);
    if (this.anomalies.length > MAX_QUEUED) {
      this.anomalies.shift();
      this.dropped++;
    }
    // The incident as it stands now, even when the correlator held its 'updated' event back.
    const incident = this.deps.correlator.get(correlationId);
    if (incident) this.incidents.set(correlationId, incidentRecord(incident, d.ts));
    this.handle(events);
    return record;
  }

  /** Resolves quiet incidents and releases coalesced updates (call every few seconds). */
  tick(now: number): void {
    this.handle(this.deps.correlator.tick(now));
  }

  private handle(events: IncidentEvent[]): void {
    for (const e of events) {
      this.incidents.set(e.incident.correlationId, incidentRecord(e.incident, e.at));
      const { event } = this.deps.gate.filter(e);
      if (event && this.deps.webhook) this.deps.webhook.deliverIncidentEvent(event);
    }
  }

  /**
   * Writes everything queued, including what was queued while an earlier write was in flight (a
   * caller must find every anomaly recorded before its call stored when the promise resolves).
   * Failed writes stay queued.
   */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    const anomalies = this.anomalies;
    const incidents = [...this.incidents.values()];
    if (anomalies.length === 0 && incidents.length === 0) return Promise.resolve();
    this.anomalies = [];
    this.incidents = new Map();
    this.flushing = (async () => {
      try {
        await this.deps.repository.insertAnomalies(anomalies);
        await this.deps.repository.upsertIncidents(incidents);
      } catch (err) {
        this.deps.logger.error({ err, anomalies: anomalies.length, incidents: incidents.length }, 'writing anomalies failed; will retry');
        this.anomalies = anomalies.concat(this.anomalies).slice(-MAX_QUEUED);
        for (const i of incidents) if (!this.incidents.has(i.id)) this.incidents.set(i.id, i);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  /** Continues from checkpointed incident state (at start-up, before any anomaly is recorded). */
  restore(correlator: IncidentCorrelator, gate: AlertGate): void {
    this.deps.correlator = correlator;
    this.deps.gate = gate;
  }

  state(): PipelineState {
    return { correlator: this.deps.correlator.toState(), gate: this.deps.gate.toState() };
  }
}
