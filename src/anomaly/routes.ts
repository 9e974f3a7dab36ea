import type { App } from '../http/fastify-types.js';
import { Problem } from '../platform/errors.js';
import type { Platform } from '../platform/platform.js';
import type { AnomalyRecord, IncidentRecord } from '../platform/store/index.js';
import { parseTimestamp, queryTimeParam } from '../telemetry/index.js';
import type { RequestDetector } from './request-detector.js';
import {
  AnomalyListQuery,
  AnomalyPredictionResponse,
  BatchBody,
  BatchQuery,
  BatchResponse,
  DetectAnomalyBody,
  DetectAnomalyResponse,
  IncidentListQuery,
  IncidentParams,
  PredictionRequest,
  TrendsQuery,
} from './schemas.js';
import type { AnomalyService } from './service.js';
import { anomalyTrends } from './trends.js';
import { MODEL_ID } from './model-info.js';

const tags = ['anomaly'];
const SEVERITY_ORDER = ['low', 'medium', 'high', 'critical'];
const ENTITY_KEYS = ['node_id', 'vm_id', 'host_id', 'resource_id', 'entity_id'];

function atLeast(severity: string | undefined): string[] | undefined {
  return severity ? SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(severity)) : undefined;
}

const queryTime = (raw: string | undefined, name: string) => queryTimeParam(raw, undefined, name);

function requestTime(raw: unknown, path: string): number {
  if (raw === undefined || raw === null) return Date.now();
  const t = parseTimestamp(raw, Date.now() + 86_400_000);
  if (typeof t === 'string') throw Problem.badRequest(`${path}: ${t}`, [{ path, message: t }]);
  return t;
}

function numericMetrics(values: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'number' && Number.isFinite(v) && !ENTITY_KEYS.includes(k)) out[k] = v;
  return out;
}

function entityOf(...sources: Array<Record<string, unknown> | undefined>): string | undefined {
  for (const s of sources) for (const k of ENTITY_KEYS) if (typeof s?.[k] === 'string' && (s[k] as string).length > 0) return s[k] as string;
  return undefined;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function anomalyWire(a: AnomalyRecord) {
  return {
    id: a.id,
    entity_id: a.entity_id,
    entity_type: a.entity_type,
    metric: a.metric,
    detector: a.detector,
    timestamp: iso(a.ts),
    anomaly_score: a.score,
    severity: a.severity,
    anomaly_type: a.anomaly_type,
    anomaly_types: a.types,
    pattern: a.pattern,
    value: a.value,
    expected: a.expected,
    affected_metrics: a.affected_metrics,
    description: a.description,
    recommendations: a.recommendations,
    incident_id: a.incident_id,
  };
}

export function incidentWire(i: IncidentRecord) {
  return {
    id: i.id,
    correlation_id: i.id,
    status: i.status,
    severity: i.severity,
    peak_score: i.peak_score,
    title: i.title,
    resources: i.resources,
    metrics: i.metrics,
    anomaly_types: i.types,
    anomaly_count: i.anomaly_count,
    opened_at: iso(i.opened_at),
    updated_at: iso(i.updated_at),
    resolved_at: iso(i.resolved_at),
    details: i.details,
  };
}

export function anomalyRoutes(platform: Platform, service: AnomalyService, detector: RequestDetector) {
  return async (app: App): Promise<void> => {
    app.post('/api/v1/anomaly/detect', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Is this snapshot of a resource\'s metrics anomalous? (ai-engine shape)',
        description:
          'Each numeric feature is scored against the resource\'s live detector state, else its stored telemetry, else earlier requests for it. ' +
          'With too little history the answer says so (`insufficient_history`, low confidence) and raises no alarm.',
        body: PredictionRequest,
        response: { 200: AnomalyPredictionResponse },
      },
      handler: async (req) => {
        const started = performance.now();
        const { features, metadata } = req.body;
        const ts = requestTime(req.body.timestamp, '/body/timestamp');
        const sensitivity = typeof metadata?.sensitivity === 'number' ? metadata.sensitivity : undefined;
        const v = await detector.snapshot({ entityId: entityOf(features, metadata), metrics: numericMetrics(features), ts, sensitivity, record: true });
        const c = v.classification;
        return {
          request_id: req.body.request_id,
          model_id: MODEL_ID,
          prediction: v.isAnomaly ? 1 : 0,
          confidence: v.confidence,
          probabilities: { normal: 1 - v.score, anomaly: v.score },
          response_time: (performance.now() - started) / 1000,
          timestamp: new Date().toISOString(),
          metadata: {
            anomaly_score: v.score,
            anomaly_types: c?.types ?? [],
            severity: c?.severity ?? 'normal',
            threshold: v.threshold,
            affected_metrics: c?.affectedMetrics ?? [],
            description: c?.description ?? (v.insufficientHistory ? 'Not enough history to judge these metrics yet.' : 'No anomaly: every metric is within its usual range.'),
            recommendations: c?.recommendations ?? [],
            insufficient_history: v.insufficientHistory,
            notes: v.notes,
          },
        };
      },
    });

    app.post('/api/v1/anomaly/batch', {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Score a batch of samples in time order (ai-engine shape: the body is a raw array)',
        description: 'Each numeric key is a series over the batch; a sample\'s score is its most anomalous metric. Short batches use robust z-scores; from 300 samples the streaming detector runs without look-ahead.',
        body: BatchBody,
        querystring: BatchQuery,
        response: { 200: BatchResponse },
      },
      handler: async (req) => {
        const rows = req.body;
        const now = Date.now();
        const timestamps = rows.map((r, i) => {
          const t = r.timestamp === undefined ? undefined : parseTimestamp(r.timestamp, now + 86_400_000);
          if (typeof t === 'string') throw Problem.badRequest(`/body/${i}/timestamp: ${t}`, [{ path: `/body/${i}/timestamp`, message: t }]);
          return t ?? now - (rows.length - 1 - i) * 60_000;
        });
        const results = detector.batch(rows, timestamps, req.query.sensitivity);
        return {
          results: results.map((r) => ({
            sample_index: r.index,
            is_anomaly: r.isAnomaly,
            anomaly_score: r.score,
            anomaly_types: r.types,
            severity: r.severity,
            confidence: r.confidence,
            timestamp: new Date(r.ts).toISOString(),
          })),
          total_samples: rows.length,
        };
      },
    });

    app.get('/api/v1/anomaly/trends', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Anomaly counts, rate per hour, distributions and trend over the last `hours`', querystring: TrendsQuery },
      handler: async (req) => anomalyTrends(service, req.query.hours ?? 24, Date.now()),
    });

    app.get('/api/v1/anomalies', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Recorded anomalies, newest first, with filters', querystring: AnomalyListQuery },
      handler: async (req) => {
        const q = req.query;
        const limit = q.limit ?? 100;
        const offset = q.offset ?? 0;
        const { items, total } = await service.listAnomalies({
          entityId: q.entity_id,
          metric: q.metric,
          severities: atLeast(q.severity),
          type: q.type,
          incidentId: q.incident_id,
          from: queryTime(q.from, 'from'),
          to: queryTime(q.to, 'to'),
          limit,
          offset,
        });
        return { items: items.map(anomalyWire), total, limit, offset };
      },
    });

    app.get('/api/v1/incidents', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Incidents (anomalies grouped by time and topology), most recently updated first', querystring: IncidentListQuery },
      handler: async (req) => {
        const q = req.query;
        const limit = q.limit ?? 100;
        const offset = q.offset ?? 0;
        const { items, total } = await service.listIncidents({
          status: q.status,
          severities: atLeast(q.severity),
          resourceId: q.resource_id,
          from: queryTime(q.from, 'from'),
          to: queryTime(q.to, 'to'),
          limit,
          offset,
        });
        return { items: items.map(incidentWire), total, limit, offset };
      },
    });

    app.get('/api/v1/incidents/:id', {
      config: { access: 'viewer' },
      schema: { tags, summary: 'One incident with its anomalies', params: IncidentParams },
      handler: async (req) => {
        const incident = await service.getIncident(req.params.id);
        if (!incident) throw Problem.notFound(`No incident "${req.params.id}"`);
        const anomalies = await service.listAnomalies({ incidentId: incident.id, limit: 1000, offset: 0 });
        return { ...incidentWire(incident), anomalies: anomalies.items.map(anomalyWire) };
      },
    });

    app.post('/detect/anomaly', {
      config: { access: 'operator' },
      schema: {
        tags: ['novacron'],
        summary: 'NovaCron scheduler\'s anomaly check (v2 verb path): one snapshot of fractions',
        body: DetectAnomalyBody,
        response: { 200: DetectAnomalyResponse },
      },
      handler: async (req) => {
        const b = req.body;
        const v = await detector.snapshot({ entityId: b.resource_id, metrics: numericMetrics(b.metrics), ts: Date.now(), sensitivity: b.sensitivity, history: b.historical_data, record: true });
        const c = v.classification;
        return {
          resource_id: b.resource_id,
          is_anomaly: v.isAnomaly,
          anomaly_score: v.score,
          anomaly_type: c?.primaryType ?? null,
          affected_metrics: c?.affectedMetrics ?? [],
          severity: c?.severity ?? 'normal',
          recommendations: c?.recommendations ?? v.notes,
          confidence: v.confidence,
          description: c?.description ?? (v.insufficientHistory ? v.notes.join('; ') : 'No anomaly: every metric is within its usual range.'),
          timestamp: new Date().toISOString(),
        };
      },
    });
  };
}
